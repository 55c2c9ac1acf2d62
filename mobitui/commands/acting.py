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
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from mobitui.api.client import MobiClient
from mobitui.api.errors import NotFound
from mobitui.api.runner import new_operation, run_operation
from mobitui.commands.common import (
    CommandError,
    Secret,
    advisory,
    ask,
    connect,
    refuse_read_only,
    require_admin,
    say,
    stray_text,
)
from mobitui.commands.reading import resolve_group
from mobitui.domain import gate
from mobitui.domain.checklist import Assignment
from mobitui.domain.csv_select import (
    MAX_BYTES,
    ColumnChoice,
    CsvProblem,
    ambiguous_text,
    load,
    select,
)
from mobitui.domain.models import Device, Outcome
from mobitui.domain.operation import Ending, OperationState
from mobitui.domain.reconcile import named
from mobitui.domain.rules import (
    Action,
    ActionKind,
    Delete,
    DeviceWarning,
    ForceInactivate,
    Inactivate,
    Preflight,
    preflight,
    schedule_problem,
)
from mobitui.domain.selection import (
    Stray,
    asked,
    check,
    same_devices,
    scope_groups,
    subtree,
)
from mobitui.domain.text import visible
from mobitui.exit_codes import ExitCode
from mobitui.i18n import Catalogue
from mobitui.local import paths, private_files
from mobitui.local.audit_log import FILE_NAME, AuditLog
from mobitui.local.journal import Journal
from mobitui.local.profiles import ConnectionSettings
from mobitui.local.retirements import RetirementStore, fold_operation
from mobitui.present.errors import column_label, problem_text
from mobitui.present.preflight import summary
from mobitui.present.sheets import SheetJob, export_sheets
from mobitui.present.tables import RESULT_COLUMNS, emit, result_rows
from mobitui.present.words import (
    blocker_text,
    count_summary,
    plan_outcome,
    plan_result,
    read_schedule,
    work_text,
)

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


@dataclass(frozen=True, slots=True)
class Chosen:
    """The devices a command will act on, and how many values or devices were left out."""

    devices: list[Device]
    #: Values that matched nothing, named more than one device, or came back as a device
    #: the admin did not choose: each was said on stderr; any of them makes the run partial.
    left_out: int


async def choose(
    client: MobiClient, args: argparse.Namespace, sheets: list[Sheet], t: Catalogue
) -> Chosen:
    """The devices named by every ``--group``, ``--device`` and ``--from-csv`` (together, each
    as often as given), each checked against what was asked before it may be acted on
    (:mod:`mobitui.domain.selection`): the server's filter, its answer for an id and its
    listing are not trusted. ``sheets`` are the files, read by :func:`read_sheets` before
    the login, so an unreadable one sends nothing at all."""
    wanted_groups = list(dict.fromkeys(args.group or ()))
    wanted_ids = list(dict.fromkeys(args.device or ()))
    groups = await client.groups()
    account = client.account
    scope = scope_groups(groups, None if account is None else account.group_scope)
    chosen: dict[str, Device] = {}
    unmatched: dict[str, None] = {}
    strays: list[Stray] = []
    left_out = 0

    def keep(devices: list[Device], wanted: frozenset[str] | None = None) -> None:
        checked = check(devices, groups=wanted, scope=scope)
        strays.extend(checked.strays)
        for device in checked.kept:
            chosen.setdefault(device.id, device)

    for value in wanted_groups:
        group = resolve_group(groups, value, t)
        wanted = subtree(groups, [group]) if args.subgroups else frozenset({group})
        pages = client.iter_devices(group_id=group, include_subgroups=args.subgroups)
        keep([d async for d in pages], wanted)
    for device_id in wanted_ids:
        try:
            device = await client.device(device_id)
        except NotFound:
            unmatched[device_id] = None
            continue
        stray = asked(device_id, device)
        if stray is not None:
            strays.append(stray)
        else:
            keep([device])
    everything: dict[str, Device] | None = None
    for sheet in sheets:
        if everything is None:  # one listing for every file
            everything = {d.id: d async for d in client.iter_devices()}
        shown = visible(str(sheet.path))
        try:
            picked = select(sheet.rows, everything.values(), column=sheet.column)
        except ColumnChoice as choice:
            raise CommandError.said(
                ExitCode.USAGE, "cli.csv.column_choice", path=shown, problem=choice
            ) from None
        except CsvProblem as exc:
            raise CommandError.said(
                ExitCode.USAGE, "cli.csv.problem", path=shown, problem=exc
            ) from None
        if picked.guessed_header and picked.header is not None:
            # Perhaps a header, perhaps a mistyped value: said, and counted as left out.
            header = visible(", ".join(picked.header))
            say(t("cli.csv.header", path=shown, header=header))
        if picked.column is not None:
            say(
                t(
                    "cli.csv.column",
                    path=shown,
                    column=t("csv.problem.label", label=column_label(t, picked.column)),
                )
            )
        keep([everything[i] for i in picked.device_ids])
        left_out += len(picked.ambiguous) + (1 if picked.guessed_header else 0)
        for value in picked.unmatched:
            unmatched[value] = None
        if picked.ambiguous:
            text = visible(ambiguous_text(picked, everything))
            say(t("cli.csv.ambiguous", path=shown, devices=text))
        if picked.duplicates:
            duplicates = visible(", ".join(picked.duplicates))
            say(t("cli.csv.duplicates", path=shown, values=duplicates))
    if unmatched:
        say(t("cli.matched_none", values=visible(", ".join(unmatched))))
    for stray in strays:
        say(t("cli.not_chosen", stray=stray_text(t, stray)))
    return Chosen(list(chosen.values()), len(unmatched) + left_out + len(strays))


