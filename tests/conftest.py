"""Shared fixtures: a reference server (real, over loopback) or its ASGI app, on a tiny fleet.

Every test gets its own database under ``tmp_path``; the fleet is small (200 devices, seed 7)
so a server starts in a fraction of a second, the simulation controls are on so tests can move
the clock instead of sleeping, and rate limiting is off so tests are never throttled by accident.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette

from mobitui.sim.app import create_app
from mobitui.sim.config import ServerConfig
from mobitui.sim.server import BackgroundServer


@pytest.fixture(autouse=True)
def _own_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own config, state and cache directories: no test ever reads or
    writes the real ~/.config/mobitui, ~/.local/state/mobitui (journals, audit log, tokens) or
    ~/.cache/mobitui (fleet snapshots, demo templates)."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("MOBITUI_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("MOBITUI_STATE_DIR", str(home / "state"))
    monkeypatch.setenv("MOBITUI_CACHE_DIR", str(home / "cache"))


@pytest.fixture
def server_config(tmp_path: Path) -> ServerConfig:
    return ServerConfig(
        db_path=tmp_path / "sim.sqlite3",
        fleet=200,
        seed=7,
        sim_controls=True,
        rate_limit=None,
    )


@pytest.fixture
def server(server_config: ServerConfig) -> Iterator[BackgroundServer]:
    with BackgroundServer(server_config) as running:
        yield running


@pytest.fixture
def make_server(
    server_config: ServerConfig, tmp_path: Path
) -> Iterator[Callable[..., BackgroundServer]]:
    """``make_server(**overrides)``: a started server; each call gets its own database
    unless ``db_path`` is given. All are stopped at teardown."""
    started: list[BackgroundServer] = []

    def make(**overrides: Any) -> BackgroundServer:
        if "db_path" not in overrides:
            overrides["db_path"] = tmp_path / f"sim-{len(started) + 1}.sqlite3"
        config = dataclasses.replace(server_config, **overrides)
        running = BackgroundServer(config).start()
        started.append(running)
        return running

    yield make
    for running in started:
        running.stop()


@pytest.fixture
def asgi_app(server_config: ServerConfig) -> Iterator[Starlette]:
    app = create_app(server_config)
    yield app
    app.state.world.close()


@pytest.fixture
def frozen_app(server_config: ServerConfig) -> Iterator[Starlette]:
    """The ASGI app with the simulated clock stopped (``speed=0``): time moves only through
    ``/sim/advance``, so the simulation is fully deterministic."""
    app = create_app(dataclasses.replace(server_config, speed=0.0))
    yield app
    app.state.world.close()


@pytest.fixture
def make_gateway() -> Iterator[Any]:
    """``make_gateway(server, **settings)``: a hostile gateway (tests/gateway.py) on a real
    loopback port in front of ``server``; stopped at teardown."""
    from tests.gateway import gateways

    yield from gateways()
