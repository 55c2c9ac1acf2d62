"""Read-only mode and the operator role: no destructive request ever leaves the client
(asserted on the wire: every request the app sends is recorded), and the server refuses them
anyway. Poll failures are shown once, in the header."""

from __future__ import annotations

import uuid
from dataclasses import replace

import httpx
import pytest

from mobitui.api.client import MobiClient
from mobitui.domain.models import RequestStatus
from mobitui.local.profiles import Profile
from mobitui.tui.app import Launch, MobiApp
from mobitui.tui.screens.action_menu import ActionMenu
from mobitui.tui.screens.bulk.dialog import BulkActionScreen
from mobitui.tui.screens.message import MessageScreen
from mobitui.tui.screens.requests import RequestsScreen
from tests.contract.faults import Fault, FaultyTransport, fast_retry
from tests.tui.helpers import admin_token, loaded, make_app, shown, until


class Recorder(httpx.AsyncBaseTransport):
    """The real transport, with a log of every request that left."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.sent: list[tuple[str, str]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append((request.method, request.url.path))
        return await self.inner.handle_async_request(request)

    def destructive(self) -> list[tuple[str, str]]:
        return [
            (m, p)
            for m, p in self.sent
            if m == "DELETE"
            or (m == "POST" and p.endswith(("inactivations", "forced-inactivations", "deletions")))
        ]


@pytest.mark.parametrize("how", ["read-only", "profile", "operator"])
async def test_nothing_destructive_leaves_the_client(make_server, how: str) -> None:
    server = make_server(fleet=120, seed=3)
    token = admin_token(server)
    headers = {"Authorization": f"Bearer {token}"}
    devices = httpx.get(f"{server.api_url}/devices", headers=headers).json()["items"]
    active = [d["id"] for d in devices if d["state"] == "active"][:3]
    scheduled = httpx.post(
        f"{server.api_url}/inactivations",
        json={
            "device_ids": active[:1],
            "remove_apple_mdm_profile": False,
            "scheduled_at": "2099-01-01T00:00:00+00:00",
            "password": "demo-admin-pass",
            "agree": True,
        },
        headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
    ).json()
    recorder = Recorder()
    client = MobiClient(server.base_url, transport=recorder)
    if how == "read-only":
        launch = make_app(server, read_only=True).launch
    elif how == "profile":  # read_only = true in profiles.toml, no flag
        profile = Profile("prod", server.base_url, "admin", read_only=True)
        launch = replace(
            Launch.from_profile(profile, "en", read_only=False),
            demo_password="demo-admin-pass",
            cache_token=False,
            poll_seconds=3600.0,
        )
    else:
        launch = make_app(server, account="operator", demo_password="demo-operator-pass").launch
    app = MobiApp(launch, client=client)
    async with app.run_test(size=(110, 40)) as pilot:
        await loaded(pilot)
        assert app.read_only
        app.fleet.check(active)
        await pilot.press("m")
        await shown(pilot, ActionMenu)
        assert all(entry.reason for entry in app.screen.entries)
        await pilot.press("enter", "escape")
        await until(pilot, lambda: app.screen is app.main_screen)
        await pilot.press("i")
        await shown(pilot, RequestsScreen)
        requests = app.screen
        await until(pilot, lambda: requests.requests is not None)
        await pilot.press("c", "f")  # cancel the scheduled request; force its devices
        await pilot.pause()
        status = str(requests.query_one("#requests-status").render())
        assert "read-only" in status or "operators" in status
        assert not isinstance(app.screen, MessageScreen)
        # Even a dialog opened by other means cannot send: the last gate refuses.
        app.force_devices([app.fleet.devices[i] for i in active])
        app.inactivate_devices([app.fleet.devices[i] for i in active])
        await pilot.pause()
        assert not any(isinstance(s, BulkActionScreen) for s in app.screen_stack)
    assert recorder.destructive() == []  # on the wire: nothing
    answer = httpx.get(f"{server.api_url}/inactivations/{scheduled['id']}", headers=headers)
    assert answer.json()["status"] == RequestStatus.SCHEDULED.value
    entries = httpx.get(f"{server.api_url}/sim/audit").json()["entries"]
    assert [e["action"] for e in entries] == ["inactivate"]  # only the test's own request


async def test_poll_failures_show_in_the_header_without_a_modal_each_time(make_server) -> None:
    server = make_server(fleet=50)
    broken = {"on": False}

    def plan(request: httpx.Request, n: int) -> Fault:
        changes = request.url.path.endswith("/devices/changes")
        return Fault.UNAVAILABLE if broken["on"] and changes else Fault.PASS

    transport = FaultyTransport(httpx.AsyncHTTPTransport(), plan=plan)
    client = MobiClient(server.base_url, transport=transport, retry=fast_retry(max_attempts=2))
    app = MobiApp(make_app(server).launch, client=client)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        broken["on"] = True
        for _ in range(3):
            await pilot.press("r")
            await pilot.pause(0.2)
        await until(pilot, lambda: app.connection == "disconnected")
        assert not isinstance(app.screen, MessageScreen)
        assert "failed to answer" in str(app.main_screen.query_one("#topbar").render())
        broken["on"] = False
        await pilot.press("r")
        await until(pilot, lambda: app.connection == "connected")
    assert len(app.fleet.devices) == 50  # the cache kept everything through the failures
