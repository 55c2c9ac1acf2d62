"""登録解除の進み具合: a retirement's devices in buckets, live, each bucket's next action on a key.

The upper list holds one row per stage (:data:`mobitui.domain.retirement.ORDER`): its label,
its count and a bar of block characters sized to the count's share (readable without colour);
the lower one the devices of the bucket under the cursor (name, serial, state). The record is
re-observed against the whole fleet at every fleet change (the change feed) and every load of
the requests (when each request executed: the stall clock), and by a timer set for the moment
the next device comes due as stalled on the server's clock; only what changed is repainted, and
the record is saved when it changed.

The screen only shows and asks: every action opens the app's existing dialog (with its
preflight) through a :class:`RetirementActions` callback; it never sends anything itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Label, Static

from mobitui.domain.checklist import Assignment, needed_work, sections
from mobitui.domain.models import Device, DeviceState
from mobitui.domain.retirement import (
    ORDER,
    Retirement,
    Stage,
    counts,
    observe,
    rename,
    stages,
)
from mobitui.domain.rules import stall_due
from mobitui.domain.text import visible
from mobitui.fleet.cache import Delta, Fleet
from mobitui.i18n import Catalogue
from mobitui.local.retirements import Folded, RetirementError, RetirementStore
from mobitui.present.errors import problem_text
from mobitui.present.sheets import SheetJob
from mobitui.tui.bindings import localise
from mobitui.tui.messages import RequestsLoaded, RequestsNotice, follow_fleet
from mobitui.tui.palette import RetirementCommands
from mobitui.tui.screens.ask_name import AskName
from mobitui.tui.widgets.columns import STATE_GLYPH
from mobitui.tui.widgets.key_footer import KeyFooter
from mobitui.tui.widgets.row_list import ListColumn, Row, RowList

#: The widest bar, in cells.
BAR_WIDTH = 30
FULL = "█"
EMPTY = "·"


@dataclass(frozen=True, slots=True)
class RetirementActions:
    """What the retirement view may ask of the app: its words, the fleet, and callbacks."""

    t: Catalogue
    fleet: Fleet
    now: Callable[[], datetime]
    stall_after: timedelta
    poll_seconds: float
    #: The account whose operations are folded into the record.
    account: str
    #: Load every request (when each executed); the answer comes back as RequestsLoaded.
    load: Callable[[RetirementScreen], None]
    #: Write the record (a failure is returned as a sentence, else None).
    save: Callable[[Retirement], str | None]
    #: Open the bulk inactivation dialog for these devices.
    inactivate: Callable[[RetirementScreen, list[Device]], None]
    #: Open the forced inactivation dialog for these devices.
    force: Callable[[RetirementScreen, list[Device]], None]
    #: Open the deletion dialog for these devices.
    delete: Callable[[RetirementScreen, list[Device]], None]
    #: Open the on-device checklist for these devices.
    checklist: Callable[[list[Assignment]], None]
    #: Write the record's report (CSV or Markdown) where the admin says.
    report: Callable[[Retirement], None]
    #: Write the on-device instruction sheets of these devices (snapshots: also after deletion).
    sheets: Callable[[list[SheetJob]], None]
    #: Why destructive actions are off here (read-only mode, an operator), or None.
    read_only: str | None = None


def bar(count: int, total: int, width: int = BAR_WIDTH) -> str:
    """``count``'s share of ``total`` as block characters (at least one for a non-zero count)."""
    if total <= 0:
        return EMPTY * width
    filled = round(width * count / total)
    if count > 0:
        filled = max(1, filled)
    return FULL * filled + EMPTY * (width - filled)


