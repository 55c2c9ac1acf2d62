"""The database: restarts lose nothing, the fleet is deterministic and scales, secrets stay out."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from mobitui.sim import fleet
from mobitui.sim.app import create_app
from mobitui.sim.config import ServerConfig
from mobitui.sim.server import BackgroundServer
from mobitui.sim.store import DEVICE_INSERT_COLUMNS, connect
from tests.sim.helpers import (
    API,
    advance,
    all_devices,
    bearer,
    ids_where,
    login,
    post_action,
    seq_now,
)


async def test_restart_loses_nothing(make_server) -> None:
    running: BackgroundServer = make_server(speed=0.0)
    async with httpx.AsyncClient(base_url=running.base_url) as client:
        token = await login(client)
        devices = await all_devices(client, token)
        active = ids_where(devices, state="active")
        inactive = ids_where(devices, state="inactive")
        now = await advance(client, 1234)
        later = (datetime.fromisoformat(now) + timedelta(hours=1)).isoformat()
        scheduled = (
            await post_action(client, token, "/inactivations", active[:2], scheduled_at=later)
        ).json()
        await post_action(client, token, "/device-deletions", inactive[:1])
        replay_key = "restart-key"
        first = await post_action(client, token, "/inactivations", active[2:3], key=replay_key)
        seq = await seq_now(client, token)
        before = await all_devices(client, token)

        running.restart()

        # The token, the data, the change seq, the clock and the idempotency record survive.
        assert await seq_now(client, token) == seq
        assert await all_devices(client, token) == before
        stored = (
            await client.get(f"{API}/inactivations/{scheduled['id']}", headers=bearer(token))
        ).json()
        assert stored == scheduled
        again = await post_action(client, token, "/inactivations", active[2:3], key=replay_key)
        assert again.json() == first.json()
        clock = await advance(client, 0)
        assert datetime.fromisoformat(clock) >= datetime.fromisoformat(now)
        assert datetime.fromisoformat(clock) - datetime.fromisoformat(now) < timedelta(minutes=5)
        # And the scheduled request still executes on time after the restart.
        await advance(client, 3601)
        executed = (
            await client.get(f"{API}/inactivations/{scheduled['id']}", headers=bearer(token))
        ).json()
        assert executed["status"] in ("in_progress", "completed")
        entries = (await client.get(f"{API}/sim/audit")).json()["entries"]
        assert [e["action"] for e in entries] == ["inactivate", "delete", "inactivate"]


def test_same_seed_same_fleet_other_seed_other_fleet() -> None:
    now = 1_750_000_000.0
    first = fleet.generate(300, 42, now)
    second = fleet.generate(300, 42, now)
    other = fleet.generate(300, 43, now)
    assert first == second
    assert first.devices != other.devices
    assert first.groups == other.groups  # the tree itself is fixed


def test_generated_fleet_looks_like_a_real_tenant() -> None:
    now = 1_750_000_000.0
    generated = fleet.generate(5000, 1, now)
    col = {name: i for i, name in enumerate(DEVICE_INSERT_COLUMNS)}
    rows = generated.devices
    states = Counter(r[col["state"]] for r in rows)
    assert 0.05 < states["inactive"] / 5000 < 0.11
    assert 0.015 < states["inactivation_pending"] / 5000 < 0.05
    platforms = {r[col["platform"]] for r in rows}
    assert platforms == {"ios", "ipados", "android", "windows", "macos"}
    enrollments = {(r[col["platform"]], r[col["enrollment"]]) for r in rows}
    assert ("ios", "apple_mdm") in enrollments and ("ios", "hybrid_mdm") in enrollments
    assert ("android", "client_app") in enrollments and ("windows", "client_app") in enrollments
    versions = {r[col["os_version"]] for r in rows if r[col["platform"]] == "ios"}
    assert {"12.0", "12.1", "12.2", "13.0", "13.1", "14.8", "15.0"} <= versions
    assert any(v.startswith("17.") for v in versions)
    for r in rows:
        if r[col["dep_profile_removal_forbidden"]]:
            assert r[col["dep"]]
        if r[col["android_device_owner"]]:
            assert r[col["platform"]] == "android"
        if r[col["platform"]] in ("ios", "ipados", "macos"):
            assert len(r[col["serial"]]) == 12
        if r[col["phone_number"]]:
            assert r[col["phone_number"]][:3] in ("070", "080", "090")
    assert len({r[col["serial"]] for r in rows}) == 5000
    behaviours = Counter(r[col["behaviour"]] for r in rows)
    assert set(behaviours) == {
        "regular",
        "slow_user",
        "never_finishes",
        "wiped",
        "app_deleted",
        "away_for_repair",
    }
    names = [r[col["name"]] for r in rows]
    assert any("のiPhone" in n for n in names) and any("'s " in n for n in names)
    assert any(n.startswith("Sales-") for n in names)
    users = {r[col["user_name"]] for r in rows}
    assert any(u and u.isascii() for u in users) and any(u and not u.isascii() for u in users)
    seen = [r[col["last_seen_at"]] for r in rows if r[col["last_seen_at"]] is not None]
    assert max(seen) <= now and now - min(seen) > 14 * 86400


def test_hundred_thousand_devices_generate_quickly(tmp_path: Path) -> None:
    conn = connect(tmp_path / "big.sqlite3")
    started = time.perf_counter()
    conn.execute("BEGIN")
    fleet.seed(conn, 100_000, 1, 1_750_000_000.0)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    print(f"\n100,000 devices generated and stored in {elapsed:.2f} s")
    assert conn.execute("SELECT count(*) FROM devices").fetchone()[0] == 100_000
    plan = " ".join(
        str(r)
        for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM devices WHERE next_event_at <= 1 "
            "AND next_event_at IS NOT NULL"
        )
    )
    assert "devices_next_event" in plan
    conn.close()


async def test_no_password_ends_up_in_the_database(make_server, tmp_path: Path) -> None:
    db = tmp_path / "secrets.sqlite3"
    running: BackgroundServer = make_server(db_path=db)
    async with httpx.AsyncClient(base_url=running.base_url) as client:
        token = await login(client)
        await login(client, "operator")
        await login(client, "branch-admin")
        await client.post(f"{API}/auth/login", json={"account": "admin", "password": "Wr0ng-Pass!"})
        active = ids_where(await all_devices(client, token), state="active")
        await post_action(client, token, "/inactivations", active[:1])
        await post_action(client, token, "/forced-inactivations", active[1:2])
        await post_action(client, token, "/inactivations", active[2:3], password="Wr0ng-Pass!")
    running.stop()
    data = b"".join(p.read_bytes() for p in tmp_path.glob("secrets.sqlite3*"))
    assert data  # the database (and any WAL) was read
    for secret in ("demo-admin-pass", "demo-operator-pass", "demo-branch-pass", "Wr0ng-Pass!"):
        assert secret.encode() not in data
    assert token.encode() not in data  # tokens are stored as hashes only
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 3
    conn.close()


def test_opening_an_existing_database_does_not_reseed(tmp_path: Path) -> None:
    from mobitui.sim.app import create_app

    config = ServerConfig(db_path=tmp_path / "once.sqlite3", fleet=25, seed=1)
    first = create_app(config)
    first.state.world.close()
    second = create_app(ServerConfig(db_path=config.db_path, fleet=999, seed=9))
    try:
        conn = second.state.world.store.conn
        assert conn.execute("SELECT count(*) FROM devices").fetchone()[0] == 25
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        second.state.world.close()


TYPED_AS_NAME = "Typed-As-Name-S3cret!"


def _database_bytes(db: Path) -> bytes:
    data = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    assert data  # the database (and any WAL) was read
    return data


async def test_a_password_typed_as_the_account_name_is_never_stored(
    make_server, tmp_path: Path
) -> None:
    """The failure count is kept under a keyed digest: no clear name, no plain hash of it."""
    db = tmp_path / "typed.sqlite3"
    running: BackgroundServer = make_server(db_path=db)
    async with httpx.AsyncClient(base_url=running.base_url) as client:
        codes = [
            (
                await client.post(
                    f"{API}/auth/login", json={"account": TYPED_AS_NAME, "password": "x"}
                )
            ).status_code
            for _ in range(6)
        ]
    assert codes == [401] * 5 + [429]  # still counted per name
    running.stop()
    data = _database_bytes(db)
    secret = TYPED_AS_NAME.encode()
    assert secret not in data
    assert hashlib.sha256(secret).hexdigest().encode() not in data  # keyed, not guessable
    conn = sqlite3.connect(db)
    subjects = [r[0] for r in conn.execute("SELECT subject FROM password_failures")]
    conn.close()
    assert len(subjects) == 1 and subjects[0].startswith("login:")
    assert len(subjects[0]) == len("login:") + 64


async def test_an_old_database_with_clear_login_failures_opens_and_forgets_them(
    make_server, tmp_path: Path
) -> None:
    """A database from before the keyed digests: it opens, the clear names are scrubbed."""
    db = tmp_path / "old.sqlite3"
    create_app(ServerConfig(db_path=db, fleet=20, seed=3)).state.world.close()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("DROP TABLE password_failures")
    conn.execute(
        "CREATE TABLE login_failures (account TEXT PRIMARY KEY, failures INTEGER NOT NULL, "
        "locked_until REAL) WITHOUT ROWID"
    )
    conn.executemany(
        "INSERT INTO login_failures VALUES(?, ?, ?)",
        [(TYPED_AS_NAME, 3, None), ("admin", 40, 9.9e10)],
    )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    assert TYPED_AS_NAME.encode() in _database_bytes(db)  # the old server's clear name

    running: BackgroundServer = make_server(db_path=db, fleet=20, seed=3)
    async with httpx.AsyncClient(base_url=running.base_url) as client:
        token = await login(client)  # the old lock on "admin" is gone, not misread
        assert len(await all_devices(client, token)) == 20
        for _ in range(5):
            await client.post(f"{API}/auth/login", json={"account": "ghost", "password": "x"})
        slowed = await client.post(f"{API}/auth/login", json={"account": "ghost", "password": "x"})
        assert slowed.status_code == 429
    running.stop()
    assert TYPED_AS_NAME.encode() not in _database_bytes(db)
    conn = sqlite3.connect(db)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "login_failures" not in tables and "password_failures" in tables
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    # Opening it again is a no-op.
    create_app(ServerConfig(db_path=db, fleet=20, seed=3)).state.world.close()
