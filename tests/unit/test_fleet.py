"""The fleet cache: incremental orders equal a full re-sort, filters, check marks follow data."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from mobitui.domain.models import (
    Changes,
    Device,
    DeviceState,
    Enrollment,
    Group,
    Platform,
)
from mobitui.fleet.cache import Fleet, SortKey, ViewSpec, _sort_value
from mobitui.fleet.view import View, follow

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def dev(n: int, **kw: object) -> Device:
    base = Device(
        id=f"d{n:06d}",
        name=f"iPhone-{n % 7}",
        group_id="g02" if n % 2 else "g03",
        platform=Platform.IOS,
        os_version=f"{12 + n % 7}.{n % 3}",
        model="iPhone 13",
        serial=f"SER{n:08d}",
        user_name=["山田 太郎", "Emily Clark", "佐藤 花子"][n % 3],
        phone_number=f"090-0000-{n:04d}",
        enrollment=[Enrollment.APPLE_MDM, Enrollment.HYBRID_MDM][n % 2],
        dep=False,
        android_device_owner=False,
        dep_profile_removal_forbidden=False,
        silent_wlan=False,
        safari_restricted=False,
        state=[DeviceState.ACTIVE, DeviceState.INACTIVE][n % 5 == 0],
        pending_jobs=n % 4,
        last_seen_at=T0 - timedelta(hours=n % 13) if n % 11 else None,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


GROUPS = [
    Group("g01", None, "本社", 0),
    Group("g02", "g01", "営業部", 0),
    Group("g03", "g01", "大阪支店", 0),
    Group("g04", "g03", "梅田営業所", 0),
]


def loaded(n: int = 40, *, presorted: bool = False) -> Fleet:
    """``presorted``: loaded in name order, as a snapshot saved so is (the name order is then
    taken as it is, and its sorted list built only when it first changes)."""
    fleet = Fleet()
    fleet.set_groups(GROUPS)
    devices = [dev(i) for i in range(n)]
    if presorted:
        devices.sort(key=lambda d: _sort_value(d, SortKey.NAME))
    fleet.load(devices, seq=10)
    return fleet


def brute(fleet: Fleet, spec: ViewSpec) -> list[str]:
    devices = sorted(fleet.devices.values(), key=lambda d: _sort_value(d, spec.sort))
    ids = [
        d.id
        for d in devices
        if (spec.groups is None or d.group_id in spec.groups)
        and (not spec.only_checked or d.id in fleet.checked)
        and spec.query.casefold()
        in "\x00".join((d.name, d.serial, d.user_name, d.phone_number)).casefold()
    ]
    return ids[::-1] if spec.descending else ids


def test_every_sort_key_matches_brute_force() -> None:
    fleet = loaded()
    for key in SortKey:
        for descending in (False, True):
            spec = ViewSpec(sort=key, descending=descending)
            assert fleet.view(spec) == brute(fleet, spec)


def test_filter_matches_name_serial_user_and_phone() -> None:
    fleet = loaded()
    assert fleet.view(ViewSpec(query="SER00000007")) == ["d000007"]
    assert set(fleet.view(ViewSpec(query="山田"))) == {f"d{i:06d}" for i in range(0, 40, 3)}
    assert fleet.view(ViewSpec(query="0000-0012")) == ["d000012"]
    assert fleet.view(ViewSpec(query="emily")) == brute(fleet, ViewSpec(query="emily"))
    assert fleet.view(ViewSpec(query="nothing-matches")) == []


def test_subtree_and_group_filter() -> None:
    fleet = loaded()
    assert fleet.subtree("g03") == {"g03", "g04"}
    assert fleet.subtree("g01") == {"g01", "g02", "g03", "g04"}
    spec = ViewSpec(groups=frozenset({"g02"}))
    assert fleet.view(spec) == brute(fleet, spec)
    assert all(fleet.devices[i].group_id == "g02" for i in fleet.view(spec))


def test_deleted_checked_device_loses_its_mark_and_is_reported() -> None:
    fleet = loaded()
    fleet.check(["d000001", "d000002", "d000003"])
    delta = fleet.apply(Changes(changes=[], deleted=["d000002", "d999999"], seq=11))
    assert delta.removed == {"d000002"}
    assert delta.unchecked == {"d000002"}
    assert fleet.checked == {"d000001", "d000003"}
    assert "d000002" not in fleet.view(ViewSpec())
    assert fleet.seq == 11


def test_only_checked_and_toggle() -> None:
    fleet = loaded()
    assert fleet.toggle("d000004") is True
    assert fleet.toggle("nope") is False
    fleet.check(["d000009", "unknown"])
    assert fleet.view(ViewSpec(only_checked=True)) == brute(fleet, ViewSpec(only_checked=True))
    assert fleet.checked == {"d000004", "d000009"}
    assert fleet.toggle("d000004") is False
    assert [d.id for d in fleet.checked_devices()] == ["d000009"]


def test_full_reload_keeps_marks_of_survivors_only() -> None:
    fleet = loaded()
    fleet.check(["d000001", "d000030"])
    fleet.load([dev(i) for i in range(20)], seq=20)
    assert fleet.checked == {"d000001"}


changes_strategy = st.lists(
    st.one_of(
        st.tuples(st.just("upd"), st.integers(0, 60), st.integers(0, 1000)),
        st.tuples(st.just("del"), st.integers(0, 60), st.just(0)),
    ),
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(
    batches=st.lists(changes_strategy, max_size=5),
    key=st.sampled_from(list(SortKey)),
    presorted=st.booleans(),
)
def test_incremental_orders_equal_a_full_resort(
    batches: list, key: SortKey, presorted: bool
) -> None:
    fleet = loaded(presorted=presorted)
    fleet.order(key)  # build the order first so the deltas must keep it correct
    for seq, batch in enumerate(batches, start=11):
        changed: dict[str, Device] = {}
        deleted: list[str] = []
        for op, n, salt in batch:
            if op == "upd":
                changed[f"d{n:06d}"] = dev(n, name=f"n{salt % 17}", pending_jobs=salt % 5)
            else:
                deleted.append(f"d{n:06d}")
        fleet.apply(Changes(changes=list(changed.values()), deleted=deleted, seq=seq))
        spec = ViewSpec(sort=key)
        assert fleet.view(spec) == brute(fleet, spec)


# --------------------------------------------------------------------------- lazy views


@settings(max_examples=80, deadline=None)
@given(
    batches=st.lists(changes_strategy, max_size=3),
    key=st.sampled_from(list(SortKey)),
    descending=st.booleans(),
    query=st.sampled_from(["", "iphone-3", "ser0000001", "山田", "emily", "0000-00", "zzz", "n1"]),
    group=st.sampled_from([None, frozenset({"g02"}), frozenset({"g03", "g04"})]),
    only_checked=st.booleans(),
    asked=st.integers(0, 80),
    presorted=st.booleans(),
)
def test_a_view_worked_out_in_any_steps_equals_brute_force(
    batches: list,
    key: SortKey,
    descending: bool,
    query: str,
    group: frozenset[str] | None,
    only_checked: bool,
    asked: int,
    presorted: bool,
) -> None:
    fleet = loaded(70, presorted=presorted)
    fleet.check([f"d{n:06d}" for n in range(0, 70, 4)])
    for seq, batch in enumerate(batches, start=11):
        changed = {
            f"d{n:06d}": dev(n, name=f"n{salt % 17}") for op, n, salt in batch if op == "upd"
        }
        deleted = [f"d{n:06d}" for op, n, _ in batch if op == "del"]
        fleet.apply(Changes(changes=list(changed.values()), deleted=deleted, seq=seq))
    spec = ViewSpec(group, query, only_checked, key, descending)
    expected = brute(fleet, spec)
    view = fleet.view(spec)
    assert view.available(asked) >= min(asked, len(expected))
    assert view[: min(asked, len(expected))] == expected[:asked]
    for device_id in list(fleet.devices)[:10]:
        at = view.position(device_id)
        assert at == (expected.index(device_id) if device_id in expected else None)
    assert list(view) == expected and len(view) == len(expected) and view.complete


def test_the_first_rows_of_a_filter_are_found_without_scanning_the_fleet() -> None:
    fleet = Fleet()
    fleet.load([dev(i, name=f"device-{i:05d}") for i in range(20_000)], seq=1)
    view = fleet.view(ViewSpec(query="device"))
    assert view.known == 0  # nothing worked out yet
    assert view.available(40) >= 40
    assert not view.complete  # a screenful, not the 20,000 matches
    assert view[:3] == ["d000000", "d000001", "d000002"]
    while not view.step():
        pass
    assert len(view) == 20_000


def test_a_view_is_a_snapshot_a_later_change_does_not_alter() -> None:
    fleet = loaded()
    before = fleet.view(ViewSpec())
    rows = list(before)
    fleet.apply(Changes(changes=[dev(1, name="aaa-first")], deleted=["d000002"], seq=11))
    assert list(before) == rows  # the grid still shows what it showed until it is refreshed
    after = fleet.view(ViewSpec())
    assert after[0] == "d000001" and "d000002" not in after
    assert before.position("d000002") == rows.index("d000002")


def test_a_needle_with_a_line_feed_matches_nothing_rather_than_across_two_devices() -> None:
    fleet = loaded()
    assert list(fleet.view(ViewSpec(query="iphone-1\nser"))) == []


@settings(max_examples=40, deadline=None)
@given(batches=st.lists(changes_strategy, max_size=4))
def test_devices_per_group_follow_every_delta(batches: list) -> None:
    fleet = loaded()
    for seq, batch in enumerate(batches, start=11):
        changed = {
            f"d{n:06d}": dev(n, group_id=["g02", "g03", "g04"][salt % 3])
            for op, n, salt in batch
            if op == "upd"
        }
        deleted = [f"d{n:06d}" for op, n, _ in batch if op == "del"]
        fleet.apply(Changes(changes=list(changed.values()), deleted=deleted, seq=seq))
        counted = Counter(d.group_id for d in fleet.devices.values())
        assert fleet.per_group == counted and all(fleet.per_group.values())


def test_prepare_builds_the_filter_index_ahead_and_a_change_discards_it() -> None:
    fleet = loaded()
    fleet.view(ViewSpec())  # the name order and its snapshot exist
    fleet.prepare(SortKey.NAME)
    order = fleet._orders[SortKey.NAME]
    assert order._search is not None
    assert fleet.view(ViewSpec(query="emily")) == brute(fleet, ViewSpec(query="emily"))
    fleet.apply(Changes(changes=[dev(3, name="Emily-new")], deleted=[], seq=11))
    assert order._search is None  # rebuilt for the next filter, never stale
    assert fleet.view(ViewSpec(query="emily")) == brute(fleet, ViewSpec(query="emily"))


def test_a_change_that_keeps_a_device_in_place_keeps_the_order_and_its_snapshot() -> None:
    fleet = loaded()
    before = fleet.order(SortKey.NAME)
    fleet.view(ViewSpec(query="emily"))  # the filter index exists
    order = fleet._orders[SortKey.NAME]
    fleet.apply(Changes([dev(4, state=DeviceState.INACTIVE)], [], seq=11))
    assert fleet.order(SortKey.NAME) is before  # nothing moved: no copy of the order
    assert order._search is not None  # nor of the filter index
    fleet.apply(Changes([dev(5, user_name="Emily Stone")], [], seq=12))
    assert fleet.order(SortKey.NAME) is before and order._search is None
    for spec in (ViewSpec(query="emily"), ViewSpec(sort=SortKey.STATE), ViewSpec()):
        assert fleet.view(spec) == brute(fleet, spec)


def test_a_first_page_counts_groups_as_the_server_does_until_the_whole_fleet_is_in() -> None:
    fleet = Fleet()
    fleet.set_groups(
        [replace(g, device_count=c) for g, c in zip(GROUPS, (0, 20, 20, 0), strict=True)]
    )
    fleet.load([dev(i) for i in range(6)], seq=10, complete=False)
    assert len(fleet.devices) == 6
    assert fleet.per_group == Counter({"g02": 20, "g03": 20})  # the server's, not 3 and 3
    fleet.load([dev(i) for i in range(40)], seq=10)
    assert fleet.per_group == Counter({"g02": 20, "g03": 20})  # now counted from the devices
    fleet.load([dev(i) for i in range(7)], seq=11)
    assert fleet.per_group == Counter({"g02": 3, "g03": 4})


def test_repeated_values_are_one_string_shared_by_every_device_that_holds_them() -> None:
    made = [dev(i) for i in range(40)]
    copies = [
        replace(d, os_version="".join(d.os_version), model="".join(list(d.model))) for d in made
    ]
    assert copies == made and copies[0].model is not copies[1].model  # equal, separate objects
    fleet = Fleet()
    fleet.set_groups(GROUPS)
    fleet.load(copies, seq=1)
    kept = list(fleet.devices.values())
    assert kept == made  # nothing observable changed
    assert len({id(d.model) for d in kept}) == 1
    assert len({id(d.os_version) for d in kept}) == len({d.os_version for d in kept})
    assert len({id(d.group_id) for d in kept}) == len({d.group_id for d in kept})


# --------------------------------------------------------------------------- any delta


def test_a_group_view_made_before_a_delta_survives_its_devices_being_removed() -> None:
    """Issue 13, finding 7: a view reads the snapshot of its order, and its group test read
    ``devices[i]``: an id removed since raised ``KeyError`` (the cursor's device, deleted
    while its group was open). Now a removed device is simply not in any group's view."""
    fleet = loaded(600)  # larger than a first chunk: the view is worked out in steps
    spec = ViewSpec(groups=frozenset({"g02"}))
    before = fleet.view(spec)
    cursor = before[0]  # the grid shows the first rows only
    worked_out = before[: before.known]
    assert not before.complete
    gone = [i for i in fleet.order(SortKey.NAME) if fleet.devices[i].group_id == "g02"]
    fleet.apply(Changes(changes=[], deleted=gone, seq=11))
    after = fleet.view(spec)
    assert after.position(cursor) is None  # where the grid looks for its cursor's device
    assert list(after) == []
    assert before.position(gone[-1]) is None  # the old view, still stepping, skips them too
    assert list(before) == worked_out  # only what it had already worked out


