"""The login modal: asks the password (masked), hands it to the app, forgets it.

The screen never calls the server and never keeps the password: it dismisses with it, and the
app passes it straight to ``MobiClient.login``. A failed login brings the screen back with the
server's message. Used at start and whenever a token expires mid-session (the screen below
keeps its state).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from mobitui.i18n import Catalogue


class LoginScreen(ModalScreen[str | None]):
    """Dismisses with the password, or None when the admin cancels."""

    BINDINGS = [Binding("escape", "cancel", "cancel", show=False)]

    def __init__(
        self, catalogue: Catalogue, server: str, account: str, message: str | None = None
    ) -> None:
        super().__init__()
        self.t = catalogue
        self.server = server
        self.account = account
        self.message = message

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(id="dialog", classes="dialog"):
            yield Label(t("login.title"), classes="dialog-title")
            yield Static(Text(t("login.server", server=self.server)), classes="field")
            yield Static(Text(t("login.account", account=self.account)), classes="field")
            yield Label(t("password"))
            yield Input(password=True, id="password")
            yield Static(Text(self.message or ""), id="login-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button(t("login.submit"), variant="primary", id="ok")
                yield Button(t("cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#login-error").display = bool(self.message)
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#ok")
    def _submit(self) -> None:
        box = self.query_one("#password", Input)
        password = box.value
        box.value = ""
        if password:
            self.dismiss(password)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.query_one("#password", Input).value = ""
        self.dismiss(None)
