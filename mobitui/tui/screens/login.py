"""The login modal: asks the password (masked), hands it to the app, forgets it.

The screen never calls the server and never keeps the password: :meth:`LoginScreen.password`
answers it to the app, which passes it straight to ``MobiClient.login``; the field is emptied at
once. The dialog stays up while the server answers: it says that it is waiting (the seconds
elapsed, or a countdown while the client waits as the server asked, ``Retry-After``), and a
failed login shows why in the same dialog (:meth:`LoginScreen.failed`), so the screen below
never shows empty meanwhile. The server slows logins down after several wrong passwords; that
wait is said, counted down, and the dialog asks again. Used at start and whenever a token
expires mid-session (the screen below keeps its state).
"""

from __future__ import annotations

import asyncio
import time

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Input, Label, Static

from mobitui.domain.text import visible
from mobitui.i18n import Catalogue


class LoginScreen(ModalScreen[str | None]):
    """Dismissed with None when the admin cancels (or by the app once a login worked)."""

    BINDINGS = [Binding("escape", "cancel", "cancel", show=False)]

    def __init__(
        self, catalogue: Catalogue, server: str, account: str, message: str | None = None
    ) -> None:
        super().__init__()
        self.t = catalogue
        self.server = server
        self.account = account
        #: What the dialog says above the buttons (why the last login failed, or None).
        self.message = message
        #: The admin gave up (Esc, キャンセル): no more password will come.
        self.cancelled = False
        #: "waiting" while a password is with the server, else "asking".
        self.phase = "asking"
        self._answer: asyncio.Future[str | None] | None = None
        self._ticker: Timer | None = None
        self._since = 0.0
        #: Monotonic time the client's current wait ends (a countdown), or None (elapsed).
        self._until: float | None = None

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(id="dialog", classes="dialog"):
            yield Label(t("login.title"), classes="dialog-title")
            yield Static(Text(t("login.server", server=self.server)), classes="field")
            yield Static(Text(t("login.account", account=self.account)), classes="field")
            yield Label(t("password"))
            yield Input(password=True, id="password")
            yield Static(Text(self.message or ""), id="login-error", classes="error")
            yield Static("", id="login-status", classes="hint")
            with Horizontal(classes="buttons"):
                yield Button(t("login.submit"), variant="primary", id="ok")
                yield Button(t("cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#login-error").display = bool(self.message)
        self.query_one("#login-status").display = False
        self.query_one("#password", Input).focus()

    # ------------------------------------------------------------------ the app's side

    async def password(self) -> str | None:
        """The next password the admin enters, or None when they give up."""
        if self.cancelled:
            return None
        loop = asyncio.get_running_loop()
        self._answer = loop.create_future()
        return await self._answer

    def failed(self, message: str, wait: int | None = None) -> None:
        """The login failed: say why (inert), and ask again; ``wait`` seconds the server asked
        to wait before the next attempt are counted down."""
        self.message = visible(message)
        error = self.query_one("#login-error", Static)
        error.update(Text(self.message))
        error.display = True
        self._ask()
        if wait:
            self._start_ticker(wait)

    def retrying(self, seconds: float) -> None:
        """The client waits ``seconds`` before it tries the login again (the server's
        ``Retry-After``): counted down."""
        if self.phase == "waiting":
            self._start_ticker(seconds)

    # ------------------------------------------------------------------ states

    def _wait(self) -> None:
        self.phase = "waiting"
        self.query_one("#password", Input).disabled = True
        self.query_one("#ok", Button).disabled = True
        self._since = time.monotonic()
        self._until = None
        self._start_ticker(None)

    def _ask(self) -> None:
        self.phase = "asking"
        self._stop_ticker()
        box = self.query_one("#password", Input)
        box.disabled = False
        self.query_one("#ok", Button).disabled = False
        box.focus()

    def _start_ticker(self, countdown: float | None) -> None:
        self._until = None if countdown is None else time.monotonic() + countdown
        if self._ticker is None:
            self._ticker = self.set_interval(1.0, self._tick)
        self._tick()

    def _stop_ticker(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        self._until = None
        self.query_one("#login-status").display = False

    def _tick(self) -> None:
        t = self.t
        now = time.monotonic()
        if self._until is not None and now < self._until:
            left = max(1, round(self._until - now))
            key = "login.retry_in" if self.phase == "waiting" else "login.wait_before"
            text = t(key, seconds=left)
        elif self.phase == "waiting":
            text = t("login.waiting", seconds=int(now - self._since))
        else:
            self._stop_ticker()
            return
        status = self.query_one("#login-status", Static)
        status.update(Text(text))
        status.display = True

    # ------------------------------------------------------------------ the admin's side

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#ok")
    def _submit(self) -> None:
        box = self.query_one("#password", Input)
        password = box.value
        box.value = ""
        if not password or self.phase == "waiting":
            return
        if self._answer is not None and not self._answer.done():
            self._answer.set_result(password)
            self._wait()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.query_one("#password", Input).value = ""
        self.cancelled = True
        self._stop_ticker()
        if self._answer is not None and not self._answer.done():
            self._answer.set_result(None)
        self.dismiss(None)
