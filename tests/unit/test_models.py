"""The wire models: round trips through real JSON, and strict validation of malformed documents."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from mobitui.domain.models import (
    Account,
    BulkResult,
    Changes,
    Device,
    DevicePage,
    DeviceState,
    Enrollment,
    Group,
    InactivationRef,
    InactivationRequest,
    ItemProgress,
    ItemResult,
    Outcome,
    Platform,
    Reason,
    RequestStatus,
    Role,
    Session,
    WireError,
    format_time,
    parse_time,
)

JST = timezone(timedelta(hours=9))
T0 = datetime(2025, 4, 1, 9, 0, 0, tzinfo=UTC)
T1 = datetime(2025, 4, 2, 18, 30, 0, tzinfo=JST)


def wire(obj: Any) -> Any:
    """Through real JSON text, as the API would carry it."""
    return json.loads(json.dumps(obj, ensure_ascii=False))


REF = InactivationRef(
    id="req-1",
    status=RequestStatus.SCHEDULED,
    progress=ItemProgress.SCHEDULED,
    remove_apple_mdm_profile=True,
    scheduled_at=T1,
    created_at=T0,
)

DEVICE = Device(
    id="dev-1",
    name="[prod] 佐藤のiPhone 📱",
    group_id="grp-1",
    platform=Platform.IOS,
    os_version="17.4.1",
    model="iPhone15,2",
    serial="F2LXK0AAAAAA",
    user_name="佐藤 太郎",
    phone_number="090-1234-5678",
    enrollment=Enrollment.HYBRID_MDM,
    dep=True,
    android_device_owner=False,
    dep_profile_removal_forbidden=True,
    silent_wlan=False,
    safari_restricted=True,
    state=DeviceState.ACTIVE,
    pending_jobs=3,
    last_seen_at=T0,
    inactivation=REF,
)

BARE_DEVICE = Device(
    id="dev-2",
    name="Pixel",
    group_id="grp-2",
    platform=Platform.ANDROID,
    os_version="14",
    model="Pixel 8",
    serial="",
    user_name="",
    phone_number="",
    enrollment=Enrollment.CLIENT_APP,
    dep=False,
    android_device_owner=True,
    dep_profile_removal_forbidden=False,
    silent_wlan=False,
    safari_restricted=False,
    state=DeviceState.INACTIVE,
    pending_jobs=0,
    last_seen_at=None,
    inactivation=None,
)

ACCOUNT = Account("acc-1", "admin", Role.ADMIN, None, can_delete_devices=True)
SCOPED = Account("acc-2", "op", Role.OPERATOR, ["grp-1", "grp-2"], can_delete_devices=False)

ITEMS = [
    ItemResult("dev-1", Outcome.ACCEPTED, progress=ItemProgress.PENDING),
    ItemResult("dev-2", Outcome.SKIPPED, reason=Reason.ALREADY_INACTIVE),
    ItemResult("dev-3", Outcome.DELETED, deleted=True),
    ItemResult("dev-4", Outcome.REFUSED, reason=Reason.DEVICE_NOT_INACTIVE),
]

REQUEST = InactivationRequest(
    id="req-1",
    status=RequestStatus.IN_PROGRESS,
    created_at=T0,
    created_by="acc-1",
    scheduled_at=None,
    executed_at=T1,
    remove_apple_mdm_profile=False,
    cancelled_jobs=12,
    items=ITEMS,
)

ROUND_TRIPS = [
    Group("grp-1", None, "本社", 120),
    Group("grp-2", "grp-1", "営業部", 0),
    REF,
    InactivationRef("req-2", RequestStatus.CANCELLED, ItemProgress.CANCELLED, False, None, T1),
    DEVICE,
    BARE_DEVICE,
    ACCOUNT,
    SCOPED,
    *ITEMS,
    REQUEST,
    InactivationRequest("req-3", RequestStatus.SCHEDULED, T0, "acc-1", T1, None, True, 0, []),
    BulkResult("bulk-1", 7, ITEMS),
    BulkResult("bulk-2", 0, []),
]


@pytest.mark.parametrize("model", ROUND_TRIPS, ids=lambda m: type(m).__name__)
def test_round_trip(model):
    doc = wire(model.to_json())
    back = type(model).from_json(doc)
    assert back == model
    assert wire(back.to_json()) == doc


def test_times_are_written_in_utc_with_offset():
    doc = DEVICE.to_json()
    assert doc["last_seen_at"] == "2025-04-01T09:00:00+00:00"
    assert doc["inactivation"]["scheduled_at"] == "2025-04-02T09:30:00+00:00"
    assert Device.from_json(doc).inactivation.scheduled_at == T1  # same instant


def test_session_page_and_changes_parse():
    session = Session.from_json(
        {"token": "t", "expires_at": "2025-04-01T18:00:00+09:00", "account": ACCOUNT.to_json()}
    )
    assert session == Session("t", T0, ACCOUNT)

    page = DevicePage.from_json(
        wire({"items": [DEVICE.to_json(), BARE_DEVICE.to_json()], "next_cursor": "c2", "total": 2})
    )
    assert page == DevicePage([DEVICE, BARE_DEVICE], "c2", 2)
    last = DevicePage.from_json({"items": [], "next_cursor": None, "total": 0})
    assert last.next_cursor is None

    changes = Changes.from_json(wire({"changes": [DEVICE.to_json()], "deleted": ["x"], "seq": 9}))
    assert changes == Changes([DEVICE], ["x"], 9)


def test_optional_fields_may_be_absent():
    doc = BARE_DEVICE.to_json()
    del doc["last_seen_at"], doc["inactivation"]
    assert Device.from_json(doc) == BARE_DEVICE
    acc = ACCOUNT.to_json()
    del acc["can_delete_devices"], acc["group_scope"]
    assert Account.from_json(acc) == Account("acc-1", "admin", Role.ADMIN, None, False)
    item = Group("g", None, "n", 1).to_json()
    del item["parent_id"]
    assert Group.from_json(item).parent_id is None
    result = ItemResult("d", Outcome.SKIPPED).to_json()
    del result["reason"], result["progress"], result["deleted"]
    assert ItemResult.from_json(result) == ItemResult("d", Outcome.SKIPPED)


# --------------------------------------------------------------------------- malformed

OPTIONAL = {"last_seen_at", "inactivation"}


@pytest.mark.parametrize("name", sorted(set(DEVICE.to_json()) - OPTIONAL))
def test_device_missing_field(name):
    doc = DEVICE.to_json()
    del doc[name]
    with pytest.raises(WireError, match=name):
        Device.from_json(doc)


@pytest.mark.parametrize(
    ("cls", "doc", "name"),
    [
        (Group, Group("g", None, "n", 1).to_json(), "device_count"),
        (InactivationRef, REF.to_json(), "created_at"),
        (InactivationRef, REF.to_json(), "remove_apple_mdm_profile"),
        (InactivationRequest, REQUEST.to_json(), "created_at"),
        (InactivationRequest, REQUEST.to_json(), "cancelled_jobs"),
        (InactivationRequest, REQUEST.to_json(), "items"),
        (BulkResult, BulkResult("b", 1, []).to_json(), "cancelled_jobs"),
        (ItemResult, ITEMS[0].to_json(), "outcome"),
        (Account, ACCOUNT.to_json(), "role"),
        (Session, {"token": "t", "expires_at": "2025-04-01T00:00:00Z"}, "account"),
        (Session, {"token": "t", "account": ACCOUNT.to_json()}, "expires_at"),
        (DevicePage, {"items": [], "next_cursor": None}, "total"),
        (Changes, {"changes": [], "seq": 1}, "deleted"),
    ],
)
def test_missing_field(cls, doc, name):
    doc = dict(doc)
    doc.pop(name, None)
    with pytest.raises(WireError, match=name):
        cls.from_json(doc)


@pytest.mark.parametrize(
    ("cls", "doc", "name", "value"),
    [
        # bool where an int is expected (bool is an int subclass in Python)
        (Device, DEVICE.to_json(), "pending_jobs", True),
        (Group, Group("g", None, "n", 1).to_json(), "device_count", False),
        (BulkResult, BulkResult("b", 1, []).to_json(), "cancelled_jobs", True),
        (DevicePage, {"items": [], "next_cursor": None, "total": 0}, "total", True),
        (Changes, {"changes": [], "deleted": [], "seq": 0}, "seq", True),
        # int where a bool is expected
        (Device, DEVICE.to_json(), "dep", 1),
        (Device, DEVICE.to_json(), "safari_restricted", 0),
        (InactivationRef, REF.to_json(), "remove_apple_mdm_profile", 1),
        (Account, ACCOUNT.to_json(), "can_delete_devices", 1),
        (ItemResult, ITEMS[0].to_json(), "deleted", 0),
        # other wrong types
        (Device, DEVICE.to_json(), "pending_jobs", 3.0),
        (Device, DEVICE.to_json(), "pending_jobs", "3"),
        (Device, DEVICE.to_json(), "name", 5),
        (Device, DEVICE.to_json(), "os_version", 17.4),
        (Device, DEVICE.to_json(), "inactivation", "req-1"),
        (Device, DEVICE.to_json(), "platform", 1),
        (Group, Group("g", None, "n", 1).to_json(), "parent_id", 7),
        (Account, ACCOUNT.to_json(), "group_scope", ["g1", 2]),
        (Account, ACCOUNT.to_json(), "group_scope", "g1"),
        (BulkResult, BulkResult("b", 1, []).to_json(), "items", {}),
        (Changes, {"changes": [], "deleted": [], "seq": 0}, "deleted", [1]),
        (Session, {"token": "t", "expires_at": "2025-04-01T00:00:00Z"}, "account", []),
    ],
)
def test_wrong_type(cls, doc, name, value):
    doc = {**doc, name: value}
    with pytest.raises(WireError, match=name):
        cls.from_json(doc)


@pytest.mark.parametrize(
    ("cls", "doc", "name"),
    [
        (Device, DEVICE.to_json(), "platform"),
        (Device, DEVICE.to_json(), "enrollment"),
        (Device, DEVICE.to_json(), "state"),
        (InactivationRef, REF.to_json(), "status"),
        (InactivationRef, REF.to_json(), "progress"),
        (InactivationRequest, REQUEST.to_json(), "status"),
        (ItemResult, ITEMS[0].to_json(), "outcome"),
        (ItemResult, ITEMS[1].to_json(), "reason"),
        (ItemResult, ITEMS[0].to_json(), "progress"),
        (Account, ACCOUNT.to_json(), "role"),
    ],
)
@pytest.mark.parametrize("value", ["symbian", "", "ACTIVE", "IOS"])
def test_unknown_enum_value(cls, doc, name, value):
    doc = {**doc, name: value}
    with pytest.raises(WireError, match=f"{name}.*unknown value"):
        cls.from_json(doc)


@pytest.mark.parametrize(
    ("cls", "doc", "name"),
    [
        (Device, DEVICE.to_json(), "last_seen_at"),
        (InactivationRef, REF.to_json(), "created_at"),
        (InactivationRef, REF.to_json(), "scheduled_at"),
        (InactivationRequest, REQUEST.to_json(), "executed_at"),
        (Session, {"token": "t", "account": ACCOUNT.to_json()}, "expires_at"),
    ],
)
@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("2025-04-01T09:00:00", "without offset"),
        ("2025-04-01", "without offset"),
        ("2025-04-01 09:00:00", "without offset"),
        ("yesterday", "not an RFC 3339 time"),
        ("2025-13-01T00:00:00Z", "not an RFC 3339 time"),
    ],
)
def test_bad_time(cls, doc, name, raw, problem):
    doc = {**doc, name: raw}
    with pytest.raises(WireError, match=problem):
        cls.from_json(doc)


def test_nested_errors_surface():
    doc = DEVICE.to_json()
    doc["inactivation"] = {**REF.to_json(), "status": "bogus"}
    with pytest.raises(WireError, match="status"):
        Device.from_json(doc)
    page = {"items": [{**DEVICE.to_json(), "dep": "yes"}], "next_cursor": None, "total": 1}
    with pytest.raises(WireError, match="dep"):
        DevicePage.from_json(page)
    bulk = {"id": "b", "cancelled_jobs": 0, "items": [{"device_id": 1, "outcome": "deleted"}]}
    with pytest.raises(WireError, match="device_id"):
        BulkResult.from_json(bulk)


NOT_OBJECTS = [[], "device", 3, None]


@pytest.mark.parametrize("cls", [Group, ItemResult, BulkResult, DevicePage, Changes])
@pytest.mark.parametrize("doc", NOT_OBJECTS)
def test_not_an_object(cls, doc):
    with pytest.raises(WireError, match="expected an object"):
        cls.from_json(doc)


@pytest.mark.parametrize("cls", [Device, InactivationRef, InactivationRequest, Account, Session])
@pytest.mark.parametrize("doc", NOT_OBJECTS)
def test_not_an_object_checked_before_optional_fields(cls, doc):
    with pytest.raises(WireError, match="expected an object"):
        cls.from_json(doc)


@pytest.mark.parametrize(
    ("cls", "doc"),
    [
        (DevicePage, {"items": [None], "next_cursor": None, "total": 1}),
        (Changes, {"changes": [[]], "deleted": [], "seq": 1}),
    ],
)
def test_non_object_device_in_a_list(cls, doc):
    with pytest.raises(WireError):
        cls.from_json(doc)


def test_non_object_item_in_a_list():
    with pytest.raises(WireError, match="expected an object"):
        BulkResult.from_json({"id": "b", "cancelled_jobs": 0, "items": [None]})


def test_wire_error_is_a_value_error():
    assert issubclass(WireError, ValueError)


# --------------------------------------------------------------------------- time helpers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-04-01T09:00:00Z", T0),
        ("2025-04-01T09:00:00+00:00", T0),
        ("2025-04-01T18:00:00+09:00", T0),
        ("2025-04-01T09:00:00.250000+00:00", T0 + timedelta(milliseconds=250)),
    ],
)
def test_parse_time(raw, expected):
    value = parse_time(raw)
    assert value == expected
    assert value.tzinfo is not None


def test_format_time():
    assert format_time(None) is None
    assert format_time(T1) == "2025-04-02T09:30:00+00:00"
    # seconds precision: sub-second parts are dropped on the wire
    assert format_time(T0 + timedelta(microseconds=999_999)) == "2025-04-01T09:00:00+00:00"
    with pytest.raises(ValueError, match="naive"):
        format_time(datetime(2025, 4, 1, 9, 0))
