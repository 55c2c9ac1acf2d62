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
