"""Warm starts from the fleet snapshot on disk, against the real server on loopback.

A warm start must end exactly where a full sync would, having asked the change feed only for
what changed since the snapshot; and whenever the snapshot may not be this server's fleet for
this account (a damaged file, another database, the server restored from a backup, another
scope, a change feed that refuses so old a seq, a server that offers no identity) it must fall
back to a full sync, whose fleet is then correct. The server's clock is stopped (``speed=0``),
so only the test changes devices.
"""

from __future__ import annotations

import shutil
import stat
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from mobitui.api.client import MobiClient
from mobitui.domain.models import DeviceState
from mobitui.fleet.cache import Fleet
from mobitui.fleet.snapshot import FleetCache, Snapshot
from mobitui.fleet.sync import FleetSync
from tests.contract.faults import PASSWORDS, fast_retry
from tests.contract.runs import force_inactivate, inactivate

Answer = Callable[[httpx.Request], httpx.Response | None]


class Wire(httpx.AsyncBaseTransport):
    """The real transport, a log of what was asked, and an optional answer of our own."""

    def __init__(self, answer: Answer | None = None) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.answer = answer
        self.asked: list[httpx.URL] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.asked.append(request.url)
        if self.answer is not None:
            own = self.answer(request)
            if own is not None:
                return own
        return await self.inner.handle_async_request(request)

    def paths(self) -> list[str]:
        return [url.path.removeprefix("/api/v1") for url in self.asked]


async def session(server: Any, account: str = "admin", wire: Wire | None = None) -> MobiClient:
    client = MobiClient(server.base_url, transport=wire, retry=fast_retry())
    await client.login(account, PASSWORDS[account])
    return client


async def full_fleet(server: Any, account: str = "admin") -> Fleet:
    """What a full sync from nothing finds on ``server`` now (no cache involved)."""
    fleet = Fleet()
    async with await session(server, account) as client:
        await FleetSync(client, fleet).full()
    return fleet


def same(a: Fleet, b: Fleet) -> bool:
    return (a.devices, a.groups, a.seq) == (b.devices, b.groups, b.seq)


@pytest.fixture
def server(make_server):
    return make_server(fleet=150, seed=9, speed=0.0)


@pytest.fixture
def cache(tmp_path: Path) -> FleetCache:
    return FleetCache.of("lab", "admin")


@pytest.fixture
async def saved(server, cache: FleetCache) -> AsyncIterator[Snapshot]:
    """A snapshot of ``server``'s fleet saved by a first (cold) start."""
    async with await session(server) as client:
        sync = FleetSync(client, Fleet(), cache)
        assert await sync.start() is False  # nothing on disk yet: a full sync
        assert await sync.save_if_due() is True
    snapshot = cache.load()
    assert snapshot is not None
    yield snapshot


async def act(server: Any, how: str, ids: list[str], **options: Any) -> None:
    """``how``: ``inactivate`` or ``force_inactivate``, run the way the TUI runs them."""
    call = {"inactivate": inactivate, "force_inactivate": force_inactivate}[how]
    async with await session(server) as client:
        await call(client, ids, password=PASSWORDS["admin"], agree=True, **options)


def active(snapshot: Snapshot, count: int, skip: int = 0) -> list[str]:
    ids = [d.id for d in snapshot.devices if d.state is DeviceState.ACTIVE]
    return ids[skip : skip + count]


async def test_a_warm_start_applies_exactly_the_changes_since_the_saved_seq(
    server, cache: FleetCache, saved: Snapshot
) -> None:
    inactivated, forced, deleted = active(saved, 3), active(saved, 2, 3), active(saved, 2, 5)
    await act(server, "inactivate", inactivated)
    await act(server, "force_inactivate", forced)
    await act(server, "force_inactivate", deleted, delete_after=True)

    wire = Wire()
    fleet = Fleet()
    async with await session(server, wire=wire) as client:
        feed = await client.changes(saved.seq)  # what the feed holds since the snapshot
        wire.asked.clear()
        assert await FleetSync(client, fleet, cache).start() is True

    # One question to the change feed, since the saved seq; not one page of devices.
    assert "/devices" not in wire.paths()
    asked = [u for u in wire.asked if u.path.endswith("/devices/changes")]
    assert [u.params["since"] for u in asked] == [str(saved.seq)]
    # Exactly the feed's changes were applied to the snapshot: nothing else moved.
    before = {d.id: d for d in saved.devices}
    moved = {
        i for i in before.keys() | fleet.devices.keys() if before.get(i) != fleet.devices.get(i)
    }
    assert moved == {d.id for d in feed.changes} | set(feed.deleted)
    assert moved >= set(inactivated + forced + deleted)
    assert {fleet.devices[i].state for i in inactivated} == {DeviceState.INACTIVATION_PENDING}
    assert {fleet.devices[i].state for i in forced} == {DeviceState.INACTIVE}
    assert not set(deleted) & fleet.devices.keys()
    assert fleet.seq == feed.seq > saved.seq
    # … and it ends exactly where a full sync from nothing does.
    assert same(fleet, await full_fleet(server))


