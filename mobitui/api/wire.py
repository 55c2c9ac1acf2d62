"""Decode the large answers straight into domain models: device pages, changes, bulk results.

Why this module exists: a full sync of 100,000 devices spent most of its time in the general
path (``json.loads``, then :func:`sanitize` walking every value, then ``from_json`` checking
every field in Python), where msgspec decodes the same bytes straight into the frozen
dataclasses of :mod:`mobitui.domain.models` more than ten times faster (bench/README.md). The
domain stays free of msgspec: msgspec reads those dataclasses' type hints from here.

The fast path keeps every guarantee of the general one:

- **Every string is visible.** It is taken only when the raw bytes cannot hold a character
  :func:`~mobitui.domain.text.visible` would change: none encoded in the UTF-8
  (:func:`~mobitui.domain.text.hidden_in_utf8`) and no JSON escape that could write one
  (``\\u``, ``\\b``, ``\\f``, ``\\n``, ``\\r``, ``\\t``; msgspec refuses raw control characters
  inside strings). Otherwise the body is decoded to builtins, sanitized, and converted.
- **Ids are exact.** On the fast path no string can hold such a character, ids included; on
  the general path :func:`sanitize` refuses an id holding one (``WireError`` naming the
  field) instead of rewriting it, and ``from_json`` does the same wherever else ids enter
  (:func:`~mobitui.domain.models.exact_id`).
- **As strict as ``from_json``.** msgspec refuses a bool for an int, an int for a bool and an
  unknown enum value, and ignores unknown fields, like ``from_json``; it accepts a time without
  an offset, so every time it decoded is checked for one.
- **The same errors.** Whenever msgspec refuses a document, ``from_json`` decodes it again: the
  error names the field in the same words as before (or the document is accepted, when
  ``from_json`` allows what msgspec does not, such as an absent ``last_seen_at``).
- **Every string is short enough to show.** Names, user names, models, OS versions, serials
  and phone numbers longer than :data:`~mobitui.domain.text.DISPLAY_MAX` characters are cut
  (:func:`clipped`), on both paths, after they were made visible; ids never are. On the fast
  path this is one ``len`` per field per device, and a device is copied only when one of its
  strings is too long.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

import msgspec

from mobitui.domain.models import (
    Account,
    BulkResult,
    Changes,
    Device,
    DevicePage,
    Group,
    InactivationRequest,
    ItemResult,
    Session,
    WireError,
    exact_id,
)
from mobitui.domain.text import DISPLAY_MAX, clip, hidden_in_utf8, visible

T = TypeVar("T")

#: A JSON escape that could write a character :func:`visible` changes (an escaped backslash
#: followed by one of these letters matches too: it only costs the general path).
_ESCAPES = re.compile(rb"\\[ubfnrt]")


class NotJson(Exception):
    """The body is not JSON at all (cut short, not UTF-8, nested too deep): worth asking again."""


#: Fields that hold an id (device, group, request, account): kept exact, never made visible.
ID_FIELDS = frozenset({"id", "device_id", "group_id", "parent_id"})
#: Fields that hold a list of ids (the change feed's ``deleted``, an account's scope).
ID_LISTS = frozenset({"deleted", "group_scope", "device_ids"})


def sanitize(value: Any) -> Any:
    """Apply :func:`visible` to every string value of a decoded JSON document, except ids.

    An id (a string under :data:`ID_FIELDS`, or in a list under :data:`ID_LISTS`) is never
    rewritten: ``AB\x1b1`` and ``AB␛1`` would both become ``AB␛1``, and a command could act
    on the other device. One that holds a character :func:`visible` would change is refused
    (:func:`~mobitui.domain.models.exact_id`: :class:`WireError` naming the field), so the
    whole answer is: a page of a full sync with one such id fails the sync with that message.
    """
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, list):
        return [sanitize(item) for item in value]
    if isinstance(value, dict):
        return {
            key: exact_id(key, item)
            if key in ID_FIELDS and isinstance(item, str)
            else _ids(key, item)
            if key in ID_LISTS and isinstance(item, list)
            else sanitize(item)
            for key, item in value.items()
        }
    return value


def _ids(key: str, items: list[Any]) -> list[Any]:
    return [exact_id(key, item) if isinstance(item, str) else sanitize(item) for item in items]


def is_plain(body: bytes) -> bool:
    """True when no string of the JSON ``body`` can hold a character :func:`visible` changes."""
    if b"\\" in body and _ESCAPES.search(body) is not None:
        return False
    return not hidden_in_utf8(body)


@dataclass(frozen=True, slots=True)
class _Kind(Generic[T]):
    """How to decode one kind of answer, fast and in general."""

    type: type[T]
    fast: msgspec.json.Decoder[T]
    from_json: Callable[[Mapping[str, Any]], T]
    #: True when every time in the value has an offset (msgspec accepts naive times).
    aware: Callable[[T], bool]


def _devices_aware(devices: Iterable[Device]) -> bool:
    """True when every time of ``devices`` has an offset (msgspec accepts naive times)."""
    for device in devices:
        seen = device.last_seen_at
        if seen is not None and seen.tzinfo is None:
            return False
        ref = device.inactivation
        if ref is not None and (
            ref.created_at.tzinfo is None
            or (ref.scheduled_at is not None and ref.scheduled_at.tzinfo is None)
        ):
            return False
    return True


def _request_aware(request: InactivationRequest) -> bool:
    times = (request.created_at, request.scheduled_at, request.executed_at)
    return all(t is None or t.tzinfo is not None for t in times)


_PAGE = _Kind(
    DevicePage,
    msgspec.json.Decoder(DevicePage),
    DevicePage.from_json,
    lambda p: _devices_aware(p.items),
)
_CHANGES = _Kind(
    Changes,
    msgspec.json.Decoder(Changes),
    Changes.from_json,
    lambda c: _devices_aware(c.changes),
)
#: A bulk call's answer holds an item per device: 1,000 per batch.
_REQUEST = _Kind(
    InactivationRequest,
    msgspec.json.Decoder(InactivationRequest),
    InactivationRequest.from_json,
    _request_aware,
)
_BULK = _Kind(BulkResult, msgspec.json.Decoder(BulkResult), BulkResult.from_json, lambda _: True)


def _decode(body: bytes, kind: _Kind[T], plain: bool | None = None) -> T:
    """``body`` as ``kind``: :class:`NotJson`, or :class:`WireError` naming the field."""
    if plain if plain is not None else is_plain(body):
        try:
            value = kind.fast.decode(body)
        except (msgspec.DecodeError, ValueError):  # a refusal, or UTF-8 it could not read
            pass
        else:
            if kind.aware(value):
                return clipped(value)
    return clipped(_general(body, kind))


def _general(body: bytes, kind: _Kind[T]) -> T:
    """The general path: builtins, sanitized, then converted (``from_json`` when refused).

    An id that cannot be shown as it is raises :class:`WireError` from :func:`sanitize`
    (never :class:`NotJson`: it is not a cut body, asking again would not help).
    """
    try:
        raw = json.loads(body)
    except (ValueError, RecursionError):
        raise NotJson("the body is not valid JSON (truncated?)") from None
    data = sanitize(raw)
    if not isinstance(data, dict):
        raise WireError(f"expected an object, got {type(data).__name__}")
    try:
        value = msgspec.convert(data, kind.type)
    except msgspec.ValidationError:
        pass
    else:
        if kind.aware(value):
            return value
    return kind.from_json(data)


def decode_page(body: bytes) -> DevicePage:
    """A page of ``GET /devices``."""
    return _decode(body, _PAGE)


def decode_changes(body: bytes) -> Changes:
    """An answer of ``GET /devices/changes``."""
    return _decode(body, _CHANGES)


def decode_request(body: bytes) -> InactivationRequest:
    """An inactivation request (``POST /inactivations``)."""
    return _decode(body, _REQUEST)


def decode_bulk(body: bytes) -> BulkResult:
    """A forced inactivation's or a deletion's answer."""
    return _decode(body, _BULK)


@dataclass(frozen=True, slots=True)
class BulkAnswer(Generic[T]):
    """A bulk call's answer as read, before it is reconciled with the ids sent.

    ``result`` holds the items that could be read; ``unreadable`` the device ids of the items
    that could not (an outcome, reason or progress this client does not know). Those devices
    have no outcome the client can trust, like devices the answer left out: the client treats
    them as unknown instead of refusing the whole answer, so the readable outcomes of the same
    batch are still shown and a resend (same key, same body) can settle it.
    """

    result: T
    unreadable: tuple[str, ...] = ()

    @property
    def device_ids(self) -> list[str]:
        """Every device id the answer gives an item for, readable or not, in its order."""
        items: list[ItemResult] = self.result.items  # type: ignore[attr-defined]
        return [item.device_id for item in items] + list(self.unreadable)


def _answer(body: bytes, kind: _Kind[T]) -> BulkAnswer[T]:
    """A bulk answer: strict first (fast); items only this client cannot read are set apart.

    Anything wrong outside the items (no id, no ``items`` list, a bool for a count), an item
    that is not an object or has no string ``device_id``: :class:`WireError` as before.
    """
    try:
        return BulkAnswer(_decode(body, kind))
    except WireError as refused:
        problem = refused
    data = sanitize(json.loads(body))  # JSON: _decode would have raised NotJson otherwise
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise problem
    readable: list[Any] = []
    unreadable: list[str] = []
    for number, item in enumerate(items):
        try:
            ItemResult.from_json(item)
        except WireError as exc:
            device_id = item.get("device_id") if isinstance(item, dict) else None
            if not isinstance(device_id, str):
                raise WireError(f"field 'items', item {number}: {exc}") from None
            unreadable.append(device_id)
        else:
            readable.append(item)
    if not unreadable:
        raise problem  # the items are fine: what is wrong is elsewhere
    return BulkAnswer(clipped(kind.from_json({**data, "items": readable})), tuple(unreadable))


def decode_request_answer(body: bytes) -> BulkAnswer[InactivationRequest]:
    """``POST /inactivations``'s answer, unreadable items set apart (:class:`BulkAnswer`)."""
    return _answer(body, _REQUEST)


