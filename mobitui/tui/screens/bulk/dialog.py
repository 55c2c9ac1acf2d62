"""What the three bulk dialogs share: preflight, warnings, password, 「同意する」, OK, progress,
result, resume.

Each dialog (procedure A, B or E of the help page) is a subclass that adds its options, each
beside the help page's step number (read from the procedure's data: the step that names the
field's console term), and says which action they make. This base shows the preflight the
domain rules compute for exactly the devices checked when the dialog opened, keeps OK disabled
and says why (:mod:`mobitui.domain.gate` decides) until everything the action needs is there,
hands the confirmed action to the app, then shows progress and the per-device result. The same
screen, opened on a journal, resumes an interrupted operation.

One reactive ``phase``: ``form`` (options, preflight, password) → ``running`` (progress, Stop)
→ ``result`` (what the server did to each device; resume or give up what is not done). The
screen carries it, and the few facts that decide what shows, as CSS classes (``-form``,
``-running``, ``-result``, ``-resumable`` …); ``styles/dialogs.tcss`` alone shows and hides.
A 2xx is not success: devices the answer gave no outcome for are listed first as *unknown*
(maybe acted on) and the operation stays open with 「再開」, which asks the server again under
the same key; an answer about other devices than those sent is shown as a protocol error.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import var
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Static

from mobitui.domain.checklist import Assignment, sections
from mobitui.domain.gate import Blocker, Facts, blockers, count_needed
from mobitui.domain.models import Device, Outcome
from mobitui.domain.operation import Ending, OperationState
from mobitui.domain.procedures import ProcedureId, get
from mobitui.domain.reconcile import named
from mobitui.domain.rules import (
    Action,
    ActionKind,
    DeviceWarning,
    Inactivate,
    OnDeviceWork,
    Preflight,
    ScheduleProblem,
    on_device_work,
    preflight,
)
from mobitui.fleet.cache import Delta
from mobitui.i18n import Catalogue
from mobitui.present.errors import error_text
from mobitui.present.preflight import summary
from mobitui.present.words import blocker_text, count_summary
from mobitui.present.wrap import Wrapped
from mobitui.tui.messages import (
    OpFailed,
    OpFinished,
    OpProgress,
    ProgressSink,
    follow_fleet,
)
from mobitui.tui.screens.message import MessageScreen
from mobitui.tui.screens.steps import StepsScreen
from mobitui.tui.widgets.preflight_view import (
    plan_columns,
    plan_rows,
    result_columns,
    result_rows,
    summary_text,
    warning_lines,
)
from mobitui.tui.widgets.row_list import RowList
from mobitui.tui.widgets.step_checkbox import StepCheckbox


@dataclass(frozen=True, slots=True)
class DialogContext:
    """What a dialog may use of the app: it shows and asks, the app acts."""

    t: Catalogue
    #: The server's clock (schedules and "seen recently" are judged on it).
    now: Callable[[], datetime]
    #: The current cache entry of a device (None: deleted or out of sight).
    lookup: Callable[[str], Device | None]
    #: Above this many devices the admin also types the count.
    confirm_above: int
    can_delete: bool
    #: Run a confirmed action: (the dialog, action, device ids, their names, password, the
    #: warnings acknowledged with their devices).
    start: Callable[
        [ProgressSink, Action, list[str], dict[str, str], str, dict[DeviceWarning, frozenset[str]]],
        None,
    ]
    #: Resume a journal: (the dialog, its path, password).
    resume: Callable[[ProgressSink, Path, str], None]
    abandon: Callable[[Path], None]
    #: Open the on-device checklist for these devices.
    checklist: Callable[[list[Assignment]], None]
    #: Write an operation's per-device results to a CSV file (asks where).
    export_results: Callable[[OperationState], None]
    #: The catalogue key of the close button once the result shows, when the dialog was
    #: opened from a screen the admin goes back to (the retirement view: 「進み具合に戻る」);
    #: that button is then the result's next useful action after the checklist and resuming.
    back_to: str | None = None


class Phase(StrEnum):
    """Where a dialog is: asking (options, preflight, password), sending, or showing what the
    server did (an operation opened on its journal starts there)."""

    FORM = "form"
    RUNNING = "running"
    RESULT = "result"


class Field(StrEnum):
    """A dialog's part that is a step of the help page."""

    #: The menu entry that opens the dialog: the first step the dialog covers.
    OPEN = "open"
    REMOVE_PROFILE = "remove_profile"
    SCHEDULE = "schedule"
    DELETE_AFTER = "delete_after"
    PASSWORD = "password"
    AGREE = "agree"
    OK = "ok"


