"""Which column of a CSV lists the devices, when the file leaves it in doubt.

Taking a column by its place in the row checked devices nobody listed (a row-number ``ID``
column on a server whose device ids are numbers), and so did taking the only column that
matched when the column headed シリアル番号 matched nothing (serials typed full-width). So the
admin chooses, seeing how many values of each column name a device. Cell text comes from a
file: it is shown as ``Text``, made visible, never parsed as markup.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from mobitui.domain.csv_select import ColumnMatch, Doubt
from mobitui.i18n import Catalogue
from mobitui.present.errors import column_label


class ChooseColumn(ModalScreen[int | None]):
    """Dismisses the chosen column's 0-based index, or None (Esc)."""

    BINDINGS = [Binding("escape", "cancel", "cancel", show=False)]
    AUTO_FOCUS = "#columns"

    def __init__(
        self,
        catalogue: Catalogue,
        columns: tuple[ColumnMatch, ...],
        doubt: Doubt = Doubt.DISAGREE,
    ) -> None:
        super().__init__()
        self.t = catalogue
        self.columns = columns
        self.doubt = doubt

    def compose(self) -> ComposeResult:
        t = self.t
        options = [
            Option(
                Text(t("csv.import.column", label=column_label(t, c), count=c.matches)),
                id=str(c.index),
            )
            for c in self.columns
        ]
        with Vertical(classes="dialog"):
            yield Label(t("csv.import.choose_title"), classes="dialog-title")
            hint = (
                "csv.import.choose_hint_named"
                if self.doubt is Doubt.NAMED_MATCHES_NOTHING
                else "csv.import.choose_hint"
            )
            yield Static(Text(t(hint)), classes="hint")
            yield OptionList(*options, id="columns")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        assert event.option.id is not None
        self.dismiss(int(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
