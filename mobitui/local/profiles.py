"""Profiles: which server and account, in TOML under the user config dir; never a password.

A malformed file is never silently discarded: :class:`~mobitui.local.paths.ConfigError` names
the file and the line (TOML syntax) or the key (wrong type or value), and the file is left as
it was. The file is written through :mod:`mobitui.local.private_files` (whole, fsync'd, 0600).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import tomli_w

from mobitui.local import private_files
from mobitui.local.paths import ConfigError, config_dir
from mobitui.local.private_files import PrivateFileError

PROFILES_FILE = "profiles.toml"
LANGS = ("ja", "en")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


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
