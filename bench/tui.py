"""Figures of the TUI, headless with Textual's Pilot at 120×40: load, filter, scroll, change feed,
the retirement view, memory, and repaints during a bulk operation.

A figure at 100,000 devices is compared with the same figure at 1,000 devices measured in the
same run, so what it shows is how the app scales with the fleet, not how fast this machine is.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bench.drive import (
    SIZE,
    Frames,
    fully_loaded,
    grid_of,
    key_event,
    key_event_named,
    make_app,
    shows_devices,
    until,
)
from bench.report import Figure, Goal, median, p95
from bench.servers import PASSWORD, Server, Templates, force_inactivate

if TYPE_CHECKING:
    from mobitui.fleet.cache import Delta
    from mobitui.tui.app import MobiApp

SMALL, LARGE = 1_000, 100_000
#: Change-feed refreshes measured per fleet size (100 devices each).
CHANGE_ROUNDS = 7
#: What an admin types into the filter: a user, a model, a phone prefix, a group, a name in
#: Japanese, and something that matches nothing (the whole fleet is searched for it).
QUERIES = ("takahashi", "iphone", "090-12", "sapporo", "山本", "zqx")


def _server(
    templates: Templates, work: Path, fleet: int, name: str, *, latency: float = 0.0
) -> Server:
    db = templates.database(fleet, f"{name}-{fleet}")
    return Server(db, fleet, work / "server.log", latency=latency)


# ---------------------------------------------------------------------------- load


async def _load(server: Server) -> float:
    app = make_app(server)
    start = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        frames = Frames(app, lambda: shows_devices(app))
        shown = await frames.first(bool)
        await fully_loaded(app, pilot, server.fleet)
    return shown - start


def load_first_frame(templates: Templates, work: Path) -> Figure:
    took: dict[int, list[float]] = {SMALL: [], LARGE: []}
    for fleet in (SMALL, LARGE):
        with _server(templates, work, fleet, "load") as server:
            for _ in range(3):
                took[fleet].append(asyncio.run(_load(server)))
    return Figure(
        "load + first frame, 100k devices",
        median(took[LARGE]),
        median(took[SMALL]),
        "s",
        Goal(ratio=2.0),
        "start → login → grid showing devices; baseline: 1k",
    )


# ---------------------------------------------------------------------------- filter


async def _filter(server: Server) -> list[float]:
    app = make_app(server)
    samples: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await fully_loaded(app, pilot, server.fleet)
        screen = app.main_screen
        frames = Frames(app, lambda: screen.spec.query)
        for query in QUERIES:
            await pilot.press("slash")
            await pilot.pause()
            for n in range(1, len(query) + 1):
                since = len(frames.seen)
                start = time.perf_counter()
                app._driver.send_message(key_event(query[n - 1]))
                shown = await frames.first(lambda q, typed=query[:n]: q == typed, since)
                samples.append(shown - start)
                await asyncio.sleep(0.03)  # a person types about this fast, at most
            await pilot.press("escape")
            await pilot.pause()
    return samples


def filter_latency(templates: Templates, work: Path) -> Figure:
    samples: dict[int, list[float]] = {}
    for fleet in (SMALL, LARGE):
        with _server(templates, work, fleet, "filter") as server:
            samples[fleet] = [s for _ in range(3) for s in asyncio.run(_filter(server))]
    return Figure(
        "filter keystroke latency p95, 100k devices",
        p95(samples[LARGE]) * 1000,
        p95(samples[SMALL]) * 1000,
        "ms",
        Goal(ratio=1.2, at_most=50),
        f"{len(samples[LARGE])} keystrokes, key → frame; baseline: 1k",
    )


# ---------------------------------------------------------------------------- scroll


async def _scroll(server: Server) -> list[float]:
    app = make_app(server)
    samples: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await fully_loaded(app, pilot, server.fleet)
        grid = grid_of(app)
        frames = Frames(app, lambda: grid.scroll_offset.y)
        for _ in range(20):
            before = grid.scroll_offset.y
            since = len(frames.seen)
            start = time.perf_counter()
            app._driver.send_message(key_event_named("pagedown"))
            shown = await frames.first(lambda y, b=before: y > b, since)
            samples.append(shown - start)
            await asyncio.sleep(0.03)
    return samples


def scroll_page(templates: Templates, work: Path) -> Figure:
    samples: dict[int, list[float]] = {}
    for fleet in (SMALL, LARGE):
        with _server(templates, work, fleet, "scroll") as server:
            samples[fleet] = asyncio.run(_scroll(server)) + asyncio.run(_scroll(server))
    return Figure(
        "scroll one page (PageDown), 100k devices",
        median(samples[LARGE]) * 1000,
        median(samples[SMALL]) * 1000,
        "ms",
        Goal(ratio=1.2),
        "median of 40, key → frame; baseline: 1k",
    )


# ---------------------------------------------------------------------------- change feed


async def _change_feed(server: Server, token: str) -> list[float]:
    from mobitui.domain.models import DeviceState
    from mobitui.tui.messages import fleet_changed_signal

    app = make_app(server)
    samples: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await fully_loaded(app, pilot, server.fleet)
        screen = app.main_screen
        shown_changes = [0]

        def counting(delta: Delta) -> None:
            shown_changes[0] += 1

        # After the main screen's own subscriber (subscribed at its mount): a count means the
        # grid has taken the change, and the next frame shows it.
        fleet_changed_signal(screen).subscribe(screen, counting, immediate=True)
        frames = Frames(app, lambda: shown_changes[0])
        active = sorted(i for i, d in app.fleet.devices.items() if d.state is DeviceState.ACTIVE)
        for round_ in range(CHANGE_ROUNDS):
            ids = active[round_ * 100 : (round_ + 1) * 100]
            assert len(ids) == 100, "not enough active devices"
            await asyncio.to_thread(force_inactivate, server, token, ids)
            seq, wanted = app.fleet.seq, shown_changes[0] + 1
            since = len(frames.seen)
            start = time.perf_counter()
            app.poll_now()
            shown = await frames.first(lambda n, w=wanted: n >= w, since)
            samples.append(shown - start)
            await pilot.pause()
            assert app.fleet.seq > seq
            assert all(app.fleet.devices[i].state is DeviceState.INACTIVE for i in ids)
    return samples


def change_feed(templates: Templates, work: Path) -> Figure:
    samples: dict[int, list[float]] = {}
    for fleet in (SMALL, LARGE):
        with _server(templates, work, fleet, "changes") as server:
            samples[fleet] = asyncio.run(_change_feed(server, server.token()))
    return Figure(
        "change-feed refresh, 100 changed of 100k",
        median(samples[LARGE]) * 1000,
        median(samples[SMALL]) * 1000,
        "ms",
        Goal(ratio=1.2),
        f"poll → cache → grid frame, median of {CHANGE_ROUNDS}; baseline: 100 changed of 1k",
    )


# ---------------------------------------------------------------------------- retirement

#: The retirement the view is opened on: the same number of devices in both fleets.
RETIREMENT = 500
#: Devices of the retirement inactivated (behind the app's back) in each round's change.
RETIRED_PER_ROUND = 10
#: Rounds per app session; sessions alternate 1k and 100k, twice (a small machine's speed
#: drifts from minute to minute).
RETIREMENT_ROUNDS = 4


async def _retirement(server: Server, token: str) -> tuple[list[float], list[float]]:
    """Open the view on the same ``RETIREMENT`` checked devices, round after round, and take
    one change of ``RETIRED_PER_ROUND`` of them; close it between rounds."""
    from mobitui.domain.models import DeviceState
    from mobitui.tui.messages import fleet_changed_signal
    from mobitui.tui.screens.retirement import RetirementScreen
    from mobitui.tui.widgets.row_list import RowList

    app = make_app(server)
    opened: list[float] = []
    changed: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await fully_loaded(app, pilot, server.fleet)
        main = app.main_screen
        active = sorted(i for i, d in app.fleet.devices.items() if d.state is DeviceState.ACTIVE)
        ids = active[:RETIREMENT]
        assert len(ids) == RETIREMENT, f"only {len(ids)} active devices"
        app.fleet.check(ids)
        main.refresh_view()
        await pilot.pause()
        shown_changes = [0]

        def counting(delta: Delta) -> None:
            shown_changes[0] += 1

        def view_up() -> RetirementScreen | None:
            """The view, once it is the screen and its stage rows are in."""
            screen = app.screen
            if isinstance(screen, RetirementScreen) and screen.query_one("#stages", RowList).rows:
                return screen
            return None

        def quiet() -> bool:
            """The filter's index built (a thread holding the interpreter lock 0.2-0.45 s at
            100k, just after the load) and rebuilt after the last change (a second after it)."""
            preparing = any(w.group == "prepare-filter" and w.is_running for w in app.workers)
            return main._prepare_timer is None and not preparing

        views = Frames(app, view_up)
        changes = Frames(app, lambda: shown_changes[0])

        async def open_view() -> tuple[float, RetirementScreen]:
            await until(quiet, limit=120)
            await pilot.pause()
            since = len(views.seen)
            start = time.perf_counter()
            app._driver.send_message(key_event("R"))
            shown = await views.first(lambda s: s is not None, since)
            screen = app.screen
            assert isinstance(screen, RetirementScreen)
            # Settled: the requests (the stall clock) loaded and folded in.
            await until(lambda: screen.requests_loaded, limit=120)
            await pilot.pause()
            return shown - start, screen

        async def close_view() -> None:
            await pilot.press("escape")
            await until(lambda: app.screen is main, limit=120)
            await pilot.pause()

        # Unmeasured: the first open makes and stores the record (and imports the view); every
        # measured open below reopens it from its file, as an admin coming back to it does.
        await open_view()
        await close_view()
        for round_ in range(RETIREMENT_ROUNDS):
            took, screen = await open_view()
            opened.append(took)
            # After the view's own subscriber (subscribed at its mount): a count means the
            # view has taken the change (observed, saved, repainted); the next frame shows it.
            fleet_changed_signal(screen).subscribe(screen, counting, immediate=True)
            batch = ids[round_ * RETIRED_PER_ROUND : (round_ + 1) * RETIRED_PER_ROUND]
            assert all(app.fleet.devices[i].state is DeviceState.ACTIVE for i in batch)
            await asyncio.to_thread(force_inactivate, server, token, batch)
            wanted = shown_changes[0] + 1
            since = len(changes.seen)
            start = time.perf_counter()
            app.poll_now()
            shown = await changes.first(lambda n, w=wanted: n >= w, since)
            changed.append(shown - start)
            await pilot.pause()
            traces = screen.retirement.traces
            assert all(traces[i].device.state is DeviceState.INACTIVE for i in batch)
            assert all(traces[i].inactive_at is not None for i in batch)
            await close_view()
    return opened, changed


def retirement_view(templates: Templates, work: Path) -> list[Figure]:
    opened: dict[int, list[float]] = {SMALL: [], LARGE: []}
    changed: dict[int, list[float]] = {SMALL: [], LARGE: []}
    for fleet in (SMALL, LARGE, SMALL, LARGE):
        with _server(templates, work, fleet, "retirement") as server:
            took, followed = asyncio.run(_retirement(server, server.token()))
        opened[fleet] += took
        changed[fleet] += followed
    rounds = len(opened[LARGE])
    return [
        Figure(
            f"retirement view: open, {RETIREMENT} of 100k",
            median(opened[LARGE]) * 1000,
            median(opened[SMALL]) * 1000,
            "ms",
            Goal(ratio=1.2),
            f"R → stage rows, the same {RETIREMENT} checked devices reopened, median of "
            f"{rounds}; baseline: {RETIREMENT} of 1k",
        ),
        Figure(
            f"retirement view: one change, {RETIRED_PER_ROUND} of its {RETIREMENT}, 100k",
            median(changed[LARGE]) * 1000,
            median(changed[SMALL]) * 1000,
            "ms",
            Goal(ratio=1.2),
            f"poll → cache → view's frame, median of {rounds}; baseline: the same at 1k",
        ),
    ]


# ---------------------------------------------------------------------------- memory


def _rss(*argv: str) -> float:
    out = subprocess.run(
        [sys.executable, "-m", "bench.rss", *argv],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])["rss_mb"]


def memory(templates: Templates, work: Path) -> Figure:
    with _server(templates, work, LARGE, "memory") as server:
        app = _rss("app", server.base_url, str(LARGE))
    bare = _rss("bare")
    return Figure(
        "resident memory, 100k devices",
        app,
        bare,
        "MB",
        Goal(over=150),
        "after load; baseline: the bare DataTable app",
    )


# ---------------------------------------------------------------------------- repaints


async def _bulk_repaints(server: Server, count: int) -> tuple[int, float, int]:
    from mobitui.tui.screens.action_menu import ActionMenu
    from mobitui.tui.screens.bulk.dialog import BulkActionScreen

    app = make_app(server)
    frames: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await fully_loaded(app, pilot, server.fleet)
        display = app._display

        def counting(screen: object, renderable: object) -> None:
            if renderable is not None:
                frames.append(time.perf_counter())
            display(screen, renderable)

        app._display = counting  # type: ignore[method-assign]
        ids = sorted(_plain(app))[:count]
        assert len(ids) == count, f"only {len(ids)} plain devices"
        app.fleet.check(ids)
        app.main_screen.refresh_view()
        await pilot.press("m")
        await until(lambda: isinstance(app.screen, ActionMenu))
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, BulkActionScreen))
        await pilot.pause()
        screen = app.screen
        screen.query_one("#password").focus()
        await pilot.press(*PASSWORD, "tab", "space")
        await pilot.pause()
        assert not screen.reasons(), screen.reasons()
        screen.query_one("#ok").focus()
        await pilot.pause()  # that focus change is drawn before the run, not counted in it
        frames.clear()
        start = time.perf_counter()
        await pilot.press("enter")
        await until(lambda: screen.phase != "running")
        took = time.perf_counter() - start
        during = len(frames)
        accepted = sum(1 for _ in ids) if screen.state is None else screen.state.total
    return during, took, accepted


def _plain(app: MobiApp) -> list[str]:
    from mobitui.domain.models import DeviceState, Enrollment, Platform

    return [
        d.id
        for d in app.fleet.devices.values()
        if d.state is DeviceState.ACTIVE
        and d.platform is Platform.IOS
        and d.enrollment is Enrollment.APPLE_MDM
        and not d.dep
        and not d.silent_wlan
    ]


#: Seconds each bulk call of the repaint figure is held at the server: ten batches, the first
#: alone and then four at a time, make a run of about six seconds.
BULK_LATENCY = 1.5


def repaints_during_bulk(templates: Templates, work: Path, count: int = 10_000) -> Figure:
    with _server(templates, work, LARGE, "repaints", latency=BULK_LATENCY) as server:
        frames, took, total = asyncio.run(_bulk_repaints(server, count))
    return Figure(
        f"repaints per second during a {count // 1000}k bulk operation",
        frames / took,
        None,
        "/s",
        Goal(at_most=10),
        f"{frames} frames in {took:.1f} s for {total} devices, each call held "
        f"{BULK_LATENCY:g} s at the server",
    )
