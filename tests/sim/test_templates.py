"""A demo database copied from a template and shifted to now equals a fresh seed at now."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from mobitui.sim.config import ServerConfig
from mobitui.sim.templates import create_from_template, template_key
from mobitui.sim.world import World

SEEDED, LATER = 1_790_000_000.0, 1_793_523_600.0


def tables(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: sorted(conn.execute(f"SELECT * FROM {n}").fetchall(), key=repr) for n in names}
    finally:
        conn.close()


@pytest.mark.parametrize("hostile", [False, True])
def test_a_shifted_template_is_exactly_a_fresh_seed(tmp_path: Path, hostile: bool) -> None:
    config = ServerConfig(db_path=tmp_path / "demo.sqlite3", fleet=300, seed=4, hostile=hostile)
    cache = tmp_path / "cache"
    create_from_template(replace(config, db_path=tmp_path / "first.sqlite3"), cache, SEEDED)
    create_from_template(config, cache, LATER)  # copied from the template seeded at SEEDED
    fresh = tmp_path / "fresh.sqlite3"
    World(replace(config, db_path=fresh, start_at=LATER)).close()
    assert tables(config.db_path) == tables(fresh)
    assert len(list(cache.iterdir())) == 1


def test_the_template_key_follows_the_knobs(tmp_path: Path) -> None:
    config = ServerConfig(db_path=tmp_path / "x", fleet=300, seed=4)
    assert template_key(config) == template_key(replace(config, db_path=tmp_path / "y"))
    assert template_key(config) != template_key(replace(config, seed=5))
    assert template_key(config) != template_key(replace(config, fleet=301))
    assert template_key(config) != template_key(replace(config, hostile=True))
