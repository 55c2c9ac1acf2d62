"""80×24 as a designed size (issue 16): the main screen's columns, sidebar, key bar, cursor,
help, check boxes, undo of a cleared selection and copying from the grid."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.widgets import Label
from textual.widgets._footer import FooterKey

from mobitui.tui.screens.column_chooser import ColumnChooser
from mobitui.tui.screens.help import HelpScreen
from mobitui.tui.screens.main import MainScreen
from mobitui.tui.widgets.columns import layout
from mobitui.tui.widgets.device_grid import DeviceGrid
from mobitui.tui.widgets.group_tree import GroupTree, fit_label
from mobitui.tui.widgets.key_footer import KeyFooter
from mobitui.tui.widgets.step_checkbox import MarkedCheckbox, StepCheckbox
from tests.tui.helpers import loaded, make_app, shown, until


@pytest.fixture
def server(make_server):
    return make_server(fleet=60, seed=5)


def _keys(grid: DeviceGrid) -> list[str]:
    return [column.key for column, _ in layout(grid._width, grid.hidden)]


# ------------------------------------------------------------------ 1. columns


def test_the_serial_outlasts_the_user_and_the_enrollment() -> None:
    # 80 columns: the grid has 59 cells (a 20-cell sidebar, the scrollbar).
    keys = [column.key for column, _ in layout(59)]
    assert keys == ["check", "name", "os", "state", "serial"]
    assert "serial" in [column.key for column, _ in layout(79)]


async def test_80x24_shows_name_os_state_and_serial(server) -> None:
    app = make_app(server, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        grid = await loaded(pilot)
        assert _keys(grid)[:5] == ["check", "name", "os", "state", "serial"]
        header = grid.render_line(0).text
        assert "シリアル番号" in header


async def test_the_column_chooser_hides_a_column_for_the_session(server) -> None:
    app = make_app(server)
    async with app.run_test(size=(160, 50)) as pilot:
        grid = await loaded(pilot)
        assert "os" in _keys(grid)
        await pilot.press("c")
        await shown(pilot, ColumnChooser)
        await pilot.press("escape")  # nothing changes
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert grid.hidden == frozenset()
        await pilot.press("c")
        await shown(pilot, ColumnChooser)
        await pilot.pause()
        await pilot.press("space")  # the first choosable column: OS
        assert "[ ]" in str(app.screen.query_one("OptionList").get_option_at_index(0).prompt)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert grid.hidden == frozenset({"os"})
        assert "os" not in _keys(grid) and "OS" not in grid.render_line(0).text
        await pilot.press("c")
        await shown(pilot, ColumnChooser)
        await pilot.pause()
        await pilot.press("space", "enter")  # shown again
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert "os" in _keys(grid)


# ------------------------------------------------------------------ 2. sidebar


async def test_b_hides_the_sidebar_and_the_grid_takes_its_width(server) -> None:
    app = make_app(server)
    async with app.run_test(size=(80, 24)) as pilot:
        grid = await loaded(pilot)
        sidebar = app.screen.query_one("#sidebar")
        before = grid.size.width
        assert sidebar.display and sidebar.outer_size.width == 20
        await pilot.press("b")
        await pilot.pause()
        assert not sidebar.display
        assert grid.size.width == 80 and grid.size.width > before
        assert "user" in _keys(grid)
        await pilot.press("b")
        await pilot.pause()
        assert sidebar.display and grid.size.width == before


def test_a_long_group_name_is_cut_before_its_count() -> None:
    label = fit_label("株式会社みらい商事", " (3)", 12)
    assert label.plain.endswith("… (3)") and cell_len(label.plain) <= 12
    assert fit_label("営業", " (3)", 12).plain == "営業 (3)"


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (160, 50)])
async def test_every_count_in_the_tree_shows_whole(server, size) -> None:
    app = make_app(server, lang="ja")
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        tree = app.screen.query_one(GroupTree)
        lines = [tree.render_line(y).text.rstrip() for y in range(tree.size.height)]
        lines = [line for line in lines if line]
        assert len(lines) > 3
        assert all(line.endswith(")") for line in lines), lines


# ------------------------------------------------------------------ 3. key bar


def _bar(app) -> list[FooterKey]:
    return list(app.screen.query_one(KeyFooter).query(FooterKey))


def _whole(app) -> None:
    footer = app.screen.query_one(KeyFooter)
    right = footer.region.right
    for key in _bar(app):
        assert key.region.width > 0
        assert key.region.right <= right, (key.key_display, key.description)
        assert key.region.width >= cell_len(key.key_display) + cell_len(key.description)


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_80_columns_keep_the_keys_that_matter_most(server, lang) -> None:
    app = make_app(server, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.pause()
        keys = [key.key for key in _bar(app)]
        for wanted in ("space", "m", "question_mark", "q"):
            assert wanted in keys
        _whole(app)
        palette = [key for key in _bar(app) if key.has_class("-command-palette")]
        assert [key.description for key in palette] == ["コマンド" if lang == "ja" else "commands"]


async def test_a_wider_terminal_shows_more_keys(server) -> None:
    app = make_app(server, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.pause()
        narrow = len(_bar(app))
        await pilot.resize_terminal(160, 50)
        await until(pilot, lambda: len(_bar(app)) > narrow)
        await until(pilot, lambda: all(key.region.width for key in _bar(app)))
        _whole(app)


async def test_the_retirement_view_s_keys_show_whole(pinned_server) -> None:
    from tests.tui.test_retirement_view import a_group, open_view

    app = make_app(pinned_server, lang="ja")
    async with app.run_test(size=(110, 40)) as pilot:
        await loaded(pilot)
        await open_view(pilot, a_group(app))
        await pilot.pause()
        await pilot.pause()
        assert _bar(app)
        _whole(app)


# ------------------------------------------------------------------ 4. cursor


async def test_a_cold_start_in_pages_puts_the_cursor_on_row_1(make_server) -> None:
    server = make_server(fleet=1300, seed=8, max_page=500)
    app = make_app(server, cache_fleet=False)
    async with app.run_test(size=(100, 30)) as pilot:
        grid = await loaded(pilot)
        await until(pilot, lambda: app.loaded and len(grid.rows) == 1300)
        await pilot.pause()
        assert grid.cursor == 0
        assert grid.cursor_id == grid.rows[0]


async def test_the_focused_pane_is_marked(server) -> None:
    app = make_app(server)
    async with app.run_test(size=(100, 30)) as pilot:
        grid = await loaded(pilot)
        title = app.screen.query_one("#sidebar-title", Label)
        over_grid = app.screen.query_one("#group-title")
        assert grid.has_focus
        assert over_grid.rich_style.underline and not title.rich_style.underline
        app.screen.query_one(GroupTree).focus()
        await until(pilot, lambda: bool(title.rich_style.underline))
        assert title.rich_style.underline and not over_grid.rich_style.underline


# ------------------------------------------------------------------ 5. help


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_help_fits_says_how_to_close_and_esc_closes(server, size, lang) -> None:
    app = make_app(server, lang=lang)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")
        await shown(pilot, HelpScreen)
        await pilot.pause()
        body = app.screen.query_one("#help-body")
        dialog = app.screen.query_one(".dialog")
        assert dialog.region.right <= size[0] and dialog.region.bottom <= size[1]
        assert body.virtual_size.width <= body.scrollable_content_region.width  # wrapped
        hint = str(app.screen.query_one("#help-close", Label).render())
        assert "Esc" in hint
        if body.virtual_size.height > body.scrollable_content_region.height:
            assert "/" in hint.split("PgDn")[-1]  # the rows in view
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))


# ------------------------------------------------------------------ 6. check boxes


class _Boxes(App[None]):
    def compose(self) -> ComposeResult:
        yield StepCheckbox("agree", id="step")
        yield MarkedCheckbox("ja", id="plain")


@pytest.mark.parametrize("box_id", ["step", "plain"])
async def test_ticked_and_unticked_boxes_differ_by_character(monkeypatch, box_id) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = _Boxes()
    async with app.run_test(size=(40, 6)) as pilot:
        box = app.query_one(f"#{box_id}", MarkedCheckbox)
        off = box.render().plain
        box.focus()
        await pilot.press("space")
        assert box.value
        on = box.render().plain
        assert "✓" in on and "✓" not in off and "X" not in off and on != off


# ------------------------------------------------------------------ 7. undo a cleared selection


async def test_esc_clears_many_check_marks_and_u_brings_them_back(server) -> None:
    app = make_app(server, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        grid = await loaded(pilot)
        await pilot.press("ctrl+a")
        checked = set(app.fleet.checked)
        assert len(checked) > 20
        await pilot.press("escape")
        assert app.fleet.checked == set()
        status = str(app.screen.query_one("#status").render())
        assert "u で元に戻す" in status
        await pilot.press("u")
        assert app.fleet.checked == checked
        assert grid.rows
        await pilot.press("u")  # nothing left to restore: said, nothing changes
        assert app.fleet.checked == checked


# ------------------------------------------------------------------ 8. copy


async def test_y_copies_the_serial_and_shift_y_the_id(server, monkeypatch) -> None:
    app = make_app(server)
    copied: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        grid = await loaded(pilot)
        monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
        device = app.fleet.devices[grid.cursor_id]
        await pilot.press("y")
        await pilot.press("Y")
        assert copied == [device.serial, device.id]
        assert device.id in str(app.screen.query_one("#status").render())
