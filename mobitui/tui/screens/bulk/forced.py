"""「一括強制インアクティベーション」: procedure B, steps 5–9 (the vendor's own page for it).

It says first when to use it and that nothing reaches the device; step 6 deletes the devices
right after (「有効」), greyed out with the reason when the account lacks the deletion
permission; then the password (7), 「同意する」 (8) and 「OK」 (9), each number read from the
procedure's data. Devices that still communicate are flagged by the preflight and must be
acknowledged: under 「同意する」 (8). No option of the dialog causes that warning (「有効」 only
adds the deletion); it comes with the devices chosen, and the vendor's warning (restrictions
that can never be lifted on a device still in use) is what 「同意する」 confirms for them.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Checkbox, Label, Static

from mobitui.domain.procedures import ProcedureId
from mobitui.domain.rules import ActionKind, ForceInactivate
from mobitui.present.wrap import Wrapped
from mobitui.tui.screens.bulk.dialog import STEP_FIELD, BulkActionScreen, Field, StepRow
from mobitui.tui.widgets.step_checkbox import StepCheckbox


class ForcedInactivationScreen(BulkActionScreen):
    KIND = ActionKind.FORCE_INACTIVATE
    PROCEDURE = ProcedureId.B
    TERMS = {
        Field.OPEN: "「一括強制インアクティベーション」",
        Field.DELETE_AFTER: "「有効」",
    }

    def compose_intro(self) -> ComposeResult:
        t = self.t
        yield Static(Wrapped(t("forced.when")), classes="intro")
        yield Static(Wrapped(t("forced.nothing_reaches")), classes="warning intro")

    def compose_options(self) -> ComposeResult:
        t = self.t
        allowed = self.ctx.can_delete
        yield StepRow(
            t,
            self.STEPS[Field.DELETE_AFTER],
            Label(t("forced.delete_after"), classes="field-label wide-label"),
            StepCheckbox(
                t("delete_after_force"),
                id="delete-after",
                disabled=not allowed,
                classes=STEP_FIELD,
                compact=True,
            ),
        )
        if not allowed:
            yield Static(Text(t("menu.reason.no_delete_permission")), classes="hint")

    def action_value(self) -> ForceInactivate:
        return ForceInactivate(delete_after=self.query_one("#delete-after", Checkbox).value)

    @on(Checkbox.Changed, "#delete-after")
    def _delete_after(self) -> None:
        self.options_changed()
