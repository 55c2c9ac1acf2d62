"""The column chooser (``c`` on the main screen): which of the grid's columns to show.

A small list of the columns the admin may hide (all but the check mark and the name), each
with ``[✓]`` or ``[ ]`` before it, so it reads the same without colour. Space shows or hides the
one under the cursor, Enter applies, Esc leaves everything as it was. The choice is kept for
the session; on a narrow terminal the shown columns that do not fit are still dropped, the least
important first (:func:`mobitui.tui.widgets.columns.layout`).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from mobitui.i18n import Catalogue
from mobitui.tui.widgets.columns import CHOOSABLE

ON = "[✓]"
OFF = "[ ]"


class ColumnChooser(ModalScreen[frozenset[str] | None]):
    """Dismissed with the keys of the hidden columns (None: Esc, nothing changes)."""

    BINDINGS = [
        Binding("space", "flip", "show / hide", show=False),
        Binding("escape", "cancel", "cancel", show=False),
    ]

    DEFAULT_CSS = """
    ColumnChooser > .dialog {
        width: 44;
    }
    ColumnChooser OptionList {
        height: auto;
        max-height: 12;
    }
    """

    def __init__(self, catalogue: Catalogue, hidden: frozenset[str]) -> None:
        super().__init__()
        self.t = catalogue
        self.hidden = set(hidden)

    def _prompt(self, key: str, title_key: str) -> Text:
        return Text(f"{OFF if key in self.hidden else ON} {self.t(title_key)}")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.t("columns.title"), classes="dialog-title")
            yield OptionList(
                *(Option(self._prompt(c.key, c.title_key), id=c.key) for c in CHOOSABLE),
                id="columns",
            )
            yield Label(self.t("columns.hint"), classes="hint")

    def action_flip(self) -> None:
        options = self.query_one(OptionList)
        index = options.highlighted
        if index is None:
            return
        column = CHOOSABLE[index]
        self.hidden.symmetric_difference_update({column.key})
        options.replace_option_prompt_at_index(index, self._prompt(column.key, column.title_key))

    @on(OptionList.OptionSelected)
    def _apply(self) -> None:
        self.dismiss(frozenset(self.hidden))

    def action_cancel(self) -> None:
        self.dismiss(None)
