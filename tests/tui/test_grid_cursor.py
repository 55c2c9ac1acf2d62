"""The grid's cursor: its whole row lit, read from the strips the grid renders (what Textual
writes to the terminal), and the rows a move repaints."""

from __future__ import annotations

import pytest
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip

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


async def test_the_cursor_row_is_lit_whole(grid_server) -> None:
    """Issue 16: the whole row is highlighted (before: a bar over the marker, the check mark
    and the name, so the serial and the state of the device under the cursor were not)."""
    app = make_app(grid_server)
    async with app.run_test(size=(120, 40)) as pilot:
        grid = await loaded(pilot)
        await pilot.press("down", "down")
        assert grid.cursor == 2
        above, lit, below = (_line(grid, index) for index in (1, 2, 3))
        device = app.fleet.devices[grid.cursor_id]

        # Without colour: the marker on the cursor row only.
        assert lit.text.startswith(MARKER)
        assert not above.text.startswith(MARKER)
        assert not below.text.startswith(MARKER)
        assert device.name in lit.text and device.serial in lit.text

        # The whole row in one style (one run of colour codes), to the last cell ...
        cursor = _style_at(lit, 0)
        assert cursor is not None
        assert {_style_at(lit, x) for x in range(grid._width)} == {cursor}
        # ... and a background neither neighbour has anywhere on its line.
        for neighbour in (above, below):
            assert cursor.bgcolor not in _bgs(neighbour)

        # Moving on: the row it left is drawn as a plain row again.
        await pilot.press("down")
        left = _line(grid, 2)
        assert not left.text.startswith(MARKER)
        assert cursor.bgcolor not in _bgs(left)
        assert _line(grid, 3).text.startswith(MARKER)


async def test_the_cursor_is_dimmer_when_the_grid_has_not_the_focus(grid_server) -> None:
    """Which pane has the focus shows on the cursor row."""
    app = make_app(grid_server)
    async with app.run_test(size=(120, 40)) as pilot:
        grid = await loaded(pilot)
        assert grid.has_focus
        focused = _style_at(_line(grid, grid.cursor), 0)
        await pilot.press("shift+tab")
        await pilot.pause()
        assert not grid.has_focus
        unfocused = _style_at(_line(grid, grid.cursor), 0)
        assert focused is not None and unfocused is not None
        assert focused.bgcolor != unfocused.bgcolor


async def test_a_move_repaints_only_the_two_rows(grid_server, monkeypatch) -> None:
    """The bytes a ↓ costs over SSH: the row left and the row reached, nothing else (bench's
    "bytes per ↓")."""
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
        await pilot.press("down")
        assert regions == [Region(0, 2, grid._width, 1), Region(0, 3, grid._width, 1)]