#: The console terms of the fields every dialog has (a dialog adds or overrides its own).
COMMON_TERMS: Mapping[Field, str] = MappingProxyType(
    {Field.PASSWORD: "「パスワード」", Field.AGREE: "「同意する」", Field.OK: "「OK」"}
)


def step_naming(procedure: ProcedureId, term: str) -> int:
    """The number of the one step of ``procedure`` whose text names the console term ``term``.

    The help page names each control the way the console labels it (「パスワード」,
    「同意する」 …), so a field's step number is read from the procedure's data rather than
    written again beside the field: it always matches the page and the F1 view. A term that
    names no step, or more than one, is a mistake in the dialog: it fails at import.
    """
    found = [step.number for step in get(procedure).steps if term in step.text.ja]
    if len(found) != 1:
        raise ValueError(f"procedure {procedure}: {len(found)} steps name {term}, not one")
    return found[0]


#: The class of every field that is a step of the help page (the focus starts at the first).
STEP_FIELD = "step-field"


class StepRow(Horizontal):
    """One field of a dialog beside the help page's step number.

    The step number gets a ``▸`` while the field has the focus: a marker that shows without
    colour (NO_COLOR, a monochrome terminal, a screen reader reading the text).
    """

    def __init__(self, t: Catalogue, number: int, *children: Widget, id: str | None = None) -> None:
        self._text = t("step", number=number)
        self._label = Label(f" {self._text}", classes="step-no")
        super().__init__(self._label, *children, id=id)
        self.number = number

    def on_descendant_focus(self) -> None:
        self._label.update(f"▸{self._text}")

    def on_descendant_blur(self) -> None:
        self._label.update(f" {self._text}")


class AckCheckbox(StepCheckbox):
    """「上記の N 台について理解しました」: an acknowledgement of one warning for exactly the
    devices the box named when it was shown (kept on the box, never read back from a preflight
    that may have changed since)."""

    def __init__(
        self, label: str, warning: str, ids: frozenset[str], *, value: bool, classes: str
    ) -> None:
        super().__init__(label, value=value, name=warning, classes=classes, compact=True)
        self.warning = warning
        self.ids = ids


class AckSlot(Vertical):
    """Where the acknowledgements of one step show: right under that step's field, because
    the choice made there (or, for 「同意する」, the devices agreed to) is what raises the
    warning. Holds each warning's line and its checkbox; empty when none applies."""

    def __init__(self, field: Field, number: int) -> None:
        super().__init__(id=f"acks-{field.value}", classes="acks")
        self.field = field
        self.number = number


