"""Bulk runs in tests take the path the TUI and the headless commands take.

:func:`act` plans the run with :func:`mobitui.api.runner.new_operation` (the plan written to a
journal before any call) and sends it with :func:`mobitui.api.runner.run_operation` (each
answer recorded: the audit line, then the journal), in a state directory of its own. It hands
back the server's answers in plan order, so a test can look at what the server said; it only
observes the journal's records, never changes them.

Errors are the runner's: a refusal of the first call as the server's error, a later batch
that failed as :class:`~mobitui.api.errors.BulkIncomplete`, an expired session as
:class:`~mobitui.api.errors.Unauthenticated`. A run the runner did not finish (an answer
without an outcome for some device leaves its batch open) raises :class:`Unfinished`: it is
never handed back as done.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from mobitui.api.batches import Progress
from mobitui.api.client import MobiClient
from mobitui.api.runner import Result, new_operation, run_operation
from mobitui.domain.operation import Ending, OperationState
from mobitui.domain.rules import Action, Delete, ForceInactivate, Inactivate
from mobitui.local.audit_log import AuditLog
from mobitui.local.journal import Journal


class Unfinished(AssertionError):
    """The runner left the operation open (devices without an outcome, or batches unsent)."""

    def __init__(self, state: OperationState) -> None:
        self.state = state
        super().__init__(
            f"the operation did not finish: {len(state.open_batches)} batch(es) open, "
            f"no outcome for {list(state.unknown())}"
        )


async def act(
    client: MobiClient,
    action: Action,
    device_ids: Iterable[str],
    *,
    password: str,
    agree: bool,
    concurrency: int = 4,
    on_progress: Progress | None = None,
) -> list[Result]:
    """Run ``action`` on ``device_ids`` through the journal; the answers, in plan order."""
    ids = list(device_ids)
    with tempfile.TemporaryDirectory(prefix="mobitui-run-") as scratch:
        root = Path(scratch)
        journal = Journal(root / "journal")
        audit = AuditLog(root / "audit.jsonl")
        account = client.account.id if client.account is not None else "test"
        operation = await new_operation(
            client,
            journal,
            action,
            ids,
            names={i: f"name of {i}" for i in ids},
            server=f"http://{client.host}",
            profile="test",
            account=account,
        )
        answers: dict[str, Result] = {}
        record_done = operation.record_done

        def keep(key: str, result: Result) -> None:
            record_done(key, result)  # the journal's record first: kept only once written
            answers[key] = result

        operation.record_done = keep  # type: ignore[method-assign]
        with operation:
            state = await run_operation(
                client,
                operation,
                audit,
                password=password,
                agree=agree,
                concurrency=concurrency,
                on_progress=on_progress,
            )
        if state.ending is not Ending.FINISHED:
            raise Unfinished(state)
        return [answers[batch.key] for batch in state.spec.batches]


async def inactivate(
    client: MobiClient,
    device_ids: Iterable[str],
    *,
    remove_apple_mdm_profile: bool = False,
    scheduled_at: datetime | None = None,
    password: str,
    agree: bool,
    concurrency: int = 4,
    on_progress: Progress | None = None,
) -> list[Result]:
    """一括インアクティベーション through the runner."""
    action = Inactivate(remove_apple_mdm_profile, scheduled_at)
    return await act(
        client,
        action,
        device_ids,
        password=password,
        agree=agree,
        concurrency=concurrency,
        on_progress=on_progress,
    )


async def force_inactivate(
    client: MobiClient,
    device_ids: Iterable[str],
    *,
    delete_after: bool = False,
    password: str,
    agree: bool,
    concurrency: int = 4,
    on_progress: Progress | None = None,
) -> list[Result]:
    """強制インアクティベーション (and, with ``delete_after``, deletion) through the runner."""
    return await act(
        client,
        ForceInactivate(delete_after=delete_after),
        device_ids,
        password=password,
        agree=agree,
        concurrency=concurrency,
        on_progress=on_progress,
    )


async def delete_devices(
    client: MobiClient,
    device_ids: Iterable[str],
    *,
    password: str,
    agree: bool,
    concurrency: int = 4,
    on_progress: Progress | None = None,
) -> list[Result]:
    """端末一括削除 through the runner."""
    return await act(
        client,
        Delete(),
        device_ids,
        password=password,
        agree=agree,
        concurrency=concurrency,
        on_progress=on_progress,
    )
