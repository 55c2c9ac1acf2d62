"""The nouns of device retirement: groups, devices, accounts, requests and per-device outcomes.

These classes are the one vocabulary shared by the reference server, the API client and the
TUI. Each knows how to turn itself into the JSON of the management API contract
(``to_json``) and back (``from_json``). ``from_json`` validates types strictly and raises
:class:`WireError` with the offending field, so a malformed server answer becomes a clear
message instead of a ``KeyError`` deep inside a screen.

Pure Python: no I/O, no HTTP, no Textual.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

from mobitui.domain.text import has_hidden, visible


class WireError(ValueError):
    """A JSON document did not have the shape the contract promises."""


class Platform(StrEnum):
    IOS = "ios"
    IPADOS = "ipados"
    ANDROID = "android"
    WINDOWS = "windows"
    MACOS = "macos"

    @property
    def is_apple_mobile(self) -> bool:
        """iOS and iPadOS: the platforms the 「Apple MDMプロファイル削除」 option applies to."""
        return self in (Platform.IOS, Platform.IPADOS)


class Enrollment(StrEnum):
    APPLE_MDM = "apple_mdm"
    HYBRID_MDM = "hybrid_mdm"
    CLIENT_APP = "client_app"


class DeviceState(StrEnum):
    """有効 / インアクティベーション要求中 / 無効."""

    ACTIVE = "active"
    INACTIVATION_PENDING = "inactivation_pending"
    INACTIVE = "inactive"


class Role(StrEnum):
    ADMIN = "admin"
    OPERATOR = "operator"


class RequestStatus(StrEnum):
    """Life of an inactivation request.

    ``scheduled``: registered with a future ``scheduled_at``, may still be cancelled.
    ``in_progress``: executed; some accepted devices have not yet acted on it.
    ``completed``: executed; every accepted device is inactive (or was forced/deleted).
    ``cancelled``: cancelled before it executed.
    """

    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Outcome(StrEnum):
    """Per-device outcome of a bulk call."""

    ACCEPTED = "accepted"
    SKIPPED = "skipped"
    DELETED = "deleted"
    REFUSED = "refused"


class ItemProgress(StrEnum):
    """Where an accepted device stands inside an inactivation request."""

    SCHEDULED = "scheduled"  # the request has not executed yet
    PENDING = "pending"  # executed; waiting for the device to act on it
    DONE = "done"  # the device acted on it and is inactive
    SUPERSEDED = "superseded"  # forced inactivation or deletion overtook it
    CANCELLED = "cancelled"  # the request was cancelled before it executed


class Reason(StrEnum):
    """Stable reason codes for a skipped or refused device."""

    ALREADY_INACTIVE = "already_inactive"
    ALREADY_PENDING = "already_pending"
    DEVICE_NOT_INACTIVE = "device_not_inactive"
    ALREADY_SCHEDULED = "already_scheduled"
    NOT_FOUND = "not_found"


# --------------------------------------------------------------------------- wire helpers


def _req(data: Mapping[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(data, Mapping):
        raise WireError(f"expected an object, got {type(data).__name__}")
    if name not in data:
        raise WireError(f"missing field {name!r}")
    value = data[name]
    # bool is an int subclass: never accept it where a number is expected.
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise WireError(f"field {name!r}: expected {_kind_name(kind)}, got bool")
    if not isinstance(value, kind):
        raise WireError(f"field {name!r}: expected {_kind_name(kind)}, got {type(value).__name__}")
    return value


def exact_id(name: str, value: str) -> str:
    """``value`` (an id in field ``name``) as it is, or :class:`WireError` when it holds a
    character :func:`~mobitui.domain.text.visible` would change.

    Every other server string is made visible where it enters; an id cannot be: ``AB\x1b1``
    and ``AB␛1`` would both become ``AB␛1``, and a command could act on the other device.
    Ids are compared and sent back exactly, so one that cannot be shown as it is is refused,
    never rewritten. (A whole page, or answer, is refused with it: a full sync then fails with
    this message naming the field, which the admin can take to whoever runs the server.)
    """
    if has_hidden(value):
        code = next(ord(c) for c in value if has_hidden(c))
        raise WireError(
            f"field {name!r}: the id {visible(value)[:64]!r} holds a character that cannot be "
            f"shown as it is (U+{code:04X}); ids are compared exactly and never rewritten, so "
            f"the answer is refused"
        )
    return value


def _id(data: Mapping[str, Any], name: str) -> str:
    return exact_id(name, _req(data, name, str))


def _opt_id(data: Mapping[str, Any], name: str) -> str | None:
    value = _opt(data, name, str)
    return None if value is None else exact_id(name, value)


def _opt(data: Mapping[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(data, Mapping):
        raise WireError(f"expected an object, got {type(data).__name__}")
    if data.get(name) is None:
        return None
    return _req(data, name, kind)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


E = TypeVar("E", bound=StrEnum)


def _enum(data: Mapping[str, Any], name: str, enum: type[E]) -> E:
    raw = _req(data, name, str)
    try:
        return enum(raw)
    except ValueError:
        raise WireError(f"field {name!r}: unknown value {raw!r}") from None


def _time(data: Mapping[str, Any], name: str) -> datetime | None:
    raw = _opt(data, name, str)
    return None if raw is None else parse_time(raw, name)


def parse_time(raw: str, name: str = "time") -> datetime:
    """Parse an RFC 3339 time; the offset is required (a naive time is ambiguous)."""
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise WireError(f"field {name!r}: not an RFC 3339 time: {raw!r}") from None
    if value.tzinfo is None:
        raise WireError(f"field {name!r}: time without offset: {raw!r}")
    return value


def format_time(value: datetime | None) -> str | None:
    """RFC 3339 with offset, seconds precision, in UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _str_list(data: Mapping[str, Any], name: str) -> list[str]:
    items = _req(data, name, list)
    for item in items:
        if not isinstance(item, str):
            raise WireError(f"field {name!r}: expected a list of strings")
    return list(items)


