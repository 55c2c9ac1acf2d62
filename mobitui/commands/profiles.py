"""``mobitui profile list|show`` and ``mobitui auth status``: which profile, which login.

In the manner of ``kubectl config get-contexts`` and ``gh auth status``: the profiles file is
read (never written), no secret is ever printed (a profile holds none, and the user and
password of a URL's ``user:pass@`` are masked), and ``auth status`` reads the token cache
without contacting the server unless ``--check``. Which profile a command uses: ``--profile``,
else ``$MOBITUI_PROFILE``, else the file's ``default_profile``, else its first
(:func:`mobitui.local.profiles.resolve_settings`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from mobitui.api.errors import Unauthenticated
from mobitui.api.session import forget_token
from mobitui.commands.common import CommandError, client_for, say
from mobitui.domain.text import visible
from mobitui.exit_codes import ExitCode
from mobitui.i18n import Catalogue, choose_lang
from mobitui.local import tokens
from mobitui.local.paths import ConfigError
from mobitui.local.profiles import (
    PROFILE_ENV,
    ConnectionSettings,
    Profile,
    Profiles,
    load_profiles,
)
from mobitui.present.errors import problem_text
from mobitui.present.tables import emit


def masked(url: str | None) -> str | None:
    """``url`` without the user and password a ``user:pass@`` would show (``***@``)."""
    if url is None:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return visible(url)
    if "@" not in parts.netloc:
        return visible(url)
    host = parts.netloc.rpartition("@")[2]
    return visible(urlunsplit(parts._replace(netloc=f"***@{host}")))


def chosen_name(configured: Profiles, wanted: str | None, environ: Mapping[str, str]) -> str | None:
    """The profile a command would use: ``--profile``, ``$MOBITUI_PROFILE``, the default."""
    name = wanted or environ.get(PROFILE_ENV) or configured.default
    if name is None and configured.profiles:
        name = next(iter(configured.profiles))
    return name


def _lang_of(args: argparse.Namespace) -> Catalogue:
    return Catalogue(choose_lang(getattr(args, "lang", None), None, os.environ))


def _settings_of(profile: Profile) -> dict[str, Any]:
    data: dict[str, Any] = {"name": visible(profile.name)}
    for key, value in profile.to_toml().items():
        data[key] = masked(value) if key in ("base_url", "proxy") else value
        if isinstance(data[key], str):
            data[key] = visible(data[key])
    return data


def _profiles(t: Catalogue) -> Profiles | None:
    """The profiles file, or None once it was said (in the run's language) why not."""
    try:
        return load_profiles()
    except ConfigError as exc:
        say(f"mobitui: {problem_text(t, exc)}")
        return None


def profile_list(args: argparse.Namespace) -> int:
    """Every profile: name, base_url, account, the file's default and the one chosen now."""
    t = _lang_of(args)
    configured = _profiles(t)
    if configured is None:
        return ExitCode.USAGE
    chosen = chosen_name(configured, getattr(args, "profile", None), os.environ)
    rows = [
        {
            "name": visible(p.name),
            "base_url": masked(p.base_url),
            "account": visible(p.account),
            "default": p.name == configured.default,
            "chosen": p.name == chosen,
        }
        for p in configured.profiles.values()
    ]
    if args.format == "table":
        for row in rows:
            row["default"] = t("cli.profile.default_mark") if row["default"] else ""
            row["chosen"] = "*" if row["chosen"] else ""
        columns = [
            ("chosen", " "),
            ("name", t("cli.col.profile")),
            ("base_url", "URL"),
            ("account", t("cli.col.account")),
            ("default", t("cli.col.default")),
        ]
    else:
        columns = [(key, key) for key in ("name", "base_url", "account", "default", "chosen")]
    emit(rows, columns, args.format)
    if not rows:
        say(t("cli.profile.none"))
    return ExitCode.OK


def profile_show(args: argparse.Namespace) -> int:
    """One profile's settings (the one chosen unless named); never a secret."""
    t = _lang_of(args)
    configured = _profiles(t)
    if configured is None:
        return ExitCode.USAGE
    wanted = args.profile_name or chosen_name(
        configured, getattr(args, "profile", None), os.environ
    )
    found = None if wanted is None else configured.profiles.get(wanted)
    if found is None:
        known = ", ".join(sorted(configured.profiles)) or "-"
        say(f"mobitui: {t('cli.profile.missing', name=visible(wanted or ''), known=known)}")
        return ExitCode.USAGE
    data = _settings_of(found)
    data["default"] = found.name == configured.default
    if args.format == "json":
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif args.format == "csv":
        emit([data], [(key, key) for key in data], "csv")
    else:
        for key, value in data.items():
            sys.stdout.write(f"{key}: {value}\n")
    return ExitCode.OK


async def auth_status(args: argparse.Namespace, settings: ConnectionSettings) -> int:
    """Whether a token is cached for the chosen profile's server and account, and until when;
    ``--check`` asks the server (``GET /me``), and a token it refuses is deleted. Exit 0 with
    a token (that the server accepts, with ``--check``), else 3."""
    t = Catalogue(settings.lang)
    if not settings.cache_token:
        raise CommandError.said(ExitCode.USAGE, "cli.auth.one_off")
    where = {
        "account": visible(settings.account),
        "server": masked(settings.base_url),
        "profile": visible(settings.profile),
    }
    cached = tokens.load_token(settings.profile, settings.account, server=settings.base_url)
    if cached is None:
        _status(args, t("cli.auth.logged_out", **where), {**where, "token": False})
        return ExitCode.AUTH
    expires = cached.expires_at.astimezone().isoformat(timespec="seconds")
    result: dict[str, Any] = {**where, "token": True, "expires_at": cached.expires_at.isoformat()}
    lines = [t("cli.auth.logged_in", **where, expires=expires)]
    code = ExitCode.OK
    if args.check:
        client = client_for(settings)
        async with client:
            client.use_token(cached.token)
            try:
                await client.me()
            except Unauthenticated:
                forget_token(settings)
                lines.append(t("cli.auth.refused"))
                result["accepted"] = False
                code = ExitCode.AUTH
            else:
                lines.append(t("cli.auth.accepted"))
                result["accepted"] = True
    _status(args, "\n".join(lines), result)
    return code


def _status(args: argparse.Namespace, text: str, data: dict[str, Any]) -> None:
    if args.format == "json":
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif args.format == "csv":
        emit([data], [(key, key) for key in data], "csv")
    else:
        print(text)