class BulkActionScreen(ModalScreen[None]):
    KIND: ClassVar[ActionKind]
    PROCEDURE: ClassVar[ProcedureId]
    #: The console term of each of the dialog's own fields, as its step in the help page
    #: names it (added to, or overriding, :data:`COMMON_TERMS`); :data:`Field.OPEN` is needed.
    TERMS: ClassVar[Mapping[Field, str]] = MappingProxyType({})
    #: Each field's step number, read from the procedure's data (:func:`step_naming`).
    STEPS: ClassVar[Mapping[Field, int]]
    #: The help page's step numbers of the password, 「同意する」 and OK.
    STEP_PASSWORD: ClassVar[int]
    STEP_AGREE: ClassVar[int]
    STEP_OK: ClassVar[int]
    #: The step numbers the dialog itself covers (bold in the F1 view): from the menu entry
    #: that opens it to the procedure's last step.
    STEPS_COVERED: ClassVar[frozenset[int]]
    OK_LABEL: ClassVar[str] = "ok"
    #: The step whose field each acknowledgement sits under (:class:`AckSlot`): the step whose
    #: choice causes the warning. A warning no option of the dialog causes (it comes with the
    #: devices themselves: an Android Device Owner reset, a forced device still communicating)
    #: is acknowledged with 「同意する」, the step that confirms those devices.
    ACK_STEPS: ClassVar[Mapping[DeviceWarning, Field]] = MappingProxyType({})
    #: The first step field has focus from the first frame (keys typed at once land there);
    #: a screen opened on a journal starts on its next useful action instead.
    AUTO_FOCUS = f".{STEP_FIELD}"

    BINDINGS = [
        Binding("escape", "close", "close", show=False),
        Binding("f1", "steps", "steps", show=False),
    ]

    #: Where the dialog is; shown by the screen's classes (always re-shown when set).
    phase: var[Phase] = var(Phase.FORM, init=False, always_update=True)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "PROCEDURE" not in vars(cls):
            return
        terms = {**COMMON_TERMS, **cls.TERMS}
        steps = {field: step_naming(cls.PROCEDURE, term) for field, term in terms.items()}
        cls.STEPS = MappingProxyType(steps)
        cls.STEP_PASSWORD = steps[Field.PASSWORD]
        cls.STEP_AGREE = steps[Field.AGREE]
        cls.STEP_OK = steps[Field.OK]
        last = get(cls.PROCEDURE).steps[-1].number
        cls.STEPS_COVERED = frozenset(range(steps[Field.OPEN], last + 1))

    def __init__(
        self,
        ctx: DialogContext,
        devices: Iterable[Device] = (),
        *,
        resume: tuple[OperationState, Path] | None = None,
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.t = ctx.t
        devices = list(devices)
        #: The devices checked when the dialog opened: the action applies to these only.
        self.order = [d.id for d in devices]
        self.devices = {d.id: d for d in devices}
        self.preflight: Preflight | None = None
        self.acked: dict[DeviceWarning, frozenset[str]] = {}
        self.state: OperationState | None = None
        self.path: Path | None = None
        self._stop = False
        #: (monotonic time, devices settled) at the first progress report: for the ETA.
        self._first: tuple[float, int] | None = None
        self._ready = False
        if resume is not None:
            self.state, self.path = resume
            self.set_reactive(BulkActionScreen.phase, Phase.RESULT)  # shown once mounted

    # ------------------------------------------------------------------ subclass hooks

    def compose_intro(self) -> ComposeResult:
        """Explanations shown above the preflight (none by default)."""
        yield from ()

    def compose_options(self) -> ComposeResult:
        """The action's own options, each in a :class:`StepRow` (its field of the class
        :data:`STEP_FIELD`), followed by :meth:`ack_slot` for a step in :attr:`ACK_STEPS`."""
        yield from ()

    def ack_slot(self, field: Field) -> AckSlot:
        """The place of the acknowledgements that belong to ``field``'s step."""
        return AckSlot(field, self.STEPS[field])

    def ack_field(self, warning: DeviceWarning) -> Field:
        """The field whose step ``warning``'s acknowledgement belongs to."""
        return self.ACK_STEPS.get(warning, Field.AGREE)

    def action_value(self) -> Action:
        raise NotImplementedError

    def scheduling_problem(self) -> ScheduleProblem | None:
        """Why the schedule chosen cannot be sent (None: fine, or the action has none)."""
        return None

    def done_message(self, state: OperationState) -> str:
        return self.t(f"action.done.{self.KIND.value}")

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        t = self.t
        with VerticalScroll(classes="dialog action-dialog", id="dialog"):
            yield Label(self._title(), classes="dialog-title")
            with Vertical(id="form-part"):
                yield from self.compose_intro()
                yield Static(id="summary")
                yield RowList(plan_columns(t, self.KIND), id="plan")
                yield Vertical(id="warnings")
                yield Static(id="changed", classes="error")
                yield from self.compose_options()
            with Vertical(id="run-part"):
                yield Static(id="progress")
            with Vertical(id="result-part"):
                yield Static(id="result-summary")
                yield RowList(result_columns(t), id="result")
            with Vertical(id="auth-part"):
                yield StepRow(
                    t,
                    self.STEP_PASSWORD,
                    Label(t("password"), classes="field-label"),
                    Input(password=True, id="password", classes=STEP_FIELD, compact=True),
                )
                yield StepRow(
                    t,
                    self.STEP_AGREE,
                    StepCheckbox(t("agree"), id="agree", classes=STEP_FIELD, compact=True),
                )
                yield self.ack_slot(Field.AGREE)
                with Horizontal(id="count-row"):
                    yield Label(id="count-label")
                    yield Input(
                        id="count",
                        restrict=r"[0-9, ]*",
                        max_length=12,
                        classes=STEP_FIELD,
                        compact=True,
                    )
                yield Static(id="why", classes="hint")
            yield Static(id="error", classes="error")
            with Horizontal(classes="buttons"):
                yield Label(t("step", number=self.STEP_OK), classes="step-no", id="ok-step")
                yield Button(
                    t(self.OK_LABEL),
                    variant="error",
                    id="ok",
                    disabled=True,
                    classes=STEP_FIELD,
                    compact=True,
                )
                yield Button(
                    t("action.resume"), variant="error", id="resume", disabled=True, compact=True
                )
                yield Button(t("action.abandon"), id="abandon", compact=True)
                yield Button(t("action.stop"), variant="warning", id="stop", compact=True)
                yield Button(t("key.main.checklist"), id="to-checklist", compact=True)
                yield Button(t("key.main.export_csv"), id="results-csv", compact=True)
                yield Button(t("cancel"), id="cancel", compact=True)
            yield Label(t("action.show_steps"), classes="hint")

    def _title(self) -> str:
        title = self.t(f"action.title.{self.KIND.value}")
        if self.phase is Phase.RESULT and self.state is not None and self.preflight is None:
            return f"{self.t('resume.title')}: {title}"
        return title

    def on_mount(self) -> None:
        self._ready = True  # (is_mounted only turns True after on_mount returns)
        follow_fleet(self, self.fleet_changed)
        for button in self.query("#ok, #resume").results(Button):
            # They vanish as they are pressed (the run begins): no flash to draw and undraw.
            button.active_effect_duration = 0
        if self.phase is Phase.FORM:
            self.recompute()
        else:
            assert self.state is not None
            self._show_result(self.state, resumed=True)
        self._show_phase()
        if self.phase is Phase.RESULT:  # (now, so that AUTO_FOCUS finds the focus taken)
            self.set_focus(self.query_one(self.result_focus()))

    def watch_phase(self) -> None:
        if self._ready:
            self._show_phase()

    def _show_phase(self) -> None:
        """The phase, and the facts that go with it, as the screen's classes: the stylesheet
        shows each part in the phases it belongs to."""
        phase = self.phase
        result = phase is Phase.RESULT
        resumable = result and self.state is not None and self.state.resumable
        classes = {
            "-form": phase is Phase.FORM,
            "-running": phase is Phase.RUNNING,
            "-result": result,
            "-resumable": resumable,
            "-to-checklist": result and bool(self._to_do()),
            "-results": result and self.state is not None,
        }
        if resumable:
            classes["-count"] = False  # the count was confirmed when the operation was planned
        self.update_classes(classes)
        back = self.ctx.back_to or "close"
        label = "cancel" if phase is Phase.FORM else "resume.later" if resumable else back
        self.query_one("#cancel", Button).label = self.t(label)
        self._update_ok()

    # ------------------------------------------------------------------ the preflight

    def recompute(self) -> None:
        """Ask the domain rules again (options changed, or the fleet did)."""
        devices = [self.devices[i] for i in self.order]
        self.preflight = preflight(devices, self.action_value(), self.ctx.now())
        pf = self.preflight
        t = self.t
        said = summary(t, pf, {i: d.name for i, d in self.devices.items()})
        self.query_one("#summary", Static).update(Wrapped(summary_text(said)))
        self.query_one("#plan", RowList).set_rows(plan_rows(t, pf, self.devices))
        self._show_warnings(warning_lines(said))
        count = len(pf.acted_on)
        self.set_class(count_needed(pf, self.ctx.confirm_above), "-count")
        self.query_one("#count-label", Label).update(t("action.count_confirm", count=count))
        self._update_ok()

    def _show_warnings(self, lines: list[tuple[DeviceWarning, Text]]) -> None:
        """Each warning's line: with the preflight, or, for one to acknowledge, with its
        checkbox under the step it belongs to (:attr:`ACK_STEPS`)."""
        assert self.preflight is not None
        to_acknowledge = self.preflight.to_acknowledge
        slots = {slot.field: slot for slot in self.query(AckSlot)}
        placed: dict[Vertical, list[Widget]] = {box: [] for box in slots.values()}
        general = self.query_one("#warnings", Vertical)
        placed[general] = []
        for warning, line in lines:
            ids = to_acknowledge.get(warning)
            if ids is None:
                placed[general].append(Static(Wrapped(line), classes="warning"))
                continue
            placed[slots[self.ack_field(warning)]] += [
                Static(Wrapped(line), classes="warning"),
                AckCheckbox(
                    self.t("action.ack", count=len(ids)),
                    warning.value,
                    ids,
                    value=self.acked.get(warning) == ids,
                    classes=f"ack {STEP_FIELD}",
                ),
            ]
        for box, widgets in placed.items():
            box.remove_children()
            box.mount_all(widgets)

    def blockers(self) -> tuple[Blocker, ...]:
        """Why OK (or Resume) cannot be pressed now, as the gate says from what the dialog
        holds (:func:`mobitui.domain.gate.blockers`); empty when it can. Resuming asks only
        the password and 「同意する」 again."""
        form = self.phase is Phase.FORM
        assert self.preflight is not None or not form
        return blockers(
            Facts(
                preflight=self.preflight if form else None,
                password_given=bool(self.query_one("#password", Input).value),
                agreed=self.query_one("#agree", Checkbox).value,
                acknowledged=self.acked,
                typed_count=self.query_one("#count", Input).value,
                confirm_above=self.ctx.confirm_above,
                schedule=self.scheduling_problem() if form else None,
                can_delete=self.ctx.can_delete,
            )
        )

    def reasons(self) -> list[str]:
        """:meth:`blockers` in words; empty when OK can be pressed."""
        found = self.blockers()
        now = self.ctx.now() if Blocker.SCHEDULE_IN_PAST in found else datetime.min
        return [blocker_text(self.t, blocker, now) for blocker in found]

    def _update_ok(self) -> None:
        if not self._ready:
            return
        running = self.phase is Phase.RUNNING
        reasons = ["running"] if running else self.reasons()
        self.query_one("#ok", Button).disabled = bool(reasons)
        self.query_one("#resume", Button).disabled = bool(reasons)
        blocked = bool(reasons) and not running
        self.set_class(blocked, "-blocked")
        if blocked:  # a hidden hint is not rewritten (a repaint during a run)
            why = self.query_one("#why", Static)
            why.update(Text(self.t("action.why_disabled", reasons=", ".join(reasons))))

    # ------------------------------------------------------------------ live fleet

    def fleet_changed(self, delta: Delta) -> None:
        """The fleet changed under an open dialog: recompute; if that changes what the action
        would do (not merely a check-in time), say so and ask to agree again."""
        if self.phase is not Phase.FORM or self.preflight is None:
            return
        touched = (delta.changed | delta.removed) & set(self.order)
        if not touched:
            return
        before = self.preflight.plans
        fresh = {i: self.ctx.lookup(i) for i in self.order}
        gone = [i for i, d in fresh.items() if d is None]
        self.devices = {i: d for i, d in fresh.items() if d is not None}
        self.order = [i for i in self.order if i in self.devices]
        self.recompute()
        if self.preflight.plans == before:
            return  # e.g. a device checked in: nothing the admin agreed to has changed
        notice = self.t("action.changed")
        if gone:
            notice += " " + self.t("action.gone", count=len(gone))
        self.query_one("#changed", Static).update(Text(notice))
        self.add_class("-changed")
        self.query_one("#agree", Checkbox).value = False

    # ------------------------------------------------------------------ events

    @on(Input.Changed)
    @on(Checkbox.Changed, "#agree")
    def _changed(self) -> None:
        self._update_ok()

    @on(Checkbox.Changed, ".ack")
    def _acked(self, event: Checkbox.Changed) -> None:
        """A tick acknowledges exactly the devices its box named when it was shown. A box the
        preflight has since replaced (a device changed in the same moment) acknowledges
        nothing: its Changed may arrive after the new box, naming other devices, is up."""
        box = event.checkbox
        if not isinstance(box, AckCheckbox) or box.parent is None or not box.is_attached:
            return
        warning = DeviceWarning(box.warning)
        if event.value:
            self.acked[warning] = box.ids
        else:
            self.acked.pop(warning, None)
        self._update_ok()

    def options_changed(self) -> None:
        """Subclasses call this when one of their options changed."""
        if self.phase is Phase.FORM:
            self.recompute()

    @on(Input.Submitted, "#password, #count")
    @on(StepCheckbox.GoOn)
    def _submitted(self) -> None:
        """Enter in the password, the count or a step's box goes on to OK (「再開」 when
        resuming) if it may be pressed now; otherwise to the next field that still needs
        something (:meth:`_go_on`): never a press while blocked, never a box ticked or unticked
        by it."""
        if self.phase is Phase.FORM and not self.blockers():
            self._ok()
        elif self.phase is Phase.RESULT and self.path is not None and not self.blockers():
            self._resume()
        elif self.phase is not Phase.RUNNING:
            self._go_on()

    def _go_on(self) -> None:
        """Focus the next field, in step order after the focused one (then from the top),
        that still holds OK back: an empty password, an unticked 「同意する」 or
        acknowledgement, a count not typed back. Options are passed over: they are the
        admin's choice, never missing. When only the focused field is missing, the focus
        stays (the line under the form says what it needs); when no field is, it moves on."""
        chain = [w for w in self.focus_chain if w.has_class(STEP_FIELD)]
        here = self.focused
        start = chain.index(here) + 1 if here in chain else 0
        for widget in chain[start:] + chain[:start]:
            if self._missing(widget):
                widget.focus()
                return
        self.focus_next()

    def _missing(self, widget: Widget) -> bool:
        if isinstance(widget, Input):
            if widget.id == "password":
                return not widget.value
            if widget.id == "count":
                return self.has_class("-count") and Blocker.COUNT in self.blockers()
            return False
        if isinstance(widget, Checkbox):
            return not widget.value and (widget.id == "agree" or widget.has_class("ack"))
        return False

    @on(Input.Submitted, "#schedule-at")
    def _next_field(self) -> None:
        self.focus_next()

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        if self.phase is not Phase.FORM or self.blockers() or self.preflight is None:
            return
        password = self._take_password()
        plans = self.preflight.acted_on
        ids = [p.device_id for p in plans]
        names = {i: self.devices[i].name for i in ids}
        self._run_phase()
        self.ctx.start(self, self.preflight.action, ids, names, password, dict(self.acked))

    @on(Button.Pressed, "#resume")
    def _resume(self) -> None:
        if self.phase is not Phase.RESULT or self.blockers() or self.path is None:
            return
        password = self._take_password()
        self._run_phase()
        self.ctx.resume(self, self.path, password)

    def _take_password(self) -> str:
        box = self.query_one("#password", Input)
        password = box.value
        box.value = ""
        return password

    def _run_phase(self) -> None:
        self._stop = False
        self._first = None
        with self.app.batch_update():  # the whole switch to "running" in one frame
            self.remove_class("-error")
            self.query_one("#progress", Static).update(Text(self.t("action.sending")))
            self.phase = Phase.RUNNING
            self.query_one("#stop", Button).focus()

    @on(Button.Pressed, "#stop")
    def _stop_pressed(self) -> None:
        self._stop = True
        self.query_one("#progress", Static).update(Text(self.t("action.stopping")))

    def stop_requested(self) -> bool:
        return self._stop

    @on(Button.Pressed, "#abandon")
    def _abandon(self) -> None:
        if self.state is None or self.path is None:
            return
        open_count = sum(len(b) for b in self.state.open_batches)
        path = self.path

        def answered(yes: bool | None) -> None:
            if yes:
                self.ctx.abandon(path)
                self.dismiss(None)

        self.app.push_screen(
            MessageScreen(
                self.t,
                self.t("action.abandon"),
                self.t("action.abandon_confirm", count=open_count),
                ask=True,
            ),
            answered,
        )

    @on(Button.Pressed, "#cancel")
    def action_close(self) -> None:
        if self.phase is not Phase.RUNNING:
            self.dismiss(None)

    def action_steps(self) -> None:
        self.app.push_screen(StepsScreen(self.t, self.PROCEDURE, highlight=self.STEPS_COVERED))

    # ------------------------------------------------------------------ the run

    @on(OpProgress)
    def _progress(self, message: OpProgress) -> None:
        if self.phase is not Phase.RUNNING:
            return
        now = time.monotonic()
        if self._first is None:
            self._first = (now, message.done)
        began, base = self._first
        eta = None
        if message.done > base and message.done < message.total:
            rate = (message.done - base) / max(1e-6, now - began)
            eta = (message.total - message.done) / rate
        line = progress_text(self.t, message.done, message.total, eta)
        if self._stop:
            line.append("\n" + self.t("action.stopping"))
        self.query_one("#progress", Static).update(line)

    @on(OpFinished)
    def _finished(self, message: OpFinished) -> None:
        self.state, self.path = message.state, message.path
        with self.app.batch_update():  # the results in one frame
            self.phase = Phase.RESULT
            self._show_result(message.state, resumed=False)
            self.query_one(self.result_focus()).focus()

    @on(OpFailed)
    def _failed(self, message: OpFailed) -> None:
        error = self.query_one("#error", Static)
        error.update(Text(error_text(self.t, message.error)))
        self.add_class("-error")
        state = message.state
        if state is None or state.ending is Ending.REFUSED:
            # Nothing was changed: back to the form, the admin may correct and try again.
            self.phase = Phase.FORM if self.preflight is not None else Phase.RESULT
            self.query_one("#password", Input).focus()
            return
        self.state, self.path = state, message.path
        self.phase = Phase.RESULT
        self._show_result(state, resumed=False)
        self.query_one(self.result_focus()).focus()

    def _show_result(self, state: OperationState, *, resumed: bool) -> None:
        t = self.t
        lines: list[str] = []
        if resumed:
            open_count = sum(len(b) for b in state.open_batches)
            lines.append(
                t(
                    "resume.summary",
                    at=state.spec.created_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                    action=t(f"action.title.{state.spec.kind.value}"),
                    total=state.total,
                    done=state.total - open_count,
                    open=open_count,
                )
            )
            lines.append(t("resume.explain"))
        elif state.items and not state.unknown():
            # Not when an answer left devices without an outcome: "deleted" would then claim
            # what the server never said.
            lines.append(self.done_message(state))
        if state.request_ids:
            lines.append(t("action.request_ids", ids=", ".join(state.request_ids)))
        lines.append(count_summary(t, state))
        if state.cancelled_jobs:
            lines.append(t("action.cancelled_jobs", jobs=state.cancelled_jobs))
        for refusal in state.refused.values():
            count = len(next(b for b in state.spec.batches if b.key == refusal.key))
            lines.append(t("action.refused_batch", count=count, reason=refusal.code or "-"))
        unknown = state.unknown()
        if unknown:
            shown = [state.spec.names.get(i) or i for i in unknown]
            lines.append(t("action.no_outcome", count=len(unknown), ids=named(shown)))
        # Open batches never answered (not sent, or the answer lost); a partial batch's
        # devices are either known above or unknown (just said).
        never_answered = sum(len(b) for b in state.open_batches if b.key not in state.partial)
        if state.resumable and not resumed and never_answered:
            lines.append(t("action.not_done", count=never_answered))
        self.query_one("#result-summary", Static).update(Text("\n".join(lines)))
        self.query_one("#result", RowList).set_rows(result_rows(t, state, self._work()))
        self.query_one("#dialog").query_one(".dialog-title", Label).update(self._title())

    def result_focus(self) -> str:
        """The selector of the result's next useful action, the first that applies: the
        on-device checklist when accepted devices need work on the device; resuming when
        batches stayed open (its password first, then 「同意する」 and 「再開」); back to the
        screen it was opened from (the retirement view, which shows what happens next); export
        of the per-device results; else 「閉じる」.
        """
        state = self.state
        if self._to_do():
            return "#to-checklist"
        if state is not None and state.resumable:
            return "#password"
        if self.ctx.back_to is not None:
            return "#cancel"
        if state is not None and state.items:
            return "#results-csv"
        return "#cancel"

    def _to_do(self) -> list[Assignment]:
        """The accepted devices that need work on the device itself (procedures C, D)."""
        state = self.state
        if state is None or not isinstance(state.spec.action, Inactivate):
            return []
        remove = state.spec.action.remove_apple_mdm_profile
        request_of = {
            item.device_id: answer.request_id
            for answer in state.answered()
            for item in answer.items
            if item.outcome is Outcome.ACCEPTED
        }
        found = []
        for device_id, request_id in request_of.items():
            device = self.ctx.lookup(device_id) or self.devices.get(device_id)
            if device is None:
                continue
            work = on_device_work(device, remove)
            if sections(work):
                found.append(Assignment(device_id, work, request_id, remove))
        return found

    @on(Button.Pressed, "#results-csv")
    def _results_csv(self) -> None:
        if self.state is not None:
            self.ctx.export_results(self.state)

    @on(Button.Pressed, "#to-checklist")
    def _to_checklist(self) -> None:
        assignments = self._to_do()
        if assignments:
            self.dismiss(None)
            self.ctx.checklist(assignments)

    def _work(self) -> dict[str, OnDeviceWork | None]:
        if self.preflight is None:
            return {}
        return {p.device_id: p.on_device for p in self.preflight.plans}


def progress_text(t: Catalogue, done: int, total: int, eta: float | None, width: int = 30) -> Text:
    """``Sending 1,200 / 10,000 devices`` over a bar and, once known, the time left."""
    filled = round(width * done / total) if total else width
    line = Text.assemble(
        (t("action.sending") + " ", "bold"),
        t("action.progress", done=f"{done:,}", total=f"{total:,}"),
    )
    if eta is not None:
        minutes, seconds = divmod(round(eta), 60)
        line.append("  " + t("action.eta", eta=f"{minutes}:{seconds:02d}"))
    line.append("\n")
    line.append("█" * filled, style="bold")
    line.append("░" * (width - filled), style="dim")
    return line
