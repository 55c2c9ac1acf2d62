"""The whole retirement of a group, as the issue's "done means" puts it, against a real server
whose simulated clock only moves when the test says so.

Open a group from the sidebar, check all its devices, register a SCHEDULED bulk inactivation,
watch it on the requests screen execute and progress as the simulated devices act, then
force-inactivate (and delete) the ones that never answer, straight from the requests screen.
"""

from __future__ import annotations

import httpx

from mobitui.domain.models import DeviceState, ItemProgress, Outcome, RequestStatus
from mobitui.domain.operation import Ending
from mobitui.tui.screens.bulk.forced import ForcedInactivationScreen
from mobitui.tui.screens.bulk.inactivation import InactivationScreen
from mobitui.tui.screens.requests import RequestsScreen
from mobitui.tui.widgets.group_tree import GroupTree
from tests.tui.helpers import confirm, finished, loaded, make_app, press_ok, shown, until


def sim(server, path: str, body: dict) -> None:
    answer = httpx.post(f"{server.api_url}/sim/{path}", json=body)
    assert answer.status_code == 200, answer.text


async def test_schedule_watch_force_and_delete_a_group(make_server) -> None:
    server = make_server(fleet=200, seed=3, speed=0.0)
    app = make_app(server)
    async with app.run_test(size=(120, 45)) as pilot:
        grid = await loaded(pilot)
        # The sidebar: a group with a few active devices.
        tree = app.main_screen.query_one(GroupTree)
        tree.focus()
        while True:
            await pilot.press("down")
            group = tree.cursor_node.data
            members = [d for d in app.fleet.devices.values() if d.group_id == group]
            if sum(d.state is DeviceState.ACTIVE for d in members) >= 4:
                break
        await pilot.press("enter")
        assert grid.has_focus
        active = sorted(d.id for d in members if d.state is DeviceState.ACTIVE)
        silent = active[:2]  # these two will never answer
        for device_id in active:
            behaviour = "wiped" if device_id in silent else "regular"
            sim(server, f"devices/{device_id}", {"behaviour": behaviour})
        await pilot.press("ctrl+a", "m", "enter")
        await shown(pilot, InactivationScreen)
        dialog = app.screen
        await pilot.pause()
        assert set(dialog.order) == {d.id for d in members}
        for ack in dialog.query(".ack"):  # whatever this group holds, acknowledged
            ack.value = True
        dialog.query_one("#schedule-on").focus()
        await pilot.press("space")  # 予約日時を設定する, with its default: the next full hour
        await confirm(pilot)
        await press_ok(pilot)
        await finished(pilot)
        assert dialog.state.ending is Ending.FINISHED
        assert "scheduled" in str(dialog.query_one("#result-summary").render())
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main_screen)

        # The requests screen: scheduled, then executing once the clock passes the schedule.
        await pilot.press("i")
        await shown(pilot, RequestsScreen)
        requests = app.screen
        await until(pilot, lambda: requests.requests is not None)
        assert requests.selected().status is RequestStatus.SCHEDULED
        sim(server, "advance", {"seconds": 2 * 3600})
        await pilot.press("r")
        await until(pilot, lambda: requests.selected().status is not RequestStatus.SCHEDULED)
        # Three more hours: the regular devices have acted, the wiped ones never will.
        sim(server, "advance", {"seconds": 3 * 3600})
        app.poll_now()
        await pilot.press("r")

        def settled() -> bool:
            items = [i for i in requests.selected().items if i.device_id in active]
            done = {i.device_id for i in items if i.progress is ItemProgress.DONE}
            return done == set(active) - set(silent) and all(
                app.fleet.devices[i].state is DeviceState.INACTIVATION_PENDING for i in silent
            )

        await until(pilot, settled, tries=500)
        requests._show_items()
        assert "have not communicated" in str(requests.query_one("#request-summary").render())

        # f: forced inactivation of exactly the silent ones, deleting them right after.
        await pilot.press("f")
        await shown(pilot, ForcedInactivationScreen)
        forced = app.screen
        await pilot.pause()
        assert sorted(forced.order) == silent
        forced.query_one("#delete-after").value = True
        # Seen five hours ago: within a day, so the dialog asks to acknowledge forcing them.
        for ack in forced.query(".ack"):
            ack.value = True
        await confirm(pilot)
        await press_ok(pilot)
        await finished(pilot)
        assert forced.state.counts()[Outcome.ACCEPTED] == 2
        assert all(item.deleted for item in forced.state.items)
        await until(pilot, lambda: not set(silent) & app.fleet.devices.keys())
