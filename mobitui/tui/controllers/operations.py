"""The app's side of a bulk operation: journal, worker, progress, resume, clean-up.

Dialogs only show and ask; they hand a confirmed action (or a journal to resume) to
:class:`Operations`, which runs it in a worker through :mod:`mobitui.api.runner` and posts
:class:`~mobitui.tui.messages.OpProgress` / ``OpFinished`` / ``OpFailed`` back to the dialog
(a :class:`~mobitui.tui.messages.ProgressSink`). Progress is throttled so a 10,000-device run
repaints a few times a second, not once per batch.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Protocol

from textual.message import Message

from mobitui.api.errors import ApiError, Forbidden
from mobitui.api.runner import Overlap, new_operation, run_operation
from mobitui.domain.models import Outcome
from mobitui.domain.operation import Ending, OperationState
from mobitui.domain.rules import Action, DeviceWarning
from mobitui.domain.selection import NotChosen, check, same_devices, scope_groups
from mobitui.fleet.cache import Delta
from mobitui.local import paths
from mobitui.local.audit_log import FILE_NAME, AuditLog
from mobitui.local.journal import Journal, JournalError, JournalFile, Loaded
from mobitui.local.retirements import Folded, RetirementStore, fold_operation
from mobitui.present.errors import StillLoading, error_text
from mobitui.tui.controllers.host import OperationsHost
from mobitui.tui.messages import (
    OpFailed,
    OpFinished,
    OpProgress,
    ProgressSink,
    RequestsLoaded,
    RequestsNotice,
)

#: At most this many progress repaints per second.
PROGRESS_RATE = 4.0


class Postbox(Protocol):
    """Where the requests' workers post their answers (the requests screen)."""

    def post_message(self, message: Message) -> bool: ...


