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

Every file here is written through :mod:`mobitui.private_files` (whole, fsync'd, 0600, the
temporary file never a followed symlink), and the config, state and cache directories are
made 0700; one that is not a directory, not writable, writable by others or owned by another
user is refused with a :class:`ConfigError` naming it.

A cached token belongs to the origin (scheme, host, port) of the ``base_url`` that issued it
and to its account: it is stored with both and handed back only for the same pair, so a
profile whose ``base_url`` changed never sends the old server's token to the new one.
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

from mobitui import private_files
from mobitui.private_files import PrivateFileError

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
    #: True: every destructive action is refused, in the TUI and the headless commands.
    read_only: bool | None = None

    def to_toml(self) -> dict[str, Any]:
        data: dict[str, Any] = {"base_url": self.base_url, "account": self.account}
        keys = ("ca_bundle", "proxy", "lang", "confirm_above", "stall_after_minutes", "read_only")
        for key in keys:
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
_BOOLEANS = frozenset({"read_only"})


def _decode_error_line(exc: tomllib.TOMLDecodeError) -> str:
    match = re.search(r"line (\d+)", str(exc))
    return f"line {match.group(1)}" if match else "unknown line"


def load_profiles(path: Path | None = None) -> Profiles:
    """Read the profiles file; a missing file is an empty set, a broken one a ConfigError."""
    path = path or config_dir() / PROFILES_FILE
    try:
        raw = private_files.read_private(path)
    except FileNotFoundError:
        return Profiles()
    except PrivateFileError as exc:
        raise ConfigError(str(exc)) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        # Whoever can write this folder chooses the server the password is typed for.
        private_files.check_private_dir(path.parent, writable=False)
    except PrivateFileError as exc:
        raise ConfigError(str(exc)) from None
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
        unknown = set(body) - _STRINGS - _INTEGERS - _BOOLEANS
        if unknown:
            raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r}")
        for key, value in body.items():
            if key in _STRINGS and not isinstance(value, str):
                raise ConfigError(f"{where}.{key}: must be a string")
            if key in _BOOLEANS and not isinstance(value, bool):
                raise ConfigError(f"{where}.{key}: must be true or false")
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
            read_only=body.get("read_only"),
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
    data: dict[str, Any] = {}
    if profiles.default is not None:
        data["default_profile"] = profiles.default
    data["profiles"] = {name: p.to_toml() for name, p in profiles.profiles.items()}
    try:
        private_files.write_atomic(path, tomli_w.dumps(data).encode("utf-8"))
    except PrivateFileError as exc:
        raise ConfigError(str(exc)) from None
    return path


def write_private(path: Path, content: bytes, *, root: Path | None = None) -> None:
    """Write ``content`` to ``path`` atomically with mode 0600 in a 0700 directory.

    Raises :class:`~mobitui.private_files.PrivateFileError` (an ``OSError`` naming the file).
    Kept for callers outside this package; it is :func:`mobitui.private_files.write_atomic`.
    """
    private_files.write_atomic(path, content, root=root)


def ensure_state_dir() -> Path:
    """The state directory, created 0700 and checked (a directory of this user, private and
    writable); :class:`ConfigError` naming it otherwise.

    Called before anything that needs it (a login whose token is cached, a bulk run), so a
    read-only or misplaced state directory is one clear message, not a traceback later.
    """
    try:
        return private_files.ensure_private_dir(state_dir())
    except PrivateFileError as exc:
        raise ConfigError(f"{exc} (the state directory; $MOBITUI_STATE_DIR sets it)") from None


# --------------------------------------------------------------------------- token cache


#: Longest token kept (the reference server's are 43 characters).
MAX_TOKEN = 4096
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class CachedToken:
    token: str
    expires_at: datetime
    #: ``scheme://host:port`` of the server that issued it (:func:`origin_of`).
    origin: str = ""

    def valid(self, now: datetime | None = None) -> bool:
        return self.expires_at > (now or datetime.now(UTC))


