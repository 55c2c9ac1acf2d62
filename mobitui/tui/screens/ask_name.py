"""Ask for a retirement's new name; a name the rule refuses is said under the field and the
screen stays (nothing typed is lost)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from mobitui.domain.retirement import MAX_NAME, InvalidName, name_problem
from mobitui.i18n import Catalogue
from mobitui.present.words import name_refused


class AskName(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "cancel", show=False)]
    AUTO_FOCUS = "#name"

    def __init__(self, catalogue: Catalogue, title: str, current: str) -> None:
        super().__init__()
        self.t = catalogue
        self.title_text = title
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text), classes="dialog-title")
            # One more than the rule allows, so a name too long is refused by name, not cut.
            yield Input(self.current, id="name", max_length=MAX_NAME + 1)
            yield Static(id="refused", classes="error")
            with Horizontal(classes="buttons"):
                yield Button(self.t("ok"), variant="primary", id="ok", compact=True)
                yield Button(self.t("cancel"), id="cancel", compact=True)

    @on(Input.Submitted, "#name")
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        name = self.query_one("#name", Input).value
        problem = name_problem(name)
        if problem is not None:
            why = name_refused(self.t, InvalidName(problem, name))
            self.query_one("#refused", Static).update(Text(why))
            return
        self.dismiss(name)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
