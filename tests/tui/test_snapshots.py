"""SVG snapshots of the main screen, in Japanese and English, at 80×24 and 160×50.

The server's clock is pinned (``start_at``) and frozen (``speed=0``) and the time zone is UTC,
so every time on screen is reproducible. Update with ``pytest --snapshot-update`` after a
deliberate change, and look at the SVGs before committing them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from mobitui.sim.server import BackgroundServer
from tests.tui.helpers import loaded, make_app

#: 2026-11-01T09:00:00Z
PINNED = 1793523600.0


@pytest.fixture(scope="module")
def pinned_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackgroundServer]:
    from mobitui.sim.config import ServerConfig

    db = tmp_path_factory.mktemp("snap") / "snap.sqlite3"
    config = ServerConfig(db_path=db, fleet=400, seed=11, speed=0, start_at=PINNED, rate_limit=None)
    with BackgroundServer(config) as server:
        yield server


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


async def _ready(pilot) -> None:
    await loaded(pilot)
    await pilot.press("down", "down", "space", "down", "space")
    await pilot.pause()


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
def test_main_screen(snap_compare, pinned_server, lang: str, size: tuple[int, int]) -> None:
    app = make_app(pinned_server, lang=lang)
    assert snap_compare(app, terminal_size=size, run_before=_ready)
