"""The retirement record: every stage, the folds of operations and looks, and its JSON."""

from __future__ import annotations

import contextlib
import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mobitui.domain.models import (
    Device,
    DeviceState,
    Enrollment,
    InactivationRef,
    ItemProgress,
    ItemResult,
    Outcome,
    Reason,
    RequestStatus,
    WireError,
    format_time,
)
from mobitui.domain.operation import (
    Batch,
    BatchDone,
    BatchRefused,
    Ending,
    OperationSpec,
    OperationState,
)
from mobitui.domain.retirement import (
    MAX_NAME,
    Agreement,
    InvalidName,
    NameProblem,
    Retirement,
    Stage,
    Trace,
    agreement,
    counts,
    default_name,
    mark_c_done,
    name_problem,
    observe,
    record_operation,
    rename,
    stage_in,
    stage_of,
    start,
)
from mobitui.domain.rules import (
    DEFAULT_STALL,
    Delete,
    DeviceWarning,
    ForceInactivate,
    Inactivate,
    OnDeviceWork,
)
from mobitui.domain.text import visible
from tests.unit.test_rules import device

NOW = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
EXECUTED = NOW - timedelta(hours=3)


def ref(
    status: RequestStatus = RequestStatus.IN_PROGRESS,
    progress: ItemProgress = ItemProgress.PENDING,
    remove: bool = False,
) -> InactivationRef:
    return InactivationRef("r1", status, progress, remove, None, NOW - timedelta(hours=4))


PENDING = {"state": DeviceState.INACTIVATION_PENDING, "inactivation": ref()}
HYBRID = {"enrollment": Enrollment.HYBRID_MDM}
INACTIVE = {"state": DeviceState.INACTIVE, "inactivation": ref(progress=ItemProgress.DONE)}
SCHEDULED = {"inactivation": ref(RequestStatus.SCHEDULED, ItemProgress.SCHEDULED)}

T = Trace(device=device())

# (name, device fields or None for gone, trace changes, executed_at, now, expected)
STAGE_CASES: list[tuple[str, dict[str, Any] | None, dict[str, Any], datetime | None, Stage]] = [
    ("active, never requested", {}, {}, None, Stage.ACTIVE),
    ("active, its request still scheduled", SCHEDULED, {}, None, Stage.REQUESTED),
    (
        "active, its scheduled request cancelled",
        {"inactivation": ref(RequestStatus.CANCELLED, ItemProgress.CANCELLED)},
        {},
        None,
        Stage.ACTIVE,
    ),
    ("pending, request not yet executed", PENDING, {}, None, Stage.REQUESTED),
    (
        "pending, silent just under the stall limit",
        PENDING,
        {},
        NOW - DEFAULT_STALL + timedelta(seconds=1),
        Stage.REQUESTED,
    ),
    ("pending, silent exactly the stall limit", PENDING, {}, NOW - DEFAULT_STALL, Stage.STALLED),
    ("pending, silent for hours", PENDING, {}, EXECUTED, Stage.STALLED),
    (
        "pending, seen before the request executed",
        {**PENDING, "last_seen_at": EXECUTED - timedelta(minutes=1)},
        {},
        EXECUTED,
        Stage.STALLED,
    ),
    (
        "pending Hybrid MDM that checked in since",
        {**PENDING, **HYBRID, "last_seen_at": EXECUTED + timedelta(minutes=5)},
        {},
        EXECUTED,
        Stage.ON_DEVICE,
    ),
    (
        "pending Apple MDM that checked in since: waits for the device, no user work",
        {**PENDING, "last_seen_at": EXECUTED + timedelta(minutes=5)},
        {},
        EXECUTED,
        Stage.REQUESTED,
    ),
    (
        "pending Hybrid MDM silent since: stalled, not the user's",
        {**PENDING, **HYBRID, "last_seen_at": EXECUTED - timedelta(minutes=5)},
        {},
        EXECUTED,
        Stage.STALLED,
    ),
    ("inactive, C still to do (option off)", INACTIVE, {}, EXECUTED, Stage.ON_DEVICE),
    (
        "inactive, C recorded as needed and not done",
        INACTIVE,
        {"on_device": OnDeviceWork.D_THEN_C},
        EXECUTED,
        Stage.ON_DEVICE,
    ),
    (
        "inactive, C ticked done",
        INACTIVE,
        {"on_device": OnDeviceWork.C, "c_done_at": NOW},
        EXECUTED,
        Stage.INACTIVE,
    ),
    (
        "inactive, profile removed by the option",
        {
            "state": DeviceState.INACTIVE,
            "inactivation": ref(progress=ItemProgress.DONE, remove=True),
        },
        {},
        EXECUTED,
        Stage.INACTIVE,
    ),
    (
        "inactive after forced inactivation: nothing reaches it",
        {"state": DeviceState.INACTIVE},
        {"on_device": OnDeviceWork.NOTHING_REACHES, "forced_at": NOW},
        None,
        Stage.INACTIVE,
    ),
    ("deleted by the retirement", None, {"deleted_at": NOW}, None, Stage.DELETED),
    ("vanished without us", None, {"gone_at": NOW}, None, Stage.DELETED),
    (
        "refused deletion (still active)",
        {},
        {"problem": Reason.DEVICE_NOT_INACTIVE.value},
        None,
        Stage.ATTENTION,
    ),
    ("failed batch", PENDING, {"problem": "forbidden"}, EXECUTED, Stage.ATTENTION),
]


