"""Helpers for driving the real app (against a real reference server) with Textual's Pilot."""

from __future__ import annotations

from typing import Any

import httpx
from textual.pilot import Pilot

from mobitui.domain.models import Device, DeviceState, Enrollment, Platform
from mobitui.sim.demo_accounts import DEMO_PASSWORDS
from mobitui.sim.server import BackgroundServer
from mobitui.tui import factory
from mobitui.tui.app import MobiApp
from mobitui.tui.widgets.device_grid import DeviceGrid


def plain_active(device: Device) -> bool:
    """An active Apple MDM iPhone no inactivation warning applies to, whatever the options."""
    return (
        device.state is DeviceState.ACTIVE
        and device.platform is Platform.IOS
        and device.enrollment is Enrollment.APPLE_MDM
        and not device.dep
        and not device.silent_wlan
    )


def make_app(server: BackgroundServer, lang: str = "en", **launch: object) -> MobiApp:
    """The app of :func:`mobitui.tui.factory.make_app` (the benchmarks' too) on ``server``, as
    the demo admin."""
    return factory.make_app(server.base_url, DEMO_PASSWORDS["admin"], lang=lang, **launch)


async def until(pilot: Pilot, condition, tries: int = 200) -> None:
    """Let the app run until ``condition()`` holds (bounded; no wall-clock assertion)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition never held")


async def shown(pilot: Pilot, kind: type, tries: int = 200) -> None:
    """Let the app run until a screen of ``kind`` is on top and mounted: a pushed screen is
    composed a moment later, and querying its fields before that finds none of them."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, kind) and app.screen.is_mounted, tries)


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


async def open_dialog(pilot: Pilot, ids: list[str], index: int):
    """Check exactly ``ids``, open the 「端末管理」 menu and choose entry ``index`` (0: bulk
    inactivation, 1: forced inactivation, 2: deletion) by keyboard; returns the dialog."""
    from mobitui.tui.screens.action_menu import ActionMenu
    from mobitui.tui.screens.bulk.dialog import BulkActionScreen

    app = pilot.app
    app.fleet.checked.clear()
    app.fleet.check(ids)
    app.main_screen.refresh_view()
    await pilot.press("m")
    await shown(pilot, ActionMenu)
    # Keys go to the focused widget: under load the menu is mounted a frame before its list
    # takes the focus, and a "down" pressed then would be lost.
    await until(pilot, lambda: app.focused is not None and app.focused.screen is app.screen)
    await pilot.press(*["down"] * index, "enter")
    await shown(pilot, BulkActionScreen)
    await pilot.pause()
    steady_cursor(app.screen)
    await pilot.pause()
    return app.screen


def steady_cursor(screen) -> None:
    """Stop the text cursors blinking, shown where the focus is: a snapshot taken half a
    second later must not depend on the blink's phase."""
    from textual.widgets import Input

    for field in screen.query(Input):
        field.cursor_blink = False
        field._cursor_visible = field.has_focus


async def confirm(pilot: Pilot, password: str = "demo-admin-pass") -> None:
    """Type the password, tick 「同意する」 (focus starts in the password field)."""
    screen = pilot.app.screen
    screen.query_one("#password").focus()
    await pilot.press(*password, "tab", "space")
    await pilot.pause()


async def press_ok(pilot: Pilot) -> None:
    screen = pilot.app.screen
    button = screen.query_one("#ok")
    assert not button.disabled, screen.reasons()
    button.focus()
    await pilot.press("enter")


async def finished(pilot: Pilot) -> None:
    screen = pilot.app.screen
    await until(pilot, lambda: screen.phase != "running", tries=1500)


def plain(widget: Any) -> str:
    """The text a Static shows, whatever it was given: a str, a Rich Text, or a renderable
    that wraps its text at render time (``present.wrap.Wrapped``, whose ``str`` is its text;
    ``render()`` would give the visual that wraps it, not the words)."""
    content = getattr(widget, "content", None)
    return str(content) if content is not None else str(widget.render())
