"""One operation is folded into a retirement once (by its operation id), into every stored
retirement holding its devices, and a damaged file never stops the fold of the others."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from mobitui.domain.models import ItemProgress, ItemResult, Outcome
from mobitui.domain.operation import BatchDone, Ending
from mobitui.domain.retirement import Step, record_operation, start
from mobitui.domain.rules import DeviceWarning, Inactivate, OnDeviceWork
from mobitui.local.retirements import RetirementStore, fold_operation, mark_c_done_in
from tests.unit.test_retirement import NOW, device, retirement, state

ACKS = {DeviceWarning.DEP_PROFILE_REMOVAL_FORBIDDEN: frozenset({"a"})}


def answer(*ids: str, request: str = "req-1", key: str = "k1") -> BatchDone:
    items = tuple(ItemResult(i, Outcome.ACCEPTED, progress=ItemProgress.PENDING) for i in ids)
    return BatchDone(key, request, 0, items)


def test_the_same_operation_is_recorded_once() -> None:
    r = retirement(device(id="a"), device(id="b"))
    s = state(Inactivate(), answer("a", "b"))
    once = record_operation(r, s, "sato", acknowledged=ACKS)
    twice = record_operation(once, s, "sato", acknowledged=ACKS)
    assert twice == once
    assert [step.operation for step in once.trace("a").steps] == ["op1"]
    assert once.trace("a").request_ids == ("req-1",)
    assert once.trace("a").acknowledged == (DeviceWarning.DEP_PROFILE_REMOVAL_FORBIDDEN,)


def test_a_resumed_operation_adds_only_its_new_answers() -> None:
    r = retirement(device(id="a"), device(id="b"))
    first = answer("a")
    partial = state(Inactivate(), first, ids=("b",))
    partial.ending = Ending.ABANDONED
    r1 = record_operation(r, partial, "sato")
    assert r1.trace("b").problem == "abandoned"
    again = record_operation(r1, partial, "sato")
    assert again == r1  # the abandoned step is not repeated either
    later = state(Inactivate(), first, answer("b", request="req-2", key="k2"))
    r2 = record_operation(r1, later, "sato")
    assert len(r2.trace("a").steps) == 1
    assert r2.trace("b").request_ids == ("req-2",) and r2.trace("b").problem is None


def test_a_step_keeps_its_operation_through_the_file() -> None:
    step = Step(Inactivate().kind, NOW, "sato", "req-1", Outcome.ACCEPTED, operation="op1")
    assert Step.from_json(step.to_json()) == step
    old = step.to_json()
    del old["operation"]  # a file written before steps named their operation
    assert Step.from_json(old).operation is None


def store(account: str = "admin") -> RetirementStore:
    return RetirementStore("http://h:80", account)


def test_fold_saves_only_the_retirements_holding_its_devices() -> None:
    s = store()
    holding = retirement(device(id="a"), device(id="b"))
    other = start("ret2", "other", "http://h:80", "admin", [device(id="x")], NOW)
    s.save(holding)
    s.save(other)
    mtime = s.path_of("ret2").stat().st_mtime_ns
    folded = fold_operation(s, state(Inactivate(), answer("a", "b")), "sato", ACKS)
    assert [r.id for r in folded.changed] == ["ret1"] and folded.problems == []
    stored = s.load("ret1")
    assert stored.trace("a").request_ids == ("req-1",)
    assert stored.trace("a").acknowledged == (DeviceWarning.DEP_PROFILE_REMOVAL_FORBIDDEN,)
    assert s.load("ret2") == other and s.path_of("ret2").stat().st_mtime_ns == mtime
    # The same operation again: nothing changes, nothing is written.
    assert fold_operation(s, state(Inactivate(), answer("a", "b")), "sato", ACKS).changed == []
    assert len(s.load("ret1").trace("a").steps) == 1


def test_fold_ignores_another_server_and_another_accounts_store() -> None:
    mine, theirs = store(), store("other")
    mine.save(retirement(device(id="a")))
    theirs_record = start("ret1", "x", "http://h:80", "other", [device(id="a")], NOW)
    theirs.save(theirs_record)
    elsewhere = state(Inactivate(), answer("a"))
    elsewhere.spec = replace(elsewhere.spec, server="http://elsewhere")
    assert fold_operation(mine, elsewhere, "admin").changed == []
    assert [
        r.id for r in fold_operation(mine, state(Inactivate(), answer("a")), "admin").changed
    ] == ["ret1"]
    assert theirs.load("ret1") == theirs_record


def test_a_damaged_file_is_named_and_the_others_are_folded() -> None:
    s = store()
    s.save(retirement(device(id="a")))
    s.directory.joinpath("broken.json").write_text("{not json")
    s.directory.joinpath("broken.json").chmod(0o600)
    folded = fold_operation(s, state(Inactivate(), answer("a")), "admin")
    assert [r.id for r in folded.changed] == ["ret1"]
    assert len(folded.problems) == 1 and "broken.json" in str(folded.problems[0])
    assert s.directory.joinpath("broken.json").read_text() == "{not json"


def test_c_done_marked_once_in_every_retirement_holding_the_device() -> None:
    s = store()
    r = record_operation(retirement(device(id="a")), state(Inactivate(), answer("a")), "sato")
    assert r.trace("a").on_device is OnDeviceWork.C and r.trace("a").needs_c
    s.save(r)
    folded = mark_c_done_in(s, ["a"], NOW + timedelta(hours=1))
    assert [x.id for x in folded.changed] == ["ret1"]
    assert s.load("ret1").trace("a").c_done_at == NOW + timedelta(hours=1)
    assert not s.load("ret1").trace("a").needs_c
    assert mark_c_done_in(s, ["a"], NOW + timedelta(hours=2)).changed == []
    assert s.load("ret1").trace("a").c_done_at == NOW + timedelta(hours=1)
