"""The main screen and its grid under change-feed deltas, through the real app and server.

Another client retires devices while the admin has a group open: the grid must follow, with
the cursor on a neighbour (see ``mobitui.fleet.view.follow``), never crash.
"""

from __future__ import annotations

import uuid

import httpx

from mobitui.tui.widgets.device_grid import DeviceGrid
from mobitui.tui.widgets.group_tree import GroupTree
from tests.tui.helpers import admin_token, loaded, make_app, shown, until


def force_and_delete(server, ids: list[str]) -> None:
    """端末一括強制インアクティベーション with 「有効」 (delete after), as another client."""
    answer = httpx.post(
        f"{server.api_url}/forced-inactivations",
        json={
            "device_ids": ids,
            "delete_after": True,
            "password": "demo-admin-pass",
            "agree": True,
        },
        headers={
            "Authorization": f"Bearer {admin_token(server)}",
            "Idempotency-Key": str(uuid.uuid4()),
        },
    )
    assert answer.status_code == 200, answer.text


async def open_group(pilot, group: str) -> DeviceGrid:
    """Choose ``group`` in the sidebar by keyboard (its node under the tree's cursor, Enter)."""
    app = pilot.app
    tree = app.main_screen.query_one(GroupTree)
    node = next(n for n in _nodes(tree.root) if n.data == group)
    tree.focus()
    tree.move_cursor(node)
    await pilot.pause()
    await pilot.press("enter")
    grid = app.main_screen.query_one(DeviceGrid)
    await until(pilot, lambda: grid.has_focus and app.main_screen.group == group)
    return grid


def _nodes(node):
    yield node
    for child in node.children:
        yield from _nodes(child)


def biggest_group(app) -> str:
    return max(app.fleet.per_group, key=lambda g: (app.fleet.per_group[g], g))


async def test_the_device_under_the_cursor_deleted_elsewhere_while_a_group_is_open(
    make_server,
) -> None:
    """Issue 13, finding 7: the crash at the end of a retirement, exactly as it happened."""
    server = make_server(fleet=300, seed=3)
    app = make_app(server)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        group = biggest_group(app)
        grid = await open_group(pilot, group)
        rows = list(grid.rows)
        assert len(rows) >= 4
        await pilot.press("down", "down")
        victim = grid.cursor_id
        assert victim == rows[2]
        force_and_delete(server, [victim])
        await pilot.press("r")
        await until(pilot, lambda: victim not in app.fleet.devices)
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert list(grid.rows) == [i for i in rows if i != victim]
        # The row where it was: now its next neighbour.
        assert grid.cursor == 2 and grid.cursor_id == rows[3]


async def test_another_client_retires_the_whole_open_group_while_the_feed_runs(
    make_server,
) -> None:
    """Open a group, check all, another admin deletes them all; the change feed (polling on
    its own, every 0.2 s) removes every device of the open group, and the app carries on."""
    server = make_server(fleet=300, seed=3)
    app = make_app(server, poll_seconds=0.2)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        group = biggest_group(app)
        grid = await open_group(pilot, group)
        members = list(grid.rows)
        await pilot.press("ctrl+a", "end", "up")  # every one checked, the cursor near the end
        assert app.fleet.checked == set(members)
        force_and_delete(server, members)
        await until(pilot, lambda: not set(members) & app.fleet.devices.keys(), tries=500)
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert list(grid.rows) == [] and grid.cursor == 0 and grid.cursor_id is None
        assert app.fleet.checked == set()
        assert app.main_screen.group == group
        status = str(app.main_screen.query_one("#status").render())
        assert f"{len(members)} checked" in status and "deleted elsewhere" in status
        # The empty group still takes every key without failing.
        await pilot.press("down", "space", "shift+down", "enter", "ctrl+a", "v", "o", "O")
        await pilot.press("slash", *"ab", "enter", "escape", "home", "end", "pagedown")
        await pilot.pause()
        assert app.is_running and list(grid.rows) == []


