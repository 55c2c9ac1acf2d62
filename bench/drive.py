"""Driving the real app headless (Textual's ``run_test``) against a bench server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.pilot import Pilot

from bench.servers import PASSWORD, Server

if TYPE_CHECKING:
    from textual import events

    from mobitui.tui.app import MobiApp
    from mobitui.tui.widgets.device_grid import DeviceGrid

SIZE = (120, 40)


def make_app(server: Server, **launch: object) -> MobiApp:
    """The tests' app (:func:`mobitui.tui.factory.make_app`) on a bench server: cold loads (the
    warm start is its own figure) and no confirmation by count."""
    from mobitui.tui.factory import make_app as app_for

    options: dict[str, object] = {
        "lang": "en",
        "profile": "bench",
        "confirm_above": 10**9,
        "cache_fleet": False,
    }
    options.update(launch)
    return app_for(server.base_url, PASSWORD, **options)


async def until(condition: Callable[[], bool], limit: float = 300.0) -> None:
    """Wait (polling every 2 ms) until ``condition()`` holds."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the app never got there")
        await asyncio.sleep(0.002)


def grid_of(app: MobiApp) -> DeviceGrid:
    from mobitui.tui.widgets.device_grid import DeviceGrid

    return app.main_screen.query_one(DeviceGrid)


def shows_devices(app: MobiApp) -> bool:
    """The main screen is up and its grid has rows to draw."""
    try:
        return app.screen is app.main_screen and bool(grid_of(app).rows)
    except Exception:
        return False


async def fully_loaded(app: MobiApp, pilot: Pilot, fleet: int) -> None:
    await until(lambda: app.connection == "connected" and len(app.fleet.devices) == fleet)
    await pilot.pause()


class Frames:
    """Every frame the app composes, with the time and what ``probe()`` said then.

    Headless, Textual still composes each frame (every visible line is rendered) and hands it
    to ``App._display``, which only skips the terminal write; wrapping it tells exactly when the
    screen first showed a change, without the polling sleeps of ``Pilot.pause``.
    """

    def __init__(self, app: MobiApp, probe: Callable[[], object]) -> None:
        self.seen: list[tuple[float, object]] = []
        display = app._display

        def recording(screen: object, renderable: object) -> None:
            if renderable is not None:
                self.seen.append((time.perf_counter(), probe()))
            display(screen, renderable)

        app._display = recording

    async def first(
        self, wanted: Callable[[object], bool], since: int = 0, within: float = 120.0
    ) -> float:
        """The time of the first frame (from index ``since``) whose probe satisfies ``wanted``.

        A frame that never comes fails the figure after ``within`` seconds rather than hanging
        the whole run (a probe that no longer sees what it counts, after a refactoring).
        """
        start = since
        give_up = time.perf_counter() + within
        while True:
            if time.perf_counter() > give_up:
                raise TimeoutError(f"no frame satisfied the probe within {within:.0f} s")
            for index in range(start, len(self.seen)):
                at, state = self.seen[index]
                if wanted(state):
                    return at
            start = len(self.seen)
            await asyncio.sleep(0.001)


def key_event(char: str) -> events.Key:
    from textual import events
    from textual.keys import _character_to_key

    key = char if char.isalnum() else _character_to_key(char)
    return events.Key(key, char)


def key_event_named(key: str) -> events.Key:
    from textual import events

    return events.Key(key, None)