def _id_list(data: Mapping[str, Any], name: str) -> list[str]:
    """A list of ids (``deleted``, ``group_scope``), each exact (:func:`exact_id`)."""
    return [exact_id(name, item) for item in _str_list(data, name)]


# --------------------------------------------------------------------------- models


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    parent_id: str | None
    name: str
    device_count: int

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "parent_id": self.parent_id,
            "name": self.name,
            "device_count": self.device_count,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Group:
        return cls(
            id=_id(data, "id"),
            parent_id=_opt_id(data, "parent_id"),
            name=_req(data, "name", str),
            device_count=_req(data, "device_count", int),
        )


@dataclass(frozen=True, slots=True)
class InactivationRef:
    """The latest inactivation request touching a device, as embedded in the device."""

    id: str
    status: RequestStatus
    progress: ItemProgress
    remove_apple_mdm_profile: bool
    scheduled_at: datetime | None
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status.value,
            "progress": self.progress.value,
            "remove_apple_mdm_profile": self.remove_apple_mdm_profile,
            "scheduled_at": format_time(self.scheduled_at),
            "created_at": format_time(self.created_at),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> InactivationRef:
        created = _time(data, "created_at")
        if created is None:
            raise WireError("missing field 'created_at'")
        return cls(
            id=_id(data, "id"),
            status=_enum(data, "status", RequestStatus),
            progress=_enum(data, "progress", ItemProgress),
            remove_apple_mdm_profile=_req(data, "remove_apple_mdm_profile", bool),
            scheduled_at=_time(data, "scheduled_at"),
            created_at=created,
        )