class RetirementScreen(Screen[None]):
    BINDINGS = [
        Binding("escape,q", "close", "close", id="retirement.close"),
        Binding("enter", "next_action", "next", id="retirement.next"),
        Binding("a", "inactivate", "inactivate", id="retirement.inactivate"),
        Binding("f", "force", "force", id="retirement.force"),
        Binding("d", "delete", "delete", id="retirement.delete"),
        Binding("w", "checklist", "on-device steps", id="retirement.checklist"),
        Binding("e", "report", "report", id="retirement.report"),
        Binding("s", "sheets", "sheets", id="retirement.sheets"),
        Binding("n", "rename", "rename", id="retirement.rename"),
        Binding("r", "reload", "refresh", show=False, id="retirement.refresh"),
    ]

    COMMANDS = {RetirementCommands}

    def __init__(self, view: RetirementActions, retirement: Retirement) -> None:
        super().__init__()
        self.view = view
        self.t = view.t
        self.retirement = retirement
        #: Request id → when it executed (the requests listing).
        self.executed: dict[str, datetime] = {}
        #: The requests have been loaded once (the stall clock is known).
        self.requests_loaded = False
        self.stage_by_id: dict[str, Stage] = {}
        self._due: Timer | None = None
        #: A screen was opened over this one since it was last shown.
        self._covered = False
        localise(self, view.t)

    def compose(self) -> ComposeResult:
        t = self.t
        yield Label(self._title(), id="retirement-title", classes="dialog-title")
        yield RowList(
            [
                ListColumn(t("retirement.col.stage"), 0, content=True),
                ListColumn(t("retirement.report.count"), 4, content=True),
                ListColumn("", BAR_WIDTH, priority=1),
            ],
            cursor=True,
            id="stages",
        )
        yield Static(id="retirement-summary")
        yield RowList(
            [
                ListColumn(t("col.name"), 0),
                ListColumn(t("col.serial"), 0, priority=1, content=True),
                ListColumn(t("col.state"), 0, content=True),
            ],
            id="stage-devices",
        )
        yield Static(id="retirement-status")
        yield KeyFooter()

    def _title(self) -> Text:
        return Text(self.t("retirement.view.title", name=visible(self.retirement.name)))

    def on_mount(self) -> None:
        self.query_one("#stages", RowList).focus()
        self.refresh_record()
        self.view.load(self)
        self.set_interval(self.view.poll_seconds, self.action_reload)
        follow_fleet(self, self.fleet_changed)

    # ------------------------------------------------------------------ data

    def refresh_record(self) -> None:
        """Observe the whole fleet, save when the record changed, repaint what changed."""
        now = self.view.now()
        updated = observe(self.retirement, self.view.fleet.devices, now, self.executed)
        self._keep(updated)
        self._repaint()

    def _keep(self, updated: Retirement) -> None:
        if updated != self.retirement:
            self.retirement = updated
            problem = self.view.save(updated)
            if problem is not None:
                self._status(problem)

    def operation_finished(self) -> None:
        """A dialog opened from here closed (its results were folded in where the operation
        ended, :func:`mobitui.local.retirements.fold_operation`): look at the fleet again."""
        self.refresh_record()

    def on_screen_suspend(self) -> None:
        self._covered = True

    def on_screen_resume(self) -> None:
        """Back from a screen opened over this one (the checklist marks procedure C in the
        stored record): take the stored version, so the next save keeps what it wrote. (Not
        when the view is first shown: the record was just read.)"""
        if not self.is_mounted or not self._covered:
            return
        self._covered = False
        store = RetirementStore(self.retirement.server, self.retirement.account)
        try:
            stored = store.load(self.retirement.id)
        except RetirementError:
            return  # not stored yet, or unreadable: the view's own copy stands
        if stored != self.retirement:
            self.retirement = stored
            self._repaint()

    def adopt(self, folded: Folded) -> None:
        """An operation (started anywhere) was folded into the stored retirements: take this
        record's new version, so the next save does not write the old one back."""
        for retirement in folded.changed:
            if retirement.id == self.retirement.id:
                self.retirement = retirement
                if self.is_mounted:
                    self._repaint()
        for problem in folded.problems:
            said = problem_text(self.t, problem)
            self._status(self.t("retirement.view.save_failed", detail=said))

    def _repaint(self) -> None:
        now = self.view.now()
        self.stage_by_id = stages(self.retirement, now, self.view.stall_after)
        found = counts(self.retirement, now, self.view.stall_after)
        total = len(self.retirement.device_ids)
        rows = [
            Row(
                (self.t(f"retirement.stage.{s.value}"), str(found[s]), bar(found[s], total)),
                None if found[s] else "dim",
                s.value,
            )
            for s in ORDER
        ]
        listed = self.query_one("#stages", RowList)
        if rows != listed.rows:
            listed.set_rows(rows)
        self._show_devices()
        self._arm_due_timer(now)

    def selected(self) -> Stage:
        key = self.query_one("#stages", RowList).cursor_key
        return Stage(key) if key is not None else ORDER[0]

    def in_stage(self, stage: Stage) -> list[str]:
        return [i for i, s in self.stage_by_id.items() if s is stage]

    def _show_devices(self) -> None:
        t = self.t
        stage = self.selected()
        ids = self.in_stage(stage)
        rows = []
        for device_id in ids:
            device = self.retirement.traces[device_id].device
            state = f"{STATE_GLYPH[device.state]} {t.state(device.state)}"
            rows.append(
                Row((visible(device.name), visible(device.serial or "-"), state), None, device_id)
            )
        listed = self.query_one("#stage-devices", RowList)
        if rows != listed.rows:
            listed.set_rows(rows)
        label = t(f"retirement.stage.{stage.value}")
        summary = t(
            "retirement.view.summary",
            stage=label,
            count=len(ids),
            total=len(self.retirement.device_ids),
        )
        self.query_one("#retirement-summary", Static).update(Text(summary))

    def _arm_due_timer(self, now: datetime) -> None:
        """A timer for the first moment a pending, silent device comes due as stalled."""
        if self._due is not None:
            self._due.stop()
            self._due = None
        after = self.view.stall_after
        upcoming = []
        for trace in self.retirement.ordered():
            if trace.gone:
                continue
            due = stall_due(trace.device, trace.executed_at, now, after)
            if due is not None:
                upcoming.append(due)
        if upcoming:
            delay = (min(upcoming) - now).total_seconds() + 0.05
            self._due = self.set_timer(delay, self._repaint)

    @on(RequestsLoaded)
    def _loaded(self, message: RequestsLoaded) -> None:
        self.executed = {r.id: r.executed_at for r in message.requests if r.executed_at}
        self.requests_loaded = True
        self.refresh_record()

    @on(RequestsNotice)
    def _notice(self, message: RequestsNotice) -> None:
        self._status(message.text)

    def _status(self, text: str) -> None:
        self.query_one("#retirement-status", Static).update(Text(text, style="bold"))

    @on(RowList.Highlighted, "#stages")
    def _highlighted(self) -> None:
        self._show_devices()

    @on(RowList.Chosen, "#stages")
    def _chosen(self) -> None:
        self.action_next_action()

    def fleet_changed(self, delta: Delta) -> None:
        if self.is_attached:
            self.refresh_record()

    # ------------------------------------------------------------------ actions

    def _devices(self, ids: list[str]) -> list[Device]:
        devices: Mapping[str, Device] = self.view.fleet.devices
        return [d for i in ids if (d := devices.get(i)) is not None]

    def _refused(self) -> bool:
        if self.view.read_only is not None:
            self._status(self.view.read_only)
            return True
        return False

    def _nothing(self, stage: Stage) -> None:
        label = self.t(f"retirement.stage.{stage.value}")
        self._status(self.t("retirement.view.nothing", stage=label))

    def action_reload(self) -> None:
        self.view.load(self)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_next_action(self) -> None:
        """Enter: the next action of the bucket under the cursor."""
        stage = self.selected()
        if stage is Stage.ACTIVE:
            self.action_inactivate()
        elif stage in (Stage.STALLED, Stage.REQUESTED):
            self.action_force()
        elif stage is Stage.INACTIVE:
            self.action_delete()
        elif stage is Stage.ON_DEVICE:
            self.action_checklist()

    def action_inactivate(self) -> None:
        if self._refused():
            return
        found = self._devices(self.in_stage(Stage.ACTIVE))
        if found:
            self.view.inactivate(self, found)
        else:
            self._nothing(Stage.ACTIVE)

    def action_force(self) -> None:
        """The stalled ones; on the 要求済み or 端末側の作業待ち bucket, its still-pending
        ones (from any request: a Hybrid MDM user stuck in the on-device steps, too)."""
        if self._refused():
            return
        self._repaint()
        chosen = self.selected()
        stage = chosen if chosen in (Stage.REQUESTED, Stage.ON_DEVICE) else Stage.STALLED
        found = self._devices(self.in_stage(stage))
        found = [d for d in found if d.state is DeviceState.INACTIVATION_PENDING]
        if found:
            self.view.force(self, found)
        else:
            self._nothing(stage)

    def action_delete(self) -> None:
        if self._refused():
            return
        found = self._devices(self.in_stage(Stage.INACTIVE))
        if found:
            self.view.delete(self, found)
        else:
            self._nothing(Stage.INACTIVE)

    def _work(self, device: Device) -> Assignment | None:
        """The on-device work ``device`` needs in this retirement, or None."""
        trace = self.retirement.traces[device.id]
        work = trace.on_device if trace.on_device is not None else needed_work(device)
        if not sections(work):
            return None
        ref = device.inactivation
        return Assignment(
            device.id,
            work,
            None if ref is None else ref.id,
            None if ref is None else ref.remove_apple_mdm_profile,
        )

    def action_checklist(self) -> None:
        found = [a for d in self._devices(self.in_stage(Stage.ON_DEVICE)) if (a := self._work(d))]
        if found:
            self.view.checklist(found)
        else:
            self._nothing(Stage.ON_DEVICE)

    def action_sheets(self) -> None:
        """The instruction sheets of every device that needs on-device work, from the record's
        snapshots: they stay reachable after the devices are deleted."""
        jobs = []
        for trace in self.retirement.ordered():
            found = self._work(trace.device)
            if found is not None:
                jobs.append(
                    SheetJob(
                        trace.device,
                        found.work,
                        found.remove_apple_mdm_profile,
                        found.request_id,
                    )
                )
        if jobs:
            self.view.sheets(jobs)
        else:
            self._status(self.t("retirement.view.no_sheets"))

    def action_report(self) -> None:
        self.view.report(self.retirement)

    def action_rename(self) -> None:
        """n: a new name for the record (the one rule: :func:`rename`), saved at once."""

        def named(name: str | None) -> None:
            if name is None:
                return
            self._keep(rename(self.retirement, name))  # AskName took only what the rule takes
            self.query_one("#retirement-title", Label).update(self._title())

        title = self.t("retirement.view.rename")
        self.app.push_screen(AskName(self.t, title, self.retirement.name), named)
