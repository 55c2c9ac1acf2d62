"""The device grid: a virtual list on Textual's Line API that renders only the rows on screen.

``DataTable`` needs seconds to first paint 100k rows; this grid's cost per frame grows with the
terminal, not the fleet. Rows are device ids from the fleet cache's view; a line is built from
plain ``Segment`` text, so a device named ``[@click=app.quit]x`` is shown literally and never
parsed as markup (control characters were already made visible by the API client).

The cursor follows a device, not a row number: when the view changes (a filter, a live update,
a new sort) the cursor stays on the same device if it is still shown, else on the row where it
was, clamped (:func:`mobitui.fleet.view.follow`).

The cursor highlights its whole row in the ``device-grid--cursor`` style (dimmer while the
grid has not the focus, so the pane that has it shows), and a ``>`` marks it (so it is found
without colour too: NO_COLOR, TERM=linux). Over SSH every byte counts: a terminal cannot
recolour a cell without its character being written again, so a move rewrites the two rows.
Each is one run of colour codes (the row under the cursor in the cursor's style alone, its
state colours included), so a move costs about two rows of text and little else: a quarter of
what a ``DataTable`` with a row cursor writes for the same move (the bench's baseline). A move
repaints only those two rows (``_refresh_row``). Each line is handed to Textual with adjacent
same-style segments joined, because every segment is written with its own colour codes: a page
of rows then costs about half the bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from mobitui.domain.models import Device, DeviceState
from mobitui.fleet.cache import Fleet, SortKey
from mobitui.fleet.view import View, follow
from mobitui.i18n import Catalogue
from mobitui.tui.bindings import localise
from mobitui.tui.widgets.columns import GAP, OS_GLYPH, Column, layout

#: Rendered lines kept for reuse (a few screens' worth).
LINE_CACHE = 1024
#: Between two chunks of counting a view's rows (seconds): frames and keys go first.
COUNT_PAUSE = 0.001
#: Counting starts once the view has stayed the same this long (seconds): while the admin
#: types, each key's rows come first and no count for a query already gone competes.
COUNT_AFTER = 0.15
CHECK = "✓"
#: The cursor marker, ASCII so it is one cell wide in every terminal and locale.
MARKER = ">"
#: Cells of the check column: the cursor marker and the check mark.
GUTTER = 2


class DeviceGrid(ScrollView, can_focus=True):
    """One row per device; Space checks, Shift+↑/↓ extends, Enter opens the detail."""

    BINDINGS = [
        Binding("up,k", "cursor_up", "↑", show=False, id="grid.up"),
        Binding("down,j", "cursor_down", "↓", show=False, id="grid.down"),
        Binding("pageup", "page_up", "PgUp", show=False, id="grid.page_up"),
        Binding("pagedown", "page_down", "PgDn", show=False, id="grid.page_down"),
        Binding("home", "first", "Home", show=False, id="grid.home"),
        Binding("end", "last", "End", show=False, id="grid.end"),
        Binding("space", "toggle_check", "check", id="grid.check"),
        Binding("shift+up", "extend_up", "extend ↑", show=False, id="grid.extend_up"),
        Binding("shift+down", "extend_down", "extend ↓", show=False, id="grid.extend_down"),
        Binding("enter", "open", "detail", show=False, id="grid.open"),
        Binding("y", "copy_serial", "copy serial", show=False, id="grid.copy_serial"),
        Binding("Y", "copy_id", "copy id", show=False, id="grid.copy_id"),
    ]

    COMPONENT_CLASSES = {
        "device-grid--header",
        "device-grid--cursor",
        "device-grid--checked",
        "device-grid--inactive",
        "device-grid--pending",
    }

    DEFAULT_CSS = """
    DeviceGrid {
        background: $surface;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
    }
    DeviceGrid > .device-grid--header {
        text-style: bold;
        background: $panel;
    }
    DeviceGrid > .device-grid--cursor {
        background: $accent 30%;
    }
    DeviceGrid:focus > .device-grid--cursor {
        background: $accent;
        color: $text;
    }
    DeviceGrid > .device-grid--checked {
        color: $success;
        text-style: bold;
    }
    DeviceGrid > .device-grid--inactive {
        color: $text-disabled;
    }
    DeviceGrid > .device-grid--pending {
        color: $warning;
    }
    """

    class CursorMoved(Message):
        def __init__(self, device_id: str | None) -> None:
            super().__init__()
            self.device_id = device_id

    class Opened(Message):
        def __init__(self, device_id: str) -> None:
            super().__init__()
            self.device_id = device_id

    class ChecksChanged(Message):
        """The set of check marks changed through the grid."""

    class RowsCounted(Message):
        """The view is worked out to the end: how many rows it has is known now."""

    class CopyRequested(Message):
        """``y`` / ``Y``: copy the cursor device's serial / id (the screen copies and says so)."""

        def __init__(self, device_id: str, what: str) -> None:
            super().__init__()
            self.device_id = device_id
            self.what = what

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    def __init__(self, fleet: Fleet, catalogue: Catalogue, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.fleet = fleet
        self.t = catalogue
        #: A view of the fleet, worked out as far as drawing needed; the rest in steps.
        self.rows: View = View.of([])
        self._counting: Timer | None = None
        self.sort: SortKey = SortKey.NAME
        self.descending = False
        self._styles: _Styles | None = None
        self._lines: dict[tuple[object, ...], tuple[Device, Strip]] = {}
        #: Columns the admin hid with the column chooser (kept for the session).
        self.hidden: frozenset[str] = frozenset()
        #: The admin moved the cursor (a key or a click): until then a new load starts on row 1.
        self.touched = False
        localise(self, catalogue)

    # ------------------------------------------------------------------ data

    @property
    def cursor_id(self) -> str | None:
        if self.cursor < 0 or self.cursor >= self.rows.available(self.cursor + 1):
            return None
        return self.rows[self.cursor]

    def set_rows(self, rows: Sequence[str], *, top: bool = False) -> None:
        """Show ``rows`` (device ids, in order), keeping the cursor on the same device, or,
        with ``top``, on the first row (a new filter query: its first match is what is wanted,
        not wherever in the matches the old device happens to be).

        A :class:`View` is worked out only as far as the screen needs; the grid finishes it in
        steps between events and then posts :class:`RowsCounted`.
        """
        view = rows if isinstance(rows, View) else View.of(rows)
        keep = None if top else self.cursor_id  # from the old view: the device it showed
        row = 0 if top else self.cursor
        self.rows = view
        # A neighbour: the same device if still shown, else the row where it was, clamped.
        index = follow(view, keep, row)
        self._sync_height()
        self._move(index, refresh_all=True)
        if self._counting is not None:
            self._counting.stop()
            self._counting = None
        if not view.complete:
            self._counting = self.set_timer(COUNT_AFTER, partial(self._count_step, view))

    def _count_step(self, view: View) -> None:
        """Work out one more chunk of the view, then let the frame and the next key go first.

        A timer, not ``call_later``: a message queue that is never empty never yields to the
        screen's refresh, and the rows typed for would wait for the count.
        """
        if view is not self.rows:
            return  # another view replaced it; its own count is on its way
        if not view.step():
            self._counting = self.set_timer(COUNT_PAUSE, partial(self._count_step, view))
            return
        self._counting = None
        self._sync_height()
        self.post_message(self.RowsCounted())

    @property
    def counted(self) -> int | None:
        """The number of rows, once the view is worked out."""
        return len(self.rows) if self.rows.complete else None

    def _sync_height(self) -> None:
        shown = len(self.rows) if self.rows.complete else self.rows.known
        self.virtual_size = Size(self.size.width, shown + 1)

    # ------------------------------------------------------------------ rendering

    @property
    def _width(self) -> int:
        """Cells available to a line: the widget less its vertical scrollbar."""
        return self.scrollable_content_region.width

    def render_lines(self, crop: Region) -> list[Strip]:
        # ``rich_style`` walks the DOM for inherited colours each time it is read: work out the
        # styles once per frame, not once per cell (it was most of a frame's cost).
        self._styles = _Styles.of(self)
        try:
            return super().render_lines(crop)
        finally:
            self._styles = None

    def render_line(self, y: int) -> Strip:
        width = self._width
        if y == 0:
            return self._header(width)
        index = self.scroll_offset.y + y - 1
        styles = self._styles or _Styles.of(self)
        if index >= self.rows.available(index + 1):
            return Strip.blank(width, styles.base)
        device = self.fleet.devices.get(self.rows[index])
        if device is None:
            return Strip.blank(width, styles.base)
        return self._row(device, index == self.cursor, width, styles)

    def _header(self, width: int) -> Strip:
        style = (self._styles or _Styles.of(self)).header
        segments: list[Segment] = []
        for column, cells in layout(width, self.hidden):
            title = self.t(column.title_key)
            if column.sort is not None and column.sort is self.sort:
                title += " ▼" if self.descending else " ▲"
            segments.append(Segment(set_cell_size(title, cells), style))
            segments.append(Segment(" " * GAP, style))
        return Strip(Segment.simplify(segments)).adjust_cell_length(width, style)

    def _row(self, device: Device, at_cursor: bool, width: int, styles: _Styles) -> Strip:
        checked = device.id in self.fleet.checked
        # A line depends on the device record (a new object when it changes), the width, the
        # cursor, the check mark and the styles: reuse it while none of them changed. Typing a
        # filter, a change-feed refresh or scrolling back redraws mostly the same devices.
        key = (device.id, width, at_cursor, checked, styles, self.hidden)
        cached = self._lines.get(key)
        if cached is not None and cached[0] is device:
            return cached[1]
        segments: list[Segment] = []
        for column, cells in layout(width, self.hidden):
            if column.key == "check":
                mark = (MARKER if at_cursor else " ") + (CHECK if checked else "·")
                style = styles.checked if checked else styles.base
                segments.append(Segment(set_cell_size(mark, cells), style))
            else:
                segments.append(self._cell(column, device, cells, styles))
            segments.append(Segment(" " * GAP, styles.base))
        if at_cursor:
            # The whole row in the cursor's style: one run of colour codes (the module's
            # docstring), the check mark told by its character.
            text = "".join(segment.text for segment in segments)
            segments = [Segment(text, styles.cursor)]
        fill = styles.cursor if at_cursor else styles.base
        strip = Strip(Segment.simplify(segments)).adjust_cell_length(width, fill)
        if len(self._lines) >= LINE_CACHE:
            self._lines.clear()
        self._lines[key] = (device, strip)
        return strip

    def _text(self, column: Column, device: Device, cells: int) -> str:
        """What ``column`` shows of ``device`` in ``cells`` cells (cut with "…" when longer)."""
        text = column.cell(device, self.t)
        if cell_len(text) > cells:
            text = set_cell_size(text, max(0, cells - 1)) + "…"
        return set_cell_size(text, cells)

    def _cell(self, column: Column, device: Device, cells: int, styles: _Styles) -> Segment:
        style = styles.base
        if column.key == "os" and device.state is DeviceState.INACTIVE:
            # As the console greys the OS icon of an inactive device.
            style = styles.inactive
        elif column.key == "state" and device.state is DeviceState.INACTIVATION_PENDING:
            style = styles.pending
        elif column.key == "state" and device.state is DeviceState.INACTIVE:
            style = styles.inactive
        return Segment(self._text(column, device, cells), style)

    # ------------------------------------------------------------------ cursor

    def _page(self) -> int:
        return max(1, self.size.height - 1)

    def _move(self, index: int, refresh_all: bool = False) -> None:
        old = self.cursor
        shown = self.rows.available(max(0, index) + 1)
        index = max(0, min(index, shown - 1)) if shown else 0
        if not self.rows.complete:
            self._sync_height()  # the rows worked out to reach ``index`` must be scrollable
        self.cursor = index
        top = self.scroll_offset.y
        page = self._page()
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
            refresh_all = True
        elif index >= top + page:
            self.scroll_to(y=index - page + 1, animate=False, immediate=True)
            refresh_all = True
        if refresh_all:
            self.refresh()
        elif old != index:
            self._refresh_row(old)
            self._refresh_row(index)
        if old != index or refresh_all:
            self.post_message(self.CursorMoved(self.cursor_id))

    def watch_scroll_y(self, old: float, new: float) -> None:
        # Mouse-wheel scrolling moves the viewport; keep the cursor inside it.
        super().watch_scroll_y(old, new)
        top = round(new)
        page = self._page()
        shown = self.rows.available(top + page)
        if shown and not top <= self.cursor < top + page:
            self.cursor = max(top, min(self.cursor, top + page - 1, shown - 1))
            self.post_message(self.CursorMoved(self.cursor_id))

    def _moved_by_admin(self, index: int) -> None:
        self.touched = True
        self._move(index)

    def action_cursor_up(self) -> None:
        self._moved_by_admin(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self._moved_by_admin(self.cursor + 1)

    def action_page_up(self) -> None:
        self._moved_by_admin(self.cursor - self._page())

    def action_page_down(self) -> None:
        self._moved_by_admin(self.cursor + self._page())

    def action_first(self) -> None:
        self._moved_by_admin(0)

    def action_last(self) -> None:
        self._moved_by_admin(len(self.rows) - 1)  # works the view out to its end

    def set_hidden(self, hidden: frozenset[str]) -> None:
        """Hide the columns ``hidden`` (keys), show the others that fit."""
        if hidden != self.hidden:
            self.hidden = hidden
            self._lines.clear()
            self.refresh()

    # ------------------------------------------------------------------ check marks

    def _refresh_gutter(self, index: int) -> None:
        """Repaint only the marker and check cells of row ``index`` (when on screen)."""
        self.refresh(Region(0, index + 1 - self.scroll_offset.y, GUTTER, 1))

    def _refresh_row(self, index: int) -> None:
        """Repaint row ``index`` (when on screen): the cursor left it or came to it."""
        if 0 <= index < self.rows.available(index + 1):
            self.refresh(Region(0, index + 1 - self.scroll_offset.y, self._width, 1))

    def action_toggle_check(self) -> None:
        device_id = self.cursor_id
        if device_id is None:
            return
        self.fleet.toggle(device_id)
        self._refresh_gutter(self.cursor)
        self.post_message(self.ChecksChanged())

    def _extend(self, step: int) -> None:
        device_id = self.cursor_id
        if device_id is None:
            return
        self.fleet.check([device_id])
        self._refresh_gutter(self.cursor)
        self._move(self.cursor + step)
        if (moved := self.cursor_id) is not None:
            self.fleet.check([moved])
            self._refresh_gutter(self.cursor)
        self.post_message(self.ChecksChanged())

    def action_extend_up(self) -> None:
        self._extend(-1)

    def action_extend_down(self) -> None:
        self._extend(+1)

    def action_open(self) -> None:
        if (device_id := self.cursor_id) is not None:
            self.post_message(self.Opened(device_id))

    def action_copy_serial(self) -> None:
        if (device_id := self.cursor_id) is not None:
            self.post_message(self.CopyRequested(device_id, "serial"))

    def action_copy_id(self) -> None:
        if (device_id := self.cursor_id) is not None:
            self.post_message(self.CopyRequested(device_id, "id"))

    # ------------------------------------------------------------------ mouse

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            self._sort_by_header(event.x)
            return
        index = self.scroll_offset.y + event.y - 1
        if 0 <= index < self.rows.available(index + 1):
            self._moved_by_admin(index)
            if event.chain == 2:
                self.action_open()

    def _sort_by_header(self, x: int) -> None:
        left = 0
        for column, cells in layout(self._width, self.hidden):
            if left <= x < left + cells + GAP and column.sort is not None:
                self.post_message(SortRequested(column.sort))
                return
            left += cells + GAP

    def on_resize(self, _event: events.Resize) -> None:
        self._sync_height()
        self.refresh()


@dataclass(frozen=True, slots=True)
class _Styles:
    """The grid's styles for one frame."""

    base: Style
    header: Style
    cursor: Style
    checked: Style
    inactive: Style
    pending: Style

    @classmethod
    def of(cls, grid: DeviceGrid) -> _Styles:
        base = grid.rich_style
        part = grid.get_component_rich_style
        header = part("device-grid--header")
        cursor = base + part("device-grid--cursor")
        checked = part("device-grid--checked")
        inactive = part("device-grid--inactive")
        pending = part("device-grid--pending")
        return cls(
            base=base,
            header=header,
            cursor=cursor,
            checked=base + checked,
            inactive=base + inactive,
            pending=base + pending,
        )


class SortRequested(Message):
    """A column header was clicked."""

    def __init__(self, key: SortKey) -> None:
        super().__init__()
        self.key = key


__all__ = ["OS_GLYPH", "DeviceGrid", "SortRequested"]
