"""Profiles (TOML under the user config dir) and the cached login token (mode 0600).

A profile names a server and an account; it never holds a password. The token from a login is
cached so the next launch skips the password until the token expires; the cache file is
created with mode 0600 inside a 0700 directory and removed on logout (``mobitui logout``, or
"Log out" in the TUI's command palette), or as soon as the server refuses it.

Where files live (platformdirs, overridable for tests and unusual hosts):

- profiles: ``$MOBITUI_CONFIG_DIR`` or the user config dir, file ``profiles.toml``;
- tokens and other state: ``$MOBITUI_STATE_DIR`` or the user state dir;
- what can be rebuilt (the fleet cache, demo templates): ``$MOBITUI_CACHE_DIR`` or the user
  cache dir.

A malformed file is never silently discarded: :class:`ConfigError` names the file and the
line (TOML syntax) or the key (wrong type or value), and the file is left as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import platformdirs
import tomli_w

PROFILES_FILE = "profiles.toml"
LANGS = ("ja", "en")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class ConfigError(Exception):
    """A configuration or state file cannot be used; the message names the file and place."""


def config_dir() -> Path:
    return Path(os.environ.get("MOBITUI_CONFIG_DIR") or platformdirs.user_config_dir("mobitui"))


def state_dir() -> Path:
    return Path(os.environ.get("MOBITUI_STATE_DIR") or platformdirs.user_state_dir("mobitui"))


def cache_dir() -> Path:
    """What can be rebuilt at any time (seeded demo databases): safe to delete."""
    return Path(os.environ.get("MOBITUI_CACHE_DIR") or platformdirs.user_cache_dir("mobitui"))


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    base_url: str
    account: str
    ca_bundle: str | None = None
    proxy: str | None = None
    lang: str | None = None
    #: Above this many devices a bulk dialog also asks to type the count (default 100).
    confirm_above: int | None = None
    #: A pending device silent this long after its request executed is "stalled" (default 120).
    stall_after_minutes: int | None = None

    def to_toml(self) -> dict[str, Any]:
        data: dict[str, Any] = {"base_url": self.base_url, "account": self.account}
        for key in ("ca_bundle", "proxy", "lang", "confirm_above", "stall_after_minutes"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


@dataclass(slots=True)
class Profiles:
    """Every profile in the file, and which one opens by default."""

    profiles: dict[str, Profile] = field(default_factory=dict)
    default: str | None = None

    def get(self, name: str | None) -> Profile | None:
        if name is None:
            name = self.default or (next(iter(self.profiles)) if self.profiles else None)
        return None if name is None else self.profiles.get(name)


def validate_profile(profile: Profile) -> list[str]:
    """Problems with a profile, as ``key: reason`` strings (empty when it is usable)."""
    problems: list[str] = []
    if not _NAME.match(profile.name):
        problems.append("name: letters, digits, '.', '_' or '-' (up to 64)")
    url = urlparse(profile.base_url)
    if url.scheme not in ("http", "https") or not url.netloc:
        problems.append("base_url: an http:// or https:// address")
    if not profile.account.strip():
        problems.append("account: required")
    if profile.proxy is not None:
        proxy = urlparse(profile.proxy)
        if proxy.scheme not in ("http", "https", "socks5") or not proxy.netloc:
            problems.append("proxy: an http://, https:// or socks5:// address")
    if profile.lang is not None and profile.lang not in LANGS:
        problems.append("lang: ja or en")
    if profile.confirm_above is not None and profile.confirm_above < 0:
        problems.append("confirm_above: 0 or more")
    if profile.stall_after_minutes is not None and profile.stall_after_minutes < 1:
        problems.append("stall_after_minutes: 1 or more")
    return problems


_STRINGS = frozenset({"base_url", "account", "ca_bundle", "proxy", "lang"})
_INTEGERS = frozenset({"confirm_above", "stall_after_minutes"})


def _decode_error_line(exc: tomllib.TOMLDecodeError) -> str:
    match = re.search(r"line (\d+)", str(exc))
    return f"line {match.group(1)}" if match else "unknown line"


def load_profiles(path: Path | None = None) -> Profiles:
    """Read the profiles file; a missing file is an empty set, a broken one a ConfigError."""
    path = path or config_dir() / PROFILES_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Profiles()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {_decode_error_line(exc)}: {exc}") from None

    default = data.get("default_profile")
    if default is not None and not isinstance(default, str):
        raise ConfigError(f"{path}: default_profile: must be a string")
    section = data.get("profiles", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: profiles: must be a table of profiles")
    profiles: dict[str, Profile] = {}
    for name, body in section.items():
        where = f"{path}: profiles.{name}"
        if not isinstance(body, dict):
            raise ConfigError(f"{where}: must be a table")
        unknown = set(body) - _STRINGS - _INTEGERS
        if unknown:
            raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r}")
        for key, value in body.items():
            if key in _STRINGS and not isinstance(value, str):
                raise ConfigError(f"{where}.{key}: must be a string")
            if key in _INTEGERS and (isinstance(value, bool) or not isinstance(value, int)):
                raise ConfigError(f"{where}.{key}: must be a whole number")
        profile = Profile(
            name=name,
            base_url=body.get("base_url", ""),
            account=body.get("account", ""),
            ca_bundle=body.get("ca_bundle"),
            proxy=body.get("proxy"),
            lang=body.get("lang"),
            confirm_above=body.get("confirm_above"),
            stall_after_minutes=body.get("stall_after_minutes"),
        )
        problems = validate_profile(profile)
        if problems:
            raise ConfigError(f"{where}.{problems[0]}")
        profiles[name] = profile
    if default is not None and default not in profiles:
        raise ConfigError(f"{path}: default_profile: no profile named {default!r}")
    return Profiles(profiles, default)


def save_profiles(profiles: Profiles, path: Path | None = None) -> Path:
    """Write the profiles file atomically (a crash never leaves half a file)."""
    path = path or config_dir() / PROFILES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    data: dict[str, Any] = {}
    if profiles.default is not None:
        data["default_profile"] = profiles.default
    data["profiles"] = {name: p.to_toml() for name, p in profiles.profiles.items()}
    write_private(path, tomli_w.dumps(data).encode("utf-8"))
    return path


def write_private(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` atomically with mode 0600 in a 0700 directory."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)  # umask may have narrowed it further; never widened
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- token cache


@dataclass(frozen=True, slots=True)
class CachedToken:
    token: str
    expires_at: datetime

    def valid(self, now: datetime | None = None) -> bool:
        return self.expires_at > (now or datetime.now(UTC))


def _token_path(profile: str, account: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", f"{profile}--{account}")
    return state_dir() / "tokens" / f"{safe}.json"


def save_token(profile: str, account: str, token: str, expires_at: datetime) -> Path:
    path = _token_path(profile, account)
    body = json.dumps({"token": token, "expires_at": expires_at.isoformat()})
    write_private(path, body.encode("utf-8"))
    return path


def load_token(profile: str, account: str) -> CachedToken | None:
    """The cached token if there is a usable one; an expired or unreadable cache is removed."""
    path = _token_path(profile, account)
    try:
        data = json.loads(path.read_text("utf-8"))
        cached = CachedToken(data["token"], datetime.fromisoformat(data["expires_at"]))
        if not isinstance(cached.token, str) or cached.expires_at.tzinfo is None:
            raise ValueError("bad token cache")
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        # A token cache is disposable: a broken one only costs a password prompt.
        path.unlink(missing_ok=True)
        return None
    if not cached.valid():
        path.unlink(missing_ok=True)
        return None
    return cached


def forget_token(profile: str, account: str) -> None:
    _token_path(profile, account).unlink(missing_ok=True)


# --------------------------------------------------------------------------- fleet cache


def fleet_cache_path(profile: str, account: str) -> Path:
    """Where the fleet of ``profile`` and ``account`` is cached (:mod:`mobitui.fleet_cache`).

    One file per profile and account, in the cache directory (it can be rebuilt from the server
    at any time). The readable part of the name is made safe like a token file's; the digest of
    the exact pair keeps two pairs that make the same safe name (``a b`` and ``a_b``) apart.
    """
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", f"{profile}--{account}")[:80]
    digest = hashlib.sha256(f"{profile}\x00{account}".encode()).hexdigest()[:12]
    return cache_dir() / "fleets" / f"{safe}-{digest}.msgpack"
