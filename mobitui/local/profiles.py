"""Profiles: which server and account, in TOML under the user config dir; never a password.

A stored :class:`Profile` holds what the admin wrote down (every setting optional); the
:class:`ConnectionSettings` resolved from it, or from ``--server``/``--account`` for a one-off,
hold what a run uses (defaults filled in, the language and read-only flags applied). The TUI and
the headless commands resolve them with :func:`resolve_settings`, so both mean the same by a
profile name, a missing profile and a default.

A malformed file is never silently discarded: :class:`~mobitui.local.paths.ConfigError` names
the file and the line (TOML syntax) or the key (wrong type or value), and the file is left as
it was. The file is written through :mod:`mobitui.local.private_files` (whole, fsync'd, 0600).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlparse

import tomli_w

from mobitui.domain.rules import DEFAULT_STALL
from mobitui.local import private_files
from mobitui.local.paths import ConfigError, config_dir
from mobitui.local.private_files import PrivateFileError
from mobitui.local.problem import toml_problem

if TYPE_CHECKING:
    from mobitui.i18n import Lang

PROFILES_FILE = "profiles.toml"
LANGS = ("ja", "en")
#: A profile's ``trust`` (the same words as :data:`mobitui.api.transport.TRUST_CHOICES`).
TRUST_CHOICES = ("certifi", "system")
#: Above this many devices a bulk run also asks to type the count, unless a profile says.
DEFAULT_CONFIRM_ABOVE = 100
#: The environment variable naming the profile to use when ``--profile`` is not given.
PROFILE_ENV = "MOBITUI_PROFILE"
#: The profile name of a one-off ``--server URL --account NAME``: no token is cached for it.
ONE_OFF = "-"
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
    #: Which CAs are trusted: "certifi" (httpx's store, the default) or "system" (the OS's).
    trust: str | None = None

    def to_toml(self) -> dict[str, Any]:
        data: dict[str, Any] = {"base_url": self.base_url, "account": self.account}
        keys = (
            *("ca_bundle", "proxy", "lang", "confirm_above", "stall_after_minutes", "read_only"),
            "trust",
        )
        for key in keys:
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


@dataclass(frozen=True, slots=True)
class ConnectionSettings:
    """Which server and account a run talks to, and every setting that goes with them,
    resolved: what the profile left out is the default, ``--lang`` and ``--read-only`` are
    applied. The TUI's :class:`~mobitui.tui.launch.Launch` adds only what is the TUI's own."""

    base_url: str
    account: str
    #: The profile's name: the token cache, the fleet cache and the journal are per profile
    #: (:data:`ONE_OFF` for ``--server``/``--account``).
    profile: str
    lang: Lang = "en"
    #: ``--read-only`` or the profile's ``read_only``: nothing destructive may be sent.
    read_only: bool = False
    ca_bundle: str | None = None
    proxy: str | None = None
    #: Keep the login's token in the state dir (0600, per origin) for the next run.
    cache_token: bool = True
    #: Above this many devices a bulk dialog or command also asks to type the count.
    confirm_above: int = DEFAULT_CONFIRM_ABOVE
    #: A pending device silent this long after its request executed is flagged as stalled.
    stall_after: timedelta = DEFAULT_STALL
    #: The profile's ``trust``: "certifi" (default) or "system" (the OS trust store).
    trust: str = "certifi"

    @classmethod
    def from_profile(cls, profile: Profile, lang: Lang, read_only: bool = False) -> Self:
        """The settings of ``profile``, in ``lang``; ``read_only`` adds to the profile's."""
        return cls(
            base_url=profile.base_url,
            account=profile.account,
            profile=profile.name,
            lang=lang,
            read_only=read_only or bool(profile.read_only),
            ca_bundle=profile.ca_bundle,
            proxy=profile.proxy,
            confirm_above=(
                DEFAULT_CONFIRM_ABOVE if profile.confirm_above is None else profile.confirm_above
            ),
            stall_after=(
                DEFAULT_STALL
                if profile.stall_after_minutes is None
                else timedelta(minutes=profile.stall_after_minutes)
            ),
            trust=profile.trust or "certifi",
        )

    @classmethod
    def one_off(cls, server: str, account: str, lang: Lang, read_only: bool = False) -> Self:
        """``--server URL --account NAME``: no profile, so no token is kept for the next run."""
        return cls(
            base_url=server,
            account=account,
            profile=ONE_OFF,
            lang=lang,
            read_only=read_only,
            cache_token=False,
        )


@dataclass(slots=True)
class Profiles:
    """Every profile in the file, and which one opens by default."""

    profiles: dict[str, Profile] = field(default_factory=dict)
    default: str | None = None

    def get(self, name: str | None) -> Profile | None:
        if name is None:
            name = self.default or (next(iter(self.profiles)) if self.profiles else None)
        return None if name is None else self.profiles.get(name)


