"""The main screen driven by keyboard with Pilot, against a real reference server on loopback."""

from __future__ import annotations

import uuid
from dataclasses import replace

import httpx
import pytest

from mobitui.domain.models import DeviceState
from mobitui.fleet.cache import SortKey, haystack
from mobitui.tui.screens.action_menu import ActionMenu
from mobitui.tui.screens.detail import DetailScreen
from mobitui.tui.screens.login import LoginScreen
from mobitui.tui.widgets.group_tree import GroupTree
from tests.tui.helpers import admin_token, loaded, make_app, shown, until


@pytest.fixture
def tui_server(make_server):
    return make_server(fleet=300, seed=3)


async def test_move_check_range_and_clear(tui_server) -> None:
    app = make_app(tui_server)
    async with app.run_test(size=(100, 30)) as pilot:
        grid = await loaded(pilot)
        assert len(grid.rows) == 300
        first, second, third = grid.rows[:3]
        await pilot.press("space")
        assert app.fleet.checked == {first}
        await pilot.press("down", "shift+down")
        assert app.fleet.checked == {first, second, third}
        assert grid.cursor_id == third
        await pilot.press("space")  # uncheck the device under the cursor
        assert app.fleet.checked == {first, second}
        await pilot.press("j", "j", "k")
        assert grid.cursor == 3
        await pilot.press("escape")
        assert app.fleet.checked == set()


async def test_filter_then_check_all_checks_only_what_is_shown(tui_server) -> None:
    app = make_app(tui_server)
    async with app.run_test(size=(100, 30)) as pilot:
        grid = await loaded(pilot)
        await pilot.press("slash", *"ipad")
        await pilot.pause()
        shown = list(grid.rows)
        assert 0 < len(shown) < 300
        assert all(
            "ipad" in " ".join((d.name, d.serial, d.user_name, d.phone_number)).casefold()
            for d in (app.fleet.devices[i] for i in shown)
        )
        await pilot.press("enter", "ctrl+a")
        assert app.fleet.checked == set(shown)
        await pilot.press("escape")  # clears the filter, keeps the check marks
        assert len(grid.rows) == 300
        assert app.fleet.checked == set(shown)
        await pilot.press("v")  # only the checked ones
        assert set(grid.rows) == set(shown)
        await pilot.press("escape", "escape")  # leave "checked only", then clear the marks
        assert app.fleet.checked == set()


async def test_a_filtered_view_shows_its_rows_first_and_its_count_when_worked_out(
    make_server,
) -> None:
    server = make_server(fleet=3000, seed=5)
    app = make_app(server)
    async with app.run_test(size=(100, 30)) as pilot:
        grid = await loaded(pilot)
        grid.set_rows(app.fleet.view(replace(app.main_screen.spec, query="e")))
        assert not grid.rows.complete and grid.counted is None  # only what the screen needs
        assert grid.rows.known >= 29
        await pilot.press("slash", "e")
        await until(pilot, lambda: grid.counted is not None)
        await pilot.pause()
        expected = [
            i for i in app.fleet.order(SortKey.NAME) if "e" in haystack(app.fleet.devices[i])
        ]
        assert list(grid.rows) == expected and 300 < len(expected) < 3000
        status = str(app.main_screen.query_one("#status").render())
        assert f"{len(expected)} shown" in status


async def test_open_a_group_from_the_sidebar(tui_server) -> None:
    app = make_app(tui_server)
    async with app.run_test(size=(120, 40)) as pilot:
        grid = await loaded(pilot)
        tree = app.main_screen.query_one(GroupTree)
        tree.focus()
        await pilot.press("down", "down", "enter")
        group = tree.cursor_node.data
        assert group is not None
        assert grid.has_focus
        assert grid.rows and all(app.fleet.devices[i].group_id == group for i in grid.rows)
        await pilot.press("s")  # include subgroups
        subtree = app.fleet.subtree(group)
        assert {app.fleet.devices[i].group_id for i in grid.rows} <= subtree
        expected = sum(1 for d in app.fleet.devices.values() if d.group_id in subtree)
        assert len(grid.rows) == expected


