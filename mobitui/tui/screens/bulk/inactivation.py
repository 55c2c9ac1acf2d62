"""「一括インアクティベーション」: procedure A, steps 5–11 of the help page.

Step 6 「Apple MDMプロファイル削除」「有効にする」 (with the acknowledgement of DEP devices that
forbid profile removal right under it) and step 7 「スケジュール」「予約日時を設定する」 come
first, in the page's order, then the shared password (8), 「同意する」 (9) and 「OK」 (10);
the result is step 11 (each number read from the procedure's data, by the term its step names).
The schedule is typed in local time (the zone is shown) and must be in the future on the
SERVER's clock (:func:`mobitui.domain.rules.schedule_problem`, as the server judges it).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Checkbox, Input, Label, Static

from mobitui.domain.operation import OperationState
from mobitui.domain.procedures import NOTES, NoteId, ProcedureId
from mobitui.domain.rules import (
    ActionKind,
    DeviceWarning,
    Inactivate,
    ScheduleProblem,
    schedule_problem,
)
from mobitui.present.words import SCHEDULE_FORMAT, read_schedule
from mobitui.tui.screens.bulk.dialog import STEP_FIELD, BulkActionScreen, Field, StepRow
from mobitui.tui.widgets.step_checkbox import StepCheckbox

__all__ = ["SCHEDULE_FORMAT", "InactivationScreen", "local_zone"]

#: The longest schedule the field takes: an RFC 3339 time with microseconds and an offset
#: (``2026-12-01T09:00:00.000000+09:00``), which :func:`read_schedule` reads as --schedule does;
#: ``YYYY-MM-DD HH:MM`` is 16.
SCHEDULE_MAX_LENGTH = 32


def local_zone() -> tuple[str, str]:
    """This machine's time zone name and UTC offset, e.g. ``("JST", "+09:00")``."""
    now = datetime.now().astimezone()
    offset = now.strftime("%z")
    return now.tzname() or "local", f"{offset[:3]}:{offset[3:]}"


class InactivationScreen(BulkActionScreen):
    KIND = ActionKind.INACTIVATE
    PROCEDURE = ProcedureId.A
    TERMS = {
        Field.OPEN: "「一括インアクティベーション」",
        Field.REMOVE_PROFILE: "「有効にする」",
        Field.SCHEDULE: "「予約日時を設定する」",
    }
    #: A DEP device that forbids profile removal is a warning only while 「有効にする」 is off:
    #: it is acknowledged under that step (6), where turning it on avoids it. An Android
    #: Device Owner reset comes with the device whatever the options: with 「同意する」.
    ACK_STEPS = {DeviceWarning.DEP_PROFILE_REMOVAL_FORBIDDEN: Field.REMOVE_PROFILE}

    def compose_options(self) -> ComposeResult:
        t = self.t
        note = NOTES[NoteId.RUNS_AT_ONCE_UNLESS_SCHEDULED]
        zone, offset = local_zone()
        yield StepRow(
            t,
            self.STEPS[Field.REMOVE_PROFILE],
            Label(t("remove_apple_mdm_profile"), classes="field-label"),
            StepCheckbox(t("enable"), id="remove-profile", classes=STEP_FIELD, compact=True),
        )
        yield self.ack_slot(Field.REMOVE_PROFILE)
        yield StepRow(
            t,
            self.STEPS[Field.SCHEDULE],
            Label(t("schedule"), classes="field-label"),
            StepCheckbox(t("set_schedule"), id="schedule-on", classes=STEP_FIELD, compact=True),
        )
        with Horizontal(id="schedule-row"):
            yield Input(
                self._default_schedule(),
                placeholder=t("schedule.format"),
                id="schedule-at",
                max_length=SCHEDULE_MAX_LENGTH,
                disabled=True,
                classes=STEP_FIELD,
                compact=True,
            )
            yield Label(t("schedule.zone", zone=zone, offset=offset), classes="hint")
        yield Static(Text(note.text.pick(t.lang)), classes="hint", id="at-once")

    def _default_schedule(self) -> str:
        """The next full hour after the server's now, at least 30 minutes away."""
        soon = self.ctx.now().astimezone() + timedelta(minutes=90)
        return soon.replace(minute=0, second=0, microsecond=0).strftime(SCHEDULE_FORMAT)

    def _schedule(self) -> tuple[datetime | None, ScheduleProblem | None]:
        """The schedule to send (None: at once), or why the one typed cannot be sent (then
        the preflight is of an inactivation at once)."""
        if not self.query_one("#schedule-on", Checkbox).value:
            return None, None
        when = read_schedule(self.query_one("#schedule-at", Input).value)
        if when is None:
            return None, ScheduleProblem.UNREADABLE
        problem = schedule_problem(when, self.ctx.now())
        return (None, problem) if problem is not None else (when, None)

    def action_value(self) -> Inactivate:
        return Inactivate(
            remove_apple_mdm_profile=self.query_one("#remove-profile", Checkbox).value,
            scheduled_at=self._schedule()[0],
        )

    def scheduling_problem(self) -> ScheduleProblem | None:
        return self._schedule()[1]

    @on(Checkbox.Changed, "#remove-profile")
    def _profile_option(self) -> None:
        self.options_changed()

    @on(Checkbox.Changed, "#schedule-on")
    def _schedule_switched(self, event: Checkbox.Changed) -> None:
        self.query_one("#schedule-at", Input).disabled = not event.value
        self.set_class(event.value, "-scheduled")  # "runs at once" is hidden (dialogs.tcss)
        self.options_changed()

    @on(Input.Changed, "#schedule-at")
    def _schedule_typed(self) -> None:
        self.options_changed()

    def done_message(self, state: OperationState) -> str:
        action = state.spec.action
        if isinstance(action, Inactivate) and action.scheduled_at is not None:
            at = action.scheduled_at.astimezone().strftime(SCHEDULE_FORMAT)
            return self.t("action.done.inactivate_scheduled", at=at)
        return super().done_message(state)
