"""Resizing the terminal while a dialog or another screen is open (a tmux pane split, an SSH
window dragged smaller): with Pilot, against a real reference server.

An admin half-way through a bulk dialog must not lose what was typed, nor the dialog itself,
because the window changed size; nor may a resize close a screen, push an error over it, move a
cursor or drop a check mark. Each screen is taken through 20×6, 300×100, 30×10 and 80×24 while
it is open; at every step the app must still run, with the same screen on top and nothing pushed
over it; then what the screen held is compared with what it held before. Last, a whole bulk
inactivation is run in a 30×12 terminal, reached by resizing with the dialog open.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
import pytest
from textual.command import CommandInput, CommandList, CommandPalette
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Checkbox, Input

from mobitui.domain.models import Device, DeviceState, Enrollment, Outcome, Platform
from mobitui.domain.operation import Ending
from mobitui.sim.server import BackgroundServer
from mobitui.tui.app import MobiApp
from mobitui.tui.screens.bulk.inactivation import InactivationScreen
from mobitui.tui.screens.checklist import ChecklistScreen, StepItem
from mobitui.tui.screens.detail import DetailScreen
from mobitui.tui.screens.help import HelpScreen
from mobitui.tui.screens.requests import RequestsScreen
from mobitui.tui.widgets.device_grid import DeviceGrid
from mobitui.tui.widgets.row_list import RowList
from tests.tui.helpers import (
    admin_token,
    confirm,
    finished,
    loaded,
    make_app,
    open_dialog,
    plain_active,
    press_ok,
    shown,
    until,
)

START = (100, 32)
#: Tiny, huge, small, ordinary: the order makes every screen shrink, grow and shrink again.
SIZES = ((20, 6), (300, 100), (30, 10), (80, 24))


@pytest.fixture
def frozen(make_server: Callable[..., BackgroundServer]) -> BackgroundServer:
    """A server whose simulated clock stands still: requests stay pending while a test runs."""
    return make_server(fleet=200, seed=3, speed=0.0)


def pick(app: MobiApp, count: int, test: Callable[[Device], bool]) -> list[str]:
    found = sorted(d.id for d in app.fleet.devices.values() if test(d))[:count]
    assert len(found) == count, f"the fleet has only {len(found)} such devices"
    return found


def hybrid(device: Device) -> bool:
    """A device whose inactivation needs on-device steps (so its checklist has steps)."""
    return (
        device.state is DeviceState.ACTIVE
        and device.platform is Platform.IOS
        and device.enrollment is Enrollment.HYBRID_MDM
        and not device.safari_restricted
    )


def request_inactivation(server: BackgroundServer, ids: list[str]) -> str:
    """Register an inactivation request through the server's API (as another admin would)."""
    answer = httpx.post(
        f"{server.api_url}/inactivations",
        json={
            "device_ids": ids,
            "remove_apple_mdm_profile": False,
            "scheduled_at": None,
            "password": "demo-admin-pass",
            "agree": True,
        },
        headers={
            "Authorization": f"Bearer {admin_token(server)}",
            "Idempotency-Key": str(uuid.uuid4()),
        },
    )
    assert answer.status_code == 202, answer.text
    return answer.json()["id"]


