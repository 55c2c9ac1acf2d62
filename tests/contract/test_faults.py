"""Faults between the client and the REAL server: lost answers must never act twice.

The transport drops connections before and after the server processed a request, answers
503/502, and cuts bodies short. The server's own audit log and device states then prove that
every device was acted on exactly once, and the client's results cover every device.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mobitui.api.batches import Batch, run_batches
from mobitui.api.client import MobiClient
from mobitui.api.errors import BulkIncomplete, Unreachable
from mobitui.domain.models import DeviceState, Outcome
from tests.contract.faults import (
    PASSWORDS,
    PROCESSED,
    Fault,
    FaultyTransport,
    Sim,
    acted_on,
    connect,
    destructive,
    fast_retry,
    scheduled,
    seeded,
)
from tests.contract.runs import delete_devices, force_inactivate

PASSWORD = PASSWORDS["admin"]

#: Applied in order to the bulk POSTs: every kind of fault, never more than three in a row,
#: so each batch gets through within its attempts.
EVERY_FAULT = [
    Fault.DROP_AFTER,
    Fault.GATEWAY_AFTER,
    Fault.PASS,
    Fault.TRUNCATE,
    Fault.TRUNCATE_CLEAN,
    Fault.PASS,
    Fault.DROP_BEFORE,
    Fault.UNAVAILABLE,
    Fault.REFUSE,
    Fault.PASS,
    Fault.TIMEOUT_AFTER,
    Fault.RATE_LIMITED,
    Fault.PASS,
    Fault.DROP_AFTER,
    Fault.PASS,
    Fault.TRUNCATE,
    Fault.PASS,
]


async def faulty_client(server: Any, transport: FaultyTransport, **kw: Any) -> MobiClient:
    """A client whose calls go through ``transport``; logged in over a clean connection."""
    clean = await connect(server)
    async with clean:
        token = clean.token
    return MobiClient(server.base_url, token=token, transport=transport, **kw)


async def active_ids(server: Any, count: int) -> list[str]:
    client = await connect(server)
    async with client:
        ids = [d.id async for d in client.iter_devices(state=DeviceState.ACTIVE)][:count]
    assert len(ids) == count
    return ids


async def states(server: Any, ids: list[str]) -> set[DeviceState]:
    client = await connect(server)
    async with client:
        wanted = set(ids)
        return {d.state async for d in client.iter_devices() if d.id in wanted}


async def test_every_fault_mid_bulk_forces_each_device_exactly_once(make_server):
    running = make_server(max_bulk=20)
    ids = await active_ids(running, 100)
    transport = FaultyTransport(
        httpx.AsyncHTTPTransport(), plan=scheduled(EVERY_FAULT), match=destructive
    )
    client = await faulty_client(running, transport, retry=fast_retry(max_attempts=8))
    async with client:
        results = await force_inactivate(client, ids, password=PASSWORD, agree=True, concurrency=2)
    items = [i for r in results for i in r.items]
    # A resend that executed again would answer "skipped: already_inactive": it must replay.
    assert [i.device_id for i in items] == ids
    assert {i.outcome for i in items} == {Outcome.ACCEPTED}
    assert set(transport.faults()) >= PROCESSED | {
        Fault.DROP_BEFORE,
        Fault.UNAVAILABLE,
        Fault.RATE_LIMITED,
    }
    sent = [r for r in transport.log if destructive_path(r.path)]
    assert len({r.key for r in sent}) == 5 < len(sent)
    entries = await Sim(running).audit("force_inactivate")
    assert len(entries) == 5 and {e["result"] for e in entries} == {"ok"}
    counts = acted_on(entries)
    assert set(counts) == set(ids) and set(counts.values()) == {1}
    assert await states(running, ids) == {DeviceState.INACTIVE}


def destructive_path(path: str) -> bool:
    return path.endswith(("/inactivations", "/forced-inactivations", "/device-deletions"))


async def test_lost_deletion_answers_replay_instead_of_refusing(make_server):
    running = make_server(max_bulk=10)
    admin = await connect(running)
    async with admin:
        ids = [d.id async for d in admin.iter_devices(state=DeviceState.INACTIVE)][:16]
    # Every first attempt is processed by the server and its answer lost.
    transport = FaultyTransport(
        httpx.AsyncHTTPTransport(),
        plan=scheduled([Fault.DROP_AFTER, Fault.PASS, Fault.GATEWAY_AFTER, Fault.PASS]),
        match=destructive,
    )
    client = await faulty_client(running, transport, retry=fast_retry())
    async with client:
        results = await delete_devices(client, ids, password=PASSWORD, agree=True, concurrency=1)
    items = [i for r in results for i in r.items]
    assert [(i.device_id, i.outcome) for i in items] == [(i, Outcome.DELETED) for i in ids]
    counts = acted_on(await Sim(running).audit("delete"))
    assert set(counts) == set(ids) and set(counts.values()) == {1}


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_seeded_random_faults_never_duplicate_an_inactivation(make_server, seed):
    running = make_server(max_bulk=15)
    ids = await active_ids(running, 70)
    transport = FaultyTransport(
        httpx.AsyncHTTPTransport(),
        plan=seeded(seed, rate=0.5, faults=list(Fault)),
        match=lambda r: not r.url.path.endswith("/auth/login"),
    )
    client = await faulty_client(running, transport, retry=fast_retry(max_attempts=4))
    async with client:
        results, batches = await inactivate_like_a_journal(client, ids)
    assert transport.faults()
    # Results cover every device once, each accepted by exactly one request.
    items = [i for r in results for i in r.items]
    assert sorted(i.device_id for i in items) == sorted(ids)
    assert {i.outcome for i in items} == {Outcome.ACCEPTED}
    assert len({r.id for r in results}) == len(batches)
    entries = await Sim(running).audit("inactivate")
    counts = acted_on(entries)
    assert set(counts) == set(ids) and set(counts.values()) == {1}
    assert {e["request_id"] for e in entries} == {r.id for r in results}
    assert await states(running, ids) <= {DeviceState.INACTIVATION_PENDING, DeviceState.INACTIVE}


async def inactivate_like_a_journal(client: MobiClient, ids: list[str]):
    """Run the bulk call; resend whatever did not finish with the SAME batches and keys."""
    batches = await plan_until_it_works(client, ids)
    done: dict[str, Any] = {}
    pending: list[Batch] = list(batches)
    for _ in range(20):
        if not pending:
            break
        incomplete: BulkIncomplete | None = None
        try:
            results = await run_batches(
                pending,
                lambda b: client.send_inactivation(b, password=PASSWORD, agree=True),
            )
            done.update({b.key: r for b, r in zip(pending, results, strict=True)})
            pending = []
        except BulkIncomplete as error:
            incomplete = error
        if incomplete is not None:
            done.update({b.key: r for b, r in incomplete.done})
            pending = [b for b, _ in incomplete.failed] + list(incomplete.unsent)
    assert not pending, "the journal could not finish in 20 rounds"
    return [done[b.key] for b in batches], batches


async def plan_until_it_works(client: MobiClient, ids: list[str]) -> list[Batch]:
    for _ in range(20):
        try:
            return await client.plan(ids)
        except Unreachable:
            continue
    raise AssertionError("GET /limits never got through")


async def test_a_login_whose_answer_is_lost_is_not_resent(server):
    transport = FaultyTransport(httpx.AsyncHTTPTransport(), plan=scheduled([Fault.DROP_AFTER]))
    async with MobiClient(server.base_url, transport=transport, retry=fast_retry()) as client:
        with pytest.raises(Unreachable) as info:
            await client.login("admin", PASSWORDS["admin"])
    assert info.value.maybe_processed
    assert [(r.path, r.fault) for r in transport.log] == [("/api/v1/auth/login", Fault.DROP_AFTER)]
    assert PASSWORDS["admin"] not in info.value.message


async def test_reads_survive_truncated_and_dropped_answers(server):
    transport = FaultyTransport(
        httpx.AsyncHTTPTransport(),
        plan=scheduled([Fault.TRUNCATE, Fault.TRUNCATE_CLEAN, Fault.DROP_AFTER, Fault.PASS] * 20),
    )
    client = await faulty_client(server, transport, retry=fast_retry())
    async with client:
        ids = [d.id async for d in client.iter_devices(limit=30)]
    assert len(ids) == len(set(ids)) == server.config.fleet
