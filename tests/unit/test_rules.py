"""The preflight rules against shared/reference/procedure.md, table by table."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from mobitui.domain.models import (
    Device,
    DeviceState,
    Enrollment,
    InactivationRef,
    ItemProgress,
    Outcome,
    Platform,
    Reason,
    RequestStatus,
)
from mobitui.domain.rules import (
    ACKNOWLEDGE,
    DEFAULT_RECENT,
    Delete,
    DeviceWarning,
    ForceInactivate,
    Inactivate,
    OnDeviceWork,
    is_android_factory_reset,
    is_stalled,
    major_version,
    not_found,
    on_device_work,
    plan,
    preflight,
    schedule_problem,
    stall_due,
)

NOW = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
W = DeviceWarning


def device(**overrides: Any) -> Device:
    """An active, quiet iPhone enrolled with Apple MDM; override what the test is about."""
    fields: dict[str, Any] = {
        "id": "d1",
        "name": "iPhone of Sato",
        "group_id": "g1",
        "platform": Platform.IOS,
        "os_version": "17.4",
        "model": "iPhone15,2",
        "serial": "F2LXK0AAAAAA",
        "user_name": "sato",
        "phone_number": "090-0000-0000",
        "enrollment": Enrollment.APPLE_MDM,
        "dep": False,
        "android_device_owner": False,
        "dep_profile_removal_forbidden": False,
        "silent_wlan": False,
        "safari_restricted": False,
        "state": DeviceState.ACTIVE,
        "pending_jobs": 0,
        "last_seen_at": None,
        "inactivation": None,
    }
    fields.update(overrides)
    return Device(**fields)


def android(**overrides: Any) -> Device:
    base = {
        "platform": Platform.ANDROID,
        "os_version": "13",
        "enrollment": Enrollment.CLIENT_APP,
        "model": "Pixel 7",
    }
    return device(**{**base, **overrides})


def windows(**overrides: Any) -> Device:
    base = {
        "platform": Platform.WINDOWS,
        "os_version": "10.0.19045",
        "enrollment": Enrollment.CLIENT_APP,
        "model": "Surface Pro 9",
    }
    return device(**{**base, **overrides})


def ref(status: RequestStatus, progress: ItemProgress) -> InactivationRef:
    return InactivationRef(
        id="r1",
        status=status,
        progress=progress,
        remove_apple_mdm_profile=False,
        scheduled_at=NOW + timedelta(days=1),
        created_at=NOW - timedelta(hours=1),
    )


# --------------------------------------------------------------------------- derived table

APPLE = (Platform.IOS, Platform.IPADOS)


@pytest.mark.parametrize(
    ("platform", "enrollment", "remove", "expected"),
    [
        # Apple MDM: on → none, off → C
        *[(p, Enrollment.APPLE_MDM, True, OnDeviceWork.NONE) for p in APPLE],
        *[(p, Enrollment.APPLE_MDM, False, OnDeviceWork.C) for p in APPLE],
        # Hybrid MDM: either → D; off → also C
        *[(p, Enrollment.HYBRID_MDM, True, OnDeviceWork.D) for p in APPLE],
        *[(p, Enrollment.HYBRID_MDM, False, OnDeviceWork.D_THEN_C) for p in APPLE],
        # client app (Android, Windows): n/a → none beyond the app acting on the request
        (Platform.ANDROID, Enrollment.CLIENT_APP, False, OnDeviceWork.NONE),
        (Platform.ANDROID, Enrollment.CLIENT_APP, True, OnDeviceWork.NONE),
        (Platform.WINDOWS, Enrollment.CLIENT_APP, False, OnDeviceWork.NONE),
        (Platform.WINDOWS, Enrollment.CLIENT_APP, True, OnDeviceWork.NONE),
    ],
)
def test_derived_table_normal_inactivation(platform, enrollment, remove, expected):
    d = device(platform=platform, enrollment=enrollment)
    assert on_device_work(d, remove) is expected
    p = plan(d, Inactivate(remove_apple_mdm_profile=remove), NOW)
    assert p.outcome is Outcome.ACCEPTED
    assert p.on_device is expected


def test_derived_table_dep_forbidden_option_off_is_c_with_warning():
    d = device(dep=True, dep_profile_removal_forbidden=True)
    p = plan(d, Inactivate(remove_apple_mdm_profile=False), NOW)
    assert p.on_device is OnDeviceWork.C
    assert W.DEP_PROFILE_REMOVAL_FORBIDDEN in p.warnings


@pytest.mark.parametrize(
    ("platform", "enrollment"),
    [
        *itertools.product(APPLE, (Enrollment.APPLE_MDM, Enrollment.HYBRID_MDM)),
        (Platform.ANDROID, Enrollment.CLIENT_APP),
        (Platform.WINDOWS, Enrollment.CLIENT_APP),
    ],
)
@pytest.mark.parametrize("delete_after", [False, True])
@pytest.mark.parametrize("state", [DeviceState.ACTIVE, DeviceState.INACTIVATION_PENDING])
def test_derived_table_forced_nothing_reaches(platform, enrollment, delete_after, state):
    d = device(platform=platform, enrollment=enrollment, state=state, pending_jobs=4)
    p = plan(d, ForceInactivate(delete_after=delete_after), NOW)
    assert p.outcome is Outcome.ACCEPTED
    assert p.on_device is OnDeviceWork.NOTHING_REACHES
    assert p.will_delete is delete_after
    assert p.jobs_cancelled == 4


@pytest.mark.parametrize("platform", APPLE)
@pytest.mark.parametrize("remove", [False, True])
@pytest.mark.parametrize("dep_forbids", [False, True])
def test_apple_mdm_never_needs_d(platform, remove, dep_forbids):
    d = device(
        platform=platform,
        enrollment=Enrollment.APPLE_MDM,
        dep=dep_forbids,
        dep_profile_removal_forbidden=dep_forbids,
    )
    assert on_device_work(d, remove) in (OnDeviceWork.NONE, OnDeviceWork.C)


# --------------------------------------------------------------------------- warnings

HYB = Enrollment.HYBRID_MDM
DEP_FORBIDS = {"dep": True, "dep_profile_removal_forbidden": True}

# (id, device, remove_apple_mdm_profile, exact warnings of a normal inactivation)
INACTIVATION_WARNINGS: list[tuple[str, Device, bool, tuple[DeviceWarning, ...]]] = [
    ("plain-ios-off", device(), False, ()),
    ("plain-ios-on", device(), True, ()),
    # DEP forbidding removal: only with 「有効にする」 off, and only when both flags are set
    ("dep-forbids-off", device(**DEP_FORBIDS), False, (W.DEP_PROFILE_REMOVAL_FORBIDDEN,)),
    ("dep-forbids-on", device(**DEP_FORBIDS), True, ()),
    (
        "dep-forbids-hybrid-off",
        device(enrollment=HYB, **DEP_FORBIDS),
        False,
        (W.DEP_PROFILE_REMOVAL_FORBIDDEN,),
    ),
    (
        "dep-forbids-ipad-off",
        device(platform=Platform.IPADOS, os_version="17.4", **DEP_FORBIDS),
        False,
        (W.DEP_PROFILE_REMOVAL_FORBIDDEN,),
    ),
    ("dep-allows-off", device(dep=True), False, ()),
    ("forbidden-without-dep-off", device(dep_profile_removal_forbidden=True), False, ()),
    # silent Wi-Fi: only when the option removes the profile (A step 6: 「有効にした場合」)
    ("silent-wlan-on", device(silent_wlan=True), True, (W.SILENT_WLAN,)),
    ("silent-wlan-off", device(silent_wlan=True), False, ()),
    ("silent-wlan-hybrid-on", device(enrollment=HYB, silent_wlan=True), True, (W.SILENT_WLAN,)),
    # Safari restricted: Hybrid MDM only, whatever the option
    (
        "safari-hybrid-off",
        device(enrollment=HYB, safari_restricted=True),
        False,
        (W.SAFARI_RESTRICTED,),
    ),
    (
        "safari-hybrid-on",
        device(enrollment=HYB, safari_restricted=True),
        True,
        (W.SAFARI_RESTRICTED,),
    ),
    ("safari-apple-mdm", device(safari_restricted=True), False, ()),
    # Android 11+ Device Owner: factory reset
    (
        "android-do-11",
        android(android_device_owner=True, os_version="11"),
        False,
        (W.ANDROID_FACTORY_RESET,),
    ),
    (
        "android-do-14.1",
        android(android_device_owner=True, os_version="14.1"),
        False,
        (W.ANDROID_FACTORY_RESET,),
    ),
    ("android-do-10", android(android_device_owner=True, os_version="10"), False, ()),
    ("android-not-do-13", android(os_version="13"), False, ()),
    # the option on other platforms: not applicable, ignored
    ("android-on", android(), True, (W.PROFILE_OPTION_NOT_APPLICABLE,)),
    ("windows-on", windows(), True, (W.PROFILE_OPTION_NOT_APPLICABLE,)),
    ("windows-off", windows(), False, ()),
    (
        "macos-on",
        device(platform=Platform.MACOS, os_version="14.4"),
        True,
        (W.PROFILE_OPTION_NOT_APPLICABLE,),
    ),
    (
        "android-do-11-on",
        android(android_device_owner=True, os_version="11"),
        True,
        (W.PROFILE_OPTION_NOT_APPLICABLE, W.ANDROID_FACTORY_RESET),
    ),
    # flags of Apple devices mean nothing on Android
    ("android-flags", android(silent_wlan=True, safari_restricted=True, **DEP_FORBIDS), False, ()),
    # everything at once on a Hybrid device
    (
        "hybrid-all-off",
        device(enrollment=HYB, silent_wlan=True, safari_restricted=True, **DEP_FORBIDS),
        False,
        (W.DEP_PROFILE_REMOVAL_FORBIDDEN, W.SAFARI_RESTRICTED),
    ),
    (
        "hybrid-all-on",
        device(enrollment=HYB, silent_wlan=True, safari_restricted=True, **DEP_FORBIDS),
        True,
        (W.SILENT_WLAN, W.SAFARI_RESTRICTED),
    ),
]


@pytest.mark.parametrize(
    ("d", "remove", "expected"),
    [row[1:] for row in INACTIVATION_WARNINGS],
    ids=[row[0] for row in INACTIVATION_WARNINGS],
)
def test_inactivation_warnings(d, remove, expected):
    p = plan(d, Inactivate(remove_apple_mdm_profile=remove), NOW)
    assert p.outcome is Outcome.ACCEPTED
    assert p.warnings == expected


@pytest.mark.parametrize(
    ("last_seen", "recent", "expected"),
    [
        (None, DEFAULT_RECENT, ()),
        (NOW - timedelta(hours=1), DEFAULT_RECENT, (W.STILL_COMMUNICATING,)),
        (NOW - timedelta(hours=23, minutes=59), DEFAULT_RECENT, (W.STILL_COMMUNICATING,)),
        (NOW - DEFAULT_RECENT, DEFAULT_RECENT, ()),
        (NOW - timedelta(days=30), DEFAULT_RECENT, ()),
        (NOW - timedelta(hours=2), timedelta(hours=1), ()),
        (NOW - timedelta(hours=2), timedelta(hours=3), (W.STILL_COMMUNICATING,)),
    ],
)
def test_forced_still_communicating(last_seen, recent, expected):
    p = plan(device(last_seen_at=last_seen), ForceInactivate(), NOW, recent)
    assert p.warnings == expected


@pytest.mark.parametrize(
    "d",
    [
        android(android_device_owner=True, os_version="12"),
        device(**DEP_FORBIDS),
        device(enrollment=HYB, safari_restricted=True),
        device(silent_wlan=True),
    ],
)
def test_forced_raises_no_inactivation_warning(d):
    # Nothing reaches the device: no factory reset, no profile removal, no Safari.
    assert plan(d, ForceInactivate(), NOW).warnings == ()


def test_every_warning_has_a_positive_case():
    seen = {w for row in INACTIVATION_WARNINGS for w in row[3]}
    seen.add(W.STILL_COMMUNICATING)  # test_forced_still_communicating
    assert seen == set(DeviceWarning)


# --------------------------------------------------------------------------- skip reasons

SCHEDULED = ref(RequestStatus.SCHEDULED, ItemProgress.SCHEDULED)

RISKY = {"pending_jobs": 7, "enrollment": HYB, "safari_restricted": True, **DEP_FORBIDS}


@pytest.mark.parametrize(
    ("d", "reason"),
    [
        (device(state=DeviceState.INACTIVE, **RISKY), Reason.ALREADY_INACTIVE),
        (device(state=DeviceState.INACTIVATION_PENDING, **RISKY), Reason.ALREADY_PENDING),
        (device(inactivation=SCHEDULED, **RISKY), Reason.ALREADY_SCHEDULED),
    ],
)
def test_inactivation_skips(d, reason):
    p = plan(d, Inactivate(), NOW)
    assert (p.outcome, p.reason) == (Outcome.SKIPPED, reason)
    assert p.warnings == ()
    assert p.jobs_cancelled == 0
    assert p.on_device is None
    assert p.will_delete is False


@pytest.mark.parametrize(
    "r",
    [
        ref(RequestStatus.CANCELLED, ItemProgress.CANCELLED),
        ref(RequestStatus.COMPLETED, ItemProgress.DONE),
        ref(RequestStatus.SCHEDULED, ItemProgress.CANCELLED),
    ],
)
def test_inactivation_accepts_device_with_closed_request(r):
    p = plan(device(inactivation=r, pending_jobs=2), Inactivate(), NOW)
    assert (p.outcome, p.reason, p.jobs_cancelled) == (Outcome.ACCEPTED, None, 2)


def test_forced_overrides_a_scheduled_request():
    p = plan(device(inactivation=SCHEDULED), ForceInactivate(), NOW)
    assert p.outcome is Outcome.ACCEPTED


# --------------------------------------------------------------------------- forced / delete


@pytest.mark.parametrize("delete_after", [False, True])
def test_forced_on_inactive_is_skipped_but_may_delete(delete_after):
    d = device(state=DeviceState.INACTIVE, pending_jobs=3)
    p = plan(d, ForceInactivate(delete_after=delete_after), NOW)
    assert (p.outcome, p.reason) == (Outcome.SKIPPED, Reason.ALREADY_INACTIVE)
    assert p.will_delete is delete_after
    assert p.jobs_cancelled == 0
    assert p.on_device is None


def test_forced_delete_after_inactive_counts_as_acted_on():
    d = device(state=DeviceState.INACTIVE)
    pf = preflight([d], ForceInactivate(delete_after=True), NOW)
    assert [p.device_id for p in pf.acted_on] == ["d1"]
    assert pf.not_acted_on == ()


@pytest.mark.parametrize("state", [DeviceState.ACTIVE, DeviceState.INACTIVATION_PENDING])
def test_deletion_refuses_devices_not_inactive(state):
    p = plan(device(state=state, pending_jobs=2), Delete(), NOW)
    assert (p.outcome, p.reason) == (Outcome.REFUSED, Reason.DEVICE_NOT_INACTIVE)
    assert p.jobs_cancelled == 0


def test_deletion_deletes_inactive_devices():
    p = plan(device(state=DeviceState.INACTIVE), Delete(), NOW)
    assert (p.outcome, p.reason, p.warnings) == (Outcome.DELETED, None, ())


@pytest.mark.parametrize(
    ("action", "outcome"),
    [
        (Inactivate(), Outcome.SKIPPED),
        (ForceInactivate(), Outcome.SKIPPED),
        (Delete(), Outcome.REFUSED),
    ],
)
def test_not_found(action, outcome):
    p = not_found("ghost", action)
    assert (p.device_id, p.outcome, p.reason) == ("ghost", outcome, Reason.NOT_FOUND)


# --------------------------------------------------------------------------- totals

FLEET = (
    device(id="a", pending_jobs=3),
    device(id="b", pending_jobs=5, state=DeviceState.INACTIVE),
    device(id="c", pending_jobs=2, state=DeviceState.INACTIVATION_PENDING),
    device(id="d", pending_jobs=4, inactivation=SCHEDULED),
    device(id="e", pending_jobs=1, enrollment=HYB),
)


@pytest.mark.parametrize(
    ("action", "total", "acted_on"),
    [
        (Inactivate(), 3 + 1, ("a", "e")),
        (ForceInactivate(), 3 + 2 + 4 + 1, ("a", "c", "d", "e")),
        (Delete(), 5, ("b",)),
    ],
)
def test_jobs_cancelled_totals(action, total, acted_on):
    pf = preflight(FLEET, action, NOW)
    assert pf.jobs_cancelled == total
    assert tuple(p.device_id for p in pf.acted_on) == acted_on
    assert {p.device_id for p in pf.not_acted_on} == {d.id for d in FLEET} - set(acted_on)
    assert [p.device_id for p in pf.plans] == [d.id for d in FLEET]  # order kept
    assert set(pf.by_device()) == {d.id for d in FLEET}


def test_needs_acknowledgement_only_for_acknowledge_warnings():
    assert {
        W.DEP_PROFILE_REMOVAL_FORBIDDEN,
        W.ANDROID_FACTORY_RESET,
        W.STILL_COMMUNICATING,
    } == ACKNOWLEDGE
    fleet = [
        device(id="dep", **DEP_FORBIDS),
        android(id="wipe", android_device_owner=True, os_version="11"),
        device(id="wlan", silent_wlan=True),
        device(id="safari", enrollment=HYB, safari_restricted=True),
        windows(id="win"),
        device(id="plain"),
    ]
    off = preflight(fleet, Inactivate(remove_apple_mdm_profile=False), NOW)
    assert off.needs_acknowledgement == ("dep", "wipe")
    assert off.devices_with(W.SAFARI_RESTRICTED) == ("safari",)
    on = preflight(fleet, Inactivate(remove_apple_mdm_profile=True), NOW)
    assert on.needs_acknowledgement == ("wipe",)
    assert on.devices_with(W.SILENT_WLAN) == ("wlan",)
    assert on.devices_with(W.PROFILE_OPTION_NOT_APPLICABLE) == ("wipe", "win")


def test_needs_acknowledgement_ignores_skipped_devices():
    fleet = [device(id="dep", state=DeviceState.INACTIVE, **DEP_FORBIDS)]
    assert preflight(fleet, Inactivate(), NOW).needs_acknowledgement == ()


def test_forcing_a_device_still_communicating_must_be_acknowledged():
    d = device(last_seen_at=NOW - timedelta(minutes=5))
    silent = device(id="d2", last_seen_at=NOW - timedelta(days=30))
    pf = preflight([d, silent], ForceInactivate(), NOW)
    assert pf.devices_with(W.STILL_COMMUNICATING) == ("d1",)
    assert pf.needs_acknowledgement == ("d1",)


# --------------------------------------------------------------------------- schedule

JST = timezone(timedelta(hours=9))


@pytest.mark.parametrize(
    ("scheduled_at", "expected"),
    [
        (None, None),
        (NOW + timedelta(minutes=1), None),
        (NOW + timedelta(days=30), None),
        (NOW, "schedule_in_past"),
        (NOW - timedelta(seconds=1), "schedule_in_past"),
        # 18:00 JST == 09:00 UTC: the same instant, so not in the future
        (datetime(2025, 4, 1, 18, 0, tzinfo=JST), "schedule_in_past"),
        (datetime(2025, 4, 1, 18, 1, tzinfo=JST), None),
        (datetime(2025, 4, 2, 9, 0), "schedule_without_offset"),
    ],
)
def test_schedule_problem(scheduled_at, expected):
    assert schedule_problem(scheduled_at, NOW) == expected


# --------------------------------------------------------------------------- versions


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12.2.1", (12, 2, 1)),
        ("17", (17,)),
        ("17.4", (17, 4)),
        (" 16.4 ", (16, 4)),
        ("17.4b2", (17, 4)),
        ("14.a.1", (14,)),
        ("1..2", (1,)),
        ("17,4", (17,)),
        ("10.0.19045", (10, 0, 19045)),
        ("", (0,)),
        ("   ", (0,)),
        ("v17", (0,)),
        (".5", (0,)),
        ("unknown", (0,)),
    ],
)
def test_major_version(raw, expected):
    assert major_version(raw) == expected


@pytest.mark.parametrize(("smaller", "larger"), [("12.2", "12.2.1"), ("9.3", "10"), ("13", "13.1")])
def test_major_version_orders_numerically(smaller, larger):
    assert major_version(smaller) < major_version(larger)


@pytest.mark.parametrize(("raw", "expected"), [("²", (0,)), ("17.4²", (17, 4))])
def test_major_version_never_raises_on_digit_like_characters(raw, expected):
    assert major_version(raw) == expected


@pytest.mark.parametrize(
    ("platform", "owner", "version", "wipes"),
    [
        (Platform.ANDROID, True, "10", False),
        (Platform.ANDROID, True, "10.9", False),
        (Platform.ANDROID, True, "11", True),
        (Platform.ANDROID, True, "11.0", True),
        (Platform.ANDROID, True, "15", True),
        (Platform.ANDROID, False, "11", False),
        (Platform.ANDROID, False, "15", False),
        (Platform.IOS, True, "17.4", False),
        (Platform.WINDOWS, True, "11", False),
    ],
)
def test_android_device_owner_factory_reset(platform, owner, version, wipes):
    d = device(platform=platform, android_device_owner=owner, os_version=version)
    assert is_android_factory_reset(d) is wipes
    warnings = plan(d, Inactivate(), NOW).warnings
    assert (W.ANDROID_FACTORY_RESET in warnings) is wipes


@pytest.mark.parametrize(("version", "wipes"), [("", True), ("unknown", True), ("10", False)])
def test_android_device_owner_with_unknown_version_is_warned(version, wipes):
    d = device(
        platform=Platform.ANDROID,
        enrollment=Enrollment.CLIENT_APP,
        android_device_owner=True,
        os_version=version,
    )
    plan = preflight([d], Inactivate(), NOW).plans[0]
    assert (DeviceWarning.ANDROID_FACTORY_RESET in plan.warnings) is wipes


# --------------------------------------------------------------------------- stalled


@pytest.mark.parametrize(
    ("state", "executed_ago", "seen_ago", "expected"),
    [
        (DeviceState.INACTIVATION_PENDING, timedelta(hours=3), timedelta(hours=5), True),
        (DeviceState.INACTIVATION_PENDING, timedelta(hours=3), None, True),
        # it checked in after the request executed (a user still on the on-device steps)
        (DeviceState.INACTIVATION_PENDING, timedelta(hours=3), timedelta(hours=1), False),
        # too early to tell
        (DeviceState.INACTIVATION_PENDING, timedelta(minutes=30), timedelta(hours=5), False),
        (DeviceState.ACTIVE, timedelta(hours=3), timedelta(hours=5), False),
        (DeviceState.INACTIVE, timedelta(hours=3), timedelta(hours=5), False),
    ],
)
def test_stalled_pending_devices(state, executed_ago, seen_ago, expected):
    d = device(state=state, last_seen_at=None if seen_ago is None else NOW - seen_ago)
    assert is_stalled(d, NOW - executed_ago, NOW) is expected
    assert is_stalled(d, None, NOW) is False  # not executed yet (scheduled)


@pytest.mark.parametrize(
    ("state", "executed_ago", "seen_ago", "due_in"),
    [
        # silent since 30 min before its request: stalled when the request is 2 h old
        (DeviceState.INACTIVATION_PENDING, timedelta(minutes=30), timedelta(hours=5), 90),
        (DeviceState.INACTIVATION_PENDING, timedelta(minutes=30), None, 90),
        # it checked in after the request executed: never stalls from here
        (DeviceState.INACTIVATION_PENDING, timedelta(minutes=30), timedelta(minutes=10), None),
        # already stalled: nothing to wait for
        (DeviceState.INACTIVATION_PENDING, timedelta(hours=3), timedelta(hours=5), None),
        (DeviceState.ACTIVE, timedelta(minutes=30), timedelta(hours=5), None),
        (DeviceState.INACTIVE, timedelta(minutes=30), timedelta(hours=5), None),
    ],
)
def test_when_a_silent_pending_device_comes_due(state, executed_ago, seen_ago, due_in):
    d = device(state=state, last_seen_at=None if seen_ago is None else NOW - seen_ago)
    due = stall_due(d, NOW - executed_ago, NOW)
    assert due == (None if due_in is None else NOW + timedelta(minutes=due_in))
    if due is not None:  # the moment it comes due is the moment is_stalled says so
        assert not is_stalled(d, NOW - executed_ago, due - timedelta(seconds=1))
        assert is_stalled(d, NOW - executed_ago, due)
    assert stall_due(d, None, NOW) is None  # not executed yet (scheduled)
