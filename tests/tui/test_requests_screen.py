"""The requests screen, by keyboard, against a real server with a frozen simulated clock."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest

from mobitui.domain.models import DeviceState, ItemProgress, RequestStatus
from mobitui.tui.screens.bulk.forced import ForcedInactivationScreen
from mobitui.tui.screens.message import MessageScreen
from mobitui.tui.screens.requests import RequestsScreen
from mobitui.tui.widgets.row_list import RowList
from tests.tui.helpers import admin_token, loaded, make_app, shown, until

SIZE = (110, 40)


@pytest.fixture
def frozen_server(make_server):
    return make_server(fleet=200, seed=3, speed=0.0)


def post(server, path: str, body: dict) -> dict:
    token = admin_token(server)
    answer = httpx.post(
        f"{server.api_url}{path}",
        json={"password": "demo-admin-pass", "agree": True, **body},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
    )
    assert answer.status_code in (200, 202), answer.text
    return answer.json()


def sim(server, path: str, body: dict) -> None:
    answer = httpx.post(f"{server.api_url}/sim/{path}", json=body)
    assert answer.status_code == 200, answer.text


def active_ids(app, count: int) -> list[str]:
    ids = sorted(i for i, d in app.fleet.devices.items() if d.state is DeviceState.ACTIVE)
    return ids[:count]


async def open_requests(pilot) -> RequestsScreen:
    app = pilot.app
    await pilot.press("i")
    await shown(pilot, RequestsScreen)
    screen = app.screen
    await until(pilot, lambda: screen.requests is not None)
    await pilot.pause()
    return screen


async def test_cancel_a_scheduled_request_after_confirmation(frozen_server) -> None:
    app = make_app(frozen_server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        ids = active_ids(app, 3)
        later = app.client.server_now() + timedelta(days=1)
        created = post(
            frozen_server,
            "/inactivations",
            {
                "device_ids": ids,
                "remove_apple_mdm_profile": False,
                "scheduled_at": later.isoformat(),
            },
        )
        screen = await open_requests(pilot)
        assert screen.selected().id == created["id"]  # newest first
        assert screen.selected().status is RequestStatus.SCHEDULED
        await pilot.press("c")
        await shown(pilot, MessageScreen)
        assert created["id"] in str(app.screen.query_one(".message-body").render())
        await pilot.press("escape")  # No
        await until(pilot, lambda: app.screen is screen)
        assert screen.selected().status is RequestStatus.SCHEDULED
        await pilot.press("c")
        await shown(pilot, MessageScreen)
        app.screen.query_one("#yes").focus()
        await pilot.press("enter")
        await until(pilot, lambda: screen.selected().status is RequestStatus.CANCELLED)
        assert "was cancelled" in str(screen.query_one("#requests-status").render())
        await pilot.press("c")  # a cancelled request cannot be cancelled again
        await pilot.pause()
        assert "Only a scheduled request" in str(screen.query_one("#requests-status").render())
    token = admin_token(frozen_server)
    answer = httpx.get(
        f"{frozen_server.api_url}/inactivations/{created['id']}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.json()["status"] == "cancelled"


async def test_progress_updates_live_and_silent_devices_lead_to_forced_inactivation(
    frozen_server,
) -> None:
    app = make_app(frozen_server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        ids = active_ids(app, 6)
        silent = ids[:2]
        for device_id in silent:
            sim(frozen_server, f"devices/{device_id}", {"behaviour": "wiped"})
        for device_id in ids[2:]:
            sim(frozen_server, f"devices/{device_id}", {"behaviour": "regular"})
        created = post(
            frozen_server,
            "/inactivations",
            {
                "device_ids": ids,
                "remove_apple_mdm_profile": True,
                "scheduled_at": None,
            },
        )
        screen = await open_requests(pilot)
        assert screen.selected().id == created["id"]
        pending = [i for i in screen.selected().items if i.progress is ItemProgress.PENDING]
        assert len(pending) == 6
        # Three hours pass: the regular devices check in and finish; the wiped ones never do.
        sim(frozen_server, "advance", {"seconds": 3 * 3600})
        app.poll_now()
        await pilot.press("r")
        await until(
            pilot,
            lambda: sum(i.progress is ItemProgress.DONE for i in screen.selected().items) == 4,
        )
        await until(
            pilot,
            lambda: all(
                app.fleet.devices[i].state is DeviceState.INACTIVATION_PENDING for i in silent
            ),
        )
        screen._show_items()
        flagged = [r.key for r in screen.query_one("#items", RowList).rows if r.cells[0] == "!"]
        assert sorted(flagged) == sorted(silent)
        assert "have not communicated" in str(screen.query_one("#request-summary").render())
        await pilot.press("f")
        await shown(pilot, ForcedInactivationScreen)
        dialog = app.screen
        assert sorted(dialog.order) == sorted(silent)
        assert dialog.preflight.needs_acknowledgement == ()  # silent: nothing to acknowledge


async def test_a_cancellation_answered_about_another_request_is_not_reported_done(
    frozen_server, make_gateway
) -> None:
    """The gateway answers the DELETE of request A with request B: the screen said "A was
    cancelled" on the strength of an answer about B. Now it says the answer was about
    another request and that A's fate is unknown."""
    token = admin_token(frozen_server)
    listed = httpx.get(
        f"{frozen_server.api_url}/devices",
        params={"state": "active", "limit": "20"},
        headers={"Authorization": f"Bearer {token}"},
    ).json()["items"]
    scheduled = {"remove_apple_mdm_profile": False, "scheduled_at": "2099-01-01T00:00:00Z"}
    other, asked = (
        post(frozen_server, "/inactivations", {"device_ids": [d["id"]], **scheduled})
        for d in sorted(listed, key=lambda d: d["id"])[:2]
    )

    def mixed_up(method: str, path: str, status: int, data: Any) -> Any:
        return other if method == "DELETE" else data

    gateway = make_gateway(frozen_server, answer=mixed_up)
    app = make_app(gateway)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        screen = await open_requests(pilot)
        assert screen.selected().id == asked["id"]  # newest first
        await pilot.press("c")
        await shown(pilot, MessageScreen)
        app.screen.query_one("#yes").focus()
        await pilot.press("enter")
        status = screen.query_one("#requests-status")
        await until(pilot, lambda: "protocol error" in str(status.render()))
        text = str(status.render())
        assert asked["id"] in text and other["id"] in text and "was cancelled." not in text
    deletes = [s.path for s in gateway.gateway.destructive()]
    assert deletes == [f"/api/v1/inactivations/{asked['id']}"]


