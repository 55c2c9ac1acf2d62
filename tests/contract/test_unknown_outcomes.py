"""A refusal that follows an attempt which may have acted proves nothing (safety round 3, #1).

The first attempt of a bulk call reaches the REAL reference server (behind the hostile
gateway), which acts; then its answer is lost (the connection drops, the answer times out, a
502, a body cut short). The client resends under the same key, and that retry is refused: a
gateway's 409 ``idempotency_key_in_use`` ("that key is still being processed"), or a 422. That
refusal is about the retry, not about the first attempt: the devices may well have been
force-inactivated. So:

- the batch stays open (resumable), never recorded ``refused``; the operation is never ended
  ``refused`` ("nothing changed"), and the error says the outcome is unknown;
- the resume (same key, same body) gets the server's first answer and finishes, acting on
  each device exactly once by the server's own audit log;
- the good case stays: a wrong password on the very first, single attempt still ends the new
  operation as refused (nothing changed), so the admin can fix the password; so does a refusal
  after an attempt that certainly never left (connection refused).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from mobitui.api.errors import BulkIncomplete, Conflict, InvalidPassword, ValidationFailed
from mobitui.api.runner import final_refusal, new_operation, run_operation
from mobitui.domain.operation import Ending
from mobitui.domain.rules import ForceInactivate
from mobitui.local.audit_log import AuditLog
from mobitui.local.journal import Journal, read
from tests.contract.faults import (
    PASSWORDS,
    Fault,
    FaultyTransport,
    Sim,
    acted_on,
    connect,
    destructive,
    scheduled,
)
from tests.contract.test_faults import active_ids

PASSWORD = PASSWORDS["admin"]

#: First attempts after which the server acted and the client learnt nothing.
LOST = [Fault.DROP_AFTER, Fault.TIMEOUT_AFTER, Fault.GATEWAY_AFTER, Fault.TRUNCATE]
#: The retry's refusal, and the class it becomes.
REFUSALS = {Fault.KEY_IN_USE: Conflict, Fault.INVALID: ValidationFailed}


class Place:
    def __init__(self, root: Path) -> None:
        self.journal = Journal(root / "journal")
        self.audit = AuditLog(root / "audit.jsonl")


@pytest.fixture
def place(tmp_path: Path) -> Place:
    return Place(tmp_path / "state")


def faulty(faults: dict[int, Fault]) -> FaultyTransport:
    """Real HTTP to the gateway; the bulk calls numbered in ``faults`` bent."""
    return FaultyTransport(httpx.AsyncHTTPTransport(), plan=scheduled(faults), match=destructive)


async def start(client: Any, place: Place, ids: list[str], gateway: Any):
    return await new_operation(
        client,
        place.journal,
        ForceInactivate(),
        ids,
        names={},
        server=gateway.base_url,
        profile="test",
        account="admin",
    )


async def resume_cleanly(gateway: Any, place: Place, path: Path) -> Any:
    client = await connect(gateway)
    async with client:
        with place.journal.open(path) as reopened:
            return await run_operation(client, reopened, place.audit, password=PASSWORD, agree=True)


@pytest.mark.parametrize("refusal", sorted(REFUSALS))
@pytest.mark.parametrize("lost", LOST)
async def test_a_refused_retry_of_a_first_call_that_acted_leaves_the_operation_open(
    make_server, make_gateway, place, lost: Fault, refusal: Fault
) -> None:
    server = make_server(max_bulk=5, speed=0.0)
    ids = await active_ids(server, 10)
    gateway = make_gateway(server)
    transport = faulty({0: lost, 1: refusal})
    client = await connect(gateway, transport=transport)
    async with client:
        journal = await start(client, place, ids, gateway)
        with pytest.raises(BulkIncomplete) as stopped:
            await run_operation(client, journal, place.audit, password=PASSWORD, agree=True)
    journal.close()
    assert transport.faults() == [lost, refusal]
    # The server did act on the first batch, although the client's last word was a refusal.
    assert acted_on(await Sim(server).audit("force_inactivate")) == {i: 1 for i in ids[:5]}
    error = stopped.value.cause
    assert isinstance(error, REFUSALS[refusal]) and error.maybe_processed
    assert not final_refusal(error)
    assert "The outcome is unknown" in error.message and "nothing was changed" not in error.message
    assert "The outcome is unknown" in stopped.value.message
    # Nothing recorded as refused, nothing ended: both batches open, on disk too.
    state = read(journal.path).state
    assert state.ending is None and state.refused == {} and state.done == {}
    assert len(state.open_batches) == 2 and state.resumable
    found, _ = place.journal.scan(server=gateway.base_url, profile="test", account="admin")
    assert [f.path for f in found] == [journal.path]
    assert [e["result"] for e in place.audit.entries()] == ["no_answer"]

    resumed = await resume_cleanly(gateway, place, journal.path)
    assert resumed.ending is Ending.FINISHED and len(resumed.items) == 10
    assert acted_on(await Sim(server).audit("force_inactivate")) == {i: 1 for i in ids}
    # The first batch reached the gateway twice under its first key (the refused retry was
    # the gateway-like transport's own answer): the server answered the resend from its
    # first outcome.
    first_key = state.spec.batches[0].key
    assert [s.key for s in gateway.gateway.destructive()].count(first_key) == 2


async def test_a_refused_retry_of_a_later_batch_is_not_recorded_refused_for_good(
    make_server, make_gateway, place
) -> None:
    server = make_server(max_bulk=5, speed=0.0)
    ids = await active_ids(server, 15)
    gateway = make_gateway(server)
    # Batch 1 passes; batch 2's first attempt acts and is lost, its retry gets a 409.
    transport = faulty({1: Fault.DROP_AFTER, 2: Fault.KEY_IN_USE})
    client = await connect(gateway, transport=transport)
    async with client:
        journal = await start(client, place, ids, gateway)
        with pytest.raises(BulkIncomplete) as stopped:
            await run_operation(
                client, journal, place.audit, password=PASSWORD, agree=True, concurrency=1
            )
    journal.close()
    assert stopped.value.cause is not None and stopped.value.cause.maybe_processed
    state = read(journal.path).state
    first, second, third = state.spec.batches
    assert set(state.done) == {first.key} and state.refused == {}
    assert [b.key for b in state.open_batches] == [second.key, third.key]
    assert acted_on(await Sim(server).audit("force_inactivate")) == {i: 1 for i in ids[:10]}

    resumed = await resume_cleanly(gateway, place, journal.path)
    assert resumed.ending is Ending.FINISHED and len(resumed.items) == 15
    assert acted_on(await Sim(server).audit("force_inactivate")) == {i: 1 for i in ids}


async def test_a_wrong_password_on_the_first_single_attempt_still_ends_the_run_refused(
    make_server, make_gateway, place
) -> None:
    server = make_server(max_bulk=5, speed=0.0)
    ids = await active_ids(server, 10)
    gateway = make_gateway(server)
    client = await connect(gateway)
    async with client:
        journal = await start(client, place, ids, gateway)
        with pytest.raises(InvalidPassword) as refused:
            await run_operation(client, journal, place.audit, password="wrong", agree=True)
    assert not refused.value.maybe_processed and "nothing was changed" in refused.value.message
    assert journal.state.ending is Ending.REFUSED
    assert place.journal.scan(server=gateway.base_url, profile="test", account="admin")[0] == []
    assert len(gateway.gateway.destructive()) == 1
    assert acted_on(await Sim(server).audit("force_inactivate")) == {}


async def test_a_refusal_after_an_attempt_that_never_left_still_ends_the_run_refused(
    make_server, make_gateway, place
) -> None:
    """Connection refused: certainly never sent, so the wrong password's answer is final."""
    server = make_server(max_bulk=5, speed=0.0)
    ids = await active_ids(server, 5)
    gateway = make_gateway(server)
    client = await connect(gateway, transport=faulty({0: Fault.REFUSE}))
    async with client:
        journal = await start(client, place, ids, gateway)
        with pytest.raises(InvalidPassword) as refused:
            await run_operation(client, journal, place.audit, password="wrong", agree=True)
    assert not refused.value.maybe_processed
    assert journal.state.ending is Ending.REFUSED