class Operations:
    def __init__(self, app: OperationsHost) -> None:
        self.app = app
        root = paths.state_dir()
        self.journal = Journal(root / "journal")
        self.audit = AuditLog(root / FILE_NAME)
        #: Told of every fold into the stored retirements (an open retirement view).
        self.retirement_listeners: list[Callable[[Folded], object]] = []

    # ------------------------------------------------------------------ starting

    def _refused(self, target: ProgressSink) -> bool:
        """The last gate of read-only mode and the operator role (screens refuse first)."""
        reason = self.app.read_only_reason
        if reason is not None:
            target.post_message(OpFailed(Forbidden(reason, code="forbidden"), None, None))
        return reason is not None

    def start(
        self,
        target: ProgressSink,
        action: Action,
        device_ids: list[str],
        names: dict[str, str],
        password: str,
        acknowledged: Mapping[DeviceWarning, frozenset[str]] | None = None,
    ) -> None:
        if self._refused(target):
            return
        app = self.app
        launch = app.launch
        account = app.account.name if app.account is not None else launch.account
        devices = app.fleet.devices
        serials = {i: devices[i].serial for i in device_ids if i in devices}

        async def make() -> JournalFile:
            strays = check(
                [devices[i] for i in device_ids if i in devices], scope=self._scope()
            ).strays
            if strays:
                raise NotChosen(strays)
            return await new_operation(
                app.client,
                self.journal,
                action,
                device_ids,
                names=names,
                serials=serials,
                server=launch.base_url,
                profile=launch.profile,
                account=account,
                acknowledged=acknowledged,  # kept in the journal: a resume folds them too
            )

        self._spawn(target, make, password, acknowledged)

    def resume(self, target: ProgressSink, path: Path, password: str) -> None:
        if self._refused(target):
            return

        async def make() -> JournalFile:
            if not self.app.loaded:
                # The check below reads the fleet: a partial one (the first page of a sync)
                # would vouch for devices it never saw.
                raise StillLoading
            journal = self.journal.open(path)
            state = journal.state
            planned = [i for b in state.open_batches for i in b.device_ids]
            devices = self.app.fleet.devices
            current = [devices[i] for i in planned if i in devices]
            spec = state.spec
            strays = same_devices(
                planned, current, serials=spec.serials, names=spec.names, scope=self._scope()
            )
            if strays:
                journal.close()
                raise NotChosen(strays)
            return journal

        self._spawn(target, make, password)

    def _scope(self) -> frozenset[str] | None:
        """The groups this account may act in, from the group tree the app fetched."""
        account = self.app.account
        scope = None if account is None else account.group_scope
        return scope_groups(self.app.fleet.groups.values(), scope)

    def abandon(self, path: Path) -> None:
        """End an operation for good; its open devices show their real state in the grid."""
        with self.journal.open(path) as journal:
            journal.end(Ending.ABANDONED)

    def unfinished(self) -> tuple[list[Loaded], list[JournalError]]:
        launch = self.app.launch
        account = self.app.account.name if self.app.account is not None else launch.account
        return self.journal.scan(server=launch.base_url, profile=launch.profile, account=account)

    # ------------------------------------------------------------------ requests

    def load_requests(self, target: Postbox) -> None:
        """Every request, for the requests screen (one load at a time)."""

        async def load() -> None:
            try:
                found = await self.app.call(self.app.client.inactivations)
            except ApiError as error:
                target.post_message(RequestsNotice(error_text(self.app.t, error)))
            else:
                target.post_message(RequestsLoaded(found))

        self.app.run_worker(load(), group="requests", exclusive=True, exit_on_error=False)

    def cancel_request(self, target: Postbox, request_id: str) -> None:
        if self.app.read_only:  # the screen refuses first; this is the last gate
            return

        async def cancel() -> None:
            t = self.app.t
            try:
                answer = await self.app.call(
                    lambda: self.app.client.cancel_inactivation(request_id)
                )
                found = await self.app.call(self.app.client.inactivations)
            except ApiError as error:
                target.post_message(RequestsNotice(error_text(t, error)))
            else:
                target.post_message(RequestsLoaded(found))
                if answer.id != request_id:  # an adapter answering about another request
                    notice = t("requests.cancel_mismatch", id=request_id, other=answer.id)
                else:
                    notice = t("requests.cancelled", id=request_id)
                target.post_message(RequestsNotice(notice))
                self.app.poll_now()

        self.app.run_worker(cancel(), group="cancel", exit_on_error=False)

    # ------------------------------------------------------------------ the worker

    def _spawn(
        self,
        target: ProgressSink,
        make: Callable[[], Awaitable[JournalFile]],
        password: str,
        acknowledged: Mapping[DeviceWarning, frozenset[str]] | None = None,
    ) -> None:
        self.app.bulk_running = True
        self.app.run_worker(
            self._run(target, make, password, acknowledged),
            group="bulk",
            exclusive=False,
            exit_on_error=False,
        )

    async def _run(
        self,
        target: ProgressSink,
        make: Callable[[], Awaitable[JournalFile]],
        password: str,
        acknowledged: Mapping[DeviceWarning, frozenset[str]] | None = None,
    ) -> None:
        app = self.app
        journal: JournalFile | None = None
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if done >= total or now - last >= 1.0 / PROGRESS_RATE:
                last = now
                target.post_message(OpProgress(done, total))

        try:
            journal = await app.call(make)
            opened = journal

            def run() -> Awaitable[OperationState]:
                return run_operation(
                    app.client,
                    opened,
                    self.audit,
                    password=password,
                    agree=True,
                    on_progress=progress,
                    should_stop=target.stop_requested,
                )

            state = await app.call(run)
        except (ApiError, JournalError, NotChosen, Overlap, StillLoading) as error:
            state_now = None if journal is None else journal.state
            path = None if journal is None else journal.path
            if state_now is not None:
                self._settled(state_now)
                self._fold(state_now, acknowledged)
            target.post_message(OpFailed(error, state_now, path))
        else:
            self._settled(state)
            self._fold(state, acknowledged)
            target.post_message(OpFinished(state, journal.path))
        finally:
            if journal is not None:
                journal.close()
            app.bulk_running = False
            app.poll_now()

    def _fold(
        self, state: OperationState, acknowledged: Mapping[DeviceWarning, frozenset[str]] | None
    ) -> None:
        """The run into every stored retirement holding its devices (after its journal and
        audit line; a file it cannot use is named, never raised)."""
        launch = self.app.launch
        store = RetirementStore(launch.base_url, launch.account)
        at = self.app.client.on_server_clock(state.spec.created_at)
        folded = fold_operation(store, state, state.spec.account, acknowledged, at)
        for listener in list(self.retirement_listeners):
            listener(folded)

    def _settled(self, state: OperationState) -> None:
        """Clear the check marks of the devices acted on (before the refresh removes any)."""
        acted = [
            item.device_id
            for item in state.items
            if item.outcome in (Outcome.ACCEPTED, Outcome.DELETED) or item.deleted
        ]
        if acted:
            self.app.fleet.uncheck(acted)
            self.app.main_screen.fleet_changed(Delta(*[frozenset()] * 4))