async def test_sort_cycles_and_reverses(tui_server) -> None:
    app = make_app(tui_server)
    async with app.run_test(size=(100, 30)) as pilot:
        grid = await loaded(pilot)
        names = [app.fleet.devices[i].name.casefold() for i in grid.rows]
        assert names == sorted(names)
        await pilot.press("o")  # next column: platform
        assert app.main_screen.spec.sort is SortKey.PLATFORM
        await pilot.press("o", "o")  # enrollment, then state
        assert app.main_screen.spec.sort is SortKey.STATE
        await pilot.press("O")
        states = [app.fleet.devices[i].state for i in grid.rows]
        order = [DeviceState.ACTIVE, DeviceState.INACTIVATION_PENDING, DeviceState.INACTIVE]
        assert [order.index(s) for s in states] == sorted(
            (order.index(s) for s in states), reverse=True
        )


async def test_live_deletion_of_a_checked_device_drops_its_mark(tui_server) -> None:
    app = make_app(tui_server)
    async with app.run_test(size=(100, 30)) as pilot:
        grid = await loaded(pilot)
        inactive = [i for i in grid.rows if app.fleet.devices[i].state is DeviceState.INACTIVE]
        victim = inactive[0]
        app.fleet.check([victim, grid.rows[0]])
        cursor_before = grid.cursor_id
        # Someone else deletes the device on the server.
        token = admin_token(tui_server)
        answer = httpx.post(
            f"{tui_server.api_url}/device-deletions",
            json={"device_ids": [victim], "password": "demo-admin-pass", "agree": True},
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
        )
        assert answer.status_code == 200, answer.text
        await pilot.press("r")
        await until(pilot, lambda: victim not in app.fleet.devices)
        await pilot.pause()
        assert victim not in app.fleet.checked
        assert app.fleet.checked == {grid.rows[0]} or victim == grid.rows[0]
        assert victim not in grid.rows
        assert grid.cursor_id == cursor_before or cursor_before == victim
        status = str(app.main_screen.query_one("#status").render())
        assert "deleted elsewhere" in status


async def test_expired_token_brings_login_back_and_keeps_state(tui_server) -> None:
    app = make_app(tui_server)
    async with app.run_test(size=(100, 30)) as pilot:
        grid = await loaded(pilot)
        await pilot.press("down", "down", "space", "slash", *"iphone", "enter")
        checked, rows, cursor = set(app.fleet.checked), list(grid.rows), grid.cursor_id
        # Expire every token: advance the server's simulated clock past the token lifetime.
        httpx.post(f"{tui_server.api_url}/sim/advance", json={"seconds": 9 * 3600})
        await pilot.press("r")
        await shown(pilot, LoginScreen)
        await pilot.press(*"wrong-password", "enter")
        await until(pilot, lambda: isinstance(app.screen, LoginScreen) and app.screen.message)
        assert "demo-admin-pass" not in str(app.screen.message)
        await pilot.press(*"demo-admin-pass", "enter")
        await until(pilot, lambda: not isinstance(app.screen, LoginScreen))
        await until(pilot, lambda: app.connection == "connected")
        assert app.fleet.checked == checked
        assert grid.rows == rows
        assert grid.cursor_id == cursor


@pytest.mark.parametrize("how", ["flag", "operator"])
async def test_read_only_disables_every_action(tui_server, how: str) -> None:
    if how == "flag":
        app = make_app(tui_server, read_only=True)
    else:
        app = make_app(tui_server, account="operator", demo_password="demo-operator-pass")
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        assert app.read_only
        assert "READ-ONLY" in str(app.main_screen.query_one("#topbar").render())
        await pilot.press("space", "m")
        await shown(pilot, ActionMenu)
        assert all(entry.reason for entry in app.screen.entries)
        options = app.screen.query_one("#actions")
        assert all(options.get_option_at_index(i).disabled for i in range(3))


