"""Nothing waits or pages without bound, behind a hostile gateway (issue 13, #10).

A gateway (tests/gateway.py) in front of the REAL reference server hands out a new cursor
forever, or sends its answers a byte at a time. The client must stop with an error that says
which bound was met, after a bounded number of requests. The deadlines are made small here;
the assertions are on the error and on how many requests reached the gateway, never on the
wall clock (a run that would hang is cut by the gateway's ``endless_limit`` or by a generous
safety net, and then fails its assertions).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from mobitui.api.client import MobiClient
from mobitui.api.errors import BulkIncomplete, MalformedResponse, Unreachable
from mobitui.api.runner import new_operation, run_operation
from mobitui.domain.operation import Ending
from mobitui.domain.rules import ForceInactivate
from mobitui.local.audit_log import AuditLog
from mobitui.local.journal import Journal, read
from tests.contract.faults import PASSWORDS, Sim, acted_on, connect, fast_retry
from tests.contract.test_faults import active_ids

#: Only ever reached by a client without the bound under test.
SAFETY_NET = 60.0


def slow_client(gateway: Any, **kw: Any) -> MobiClient:
    kw.setdefault("retry", fast_retry(max_attempts=3))
    kw.setdefault("attempt_deadline", 0.5)
    kw.setdefault("call_deadline", 5.0)
    return MobiClient(gateway.base_url, **kw)


async def logged_in(gateway: Any, **kw: Any) -> MobiClient:
    client = slow_client(gateway, **kw)
    await client.login("admin", PASSWORDS["admin"])
    return client


# --------------------------------------------------------------------------- paging


def new_devices_on_every_page() -> Any:
    """An ``answer`` hook: every page of ``GET /devices`` names devices never listed before
    (as a gateway inventing records would), so only the paging bound can stop the listing
    (a device listed twice is caught at once: tests/contract/test_listings.py)."""
    pages = {"n": 0}

    def answer(method: str, path: str, status: int, data: Any) -> Any:
        if method == "GET" and path.endswith("/devices") and isinstance(data, dict):
            pages["n"] += 1
            items = [{**d, "id": f"{d['id']}-{pages['n']}"} for d in data.get("items", [])]
            return {**data, "items": items}
        return data

    return answer


async def test_an_endless_cursor_stops_past_the_listings_total(make_server, make_gateway):
    server = make_server()  # 200 devices: one page of up to 1,000
    gateway = make_gateway(
        server, endless_cursor=True, endless_limit=200, answer=new_devices_on_every_page()
    )
    client = await connect(gateway)
    async with client:
        with pytest.raises(MalformedResponse) as stopped:
            async for _page in client.device_pages():
                pass
    message = stopped.value.message
    assert "kept handing out new pages past its total of 200 devices" in message
    assert "GET /api/v1/devices" in message
    assert gateway.gateway.count("GET", "/devices") <= 8  # six pages, one ahead, one spare


async def test_an_endless_cursor_with_a_smaller_page_is_bounded_too(make_server, make_gateway):
    server = make_server()
    gateway = make_gateway(
        server, endless_cursor=True, endless_limit=500, answer=new_devices_on_every_page()
    )
    client = await connect(gateway)
    async with client:
        with pytest.raises(MalformedResponse, match="past its total of 200 devices"):
            async for _page in client.device_pages(limit=50, first=10):
                pass
    # Five pages of 50 hold the 200 devices; the bound allows one page of slack, doubled.
    assert gateway.gateway.count("GET", "/devices") <= 2 * 5 + 2 + 2


async def test_the_requests_listing_stops_when_its_pages_bring_nothing_new(
    make_server, make_gateway
):
    server = make_server()
    gateway = make_gateway(
        server, endless_cursor=True, endless_paths=("/inactivations",), endless_limit=200
    )
    client = await connect(gateway)
    async with client:
        with pytest.raises(MalformedResponse, match="no request not seen before"):
            await client.inactivations()
    assert gateway.gateway.count("GET", "/inactivations") == 2


async def test_an_honest_listing_pages_to_its_end(make_server, make_gateway):
    server = make_server()
    gateway = make_gateway(server)
    client = await connect(gateway)
    async with client:
        pages = [p async for p in client.device_pages(limit=30, first=7)]
        requests = await client.inactivations()
    assert sum(len(p.items) for p in pages) == 200 and pages[-1].next_cursor is None
    assert len({d.id for p in pages for d in p.items}) == 200
    assert isinstance(requests, list)


# --------------------------------------------------------------------------- deadlines


def trickled(path_end: str, method: str = "GET"):
    return lambda m, path: m == method and path.endswith(path_end)


async def test_a_trickling_answer_meets_the_attempt_deadline_and_says_so(make_server, make_gateway):
    server = make_server()
    gateway = make_gateway(server, trickle=0.05, trickle_match=trickled("/devices"))
    client = await logged_in(gateway)
    async with client:
        with pytest.raises(Unreachable) as slow:
            async with asyncio.timeout(SAFETY_NET):
                await anext(client.device_pages())
    assert "no complete answer within 0.5 s (the server kept sending)" in slow.value.message
    assert not slow.value.maybe_processed  # a GET: nothing to be unsure about
    assert gateway.gateway.count("GET", "/devices") == 3  # every attempt the policy allows


async def test_the_call_deadline_bounds_every_attempt_and_wait_together(make_server, make_gateway):
    server = make_server()
    gateway = make_gateway(server, trickle=0.05, trickle_match=trickled("/groups"))
    client = await logged_in(
        gateway, retry=fast_retry(max_attempts=50), attempt_deadline=0.4, call_deadline=1.0
    )
    async with client:
        with pytest.raises(Unreachable) as slow:
            async with asyncio.timeout(SAFETY_NET):
                await client.groups()
    assert "no complete answer within 1 s, retries included" in slow.value.message
    assert gateway.gateway.count("GET", "/groups") <= 3  # never the 50 the policy would allow


async def test_a_trickled_bulk_answer_leaves_the_batch_open_and_resume_acts_once(
    make_server, make_gateway, tmp_path: Path
):
    """The server acted; its answer never completed: the batch is open, not lost, and its
    resend (same key) is answered from the first outcome."""
    server = make_server(max_bulk=5)
    ids = await active_ids(server, 10)
    gateway = make_gateway(
        server, trickle=0.05, trickle_match=trickled("/forced-inactivations", "POST")
    )
    journal = Journal(tmp_path / "journal")
    audit = AuditLog(tmp_path / "audit.jsonl")
    client = await logged_in(gateway, retry=fast_retry(max_attempts=2))
    async with client:
        operation = await new_operation(
            client,
            journal,
            ForceInactivate(),
            ids,
            names={},
            server=gateway.base_url,
            profile="test",
            account="admin",
        )
        with pytest.raises(BulkIncomplete) as stopped:
            async with asyncio.timeout(SAFETY_NET):
                await run_operation(
                    client, operation, audit, password=PASSWORDS["admin"], agree=True
                )
    operation.close()
    cause = stopped.value.cause
    assert isinstance(cause, Unreachable) and cause.maybe_processed
    assert "the server kept sending" in cause.message
    assert gateway.gateway.count("POST", "/forced-inactivations") == 2  # the same batch, twice
    assert read(operation.path).state.resumable

    gateway.gateway.trickle = None
    client = await connect(gateway)
    async with client:
        with journal.open(operation.path) as again:
            state = await run_operation(
                client, again, audit, password=PASSWORDS["admin"], agree=True
            )
    assert state.ending is Ending.FINISHED
    assert acted_on(await Sim(server).audit("force_inactivate")) == {i: 1 for i in ids}


async def test_the_default_deadlines_leave_room_for_a_slow_link() -> None:
    """A page of 1,000 devices (about 0.5 MB) at 64 kB/s takes eight seconds: far inside."""
    client = MobiClient("http://127.0.0.1:9")
    async with client:
        assert client._attempt_deadline >= 0.5 * 1024 * 1024 / (64 * 1024) * 10
        assert client._call_deadline >= 2 * client._attempt_deadline
        assert client._max_body >= 50 * 1024 * 1024  # the change feed of 100,000 devices
    with pytest.raises(ValueError):
        MobiClient("http://127.0.0.1:9", attempt_deadline=0)
