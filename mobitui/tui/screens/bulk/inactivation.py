"""「一括インアクティベーション」: procedure A, steps 5–11 of the help page.

Step 6 「Apple MDMプロファイル削除」「有効にする」 and step 7 「スケジュール」「予約日時を設定する」
come first, in the page's order, then the shared password (8), 「同意する」 (9) and 「OK」 (10);
the result is step 11. The schedule is typed in local time (the zone is shown) and must be in
the future on the SERVER's clock.
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
from mobitui.domain.rules import ActionKind, Inactivate
from mobitui.tui.screens.bulk.dialog import BulkActionScreen, StepRow

SCHEDULE_FORMAT = "%Y-%m-%d %H:%M"


def local_zone() -> tuple[str, str]:
    """This machine's time zone name and UTC offset, e.g. ``("JST", "+09:00")``."""
    now = datetime.now().astimezone()
    offset = now.strftime("%z")
    return now.tzname() or "local", f"{offset[:3]}:{offset[3:]}"


def parse_schedule(text: str) -> datetime | None:
    """``YYYY-MM-DD HH:MM`` in this machine's time zone, or None when it is not that."""
    try:
        return datetime.strptime(text.strip(), SCHEDULE_FORMAT).astimezone()
    except ValueError:
        return None


class InactivationScreen(BulkActionScreen):
    KIND = ActionKind.INACTIVATE
    PROCEDURE = ProcedureId.A
    STEP_PASSWORD = 8
    STEP_AGREE = 9
    STEP_OK = 10
    STEPS_COVERED = frozenset(range(5, 12))

    def compose_options(self) -> ComposeResult:
        t = self.t
        note = NOTES[NoteId.RUNS_AT_ONCE_UNLESS_SCHEDULED]
        zone, offset = local_zone()
        yield StepRow(
            t,
            6,
            Label(t("remove_apple_mdm_profile"), classes="field-label"),
            Checkbox(t("enable"), id="remove-profile", compact=True),
        )
        yield StepRow(
            t,
            7,
            Label(t("schedule"), classes="field-label"),
            Checkbox(t("set_schedule"), id="schedule-on", compact=True),
        )
        with Horizontal(id="schedule-row"):
            yield Input(
                self._default_schedule(),
                placeholder=t("schedule.format"),
                id="schedule-at",
                max_length=16,
                disabled=True,
                compact=True,
            )
            yield Label(t("schedule.zone", zone=zone, offset=offset), classes="hint")
        yield Static(Text(note.text.pick(t.lang)), classes="hint", id="at-once")

    def _default_schedule(self) -> str:
        """The next full hour after the server's now, at least 30 minutes away."""
        soon = self.ctx.now().astimezone() + timedelta(minutes=90)
        return soon.replace(minute=0, second=0, microsecond=0).strftime(SCHEDULE_FORMAT)

    def _schedule(self) -> tuple[datetime | None, str | None]:
        if not self.query_one("#schedule-on", Checkbox).value:
            return None, None
        when = parse_schedule(self.query_one("#schedule-at", Input).value)
        if when is None:
            return None, self.t("schedule.invalid")
        now = self.ctx.now()
        if when <= now:
            return None, self.t("schedule.past", now=now.astimezone().strftime(SCHEDULE_FORMAT))
        return when, None

    def action_value(self) -> Inactivate:
        return Inactivate(
            remove_apple_mdm_profile=self.query_one("#remove-profile", Checkbox).value,
            scheduled_at=self._schedule()[0],
        )

    def option_problems(self) -> list[str]:
        problem = self._schedule()[1]
        return [] if problem is None else [problem]

    @on(Checkbox.Changed, "#remove-profile")
    def _profile_option(self) -> None:
        self.options_changed()

    @on(Checkbox.Changed, "#schedule-on")
    def _schedule_switched(self, event: Checkbox.Changed) -> None:
        self.query_one("#schedule-at", Input).disabled = not event.value
        self.query_one("#at-once").display = not event.value
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