@dataclass(frozen=True, slots=True)
class Sheet:
    """One ``--from-csv`` file, read, and the ``--column`` that goes with it."""

    path: Path
    rows: list[list[str]]
    column: str | None


def read_sheets(args: argparse.Namespace) -> list[Sheet]:
    """Every ``--from-csv`` file (each once), read whole and bounded: at most
    :data:`~mobitui.domain.csv_select.MAX_BYTES` + 1 bytes are read, so ``/dev/zero`` or a
    runaway export ends in one line instead of filling the memory.

    One ``--column`` applies to every file; as many as there are files go with them in order.
    Called before the login: a command without any selector, or with a file it cannot use,
    ends before any request leaves.
    """
    files = list(args.from_csv or ())
    if not (args.group or args.device or files):
        raise CommandError.said(ExitCode.USAGE, "cli.choose")
    columns: list[str | None] = list(args.column or ())
    if columns and not files:
        raise CommandError.said(ExitCode.USAGE, "cli.column_needs_csv")
    if len(columns) <= 1:
        columns = (columns or [None]) * len(files)
    elif len(columns) != len(files):
        raise CommandError.said(
            ExitCode.USAGE, "cli.columns_mismatch", columns=len(columns), files=len(files)
        )
    sheets: list[Sheet] = []
    for name, column in dict.fromkeys(zip(files, columns, strict=True)):
        path = Path(name)
        shown = visible(str(path))
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
            rows = load(data)
        except OSError as exc:
            failure = private_files.failure(path, "read", exc)
            raise CommandError.said(ExitCode.USAGE, "problem.file", problem=failure) from None
        except CsvProblem as exc:
            raise CommandError.said(
                ExitCode.USAGE, "cli.csv.problem", path=shown, problem=exc
            ) from None
        sheets.append(Sheet(path, rows, column))
    return sheets


def parse_schedule(text: str | None) -> datetime | None:
    """``--schedule``, read as the dialog reads its field (:func:`read_schedule`)."""
    if text is None:
        return None
    when = read_schedule(text)
    if when is None:
        raise CommandError.said(ExitCode.USAGE, "cli.schedule_unreadable", text=visible(text))
    return when


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


#: What a dry run says a plan would come to, instead of an outcome nothing has had: its stable
#: value (JSON, CSV) and its words (the table).
WOULD = {
    Outcome.ACCEPTED: ("would_act", "cli.plan.would_act"),
    Outcome.DELETED: ("would_delete", "cli.plan.would_delete"),
}