def decode_bulk_answer(body: bytes) -> BulkAnswer[BulkResult]:
    """A forced inactivation's or a deletion's answer, unreadable items set apart."""
    return _answer(body, _BULK)


# ---------------------------------------------------------------------- display maximum


def _device_fits(device: Device, limit: int = DISPLAY_MAX) -> bool:
    return (
        len(device.name) <= limit
        and len(device.user_name) <= limit
        and len(device.model) <= limit
        and len(device.os_version) <= limit
        and len(device.serial) <= limit
        and len(device.phone_number) <= limit
    )


def _clip_device(device: Device) -> Device:
    """The device with its display strings cut (its ids, ``id`` and ``group_id``, never)."""
    return replace(
        device,
        name=clip(device.name),
        user_name=clip(device.user_name),
        model=clip(device.model),
        os_version=clip(device.os_version),
        serial=clip(device.serial),
        phone_number=clip(device.phone_number),
    )


def _clip_devices(devices: list[Device]) -> list[Device]:
    """``devices`` with every over-long display string cut, in place (a page's own list)."""
    for index, device in enumerate(devices):
        if not _device_fits(device):
            devices[index] = _clip_device(device)
    return devices


def clipped(value: T) -> T:
    """``value`` (a decoded answer) with every server string meant for showing cut to
    :data:`~mobitui.domain.text.DISPLAY_MAX` characters; ids, tokens and cursors are exact.

    Serials are cut too: no real serial comes near the maximum, and one that was cut can only
    fail to match a spreadsheet's value, never match another device's.
    """
    found: Any = value
    if isinstance(found, DevicePage):
        _clip_devices(found.items)
    elif isinstance(found, Changes):
        _clip_devices(found.changes)
    elif isinstance(found, Device):
        found = found if _device_fits(found) else _clip_device(found)
    elif isinstance(found, Group | Account):
        found = found if len(found.name) <= DISPLAY_MAX else replace(found, name=clip(found.name))
    elif isinstance(found, Session):
        found = replace(found, account=clipped(found.account))
    elif isinstance(found, InactivationRequest) and len(found.created_by) > DISPLAY_MAX:
        found = replace(found, created_by=clip(found.created_by))
    return found  # type: ignore[no-any-return]


