"""A soak of bulk operations through the journal, over a connection that misbehaves at random.

Inactivation, forced inactivation and deletion of the same devices run through the runner (the
journal, the local audit log) over a transport that drops connections before and after the
server acted, times out after it acted, answers 502/503 and 429, and cuts bodies short. Each
run that stops is resumed from its journal until it finishes. Then, for every seed:

- the server's own audit log shows every device acted on exactly once per action;
- every device has a recorded outcome in the journal;
- the local audit log's successful calls are exactly the server's (same request ids, same
  devices and outcomes), and every call the client lost the answer of is there as ``no_answer``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from mobitui.api.client import MobiClient
from mobitui.api.errors import BulkIncomplete
from mobitui.api.runner import new_operation, run_operation
from mobitui.domain.operation import Ending
from mobitui.domain.rules import Action, Delete, ForceInactivate, Inactivate
from mobitui.local.audit_log import AuditLog
from mobitui.local.journal import Journal
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
    seeded,
)
from tests.contract.test_faults import active_ids

PASSWORD = PASSWORDS["admin"]
EVERY_KIND = (*PROCESSED, Fault.DROP_BEFORE, Fault.UNAVAILABLE, Fault.REFUSE, Fault.RATE_LIMITED)


async def run_to_the_end(
    server: Any, journal: Journal, audit: AuditLog, action: Action, ids: list[str], seed: int
) -> tuple[Any, FaultyTransport]:
    """Plan, run, and resume after every stop, each time over the misbehaving connection."""
    transport = FaultyTransport(
        httpx.AsyncHTTPTransport(), plan=seeded(seed, 0.45, EVERY_KIND), match=destructive
    )
    token_client = await connect(server)
    async with token_client:
        token = token_client.token
    client = MobiClient(
        server.base_url, token=token, transport=transport, retry=fast_retry(max_attempts=3)
    )
    async with client:
        operation = await new_operation(
            client,
            journal,
            action,
            ids,
            names={},
            server=server.base_url,
            profile="soak",
            account="admin",
        )
        path = operation.path
        for _attempt in range(40):
            try:
                state = await run_operation(
                    client, operation, audit, password=PASSWORD, agree=True, concurrency=3
                )
            except BulkIncomplete:
                operation.close()
                operation = journal.open(path)  # as the next launch would
                continue
            operation.close()
            return state, transport
    raise AssertionError("the run never finished")


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_soak_every_device_once_every_outcome_recorded_audits_agree(
    make_server, tmp_path: Path, seed: int
) -> None:
    server = make_server(max_bulk=5, fleet=200, seed=seed)
    ids = await active_ids(server, 60)
    half = len(ids) // 2
    journal = Journal(tmp_path / "journal")
    audit = AuditLog(tmp_path / "audit.jsonl")
    faults: Counter[Fault] = Counter()
    for step, (action, devices) in enumerate(
        (
            (Inactivate(remove_apple_mdm_profile=True), ids[:half]),
            (ForceInactivate(), ids[half:]),
            (Delete(), ids[half:]),
        )
    ):
        state, transport = await run_to_the_end(
            server, journal, audit, action, devices, seed * 10 + step
        )
        faults.update(transport.faults())
        assert state.ending is Ending.FINISHED
        assert sorted(i.device_id for i in state.items) == sorted(devices)  # all recorded
        assert not state.not_done()
    # A real mix happened: several kinds of fault, some after the server had acted.
    assert len(set(faults)) >= 5 and set(faults) & PROCESSED, faults

    sim = Sim(server)
    assert acted_on(await sim.audit("inactivate")) == {i: 1 for i in ids[:half]}
    assert acted_on(await sim.audit("force_inactivate")) == {i: 1 for i in ids[half:]}
    assert acted_on(await sim.audit("delete")) == {i: 1 for i in ids[half:]}

    # The local audit log and the server's agree on every successful call.
    server_ok = {
        e["request_id"]: sorted((o["device_id"], o["outcome"]) for o in e["outcomes"])
        for e in await sim.audit()
        if e["result"] == "ok"
    }
    local = audit.entries()
    local_done = {
        e["request_id"]: sorted((o["device_id"], o["outcome"]) for o in e["outcomes"])
        for e in local
        if e["result"] == "done"
    }
    assert local_done == server_ok
    assert sum(1 for e in local if e["result"] == "done") == len(server_ok)  # each once
    # Every call whose answer was lost is on record, and its batch was settled later.
    settled = {e["batch"] for e in local if e["result"] == "done"}
    assert {e["batch"] for e in local if e["result"] == "no_answer"} <= settled
    assert PASSWORD.encode() not in audit.path.read_bytes()
