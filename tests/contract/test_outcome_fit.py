"""Every outcome of a bulk answer must fit the action sent (safety round 3, #4).

The contract: an inactivation and a forced inactivation answer ``accepted | skipped`` per
device, a deletion ``deleted | refused``; a forced inactivation with ``delete_after`` deletes
every device it found. The hostile gateway (tests/gateway.py) forwards each call to the REAL
reference server, which acts, then bends the outcomes of its answer. Before, ``accepted`` for
a deletion, ``deleted`` for an inactivation or an accepted device left undeleted by
``delete_after`` were all recorded and reported as they were (exit 0). Now each is a protocol
error like an outcome for a foreign id: nothing of that answer is recorded, no further batch
is sent, the batch stays open; once the gateway is fixed, the resume (same key, same body)
settles it and the server's own audit log shows every device acted on once.

What is left alone: a ``skipped`` / ``already_inactive`` for a device that was active fits the
action (someone else may have inactivated it a moment before); only reading the device again
could tell (see :mod:`mobitui.domain.reconcile`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mobitui.api.errors import BulkIncomplete, ProtocolError
from mobitui.api.runner import new_operation, run_operation
from mobitui.domain.models import ItemResult, Outcome, Reason
from mobitui.domain.operation import Ending
from mobitui.domain.reconcile import misfits
from mobitui.domain.rules import Action, Delete, ForceInactivate, Inactivate
from mobitui.local.audit_log import AuditLog
from mobitui.local.journal import Journal, JournalError, read
from tests.contract.faults import PASSWORDS, Sim, acted_on, connect
from tests.contract.runs import delete_devices, force_inactivate, inactivate
from tests.contract.test_faults import active_ids

PASSWORD = PASSWORDS["admin"]
Items = list[dict[str, Any]]


def every(**fields: Any) -> Callable[[Items, list[str]], Items]:
    """A ``bulk_items`` bend: the first item of the answer with ``fields`` changed."""
    return lambda items, sent: [{**items[0], **fields}, *items[1:]]


#: ``name: (action, server audit action, bend, words of the error)``.
SHAPES: dict[str, tuple[Action, str, Callable[[Items, list[str]], Items], str]] = {
    "accepted for a deletion": (
        Delete(),
        "delete",
        every(outcome="accepted"),
        "outcome 'accepted' for a deletion",
    ),
    "deleted for an inactivation": (
        Inactivate(),
        "inactivate",
        every(outcome="deleted"),
        "outcome 'deleted' for an inactivation",
    ),
    "refused for a forced inactivation": (
        ForceInactivate(),
        "force_inactivate",
        every(outcome="refused", reason="device_not_inactive"),
        "outcome 'refused' for a forced inactivation",
    ),
    "delete_after without the deleted flag": (
        ForceInactivate(delete_after=True),
        "force_inactivate",
        every(deleted=False),
        "not deleted, accepted, with delete_after",
    ),
    "the deleted flag without delete_after": (
        ForceInactivate(),
        "force_inactivate",
        every(deleted=True),
        "deleted, accepted, without delete_after",
    ),
    "a deletion's reason on an inactivation's skip": (
        Inactivate(),
        "inactivate",
        every(outcome="skipped", reason="device_not_inactive", progress=None),
        "reason 'device_not_inactive' with outcome 'skipped'",
    ),
    "a refused deletion flagged deleted": (
        Delete(),
        "delete",
        every(outcome="refused", reason="device_not_inactive", deleted=True),
        "deleted, with outcome 'refused' for a deletion",
    ),
}


class Place:
    def __init__(self, root: Path) -> None:
        self.journal = Journal(root / "journal")
        self.audit = AuditLog(root / "audit.jsonl")


@pytest.fixture
def place(tmp_path: Path) -> Place:
    return Place(tmp_path / "state")


async def start(client: Any, place: Place, action: Action, ids: list[str], gateway: Any):
    return await new_operation(
        client,
        place.journal,
        action,
        ids,
        names={},
        server=gateway.base_url,
        profile="test",
        account="admin",
    )


@pytest.mark.parametrize("shape", sorted(SHAPES))
async def test_an_outcome_that_does_not_fit_the_action_is_a_protocol_error(
    make_server, make_gateway, place, shape: str
) -> None:
    action, audited, bend, words = SHAPES[shape]
    server = make_server(max_bulk=4, speed=0.0)
    ids = await active_ids(server, 8)
    if isinstance(action, Delete):  # only inactive devices are deleted
        client = await connect(server)
        async with client:
            await force_inactivate(client, ids, password=PASSWORD, agree=True)
    gateway = make_gateway(server, bulk_items=bend)
    client = await connect(gateway)
    async with client:
        journal = await start(client, place, action, ids, gateway)
        with pytest.raises(BulkIncomplete) as stopped:
            await run_operation(client, journal, place.audit, password=PASSWORD, agree=True)
    journal.close()
    error = stopped.value.cause
    assert isinstance(error, ProtocolError) and error.status is None
    assert words in error.message and ids[0] in error.message
    # Nothing of that answer was believed, nothing more was sent, the operation is open.
    state = read(journal.path).state
    assert state.ending is None and state.done == {} and state.partial == {}
    assert len(state.open_batches) == 2 and state.items == ()
    assert len(gateway.gateway.destructive()) == 1
    assert [e["result"] for e in place.audit.entries()] == ["protocol_error"]

    gateway.gateway.bulk_items = None  # the gateway is fixed
    client = await connect(gateway)
    async with client:
        with place.journal.open(journal.path) as reopened:
            resumed = await run_operation(
                client, reopened, place.audit, password=PASSWORD, agree=True
            )
    assert resumed.ending is Ending.FINISHED and len(resumed.items) == 8
    sent = gateway.gateway.destructive()
    assert sent[0].key == sent[1].key and sent[0].body == sent[1].body
    assert acted_on(await Sim(server).audit(audited)) == {i: 1 for i in ids}


async def test_honest_answers_of_every_action_fit(make_server, place) -> None:
    """The reference server's own answers (accepted, skipped, deleted, refused, delete_after on
    an inactive device) are all believed."""
    server = make_server(max_bulk=10, speed=0.0)
    ids = await active_ids(server, 6)
    client = await connect(server)
    async with client:
        (first,) = await inactivate(client, ids[:3], password=PASSWORD, agree=True)
        again = await inactivate(client, ids[:3], password=PASSWORD, agree=True)  # skipped
        forced = await force_inactivate(client, ids[2:4], password=PASSWORD, agree=True)
        gone = await force_inactivate(
            client, [ids[3], ids[4]], delete_after=True, password=PASSWORD, agree=True
        )
        deleted = await delete_devices(client, [ids[2], ids[5]], password=PASSWORD, agree=True)
    assert {i.outcome for i in first.items} == {Outcome.ACCEPTED}
    assert {i.reason for i in again[0].items} == {Reason.ALREADY_PENDING}
    assert [i.outcome for i in forced[0].items] == [Outcome.ACCEPTED, Outcome.ACCEPTED]
    assert [(i.outcome, i.deleted) for i in gone[0].items] == [
        (Outcome.SKIPPED, True),
        (Outcome.ACCEPTED, True),
    ]
    assert [i.outcome for i in deleted[0].items] == [Outcome.DELETED, Outcome.REFUSED]


def test_a_skip_as_already_inactive_and_a_missing_reason_fit() -> None:
    """What cannot be told from a race (a skip for a device that was active) and what hides
    nothing (no reason given) are believed."""
    items = [
        ItemResult("d1", Outcome.SKIPPED, Reason.ALREADY_INACTIVE),
        ItemResult("d2", Outcome.SKIPPED, None),
        ItemResult("d3", Outcome.SKIPPED, Reason.NOT_FOUND, deleted=False),
    ]
    assert misfits(Inactivate(), items) == ()
    assert misfits(ForceInactivate(), items) == ()
    assert [m.device_id for m in misfits(ForceInactivate(delete_after=True), items)] == ["d1", "d2"]


async def test_a_journal_record_whose_outcome_does_not_fit_is_named_not_done(
    make_server, place
) -> None:
    server = make_server(max_bulk=5, speed=0.0)
    ids = await active_ids(server, 1)
    client = await connect(server)
    async with client:
        journal = await start(client, place, Delete(), ids, server)
    journal.close()
    key = read(journal.path).state.spec.batches[0].key
    answer = {
        "id": "r1",
        "cancelled_jobs": 0,
        "items": [{"device_id": ids[0], "outcome": "accepted"}],
    }
    record = {"type": "batch_done", "key": key, "at": "2026-01-01T00:00:00+00:00", "result": answer}
    with journal.path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record) + "\n")
    with pytest.raises(JournalError, match=r"line 2: .*outcome 'accepted' for a deletion"):
        read(journal.path)
