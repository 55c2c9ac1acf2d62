"""The help page's steps of one procedure, on demand (F1 in a dialog), walked for its context."""

from __future__ import annotations

from collections.abc import Set

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from mobitui.domain.procedures import GENERIC, NoteContext, ProcedureId, walk
from mobitui.i18n import Catalogue
from mobitui.present.wrap import Wrapped
from mobitui.tui.widgets.stepper import steps_text


class StepsScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "close", "close", show=False)]

    def __init__(
        self,
        catalogue: Catalogue,
        pid: ProcedureId,
        ctx: NoteContext = GENERIC,
        highlight: Set[int] = frozenset(),
    ) -> None:
        super().__init__()
        self.t = catalogue
        self.pid = pid
        self.ctx = ctx
        self.highlight = highlight

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            with VerticalScroll():
                section = walk(self.pid, self.ctx)
                body = steps_text(section, self.t.lang, highlight=self.highlight)
                yield Static(Wrapped(body), id="steps-body")
            yield Label(Text(self.t("detail.close_hint")), classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