def screen_text(app: MobiApp) -> str:
    """What the top screen shows now, as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def resize_through(pilot: Pilot, screen: Screen) -> None:
    """Resize through :data:`SIZES`, pausing at each; the app runs, ``screen`` stays on top."""
    app = pilot.app
    depth = len(app.screen_stack)
    for width, height in SIZES:
        await pilot.resize_terminal(width, height)
        await pilot.pause(0.1)
        where = f"at {width}x{height}"
        assert app.is_running and app._exception is None, where
        assert app.size == (width, height), where
        assert app.screen is screen, f"{type(app.screen).__name__} on top {where}"
        assert len(app.screen_stack) == depth, f"{app.screen_stack} {where}"
        assert screen.size == (width, height), where


async def check_on_grid(pilot: Pilot) -> tuple[frozenset[str], str | None]:
    """Check the first and third rows by keyboard, leave the cursor on the fourth; returns
    (the check marks, the device under the cursor)."""
    grid = await loaded(pilot)
    grid.focus()
    await pilot.press("home", "space", "down", "down", "space", "down")
    await pilot.pause()
    checked = frozenset(pilot.app.fleet.checked)
    assert checked == {grid.rows[0], grid.rows[2]}
    return checked, grid.cursor_id


async def back_on_grid(pilot: Pilot, checked: frozenset[str], cursor: str | None) -> None:
    """Close the top screen with Esc: the grid is back, check marks and cursor untouched."""
    app = pilot.app
    await pilot.press("escape")
    await until(pilot, lambda: app.screen is app.main_screen)
    await pilot.pause()
    grid = app.main_screen.query_one(DeviceGrid)
    assert app.fleet.checked == checked
    assert grid.cursor_id == cursor
    assert f"{len(checked)} checked" in str(app.main_screen.query_one("#status").render())


async def test_bulk_dialog_keeps_password_and_agreement_through_resizes(
    frozen: BackgroundServer,
) -> None:
    app = make_app(frozen)
    async with app.run_test(size=START) as pilot:
        await loaded(pilot)
        ids = pick(app, 2, plain_active)
        screen = await open_dialog(pilot, ids, 0)
        assert isinstance(screen, InactivationScreen)
        await confirm(pilot)
        assert screen.reasons() == []
        focused = app.focused
        await resize_through(pilot, screen)
        assert screen.phase == "form"
        assert screen.query_one("#password", Input).value == "demo-admin-pass"
        assert screen.query_one("#agree", Checkbox).value is True
        assert screen.reasons() == []
        assert not screen.query_one("#ok").disabled
        assert app.focused is focused  # the keyboard is where the admin left it
        assert "Bulk inactivation" in screen_text(app)
        assert app.fleet.checked == set(ids)
        await back_on_grid(pilot, frozenset(ids), app.main_screen.query_one(DeviceGrid).cursor_id)
    assert app.operations.audit.entries() == []  # nothing was sent


async def test_requests_screen_keeps_its_cursor_through_resizes(frozen: BackgroundServer) -> None:
    app = make_app(frozen)
    async with app.run_test(size=START) as pilot:
        checked, cursor = await check_on_grid(pilot)
        first, second = pick(app, 2, plain_active)
        made = {request_inactivation(frozen, [first]), request_inactivation(frozen, [second])}
        await pilot.press("i")
        await shown(pilot, RequestsScreen)
        screen = app.screen
        assert isinstance(screen, RequestsScreen)
        await until(pilot, lambda: screen.requests is not None)
        assert made <= {r.id for r in screen.requests or ()}  # the seeded fleet has some too
        requests = screen.query_one("#requests", RowList)
        requests.focus()
        await pilot.press("down")
        await pilot.pause()
        chosen = requests.cursor_key
        assert chosen == requests.rows[1].key
        items = [r.cells for r in screen.query_one("#items", RowList).rows]
        assert len(items) == 1
        await resize_through(pilot, screen)
        assert requests.cursor_key == chosen
        assert [r.cells for r in screen.query_one("#items", RowList).rows] == items
        assert "Inactivation requests" in screen_text(app)
        await back_on_grid(pilot, checked, cursor)


async def test_checklist_keeps_ticks_and_focus_through_resizes(frozen: BackgroundServer) -> None:
    app = make_app(frozen)
    async with app.run_test(size=START) as pilot:
        await loaded(pilot)
        (device_id,) = pick(app, 1, hybrid)
        request_inactivation(frozen, [device_id])
        app.poll_now()
        await until(pilot, lambda: app.fleet.devices[device_id].inactivation is not None)
        app.fleet.checked.clear()
        app.fleet.check([device_id])
        app.main_screen.refresh_view()
        cursor = app.main_screen.query_one(DeviceGrid).cursor_id
        await pilot.press("w")
        await shown(pilot, ChecklistScreen)
        screen = app.screen
        assert isinstance(screen, ChecklistScreen)
        await until(pilot, lambda: bool(screen.query(StepItem)))
        await pilot.press("space", "space")  # tick two steps; focus moves to the third
        await pilot.pause()
        ticked = screen.progress().ticked
        assert len(ticked) == 2
        focused = app.focused
        assert isinstance(focused, StepItem) and focused.tick not in ticked
        await resize_through(pilot, screen)
        assert screen.current == device_id
        assert screen.progress().ticked == ticked
        assert [i.tick for i in screen.query(StepItem) if i.ticked] == sorted(ticked)
        assert app.focused is focused
        assert "2/" in screen.query_one("#todo", RowList).rows[0].cells[3]
        await back_on_grid(pilot, frozenset({device_id}), cursor)


async def test_detail_stays_open_on_the_same_device_through_resizes(
    frozen: BackgroundServer,
) -> None:
    app = make_app(frozen)
    async with app.run_test(size=START) as pilot:
        checked, cursor = await check_on_grid(pilot)
        await pilot.press("enter")
        await shown(pilot, DetailScreen)
        screen = app.screen
        assert isinstance(screen, DetailScreen) and screen.device.id == cursor
        await resize_through(pilot, screen)
        assert screen.device.id == cursor
        assert "Device id" in screen_text(app)
        await back_on_grid(pilot, checked, cursor)


async def test_help_stays_open_through_resizes(frozen: BackgroundServer) -> None:
    app = make_app(frozen)
    async with app.run_test(size=START) as pilot:
        checked, cursor = await check_on_grid(pilot)
        await pilot.press("question_mark")
        await shown(pilot, HelpScreen)
        screen = app.screen
        await resize_through(pilot, screen)
        assert "Keys" in screen_text(app)
        await back_on_grid(pilot, checked, cursor)


async def test_command_palette_keeps_its_query_through_resizes_and_still_runs_it(
    frozen: BackgroundServer,
) -> None:
    app = make_app(frozen)
    async with app.run_test(size=START) as pilot:
        checked, cursor = await check_on_grid(pilot)
        await pilot.press("ctrl+p")
        await shown(pilot, CommandPalette)
        screen = app.screen
        await pilot.press(*"check all")
        commands = screen.query_one(CommandList)
        await until(pilot, lambda: commands.option_count > 0)
        await resize_through(pilot, screen)
        assert screen.query_one(CommandInput).value == "check all"
        assert app.fleet.checked == checked  # nothing ran meanwhile
        await until(pilot, lambda: commands.option_count > 0)
        await pilot.press("enter")  # the highlighted match: Check all
        await until(pilot, lambda: app.screen is app.main_screen)
        await until(pilot, lambda: len(app.fleet.checked) == len(app.fleet.devices))
        assert app.main_screen.query_one(DeviceGrid).cursor_id == cursor


async def test_a_bulk_inactivation_completes_after_resizing_to_30x12(
    frozen: BackgroundServer,
) -> None:
    app = make_app(frozen)
    async with app.run_test(size=START) as pilot:
        await loaded(pilot)
        ids = pick(app, 3, plain_active)
        screen = await open_dialog(pilot, ids, 0)
        assert isinstance(screen, InactivationScreen)
        await resize_through(pilot, screen)
        await pilot.resize_terminal(30, 12)
        await pilot.pause(0.1)
        assert app.screen is screen and screen.size == (30, 12)
        await confirm(pilot)
        assert screen.reasons() == []
        await press_ok(pilot)
        await finished(pilot)
        assert app.screen is screen
        assert screen.phase == "result"
        assert screen.state is not None and screen.state.ending is Ending.FINISHED
        assert screen.state.counts()[Outcome.ACCEPTED] == 3
        assert not app.fleet.checked & set(ids)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main_screen)
        assert app.is_running
    token = admin_token(frozen)
    for device_id in ids:
        answer = httpx.get(
            f"{frozen.api_url}/devices/{device_id}",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.json()["state"] in {"inactivation_pending", "inactive"}, device_id
    assert [e["result"] for e in app.operations.audit.entries()] == ["done"]