# ---------------------------------------------------------------------- issue 15, item 5


async def request_of(pilot, server, ids: list[str]) -> dict:
    """An inactivation request executed at once, its devices pending in the app's fleet."""
    app = pilot.app
    created = post(
        server,
        "/inactivations",
        {"device_ids": ids, "remove_apple_mdm_profile": False, "scheduled_at": None},
    )
    app.poll_now()
    await until(
        pilot,
        lambda: all(app.fleet.devices[i].state is DeviceState.INACTIVATION_PENDING for i in ids),
    )
    return created


def flagged_keys(screen) -> list[str]:
    return sorted(r.key for r in screen.query_one("#items", RowList).rows if r.cells[0] == "!")


async def test_a_stall_flag_appears_by_itself_when_it_comes_due_on_the_server_clock(
    frozen_server,
) -> None:
    """The flag was only judged when the cursor moved: not when it came due, not after a
    reload that brought the same requests. Here the screen is opened a second before the flag
    is due (server clock), and nothing is pressed: the timer on the server's clock shows it."""
    app = make_app(frozen_server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        ids = active_ids(app, 1)  # one device: the others' check-ins are not this test's
        sim(frozen_server, f"devices/{ids[0]}", {"behaviour": "wiped"})
        await request_of(pilot, frozen_server, ids)
        stall = app.launch.stall_after
        sim(frozen_server, "advance", {"seconds": stall.total_seconds() - 1})
        screen = await open_requests(pilot)  # its load learns the server's clock
        assert flagged_keys(screen) == []
        await until(pilot, lambda: flagged_keys(screen) == [ids[0]], tries=500)
        assert "have not communicated" in str(screen.query_one("#request-summary").render())


async def test_a_reload_of_the_same_requests_judges_the_flags_again(frozen_server) -> None:
    """``r`` (and the poll) after the server's clock passed the stall time: the requests are
    unchanged, and the flag must still appear."""
    app = make_app(frozen_server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        ids = active_ids(app, 1)
        sim(frozen_server, f"devices/{ids[0]}", {"behaviour": "wiped"})
        await request_of(pilot, frozen_server, ids)
        screen = await open_requests(pilot)
        await until(pilot, lambda: len(screen.query_one("#items", RowList).rows) == 1)
        assert flagged_keys(screen) == []
        before = screen.requests
        sim(frozen_server, "advance", {"seconds": 3 * 3600})
        await pilot.press("r")
        await until(pilot, lambda: screen.requests is not before)
        await until(pilot, lambda: flagged_keys(screen) == ids)


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_ids_and_states_are_whole_and_the_device_list_fills_the_height(
    frozen_server, size
) -> None:
    app = make_app(frozen_server)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        ids = active_ids(app, 60)
        await request_of(pilot, frozen_server, ids)
        screen = await open_requests(pilot)
        items = screen.query_one("#items", RowList)
        await until(pilot, lambda: len(items.rows) == 60)
        await pilot.pause()
        for list_id, columns in (("#requests", (0, 1)), ("#items", (3,))):
            widget = screen.query_one(list_id, RowList)
            top = widget.scroll_offset.y
            for y in range(1, min(widget.size.height, len(widget.rows) - top + 1)):
                line = "".join(s.text for s in widget.render_line(y))
                row = widget.rows[top + y - 1]
                for index in columns:
                    assert row.cells[index] in line, (row.cells[index], line)
        # The device list takes the height the request list leaves: down to the status line.
        status = screen.query_one("#requests-status")
        assert items.region.bottom == status.region.y
        assert items.size.height > 10  # not the widget's default cap of 10 lines


async def test_f_forces_exactly_the_flagged_devices_shown_for_the_chosen_request(
    frozen_server,
) -> None:
    """Two requests with silent devices; the newest is chosen. ``f`` after the stall time (and
    a reload that brought the same requests) opens forced inactivation for the flagged rows the
    screen shows, which are that request's: it acted on devices the list did not flag."""
    app = make_app(frozen_server)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        other, *chosen = active_ids(app, 3)
        for device_id in (other, *chosen):  # silent: the requests themselves never change
            sim(frozen_server, f"devices/{device_id}", {"behaviour": "wiped"})
        await request_of(pilot, frozen_server, [other])
        created = await request_of(pilot, frozen_server, chosen)
        screen = await open_requests(pilot)
        assert screen.selected().id == created["id"]
        sim(frozen_server, "advance", {"seconds": 3 * 3600})
        await pilot.press("r")
        await until(pilot, lambda: flagged_keys(screen) == sorted(chosen))
        shown_flags = flagged_keys(screen)  # what the admin sees flagged when pressing f
        await pilot.press("f")
        await shown(pilot, ForcedInactivationScreen)
        assert sorted(app.screen.order) == shown_flags
        assert other not in app.screen.order  # flagged too, but another request's


# ---------------------------------------------------------------------- snapshots


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])
def test_snapshot(snap_compare, make_server, lang: str, size: tuple[int, int]) -> None:
    """A request of 40 devices, 6 of them wiped, three hours after it executed (pinned server
    clock): whole ids and states, the device list down to the status line, the flags."""
    from tests.tui.conftest import PINNED

    server = make_server(fleet=200, seed=3, speed=0.0, start_at=PINNED, rate_limit=None)

    async def run_before(pilot) -> None:
        app = pilot.app
        await loaded(pilot)
        ids = active_ids(app, 40)
        for device_id in ids[:6]:
            sim(server, f"devices/{device_id}", {"behaviour": "wiped"})
        for device_id in ids[6:]:
            sim(server, f"devices/{device_id}", {"behaviour": "regular"})
        await request_of(pilot, server, ids)
        sim(server, "advance", {"seconds": 3 * 3600})
        await app.poll_now().wait()  # the fleet as of three hours later, before the screen
        screen = await open_requests(pilot)
        await until(pilot, lambda: len(flagged_keys(screen)) >= 6)
        await pilot.pause()

    assert snap_compare(make_app(server, lang=lang), terminal_size=size, run_before=run_before)
