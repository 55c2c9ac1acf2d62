"""``mobitui retirement list|show|rename|report``: the retirement records of a server and account.

A retirement (:mod:`mobitui.domain.retirement`) is kept on this machine
(:mod:`mobitui.local.retirements`): ``list`` and ``show`` read those files only, no login, and
judge each device's stage from the record alone on this machine's clock (UTC). ``rename``
changes a record's name in its file (the rule: :func:`mobitui.domain.retirement.name_problem`).
``report`` writes the report (:mod:`mobitui.present.retirement_report`) to stdout or to a new
0600 file; with ``--audit-from-server`` it logs in and compares the record with the reference
server's audit log (``GET /sim/audit``; a server without it: "not available"), on the server's
clock.

Everything in the files is untrusted text (a device name from a hostile server, a file
edited by hand): made visible (:func:`mobitui.domain.text.visible`) before it is printed.
A damaged file is named on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import secrets
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from mobitui.commands.common import CommandError, Secret, connect, say
from mobitui.domain.models import format_time
from mobitui.domain.retirement import (
    ORDER,
    InvalidName,
    Retirement,
    Stage,
    counts,
    rename,
    stages,
)
from mobitui.domain.rules import DEFAULT_STALL
from mobitui.domain.text import visible
from mobitui.exit_codes import ExitCode
from mobitui.i18n import Catalogue
from mobitui.local import private_files
from mobitui.local.private_files import PrivateFileError
from mobitui.local.profiles import ConnectionSettings
from mobitui.local.retirements import RetirementError, RetirementStore
from mobitui.present.errors import problem_text
from mobitui.present.retirement_report import report_csv, report_markdown
from mobitui.present.tables import emit
from mobitui.present.words import name_refused

LIST_COLUMNS = [
    ("id", "id"),
    ("name", "name"),
    ("created_at", "created_at"),
    ("devices", "devices"),
    *((stage.value, stage.value) for stage in ORDER),
]

DEVICE_COLUMNS = [
    ("device_id", "device_id"),
    ("name", "name"),
    ("serial", "serial"),
    ("stage", "stage"),
    ("requested_at", "requested_at"),
    ("inactive_at", "inactive_at"),
    ("forced_at", "forced_at"),
    ("deleted_at", "deleted_at"),
    ("by", "by"),
    ("request_ids", "request_ids"),
    ("problem", "problem"),
]


def _store(settings: ConnectionSettings) -> RetirementStore:
    return RetirementStore(settings.base_url, settings.account)


def _now() -> datetime:
    return datetime.now(UTC)


def _where(settings: ConnectionSettings) -> str:
    return visible(f"{settings.account} on {settings.base_url}")


def _load(settings: ConnectionSettings, wanted: str) -> Retirement:
    """The retirement ``wanted``; an unknown (or impossible) id, or a file that cannot be
    read, ends the command with exit 2 and one line naming it."""
    store = _store(settings)
    shown = visible(wanted)
    try:
        path = store.path_of(wanted)
    except RetirementError:
        path = None
    if path is None or not os.path.lexists(path):
        raise CommandError.said(
            ExitCode.USAGE, "cli.no_retirement", id=shown, where=_where(settings)
        )
    try:
        return store.load(wanted)
    except RetirementError as exc:
        raise CommandError.said(ExitCode.USAGE, "problem.file", problem=exc) from None


def _time(value: datetime | None) -> str | None:
    return format_time(value)


def stage_label(t: Catalogue, stage: Stage) -> str:
    """A stage as people read it (``--format table``); JSON and CSV keep the stable value."""
    return t(f"retirement.stage.{stage.value}")


# --------------------------------------------------------------------------- list


def list_row(
    retirement: Retirement, now: datetime, stall_after: timedelta = DEFAULT_STALL
) -> dict[str, Any]:
    found = counts(retirement, now, stall_after)
    return {
        "id": visible(retirement.id),
        "name": visible(retirement.name),
        "created_at": _time(retirement.created_at),
        "devices": len(retirement.device_ids),
        **{stage.value: found[stage] for stage in ORDER},
    }


async def list_retirements(args: argparse.Namespace, settings: ConnectionSettings) -> int:
    listing = _store(settings).list()
    now = _now()
    rows = [list_row(r, now, settings.stall_after) for r in listing.retirements]
    columns = LIST_COLUMNS
    if args.format == "table":  # for people: the stages' titles in the run's language
        t = Catalogue(settings.lang)
        titles = {stage.value: stage_label(t, stage) for stage in ORDER}
        columns = [(key, titles.get(key, title)) for key, title in LIST_COLUMNS]
    emit(rows, columns, args.format)
    for problem in listing.problems:
        t = Catalogue(settings.lang)
        say(f"mobitui: {t('cli.retirement_not_listed', problem=problem_text(t, problem))}")
    return ExitCode.PARTIAL if listing.problems else ExitCode.OK


# --------------------------------------------------------------------------- show


def device_rows(
    retirement: Retirement, now: datetime, stall_after: timedelta = DEFAULT_STALL
) -> list[dict[str, Any]]:
    found = stages(retirement, now, stall_after)
    rows = []
    for trace in retirement.ordered():
        device = trace.device
        rows.append(
            {
                "device_id": visible(device.id),
                "name": visible(device.name),
                "serial": visible(device.serial),
                "stage": found[device.id].value,
                "requested_at": _time(trace.requested_at),
                "inactive_at": _time(trace.inactive_at),
                "forced_at": _time(trace.forced_at),
                "deleted_at": _time(trace.deleted_at or trace.gone_at),
                "by": " ".join(visible(name) for name in trace.by),
                "request_ids": " ".join(visible(i) for i in trace.request_ids),
                "problem": None if trace.problem is None else visible(trace.problem),
            }
        )
    return rows


async def show(args: argparse.Namespace, settings: ConnectionSettings) -> int:
    retirement = _load(settings, args.retirement_id)
    rows = device_rows(retirement, _now(), settings.stall_after)
    head = {
        "id": visible(retirement.id),
        "name": visible(retirement.name),
        "server": visible(retirement.server),
        "account": visible(retirement.account),
        "created_at": _time(retirement.created_at),
    }
    if args.format == "json":
        json.dump({**head, "devices": rows}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return ExitCode.OK
    if args.format == "table":  # for people: the stages in the run's language
        t = Catalogue(settings.lang)
        for row in rows:
            row["stage"] = stage_label(t, Stage(row["stage"]))
        for key in ("name", "created_at"):
            sys.stdout.write(f"{key}: {head[key]}\n")
        sys.stdout.write("\n")
    emit(rows, DEVICE_COLUMNS, args.format)
    return ExitCode.OK


# --------------------------------------------------------------------------- rename


async def rename_retirement(args: argparse.Namespace, settings: ConnectionSettings) -> int:
    """Give a retirement a new name, kept exactly as typed (:func:`rename` holds the rule); a
    refused name changes nothing: exit 2 and one line saying why."""
    t = Catalogue(settings.lang)
    retirement = _load(settings, args.retirement_id)
    try:
        renamed = rename(retirement, args.name)
    except InvalidName as exc:
        raise CommandError.said(
            ExitCode.USAGE, "cli.not_renamed", why=name_refused(t, exc)
        ) from None
    if renamed != retirement:
        try:
            _store(settings).save(renamed)  # whole or not at all, 0600
        except RetirementError as exc:
            raise CommandError.said(ExitCode.USAGE, "cli.not_renamed", why=exc) from None
    say(t("retirement.rename.done", id=visible(renamed.id), name=visible(renamed.name)))
    return ExitCode.OK


# --------------------------------------------------------------------------- report


async def _audit(
    settings: ConnectionSettings, secret: Secret
) -> tuple[Sequence[Mapping[str, Any]] | None, datetime]:
    """The server's audit log (None: it has none) and the server's time."""
    client = await connect(settings, secret)
    async with client:
        entries = await client.sim_audit()
        now = client.server_now()
    if entries is None:
        say(f"mobitui: {Catalogue(settings.lang)('cli.no_audit_log')}")
    return entries, now


def write_new(path: Path, data: bytes, *, force: bool) -> None:
    """``data`` as the 0600 file ``path``, whole or not at all; an existing file (or link)
    is refused unless ``force`` (then replaced, never written through)."""
    if not force:
        fd = private_files.create_exclusive(path, data)
        os.close(fd)
        return
    part = path.parent / f".{path.name}.{secrets.token_hex(8)}.new"
    fd = private_files.create_exclusive(part, data)
    os.close(fd)
    try:
        os.replace(part, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(part)
        raise private_files.failure(path, "write", exc) from None
    private_files.fsync_dir(path.parent)


async def report(args: argparse.Namespace, settings: ConnectionSettings) -> int:
    retirement = _load(settings, args.retirement_id)
    audit: Sequence[Mapping[str, Any]] | None = None
    now = _now()
    if args.audit_from_server:
        audit, now = await _audit(settings, Secret(args.password_stdin, lang=settings.lang))
    render = report_csv if args.report_format == "csv" else report_markdown
    text = render(retirement, settings.lang, now, audit, settings.stall_after)
    if args.out is None:
        sys.stdout.write(text)
        return ExitCode.OK
    path = Path(args.out).expanduser()
    shown = visible(str(path))
    try:
        write_new(path, text.encode("utf-8"), force=args.force)
    except PrivateFileError as exc:
        if exc.errno == errno.EEXIST:
            raise CommandError.said(ExitCode.USAGE, "cli.already_exists", path=shown) from None
        raise CommandError.said(ExitCode.USAGE, "problem.file", problem=exc) from None
    except OSError as exc:
        failure = private_files.failure(path, "write", exc)
        raise CommandError.said(ExitCode.USAGE, "problem.file", problem=failure) from None
    print(shown)
    say(Catalogue(settings.lang)("cli.report_written", id=visible(retirement.id)))
    return ExitCode.OK