@dataclass(frozen=True, slots=True)
class Device:
    """One device record, with every field of the contract."""

    id: str
    name: str
    group_id: str
    platform: Platform
    os_version: str
    model: str
    serial: str
    user_name: str
    phone_number: str
    enrollment: Enrollment
    dep: bool
    android_device_owner: bool
    dep_profile_removal_forbidden: bool
    silent_wlan: bool
    safari_restricted: bool
    state: DeviceState
    pending_jobs: int
    last_seen_at: datetime | None
    inactivation: InactivationRef | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "group_id": self.group_id,
            "platform": self.platform.value,
            "os_version": self.os_version,
            "model": self.model,
            "serial": self.serial,
            "user_name": self.user_name,
            "phone_number": self.phone_number,
            "enrollment": self.enrollment.value,
            "dep": self.dep,
            "android_device_owner": self.android_device_owner,
            "dep_profile_removal_forbidden": self.dep_profile_removal_forbidden,
            "silent_wlan": self.silent_wlan,
            "safari_restricted": self.safari_restricted,
            "state": self.state.value,
            "pending_jobs": self.pending_jobs,
            "last_seen_at": format_time(self.last_seen_at),
            "inactivation": None if self.inactivation is None else self.inactivation.to_json(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Device:
        ref = _opt(data, "inactivation", Mapping)
        return cls(
            id=_id(data, "id"),
            name=_req(data, "name", str),
            group_id=_id(data, "group_id"),
            platform=_enum(data, "platform", Platform),
            os_version=_req(data, "os_version", str),
            model=_req(data, "model", str),
            serial=_req(data, "serial", str),
            user_name=_req(data, "user_name", str),
            phone_number=_req(data, "phone_number", str),
            enrollment=_enum(data, "enrollment", Enrollment),
            dep=_req(data, "dep", bool),
            android_device_owner=_req(data, "android_device_owner", bool),
            dep_profile_removal_forbidden=_req(data, "dep_profile_removal_forbidden", bool),
            silent_wlan=_req(data, "silent_wlan", bool),
            safari_restricted=_req(data, "safari_restricted", bool),
            state=_enum(data, "state", DeviceState),
            pending_jobs=_req(data, "pending_jobs", int),
            last_seen_at=_time(data, "last_seen_at"),
            inactivation=None if ref is None else InactivationRef.from_json(ref),
        )


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    name: str
    role: Role
    group_scope: list[str] | None  # None: the whole tenant
    #: The permission 端末管理 → 端末削除 (deletion; forced inactivation's 「有効」).
    can_delete_devices: bool = False

    @property
    def may_destroy(self) -> bool:
        """Only admins may run destructive calls; operators read."""
        return self.role is Role.ADMIN

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role.value,
            "group_scope": None if self.group_scope is None else list(self.group_scope),
            "can_delete_devices": self.can_delete_devices,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Account:
        scope = None if _opt(data, "group_scope", list) is None else _id_list(data, "group_scope")
        return cls(
            id=_id(data, "id"),
            name=_req(data, "name", str),
            role=_enum(data, "role", Role),
            group_scope=scope,
            can_delete_devices=bool(_opt(data, "can_delete_devices", bool)),
        )


#: The longest bearer token accepted (HTTP servers commonly refuse headers beyond 8 KB).
MAX_TOKEN = 8192


def usable_token(token: object) -> bool:
    """A bearer token that can go in a header as it is: 1 to :data:`MAX_TOKEN` printable
    ASCII characters without spaces.

    Anything else (a server's non-ASCII "token") made httpx's header encoding raise deep in
    every later call: such a token is never adopted, used or cached.
    """
    return (
        isinstance(token, str)
        and 0 < len(token) <= MAX_TOKEN
        and token.isascii()
        and token.isprintable()
        and " " not in token
    )


@dataclass(frozen=True, slots=True)
class Session:
    """What ``POST /auth/login`` returns."""

    token: str
    expires_at: datetime
    account: Account

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Session:
        expires = _time(data, "expires_at")
        if expires is None:
            raise WireError("missing field 'expires_at'")
        return cls(
            token=_req(data, "token", str),
            expires_at=expires,
            account=Account.from_json(_req(data, "account", Mapping)),
        )


@dataclass(frozen=True, slots=True)
class ItemResult:
    """What a bulk call did, or will do, to one device.

    ``progress`` is set only for devices accepted by an inactivation request; ``deleted`` only
    matters for forced inactivation with ``delete_after``.
    """

    device_id: str
    outcome: Outcome
    reason: Reason | None = None
    progress: ItemProgress | None = None
    deleted: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "device_id": self.device_id,
            "outcome": self.outcome.value,
            "reason": None if self.reason is None else self.reason.value,
            "progress": None if self.progress is None else self.progress.value,
            "deleted": self.deleted,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ItemResult:
        return cls(
            device_id=_id(data, "device_id"),
            outcome=_enum(data, "outcome", Outcome),
            reason=None if data.get("reason") is None else _enum(data, "reason", Reason),
            progress=None
            if data.get("progress") is None
            else _enum(data, "progress", ItemProgress),
            deleted=bool(_opt(data, "deleted", bool)),
        )


def _items(data: Mapping[str, Any]) -> list[ItemResult]:
    raw = _req(data, "items", list)
    return [ItemResult.from_json(item) for item in raw]


@dataclass(frozen=True, slots=True)
class InactivationRequest:
    """An inactivation request (一括インアクティベーション) and each device's progress in it."""

    id: str
    status: RequestStatus
    created_at: datetime
    created_by: str
    scheduled_at: datetime | None
    executed_at: datetime | None
    remove_apple_mdm_profile: bool
    cancelled_jobs: int
    #: Required (no default): an answer without its items must not read as "nothing done".
    items: list[ItemResult]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status.value,
            "created_at": format_time(self.created_at),
            "created_by": self.created_by,
            "scheduled_at": format_time(self.scheduled_at),
            "executed_at": format_time(self.executed_at),
            "remove_apple_mdm_profile": self.remove_apple_mdm_profile,
            "cancelled_jobs": self.cancelled_jobs,
            "items": [item.to_json() for item in self.items],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> InactivationRequest:
        created = _time(data, "created_at")
        if created is None:
            raise WireError("missing field 'created_at'")
        return cls(
            id=_id(data, "id"),
            status=_enum(data, "status", RequestStatus),
            created_at=created,
            created_by=_req(data, "created_by", str),
            scheduled_at=_time(data, "scheduled_at"),
            executed_at=_time(data, "executed_at"),
            remove_apple_mdm_profile=_req(data, "remove_apple_mdm_profile", bool),
            cancelled_jobs=_req(data, "cancelled_jobs", int),
            items=_items(data),
        )


@dataclass(frozen=True, slots=True)
class BulkResult:
    """The answer to a forced inactivation (強制インアクティベーション) or a deletion."""

    id: str
    cancelled_jobs: int
    #: Required (no default): an answer without its items must not read as "nothing done".
    items: list[ItemResult]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "cancelled_jobs": self.cancelled_jobs,
            "items": [item.to_json() for item in self.items],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BulkResult:
        return cls(
            id=_id(data, "id"),
            cancelled_jobs=_req(data, "cancelled_jobs", int),
            items=_items(data),
        )


@dataclass(frozen=True, slots=True)
class DevicePage:
    """One page of ``GET /devices``."""

    items: list[Device]
    next_cursor: str | None
    total: int

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DevicePage:
        return cls(
            items=[Device.from_json(d) for d in _req(data, "items", list)],
            next_cursor=_opt(data, "next_cursor", str),
            total=_req(data, "total", int),
        )


@dataclass(frozen=True, slots=True)
class Changes:
    """One answer of the change feed ``GET /devices/changes?since=``."""

    changes: list[Device]
    deleted: list[str]
    seq: int

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Changes:
        return cls(
            changes=[Device.from_json(d) for d in _req(data, "changes", list)],
            deleted=_id_list(data, "deleted"),
            seq=_req(data, "seq", int),
        )