async def test_a_warm_start_with_nothing_changed_asks_only_the_feed(
    server, cache: FleetCache, saved: Snapshot
) -> None:
    wire = Wire()
    fleet = Fleet()
    async with await session(server, wire=wire) as client:
        sync = FleetSync(client, fleet, cache)
        assert await sync.start() is True
        assert sync.dirty is False
        assert await sync.save() is False  # nothing new to write
    assert sorted(set(wire.paths())) == ["/auth/login", "/devices/changes", "/groups", "/limits"]
    assert same(fleet, await full_fleet(server))


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty"])
async def test_a_damaged_file_costs_a_full_sync_and_is_replaced(
    server, cache: FleetCache, saved: Snapshot, damage: str
) -> None:
    good = cache.path.read_bytes()
    cache.path.write_bytes(
        {"truncated": good[: len(good) // 3], "garbage": b"\x93" * 999, "empty": b""}[damage]
    )
    await act(server, "force_inactivate", active(saved, 2))
    fleet = Fleet()
    async with await session(server) as client:
        sync = FleetSync(client, fleet, cache)
        assert await sync.start() is False
        assert await sync.save_if_due() is True
    assert same(fleet, await full_fleet(server))
    replaced = cache.load()
    assert replaced is not None and replaced.seq == fleet.seq


async def test_a_snapshot_of_another_database_is_never_used(make_server, cache: FleetCache) -> None:
    """Two servers seeded alike (the same devices, ids and all), the second one further
    along its change feed: only the instance id tells the snapshot is not its fleet."""
    first = make_server(fleet=150, seed=9, speed=0.0)
    second = make_server(fleet=150, seed=9, speed=0.0)
    async with await session(first) as client:
        sync = FleetSync(client, Fleet(), cache)
        await sync.start()
        ids = [d.id for d in sync.fleet.devices.values() if d.state is DeviceState.ACTIVE][:6]
        await force_inactivate(client, ids[:1], password=PASSWORDS["admin"], agree=True)
        await sync.poll()
        assert await sync.save_if_due() is True
        first_id = (await client.limits()).instance_id
    for one in ids[1:]:  # the second server's seq passes the snapshot's, with other changes
        await act(second, "inactivate", [one])
    fleet = Fleet()
    async with await session(second) as client:
        assert (await client.limits()).instance_id not in (None, first_id)
        assert await FleetSync(client, fleet, cache).start() is False
    assert same(fleet, await full_fleet(second))
    assert fleet.devices[ids[0]].state is DeviceState.ACTIVE  # the first server's change
    assert not cache.path.exists()  # dropped (the next save writes the second's)


def back_up(server: Any, to: Path) -> None:
    server.stop()
    shutil.copyfile(server.config.db_path, to)  # stopped: the database is one whole file
    server.start()


def restore(server: Any, backup: Path) -> None:
    db = Path(server.config.db_path)
    server.stop()
    for leftover in db.parent.glob(db.name + "-*"):  # -wal, -shm
        leftover.unlink()
    shutil.copyfile(backup, db)
    server.start()


async def ahead_of_a_backup(server: Any, cache: FleetCache, saved: Snapshot, backup: Path):
    """Back the database up, change devices, save a snapshot: the snapshot is ahead of the
    backup. Returns the (closed) sync that saved it and the server's instance id."""
    back_up(server, backup)
    await act(server, "force_inactivate", active(saved, 4))
    async with await session(server) as client:
        sync = FleetSync(client, Fleet(), cache)
        assert await sync.start() is True
        instance = (await client.limits()).instance_id
        assert await sync.save() is True
    ahead = cache.load()
    assert ahead is not None and ahead.seq > saved.seq
    return sync, instance


async def test_a_server_restored_from_a_backup_is_synced_in_full(
    server, cache: FleetCache, saved: Snapshot, tmp_path: Path
) -> None:
    _, instance = await ahead_of_a_backup(server, cache, saved, tmp_path / "backup.sqlite3")
    restore(server, tmp_path / "backup.sqlite3")
    fleet = Fleet()
    async with await session(server) as client:
        assert (await client.limits()).instance_id == instance  # the same database, gone back
        assert await FleetSync(client, fleet, cache).start() is False
    assert fleet.seq == saved.seq
    assert same(fleet, await full_fleet(server))
    assert {fleet.devices[i].state for i in active(saved, 4)} == {DeviceState.ACTIVE}


async def test_a_restore_seen_by_a_running_session_deletes_the_snapshot(
    server, cache: FleetCache, saved: Snapshot, tmp_path: Path
) -> None:
    live, _ = await ahead_of_a_backup(server, cache, saved, tmp_path / "backup.sqlite3")
    restore(server, tmp_path / "backup.sqlite3")
    async with await session(server) as client:  # the old token died with the restore
        live.client = client
        await live.poll()  # the feed answers a seq behind the fleet's
        assert not cache.path.exists()
        await act(server, "inactivate", active(saved, 1, 10))
        await live.poll()
        assert await live.save() is False  # this run's fleet is never saved again


async def test_another_scope_never_sees_the_admins_snapshot(
    server, cache: FleetCache, saved: Snapshot
) -> None:
    fleet = Fleet()
    async with await session(server, "branch-admin") as client:
        assert await FleetSync(client, fleet, cache).start() is False
    expected = await full_fleet(server, "branch-admin")
    assert same(fleet, expected)
    assert len(fleet.devices) < len(saved.devices)


async def test_a_feed_that_refuses_so_old_a_seq_costs_a_full_sync(
    server, cache: FleetCache, saved: Snapshot
) -> None:
    def gone(request: httpx.Request) -> httpx.Response | None:
        if request.url.path.endswith("/devices/changes") and request.url.params.get("since") == str(
            saved.seq
        ):
            problem = {"type": "about:blank", "title": "Gone", "status": 410, "code": "seq_expired"}
            return httpx.Response(410, json=problem)
        return None

    await act(server, "inactivate", active(saved, 2))
    fleet = Fleet()
    wire = Wire(gone)
    async with await session(server, wire=wire) as client:
        assert await FleetSync(client, fleet, cache).start() is False
    assert "/devices" in wire.paths()  # paged in full
    assert same(fleet, await full_fleet(server))


async def test_a_server_without_an_identity_gets_no_snapshot(server, cache: FleetCache) -> None:
    def anonymous(request: httpx.Request) -> httpx.Response | None:
        if request.url.path.endswith("/limits"):
            return httpx.Response(200, json={"max_bulk_devices": 1000, "max_page_size": 1000})
        return None

    fleet = Fleet()
    async with await session(server, wire=Wire(anonymous)) as client:
        sync = FleetSync(client, fleet, cache)
        assert await sync.start() is False
        assert await sync.save() is False
    assert not cache.path.exists()
    assert same(fleet, await full_fleet(server))


async def test_the_file_holds_no_token_and_no_password(
    server, cache: FleetCache, saved: Snapshot
) -> None:
    async with await session(server) as client:
        token = client.token
        assert token is not None
        await FleetSync(client, Fleet(), cache).full()
    data = cache.path.read_bytes()
    assert stat.S_IMODE(cache.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.path.parent.stat().st_mode) == 0o700
    for secret in (*PASSWORDS.values(), token):
        assert secret.encode() not in data
    assert len(saved.devices) == server.config.fleet


async def test_saves_are_throttled_and_skip_when_nothing_changed(server, cache: FleetCache) -> None:
    now = [1000.0]
    async with await session(server) as client:
        sync = FleetSync(client, Fleet(), cache, save_every=30.0, clock=lambda: now[0])
        await sync.start()
        assert await sync.save_if_due() is True  # after a full sync: at once
        assert await sync.save_if_due() is False  # nothing changed
        first = cache.load()
        assert first is not None
        ids = [d.id for d in first.devices if d.state is DeviceState.ACTIVE][:3]
        await force_inactivate(client, ids[:2], password=PASSWORDS["admin"], agree=True)
        await sync.poll()
        now[0] += 10
        assert await sync.save_if_due() is False  # changed, but saved 10 s ago
        now[0] += 25
        assert await sync.save_if_due() is True
        await sync.forget()  # logout: deleted, and never written again
        await force_inactivate(client, ids[2:], password=PASSWORDS["admin"], agree=True)
        assert (await sync.poll()).changed
        assert sync.dirty
        now[0] += 60
        assert await sync.save() is False
    assert not cache.path.exists()
