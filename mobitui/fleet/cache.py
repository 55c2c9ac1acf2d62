"""The local fleet cache: every visible device, kept fresh by the change feed, filtered and sorted.

The device grid draws only the rows on screen, but it must know which rows those are among up to
100,000 devices at every keystroke. So the cache keeps, per sort column, the device ids in a
sorted list of blocks (``sortedcontainers.SortedKeyList``: insert and remove in O(log n)), so a
change-feed delta of a hundred devices costs a hundred small moves, not a re-sort and not a
hundred shifts of a 100,000-entry list. A view (:mod:`mobitui.fleet.view`) reads a
snapshot of an order, taken once per change and shared by every view until the next change,
and for the filter the lower-cased "haystacks" of the same ids joined in that order.

Check marks live here too, because they must follow the data: a checked device deleted elsewhere
loses its mark, and the caller is told which ones, so nothing ever acts on a device the admin
can no longer see.

Pure Python: no I/O.
"""

from __future__ import annotations

import gc
import threading
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from itertools import accumulate
from typing import Any

from sortedcontainers import SortedKeyList

from mobitui.domain.models import Changes, Device, DeviceState, Group
from mobitui.domain.rules import major_version
from mobitui.fleet.view import View


class SortKey(StrEnum):
    NAME = "name"
    PLATFORM = "platform"
    ENROLLMENT = "enrollment"
    STATE = "state"
    USER = "user"
    SERIAL = "serial"
    LAST_SEEN = "last_seen"
    JOBS = "jobs"


class _Gone:
    """Stands in for a device no longer in the fleet: in no group, so in no group's view."""

    __slots__ = ()
    group_id = None


_GONE = _Gone()

_STATE_ORDER = {DeviceState.ACTIVE: 0, DeviceState.INACTIVATION_PENDING: 1, DeviceState.INACTIVE: 2}
_NEVER = datetime.min.isoformat()


def _last_seen(device: Device) -> tuple[Any, ...]:
    seen = device.last_seen_at.isoformat() if device.last_seen_at else _NEVER
    return (seen, device.id)


#: The comparable value of a device per sort key; the id breaks ties so orders are total. One
#: function per key rather than one that dispatches: an order of 100,000 devices computes it
#: for every device (the warm start's first frame waits on that).
_SORT_VALUES: dict[SortKey, Callable[[Device], tuple[Any, ...]]] = {
    SortKey.NAME: lambda d: (d.name.casefold(), d.id),
    SortKey.PLATFORM: lambda d: (d.platform.value, major_version(d.os_version), d.id),
    SortKey.ENROLLMENT: lambda d: (d.enrollment.value, d.id),
    SortKey.STATE: lambda d: (_STATE_ORDER[d.state], d.id),
    SortKey.USER: lambda d: (d.user_name.casefold(), d.id),
    SortKey.SERIAL: lambda d: (d.serial.casefold(), d.id),
    SortKey.LAST_SEEN: _last_seen,
    SortKey.JOBS: lambda d: (d.pending_jobs, d.id),
}


def _sort_value(device: Device, key: SortKey) -> tuple[Any, ...]:
    """The comparable value of ``device`` for ``key``."""
    return _SORT_VALUES[key](device)


def haystack(device: Device) -> str:
    """What the as-you-type filter searches: name, serial, user and phone number."""
    return "\x00".join(
        (device.name, device.serial, device.user_name, device.phone_number)
    ).casefold()


