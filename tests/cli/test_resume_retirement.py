"""``mobitui resume`` folds what it finishes into the stored retirements holding its devices.

A real ``mobitui force-inactivate`` against the reference server is cut short the way
tests/cli/test_unknown_outcomes.py cuts one (:class:`~tests.contract.faults.FaultyTransport`:
one batch answered, the other's answer lost and its retry refused, so its outcome is unknown
and the operation stays open); ``mobitui resume --agree`` finishes it. The stored retirement
then holds each device's answer of that operation once, whatever is folded again.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mobitui.api.client import MobiClient
from mobitui.commands import common
from mobitui.domain.models import Device, Outcome
from mobitui.domain.retirement import Retirement, start
from mobitui.local import journal
from mobitui.local.retirements import RetirementStore, fold_operation
from tests.cli.test_chosen_devices import ACK, active, at, listing, run
from tests.cli.test_unknown_outcomes import journals, server_acted, with_faults
from tests.contract.faults import Fault


@pytest.fixture
def server(make_server):
    return make_server(fleet=120, seed=5, speed=0.0, max_bulk=4)


def retirement_of(gateway, devices: list[dict]) -> tuple[RetirementStore, Retirement]:
    store = RetirementStore(gateway.base_url, "admin")
    record = start(
        "sales-2025",
        "営業部 2025",
        gateway.base_url,
        "admin",
        [Device.from_json(d) for d in devices],
        datetime(2000, 1, 1, tzinfo=UTC),
    )
    store.save(record)
    return store, record


def finished_state(path: Path):
    return journal.read(path).state


def test_a_resumed_operation_is_folded_into_the_retirement_once(
    server, make_gateway, monkeypatch, capsys
) -> None:
    gateway = make_gateway(server)
    found = active(listing(gateway))
    ids = [d["id"] for d in found[:8]]  # two batches of four
    outsider = found[8]  # in the retirement, not in the operation
    store, _ = retirement_of(gateway, [*found[:3], *found[5:8], outsider])
    mine = [i for i in ids if i in store.load("sales-2025").device_ids]

    # One batch answered; the other acted on the server, its answer lost, its retry refused.
    transport = with_faults(monkeypatch, {0: Fault.PASS, 1: Fault.DROP_AFTER, 2: Fault.KEY_IN_USE})
    cut = run(
        "force-inactivate",
        *at(gateway),
        "--device",
        *ids,
        "--agree",
        *ACK,
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert Fault.DROP_AFTER in transport.faults()
    assert cut.code == 1, cut.err
    (opened,), _ = journals()
    op = journal.read(opened).state.spec.id
    halfway = store.load("sales-2025")
    answered = [i for i in mine if halfway.traces[i].steps]
    assert [s.outcome for i in answered for s in halfway.traces[i].steps] == [
        Outcome.ACCEPTED
    ] * len(answered)
    # the act folded what it knew: the answered batch; the other is open (no outcome yet)
    assert answered and len(answered) < len(mine), halfway
    monkeypatch.setattr(common, "MobiClient", MobiClient)  # the connection behaves again

    resumed = run(
        "resume",
        *at(gateway),
        "--agree",
        "--format",
        "json",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert resumed.code == 0, resumed.err
    assert sorted(r["device_id"] for r in json.loads(resumed.out)) == sorted(ids)
    assert server_acted(server, "force_inactivate") == {i: 1 for i in ids}
    opened_now, (done,) = journals()
    assert opened_now == []
    state = finished_state(done)
    assert state.spec.id == op

    record = store.load("sales-2025")
    for device_id in mine:
        trace = record.traces[device_id]
        assert {s.operation for s in trace.steps} == {op}, trace.steps
        outcomes = [s for s in trace.steps if s.outcome is not None]
        # the answer of that operation, exactly once (the resumed batch's too)
        assert [s.outcome for s in outcomes] == [Outcome.ACCEPTED], (device_id, trace.steps)
        assert outcomes[0].request_id in state.request_ids
        assert trace.request_ids == (outcomes[0].request_id,)
        assert trace.forced_at is not None and trace.problem is None, trace
    assert record.traces[outsider["id"]].steps == ()
    body = store.path_of("sales-2025").read_bytes()

    # Resume again: nothing to resume, nothing folded twice.
    again = run("resume", *at(gateway), "--agree", monkeypatch=monkeypatch, capsys=capsys)
    assert again.code == 0 and "nothing to resume" in again.err
    # And the finished operation folded once more (as a second look would): no change.
    folded = fold_operation(store, state, "admin")
    assert folded.changed == [] and folded.problems == []
    assert store.path_of("sales-2025").read_bytes() == body