@pytest.mark.parametrize(
    ("fields", "changes", "executed_at", "expected"),
    [case[1:] for case in STAGE_CASES],
    ids=[case[0] for case in STAGE_CASES],
)
def test_stage_of(
    fields: dict[str, Any] | None,
    changes: dict[str, Any],
    executed_at: datetime | None,
    expected: Stage,
) -> None:
    current = None if fields is None else device(**fields)
    trace = replace(T, device=current or device(), **changes)
    assert stage_of(current, trace, executed_at, NOW) is expected


def test_every_stage_has_a_case() -> None:
    assert {case[-1] for case in STAGE_CASES} == set(Stage)


def test_gone_not_by_us() -> None:
    assert replace(T, gone_at=NOW).gone_not_by_us
    assert not replace(T, gone_at=NOW, inactive_at=NOW).gone_not_by_us
    assert not replace(T, deleted_at=NOW).gone_not_by_us
    assert not replace(T, forced_at=NOW, gone_at=NOW).gone_not_by_us
    assert not T.gone_not_by_us


def test_default_name() -> None:
    assert default_name("営業部 ", date(2025, 4, 1)) == "営業部 2025-04-01"


# --------------------------------------------------------------------------- folds


def retirement(*devices: Device) -> Retirement:
    return start("ret1", "営業部 2025-04-01", "http://h:80", "admin", devices, NOW)


def state(action: Any, *answers: BatchDone, ids: tuple[str, ...] = ()) -> OperationState:
    batches = [Batch(a.key, tuple(i.device_id for i in a.items)) for a in answers]
    if ids:
        batches.append(Batch("kx", ids))
    spec = OperationSpec("op1", action, NOW, "http://h", "p", "admin", tuple(batches))
    st_ = OperationState(spec)
    for answer in answers:
        st_.settle(answer)
    return st_


def test_start_keeps_order_and_drops_repeats() -> None:
    r = retirement(device(id="b"), device(id="a"), device(id="b"))
    assert r.device_ids == ("b", "a")


def test_record_inactivation_and_outsiders_ignored() -> None:
    r = retirement(device(id="a"), device(id="b", enrollment=Enrollment.HYBRID_MDM))
    answer = BatchDone(
        "k1",
        "req-1",
        0,
        (
            ItemResult("a", Outcome.ACCEPTED, progress=ItemProgress.PENDING),
            ItemResult("b", Outcome.ACCEPTED, progress=ItemProgress.PENDING),
            ItemResult("z", Outcome.ACCEPTED, progress=ItemProgress.PENDING),
        ),
    )
    acks = {DeviceWarning.DEP_PROFILE_REMOVAL_FORBIDDEN: frozenset({"a", "z"})}
    r2 = record_operation(r, state(Inactivate(), answer), "sato", acknowledged=acks)
    assert set(r2.traces) == {"a", "b"}
    a, b = r2.trace("a"), r2.trace("b")
    assert a.requested_at == NOW and a.request_ids == ("req-1",)
    assert a.on_device is OnDeviceWork.C and b.on_device is OnDeviceWork.D_THEN_C
    assert a.acknowledged == (DeviceWarning.DEP_PROFILE_REMOVAL_FORBIDDEN,)
    assert b.acknowledged == ()
    assert a.by == ("sato",)
    assert r.trace("a").requested_at is None  # the original is untouched


