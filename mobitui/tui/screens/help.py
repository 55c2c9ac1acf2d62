"""The ``?`` help: every key of the main screen (and the screens it opens), in the admin's
language.

Built from the bindings themselves: each row names binding ids, and its keys are read from
those bindings, so a key moved in a ``BINDINGS`` list moves here too. What each row does is
the catalogue's ``help.…`` sentence (longer than the key bar's ``key.<id>`` word). Only keys
that are Textual's own (focus, the tree's Enter) or bound without an id (a dialog's F1) are
spelt out here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from mobitui.i18n import Catalogue
from mobitui.present.wrap import Wrapped
from mobitui.tui.screens.checklist import ChecklistScreen
from mobitui.tui.screens.main import MainScreen
from mobitui.tui.screens.requests import RequestsScreen
from mobitui.tui.screens.retirement import RetirementScreen
from mobitui.tui.widgets.device_grid import DeviceGrid


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the help: the keys of ``ids`` (or ``keys`` as written), and what they do."""

    help: str
    ids: tuple[str, ...] = ()
    #: Between the keys of the bindings (and a binding's own alternatives).
    sep: str = " / "
    #: For keys that are not ours to bind (Textual's focus keys) or have no id.
    keys: str | None = None


#: In the README's order.
ROWS: tuple[Row, ...] = (
    Row("help.focus", keys="Tab / Shift+Tab"),
    Row("help.open_group", keys="Enter"),
    Row("help.jump", ("main.jump",)),
    # The grid's movement keys, grouped as the README groups them.
    Row("help.move", keys="↑ ↓ / j k, PgUp PgDn, Home End"),
    Row("help.check", ("grid.check",)),
    Row("help.extend", ("grid.extend_up", "grid.extend_down")),
    Row("help.check_all", ("main.check_all",)),
    Row("help.clear", ("main.clear",)),
    Row("help.undo", ("main.undo",)),
    Row("help.only_checked", ("main.only_checked",)),
    Row("help.filter", ("main.filter",)),
    Row("help.subgroups", ("main.subgroups",)),
    Row("help.sort", ("main.sort", "main.reverse")),
    Row("help.columns", ("main.columns",)),
    Row("help.sidebar", ("main.sidebar",)),
    Row("help.copy", ("grid.copy_serial", "grid.copy_id")),
    Row("help.menu", ("main.menu",)),
    Row("help.dialog_steps", keys="F1"),
    Row("help.requests", ("main.requests",)),
    Row("help.requests_cancel", ("requests.cancel",)),
    Row("help.requests_force", ("requests.force",)),
    Row("help.retirement", ("main.retirement",)),
    Row(
        "help.retirement_keys",
        ("retirement.inactivate", "retirement.force", "retirement.delete", "retirement.checklist"),
        sep=" ",
    ),
    Row("help.checklist", ("main.checklist",)),
    Row("help.import_csv", ("main.import_csv",)),
    Row("help.export_csv", ("main.export_csv",)),
    Row(
        "help.checklist_keys",
        (
            "checklist.tick",
            "checklist.next",
            "checklist.previous",
            "checklist.export",
            "checklist.export_all",
            "checklist.copy_sheet",
            "checklist.copy_serial",
            "checklist.copy_request",
            "checklist.failed",
            "checklist.restart",
            "checklist.reinactivate",
            "checklist.force",
        ),
        sep=" ",
    ),
    Row("help.detail", ("grid.open",)),
    Row("help.refresh", ("main.refresh",)),
    Row("help.palette", ("app.palette",)),
    Row("help.help", ("app.help",)),
    Row("help.quit", ("app.quit",)),
)

#: Key names as the README writes them.
KEY_TEXT = {
    "escape": "Esc",
    "space": "Space",
    "enter": "Enter",
    "delete": "Delete",
    "tab": "Tab",
    "up": "↑",
    "down": "↓",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "question_mark": "?",
    "slash": "/",
}