def _sorted_list(ids: Iterable[str], key: Callable[[str], tuple[Any, ...]]) -> SortedKeyList:
    """``ids`` in a SortedKeyList by ``key``, each key computed once.

    SortedKeyList computes every key twice while it builds (to sort, then to index); the keys
    of the build are kept for it alone, later adds and discards use ``key``. Hundreds of
    thousands of new key tuples and none of them in a cycle: a collection in the middle of
    making them finds nothing to free, so the collector waits until the build is done.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        built = {i: key(i) for i in ids}
        found = SortedKeyList(key=lambda i: built.get(i) or key(i))
        found.update(built)
        built.clear()
    finally:
        if collecting:
            gc.enable()
    return found


class _Order:
    """Device ids sorted by one key, and what views read of it (built once per change).

    ``presorted``: the ids already in this order (a snapshot saved in name order, checked by
    :func:`_in_order`): they are the first snapshot as they are, and the sorted list is built
    only when the order first changes. A warm start's first frame then waits for no sort.
    """

    def __init__(
        self,
        ids: Iterable[str],
        key: Callable[[str], tuple[Any, ...]],
        *,
        presorted: list[str] | None = None,
    ) -> None:
        self._key = key
        self._sorted: SortedKeyList | None = None
        self._snapshot: list[str] | None = presorted
        #: What the sorted list is built from when it is first needed (``presorted`` only).
        self._pending = presorted
        if presorted is None:
            self._sorted = _sorted_list(ids, key)
        self._search: tuple[str, array[int], list[str]] | None = None
        #: ``prepare`` runs in a worker thread: its result is kept only for the same snapshot.
        self._lock = threading.Lock()

    def _built(self) -> SortedKeyList:
        if self._sorted is None:
            assert self._pending is not None
            self._sorted, self._pending = _sorted_list(self._pending, self._key), None
        return self._sorted

    def add(self, device_id: str) -> None:
        order = self._built()
        self._changed()
        order.add(device_id)

    def discard(self, device_id: str) -> None:
        """Remove ``device_id``; its key must still be computable from the old device."""
        order = self._built()
        self._changed()
        order.discard(device_id)

    def unsearchable(self) -> None:
        """A haystack changed: the joined index must be built again (the order stands)."""
        with self._lock:
            self._search = None

    def _changed(self) -> None:
        # Views hold the old snapshot and go on reading it; the next view gets a new one.
        with self._lock:
            self._snapshot = None
            self._search = None

    def snapshot(self) -> list[str]:
        """The ids in order, as a list no one changes (shared by views until the next change)."""
        if self._snapshot is None:
            self._snapshot = list(self._built())
        return self._snapshot

    def searchable(self, hay: Mapping[str, str]) -> tuple[str, array[int], list[str]]:
        """The haystacks of :meth:`snapshot` joined by line feeds, where each one starts, and
        the haystacks as a list (a pause at 100k devices: :meth:`Fleet.prepare` builds it
        ahead, in a thread)."""
        if self._search is None:
            self._search = _search_of(self.snapshot(), hay)
        return self._search

    def prepare(self, hay: Mapping[str, str]) -> None:
        """:meth:`searchable` from another thread: reads only the current snapshot (a list no
        one changes), never the sorted list, and keeps the work only if still current."""
        snapshot = self._snapshot
        if snapshot is None or self._search is not None:
            return
        search = _search_of(snapshot, hay)
        with self._lock:
            if self._snapshot is snapshot and self._search is None:
                self._search = search

    def locate(self, snapshot: list[str]) -> Callable[[str], int | None]:
        """Position of an id in ``snapshot`` by bisecting the keys, while it is still current."""

        def position(device_id: str) -> int | None:
            if self._snapshot is not snapshot:
                return None  # the order changed since: the caller searches the snapshot
            try:
                if self._sorted is None:  # presorted and unchanged: bisect the snapshot
                    at = bisect_left(snapshot, self._key(device_id), key=self._key)
                    return at if at < len(snapshot) and snapshot[at] == device_id else None
                at_sorted: int = self._sorted.index(device_id)
                return at_sorted
            except (ValueError, KeyError):
                return None

        return position


def _in_order(devices: Iterable[Device], value: Callable[[Device], tuple[Any, ...]]) -> bool:
    """Whether ``devices`` are already sorted by ``value`` (stops at the first that is not)."""
    previous: tuple[Any, ...] | None = None
    for device in devices:
        current = value(device)
        if previous is not None and current < previous:
            return False
        previous = current
    return True


def _search_of(ids: list[str], hay: Mapping[str, str]) -> tuple[str, array[int], list[str]]:
    parts = [hay.get(i, "") for i in ids]
    if not parts:  # an empty fleet (every device deleted): no line starts anywhere
        return "", array("q"), parts
    starts = array("q", accumulate((len(p) + 1 for p in parts[:-1]), initial=0))
    return "\n".join(parts), starts, parts


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


#: Device fields whose values repeat across a fleet (a few hundred groups, OS versions and
#: models among 100,000 devices).
_REPEATED = ("group_id", "os_version", "model")


def _sharing(devices: Iterable[Device]) -> Iterator[Device]:
    """``devices``, each repeated value now one string object shared by all who hold it.

    A decoder makes a new string for every value it reads: at 100,000 devices these three
    fields are megabytes of copies of a few hundred values (bench/README.md). The devices are
    frozen; replacing a field by an equal string changes nothing any code can observe
    (``object.__setattr__`` is how a frozen dataclass is initialised in the first place).
    """
    seen: dict[str, str] = {}
    share = seen.setdefault
    setter = object.__setattr__
    # The three fields of _REPEATED, spelt out: a loop over their names (getattr, an inner
    # loop) made this pass a third of a warm start's load at 100,000 devices.
    for device in devices:
        group = device.group_id
        if (same := share(group, group)) is not group:
            setter(device, "group_id", same)
        version = device.os_version
        if (same := share(version, version)) is not version:
            setter(device, "os_version", same)
        model = device.model
        if (same := share(model, model)) is not model:
            setter(device, "model", same)
        yield device


class Fleet:
    """Every device the account can see, with sorted orders, a filter index and check marks."""

    def __init__(self) -> None:
        self.devices: dict[str, Device] = {}
        self.groups: dict[str, Group] = {}
        self.seq = 0
        self.checked: set[str] = set()
        #: The filter's haystack per device, built when a filter first needs it (a pause at
        #: 100k: ``prepare`` builds it in a thread), then kept up to date by ``apply``.
        self._hay: dict[str, str] | None = None
        #: Bumped by every load and apply: work done in a thread is kept only if unchanged.
        self._generation = 0
        #: Devices per group (direct members), kept up to date by ``load`` and ``apply``.
        self.per_group: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._orders: dict[SortKey, _Order] = {}

    # ------------------------------------------------------------------ loading

    def load(self, devices: Iterable[Device], seq: int, *, complete: bool = True) -> None:
        """Replace the whole cache (a full sync). Check marks of vanished devices are dropped.

        ``complete=False``: these are the first devices of a sync still under way. The counts
        per group are then the server's (``Group.device_count``, set by ``set_groups`` first),
        not those of the few devices loaded: the tree shows the real sizes from the start and
        stays as it is when the rest arrives.
        """
        with self._lock:  # before any change: a thread's haystacks are then never kept
            self._generation += 1
            self._hay = None
        self.devices = {d.id: d for d in _sharing(devices)}
        if complete:
            self.per_group = Counter(d.group_id for d in self.devices.values())
        else:
            self.per_group = Counter({g.id: g.device_count for g in self.groups.values()})
        self._orders.clear()
        name = _SORT_VALUES[SortKey.NAME]
        if _in_order(self.devices.values(), name):  # a snapshot saved in name order
            loaded = self.devices
            self._orders[SortKey.NAME] = _Order(
                (), lambda i: name(loaded[i]), presorted=list(loaded)
            )
        self.checked &= self.devices.keys()
        self.seq = seq

    def set_groups(self, groups: Iterable[Group]) -> None:
        self.groups = {g.id: g for g in groups}

    def apply(self, changes: Changes) -> Delta:
        """Apply one change-feed answer incrementally."""
        with self._lock:  # before any change (see ``prepare``)
            self._generation += 1
        changed: set[str] = set()
        added: set[str] = set()
        for device in changes.changes:
            old = self.devices.get(device.id)
            if old == device:
                continue
            # A device whose sort value is the same (a state change in the name order) keeps
            # its place: that order, its snapshot and the views on it stay as they are.
            moved = [
                order
                for key, order in self._orders.items()
                if old is None or _sort_value(old, key) != _sort_value(device, key)
            ]
            if old is not None:
                for order in moved:
                    order.discard(device.id)  # its key is still the old device's
                self._count_out(old.group_id)
            self.per_group[device.group_id] += 1
            self.devices[device.id] = device
            if old is None or haystack(old) != haystack(device):
                if self._hay is not None:
                    self._hay[device.id] = haystack(device)
                for order in self._orders.values():
                    order.unsearchable()
            for order in moved:
                order.add(device.id)
            (changed if old is not None else added).add(device.id)
        removed: set[str] = set()
        for device_id in changes.deleted:
            if device_id not in self.devices:
                continue
            for order in self._orders.values():
                order.discard(device_id)
            self._count_out(self.devices.pop(device_id).group_id)
            if self._hay is not None:
                self._hay.pop(device_id, None)
            removed.add(device_id)
        unchecked = self.checked & removed
        self.checked -= unchecked
        self.seq = max(self.seq, changes.seq)
        return Delta(frozenset(changed), frozenset(added), frozenset(removed), frozenset(unchecked))

    def _count_out(self, group_id: str) -> None:
        self.per_group[group_id] -= 1
        if not self.per_group[group_id]:
            del self.per_group[group_id]

    # ------------------------------------------------------------------ views

    def _order(self, key: SortKey) -> _Order:
        order = self._orders.get(key)
        if order is None:
            devices, value = self.devices, _SORT_VALUES[key]
            order = _Order(devices, lambda i: value(devices[i]))
            self._orders[key] = order
        return order

    def order(self, key: SortKey) -> list[str]:
        """Every device id sorted by ``key`` (built once, then kept up to date)."""
        return self._order(key).snapshot()

    def prepare(self, key: SortKey) -> None:
        """Build what the filter reads for ``key`` now rather than at the next keystroke.

        Safe to call from a worker thread: it only reads an order's snapshot (a list no one
        changes) and keeps its work only if the order did not change meanwhile.
        """
        hay = self._hay
        if hay is None:
            generation, devices = self._generation, list(self.devices.values())
            hay = {d.id: haystack(d) for d in devices}
            with self._lock:
                if self._generation != generation:
                    return  # changed meanwhile: the next filter or prepare builds it
                self._hay = hay
        order = self._orders.get(key)
        if order is not None:
            order.prepare(hay)

    def _haystacks(self) -> dict[str, str]:
        with self._lock:
            if self._hay is None:
                self._hay = {i: haystack(d) for i, d in self.devices.items()}
            return self._hay

    def devices_in_order(self) -> list[Device]:
        """Every device, in name order when that order is built (else as loaded): a fleet
        saved so is sorted again in O(n) by the next launch."""
        order = self._orders.get(SortKey.NAME)
        if order is None:
            return list(self.devices.values())
        devices = self.devices
        return [devices[i] for i in order.snapshot()]

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

    def view(self, spec: ViewSpec) -> View:
        """The ids the grid shows for ``spec``, in order (worked out as far as they are read)."""
        order = self._order(spec.sort)
        ids = order.snapshot()
        tests: list[Callable[[str], bool]] = []
        if spec.groups is not None:
            # ``get``, not ``[]``: a view reads the snapshot of its order, which may hold ids an
            # ``apply`` has since removed (the cursor's device, deleted under an open group).
            groups, get = spec.groups, self.devices.get
            tests.append(lambda i: get(i, _GONE).group_id in groups)
        if spec.only_checked:
            checked = self.checked
            tests.append(lambda i: i in checked)
        test: Callable[[str], bool] | None = None
        if len(tests) == 1:
            test = tests[0]
        elif tests:
            test = lambda i: all(t(i) for t in tests)  # noqa: E731 - one line, one use
        needle = spec.query.strip().casefold()
        if "\n" in needle:
            # The joined haystacks are one line per device: such a needle would match across
            # two devices. Server text never holds a line feed (made visible on arrival).
            return View([])
        if not needle:
            locate = order.locate(ids) if test is None else None
            return View(ids, test=test, descending=spec.descending, locate=locate)
        hay = self._haystacks()
        text, starts, hays = order.searchable(hay)
        return View(
            ids,
            needle=needle,
            text=text,
            starts=starts,
            hays=hays,
            hay=hay,
            test=test,
            descending=spec.descending,
        )

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