def test_record_refused_deletion_then_forced_with_delete() -> None:
    r = retirement(device(id="a"))
    refused = BatchDone(
        "k1", "del-1", 0, (ItemResult("a", Outcome.REFUSED, Reason.DEVICE_NOT_INACTIVE),)
    )
    r = record_operation(r, state(Delete(), refused), "sato")
    assert r.trace("a").problem == "device_not_inactive"
    assert r.trace("a").request_ids == ()
    assert stage_in(r, "a", NOW) is Stage.ATTENTION
    forced = BatchDone("k1", "frc-1", 0, (ItemResult("a", Outcome.ACCEPTED, deleted=True),))
    r = record_operation(r, state(ForceInactivate(delete_after=True), forced), "suzuki")
    a = r.trace("a")
    assert a.problem is None and a.forced_at == NOW and a.deleted_at == NOW
    assert a.on_device is OnDeviceWork.NOTHING_REACHES
    assert a.by == ("sato", "suzuki")
    assert not a.gone_not_by_us
    assert stage_in(r, "a", NOW) is Stage.DELETED


def test_record_refused_batch_and_abandoned() -> None:
    r = retirement(device(id="a"), device(id="b"))
    s = state(Delete(), ids=("a",))
    s.refused["kx"] = BatchRefused("kx", 403, "forbidden", "no")
    r2 = record_operation(r, s, "sato")
    assert r2.trace("a").problem == "forbidden"
    # An open batch of a running operation is not a failure; abandoned, it is.
    s2 = state(Delete(), ids=("b",))
    assert record_operation(r, s2, "sato").trace("b").problem is None
    s2.ending = Ending.ABANDONED
    assert record_operation(r, s2, "sato").trace("b").problem == "abandoned"


def test_observe_transitions() -> None:
    r = retirement(device(id="a", **PENDING), device(id="b"), device(id="c", **PENDING))
    later = NOW + timedelta(hours=1)
    seen = {"a": device(id="a", **INACTIVE), "c": device(id="c", **PENDING)}
    r2 = observe(r, seen, later, executed={"r1": EXECUTED})
    assert r2.trace("a").inactive_at == later
    assert r2.trace("a").device.state is DeviceState.INACTIVE
    assert r2.trace("b").gone_at == later and r2.trace("b").gone_not_by_us
    assert r2.trace("c").executed_at == EXECUTED
    assert stage_in(r2, "c", later) is Stage.STALLED
    # Seen again later: the first times are kept.
    r3 = observe(r2, seen, later + timedelta(hours=1))
    assert r3.trace("a").inactive_at == later and r3.trace("b").gone_at == later
    # Gone after it was seen inactive: deleted by us.
    r4 = observe(r3, {}, later + timedelta(hours=2))
    assert not r4.trace("a").gone_not_by_us
    assert counts(r4, later)[Stage.DELETED] == 3


def test_mark_c_done() -> None:
    r = retirement(device(id="a", **INACTIVE))
    r = observe(r, {"a": device(id="a", **INACTIVE)}, NOW)
    assert stage_in(r, "a", NOW) is Stage.ON_DEVICE
    r = mark_c_done(r, "a", NOW)
    assert stage_in(r, "a", NOW) is Stage.INACTIVE
    assert mark_c_done(r, "nope", NOW) is r


