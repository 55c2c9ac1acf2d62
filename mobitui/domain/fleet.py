"""The local fleet cache: every visible device, kept fresh by the change feed, filtered and sorted.

The device grid draws only the rows on screen, but it must know which rows those are among up to
100,000 devices at every keystroke. So the cache keeps, per sort column, the device ids in sorted
order and updates those orders incrementally when the change feed reports a few changed devices
(bisect, not a re-sort), and keeps one lower-cased "haystack" string per device for the filter.
A filter is then one pass over an already-sorted order; a change-feed delta costs O(changed ×
log n) comparisons plus list moves, not a re-sort of the fleet.

Check marks live here too, because they must follow the data: a checked device deleted elsewhere
loses its mark, and the caller is told which ones, so nothing ever acts on a device the admin
can no longer see.

Pure Python: no I/O.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from mobitui.domain.models import Changes, Device, DeviceState, Group
from mobitui.domain.rules import major_version


class SortKey(StrEnum):
    NAME = "name"
    PLATFORM = "platform"
    ENROLLMENT = "enrollment"
    STATE = "state"
    USER = "user"
    SERIAL = "serial"
    LAST_SEEN = "last_seen"
    JOBS = "jobs"


_STATE_ORDER = {DeviceState.ACTIVE: 0, DeviceState.INACTIVATION_PENDING: 1, DeviceState.INACTIVE: 2}
_NEVER = datetime.min.isoformat()


def _sort_value(device: Device, key: SortKey) -> tuple[Any, ...]:
    """The comparable value of ``device`` for ``key``; the id breaks ties so orders are total."""
    match key:
        case SortKey.NAME:
            return (device.name.casefold(), device.id)
        case SortKey.PLATFORM:
            return (device.platform.value, major_version(device.os_version), device.id)
        case SortKey.ENROLLMENT:
            return (device.enrollment.value, device.id)
        case SortKey.STATE:
            return (_STATE_ORDER[device.state], device.id)
        case SortKey.USER:
            return (device.user_name.casefold(), device.id)
        case SortKey.SERIAL:
            return (device.serial.casefold(), device.id)
        case SortKey.LAST_SEEN:
            seen = device.last_seen_at.isoformat() if device.last_seen_at else _NEVER
            return (seen, device.id)
        case SortKey.JOBS:
            return (device.pending_jobs, device.id)
    raise ValueError(key)  # pragma: no cover


def haystack(device: Device) -> str:
    """What the as-you-type filter searches: name, serial, user and phone number."""
    return "\x00".join(
        (device.name, device.serial, device.user_name, device.phone_number)
    ).casefold()


@dataclass(slots=True)
class _Order:
    """Device ids sorted by one key, with the keys beside them for bisect."""

    keys: list[tuple[Any, ...]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)

    def remove(self, value: tuple[Any, ...]) -> None:
        i = bisect.bisect_left(self.keys, value)
        if i < len(self.keys) and self.keys[i] == value:
            del self.keys[i]
            del self.ids[i]

    def insert(self, value: tuple[Any, ...], device_id: str) -> None:
        i = bisect.bisect_left(self.keys, value)
        self.keys.insert(i, value)
        self.ids.insert(i, device_id)


@dataclass(frozen=True, slots=True)
class Delta:
    """What one change-feed answer did to the cache."""

    changed: frozenset[str]
    added: frozenset[str]
    removed: frozenset[str]
    #: Checked devices that disappeared and so lost their check mark.
    unchecked: frozenset[str]


@dataclass(frozen=True, slots=True)
class ViewSpec:
    """Which devices the grid shows, in which order."""

    groups: frozenset[str] | None = None  # None: every group
    query: str = ""
    only_checked: bool = False
    sort: SortKey = SortKey.NAME
    descending: bool = False


class Fleet:
    """Every device the account can see, with sorted orders, a filter index and check marks."""

    def __init__(self) -> None:
        self.devices: dict[str, Device] = {}
        self.groups: dict[str, Group] = {}
        self.seq = 0
        self.checked: set[str] = set()
        self._hay: dict[str, str] = {}
        self._orders: dict[SortKey, _Order] = {}

    # ------------------------------------------------------------------ loading

    def load(self, devices: Iterable[Device], seq: int) -> None:
        """Replace the whole cache (a full sync). Check marks of vanished devices are dropped."""
        self.devices = {d.id: d for d in devices}
        self._hay = {i: haystack(d) for i, d in self.devices.items()}
        self._orders.clear()
        self.checked &= self.devices.keys()
        self.seq = seq

    def set_groups(self, groups: Iterable[Group]) -> None:
        self.groups = {g.id: g for g in groups}

    def apply(self, changes: Changes) -> Delta:
        """Apply one change-feed answer incrementally."""
        changed: set[str] = set()
        added: set[str] = set()
        for device in changes.changes:
            old = self.devices.get(device.id)
            if old == device:
                continue
            for key, order in self._orders.items():
                if old is not None:
                    order.remove(_sort_value(old, key))
                order.insert(_sort_value(device, key), device.id)
            self.devices[device.id] = device
            self._hay[device.id] = haystack(device)
            (changed if old is not None else added).add(device.id)
        removed: set[str] = set()
        for device_id in changes.deleted:
            old = self.devices.pop(device_id, None)
            if old is None:
                continue
            self._hay.pop(device_id, None)
            for key, order in self._orders.items():
                order.remove(_sort_value(old, key))
            removed.add(device_id)
        unchecked = self.checked & removed
        self.checked -= unchecked
        self.seq = max(self.seq, changes.seq)
        return Delta(frozenset(changed), frozenset(added), frozenset(removed), frozenset(unchecked))

    # ------------------------------------------------------------------ views

    def order(self, key: SortKey) -> list[str]:
        """Every device id sorted by ``key`` (built once, then kept up to date)."""
        order = self._orders.get(key)
        if order is None:
            pairs = sorted((_sort_value(d, key), i) for i, d in self.devices.items())
            order = _Order([k for k, _ in pairs], [i for _, i in pairs])
            self._orders[key] = order
        return order.ids

    def subtree(self, group_id: str) -> frozenset[str]:
        """``group_id`` and every group below it."""
        children: dict[str | None, list[str]] = {}
        for group in self.groups.values():
            children.setdefault(group.parent_id, []).append(group.id)
        found: set[str] = set()
        stack = [group_id]
        while stack:
            gid = stack.pop()
            if gid in found:
                continue
            found.add(gid)
            stack.extend(children.get(gid, ()))
        return frozenset(found)

    def view(self, spec: ViewSpec) -> list[str]:
        """The ids the grid shows for ``spec``, in order."""
        ids = self.order(spec.sort)
        tests: list[Callable[[str], bool]] = []
        if spec.groups is not None:
            groups, devices = spec.groups, self.devices
            tests.append(lambda i: devices[i].group_id in groups)
        if spec.only_checked:
            checked = self.checked
            tests.append(lambda i: i in checked)
        needle = spec.query.strip().casefold()
        if needle:
            hay = self._hay
            tests.append(lambda i: needle in hay[i])
        if len(tests) == 1:
            test = tests[0]
            shown = [i for i in ids if test(i)]
        elif tests:
            shown = [i for i in ids if all(t(i) for t in tests)]
        else:
            shown = list(ids)
        if spec.descending:
            shown.reverse()
        return shown

    # ------------------------------------------------------------------ check marks

    def toggle(self, device_id: str) -> bool:
        """Flip the check mark of one device; returns whether it is now checked."""
        if device_id in self.checked:
            self.checked.discard(device_id)
            return False
        if device_id in self.devices:
            self.checked.add(device_id)
            return True
        return False

    def check(self, device_ids: Iterable[str]) -> None:
        self.checked.update(i for i in device_ids if i in self.devices)

    def uncheck(self, device_ids: Iterable[str]) -> None:
        self.checked.difference_update(device_ids)

    def checked_devices(self) -> list[Device]:
        """The checked devices, in a stable order (by id)."""
        return [self.devices[i] for i in sorted(self.checked) if i in self.devices]
