"""The ``?`` help: every key of the main screen, in the admin's language."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from mobitui.i18n import Catalogue

#: (keys as shown, catalogue key of what they do), in the README's order.
KEYS: tuple[tuple[str, str], ...] = (
    ("Tab / Shift+Tab", "help.focus"),
    ("Enter", "help.open_group"),
    ("↑ ↓ / j k, PgUp PgDn, Home End", "help.move"),
    ("Space", "help.check"),
    ("Shift+↑ / Shift+↓", "help.extend"),
    ("Ctrl+A", "help.check_all"),
    ("Esc", "help.clear"),
    ("v", "help.only_checked"),
    ("/", "help.filter"),
    ("s", "help.subgroups"),
    ("o / O", "help.sort"),
    ("m", "help.menu"),
    ("F1", "help.dialog_steps"),
    ("i", "help.requests"),
    ("c / Delete", "help.requests_cancel"),
    ("f", "help.requests_force"),
    ("w", "help.checklist"),
    ("I", "help.import_csv"),
    ("X", "help.export_csv"),
    ("Space n p e E y s c x r N f", "help.checklist_keys"),
    ("Enter", "help.detail"),
    ("r", "help.refresh"),
    ("Ctrl+P", "help.palette"),
    ("?", "help.help"),
    ("q", "help.quit"),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "close", "close", show=False)]

    def __init__(self, catalogue: Catalogue) -> None:
        super().__init__()
        self.t = catalogue

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for keys, what in KEYS:
            table.add_row(Text(keys), Text(self.t(what)))
        with Vertical(classes="dialog wide"):
            yield Label(self.t("help.title"), classes="dialog-title")
            with VerticalScroll():
                yield Static(table)

    def action_close(self) -> None:
        self.dismiss(None)
