"""A small modal that shows a message (an error, a notice) or asks yes/no.

Every worker error ends here as a clear sentence, never a traceback. The text is a ``Text``
object: a server's message is shown literally.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from mobitui.i18n import Catalogue


class MessageScreen(ModalScreen[bool]):
    """Dismisses True for OK/Yes, False for No/Esc."""

    BINDINGS = [Binding("escape", "no", "close", show=False)]

    def __init__(self, catalogue: Catalogue, title: str, body: str, *, ask: bool = False) -> None:
        super().__init__()
        self.t = catalogue
        self.title_text = title
        self.body = body
        self.ask = ask

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text), classes="dialog-title")
            yield Static(Text(self.body), classes="message-body")
            with Horizontal(classes="buttons"):
                if self.ask:
                    yield Button(self.t("yes"), variant="error", id="yes")
                    yield Button(self.t("no"), variant="primary", id="no")
                else:
                    yield Button(self.t("close"), variant="primary", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed, "#yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def action_no(self) -> None:
        self.dismiss(False)
