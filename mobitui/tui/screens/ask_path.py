"""Ask for a file path (a CSV to read, a CSV to write); the app does the reading and writing.

A path that cannot name a file is refused here, under the field, and the screen stays: the
readers and writers expect an ``OSError`` from a bad path, and a NUL character or ``~`` of an
unknown user raised something else, which ended the app (see :func:`typed_path`).
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from mobitui.domain.text import visible
from mobitui.i18n import Catalogue


def typed_path(t: Catalogue, text: str) -> Path | str:
    """The path the admin typed (``~`` expanded), or why it names no file, in ``t``'s
    language: a NUL character (pasted) makes ``open`` raise ``ValueError``, and ``~name`` of
    a user this system does not know makes ``expanduser`` raise ``RuntimeError``."""
    if "\x00" in text:
        return t("path.refused.nul")
    try:
        return Path(text).expanduser()
    except RuntimeError:
        return t("path.refused.home", path=visible(text))


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
            refused = Static(id="refused", classes="error")
            refused.display = False
            yield refused
            with Horizontal(classes="buttons"):
                yield Button(self.t("ok"), variant="primary", id="ok", compact=True)
                yield Button(self.t("cancel"), id="cancel", compact=True)

    @on(Input.Submitted, "#path")
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        text = self.query_one("#path", Input).value.strip()
        if not text:
            return
        path = typed_path(self.t, text)
        if isinstance(path, str):
            refused = self.query_one("#refused", Static)
            refused.update(Text(path))
            refused.display = True
            return
        self.dismiss(path)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
