"""Run a bulk operation through its journal: plan, write, send, record, resume.

The TUI and the headless commands both act through :func:`new_operation` and
:func:`run_operation`, so the same guarantees hold everywhere:

- the plan (every batch and its idempotency key) is on disk before the first call leaves;
- each answer is recorded (the local audit log, then the journal) as it arrives, so a batch
  the server acted on is never settled in the journal without its audit line;
- a run that stops for any reason (dropped connection, the admin's Stop, a crash, a kill)
  leaves the unsettled batches open; :func:`run_operation` on the same journal later sends
  exactly those, with their original keys, so nothing is sent twice and nothing is lost;
- a refusal of the very first call of a new operation (wrong password, not allowed, schedule
  in the past …) changed nothing anywhere: the operation ends there as ``refused`` and the
  error goes to the caller, who may fix the input and start a new operation. Not so when an
  earlier attempt of that call may have reached the server (its answer lost, the retry then
  refused: ``maybe_processed``): nothing proves that nothing changed, so the batch stays
  open (resumable, its outcome unknown) and the operation is never ended ``refused``;
- a new operation never takes a device whose outcome is still unknown in an unfinished
  operation of the same server, profile and account (:class:`Overlap`): a fresh key could
  act on it a second time; that operation is resumed or abandoned first;
- a 2xx is not taken for done. An answer naming an id never sent, or one id twice, is a
  :class:`~mobitui.api.errors.ProtocolError` (the client refuses it): nothing of it is
  recorded, its batch stays open and no further batch starts. An answer without an outcome
  for some devices is recorded as it is: the journal's fold keeps that batch open (its known
  outcomes shown, the rest *unknown*), the other batches go on (one such batch must not block
  the rest of a run, nor of every resume), and the operation does not finish while any device
  has no outcome. A resume sends that batch again with the same key and body, so the server
  answers its first outcome and acts on nothing twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from mobitui.api.batches import Progress, run_batches
from mobitui.api.client import MobiClient
from mobitui.api.errors import (
    ApiError,
    BulkIncomplete,
    InvalidPassword,
    RateLimited,
    Unauthenticated,
    Unreachable,
)
from mobitui.domain.models import BulkResult, InactivationRequest
from mobitui.domain.operation import NO_OUTCOME, Batch, Ending, OperationSpec, OperationState
from mobitui.domain.reconcile import named, reconcile
from mobitui.domain.rules import Action, Delete, DeviceWarning, ForceInactivate, Inactivate
from mobitui.local.audit_log import AuditLog
from mobitui.local.journal import Journal, JournalFile

Result = InactivationRequest | BulkResult


class Overlap(Exception):
    """A new plan names devices that are in an open batch of an unfinished operation.

    Their outcome there is unknown (never sent, or sent without a known answer): a new key
    would make the server act on them again if the first one did. Nothing is written and
    nothing is sent; the admin resumes or abandons ``operation_id`` first. ``device_ids``
    are the new plan's devices in that operation, in plan order.
    """

    def __init__(self, operation_id: str, device_ids: tuple[str, ...], path: Path) -> None:
        self.operation_id = operation_id
        self.device_ids = device_ids
        self.path = path
        super().__init__(
            f"{len(device_ids)} device(s) of this plan ({named(device_ids)}) are in operation "
            f"{operation_id}, which is not finished (their outcome there is unknown): resume "
            f"or abandon operation {operation_id} first; nothing was sent"
        )


def overlap(
    journal: Journal, device_ids: Iterable[str], *, server: str, profile: str, account: str
) -> Overlap | None:
    """The first unfinished operation (oldest first) holding any of ``device_ids`` in an open
    batch, as the error to refuse a new plan with; None when there is none.

    Journals that cannot be read are left to the screens that list them (the TUI at launch,
    ``mobitui resume``): one damaged file must not block every new operation.
    """
    wanted = set(device_ids)
    found, _unreadable = journal.scan(server=server, profile=profile, account=account)
    for loaded in found:
        state = loaded.state
        if state.ending is not None:
            continue
        held = {i for batch in state.open_batches for i in batch.device_ids}
        common = held & wanted
        if common:
            ordered = tuple(i for i in dict.fromkeys(device_ids) if i in common)
            return Overlap(state.spec.id, ordered, loaded.path)
    return None


async def new_operation(
    client: MobiClient,
    journal: Journal,
    action: Action,
    device_ids: Iterable[str],
    *,
    names: Mapping[str, str],
    serials: Mapping[str, str] | None = None,
    server: str,
    profile: str,
    account: str,
    acknowledged: Mapping[DeviceWarning, frozenset[str]] | None = None,
) -> JournalFile:
    """Plan the batches of ``action`` on ``device_ids`` and write the plan, before any call.

    ``acknowledged``: the warnings the admin acknowledged, each with its devices: kept in the
    plan, so a resumed operation folds them into the retirements too.

    Raises :class:`Overlap` (nothing written, nothing sent) when a device of the plan is in an
    open batch of an unfinished operation of the same ``server``, ``profile`` and ``account``.
    """
    device_ids = list(device_ids)
    clash = overlap(journal, device_ids, server=server, profile=profile, account=account)
    if clash is not None:
        raise clash
    batches = await client.plan(device_ids)
    if not batches:
        raise ValueError("an operation needs at least one device")
    ids = {i for b in batches for i in b.device_ids}
    spec = OperationSpec(
        id=uuid.uuid4().hex[:12],
        action=action,
        created_at=datetime.now(UTC),
        server=server,
        profile=profile,
        account=account,
        batches=tuple(batches),
        names={i: n for i, n in names.items() if i in ids},
        serials={i: n for i, n in (serials or {}).items() if i in ids},
        acknowledged={w: frozenset(ids.intersection(on)) for w, on in (acknowledged or {}).items()},
    )
    return journal.start(spec)


def final_refusal(error: ApiError) -> bool:
    """The server answered, refused, changed nothing, and would refuse the same call again.

    A wrong password, an expired session and rate limiting are not final: the same batch may
    be sent again (same key) once the admin has typed the password again or waited. Nor is
    any error after an attempt that may have reached the server (``maybe_processed``: an
    earlier attempt of the call was lost after sending, and its retry was refused): the first
    attempt may have acted, so the batch stays open and its outcome is unknown.
    """
    if error.maybe_processed:
        return False
    if error.status is None or not 400 <= error.status < 500:
        return False
    return not isinstance(error, InvalidPassword | Unauthenticated | RateLimited)


def _sender(
    client: MobiClient, action: Action, password: str, agree: bool
) -> Callable[[Batch], Awaitable[Result]]:
    match action:
        case Inactivate():
            return lambda batch: client.send_inactivation(
                batch,
                remove_apple_mdm_profile=action.remove_apple_mdm_profile,
                scheduled_at=action.scheduled_at,
                password=password,
                agree=agree,
            )
        case ForceInactivate():
            return lambda batch: client.send_forced(
                batch, delete_after=action.delete_after, password=password, agree=agree
            )
        case Delete():
            return lambda batch: client.send_deletion(batch, password=password, agree=agree)
    raise TypeError(f"unknown action {action!r}")  # pragma: no cover


async def run_operation(
    client: MobiClient,
    journal: JournalFile,
    audit: AuditLog,
    *,
    password: str,
    agree: bool,
    concurrency: int = 4,
    on_progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> OperationState:
    """Send every open batch of ``journal``; returns the state, ended when nothing is open.

    Raises the server's error when the first call is refused outright (a new operation then
    ends as ``refused``), :class:`Unauthenticated` when the session expired mid-run (the
    caller logs in again and calls this again: settled batches are not resent), and
    :class:`BulkIncomplete` when a later batch failed (lost connection, a refusal): everything
    known is recorded by then, and ``journal.state`` says what is done and what is not. The
    admin's Stop returns the state with its open batches, and so does a run in which an
    answer gave no outcome for some devices (``state.unknown()``; the caller must not report
    it as done). Either way the caller may resume (call this again) or abandon.
    """
    state = journal.state
    spec = state.spec
    # Nothing of it has ever been sent (this process planned it): a refusal of its first call
    # then means nothing changed anywhere.
    fresh = not journal.resumed and not (state.done or state.refused or state.partial)
    batches = state.open_batches
    settled_before = state.settled

    def on_batch(batch: Batch, result: Result) -> None:
        # The audit line first, the journal's record after it: a failed audit write (a full
        # disk) then leaves the batch open, and the resume (same key, same body: the server
        # answers its first outcome) writes it. The other way round, the journal said "done"
        # and the local audit log never learnt of a batch the server acted on. A journal
        # write that fails after the audit line leaves that line behind: the resume writes a
        # second one for the same batch key, with the same outcomes (AuditLog.latest()).
        missing = reconcile(batch.device_ids, [item.device_id for item in result.items]).missing
        audit.record(
            spec,
            batch.key,
            batch.device_ids,
            result=NO_OUTCOME if missing else "done",
            request_id=result.id,
            items=result.items,
            detail=f"no outcome for {named(missing)}" if missing else None,
        )
        journal.record_done(batch.key, result)

    def progress(done: int, _total: int) -> None:
        if on_progress is not None:
            on_progress(settled_before + done, state.total)

    def failed(batch: Batch, error: ApiError, *, settle: bool = True) -> None:
        # ``no_answer``: the answer to an attempt that may have acted never arrived (lost, or
        # a later attempt refused: that refusal says nothing about the first).
        lost = isinstance(error, Unreachable) or error.maybe_processed
        code = "no_answer" if lost else (error.code or "error")
        audit.record(spec, batch.key, batch.device_ids, result=code, detail=error.message)
        if settle and final_refusal(error):
            journal.record_refused(batch.key, error.status, error.code, error.message)

    if batches:
        try:
            await run_batches(
                batches,
                _sender(client, spec.action, password, agree),
                concurrency=concurrency,
                on_progress=progress,
                on_batch=on_batch,
                should_stop=should_stop,
            )
        except BulkIncomplete as incomplete:
            for batch, error in incomplete.failed:
                failed(batch, error)
            expired = [e for _, e in incomplete.failed if isinstance(e, Unauthenticated)]
            if expired:
                raise expired[0] from None
            if incomplete.failed:
                raise  # what is done is recorded; the caller shows why the rest is not
        except ApiError as error:  # the first call, refused outright
            if not isinstance(error, Unauthenticated):
                failed(batches[0], error, settle=not fresh)
                if fresh and not error.maybe_processed:  # run_batches raises no such error
                    journal.end(Ending.REFUSED)
            raise
    if not state.open_batches and state.ending is None:
        journal.end(Ending.FINISHED)
    return state
