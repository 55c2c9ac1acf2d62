"""Fixtures shared by the TUI tests: a server whose clock is pinned, a UTC time zone."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from mobitui.sim.server import BackgroundServer

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
