"""端末側の作業: walk each device's user through procedures D and C, one device at a time.

Left, the devices still to do (with how far each has got); right, the current device: its
facts, a banner with what matters now (the request succeeded, the 8-minute countdown, the
failure path, a stalled device), and the steps rendered from the procedure data with only the
notes that apply to this device. Space ticks the step under the cursor and the tick is saved
at once (``mobitui.local.checklists``), so a dropped SSH session loses nothing.

The screen shows and asks: exporting, copying to the clipboard and starting a new (or forced)
inactivation are the app's, through :class:`ChecklistActions`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Label, Static

from mobitui.domain.checklist import (
    Assignment,
    ChecklistProgress,
    Tick,
    all_steps,
    on_device_walk,
    sections,
)
from mobitui.domain.models import Device, DeviceState, RequestStatus
from mobitui.domain.procedures import ProcedureId, Section, get
from mobitui.domain.rules import OnDeviceWork, is_stalled
from mobitui.fleet.cache import Delta, Fleet
from mobitui.i18n import Catalogue, Lang
from mobitui.local.checklists import ChecklistStore, progress_key
from mobitui.local.paths import ConfigError
from mobitui.local.retirements import RetirementStore, mark_c_done_in
from mobitui.present.errors import problem_text
from mobitui.present.sheets import SheetJob
from mobitui.present.wrap import Wrapped
from mobitui.tui.bindings import localise
from mobitui.tui.messages import follow_fleet
from mobitui.tui.widgets.columns import STATE_GLYPH
from mobitui.tui.widgets.key_footer import KeyFooter
from mobitui.tui.widgets.row_list import ListColumn, Row, RowList
from mobitui.tui.widgets.stepper import OPEN, TICKED


@dataclass(frozen=True, slots=True)
class ChecklistActions:
    """What the checklist may use of the app: its words, data and clocks, and the actions
    (export, copy, a new or forced inactivation) that are the app's to run."""

    t: Catalogue
    fleet: Fleet
    store: ChecklistStore
    server: str
    account: str
    #: This machine's clock (the countdown runs on the user's phone's time, not the server's).
    now: Callable[[], datetime]
    #: The server's clock (for "stalled").
    server_now: Callable[[], datetime]
    stall_after: timedelta
    export: Callable[[list[SheetJob]], None]
    #: Put text on the clipboard (OSC 52: works over SSH and inside tmux).
    copy: Callable[[str], None]
    inactivate: Callable[[list[Device]], None]
    force: Callable[[list[Device]], None]


class StepItem(Horizontal, can_focus=True):
    """One step: its box and number in a column of their own, then its text and the notes
    that apply (Japanese text has no spaces to wrap at: a column keeps it beside its number).
    Space (on the screen) ticks it."""

    def __init__(self, tick: Tick, text: str, notes: list[str], ticked: bool) -> None:
        self.tick = tick
        self.ticked = ticked
        body = Text(text)
        for note in notes:
            body.append("\n" + note, style="dim")
        self._mark = Label(self._mark_text(focused=False), classes="mark")
        super().__init__(self._mark, Static(Wrapped(body), classes="body"))
        self.set_class(ticked, "-ticked")

    def _mark_text(self, *, focused: bool) -> str:
        return f"{'▸' if focused else ' '}{TICKED if self.ticked else OPEN} {self.tick[1]:>2}."

    def set_ticked(self, ticked: bool) -> None:
        self.ticked = ticked
        self.set_class(ticked, "-ticked")
        self._mark.update(self._mark_text(focused=self.has_focus))

    def on_focus(self) -> None:
        self._mark.update(self._mark_text(focused=True))

    def on_blur(self) -> None:
        self._mark.update(self._mark_text(focused=False))


