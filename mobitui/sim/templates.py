"""Seeded demo databases, kept once per fleet and shifted to today: ``mobitui demo`` copies one.

Seeding 5,000 devices takes about a third of a second, longer than the whole terminal UI takes
to start. The seeded database depends only on the generator, the fleet size, the seed and the
time it was seeded at, and every time in it is an offset from that moment; so the first demo
of a fleet keeps its freshly seeded database in the cache directory, and later ones copy it and
move every time forward by the same amount. The result is exactly the database a fresh seed
would give now (``tests/sim/test_templates.py`` compares the two, table by table), so nothing
else has to know it was copied.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import time
from dataclasses import replace
from pathlib import Path

from mobitui.sim import behaviour, fleet, hostile, store
from mobitui.sim.config import ServerConfig

#: Every column that holds a simulated time, in the tables a fresh seed fills.
TIME_COLUMNS: dict[str, tuple[str, ...]] = {
    "devices": ("last_seen_at", "next_event_at"),
    "requests": ("created_at", "scheduled_at", "executed_at"),
}
#: Times kept in ``meta`` (as ``repr`` of a float).
TIME_META = ("created_at", "clock_now")


def template_key(config: ServerConfig) -> str:
    """What the seeded database depends on: the generator's code (with the event timing it
    seeds pending devices by), the schema, the knobs."""
    digest = hashlib.sha256()
    for module in (behaviour, fleet, hostile, store):
        digest.update(Path(module.__file__ or "").read_bytes())
    digest.update(f"{config.fleet},{config.seed},{config.hostile}".encode())
    return digest.hexdigest()[:20]


def create_from_template(config: ServerConfig, cache_dir: Path, now: float | None = None) -> None:
    """Create ``config.db_path`` (which must not exist) as a fresh seed at ``now`` would be."""
    from mobitui.sim.world import World

    now = float(int(time.time() if now is None else now))
    template = cache_dir / f"demo-{template_key(config)}.sqlite3"
    if not template.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = template.with_name(f"{template.name}.{os.getpid()}.tmp")
        partial.unlink(missing_ok=True)
        World(replace(config, db_path=partial, start_at=now)).close()
        os.replace(partial, template)  # atomic: a concurrent demo sees all of it or none
    shutil.copyfile(template, config.db_path)
    shift_times(config.db_path, now)


def shift_times(db: Path, now: float) -> None:
    """Move every simulated time in ``db`` so that it was seeded at ``now``."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("BEGIN")
        seeded = float(store.get_meta(conn, "created_at") or now)
        delta = now - seeded
        for table, columns in TIME_COLUMNS.items():
            moved = ", ".join(f"{c} = {c} + ?" for c in columns)
            conn.execute(f"UPDATE {table} SET {moved}", (delta,) * len(columns))
        for key in TIME_META:
            value = store.get_meta(conn, key)
            if value is not None:
                store.set_meta(conn, key, repr(float(value) + delta))
        conn.execute("COMMIT")
    finally:
        conn.close()