def origin_of(base_url: str) -> str:
    """``scheme://host:port`` of ``base_url``, normalised (lower case, the default port
    written out), so ``HTTPS://MDM.example.jp/`` and ``https://mdm.example.jp:443`` are one
    origin and ``http://`` of the same host is another."""
    try:
        url = urlparse(base_url.strip())
        scheme = url.scheme.lower()
        host = url.hostname
        port = url.port
    except ValueError as exc:
        raise ConfigError(f"base_url {base_url!r}: {exc}") from None
    if scheme not in _DEFAULT_PORTS or not host:
        raise ConfigError(f"base_url {base_url!r}: an http:// or https:// address")
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port or _DEFAULT_PORTS[scheme]}"


def printable_token(token: object) -> bool:
    """A bearer token as HTTP can carry it: 1 to MAX_TOKEN printable ASCII characters, no
    space. Anything else cannot be sent in a header (it made every later command crash)."""
    return (
        isinstance(token, str)
        and 0 < len(token) <= MAX_TOKEN
        and all("!" <= c <= "~" for c in token)
    )


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)


def _tokens_dir() -> Path:
    return state_dir() / "tokens"


def _legacy_token_path(profile: str, account: str) -> Path:
    """Where tokens were cached before they were tied to an origin (never used again)."""
    return _tokens_dir() / f"{_safe(f'{profile}--{account}')}.json"


def _token_path(profile: str, origin: str, account: str) -> Path:
    """One file per profile, origin and account: the readable part for the admin, the digest
    of the exact triple so two that make the same safe name stay apart."""
    digest = hashlib.sha256(f"{profile}\x00{origin}\x00{account}".encode()).hexdigest()[:16]
    return _tokens_dir() / f"{_safe(f'{profile}--{account}')[:80]}-{digest}.json"


def _token_dir_ready() -> Path:
    """The token directory, private (created 0700 up from the state directory)."""
    directory = _tokens_dir()
    try:
        private_files.ensure_private_dir(directory, root=state_dir())
    except PrivateFileError as exc:
        raise ConfigError(f"{exc} (the token cache; $MOBITUI_STATE_DIR sets it)") from None
    return directory


def _discard(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise ConfigError(str(private_files.failure(path, "delete", exc))) from None


def save_token(
    profile: str, account: str, token: str, expires_at: datetime, *, server: str
) -> Path:
    """Cache ``token`` for ``profile`` and ``account`` on ``server``'s origin (0600).

    A token that HTTP could not carry is never cached (:class:`ConfigError`): it would only
    fail again at every later launch.
    """
    origin = origin_of(server)
    _token_dir_ready()
    path = _token_path(profile, origin, account)
    if not printable_token(token):
        raise ConfigError(f"{path}: not cached: the server's token is not printable ASCII")
    body = json.dumps(
        {
            "origin": origin,
            "account": account,
            "profile": profile,
            "token": token,
            "expires_at": expires_at.isoformat(),
        }
    )
    try:
        private_files.write_atomic(path, body.encode("utf-8"), root=state_dir())
    except PrivateFileError as exc:
        raise ConfigError(str(exc)) from None
    return path


def load_token(profile: str, account: str, *, server: str) -> CachedToken | None:
    """The cached token of ``profile`` and ``account`` issued by ``server``'s origin, if it is
    still usable; one that is expired, unreadable, not printable ASCII or (tampered) says
    another origin or account is removed. The token directory is checked first (private,
    writable): :class:`ConfigError` naming it, before any password is asked for."""
    origin = origin_of(server)
    _token_dir_ready()
    _discard(_legacy_token_path(profile, account))  # not tied to an origin: never sent
    path = _token_path(profile, origin, account)
    try:
        data = json.loads(private_files.read_private(path).decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("bad token cache")
        cached = CachedToken(
            data["token"], datetime.fromisoformat(data["expires_at"]), data["origin"]
        )
        if (
            not printable_token(cached.token)
            or cached.expires_at.tzinfo is None
            or cached.origin != origin
            or data.get("account") != account
        ):
            raise ValueError("bad token cache")
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        # A token cache is disposable: a broken one only costs a password prompt.
        _discard(path)
        return None
    if not cached.valid():
        _discard(path)
        return None
    return cached


def forget_token(profile: str, account: str, *, server: str) -> None:
    """Delete the cached token of ``profile`` and ``account`` on ``server``'s origin."""
    _discard(_token_path(profile, origin_of(server), account))
    _discard(_legacy_token_path(profile, account))


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