class _Head(msgspec.Struct, frozen=True):
    """The two small fields of a page: decoding only them skips the devices quickly."""

    total: int
    next_cursor: str | None = None


_HEAD = msgspec.json.Decoder(_Head)


@dataclass(frozen=True, slots=True)
class PageHead:
    """A page whose cursor is known and whose devices may not be decoded yet.

    Reading the cursor first (a fraction of a millisecond) lets the next request go out before
    the devices are decoded. ``page`` is set when the general path had to decode it all.
    """

    body: bytes
    next_cursor: str | None
    plain: bool
    page: DevicePage | None = None


def page_head(body: bytes) -> PageHead:
    """Where a page of ``GET /devices`` leads: :class:`NotJson` if it is not JSON at all."""
    plain = is_plain(body)
    if plain:
        try:
            head = _HEAD.decode(body)
        except (msgspec.DecodeError, ValueError):
            pass
        else:
            return PageHead(body, head.next_cursor, plain)
    page = _decode(body, _PAGE, plain)
    return PageHead(body, page.next_cursor, plain, page)


def page_of(head: PageHead) -> DevicePage:
    """The whole page behind ``head``: :class:`WireError` naming the field if malformed."""
    return head.page if head.page is not None else _decode(head.body, _PAGE, head.plain)