class ChecklistScreen(Screen[None]):
    BINDINGS = [
        Binding("space", "tick", "tick", id="checklist.tick"),
        Binding("n", "next_device", "next", id="checklist.next"),
        Binding("p", "previous_device", "previous", id="checklist.previous"),
        Binding("e", "export", "sheets", id="checklist.export"),
        Binding("E", "export_all", "all sheets", show=False, id="checklist.export_all"),
        Binding("y", "copy_sheet", "copy", id="checklist.copy_sheet"),
        Binding("s", "copy_serial", "serial", show=False, id="checklist.copy_serial"),
        Binding("c", "copy_request", "request", show=False, id="checklist.copy_request"),
        Binding("x", "failed", "failed", show=False, id="checklist.failed"),
        Binding("r", "restart", "restart", show=False, id="checklist.restart"),
        Binding("N", "reinactivate", "new", show=False, id="checklist.reinactivate"),
        Binding("f", "force", "force", show=False, id="checklist.force"),
        Binding("escape,q", "close", "close", id="checklist.close"),
    ]

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (70, "-wide")]

    def __init__(self, actions: ChecklistActions, assignments: list[Assignment]) -> None:
        super().__init__()
        self.actions = actions
        self.t = actions.t
        self.assignments = {a.device_id: a for a in assignments}
        self.order = [a.device_id for a in assignments]
        #: Device facts when the checklist opened: a device deleted meanwhile is still named.
        self.known: dict[str, Device] = {
            i: actions.fleet.devices[i] for i in self.order if i in actions.fleet.devices
        }
        self.current: str | None = self.order[0] if self.order else None
        self._timer: Timer | None = None
        localise(self, actions.t)

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        t = self.t
        yield Label(t("checklist.title"), classes="dialog-title")
        with Horizontal():
            yield RowList(
                [
                    ListColumn("", 1),
                    ListColumn(t("col.name"), 0),
                    ListColumn(t("col.work"), 6),
                    ListColumn(t("checklist.col.progress"), 5),
                ],
                cursor=True,
                id="todo",
            )
            with Vertical(id="current"):
                yield Static(id="facts")
                yield Static(id="banner")
                yield VerticalScroll(id="steps")
        yield Static(id="checklist-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        follow_fleet(self, self.fleet_changed)
        problem = self.actions.store.problem
        if problem:
            self._status(self.t("checklist.unsaved", detail=problem_text(self.t, problem)))
        self._refresh_list()
        self._show_device()

    # ------------------------------------------------------------------ data

    def device(self, device_id: str | None = None) -> Device | None:
        device_id = device_id or self.current
        if device_id is None:
            return None
        return self.actions.fleet.devices.get(device_id) or self.known.get(device_id)

    def progress(self, device_id: str | None = None) -> ChecklistProgress:
        device_id = device_id or self.current
        assert device_id is not None
        return self.actions.store.get(self._key(device_id))

    def _key(self, device_id: str) -> str:
        request = self.assignments[device_id].request_id
        return progress_key(self.actions.server, self.actions.account, device_id, request)

    def _save(self, device_id: str, progress: ChecklistProgress) -> None:
        try:
            self.actions.store.put(self._key(device_id), progress)
        except (ConfigError, OSError) as exc:
            self._status(self.t("checklist.unsaved", detail=problem_text(self.t, exc)))

    # ------------------------------------------------------------------ drawing

    def _refresh_list(self) -> None:
        rows = []
        for device_id in self.order:
            device = self.device(device_id)
            assignment = self.assignments[device_id]
            steps = all_steps(assignment.work)
            done = len(self.progress(device_id).ticked & set(steps))
            finished = done == len(steps)
            mark = "✓" if finished else STATE_GLYPH[device.state] if device else "×"
            work = "" if assignment.work is None else assignment.work.value
            rows.append(
                Row(
                    (mark, device.name if device else device_id, work, f"{done}/{len(steps)}"),
                    "dim" if finished else None,
                    device_id,
                )
            )
        self.query_one("#todo", RowList).set_rows(rows)

    def _show_device(self) -> None:
        box = self.query_one("#steps", VerticalScroll)
        box.remove_children()
        device = self.device()
        if device is None:
            self.query_one("#facts", Static).update(Text(self.t("checklist.empty")))
            self.query_one("#banner", Static).update("")
            return
        assignment = self.assignments[device.id]
        progress = self.progress()
        self.query_one("#facts", Static).update(self._facts(device, assignment))
        self._update_banner()
        walked = on_device_walk(device, assignment.work, assignment.remove_apple_mdm_profile)
        widgets = [w for section in walked for w in section_widgets(section, self.t.lang, progress)]
        box.mount_all(widgets)
        self._restart_timer()
        first = next((w for w in widgets if isinstance(w, StepItem) and not w.ticked), None)
        if first is not None:
            self.call_after_refresh(first.focus)

    def _facts(self, device: Device, assignment: Assignment) -> Text:
        t = self.t
        state = f"{STATE_GLYPH[device.state]} {t.state(device.state)}"
        line = Text(device.name, style="bold")
        line.append(
            f"  {t.platform(device.platform)} {device.os_version} · "
            f"{t.enrollment(device.enrollment)} · {state}\n"
        )
        line.append(f"{t('col.serial')}: {device.serial} · {t('col.user')}: {device.user_name}")
        request = assignment.request_id
        line.append(" · ")
        line.append(t("checklist.request", id=request) if request else t("checklist.no_request"))
        return line

    def _update_banner(self) -> None:
        device = self.device()
        if device is None:
            return
        text = banner(
            self.t,
            device,
            self.assignments[device.id],
            self.progress(),
            now=self.actions.now(),
            server_now=self.actions.server_now(),
            stall_after=self.actions.stall_after,
            deleted=device.id not in self.actions.fleet.devices,
        )
        self.query_one("#banner", Static).update(text)

    def _restart_timer(self) -> None:
        """A one-second tick only while a countdown runs (an idle screen repaints nothing)."""
        counting = self.current is not None and self.progress().remaining(self.actions.now())
        if counting and self._timer is None:
            self._timer = self.set_interval(1.0, self._tick_clock)
        elif not counting and self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _tick_clock(self) -> None:
        self._update_banner()
        if self.current is None or not self.progress().remaining(self.actions.now()):
            self._restart_timer()

    def _status(self, text: str) -> None:
        self.query_one("#checklist-status", Static).update(Text(text))

    # ------------------------------------------------------------------ live

    def fleet_changed(self, delta: Delta) -> None:
        """A device's state moved (the request succeeded, or it was deleted): say so now."""
        touched = (delta.changed | delta.removed) & set(self.order)
        if not touched:
            return
        for device_id in touched:
            device = self.actions.fleet.devices.get(device_id)
            if device is not None:
                self.known[device_id] = device
        self._refresh_list()
        if self.current in touched:
            device = self.device()
            if device is not None:
                self.query_one("#facts", Static).update(
                    self._facts(device, self.assignments[device.id])
                )
            self._update_banner()

    # ------------------------------------------------------------------ actions

    @on(RowList.Highlighted, "#todo")
    def _chosen(self, event: RowList.Highlighted) -> None:
        if event.key is not None and event.key != self.current:
            self.current = event.key
            self._show_device()

    def _go(self, step: int) -> None:
        if not self.order or self.current is None:
            return
        index = (self.order.index(self.current) + step) % len(self.order)
        todo = self.query_one("#todo", RowList)
        todo.cursor = index
        todo.refresh()
        self.current = self.order[index]
        self._show_device()

    def action_next_device(self) -> None:
        self._go(+1)

    def action_previous_device(self) -> None:
        self._go(-1)

    def action_tick(self) -> None:
        item = self.focused
        if not isinstance(item, StepItem) or self.current is None:
            return
        progress = self.progress()
        item.set_ticked(progress.tick(item.tick, self.actions.now()))
        self._save(self.current, progress)
        if item.ticked and item.tick[0] is ProcedureId.C:
            self._c_done(self.current, progress)
        self._refresh_list()
        self._update_banner()
        self._restart_timer()
        if item.ticked:
            self.focus_next(StepItem)

    def _c_done(self, device_id: str, progress: ChecklistProgress) -> None:
        """Procedure C complete: recorded in the retirements holding the device."""
        if not {(ProcedureId.C, s.number) for s in get(ProcedureId.C).steps} <= progress.ticked:
            return
        store = RetirementStore(self.actions.server, self.actions.account)
        folded = mark_c_done_in(store, [device_id], self.actions.now())
        if folded.problems:
            problem = problem_text(self.t, folded.problems[0])
            self._status(self.t("retirement.view.save_failed", detail=problem))

    def action_restart(self) -> None:
        if self.current is None:
            return
        progress = self.progress()
        progress.restart_download()
        self._save(self.current, progress)
        self._refresh_list()
        self._show_device()

    def action_failed(self) -> None:
        if self.current is None:
            return
        progress = self.progress()
        progress.failed = not progress.failed
        self._save(self.current, progress)
        self._update_banner()

    def _jobs(self, device_ids: list[str]) -> list[SheetJob]:
        jobs = []
        for device_id in device_ids:
            device = self.device(device_id)
            if device is not None:
                a = self.assignments[device_id]
                jobs.append(SheetJob(device, a.work, a.remove_apple_mdm_profile, a.request_id))
        return jobs

    def action_export(self) -> None:
        if self.current is not None:
            self.actions.export(self._jobs([self.current]))

    def action_export_all(self) -> None:
        self.actions.export(self._jobs(self.order))

    def action_copy_sheet(self) -> None:
        from mobitui.present.sheets import sheet

        jobs = self._jobs([self.current] if self.current else [])
        if jobs:
            job = jobs[0]
            text = sheet(
                job.device,
                job.work,
                self.t.lang,
                "txt",
                remove_apple_mdm_profile=job.remove_apple_mdm_profile,
                request_id=job.request_id,
            )
            self._copy(text, "checklist.copied.sheet")

    def action_copy_serial(self) -> None:
        device = self.device()
        if device is not None:
            self._copy(device.serial, "checklist.copied.serial")

    def action_copy_request(self) -> None:
        if self.current is not None and (request := self.assignments[self.current].request_id):
            self._copy(request, "checklist.copied.request")

    def _copy(self, text: str, what: str) -> None:
        self.actions.copy(text)
        self._status(self.t("checklist.copied", what=self.t(what)))

    def action_reinactivate(self) -> None:
        device = self.device()
        if device is not None and device.id in self.actions.fleet.devices:
            self.actions.inactivate([device])

    def action_force(self) -> None:
        device = self.device()
        if device is not None and device.id in self.actions.fleet.devices:
            self.actions.force([device])

    def action_close(self) -> None:
        self.dismiss(None)


def section_widgets(section: Section, lang: Lang, progress: ChecklistProgress) -> list[Widget]:
    """One walked procedure as the checklist's widgets: its title, its notes, then a
    :class:`StepItem` per step (or why it cannot be done)."""
    # Japanese has no spaces to wrap at: no space after the mark keeps a note beside it;
    # English wraps at its own spaces.
    mark = "※" if lang == "ja" else "※ "
    widgets: list[Widget] = [
        Static(Text(f"{section.position}. {section.title.pick(lang)}"), classes="section")
    ]
    for note in section.notes:
        widgets.append(Static(Wrapped(mark + note.text.pick(lang)), classes="intro"))
    if section.blocked is not None:
        widgets.append(Static(Wrapped(f"⚠ {section.blocked.text.pick(lang)}"), classes="blocked"))
    for step in section.steps:
        notes = [mark + n.text.pick(lang) for n in step.notes]
        tick = (section.id, step.number)
        widgets.append(StepItem(tick, step.text.pick(lang), notes, tick in progress.ticked))
    return widgets


def banner(
    t: Catalogue,
    device: Device,
    assignment: Assignment,
    progress: ChecklistProgress,
    *,
    now: datetime,
    server_now: datetime,
    stall_after: timedelta,
    deleted: bool = False,
) -> Text:
    """What matters now for this device, most important first."""
    lines: list[tuple[str, str]] = []
    work = assignment.work
    if deleted:
        lines.append((t("checklist.gone"), "bold"))
    if work is None:
        lines.append((t("checklist.unknown"), ""))
    elif work is OnDeviceWork.NOTHING_REACHES:
        lines.append((t("checklist.forced"), "bold"))
    elif work is OnDeviceWork.NONE:
        lines.append((t("checklist.none"), ""))
    ref = device.inactivation
    if device.state is DeviceState.INACTIVE and work not in (None, OnDeviceWork.NOTHING_REACHES):
        lines.append((t("checklist.succeeded"), "bold green"))
    elif device.state is DeviceState.INACTIVATION_PENDING:
        lines.append((t("checklist.waiting"), ""))
        executed = None
        if ref is not None and ref.status is not RequestStatus.SCHEDULED:
            executed = ref.scheduled_at or ref.created_at
        if is_stalled(device, executed, server_now, stall_after):
            hours = f"{stall_after.total_seconds() / 3600:g}h"
            lines.append((t("checklist.stalled", since=hours), "bold yellow"))
    elif ref is not None and ref.status is RequestStatus.SCHEDULED:
        lines.append((t("checklist.scheduled"), ""))
    left = progress.remaining(now)
    if left is not None:
        if left <= timedelta(0):
            lines.append((t("checklist.expired"), "bold red"))
        else:
            minutes, seconds = divmod(int(left.total_seconds()), 60)
            lines.append((t("checklist.countdown", left=f"{minutes}:{seconds:02d}"), "bold"))
    if progress.failed:
        lines.append((t("checklist.failed"), "bold red"))
        if device.state is DeviceState.INACTIVATION_PENDING:
            lines.append((t("checklist.failed_pending"), ""))
    if work is not None and sections(work) and progress.done(work):
        lines.append((t("checklist.all_done"), "bold green"))
    out = Text()
    for index, (text, style) in enumerate(lines):
        if index:
            out.append("\n")
        out.append(text, style=style)
    return out
