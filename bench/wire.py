"""Figures of the API client against raw httpx: full sync, and a 10k-device bulk inactivation.

Both sides talk to the same server process over loopback with the same pages or batches and the
same concurrency; the baseline does only what any client must (send, ``json.loads``), so the
ratio is the whole cost of our client: decoding into typed devices, sanitizing every server
string, the fleet cache, the journal's fsyncs, the audit log and the progress callbacks.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from bench.report import Figure, Goal, median
from bench.servers import PASSWORD, Server, Templates, force_inactivate

ROUNDS = 3
#: The warm start is a fraction of a second against several: a few rounds left its median
#: ratio flipping around the goal from run to run.
WARM_ROUNDS = 9
#: Bulk runs alternate raw and client, each on a fresh server: a run on this shared machine
#: varies by ±20 % from one to the next, so five of each, not three, before the medians.
BULK_ROUNDS = 5


async def _client_sync(server: Server) -> float:
    from mobitui.api.client import MobiClient
    from mobitui.fleet.cache import Fleet
    from mobitui.fleet.sync import FleetSync

    async with MobiClient(server.base_url) as client:
        await client.login("admin", PASSWORD)
        fleet = Fleet()
        start = time.perf_counter()
        await FleetSync(client, fleet).full()
        took = time.perf_counter() - start
    assert len(fleet.devices) == server.fleet, len(fleet.devices)
    return took


async def _raw_sync(server: Server, token: str) -> float:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=server.api_url, headers=headers) as http:
        limit = (await http.get("/limits")).json()["max_page_size"]
        start = time.perf_counter()
        count, cursor = 0, None
        while True:
            params = {"limit": str(limit)} | ({"cursor": cursor} if cursor else {})
            page = json.loads((await http.get("/devices", params=params)).content)
            count += len(page["items"])
            if not (cursor := page["next_cursor"]):
                break
        took = time.perf_counter() - start
    assert count == server.fleet, count
    return took


def full_sync(templates: Templates, work: Path, fleet: int = 100_000) -> Figure:
    db = templates.database(fleet, "sync")
    client, raw = [], []
    with Server(db, fleet, work / "server.log") as server:
        token = server.token()
        for _ in range(ROUNDS):
            raw.append(asyncio.run(_raw_sync(server, token)))
            client.append(asyncio.run(_client_sync(server)))
    return Figure(
        f"full device sync, {fleet // 1000}k devices",
        median(client),
        median(raw),
        "s",
        Goal(ratio=1.3),
        "paging + decode; baseline: raw httpx + json.loads",
    )


# ---------------------------------------------------------------------------- bulk


def _targets(server: Server, token: str, count: int) -> list[str]:
    """The first ``count`` active devices by id: the same for both sides."""
    headers = {"Authorization": f"Bearer {token}"}
    found: list[str] = []
    cursor = None
    with httpx.Client(base_url=server.api_url, headers=headers) as http:
        while len(found) < count:
            params = {"limit": "1000", "state": "active"} | ({"cursor": cursor} if cursor else {})
            page = http.get("/devices", params=params).json()
            found += [d["id"] for d in page["items"]]
            if not (cursor := page["next_cursor"]):
                break
    return sorted(found)[:count]


async def _client_bulk(server: Server, ids: list[str], folder: Path) -> float:
    from mobitui.api.client import MobiClient
    from mobitui.api.runner import new_operation, run_operation
    from mobitui.domain.rules import Inactivate
    from mobitui.local.audit_log import AuditLog
    from mobitui.local.journal import Journal

    progress: list[int] = []
    async with MobiClient(server.base_url) as client:
        await client.login("admin", PASSWORD)
        start = time.perf_counter()
        journal = await new_operation(
            client,
            Journal(folder / "journal"),
            Inactivate(),
            ids,
            names={i: i for i in ids},
            server=server.base_url,
            profile="bench",
            account="admin",
        )
        state = await run_operation(
            client,
            journal,
            AuditLog(folder / "audit.jsonl"),
            password=PASSWORD,
            agree=True,
            concurrency=4,
            on_progress=lambda done, total: progress.append(done),
        )
        took = time.perf_counter() - start
        journal.close()
    assert not state.open_batches and progress[-1] == len(ids), (state, progress[-1:])
    return took


async def _raw_bulk(server: Server, ids: list[str], token: str) -> float:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=server.api_url, headers=headers, timeout=60) as http:
        limit = (await http.get("/limits")).json()["max_bulk_devices"]
        gate = asyncio.Semaphore(4)

        async def send(batch: list[str]) -> None:
            body = {
                "device_ids": batch,
                "password": PASSWORD,
                "agree": True,
                "remove_apple_mdm_profile": False,
                "scheduled_at": None,
            }
            async with gate:
                answer = await http.post(
                    "/inactivations", json=body, headers={"Idempotency-Key": uuid.uuid4().hex}
                )
                answer.raise_for_status()
                json.loads(answer.content)

        start = time.perf_counter()
        await asyncio.gather(*(send(ids[i : i + limit]) for i in range(0, len(ids), limit)))
        return time.perf_counter() - start


def bulk_inactivation(templates: Templates, work: Path, count: int = 10_000) -> Figure:
    fleet = 20_000
    client, raw = [], []
    for round_ in range(BULK_ROUNDS):
        for side in ("raw", "client"):
            db = templates.database(fleet, f"bulk-{side}-{round_}")
            with Server(db, fleet, work / "server.log") as server:
                token = server.token()
                ids = _targets(server, token, count)
                assert len(ids) == count
                if side == "raw":
                    raw.append(asyncio.run(_raw_bulk(server, ids, token)))
                else:
                    with tempfile.TemporaryDirectory(dir=work) as folder:
                        client.append(asyncio.run(_client_bulk(server, ids, Path(folder))))
    return Figure(
        f"bulk inactivation, {count // 1000}k devices",
        median(client),
        median(raw),
        "s",
        Goal(ratio=1.1),
        f"batches, journal, audit, progress, median of {BULK_ROUNDS}; baseline: raw httpx, "
        "same batches, 4 at a time",
    )


async def _start(server: Server, cache_file: Path, *, save: bool) -> tuple[float, bool]:
    """Seconds from nothing to a complete, current fleet sorted for the first frame."""
    from mobitui.api.client import MobiClient
    from mobitui.fleet.cache import Fleet, ViewSpec
    from mobitui.fleet.snapshot import FleetCache
    from mobitui.fleet.sync import FleetSync

    async with MobiClient(server.base_url) as client:
        await client.login("admin", PASSWORD)
        fleet = Fleet()
        sync = FleetSync(client, fleet, FleetCache(cache_file))
        start = time.perf_counter()
        warm = await sync.start()
        fleet.view(ViewSpec())  # the order the first frame shows
        took = time.perf_counter() - start
        if save:
            await sync.save()
    assert len(fleet.devices) == server.fleet, len(fleet.devices)
    return took, warm


def warm_start(templates: Templates, work: Path, fleet: int = 100_000) -> Figure:
    db = templates.database(fleet, "warm")
    cold, warm = [], []
    with Server(db, fleet, work / "server.log") as server:
        token = server.token()
        ids = _targets(server, token, 100 * WARM_ROUNDS)
        for round_ in range(WARM_ROUNDS):
            cache_file = work / f"fleet-{round_}.cache"
            took, was_warm = asyncio.run(_start(server, cache_file, save=True))
            assert not was_warm
            cold.append(took)
            force_inactivate(server, token, ids[round_ * 100 : (round_ + 1) * 100])
            took, was_warm = asyncio.run(_start(server, cache_file, save=False))
            assert was_warm, "the cache was not used"
            warm.append(took)
    return Figure(
        f"warm start, {fleet // 1000}k devices, 100 changed since",
        median(warm),
        median(cold),
        "s",
        Goal(ratio=0.2),
        f"fleet cached on disk + change feed, median of {WARM_ROUNDS}; baseline: cold start "
        "(full sync)",
    )