def test_agreement() -> None:
    r = retirement(device(id="a"))
    answer = BatchDone("k1", "req-1", 0, (ItemResult("a", Outcome.ACCEPTED),))
    r = record_operation(r, state(Inactivate(), answer), "sato")
    a = r.trace("a")
    entry = {
        "at": "2025-04-01T09:00:00+00:00",
        "action": "inactivate",
        "request_id": "req-1",
        "result": "ok",
        "outcomes": [{"device_id": "a", "outcome": "accepted"}],
    }
    assert agreement(r, a, None) is Agreement.NOT_AVAILABLE
    assert agreement(r, a, [entry]) is Agreement.AGREE
    assert agreement(r, a, []) is Agreement.DISAGREE
    other = {**entry, "outcomes": [{"device_id": "a", "outcome": "skipped"}]}
    assert agreement(r, a, [other]) is Agreement.DISAGREE
    extra = {**entry, "request_id": "del-9", "action": "delete"}
    assert agreement(r, a, [entry, extra]) is Agreement.DISAGREE
    before = {**extra, "at": "2025-03-01T09:00:00+00:00"}
    assert agreement(r, a, [entry, before]) is Agreement.AGREE
    assert agreement(r, Trace(device=device(id="a")), []) is Agreement.NOTHING


# --------------------------------------------------------------------------- JSON


def full() -> Retirement:
    r = retirement(device(id="a", **PENDING), device(id="b"))
    answer = BatchDone("k1", "req-1", 0, (ItemResult("a", Outcome.ACCEPTED),))
    r = record_operation(
        r,
        state(Inactivate(), answer),
        "sato",
        acknowledged={DeviceWarning.ANDROID_FACTORY_RESET: frozenset({"a"})},
    )
    return observe(r, {"a": device(id="a", **INACTIVE)}, NOW, executed={"r1": EXECUTED})


def test_round_trip() -> None:
    r = full()
    text = json.dumps(r.to_json())
    assert Retirement.from_json(json.loads(text)) == r


@given(
    name=st.text(max_size=50),
    account=st.text(max_size=20),
    ids=st.lists(st.text(alphabet="abcXYZ019-_", min_size=1, max_size=8), unique=True),
)
def test_round_trip_any_text(name: str, account: str, ids: list[str]) -> None:
    r = start("r-1", name, "https://x", account, [device(id=i, name=name) for i in ids], NOW)
    assert Retirement.from_json(json.loads(json.dumps(r.to_json()))) == r


def _broken(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(full().to_json()))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("type",), "operation", "not a retirement"),
        (("format",), 99, "unknown retirement format"),
        (("id",), "../etc", "not a retirement id"),
        (("id",), 7, "'id'"),
        (("created_at",), "yesterday", "created_at"),
        (("created_at",), "2025-04-01T09:00:00", "without offset"),
        (("device_ids",), ["a", "a"], "listed twice"),
        (("device_ids",), ["a"], "not exactly"),
        (("device_ids",), "a", "device_ids"),
        (("traces",), [], "traces"),
        (("traces", "a", "device", "id"), "b", "another device"),
        (("traces", "a", "device", "state"), "gone", "state"),
        (("traces", "a", "on_device"), "Z", "on_device"),
        (("traces", "a", "acknowledged"), ["nonsense"], "acknowledged"),
        (("traces", "a", "request_ids"), ["ok", 3], "request_ids"),
        (("traces", "a", "request_ids"), ["a\x1bb"], "request_ids"),
        (("traces", "a", "steps"), [{"kind": "explode"}], "kind"),
        (("traces", "a", "steps"), "x", "steps"),
        (("traces", "a", "problem"), 5, "problem"),
        (("name",), "x" * 201, "name"),
    ],
)
def test_malformed_refused(path: tuple[str, ...], value: Any, message: str) -> None:
    with pytest.raises(WireError, match=message):
        Retirement.from_json(_broken(path, value))


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda c: st.lists(c) | st.dictionaries(st.text(), c),
    )
)
def test_arbitrary_json_never_crashes(data: Any) -> None:
    with contextlib.suppress(WireError):
        Retirement.from_json(data)


# --------------------------------------------------------------------------- names


