"""「グループへ移動」 (g): type part of a group's name, Enter opens it in the grid; the grid's title
names the open group. Pilot against a real reference server on loopback."""

from __future__ import annotations

import sqlite3

import pytest

from mobitui.tui.screens.main import GroupTitle, JumpBox
from mobitui.tui.widgets.group_tree import GroupTree
from tests.tui.helpers import loaded, make_app, until


@pytest.fixture
def tui_server(make_server):
    return make_server(fleet=300, seed=3)


def _title(app) -> str:
    return str(app.main_screen.query_one(GroupTitle).render())


def _status(app) -> str:
    return str(app.main_screen.query_one("#status").render())


def _group_named(app, name: str) -> str:
    return next(g.id for g in app.fleet.groups.values() if g.name == name)


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_type_part_of_a_japanese_name_and_enter_opens_the_group(tui_server, lang) -> None:
    app = make_app(tui_server, lang=lang)
    async with app.run_test(size=(120, 40)) as pilot:
        grid = await loaded(pilot)
        assert _title(app) == ("すべての端末" if lang == "ja" else "All devices")
        dev = _group_named(app, "開発部")
        # Four keys, where the arrows took 22: g, 開, 発, Enter.
        await pilot.press("g", "開", "発")
        tree = app.main_screen.query_one(GroupTree)
        assert tree.cursor_node.data == dev  # 開発部 starts with it: before モバイル開発課
        assert app.main_screen.group is None  # moving the cursor opens nothing yet
        await pilot.press("enter")
        await until(pilot, lambda: app.main_screen.group == dev)
        await pilot.pause()
        assert grid.has_focus
        assert not app.main_screen.query_one(JumpBox).display
        assert grid.rows and all(app.fleet.devices[i].group_id == dev for i in grid.rows)
        assert _title(app) == "株式会社みらい商事 › 本社 › 開発部"
        # Another group opened the usual way renames the title.
        tree.focus()
        tree.move_cursor(tree.root)
        await pilot.press("enter")
        await until(pilot, lambda: app.main_screen.group is None)
        assert _title(app) == ("すべての端末" if lang == "ja" else "All devices")


async def test_down_steps_to_the_next_match_and_full_width_and_case_do_not_matter(
    tui_server,
) -> None:
    app = make_app(tui_server)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        tree = app.main_screen.query_one(GroupTree)
        await pilot.press("g", "開", "発", "down")
        assert tree.cursor_node.data == _group_named(app, "モバイル開発課")
        await pilot.press("down")  # round to the first again
        assert tree.cursor_node.data == _group_named(app, "開発部")
        await pilot.press("up")
        assert tree.cursor_node.data == _group_named(app, "モバイル開発課")
        await pilot.press("escape")
        # 「すべての端末」 typed as the English root "ALL" (case folded) is the root.
        await pilot.press("g", *"ALL")
        assert tree.cursor_node is tree.root
        # Half-width katakana folds (NFKC) to the full-width names.
        await pilot.press("escape", "g", *"ﾏｰｹ")
        assert tree.cursor_node.data == _group_named(app, "マーケティング部")


async def test_escape_puts_the_cursor_and_the_focus_back(tui_server) -> None:
    app = make_app(tui_server)
    async with app.run_test(size=(120, 40)) as pilot:
        grid = await loaded(pilot)
        tree = app.main_screen.query_one(GroupTree)
        before = tree.cursor_node
        await pilot.press("g", "大", "阪")
        assert tree.cursor_node.data == _group_named(app, "大阪支店")
        await pilot.press("escape")
        assert tree.cursor_node is before
        assert grid.has_focus
        assert not app.main_screen.query_one(JumpBox).display
        assert app.main_screen.group is None


async def test_japanese_typed_in_the_sidebar_starts_a_jump_and_letters_stay_keys(
    tui_server,
) -> None:
    app = make_app(tui_server)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        tree = app.main_screen.query_one(GroupTree)
        tree.focus()
        await pilot.press("福")
        box = app.main_screen.query_one(JumpBox)
        assert box.has_focus and box.value == "福"
        assert tree.cursor_node.data == _group_named(app, "福岡営業所")
        await pilot.press("enter")
        await until(pilot, lambda: app.main_screen.group == _group_named(app, "福岡営業所"))


async def test_no_match_leaves_the_cursor_and_says_so(tui_server) -> None:
    app = make_app(tui_server)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        tree = app.main_screen.query_one(GroupTree)
        await pilot.press("g", "大")
        osaka = tree.cursor_node
        assert osaka.data == _group_named(app, "大阪支店")
        await pilot.press(*"zq")
        assert tree.cursor_node is osaka
        assert "No group name contains “大zq”" in _status(app)
        box = app.main_screen.query_one(JumpBox)
        assert box.has_class("-none")
        await pilot.press("enter")  # nothing to open
        assert app.main_screen.group is None and box.has_focus
        await pilot.press("backspace", "backspace")
        assert "No group" not in _status(app) and not box.has_class("-none")


async def test_the_jump_shows_the_sidebar_on_a_narrow_terminal(tui_server) -> None:
    app = make_app(tui_server)
    async with app.run_test(size=(50, 24)) as pilot:
        await loaded(pilot)
        sidebar = app.main_screen.query_one("#sidebar")
        assert not sidebar.display
        await pilot.press("g")
        await pilot.pause()
        assert app.main_screen.query_one(JumpBox).region.width > 0
        await pilot.press("開", "enter")
        await until(pilot, lambda: app.main_screen.group == _group_named(app, "開発部"))
        await pilot.pause()
        assert app.main_screen.query_one(JumpBox).region.width == 0
        assert "開発部" in _title(app)


async def test_a_hostile_group_name_is_shown_inert(make_server) -> None:
    server = make_server(fleet=60, seed=3)
    hostile = "開発部\x1b]0;pwned\x07[b]x[/b]"
    with sqlite3.connect(server.config.db_path) as db:
        db.execute("UPDATE groups SET name = ? WHERE name = '開発部'", (hostile,))
    app = make_app(server)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("g", "開", "発", "enter")
        await until(pilot, lambda: app.main_screen.group is not None)
        await pilot.pause()
        title = _title(app)
        assert "\x1b" not in title and "\x07" not in title
        assert title.endswith("開発部␛]0;pwned␇[b]x[/b]")
        assert "\x1b" not in app.export_screenshot().replace("\x1b[", "")
