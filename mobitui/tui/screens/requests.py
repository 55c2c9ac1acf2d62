"""インアクティベーション要求: every request, each device's progress, live.

The upper list holds the requests (scheduled, executing, done, cancelled), newest first; the
lower one the devices of the request under the cursor, with their state from the fleet cache
(kept fresh by the change feed) and their progress from the request. A scheduled request can
be cancelled (after a yes/no question); pending devices that have not communicated since the
request executed are flagged, and ``f`` opens the forced inactivation dialog for the flagged
devices the lower list shows (those of the chosen request, nothing else).

The flags are judged on the server's clock (``now``) and re-evaluated at every load (the poll,
``r``), at every fleet change, and by a timer set for the moment the next one comes due: a flag
appears by itself. The columns are sized to their content (ids and states whole); the name
takes what is left, and the device list takes the height the request list leaves
(``styles/requests.tcss``).

The screen only shows and asks: loading and cancelling are the app's workers (``RequestsActions``
callbacks), whose answers come back as messages (:mod:`mobitui.tui.messages`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Label, Static

from mobitui.domain.checklist import Assignment, sections
from mobitui.domain.models import Device, InactivationRequest, ItemProgress, RequestStatus
from mobitui.domain.rules import is_stalled, on_device_work, stall_due
from mobitui.fleet.cache import Delta, Fleet
from mobitui.i18n import Catalogue
from mobitui.tui.bindings import localise
from mobitui.tui.messages import RequestsLoaded, RequestsNotice, follow_fleet
from mobitui.tui.palette import RequestsCommands
from mobitui.tui.screens.message import MessageScreen
from mobitui.tui.widgets.columns import STATE_GLYPH
from mobitui.tui.widgets.key_footer import KeyFooter
from mobitui.tui.widgets.row_list import ListColumn, Row, RowList


@dataclass(frozen=True, slots=True)
class RequestsActions:
    """What the requests screen may ask of the app: its words, the fleet, and callbacks."""

    t: Catalogue
    fleet: Fleet
    now: Callable[[], datetime]
    stall_after: timedelta
    poll_seconds: float
    #: Load every request; the answer comes back as RequestsLoaded (or a RequestsNotice).
    load: Callable[[RequestsScreen], None]
    #: Cancel one request; the answer comes back as RequestsLoaded and a RequestsNotice.
    cancel: Callable[[RequestsScreen, str], None]
    #: Open forced inactivation for these devices.
    force: Callable[[list[Device]], None]
    #: Open the on-device checklist for these devices.
    checklist: Callable[[list[Assignment]], None]
    #: Why destructive actions are off here (read-only mode, an operator), or None.
    read_only: str | None = None


def _time(value: datetime | None) -> str:
    return "-" if value is None else value.astimezone().strftime("%m-%d %H:%M")


class RequestsScreen(Screen[None]):
    BINDINGS = [
        Binding("escape,q", "close", "close", id="requests.close"),
        Binding("r", "reload", "refresh", id="requests.refresh"),
        Binding("c,delete", "cancel_request", "cancel", id="requests.cancel"),
        Binding("f", "force", "force", id="requests.force"),
        Binding("w", "checklist", "on-device steps", id="requests.checklist"),
    ]

    COMMANDS = {RequestsCommands}

    def __init__(self, view: RequestsActions) -> None:
        super().__init__()
        self.view = view
        self.t = view.t
        self.requests: list[InactivationRequest] | None = None
        #: Fires when the next stall flag comes due on the server's clock.
        self._due: Timer | None = None
        localise(self, view.t)

    def compose(self) -> ComposeResult:
        t = self.t
        yield Label(t("requests.title"), id="requests-title", classes="dialog-title")
        yield RowList(
            [
                ListColumn(t("requests.col.id"), 0, content=True),
                ListColumn(t("requests.col.status"), 0, content=True),
                ListColumn(t("requests.col.created"), 11, priority=2),
                ListColumn(t("requests.col.scheduled"), 11, priority=1),
                ListColumn(t("requests.col.progress"), 0),
            ],
            cursor=True,
            id="requests",
        )
        yield Static(id="request-summary")
        yield RowList(
            [
                ListColumn("", 1),
                ListColumn(t("col.name"), 0),
                ListColumn(t("detail.request_progress"), 0, content=True),
                ListColumn(t("col.state"), 0, priority=1, content=True),
                ListColumn(t("col.last_seen"), 11, priority=2),
            ],
            id="items",
        )
        yield Static(id="requests-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#requests", RowList).focus()
        self.query_one("#request-summary", Static).update(Text(self.t("conn.connecting")))
        self.view.load(self)
        self.set_interval(self.view.poll_seconds, self.action_reload)
        follow_fleet(self, self.fleet_changed)

    # ------------------------------------------------------------------ data

    @on(RequestsLoaded)
    def _loaded(self, message: RequestsLoaded) -> None:
        # Even when the requests are the same, time has passed on the server's clock: the
        # flags are judged again (only what changed is repainted).
        self.requests = message.requests
        self._repaint()

    def _repaint(self) -> None:
        """Both lists from the requests, the fleet and the server's clock, and the next timer."""
        if self.requests is None:
            return
        rows = [self._request_row(r) for r in self.requests]
        listed = self.query_one("#requests", RowList)
        if rows != listed.rows:
            listed.set_rows(rows)
        if not rows:
            self.query_one("#request-summary", Static).update(Text(self.t("requests.empty")))
        self._show_items()
        self._arm_due_timer()

    def _arm_due_timer(self) -> None:
        """A timer for the first moment a pending, silent device's flag comes due."""
        if self._due is not None:
            self._due.stop()
            self._due = None
        now = self.view.now()
        devices = self.view.fleet.devices
        upcoming = []
        for request in self.requests or ():
            for item in request.items:
                device = devices.get(item.device_id)
                if device is None or item.progress is not ItemProgress.PENDING:
                    continue
                due = stall_due(device, request.executed_at, now, self.view.stall_after)
                if due is not None:
                    upcoming.append(due)
                    break
        if upcoming:
            delay = (min(upcoming) - now).total_seconds() + 0.05
            self._due = self.set_timer(delay, self._repaint)

    @on(RequestsNotice)
    def _notice(self, message: RequestsNotice) -> None:
        self.query_one("#requests-status", Static).update(Text(message.text, style="bold"))

    def _request_row(self, request: InactivationRequest) -> Row:
        t = self.t
        done = sum(1 for i in request.items if i.progress is ItemProgress.DONE)
        pending = sum(1 for i in request.items if i.progress is ItemProgress.PENDING)
        accepted = sum(1 for i in request.items if i.progress is not None)
        tone = {"cancelled": "dim", "completed": "good", "scheduled": None}.get(
            request.status.value, "warn" if self._stalled(request) else None
        )
        return Row(
            (
                request.id,
                t(f"request.{request.status.value}"),
                _time(request.created_at),
                _time(request.scheduled_at),
                t("requests.progress", done=done, pending=pending, total=accepted),
            ),
            tone,
            request.id,
        )

    def selected(self) -> InactivationRequest | None:
        key = self.query_one("#requests", RowList).cursor_key
        return next((r for r in self.requests or () if r.id == key), None)

    def _stalled(self, request: InactivationRequest) -> list[Device]:
        devices = self.view.fleet.devices
        now = self.view.now()
        found = []
        for item in request.items:
            device = devices.get(item.device_id)
            if (
                device is not None
                and item.progress is ItemProgress.PENDING
                and is_stalled(device, request.executed_at, now, self.view.stall_after)
            ):
                found.append(device)
        return found

    def _show_items(self) -> None:
        request = self.selected()
        items = self.query_one("#items", RowList)
        summary = self.query_one("#request-summary", Static)
        if request is None:
            if items.rows:
                items.set_rows([])
            return
        t = self.t
        devices = self.view.fleet.devices
        stalled = {d.id for d in self._stalled(request)}
        rows = []
        for item in request.items:
            if item.progress is None:
                continue  # skipped by this request: not part of its progress
            device = devices.get(item.device_id)
            name = device.name if device is not None else item.device_id
            state = f"{STATE_GLYPH[device.state]} {t.state(device.state)}" if device else "-"
            seen = _time(device.last_seen_at) if device else "-"
            flag = "!" if item.device_id in stalled else ""
            tone = "bad" if flag else "dim" if item.progress is ItemProgress.DONE else None
            rows.append(
                Row(
                    (flag, name, t(f"progress.{item.progress.value}"), state, seen),
                    tone,
                    item.device_id,
                )
            )
        if rows != items.rows:
            items.set_rows(rows)
        lines = [
            f"{request.id} · {t(f'request.{request.status.value}')} · "
            f"{t('action.cancelled_jobs', jobs=request.cancelled_jobs)}"
        ]
        if stalled:
            lines.append(t("requests.stalled", count=len(stalled)))
        summary.update(Text("\n".join(lines)))

    @on(RowList.Highlighted, "#requests")
    def _highlighted(self) -> None:
        self._show_items()

    def fleet_changed(self, delta: Delta) -> None:
        """Device states moved (the change feed): the lower list shows them at once."""
        if self.requests:
            self._repaint()

    # ------------------------------------------------------------------ actions

    def action_reload(self) -> None:
        self.view.load(self)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_cancel_request(self) -> None:
        request = self.selected()
        status = self.query_one("#requests-status", Static)
        if self.view.read_only is not None:
            status.update(Text(self.view.read_only))
            return
        if request is None or request.status is not RequestStatus.SCHEDULED:
            status.update(Text(self.t("requests.not_cancellable")))
            return
        count = sum(1 for i in request.items if i.progress is not None)
        question = self.t("requests.cancel_confirm", id=request.id, count=count)

        def answered(yes: bool | None) -> None:
            if yes:
                self.view.cancel(self, request.id)

        self.app.push_screen(
            MessageScreen(self.t, self.t("key.requests.cancel"), question, ask=True), answered
        )

    def action_checklist(self) -> None:
        """The on-device steps of the chosen request's devices that need any."""
        request = self.selected()
        if request is None:
            return
        devices = self.view.fleet.devices
        found = []
        for item in request.items:
            device = devices.get(item.device_id)
            if device is None or item.progress is None:
                continue
            work = on_device_work(device, request.remove_apple_mdm_profile)
            if sections(work):
                found.append(
                    Assignment(device.id, work, request.id, request.remove_apple_mdm_profile)
                )
        if found:
            self.view.checklist(found)
        else:
            self.query_one("#requests-status", Static).update(Text(self.t("checklist.empty")))

    def action_force(self) -> None:
        if self.view.read_only is not None:
            self.query_one("#requests-status", Static).update(Text(self.view.read_only))
            return
        # The flags as of now, then exactly the flagged rows the lower list shows: devices of
        # the chosen request, pending and silent; never another request's, never one not shown.
        self._repaint()
        devices = self.view.fleet.devices
        shown = self.query_one("#items", RowList).rows
        flagged = [devices[r.key] for r in shown if r.cells[0] == "!" and r.key in devices]
        if flagged:
            self.view.force(flagged)