def validate_profile(profile: Profile) -> list[ConfigError]:
    """Problems with a profile (empty when it is usable), each said as ``field: reason`` by
    the catalogue's ``profile.problem.<field>``: the form shows them, the file loader names
    the file and profile before them."""
    problems: list[ConfigError] = []
    if not _NAME.match(profile.name):
        problems.append(ConfigError.said("profile.problem.name"))
    url = urlparse(profile.base_url)
    if url.scheme not in ("http", "https") or not url.netloc:
        problems.append(ConfigError.said("profile.problem.base_url"))
    if not profile.account.strip():
        problems.append(ConfigError.said("profile.problem.account"))
    if profile.proxy is not None:
        proxy = urlparse(profile.proxy)
        if proxy.scheme not in ("http", "https", "socks5") or not proxy.netloc:
            problems.append(ConfigError.said("profile.problem.proxy"))
    if profile.lang is not None and profile.lang not in LANGS:
        problems.append(ConfigError.said("profile.problem.lang"))
    if profile.confirm_above is not None and profile.confirm_above < 0:
        problems.append(ConfigError.said("profile.problem.confirm_above"))
    if profile.stall_after_minutes is not None and profile.stall_after_minutes < 1:
        problems.append(ConfigError.said("profile.problem.stall_after_minutes"))
    if profile.trust is not None and profile.trust not in TRUST_CHOICES:
        problems.append(ConfigError.said("profile.problem.trust", value=repr(profile.trust)))
    return problems


_STRINGS = frozenset({"base_url", "account", "ca_bundle", "proxy", "lang", "trust"})
_INTEGERS = frozenset({"confirm_above", "stall_after_minutes"})
_BOOLEANS = frozenset({"read_only"})


def load_profiles(path: Path | None = None) -> Profiles:
    """Read the profiles file; a missing file is an empty set, a broken one a ConfigError."""
    path = path or config_dir() / PROFILES_FILE
    try:
        raw = private_files.read_private(path)
    except FileNotFoundError:
        return Profiles()
    except OSError as exc:
        raise ConfigError.of(private_files.failure(path, "read", exc)) from None
    try:
        # Whoever can write this folder chooses the server the password is typed for.
        private_files.check_private_dir(path.parent, writable=False)
    except PrivateFileError as exc:
        raise ConfigError.of(exc) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError.said("cli.config.not_utf8", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise toml_problem(ConfigError, path, exc) from None

    default = data.get("default_profile")
    if default is not None and not isinstance(default, str):
        raise ConfigError.said("cli.config.default_not_string", path=path)
    section = data.get("profiles", {})
    if not isinstance(section, dict):
        raise ConfigError.said("cli.config.profiles_not_table", path=path)
    profiles: dict[str, Profile] = {}
    for name, body in section.items():
        where = f"{path}: profiles.{name}"
        if not isinstance(body, dict):
            raise ConfigError.said("cli.config.profile_not_table", where=where)
        unknown = set(body) - _STRINGS - _INTEGERS - _BOOLEANS
        if unknown:
            raise ConfigError.said("cli.config.unknown_key", where=where, field=sorted(unknown)[0])
        for key, value in body.items():
            if key in _STRINGS and not isinstance(value, str):
                raise ConfigError.said("cli.config.not_string", where=where, field=key)
            if key in _BOOLEANS and not isinstance(value, bool):
                raise ConfigError.said("cli.config.not_bool", where=where, field=key)
            if key in _INTEGERS and (isinstance(value, bool) or not isinstance(value, int)):
                raise ConfigError.said("cli.config.not_int", where=where, field=key)
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
            trust=body.get("trust"),
        )
        problems = validate_profile(profile)
        if problems:
            raise ConfigError.said("cli.config.value", where=where, reason=problems[0])
        profiles[name] = profile
    if default is not None and default not in profiles:
        raise ConfigError.said("cli.config.default_missing", path=path, name=repr(default))
    return Profiles(profiles, default)


def resolve_settings(
    profile: str | None = None,
    *,
    server: str | None = None,
    account: str | None = None,
    lang: str | None = None,
    read_only: bool = False,
    environ: Mapping[str, str] | None = None,
    configured: Profiles | None = None,
) -> ConnectionSettings:
    """The settings of a run: ``server`` and ``account`` for a one-off, else the profile named
    (else ``$MOBITUI_PROFILE``, else the default one) of ``configured`` (read from the file
    unless given). The language is ``lang``, else the profile's, else the locale's
    (``environ``, default ``os.environ``).

    :class:`ConfigError` for a broken profiles file, a one-off missing half of its pair, or a
    profile that is not there (naming the known ones).
    """
    from mobitui.i18n import choose_lang

    env = os.environ if environ is None else environ
    if server or account:
        if not (server and account):
            raise ConfigError.said("cli.config.one_off_pair")
        return ConnectionSettings.one_off(server, account, choose_lang(lang, None, env), read_only)
    if configured is None:
        configured = load_profiles()
    from_env = profile is None and bool(env.get(PROFILE_ENV))
    if from_env:  # --profile, else $MOBITUI_PROFILE, else the file's default
        profile = env[PROFILE_ENV]
    found = configured.get(profile)
    if found is None:
        known = ", ".join(sorted(configured.profiles))
        origin = f" (${PROFILE_ENV})" if from_env else ""
        if profile:
            key = "cli.config.no_profile" if known else "cli.config.no_profile_yet"
        else:
            key = "cli.config.no_default_profile" if known else "cli.config.no_default_profile_yet"
        raise ConfigError.said(key, wanted=repr(profile), origin=origin, known=known)
    return ConnectionSettings.from_profile(found, choose_lang(lang, found.lang, env), read_only)


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
        raise ConfigError.of(exc) from None
    return path
