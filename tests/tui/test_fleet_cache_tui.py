"""The app and the fleet snapshot: saved at exit, the next launch starts from it, logout
deletes it, and the demo keeps none unless its database is kept (``--db``)."""

from __future__ import annotations

import httpx
import pytest

from mobitui.api.client import MobiClient
from mobitui.domain.models import DeviceState
from mobitui.fleet.cache import Fleet
from mobitui.fleet.sync import FleetSync
from mobitui.local import paths
from mobitui.tui.app import MobiApp
from tests.tui.helpers import admin_token, loaded, make_app, until


class Recorder(httpx.AsyncBaseTransport):
    """The real transport, with the path of every request that left."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.paths: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path.removeprefix("/api/v1"))
        return await self.inner.handle_async_request(request)


@pytest.fixture
def server(make_server):
    return make_server(fleet=120, seed=4, speed=0.0)


async def first_run(server) -> None:
    """A launch from nothing, which leaves its snapshot behind when it quits."""
    app = make_app(server, profile="lab")
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
    assert paths.fleet_cache_path("lab", "admin").exists()


def force(server, ids: list[str], key: str) -> None:
    headers = {"Authorization": f"Bearer {admin_token(server)}", "Idempotency-Key": key}
    body = {"device_ids": ids, "delete_after": False, "password": "demo-admin-pass", "agree": True}
    answer = httpx.post(f"{server.api_url}/forced-inactivations", json=body, headers=headers)
    answer.raise_for_status()


async def test_the_next_launch_starts_warm_and_shows_what_changed(server) -> None:
    await first_run(server)
    cached = paths.fleet_cache_path("lab", "admin")
    before = cached.read_bytes()
    everyone = httpx.get(
        f"{server.api_url}/devices",
        params={"limit": 1000, "state": "active"},
        headers={"Authorization": f"Bearer {admin_token(server)}"},
    ).json()["items"]
    changed = [d["id"] for d in everyone[:2]]
    force(server, changed, "warm-1")

    wire = Recorder()
    app = MobiApp(
        make_app(server, profile="lab").launch, client=MobiClient(server.base_url, transport=wire)
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        assert "/devices" not in wire.paths  # no paging: the snapshot and the change feed
        assert {app.fleet.devices[i].state for i in changed} == {DeviceState.INACTIVE}
        fleet = Fleet()
        async with MobiClient(server.base_url) as client:
            await client.login("admin", "demo-admin-pass")
            await FleetSync(client, fleet).full()
        assert (app.fleet.devices, app.fleet.groups) == (fleet.devices, fleet.groups)
    assert cached.read_bytes() != before  # what changed is saved at exit


async def test_logout_deletes_the_snapshot_and_nothing_writes_it_again(server) -> None:
    await first_run(server)
    cached = paths.fleet_cache_path("lab", "admin")
    app = make_app(server, profile="lab")
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        force(server, [next(iter(app.fleet.devices))], "logout-1")
        await pilot.press("r")  # a change the exit would otherwise save
        await pilot.pause(0.2)
        app.logout()
        await until(pilot, lambda: not cached.exists())
        await pilot.pause(0.2)
    assert not cached.exists()


async def test_a_launch_without_the_fleet_cache_leaves_no_file(server) -> None:
    app = make_app(server, profile="lab", cache_fleet=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
    assert not paths.fleet_cache_path("lab", "admin").exists()


@pytest.mark.parametrize("keep_db", [False, True])
def test_the_demo_caches_its_fleet_only_with_a_kept_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path, keep_db: bool
) -> None:
    from mobitui import cli

    launches = []
    monkeypatch.setattr(MobiApp, "run", lambda self: launches.append(self.launch))
    argv = ["demo", "--fleet", "10"] + (["--db", str(tmp_path / "demo.sqlite3")] if keep_db else [])
    assert cli.main(argv) == 0
    assert [launch.cache_fleet for launch in launches] == [keep_db]
