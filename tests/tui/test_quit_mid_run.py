"""Every way of quitting asks first while a bulk run is in flight (issue 13, finding 13).

``q`` asked; ``ctrl+q`` (Textual's priority binding), the command palette's "Quit" and Textual's
``quit`` action quit at once, mid-run, and so did the palette's "Log out" (which quits too).
(``q`` is a non-priority app binding: inside the running dialog, a modal screen, it does not
reach the app at all; its action is tested here.)

The run is held in flight for real: the reference server sits behind the hostile gateway, which
trickles the answer of the deletion call one byte at a time, so the app is sending
(``bulk_running``, the dialog "running") while the admin quits.
"""

from __future__ import annotations

import pytest
from textual.command import CommandList, CommandPalette

from mobitui.domain.models import DeviceState
from mobitui.tui.screens.bulk.deletion import DeletionScreen
from mobitui.tui.screens.message import MessageScreen
from tests.tui.helpers import confirm, loaded, make_app, open_dialog, press_ok, shown, until

SIZE = (110, 45)


@pytest.fixture
def slow(make_server, make_gateway):
    """The server behind a gateway whose deletion answers take minutes to arrive."""
    return make_gateway(
        make_server(fleet=120, seed=4),
        trickle=0.5,
        trickle_match=lambda method, path: method == "POST" and path.endswith("/device-deletions"),
    )


async def in_flight(pilot) -> DeletionScreen:
    """端末一括削除 of two inactive devices, sent, its answer still on its way."""
    app = pilot.app
    await loaded(pilot)
    ids = sorted(i for i, d in app.fleet.devices.items() if d.state is DeviceState.INACTIVE)[:2]
    screen = await open_dialog(pilot, ids, 2)
    assert isinstance(screen, DeletionScreen)
    await confirm(pilot)
    await press_ok(pilot)
    await until(pilot, lambda: app.bulk_running and screen.phase == "running")
    return screen


async def quit_by(pilot, how: str) -> None:
    app = pilot.app
    if how in ("palette", "logout"):
        query, label = ("quit", "Quit") if how == "palette" else ("log out", "Log out")
        await pilot.press("ctrl+p")
        await shown(pilot, CommandPalette)
        palette = app.screen
        await pilot.press(*query)
        commands = palette.query_one(CommandList)

        def highlighted() -> str:
            index = commands.highlighted
            if index is None or commands.option_count == 0:
                return ""
            return str(commands.get_option_at_index(index).prompt)

        await until(pilot, lambda: highlighted().startswith(label))
        await pilot.press("enter")
    elif how in ("quit", "quit_app"):
        await app.run_action(how)  # Textual's own action / q's, as a keymap or a link runs it
    else:
        await pilot.press(how)
    await pilot.pause()


def asking(app) -> bool:
    screen = app.screen
    return isinstance(screen, MessageScreen) and "bulk operation is running" in screen.body


@pytest.mark.parametrize("how", ["ctrl+q", "palette", "quit", "quit_app", "logout"])
async def test_every_way_of_quitting_asks_while_a_bulk_run_is_in_flight(slow, how: str) -> None:
    app = make_app(slow)
    async with app.run_test(size=SIZE) as pilot:
        screen = await in_flight(pilot)
        await quit_by(pilot, how)
        await until(pilot, lambda: asking(app) or not app.is_running, tries=100)
        assert app.is_running and asking(app), f"{how} quit mid-run without asking"
        await quit_by(pilot, "ctrl+q")  # again: still one question
        assert app.is_running and sum(isinstance(s, MessageScreen) for s in app.screen_stack) == 1
        await pilot.press("escape")  # No: the run goes on
        await until(pilot, lambda: app.screen is screen)
        assert app.is_running and app.bulk_running and screen.phase == "running"
        await quit_by(pilot, how)
        await until(pilot, lambda: asking(app))
        app.screen.query_one("#yes").focus()
        await pilot.press("enter")  # Yes: quits (the run is resumable from its journal)
        await until(pilot, lambda: not app.is_running)
