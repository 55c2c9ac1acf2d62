"""Ask for a file path (a CSV to read, a CSV to write); the app does the reading and writing."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from mobitui.i18n import Catalogue


class AskPath(ModalScreen[Path | None]):
    BINDINGS = [Binding("escape", "cancel", "cancel", show=False)]
    AUTO_FOCUS = "#path"

    def __init__(self, catalogue: Catalogue, title: str, hint: str, default: str = "") -> None:
        super().__init__()
        self.t = catalogue
        self.title_text = title
        self.hint = hint
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text), classes="dialog-title")
            yield Static(Text(self.hint), classes="hint")
            yield Input(self.default, id="path")
            with Horizontal(classes="buttons"):
                yield Button(self.t("ok"), variant="primary", id="ok", compact=True)
                yield Button(self.t("cancel"), id="cancel", compact=True)

    @on(Input.Submitted, "#path")
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        text = self.query_one("#path", Input).value.strip()
        if text:
            self.dismiss(Path(text).expanduser())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
