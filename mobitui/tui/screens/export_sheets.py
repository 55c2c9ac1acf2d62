"""Ask where and how to write instruction sheets: a folder, the languages, the formats.

The modal only asks; it dismisses with an :class:`ExportChoice` and the app writes the files
(``mobitui.local.checklists.export_sheets``) and says where they went.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from mobitui.domain.text import visible
from mobitui.i18n import Catalogue
from mobitui.present.sheets import Format, Lang
from mobitui.tui.screens.ask_path import typed_path
from mobitui.tui.widgets.step_checkbox import MarkedCheckbox


@dataclass(frozen=True, slots=True)
class ExportChoice:
    directory: Path
    langs: tuple[Lang, ...]
    formats: tuple[Format, ...]


def default_directory() -> Path:
    """``mobitui-sheets`` in the current folder, spelt out in full when its name is plain
    text; a folder whose name holds escape sequences would put them in the input field raw,
    so the bare name stands for it then (as ``tui.files.default_export_path`` does)."""
    full = Path.cwd() / "mobitui-sheets"
    return full if visible(str(full)) == str(full) else Path("mobitui-sheets")


class ExportScreen(ModalScreen[ExportChoice | None]):
    BINDINGS = [Binding("escape", "cancel", "cancel", show=False)]
    AUTO_FOCUS = "#directory"

    def __init__(self, catalogue: Catalogue, count: int) -> None:
        super().__init__()
        self.t = catalogue
        self.count = count

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(classes="dialog"):
            yield Label(t("export.title"), classes="dialog-title")
            yield Static(Text(t("export.count", count=self.count)))
            yield Label(t("export.directory"))
            yield Input(str(default_directory()), id="directory")
            yield Label(t("export.languages"))
            with Horizontal(classes="choices"):
                yield MarkedCheckbox(t("export.lang.ja"), t.lang == "ja", id="ja", compact=True)
                yield MarkedCheckbox(t("export.lang.en"), t.lang == "en", id="en", compact=True)
            yield Label(t("export.formats"))
            with Horizontal(classes="choices"):
                yield MarkedCheckbox(t("export.format.md"), True, id="md", compact=True)
                yield MarkedCheckbox(t("export.format.txt"), True, id="txt", compact=True)
            yield Static(id="export-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button(t("export.write"), variant="primary", id="write", compact=True)
                yield Button(t("cancel"), id="cancel", compact=True)

    @on(Input.Submitted, "#directory")
    @on(Button.Pressed, "#write")
    def _write(self) -> None:
        langs = tuple(lang for lang in ("ja", "en") if self.query_one(f"#{lang}", Checkbox).value)
        formats = tuple(f for f in ("md", "txt") if self.query_one(f"#{f}", Checkbox).value)
        directory = self.query_one("#directory", Input).value.strip()
        if not langs or not formats or not directory:
            self.query_one("#export-error", Static).update(Text(self.t("export.nothing")))
            return
        folder = typed_path(self.t, directory)
        if isinstance(folder, str):  # a folder no path can name: said, the screen stays
            self.query_one("#export-error", Static).update(Text(folder))
            return
        self.dismiss(ExportChoice(folder, langs, formats))  # type: ignore[arg-type]

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