async def test_the_apps_own_deletion_of_a_department_then_the_feed_removes_it(make_server) -> None:
    """The journey of the report: 端末一括削除 of a department, from its open group in the
    app; after the run the change feed removes the devices under the cursor and the marks."""
    from mobitui.domain.models import DeviceState
    from mobitui.tui.screens.bulk.deletion import DeletionScreen
    from tests.tui.helpers import confirm, finished, press_ok

    server = make_server(fleet=300, seed=3)
    app = make_app(server)
    async with app.run_test(size=(110, 45)) as pilot:
        await loaded(pilot)
        group = biggest_group(app)
        members = [i for i, d in app.fleet.devices.items() if d.group_id == group]
        # The department was force-inactivated earlier: every device now inactive.
        answer = httpx.post(
            f"{server.api_url}/forced-inactivations",
            json={"device_ids": members, "password": "demo-admin-pass", "agree": True},
            headers={
                "Authorization": f"Bearer {admin_token(server)}",
                "Idempotency-Key": str(uuid.uuid4()),
            },
        )
        assert answer.status_code == 200, answer.text
        await pilot.press("r")
        inactive = DeviceState.INACTIVE
        await until(pilot, lambda: all(app.fleet.devices[i].state is inactive for i in members))
        grid = await open_group(pilot, group)
        await pilot.press("ctrl+a", "down", "down")
        assert app.fleet.checked == set(members)
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("down", "down", "enter")
        await shown(pilot, DeletionScreen)
        screen = app.screen
        await confirm(pilot)
        await press_ok(pilot)
        await finished(pilot)
        await until(pilot, lambda: not set(members) & app.fleet.devices.keys())
        await pilot.press("escape")  # close the result
        await until(pilot, lambda: app.screen is app.main_screen)
        assert screen.state.counts()
        assert app.is_running and app.return_code is None
        assert list(grid.rows) == [] and grid.cursor_id is None and app.fleet.checked == set()


def _renaming_gateway(make_gateway, server):
    """The real server behind a gateway that, when told, adds changed records of devices to
    the next change-feed answer (a rename or a group move made elsewhere, as the feed says)."""
    pending: list[dict] = []

    def answer(method: str, path: str, status: int, data):
        if method == "GET" and path.endswith("/devices/changes") and pending:
            data = {**data, "changes": [*data["changes"], *pending]}
            pending.clear()
        return data

    return make_gateway(server, answer=answer), pending


async def test_a_rename_moves_the_cursor_device_and_the_cursor_goes_with_it(
    make_server, make_gateway
) -> None:
    server = make_server(fleet=300, seed=3)
    gateway, pending = _renaming_gateway(make_gateway, server)
    app = make_app(gateway)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        grid = await open_group(pilot, biggest_group(app))
        await pilot.press("down", "down")
        moved = grid.cursor_id
        record = app.fleet.devices[moved].to_json()
        pending.append({**record, "name": "0000 first of all"})  # name order: to the top
        await pilot.press("r")
        await until(pilot, lambda: app.fleet.devices[moved].name == "0000 first of all")
        await pilot.pause()
        assert app.is_running
        assert grid.rows[0] == moved
        assert grid.cursor_id == moved and grid.cursor == 0


async def test_a_group_move_takes_the_cursor_device_out_and_the_cursor_stays_on_its_row(
    make_server, make_gateway
) -> None:
    server = make_server(fleet=300, seed=3)
    gateway, pending = _renaming_gateway(make_gateway, server)
    app = make_app(gateway)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        group = biggest_group(app)
        grid = await open_group(pilot, group)
        rows = list(grid.rows)
        await pilot.press("down", "down")
        moved = grid.cursor_id
        other = next(g for g in app.fleet.groups if g != group and app.fleet.per_group[g])
        pending.append({**app.fleet.devices[moved].to_json(), "group_id": other})
        await pilot.press("r")
        await until(pilot, lambda: app.fleet.devices[moved].group_id == other)
        await pilot.pause()
        assert app.is_running
        assert list(grid.rows) == [i for i in rows if i != moved]
        assert grid.cursor == 2 and grid.cursor_id == rows[3]
