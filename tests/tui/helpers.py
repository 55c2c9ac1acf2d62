"""Helpers for driving the real app (against a real reference server) with Textual's Pilot."""

from __future__ import annotations

import httpx
from textual.pilot import Pilot

from mobitui.sim.server import BackgroundServer
from mobitui.tui.app import Launch, MobiApp
from mobitui.tui.widgets.device_grid import DeviceGrid


def make_app(server: BackgroundServer, lang: str = "en", **launch: object) -> MobiApp:
    options: dict[str, object] = {
        "base_url": server.base_url,
        "account": "admin",
        "lang": lang,
        "demo_password": "demo-admin-pass",
        "cache_token": False,
        "poll_seconds": 3600.0,  # tests trigger refreshes themselves (r)
    }
    options.update(launch)
    return MobiApp(Launch(**options))  # type: ignore[arg-type]


async def until(pilot: Pilot, condition, tries: int = 200) -> None:
    """Let the app run until ``condition()`` holds (bounded; no wall-clock assertion)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition never held")


async def loaded(pilot: Pilot) -> DeviceGrid:
    app = pilot.app
    await until(pilot, lambda: app.connection == "connected" and bool(app.fleet.devices))
    await pilot.pause()
    return app.main_screen.query_one(DeviceGrid)


def admin_token(
    server: BackgroundServer, account: str = "admin", password: str = "demo-admin-pass"
) -> str:
    answer = httpx.post(
        f"{server.api_url}/auth/login", json={"account": account, "password": password}
    )
    answer.raise_for_status()
    return answer.json()["token"]
