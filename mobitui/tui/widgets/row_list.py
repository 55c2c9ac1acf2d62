"""A read-only table of plain-text rows on the Line API: only the visible rows are drawn.

The preflight of 10,000 devices, a bulk result and a request's per-device progress are all long
lists of short cells. ``DataTable`` would parse every string as markup and take seconds to
paint such lists; this widget draws each visible line from plain ``Segment`` text, so device
names are shown literally, and its cost per frame grows with the screen, not the list.

Columns are :class:`ListColumn` (a title and a width; width 0 takes what is left; ``content``
widens a column to its title and its longest cell, so ids and states are never cut) and each
row is a :class:`Row` of cell strings plus an optional style class. Narrow terminals drop the
columns with the highest ``priority`` first, like the device grid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

GAP = 1
MIN_FLEX = 16


@dataclass(frozen=True, slots=True)
class ListColumn:
    title: str
    width: int  # 0: flexible
    priority: int = 0  # higher is dropped first when narrow
    #: Sized to its content: at least ``width``, and as wide as its title and longest cell.
    content: bool = False


@dataclass(frozen=True, slots=True)
class Row:
    cells: tuple[str, ...]
    #: One of the component classes below, without the prefix: "warn", "bad", "dim", "good".
    tone: str | None = None
    key: str | None = None


def fit(columns: Sequence[ListColumn], width: int) -> list[tuple[int, int]]:
    """``(column index, cells)`` of the columns that fit in ``width``, in order."""
    shown = list(range(len(columns)))
    while True:
        fixed = sum(columns[i].width for i in shown) + GAP * (len(shown) - 1)
        flex = [i for i in shown if columns[i].width == 0]
        room = width - fixed
        droppable = [i for i in shown if columns[i].priority > 0]
        if room >= MIN_FLEX * max(1, len(flex)) or not droppable:
            break
        shown.remove(max(droppable, key=lambda i: (columns[i].priority, i)))
    flex = [i for i in shown if columns[i].width == 0]
    room = max(len(flex), width - sum(columns[i].width for i in shown) - GAP * (len(shown) - 1))
    share = room // max(1, len(flex))
    return [(i, columns[i].width or share) for i in shown]


class _RowMessage(Message):
    def __init__(self, row_list: RowList, key: str | None) -> None:
        super().__init__()
        self.row_list = row_list
        self.key = key

    @property
    def control(self) -> RowList:
        return self.row_list


class RowList(ScrollView, can_focus=True):
    """Rows to read; with ``cursor=True`` also a row to choose (↑↓ move, Enter chooses)."""

    BINDINGS = [
        Binding("up,k", "up", show=False),
        Binding("down,j", "down", show=False),
        Binding("pageup", "page_up", show=False),
        Binding("pagedown", "page_down", show=False),
        Binding("home", "first", show=False),
        Binding("end", "last", show=False),
        Binding("enter", "choose", show=False),
    ]

    class Highlighted(_RowMessage):
        """The cursor moved to the row with this key."""

    class Chosen(_RowMessage):
        """Enter on the row with this key."""

    COMPONENT_CLASSES = {
        "row-list--header",
        "row-list--warn",
        "row-list--bad",
        "row-list--dim",
        "row-list--good",
        "row-list--cursor",
    }

    DEFAULT_CSS = """
    RowList {
        height: auto;
        max-height: 10;
        background: $surface;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
    }
    RowList:focus { background-tint: $foreground 5%; }
    RowList > .row-list--header { text-style: bold; background: $panel; }
    RowList > .row-list--warn { color: $warning; }
    RowList > .row-list--bad { color: $error; }
    RowList > .row-list--dim { color: $text-muted; }
    RowList > .row-list--good { color: $success; }
    RowList > .row-list--cursor { background: $accent 30%; }
    RowList:focus > .row-list--cursor { background: $accent; color: $text; }
    """

    def __init__(
        self, columns: Sequence[ListColumn], *, cursor: bool = False, **kwargs: object
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.columns = tuple(columns)
        #: The columns with the content-sized ones widened to the rows shown.
        self.sized = self._sized([])
        self.rows: list[Row] = []
        self.has_cursor = cursor
        self.cursor = 0

    @property
    def cursor_key(self) -> str | None:
        if self.has_cursor and 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor].key
        return None

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Show ``rows``; the cursor stays on the same key when it is still there."""
        keep = self.cursor_key
        self.rows = list(rows)
        self.sized = self._sized(self.rows)
        keys = [r.key for r in self.rows]
        self.cursor = keys.index(keep) if keep in keys else min(self.cursor, max(0, len(keys) - 1))
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)
        self.refresh(layout=True)
        if self.has_cursor and self.cursor_key != keep:
            self.post_message(self.Highlighted(self, self.cursor_key))

    def _sized(self, rows: Sequence[Row]) -> tuple[ListColumn, ...]:
        sized = []
        for index, column in enumerate(self.columns):
            if column.content:
                longest = max((cell_len(row.cells[index]) for row in rows), default=0)
                column = replace(
                    column, width=max(1, column.width, cell_len(column.title), longest)
                )
            sized.append(column)
        return tuple(sized)

    # ------------------------------------------------------------------ moving

    def _page(self) -> int:
        return max(1, self.size.height - 1)

    def _go(self, index: int) -> None:
        if not self.has_cursor:
            self.scroll_to(y=max(0, index), animate=False)
            return
        old = self.cursor
        self.cursor = max(0, min(index, len(self.rows) - 1))
        top, page = self.scroll_offset.y, self._page()
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + page:
            self.scroll_to(y=self.cursor - page + 1, animate=False, immediate=True)
        self.refresh()
        if old != self.cursor:
            self.post_message(self.Highlighted(self, self.cursor_key))

    def _at(self) -> int:
        return self.cursor if self.has_cursor else self.scroll_offset.y

    def action_up(self) -> None:
        self._go(self._at() - 1)

    def action_down(self) -> None:
        self._go(self._at() + 1)

    def action_page_up(self) -> None:
        self._go(self._at() - self._page())

    def action_page_down(self) -> None:
        self._go(self._at() + self._page())

    def action_first(self) -> None:
        self._go(0)

    def action_last(self) -> None:
        self._go(len(self.rows) - 1)

    def action_choose(self) -> None:
        if self.has_cursor:
            self.post_message(self.Chosen(self, self.cursor_key))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.rows) + 1

    def on_resize(self, _event: events.Resize) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        layout = fit(self.sized, width)
        if y == 0:
            style = self.get_component_rich_style("row-list--header")
            cells = [self.sized[i].title for i, _ in layout]
            return self._line(cells, layout, style, width)
        index = self.scroll_offset.y + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        row = self.rows[index]
        style = self.rich_style
        if row.tone is not None:
            style = style + self.get_component_rich_style(f"row-list--{row.tone}")
        if self.has_cursor and index == self.cursor:
            style = style + self.get_component_rich_style("row-list--cursor")
        return self._line([row.cells[i] for i, _ in layout], layout, style, width)

    @staticmethod
    def _line(cells: list[str], layout: list[tuple[int, int]], style, width: int) -> Strip:
        segments: list[Segment] = []
        for text, (_, size) in zip(cells, layout, strict=True):
            if cell_len(text) > size:
                text = set_cell_size(text, max(0, size - 1)) + "…"
            segments.append(Segment(set_cell_size(text, size), style))
            segments.append(Segment(" " * GAP, style))
        return Strip(segments).adjust_cell_length(width, style)