def plan_rows(
    t: Catalogue,
    pf: Preflight,
    devices: dict[str, Device],
    *,
    dry_run: bool = False,
    words: bool = False,
) -> list[dict[str, Any]]:
    """One row per device; a dry run's devices acted on say what would be done (``words``:
    in the run's language, for the table), not an outcome they never had."""
    kind = pf.action.kind

    def outcome(plan: Any) -> str:
        result = plan_result(plan)
        if dry_run and result in WOULD:
            value, key = WOULD[result]
            return t(key) if words else value
        return t(f"outcome.{result.value}") if words else result.value

    return [
        {
            "device_id": p.device_id,
            "name": devices[p.device_id].name if p.device_id in devices else "",
            "outcome": outcome(p),
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
    """The same summary and warnings as the dialog (one builder:
    :func:`mobitui.present.preflight.summary`), then one row per device."""
    said = summary(t, pf, {i: d.name for i, d in devices.items()})
    say(t(f"action.title.{pf.action.kind.value}"))
    for line in said.lines:
        say(line)
    for _warning, sentence in said.warnings:
        say("⚠ " + sentence)
    table = fmt == "table"
    rows = plan_rows(t, pf, devices, dry_run=to_stdout, words=table)
    columns = plan_columns(t) if table else PLAN_COLUMNS
    if to_stdout:
        emit(rows, columns, fmt)  # type: ignore[arg-type]
    else:
        with advisory():  # the preflight on stderr is for the person watching
            emit(rows, columns, fmt, sys.stderr)  # type: ignore[arg-type]


def plan_columns(t: Catalogue) -> list[tuple[str, str]]:
    """The preflight table's titles, in the run's language (JSON and CSV keep the keys)."""
    titles = {
        "device_id": t("cli.col.device_id"),
        "name": t("cli.col.name"),
        "outcome": t("cli.col.outcome"),
        "reason": t("cli.col.reason"),
        "plan": t("cli.col.plan"),
        "on_device": t("cli.col.on_device"),
        "jobs_cancelled": t("cli.col.jobs_cancelled"),
        "warnings": t("cli.col.warnings"),
    }
    return [(key, titles[key]) for key, _ in PLAN_COLUMNS]


def confirm(
    t: Catalogue, pf: Preflight, args: argparse.Namespace, settings: ConnectionSettings
) -> None:
    """Acknowledgements by name, then the agreement (and the count, above the threshold)."""
    acked = set(args.acknowledge or ())
    # In the order the warnings are declared, as the dialog shows them.
    missing = [w for w in pf.to_acknowledge if w.value not in acked]
    for warning in list(missing):
        question = t("cli.acknowledge_question", warning=t(f"warn.{warning.value}"))
        if not args.agree and ask(question):
            missing.remove(warning)
    if missing:
        flags = " ".join(f"--acknowledge {w.value}" for w in missing)
        raise CommandError.said(ExitCode.USAGE, "cli.not_acknowledged", flags=flags)
    count = len(pf.acted_on)
    if args.agree:
        return
    if not ask(f"「{t('agree')}」 ({count})?"):
        raise CommandError.said(ExitCode.USAGE, "cli.not_agreed")
    if gate.count_needed(pf, settings.confirm_above):
        print(f"{t('action.count_confirm', count=count)}: ", end="", file=sys.stderr, flush=True)
        if not gate.count_matches(sys.stdin.readline().strip(), count):
            raise CommandError.said(ExitCode.USAGE, "cli.count_mismatch")


class StderrProgress:
    """A bulk run's sending progress on stderr: a line that rewrites itself on a terminal, a
    few lines otherwise (stdout is for the results)."""

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
            with advisory():  # a terminal that went away must not stop the run
                print(f"\r{self.t('action.sending')} {text}", end=end, file=sys.stderr, flush=True)
        else:
            say(f"{self.t('action.sending')} {text}")


def finished_well(state: OperationState) -> bool:
    """Every device has an outcome (none open, none the answer left without one: a 2xx alone
    proves nothing) and none was refused."""
    return not state.not_done() and not any(i.outcome is Outcome.REFUSED for i in state.items)


def say_unknown(t: Catalogue, state: OperationState) -> None:
    """Name the devices an answer gave no outcome for: unknown, and the operation open."""
    unknown = state.unknown()
    if unknown:
        say(t("action.no_outcome", count=len(unknown), ids=named(unknown)))
        say(f"mobitui: {t('cli.stays_open', id=state.spec.id)}")


def fold_retirements(
    settings: ConnectionSettings,
    client: MobiClient,
    state: OperationState,
    acknowledged: dict[DeviceWarning, frozenset[str]] | None = None,
) -> None:
    """Fold a run into the stored retirements holding its devices, its time on the server's
    clock (as every other time of the record); a file it cannot use is named on stderr and
    skipped (the run's own result stands)."""
    store = RetirementStore(settings.base_url, settings.account)
    at = client.on_server_clock(state.spec.created_at)
    folded = fold_operation(store, state, state.spec.account, acknowledged, at)
    t = Catalogue(settings.lang)
    for problem in folded.problems:
        say(f"mobitui: {t('cli.retirement_not_updated', problem=problem_text(t, problem))}")


def journal_and_audit() -> tuple[Journal, AuditLog]:
    root = paths.state_dir()
    return Journal(root / "journal"), AuditLog(root / FILE_NAME)


# --------------------------------------------------------------------------- commands


async def act(kind: ActionKind, args: argparse.Namespace, settings: ConnectionSettings) -> int:
    if not args.dry_run:
        refuse_read_only(settings, f"mobitui {args.command}")
        paths.ensure_state_dir()  # the journal's home, checked before the login, not after
    t = Catalogue(settings.lang)
    sheets = read_sheets(args)
    secret = Secret(args.password_stdin, lang=settings.lang)
    client = await connect(settings, secret)
    async with client:
        action = action_of(kind, args)
        if isinstance(action, Inactivate):
            problem = schedule_problem(action.scheduled_at, client.server_now())
            if problem is not None:
                why = blocker_text(t, gate.Blocker(problem.value), client.server_now())
                raise CommandError(ExitCode.USAGE, f"--schedule: {why}")
        chosen = await choose(client, args, sheets, t)
        devices = chosen.devices
        by_id = {d.id: d for d in devices}
        pf = preflight(devices, action, client.server_now())
        if not args.dry_run:
            require_admin(client)
        print_preflight(t, pf, by_id, args.format, to_stdout=args.dry_run)
        refused = any(p.outcome is Outcome.REFUSED for p in pf.not_acted_on)
        partial = chosen.left_out > 0 or refused
        if args.dry_run:
            say(t("cli.dry_run"))
            return ExitCode.PARTIAL if partial else ExitCode.OK
        if not pf.acted_on:
            say(t("action.nothing_to_do"))
            return ExitCode.PARTIAL if partial else ExitCode.OK
        confirm(t, pf, args, settings)
        password = secret.get(settings.account)
        journal, audit = journal_and_audit()
        ids = [p.device_id for p in pf.acted_on]
        with await new_operation(
            client,
            journal,
            action,
            ids,
            names={i: by_id[i].name for i in ids},
            serials={i: by_id[i].serial for i in ids},
            server=settings.base_url,
            profile=settings.profile,
            account=client.account.name if client.account else settings.account,
            acknowledged=pf.to_acknowledge,
        ) as operation:
            try:
                state = await run_operation(
                    client,
                    operation,
                    audit,
                    password=password,
                    agree=True,
                    on_progress=StderrProgress(t),
                )
            finally:  # after the journal and the audit line, even when the run failed
                fold_retirements(settings, client, operation.state, dict(pf.to_acknowledge))
    say(count_summary(t, state))
    if state.request_ids:
        say(t("action.request_ids", ids=", ".join(state.request_ids)))
    say_unknown(t, state)
    emit(result_rows(state), RESULT_COLUMNS, args.format)
    return ExitCode.OK if finished_well(state) and not partial else ExitCode.PARTIAL


async def resume(args: argparse.Namespace, settings: ConnectionSettings) -> int:
    if args.abandon:
        return abandon(args, settings)
    refuse_read_only(settings, "mobitui resume")
    paths.ensure_state_dir()
    t = Catalogue(settings.lang)
    secret = Secret(args.password_stdin, lang=settings.lang)
    journal, audit = journal_and_audit()
    client = await connect(settings, secret)
    async with client:
        require_admin(client)
        account = client.account.name if client.account else settings.account
        found, errors = journal.scan(
            server=settings.base_url, profile=settings.profile, account=account
        )
        for error in errors:
            say(f"mobitui: {problem_text(t, error)}")
        if args.operation:
            found = [f for f in found if f.state.spec.id == args.operation]
            if not found:
                raise CommandError.said(
                    ExitCode.USAGE, "cli.no_operation", id=visible(args.operation)
                )
        if not found:
            say(nothing_to_resume(t, journal, settings, account))
            return ExitCode.USAGE if errors else ExitCode.OK
        code = ExitCode.OK
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
            if loaded.torn is not None:
                # the batch it was about is simply still open
                say(f"mobitui: {problem_text(t, loaded.torn)}")
            say(t("resume.explain"))
            if not (args.agree or ask(f"「{t('action.resume')}」 {spec.id}?")):
                raise CommandError.said(ExitCode.USAGE, "cli.not_resumed")
            await still_the_same(client, state, t)
            with journal.open(loaded.path) as operation:
                try:
                    finished = await run_operation(
                        client,
                        operation,
                        audit,
                        password=secret.get(settings.account),
                        agree=True,
                        on_progress=StderrProgress(t),
                    )
                finally:
                    fold_retirements(settings, client, operation.state)
            say(count_summary(t, finished))
            say_unknown(t, finished)
            emit(result_rows(finished), RESULT_COLUMNS, args.format)
            if not finished_well(finished):
                code = ExitCode.PARTIAL
    return code


def nothing_to_resume(
    t: Catalogue, journal: Journal, settings: ConnectionSettings, account: str
) -> str:
    """Say "nothing to resume for …" and name the unfinished operations of other servers,
    profiles or accounts, if any: a server spelt otherwise (``localhost`` for ``127.0.0.1``)
    or another profile is named, not silently taken for "all is done"."""
    here = visible(f"{settings.base_url} ({settings.profile}, {account})")
    others = journal.elsewhere(server=settings.base_url, profile=settings.profile, account=account)
    if not others:
        return t("cli.nothing_to_resume", here=here)
    listed = "; ".join(
        visible(
            f"{o.state.spec.id} on {o.state.spec.server} ({o.state.spec.profile}, "
            f"{o.state.spec.account})"
        )
        for o in others
    )
    return t("cli.nothing_to_resume_here", here=here, count=len(others), listed=listed)


async def still_the_same(client: MobiClient, state: OperationState, t: Catalogue) -> None:
    """Refuse to resend a plan whose ids now name other devices, or devices outside the
    account's scope (:func:`mobitui.domain.selection.same_devices`); nothing is sent then."""
    spec = state.spec
    planned = [i for b in state.open_batches for i in b.device_ids]
    account = client.account
    scope = scope_groups(await client.groups(), None if account is None else account.group_scope)
    strays = same_devices(
        planned,
        [d async for d in client.iter_devices()],
        serials=spec.serials,
        names=spec.names,
        scope=scope,
    )
    for stray in strays:
        say(t("cli.stray.no_longer_planned", stray=stray_text(t, stray)))
    if strays:
        raise CommandError.said(ExitCode.USAGE, "cli.resume_strays", count=len(strays), id=spec.id)


def abandon(args: argparse.Namespace, settings: ConnectionSettings) -> int:
    """``resume --abandon``: end an unfinished operation for good; nothing is sent (its open
    devices keep whatever state the server gives them, as after 「残りを取りやめる」)."""
    if not args.operation:
        raise CommandError.said(ExitCode.USAGE, "cli.abandon_needs_operation")
    journal, _ = journal_and_audit()
    account = args.account or settings.account
    found, _errors = journal.scan(
        server=settings.base_url, profile=settings.profile, account=account
    )
    loaded = next((f for f in found if f.state.spec.id == args.operation), None)
    if loaded is None:
        raise CommandError.said(ExitCode.USAGE, "cli.no_operation", id=visible(args.operation))
    open_count = sum(len(b) for b in loaded.state.open_batches)
    t = Catalogue(settings.lang)
    shown = visible(args.operation)
    question = t("cli.abandon_question", id=shown, count=open_count)
    if not (args.agree or ask(question)):
        raise CommandError.said(ExitCode.USAGE, "cli.not_abandoned")
    with journal.open(loaded.path) as operation:
        operation.end(Ending.ABANDONED)
    say(t("cli.abandoned", id=shown, count=open_count))
    return ExitCode.OK


async def export_checklists(args: argparse.Namespace, settings: ConnectionSettings) -> int:
    sheets = read_sheets(args)
    client = await connect(settings, Secret(args.password_stdin, lang=settings.lang))
    async with client:
        chosen = await choose(client, args, sheets, Catalogue(settings.lang))
    jobs = []
    for device in chosen.devices:
        a = Assignment.of(device)
        jobs.append(SheetJob(device, a.work, a.remove_apple_mdm_profile, a.request_id))
    langs = tuple(dict.fromkeys(args.sheet_langs or [settings.lang]))
    formats = tuple(dict.fromkeys(args.formats or ["md", "txt"]))
    try:
        written = export_sheets(jobs, Path(args.out), langs, formats)
    except OSError as exc:
        failure = private_files.failure(exc.filename or args.out, "write", exc)
        raise CommandError.said(ExitCode.USAGE, "problem.file", problem=failure) from None
    for path in written:
        print(visible(str(path)))
    where = visible(str(Path(args.out).expanduser()))
    say(Catalogue(settings.lang)("cli.files_written", count=len(written), where=where))
    return ExitCode.PARTIAL if chosen.left_out else ExitCode.OK