def test_rename_keeps_the_name_as_given() -> None:
    r = retirement(device(id="a"))
    for name in ("経理部 2025 ", "  a", "👩‍💻 チーム", "x" * MAX_NAME):
        renamed = rename(r, name)
        assert renamed.name == name and name_problem(name) is None
        assert replace(renamed, name=r.name) == r  # nothing else changed
        assert Retirement.from_json(json.loads(json.dumps(renamed.to_json()))) == renamed


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", NameProblem.EMPTY),
        ("   ", NameProblem.EMPTY),
        ("\u3000\t", NameProblem.EMPTY),  # ideographic space and a tab: nothing to show
        ("x" * (MAX_NAME + 1), NameProblem.TOO_LONG),
        ("営業部\x1b]0;pwned\x07", NameProblem.HIDDEN),
        ("a\nb", NameProblem.HIDDEN),
        ("abc\u202edcba", NameProblem.HIDDEN),
        ("a\u200bb", NameProblem.HIDDEN),
        ("a\x9bb", NameProblem.HIDDEN),
        ("a\ud800", NameProblem.HIDDEN),
    ],
)
def test_rename_refuses_and_says_why(name: str, problem: NameProblem) -> None:
    r = retirement(device(id="a"))
    assert name_problem(name) is problem
    with pytest.raises(InvalidName) as caught:
        rename(r, name)
    assert caught.value.problem is problem and caught.value.length == len(name)


@given(name=st.text(max_size=MAX_NAME + 20))
def test_a_name_rename_takes_is_shown_as_it_is(name: str) -> None:
    r = retirement(device(id="a"))
    try:
        renamed = rename(r, name)
    except InvalidName:
        return
    assert visible(renamed.name) == name and name.strip() and len(name) <= MAX_NAME


# --------------------------------------------------------------------------- kept acknowledgements


def test_the_plans_acknowledgements_are_folded_once() -> None:
    r = retirement(device(id="a"), device(id="b"))
    answer = BatchDone("k1", "req-1", 0, (ItemResult("a", Outcome.ACCEPTED),))
    st_ = state(ForceInactivate(), answer)
    kept = {DeviceWarning.STILL_COMMUNICATING: frozenset({"a"})}
    st_ = OperationState(replace(st_.spec, acknowledged=kept))
    st_.settle(answer)
    folded = record_operation(r, st_, "sato")
    assert folded.traces["a"].acknowledged == (DeviceWarning.STILL_COMMUNICATING,)
    assert folded.traces["b"].acknowledged == ()
    # given again by the caller too (the first run's fold): still once
    assert record_operation(folded, st_, "sato", acknowledged=kept) == folded


def test_a_plan_keeps_its_acknowledgements_and_reads_without_them() -> None:
    spec = state(ForceInactivate(), ids=("a", "b")).spec
    kept = replace(spec, acknowledged={DeviceWarning.STILL_COMMUNICATING: frozenset({"a", "b"})})
    data = json.loads(json.dumps(kept.to_json()))
    assert data["acknowledged"] == {"still_communicating": ["a", "b"]}
    assert OperationSpec.from_json(data) == kept
    old = {k: v for k, v in data.items() if k != "acknowledged"}  # before it was kept
    assert OperationSpec.from_json(old).acknowledged == {}
    newer = {**data, "acknowledged": {"a_warning_of_a_newer_version": ["a"]}}
    assert OperationSpec.from_json(newer).acknowledged == {}
    for bad in ([], {"still_communicating": "a"}, {"still_communicating": [1]}):
        with pytest.raises(WireError, match="acknowledged"):
            OperationSpec.from_json({**data, "acknowledged": bad})


def test_agreement_allows_for_the_estimated_server_clock() -> None:
    """The record's times are estimates of the server's clock (to the second of its last
    Date header): a record that began a few seconds after the server logged the first call on
    its device (its view opened, the inactivation sent at once) still agrees; a call far
    before the record began is someone else's history, not compared."""
    r = retirement(device(id="a"))
    answer = BatchDone("k1", "req-1", 0, (ItemResult("a", Outcome.ACCEPTED),))
    r = record_operation(r, state(Inactivate(), answer), "sato", at=NOW - timedelta(seconds=1))
    entry = {
        "at": format_time(NOW - timedelta(seconds=3)),
        "action": "inactivate",
        "request_id": "req-1",
        "result": "ok",
        "outcomes": [{"device_id": "a", "outcome": "accepted"}],
    }
    assert agreement(r, r.trace("a"), [entry]) is Agreement.AGREE
    older = {**entry, "request_id": "req-0", "at": format_time(NOW - timedelta(hours=1))}
    assert agreement(r, r.trace("a"), [older, entry]) is Agreement.AGREE
