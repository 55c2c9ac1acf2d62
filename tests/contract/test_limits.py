"""The server's protections seen from the client: bulk size limit (auto-batching avoids 413),
a refused first batch stopping the run, and 429 rate limiting waited out."""

from __future__ import annotations

import asyncio

import pytest

from mobitui.api.batches import Batch
from mobitui.api.client import MobiClient
from mobitui.api.errors import InvalidPassword, RateLimited, TooManyDevices
from mobitui.api.retry import RetryPolicy
from mobitui.domain.models import DeviceState, Outcome
from tests.contract.faults import PASSWORDS, Sim, acted_on, connect
from tests.contract.runs import force_inactivate, inactivate

PASSWORD = PASSWORDS["admin"]


async def test_auto_batching_keeps_each_call_under_the_bulk_limit(make_server):
    running = make_server(max_bulk=50)
    client = await connect(running)
    async with client:
        assert (await client.limits()).max_bulk_devices == 50
        ids = [d.id async for d in client.iter_devices(state=DeviceState.ACTIVE)][:120]
        progress: list[tuple[int, int]] = []
        results = await force_inactivate(
            client,
            ids + ids[:10],  # duplicates are sent once
            password=PASSWORD,
            agree=True,
            concurrency=2,
            on_progress=lambda done, total: progress.append((done, total)),
        )
        assert [len(r.items) for r in results] == [50, 50, 20]
        assert [i.device_id for r in results for i in r.items] == ids
        assert {i.outcome for r in results for i in r.items} == {Outcome.ACCEPTED}
        assert progress[-1] == (120, 120) and len(progress) == 3
        states = {d.state async for d in client.iter_devices() if d.id in set(ids)}
        assert states == {DeviceState.INACTIVE}
    entries = await Sim(running).audit("force_inactivate")
    assert sorted(len(e["device_ids"]) for e in entries) == [20, 50, 50]
    assert set(acted_on(entries)) == set(ids) and set(acted_on(entries).values()) == {1}


async def test_one_oversize_batch_is_refused_with_413_and_changes_nothing(make_server):
    running = make_server(max_bulk=50)
    client = await connect(running)
    async with client:
        ids = [d.id async for d in client.iter_devices(state=DeviceState.ACTIVE)][:51]
        with pytest.raises(TooManyDevices) as info:
            await client.send_forced(Batch("k-413", tuple(ids)), password=PASSWORD, agree=True)
        assert (info.value.status, info.value.code) == (413, "too_many_devices")
        assert {d.state async for d in client.iter_devices() if d.id in set(ids)} == {
            DeviceState.ACTIVE
        }


async def test_a_wrong_password_stops_the_run_at_the_first_batch(make_server):
    running = make_server(max_bulk=50)
    client = await connect(running)
    async with client:
        ids = [d.id async for d in client.iter_devices(state=DeviceState.ACTIVE)][:120]
        with pytest.raises(InvalidPassword):
            await inactivate(client, ids, password="wrong", agree=True, concurrency=4)
        assert {d.state async for d in client.iter_devices() if d.id in set(ids)} == {
            DeviceState.ACTIVE
        }
    entries = await Sim(running).audit()
    assert [(e["result"], len(e["device_ids"])) for e in entries] == [("invalid_password", 50)]


async def test_rate_limited_calls_wait_for_retry_after_and_succeed(make_server):
    running = make_server(rate_limit=4.0)  # burst of 8, then one request per 0.25 s
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.sleep(0.3)  # enough for the bucket to refill one request

    retry = RetryPolicy(max_attempts=8, sleep=sleep, jitter=0.0)
    client = await connect(running, retry=retry)
    async with client:
        device = await anext(client.iter_devices())
        for _ in range(14):
            assert (await client.device(device.id)).id == device.id
    assert waits and all(w >= 1 for w in waits)  # the server's Retry-After, not our backoff

    impatient = await connect(running, retry=RetryPolicy(max_attempts=1))
    async with impatient:
        with pytest.raises(RateLimited) as info:
            for _ in range(20):
                await impatient.device(device.id)
    assert info.value.status == 429 and info.value.retry_after is not None
    assert info.value.code == "rate_limited"


async def test_limits_are_cached_per_client(server):
    async with MobiClient(server.base_url) as client:
        first = await client.limits()
        server.stop()
        assert await client.limits() is first