def key_text(key: str) -> str:
    """``ctrl+a`` → ``Ctrl+A``, ``shift+up`` → ``Shift+↑``, ``escape`` → ``Esc``."""
    *modifiers, name = key.split("+")
    shown = KEY_TEXT.get(name, name.upper() if modifiers and len(name) == 1 else name)
    return "+".join([*(m.capitalize() for m in modifiers), shown])


def binding_text(binding: Binding, sep: str = " / ") -> str:
    if binding.key_display:
        return binding.key_display
    return sep.join(key_text(key.strip()) for key in binding.key.split(","))


def bindings_by_id(bindings: Iterable[BindingType]) -> dict[str, Binding]:
    return {b.id: b for b in bindings if isinstance(b, Binding) and b.id is not None}


#: The screens' and the grid's bindings (the App's come from the App: it is above this layer).
SCREEN_BINDINGS = bindings_by_id(
    [
        *MainScreen.BINDINGS,
        *DeviceGrid.BINDINGS,
        *RequestsScreen.BINDINGS,
        *RetirementScreen.BINDINGS,
        *ChecklistScreen.BINDINGS,
    ]
)


def rows(t: Catalogue, bindings: Mapping[str, Binding]) -> list[tuple[str, str]]:
    """(keys, what they do) for each row; a row whose bindings are all gone is left out."""
    found = []
    for row in ROWS:
        if row.keys is not None:
            keys = row.keys
        else:
            keys = row.sep.join(
                binding_text(bindings[i], row.sep) for i in row.ids if i in bindings
            )
        if keys:
            found.append((keys, t(row.help)))
    return found


class HelpBody(VerticalScroll):
    """The keys, scrolled with ↑↓ PgUp PgDn; the line under it says where the view is."""

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        screen = self.screen
        if isinstance(screen, HelpScreen):
            screen.show_position()


class HelpScreen(ModalScreen[None]):
    """Fits 80×24: the second column wraps, the rows scroll, the last line says how to close
    it and, when not all rows are in view, which part is (``12–30 / 40``)."""

    BINDINGS = [Binding("escape,q,question_mark", "close", "close", show=False)]

    DEFAULT_CSS = """
    HelpScreen > .dialog.wide {
        height: auto;
        max-height: 100%;
    }
    HelpScreen HelpBody {
        height: auto;
        max-height: 1fr;
    }
    HelpScreen #help-close {
        width: 100%;
        padding-top: 1;
    }
    """

    def __init__(self, catalogue: Catalogue, app_bindings: Iterable[BindingType] = ()) -> None:
        """``app_bindings``: the App's own (help, quit, the palette's key)."""
        super().__init__()
        self.t = catalogue
        self.bindings = {**SCREEN_BINDINGS, **bindings_by_id(app_bindings)}

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for keys, what in rows(self.t, self.bindings):
            table.add_row(Text(keys), Wrapped(what))
        with Vertical(classes="dialog wide"):
            yield Label(self.t("help.title"), classes="dialog-title")
            with HelpBody(id="help-body"):
                yield Static(table)
            yield Label(self.t("help.close"), id="help-close", classes="hint")

    def on_mount(self) -> None:
        body = self.query_one(HelpBody)
        body.focus()
        self.call_after_refresh(self.show_position)

    def on_resize(self) -> None:
        self.call_after_refresh(self.show_position)

    def show_position(self) -> None:
        """The close hint, and the rows in view when they are not all shown."""
        if not self.is_mounted:
            return
        body = self.query_one(HelpBody)
        hint = self.t("help.close")
        total, height = body.virtual_size.height, body.scrollable_content_region.height
        if height and total > height:
            top = round(body.scroll_y)
            hint = f"{hint}　{top + 1}–{min(total, top + height)} / {total}"
        self.query_one("#help-close", Label).update(Text(hint))

    def action_close(self) -> None:
        self.dismiss(None)
