"""``GET /limits`` names the database served: stable across restarts, new for every database
(a copy of a demo template included), so a client never takes one fleet for another."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import httpx

from mobitui.sim.app import create_app
from mobitui.sim.config import ServerConfig
from mobitui.sim.templates import create_from_template
from tests.sim.helpers import API, asgi_client


def instance_of(server) -> str:
    value = httpx.get(f"{server.api_url}/limits").json()["instance_id"]
    assert isinstance(value, str) and len(value) >= 16
    return value


def test_a_restart_keeps_the_id_and_another_database_has_its_own(make_server) -> None:
    first = make_server(fleet=20)
    twin = make_server(fleet=20)  # seeded alike: the same devices, another database
    before = instance_of(first)
    first.restart()
    assert instance_of(first) == before
    assert instance_of(twin) != before


async def test_every_copy_of_a_demo_template_is_a_database_of_its_own(tmp_path: Path) -> None:
    config = ServerConfig(db_path=tmp_path / "unused", fleet=20, seed=3, rate_limit=None)
    ids = []
    for name in ("one.sqlite3", "two.sqlite3"):
        copy = dataclasses.replace(config, db_path=tmp_path / name)
        create_from_template(copy, tmp_path / "templates")
        app = create_app(copy)
        try:
            async with asgi_client(app) as client:
                ids.append((await client.get(f"{API}/limits")).json()["instance_id"])
        finally:
            app.state.world.close()
    assert ids[0] != ids[1]
