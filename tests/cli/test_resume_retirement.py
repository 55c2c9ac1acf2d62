"""``mobitui resume`` folds what it finishes into the stored retirements holding its devices.

A real ``mobitui force-inactivate`` against the reference server is cut short the way
tests/cli/test_unknown_outcomes.py cuts one (:class:`~tests.contract.faults.FaultyTransport`:
one batch answered, the other's answer lost and its retry refused, so its outcome is unknown
and the operation stays open); ``mobitui resume --agree`` finishes it. The stored retirement
then holds each device's answer of that operation once, whatever is folded again.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mobitui.api.client import MobiClient
from mobitui.commands import common
from mobitui.domain.models import Device, Outcome
from mobitui.domain.retirement import Retirement, start
from mobitui.domain.rules import DeviceWarning
from mobitui.local import journal, paths
from mobitui.local.retirements import RetirementStore, fold_operation
from tests.cli.test_chosen_devices import ACK, PASSWORD, active, at, listing, run
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


# --------------------------------------------------------------------------- acknowledgements


def planned(server, ids: list[str], acknowledged) -> Path:
    """An operation of ``ids`` written to the journal as ``mobitui force-inactivate`` writes
    it, then cut off (``kill -9``) before anything was sent or folded."""
    from mobitui.api.runner import new_operation
    from mobitui.domain.rules import ForceInactivate
    from mobitui.local.journal import Journal

    async def go() -> Path:
        async with MobiClient(server.base_url) as client:
            await client.login("admin", PASSWORD)
            known = {d.id: d async for d in client.iter_devices() if d.id in ids}
            operation = await new_operation(
                client,
                Journal(paths.state_dir() / "journal"),
                ForceInactivate(),
                ids,
                names={i: known[i].name for i in ids},
                serials={i: known[i].serial for i in ids},
                server=server.base_url,
                profile="-",
                account="admin",
                acknowledged=acknowledged,
            )
            operation.close()
            return operation.path

    return asyncio.run(go())


def test_the_journal_keeps_the_acknowledgements_and_a_resume_folds_them(
    server, monkeypatch, capsys
) -> None:
    found = active(listing(server))
    ids = [d["id"] for d in found[:3]]
    store, _ = retirement_of(server, found[:3])
    # One device was acknowledged; a device outside the plan is never kept.
    given = {DeviceWarning.STILL_COMMUNICATING: frozenset({ids[0], "d999999"})}
    path = planned(server, ids, given)
    spec = journal.read(path).state.spec
    assert spec.acknowledged == {DeviceWarning.STILL_COMMUNICATING: frozenset({ids[0]})}
    assert store.load("sales-2025").traces[ids[0]].acknowledged == ()  # nothing folded yet

    resumed = run("resume", *at(server), "--agree", monkeypatch=monkeypatch, capsys=capsys)
    assert resumed.code == 0, resumed.err
    record = store.load("sales-2025")
    assert record.traces[ids[0]].acknowledged == (DeviceWarning.STILL_COMMUNICATING,)
    assert [record.traces[i].acknowledged for i in ids[1:]] == [(), ()]
    assert all(record.traces[i].forced_at is not None for i in ids)


def test_a_journal_written_before_acknowledgements_were_kept_still_resumes(
    server, monkeypatch, capsys
) -> None:
    found = active(listing(server))
    ids = [d["id"] for d in found[:3]]
    store, _ = retirement_of(server, found[:3])
    path = planned(server, ids, {DeviceWarning.STILL_COMMUNICATING: frozenset(ids)})
    # The plan as an older mobitui wrote it: no "acknowledged" field.
    header, *rest = path.read_bytes().split(b"\n", 1)
    old = json.loads(header)
    del old["acknowledged"]
    path.write_bytes(json.dumps(old, ensure_ascii=False).encode("utf-8") + b"\n" + b"".join(rest))
    assert journal.read(path).state.spec.acknowledged == {}

    resumed = run("resume", *at(server), "--agree", monkeypatch=monkeypatch, capsys=capsys)
    assert resumed.code == 0, resumed.err
    record = store.load("sales-2025")
    assert all(record.traces[i].forced_at is not None for i in ids)
    assert [record.traces[i].acknowledged for i in ids] == [(), (), ()]


def test_a_cli_run_keeps_its_acknowledgements_in_the_journal(server, monkeypatch, capsys) -> None:
    """What ``mobitui force-inactivate --acknowledge`` acknowledged is in its plan, device by
    device, and is what the retirement records."""
    found = active(listing(server))
    ids = [d["id"] for d in found[:6]]
    store, _ = retirement_of(server, found[:6])
    done = run(
        "force-inactivate",
        *at(server),
        "--device",
        *ids,
        "--agree",
        *ACK,
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert done.code == 0, done.err
    _, (finished,) = journals()
    spec = journal.read(finished).state.spec
    record = store.load("sales-2025")
    for device_id in ids:
        kept = {w for w, on in spec.acknowledged.items() if device_id in on}
        assert set(record.traces[device_id].acknowledged) == kept
    assert spec.acknowledged and set().union(*spec.acknowledged.values()) <= set(ids)
