"""The grid's cursor: a bar over the marker, the check mark and the name, read from the strips
the grid renders (what Textual writes to the terminal), and the cells a move repaints."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip

from mobitui.tui.widgets.columns import GAP, layout
from mobitui.tui.widgets.device_grid import MARKER, DeviceGrid
from tests.tui.helpers import loaded, make_app


@pytest.fixture
def grid_server(make_server):
    return make_server(fleet=60, seed=5)


def _line(grid: DeviceGrid, index: int) -> Strip:
    """The rendered line of row ``index`` (on screen), as the compositor gets it."""
    y = index + 1 - grid.scroll_offset.y
    return grid.render_lines(Region(0, y, grid.size.width, 1))[0]


def _style_at(strip: Strip, x: int) -> Style | None:
    """The style of the cell at ``x``."""
    left = 0
    for segment in strip:
        if left <= x < left + segment.cell_length:
            return segment.style
        left += segment.cell_length
    raise IndexError(x)


def _bgs(strip: Strip) -> set[object]:
    """The background colours of a line."""
    return {segment.style.bgcolor if segment.style else None for segment in strip}


async def test_the_cursor_row_is_lit_over_its_marker_check_and_name(grid_server) -> None:
    app = make_app(grid_server)
    async with app.run_test(size=(120, 40)) as pilot:
        grid = await loaded(pilot)
        await pilot.press("down", "down")
        assert grid.cursor == 2
        above, lit, below = (_line(grid, index) for index in (1, 2, 3))
        (_check, gutter), (_name, cells) = layout(grid._width, grid.hidden)[:2]
        name = app.fleet.devices[grid.cursor_id].name
        assert cell_len(name) < cells  # shown whole, with room after it
        bar = gutter + GAP + cell_len(name) + 1  # the name and one cell after it

        # Without colour: the marker on the cursor row only.
        assert lit.text.startswith(MARKER)
        assert not above.text.startswith(MARKER)
        assert not below.text.startswith(MARKER)
        assert name in lit.text

        # The bar: one style (one run of colour codes) from the marker through the name.
        cursor = _style_at(lit, 0)
        assert cursor is not None
        assert {_style_at(lit, x) for x in range(bar)} == {cursor}
        # ... and a background neither neighbour has anywhere on its line.
        for neighbour in (above, below):
            assert cursor.bgcolor not in _bgs(neighbour)
            assert _style_at(neighbour, 0) != cursor
        # Past the bar the cursor row is drawn as its neighbours are.
        if bar < gutter + GAP + cells:
            assert _style_at(lit, bar) == _style_at(above, bar)
        assert _style_at(lit, gutter + GAP + cells + GAP) == _style_at(
            above, gutter + GAP + cells + GAP
        )

        # Moving on: the row it left is drawn as a plain row again.
        await pilot.press("down")
        left = _line(grid, 2)
        assert not left.text.startswith(MARKER)
        assert cursor.bgcolor not in _bgs(left)
        assert _line(grid, 3).text.startswith(MARKER)


async def test_a_move_repaints_only_the_two_bars(grid_server, monkeypatch) -> None:
    """The bytes a ↓ costs over SSH: the cells of the bar on the row left and the row reached,
    never whole lines (bench's "bytes per ↓")."""
    app = make_app(grid_server)
    async with app.run_test(size=(120, 40)) as pilot:
        grid = await loaded(pilot)
        await pilot.press("down")
        regions: list[Region] = []
        original = grid.refresh

        def spy(*regions_: Region, **kwargs: object) -> DeviceGrid:
            regions.extend(regions_)
            return original(*regions_, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(grid, "refresh", spy)
        old, new = (app.fleet.devices[grid.rows[i]].name for i in (1, 2))
        await pilot.press("down")
        (_check, gutter), (_name, cells) = layout(grid._width, grid.hidden)[:2]
        assert cell_len(old) < cells and cell_len(new) < cells
        assert regions == [
            Region(0, 2, gutter + GAP + cell_len(old) + 1, 1),
            Region(0, 3, gutter + GAP + cell_len(new) + 1, 1),
        ]
