"""``mobitui inactivate``, ``force-inactivate``, ``delete``, ``resume``, ``checklist export``.

The same operations as the TUI's dialogs, with the same safety: the devices come from a group,
ids or a spreadsheet; the domain rules compute the same preflight, which is printed before
anything is sent; the warnings that can cost a factory reset must be acknowledged by name;
agreement is explicit (``--agree``, or a question on the terminal, with the device count typed
above the profile's ``confirm_above``); ``--dry-run`` sends nothing. The run goes through the
same journal as the TUI (``mobitui resume`` finishes an interrupted one, here or in the TUI),
and the same local audit log.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from mobitui import config
from mobitui.api.audit_log import FILE_NAME, AuditLog
from mobitui.api.client import MobiClient
from mobitui.api.errors import NotFound
from mobitui.api.journal import Journal
from mobitui.api.runner import new_operation, run_operation
from mobitui.checklists import SheetJob, export_sheets
from mobitui.commands.common import (
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
    CommandError,
    Secret,
    Target,
    ask,
    catalogue,
    connect,
    require_admin,
    resolve_target,
    say,
)
from mobitui.commands.reading import resolve_group
from mobitui.describe import (
    WARNING_ORDER,
    count_summary,
    plan_outcome,
    warning_sentence,
    work_summary,
    work_text,
)
from mobitui.domain.checklist import Assignment
from mobitui.domain.csv_select import decode, parse, select
from mobitui.domain.models import Device, Outcome, parse_time
from mobitui.domain.operation import OperationState
from mobitui.domain.rules import (
    ACKNOWLEDGE,
    Action,
    ActionKind,
    Delete,
    ForceInactivate,
    Inactivate,
    Preflight,
    preflight,
    schedule_problem,
)
from mobitui.i18n import Catalogue
from mobitui.tables import RESULT_COLUMNS, emit, result_rows

PLAN_COLUMNS = [
    ("device_id", "device_id"),
    ("name", "name"),
    ("outcome", "outcome"),
    ("reason", "reason"),
    ("plan", "plan"),
    ("on_device", "on_device"),
    ("jobs_cancelled", "jobs_cancelled"),
    ("warnings", "warnings"),
]


# --------------------------------------------------------------------------- choosing devices


async def choose(client: MobiClient, args: argparse.Namespace) -> tuple[list[Device], list[str]]:
    """The devices named by ``--group``, ``--device`` and ``--from-csv`` (together), and the
    values that matched nothing the account can see."""
    if not (args.group or args.device or args.from_csv):
        raise CommandError(EXIT_USAGE, "choose devices with --group, --device or --from-csv")
    chosen: dict[str, Device] = {}
    unmatched: list[str] = []
    if args.group:
        group = await resolve_group(client, args.group)
        async for device in client.iter_devices(group_id=group, include_subgroups=args.subgroups):
            chosen.setdefault(device.id, device)
    for device_id in args.device or ():
        try:
            device = await client.device(device_id)
        except NotFound:
            unmatched.append(device_id)
        else:
            chosen.setdefault(device.id, device)
    if args.from_csv:
        path = Path(args.from_csv)
        try:
            rows = parse(decode(path.read_bytes()))
        except OSError as exc:
            raise CommandError(EXIT_USAGE, f"{path}: cannot read: {exc.strerror}") from None
        except ValueError as exc:
            raise CommandError(EXIT_USAGE, f"{path}: {exc}") from None
        everything = [d async for d in client.iter_devices()]
        picked = select(rows, everything)
        by_id = {d.id: d for d in everything}
        for device_id in picked.device_ids:
            chosen.setdefault(device_id, by_id[device_id])
        unmatched += picked.unmatched
        if picked.duplicates:
            say(f"{path}: given more than once (acted on once): {', '.join(picked.duplicates)}")
    if unmatched:
        say(f"matched no device (left out): {', '.join(unmatched)}")
    return list(chosen.values()), unmatched


def parse_schedule(text: str | None) -> datetime | None:
    """RFC 3339 (``2026-12-01T09:00+09:00``), or ``YYYY-MM-DD HH:MM`` in local time."""
    if text is None:
        return None
    try:
        return parse_time(text, "schedule")
    except ValueError:
        pass
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M").astimezone()
    except ValueError:
        raise CommandError(
            EXIT_USAGE, f"--schedule {text!r}: give YYYY-MM-DD HH:MM or an RFC 3339 time"
        ) from None


def action_of(kind: ActionKind, args: argparse.Namespace) -> Action:
    match kind:
        case ActionKind.INACTIVATE:
            return Inactivate(
                remove_apple_mdm_profile=args.remove_apple_mdm_profile,
                scheduled_at=parse_schedule(args.schedule),
            )
        case ActionKind.FORCE_INACTIVATE:
            return ForceInactivate(delete_after=args.delete_after)
        case ActionKind.DELETE:
            return Delete()
    raise ValueError(kind)  # pragma: no cover


# --------------------------------------------------------------------------- the preflight


def plan_rows(t: Catalogue, pf: Preflight, devices: dict[str, Device]) -> list[dict[str, Any]]:
    kind = pf.action.kind
    return [
        {
            "device_id": p.device_id,
            "name": devices[p.device_id].name if p.device_id in devices else "",
            "outcome": "deleted" if p.will_delete and p.reason else p.outcome.value,
            "reason": None if p.reason is None else p.reason.value,
            "plan": plan_outcome(t, kind, p),
            "on_device": work_text(t, p.on_device),
            "jobs_cancelled": p.jobs_cancelled,
            "warnings": ",".join(w.value for w in p.warnings),
        }
        for p in pf.plans
    ]


def print_preflight(
    t: Catalogue, pf: Preflight, devices: dict[str, Device], fmt: str, to_stdout: bool
) -> None:
    """The same summary and warnings as the dialog, then one row per device."""
    kind = pf.action.kind
    names = {i: d.name for i, d in devices.items()}
    say(t(f"action.title.{kind.value}"))
    acted, left = len(pf.acted_on), len(pf.not_acted_on)
    say(t("action.summary", checked=len(pf.plans), acted=acted, skipped=left))
    if kind is not ActionKind.DELETE:
        say(t("action.jobs", jobs=pf.jobs_cancelled))
    if kind is ActionKind.INACTIVATE:
        say(t("action.work", parts=work_summary(t, pf)))
    for warning in WARNING_ORDER:
        ids = pf.devices_with(warning)
        if ids:
            say("⚠ " + warning_sentence(t, warning, ids, names))
    emit(plan_rows(t, pf, devices), PLAN_COLUMNS, fmt, None if to_stdout else sys.stderr)  # type: ignore[arg-type]


def confirm(t: Catalogue, pf: Preflight, args: argparse.Namespace, target: Target) -> None:
    """Acknowledgements by name, then the agreement (and the count, above the threshold)."""
    acked = set(args.acknowledge or ())
    missing = [w for w in ACKNOWLEDGE if pf.devices_with(w) and w.value not in acked]
    for warning in list(missing):
        if not args.agree and ask(f"⚠ {t(f'warn.{warning.value}')}: acknowledge?"):
            missing.remove(warning)
    if missing:
        flags = " ".join(f"--acknowledge {w.value}" for w in missing)
        raise CommandError(
            EXIT_USAGE, f"not sent: these warnings must be acknowledged first: {flags}"
        )
    count = len(pf.acted_on)
    if args.agree:
        return
    if not ask(f"「{t('agree')}」 ({count})?"):
        raise CommandError(EXIT_USAGE, "not sent: agree on the terminal, or pass --agree")
    if count > target.confirm_above:
        print(f"{t('action.count_confirm', count=count)}: ", end="", file=sys.stderr, flush=True)
        if sys.stdin.readline().strip().replace(",", "") != str(count):
            raise CommandError(EXIT_USAGE, "not sent: the count did not match")


class Progress:
    """Progress on stderr: a line that rewrites itself on a terminal, a few lines otherwise."""

    def __init__(self, t: Catalogue) -> None:
        self.t = t
        self.last = 0.0
        self.tty = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < (0.2 if self.tty else 2.0):
            return
        self.last = now
        text = self.t("action.progress", done=f"{done:,}", total=f"{total:,}")
        if self.tty:
            end = "\n" if done >= total else ""
            print(f"\r{self.t('action.sending')} {text}", end=end, file=sys.stderr, flush=True)
        else:
            say(f"{self.t('action.sending')} {text}")


def finished_well(state: OperationState) -> bool:
    return not state.not_done() and not any(i.outcome is Outcome.REFUSED for i in state.items)


def journal_and_audit() -> tuple[Journal, AuditLog]:
    root = config.state_dir()
    return Journal(root / "journal"), AuditLog(root / FILE_NAME)


# --------------------------------------------------------------------------- commands


async def act(kind: ActionKind, args: argparse.Namespace) -> int:
    target = resolve_target(args)
    t = catalogue(args, target)
    secret = Secret(args.password_stdin)
    client = await connect(target, secret)
    async with client:
        action = action_of(kind, args)
        if isinstance(action, Inactivate):
            problem = schedule_problem(action.scheduled_at, client.server_now())
            if problem is not None:
                raise CommandError(EXIT_USAGE, f"--schedule: {problem.replace('_', ' ')}")
        devices, unmatched = await choose(client, args)
        by_id = {d.id: d for d in devices}
        pf = preflight(devices, action, client.server_now())
        if not args.dry_run:
            require_admin(client)
        print_preflight(t, pf, by_id, args.format, to_stdout=args.dry_run)
        refused = any(p.outcome is Outcome.REFUSED for p in pf.not_acted_on)
        partial = bool(unmatched) or refused
        if args.dry_run:
            say("--dry-run: nothing was sent")
            return EXIT_PARTIAL if partial else EXIT_OK
        if not pf.acted_on:
            say(t("action.nothing_to_do"))
            return EXIT_PARTIAL if partial else EXIT_OK
        confirm(t, pf, args, target)
        password = secret.get(target.account)
        journal, audit = journal_and_audit()
        ids = [p.device_id for p in pf.acted_on]
        with await new_operation(
            client,
            journal,
            action,
            ids,
            names={i: by_id[i].name for i in ids},
            server=target.base_url,
            profile=target.profile,
            account=client.account.name if client.account else target.account,
        ) as operation:
            state = await run_operation(
                client, operation, audit, password=password, agree=True, on_progress=Progress(t)
            )
    say(count_summary(t, state))
    if state.request_ids:
        say(t("action.request_ids", ids=", ".join(state.request_ids)))
    emit(result_rows(state), RESULT_COLUMNS, args.format)
    return EXIT_OK if finished_well(state) and not partial else EXIT_PARTIAL


async def resume(args: argparse.Namespace) -> int:
    target = resolve_target(args)
    t = catalogue(args, target)
    secret = Secret(args.password_stdin)
    journal, audit = journal_and_audit()
    client = await connect(target, secret)
    async with client:
        require_admin(client)
        account = client.account.name if client.account else target.account
        found, errors = journal.scan(
            server=target.base_url, profile=target.profile, account=account
        )
        for error in errors:
            say(f"mobitui: {error}")
        if args.operation:
            found = [f for f in found if f.state.spec.id == args.operation]
            if not found:
                raise CommandError(EXIT_USAGE, f"no unfinished operation {args.operation!r}")
        if not found:
            say("nothing to resume")
            return EXIT_USAGE if errors else EXIT_OK
        code = EXIT_OK
        for loaded in found:
            spec, state = loaded.state.spec, loaded.state
            open_count = sum(len(b) for b in state.open_batches)
            say(
                t(
                    "resume.summary",
                    at=spec.created_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                    action=t(f"action.title.{spec.kind.value}"),
                    total=state.total,
                    done=state.total - open_count,
                    open=open_count,
                )
            )
            say(t("resume.explain"))
            if not (args.agree or ask(f"「{t('action.resume')}」 {spec.id}?")):
                raise CommandError(EXIT_USAGE, "not resumed: agree on the terminal, or --agree")
            with journal.open(loaded.path) as operation:
                finished = await run_operation(
                    client,
                    operation,
                    audit,
                    password=secret.get(target.account),
                    agree=True,
                    on_progress=Progress(t),
                )
            say(count_summary(t, finished))
            emit(result_rows(finished), RESULT_COLUMNS, args.format)
            if not finished_well(finished):
                code = EXIT_PARTIAL
    return code


async def export_checklists(args: argparse.Namespace) -> int:
    target = resolve_target(args)
    client = await connect(target, Secret(args.password_stdin))
    async with client:
        devices, unmatched = await choose(client, args)
    jobs = []
    for device in devices:
        a = Assignment.of(device)
        jobs.append(SheetJob(device, a.work, a.remove_apple_mdm_profile, a.request_id))
    langs = tuple(dict.fromkeys(args.sheet_langs or [catalogue(args, target).lang]))
    formats = tuple(dict.fromkeys(args.formats or ["md", "txt"]))
    try:
        written = export_sheets(jobs, Path(args.out), langs, formats)  # type: ignore[arg-type]
    except OSError as exc:
        raise CommandError(EXIT_USAGE, f"{exc.filename}: cannot write: {exc.strerror}") from None
    for path in written:
        print(path)
    say(f"{len(written)} file(s) in {Path(args.out).expanduser()}")
    return EXIT_PARTIAL if unmatched else EXIT_OK