async def test_enter_opens_the_device_detail(tui_server) -> None:
    app = make_app(tui_server, lang="ja")
    async with app.run_test(size=(100, 30)) as pilot:
        grid = await loaded(pilot)
        device = app.fleet.devices[grid.cursor_id]
        await pilot.press("enter")
        await shown(pilot, DetailScreen)
        assert app.screen.device == device
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, DetailScreen))


async def test_server_down_mid_session_is_shown_and_recovers(tui_server) -> None:
    app = make_app(tui_server)
    async with app.run_test(size=(100, 30)) as pilot:
        grid = await loaded(pilot)
        await pilot.press("space")
        tui_server.stop()
        await pilot.press("r")
        await until(pilot, lambda: app.connection == "disconnected", tries=1500)
        assert "disconnected" in str(app.main_screen.query_one("#topbar").render())
        assert app.fleet.checked == {grid.rows[0]}  # nothing lost
        assert app.is_running
        tui_server.start()
        await pilot.press("r")
        await until(pilot, lambda: app.connection == "connected", tries=1500)


async def test_the_first_page_shows_while_the_rest_loads_and_actions_wait(make_server) -> None:
    server = make_server(fleet=1300, seed=8, max_page=500)
    app = make_app(server, cache_fleet=False)
    seen: list[tuple[int, bool, int]] = []
    original = app.main_screen.fleet_loaded

    def recording() -> None:
        if app.fleet.devices:
            per_group = sum(app.fleet.per_group.values())  # what the tree's counts add up to
            seen.append((len(app.fleet.devices), app.loaded, per_group))
        original()

    app.main_screen.fleet_loaded = recording  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        grid = await loaded(pilot)
        # A first page on screen before the sync was done; the tree counts the server's
        # groups meanwhile, not the 200 devices loaded so far.
        assert seen[0] == (200, False, 1300)
        assert seen[-1] == (1300, True, 1300) and len(grid.rows) == 1300
        assert "(1300)" in str(app.main_screen.query_one(GroupTree).root.label)
        app.loaded = False  # as during a sync: the menu waits for the whole fleet
        await pilot.press("m")
        await pilot.pause()
        assert not isinstance(app.screen, ActionMenu)
        assert any("still loading" in str(n.message) for n in app._notifications)
        app.loaded = True
        await pilot.press("m")
        await shown(pilot, ActionMenu)


async def test_a_query_starts_at_its_first_match_and_clearing_it_keeps_the_device(
    tui_server,
) -> None:
    app = make_app(tui_server)
    async with app.run_test(size=(100, 30)) as pilot:
        grid = await loaded(pilot)
        await pilot.press("end")
        await pilot.press("slash", *"galaxy")
        await pilot.pause()
        assert grid.cursor == 0  # the first match, not the old device deep in the matches
        await pilot.press("enter", *["down"] * 2)
        chosen = grid.cursor_id
        await pilot.press("escape")  # clear the query: the full list, on the same device
        await pilot.pause()
        assert grid.cursor_id == chosen and grid.cursor == list(grid.rows).index(chosen)
        assert grid.cursor != 2  # not merely the same row number


async def test_the_main_screen_is_first_drawn_with_devices_in_it(make_server, monkeypatch) -> None:
    # Not an empty screen redrawn a moment later: the first frame shows the first page. A
    # server slower than FIRST_PAINT_HOLD gets the empty screen by design: held long here, so
    # a busy machine cannot make the test about the clock.
    monkeypatch.setattr("mobitui.tui.app.FIRST_PAINT_HOLD", 120.0)
    app = make_app(make_server(fleet=600, seed=3, max_page=250), cache_fleet=False)
    first_drawn: list[int] = []
    draw = app.main_screen._draw_fleet

    def recording() -> None:
        first_drawn.append(len(app.fleet.devices))
        draw()

    app.main_screen._draw_fleet = recording  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
    assert first_drawn[0] == 200  # the first page (FIRST_PAGE devices), not 0