def test_a_filter_over_an_empty_fleet_is_an_empty_view() -> None:
    """Every device deleted, then a keystroke in the filter: no "joined haystacks" error."""
    fleet = loaded(5)
    fleet.view(ViewSpec(query="iphone"))
    fleet.apply(Changes(changes=[], deleted=list(fleet.devices), seq=11))
    for query in ("iphone", "x", "山田"):
        view = fleet.view(ViewSpec(query=query, groups=frozenset({"g02"})))
        assert list(view) == [] and view.position("d000001") is None
    empty = Fleet()
    assert list(empty.view(ViewSpec(query="a", only_checked=True))) == []


def test_the_cursor_follows_to_a_neighbour() -> None:
    """The neighbour rule (``follow``): the same device where shown, else the row it was on,
    clamped; 0 when nothing is shown."""
    rows = View.of(["a", "b", "c", "d"])
    assert follow(rows, "c", 0) == 2  # the same device, wherever it moved to
    assert follow(rows, "gone", 1) == 1  # deleted: the device that took its row
    assert follow(rows, "gone", 9) == 3  # the row was past the end: the last row
    assert follow(rows, None, 2) == 2
    assert follow(rows, "gone", -3) == 0
    assert follow(View.of([]), "a", 5) == 0


def test_a_fleet_loaded_in_name_order_takes_that_order_without_sorting() -> None:
    from mobitui.fleet import cache as module

    fleet = loaded(50, presorted=True)
    order = fleet._orders[SortKey.NAME]
    assert order._sorted is None  # nothing sorted: the snapshot is the order
    spec = ViewSpec()
    assert fleet.view(spec) == brute(fleet, spec)
    assert fleet.view(spec).position("d000013") == brute(fleet, spec).index("d000013")
    fleet.apply(Changes(changes=[dev(13, name="zzz")], deleted=["d000001"], seq=11))
    assert order._sorted is not None  # built when it first changed, from the old devices
    assert fleet.view(spec) == brute(fleet, spec)
    assert not module._in_order([dev(2), dev(1)], module._SORT_VALUES[SortKey.NAME])
    assert SortKey.NAME not in loaded(50)._orders  # an unsorted load builds it on demand
