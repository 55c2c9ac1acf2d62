"""A 2xx bulk answer is reconciled with the ids sent, behind a hostile gateway (issue 13, #5).

The gateway (tests/gateway.py) forwards every call to the REAL reference server, which acts
on every device sent, then bends the ``items`` of its answer: none, half, one twice, one for a
device never sent, one with an outcome nobody knows. What must hold, for each shape:

- no device is reported done without an outcome, and the operation is never ``finished``
  while one has none: the batch stays open in the journal (on disk, read back the same);
- a missing (or unreadable) outcome leaves the device *unknown*; the other batches still go;
- an outcome for an id never sent, or two for one id, is a protocol error: nothing of that
  answer is recorded and no further batch is sent;
- once the gateway is fixed, resuming sends the open batches with their first keys and the
  same bodies: the server answers its first outcome, and its own audit log shows every device
  acted on exactly once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mobitui.api.errors import BulkIncomplete, ProtocolError
from mobitui.api.runner import new_operation, run_operation
from mobitui.domain.models import Outcome
from mobitui.domain.operation import NO_OUTCOME, Ending
from mobitui.domain.rules import Delete, ForceInactivate, Inactivate
from mobitui.local.audit_log import AuditLog
from mobitui.local.journal import Journal, read
from tests.contract.faults import PASSWORDS, Sim, acted_on, connect
from tests.contract.runs import force_inactivate
from tests.contract.test_faults import active_ids

PASSWORD = PASSWORDS["admin"]
Items = list[dict[str, Any]]

#: Shapes that leave some devices without an outcome: ``(bend, devices without one)``.
MISSING: dict[str, tuple[Callable[[Items, list[str]], Items], Callable[[list[str]], list[str]]]] = {
    "empty items": (lambda items, sent: [], lambda sent: sent),
    "half of them": (lambda items, sent: items[: len(items) // 2], lambda sent: sent[2:]),
    "an unknown outcome": (
        lambda items, sent: [{**items[0], "outcome": "maybe"}, *items[1:]],
        lambda sent: sent[:1],
    ),
}

#: Shapes that are not about what was sent: a protocol error.
BROKEN: dict[str, Callable[[Items, list[str]], Items]] = {
    "a duplicated item": lambda items, sent: [*items, items[0]],
    "a foreign id": lambda items, sent: [*items, {**items[0], "device_id": "d199999"}],
}


class Place:
    def __init__(self, root: Path) -> None:
        self.journal = Journal(root / "journal")
        self.audit = AuditLog(root / "audit.jsonl")


@pytest.fixture
def place(tmp_path: Path) -> Place:
    return Place(tmp_path / "state")


async def start(client: Any, place: Place, action: Any, ids: list[str], gateway: Any):
    return await new_operation(
        client,
        place.journal,
        action,
        ids,
        names={i: f"name of {i}" for i in ids},
        server=gateway.base_url,
        profile="test",
        account="admin",
    )


@pytest.mark.parametrize("shape", sorted(MISSING))
async def test_a_missing_outcome_leaves_the_batch_open_and_resume_settles_it_once(
    make_server, make_gateway, place, shape: str
) -> None:
    server = make_server(max_bulk=4)
    ids = await active_ids(server, 12)
    bend, without = MISSING[shape]
    gateway = make_gateway(server, bulk_items=bend)
    batches = [ids[i : i + 4] for i in range(0, 12, 4)]
    expected = [i for batch in batches for i in without(batch)]

    client = await connect(gateway)
    async with client:
        journal = await start(client, place, ForceInactivate(), ids, gateway)
        state = await run_operation(client, journal, place.audit, password=PASSWORD, agree=True)
    journal.close()
    # Never done, never finished: every batch is open, its unknown devices named.
    assert state.ending is None and state.resumable
    assert state.done == {} and len(state.partial) == 3
    assert list(state.unknown()) == expected
    assert [i for i, code in state.not_done() if code == NO_OUTCOME] == expected
    assert {i.device_id for i in state.items} == set(ids) - set(expected)
    # The other batches were still sent (one bad answer must not block the rest), once each.
    assert len(gateway.gateway.destructive()) == 3
    # The journal on disk says the same, and is offered for resuming.
    again = read(journal.path)
    assert again.state.ending is None and list(again.state.unknown()) == expected
    found, errors = place.journal.scan(server=gateway.base_url, profile="test", account="admin")
    assert errors == [] and [f.path for f in found] == [journal.path]
    assert {e["result"] for e in place.audit.entries()} == {"no_outcome"}

    # The gateway is fixed; the next run resends the same batches under the same keys.
    gateway.gateway.bulk_items = None
    client = await connect(gateway)
    async with client:
        with place.journal.open(journal.path) as reopened:
            resumed = await run_operation(
                client, reopened, place.audit, password=PASSWORD, agree=True
            )
    assert resumed.ending is Ending.FINISHED and resumed.unknown() == ()
    assert resumed.counts()[Outcome.ACCEPTED] == 12
    sent = gateway.gateway.destructive()
    assert len(sent) == 6
    first, second = sent[:3], sent[3:]
    assert sorted((s.key, tuple(s.body["device_ids"])) for s in first) == sorted(
        (s.key, tuple(s.body["device_ids"])) for s in second
    )  # same keys, same bodies: answered from the first outcome, never acted on again
    assert acted_on(await Sim(server).audit("force_inactivate")) == {i: 1 for i in ids}


@pytest.mark.parametrize("shape", sorted(BROKEN))
async def test_an_answer_about_other_devices_is_a_protocol_error_that_stops_the_run(
    make_server, make_gateway, place, shape: str
) -> None:
    server = make_server(max_bulk=4)
    ids = await active_ids(server, 12)
    gateway = make_gateway(server, bulk_items=BROKEN[shape])
    client = await connect(gateway)
    async with client:
        journal = await start(client, place, Inactivate(), ids, gateway)
        with pytest.raises(BulkIncomplete) as stopped:
            await run_operation(client, journal, place.audit, password=PASSWORD, agree=True)
    journal.close()
    error = stopped.value.cause
    assert isinstance(error, ProtocolError) and error.status is None
    assert "protocol error" in error.message
    assert ("d199999" if shape == "a foreign id" else ids[0]) in error.message
    # Nothing of that answer was believed, nothing more was sent, the operation is open.
    state = read(journal.path).state
    assert state.ending is None and state.done == {} and state.partial == {}
    assert len(state.open_batches) == 3 and state.items == ()
    assert len(gateway.gateway.destructive()) == 1
    assert [e["result"] for e in place.audit.entries()] == ["protocol_error"]

    gateway.gateway.bulk_items = None
    client = await connect(gateway)
    async with client:
        with place.journal.open(journal.path) as reopened:
            resumed = await run_operation(
                client, reopened, place.audit, password=PASSWORD, agree=True
            )
    assert resumed.ending is Ending.FINISHED
    assert resumed.counts()[Outcome.ACCEPTED] == 12
    sent = gateway.gateway.destructive()
    assert sent[0].key == sent[1].key and sent[0].body == sent[1].body
    assert acted_on(await Sim(server).audit("inactivate")) == {i: 1 for i in ids}


async def test_a_deletion_answered_for_half_is_never_reported_deleted(
    make_server, make_gateway, place
) -> None:
    """The devices ARE gone on the server; the answer only names some: the rest are unknown,
    not "deleted", until a resend under the same key says so."""
    server = make_server(max_bulk=10)
    ids = await active_ids(server, 6)
    client = await connect(server)
    async with client:
        await force_inactivate(client, ids, password=PASSWORD, agree=True)
    gateway = make_gateway(server, bulk_items=lambda items, sent: items[:3])
    client = await connect(gateway)
    async with client:
        journal = await start(client, place, Delete(), ids, gateway)
        state = await run_operation(client, journal, place.audit, password=PASSWORD, agree=True)
        assert state.counts()[Outcome.DELETED] == 3 and list(state.unknown()) == ids[3:]
        assert state.resumable
        gateway.gateway.bulk_items = None
        again = await run_operation(client, journal, place.audit, password=PASSWORD, agree=True)
    assert again.ending is Ending.FINISHED and again.counts()[Outcome.DELETED] == 6
    assert acted_on(await Sim(server).audit("delete")) == {i: 1 for i in ids}


async def test_a_record_naming_other_devices_makes_the_journal_unreadable_not_done(
    make_server, place
) -> None:
    """A journal line (older version, tampering) that claims outcomes for other devices is
    named with its line, never folded into "done"."""
    server = make_server(max_bulk=5)
    ids = await active_ids(server, 3)
    client = await connect(server)
    async with client:
        journal = await start(client, place, Inactivate(), ids, server)
    journal.close()
    key = read(journal.path).state.spec.batches[0].key
    answer = {
        "id": "r1",
        "cancelled_jobs": 0,
        "items": [{"device_id": "d199999", "outcome": "accepted"}],
    }
    record = {"type": "batch_done", "key": key, "at": "2026-01-01T00:00:00+00:00", "result": answer}
    record = json.dumps(record) + "\n"
    with journal.path.open("a", encoding="utf-8") as out:
        out.write(record)
    from mobitui.local.journal import JournalError

    with pytest.raises(JournalError, match=r"line 2: .*never sent \(d199999\)"):
        read(journal.path)
