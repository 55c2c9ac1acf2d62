"""The grid's rows for one view: worked out only as far as they are read, the rest in steps.

At 100,000 devices even a C-level pass over every device is too slow for each keystroke of the
as-you-type filter (its goal: bench/README.md). The screen shows about forty rows, so a
:class:`View` finds the first rows first: it scans the sorted ids in chunks (small first, then
larger) and stops as soon as the rows asked for are known. The grid draws what it needs, and
asks :meth:`View.step` for the rest between keystrokes, so the count of matches arrives a moment
after the rows and typing never waits for it.

The filter scans the haystacks of the sorted ids joined into one string, one line per device
(sanitized server text holds no line feed): ``str.find`` jumps from match to match at C speed,
so a query matching nothing costs a few milliseconds for the whole fleet, and a common one
finds a screenful in microseconds.

A view is a snapshot: the lists it reads are never changed after it is made (the fleet cache
copies before it changes an order), so a device under the cursor cannot turn into another one
while a refresh is on its way. Its tests (group, checked) read the live fleet, so a snapshot may
name devices removed since: they are simply not in the view any more, never an error.

When the grid swaps one view for the next (a change-feed delta, a filter, a sort, a group), the
cursor goes to a *neighbour* (:func:`follow`): the same device if the new view shows it, else
the row it was on, clamped to the new view.

Pure Python: no I/O.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import compress, repeat
from operator import contains
from typing import overload

#: Ids scanned by the first step; each later step scans twice as many, up to ``LAST_CHUNK``.
FIRST_CHUNK = 256
LAST_CHUNK = 4096


class View(Sequence[str]):
    """Device ids in display order; ``len()`` or iterating works out the whole view."""

    def __init__(
        self,
        ids: list[str],
        *,
        needle: str = "",
        text: str = "",
        starts: Sequence[int] = (),
        hays: Sequence[str] = (),
        hay: Mapping[str, str] | None = None,
        test: Callable[[str], bool] | None = None,
        descending: bool = False,
        locate: Callable[[str], int | None] | None = None,
    ) -> None:
        if needle and (len(starts) != len(ids) or hay is None):
            raise ValueError("a filtered view needs the joined haystacks of its ids")
        self._ids = ids
        self._count = len(ids)
        self._needle = needle
        self._text = text
        self._starts = starts
        #: The same haystacks as a list, for chunks where most rows match (see ``_scan``).
        self._hays = hays
        self._dense = False
        self._hay = hay
        self._test = test
        self._descending = descending
        #: For a view of every id: the position of an id in ``ids`` (a bisect), or None.
        self._locate = locate
        self._chunk = FIRST_CHUNK
        self._found: list[str]
        if not needle and test is None:  # every id: nothing to work out
            # Never extended once complete, so the snapshot itself serves (no copy).
            self._found = ids[::-1] if descending else ids
            self._scanned = self._count
        else:
            self._found = []
            self._scanned = 0

    @classmethod
    def of(cls, ids: Sequence[str]) -> View:
        """A view of exactly ``ids``, in that order."""
        return cls(list(ids))

    # ------------------------------------------------------------------ working it out

    @property
    def complete(self) -> bool:
        return self._scanned >= self._count

    @property
    def known(self) -> int:
        """Rows worked out so far (all of them once :attr:`complete`)."""
        return len(self._found)

    def step(self) -> bool:
        """Scan the next chunk of ids; returns whether the view is now complete."""
        if self.complete:
            return True
        size = self._chunk
        self._chunk = min(size * 2, LAST_CHUNK)
        if self._descending:
            high = self._count - self._scanned
            low = max(0, high - size)
            got = self._scan(low, high)
            got.reverse()
        else:
            low = self._scanned
            high = min(self._count, low + size)
            got = self._scan(low, high)
        self._found.extend(got)
        self._scanned += high - low
        return self.complete

    def _scan(self, low: int, high: int) -> list[str]:
        """The ids at positions ``low`` to ``high`` that belong to the view, in sorted order."""
        ids, test = self._ids, self._test
        if not self._needle:
            assert test is not None
            return [i for i in ids[low:high] if test(i)]
        needle = self._needle
        if self._dense and self._hays:
            # Most rows match: testing each haystack at C speed beats jumping hit to hit.
            found = list(
                compress(ids[low:high], map(contains, self._hays[low:high], repeat(needle)))
            )
        else:
            text, starts, count = self._text, self._starts, self._count
            end = starts[high] if high < count else len(text)
            found = []
            find = text.find
            at = starts[low]
            while (hit := find(needle, at, end)) >= 0:
                row = bisect_right(starts, hit, low, high) - 1
                found.append(ids[row])
                at = starts[row + 1] if row + 1 < count else end
        self._dense = len(found) * 16 > high - low
        if test is not None:
            found = [i for i in found if test(i)]
        return found

    def available(self, count: int) -> int:
        """Work out at least ``count`` rows if there are that many; the rows known then."""
        while len(self._found) < count and not self.step():
            pass
        return len(self._found)

    def matches(self, device_id: str) -> bool:
        """False when ``device_id`` cannot be in the view; decided without working it out."""
        if self._needle:
            assert self._hay is not None
            hay = self._hay.get(device_id)
            if hay is None or self._needle not in hay:
                return False
            return self._test is None or self._test(device_id)
        return self._test is None or self._test(device_id)

    def position(self, device_id: str) -> int | None:
        """Where ``device_id`` is in the view, or ``None``; works out the view only up to it."""
        if not self.matches(device_id):
            return None
        if self._locate is not None and self.complete and self._test is None:
            at = self._locate(device_id)
            if at is not None and 0 <= at < self._count and self._ids[at] == device_id:
                return self._count - 1 - at if self._descending else at
        start = 0
        while True:
            try:
                return self._found.index(device_id, start)
            except ValueError:
                if self.complete:
                    return None
                start = len(self._found)
                self.step()

    # ------------------------------------------------------------------ Sequence

    def __len__(self) -> int:
        while not self.step():
            pass
        return len(self._found)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            stop, start = index.stop, index.start or 0
            if stop is None or stop < 0 or start < 0:
                len(self)
            else:
                self.available(max(stop, start))
            return self._found[index]
        if index < 0:
            len(self)
        else:
            self.available(index + 1)
        return self._found[index]

    def __iter__(self) -> Iterator[str]:
        at = 0
        while True:
            if at < len(self._found):
                yield self._found[at]
                at += 1
            elif self.step() and at >= len(self._found):
                return

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and self.position(value) is not None

    def index(self, value: object, start: int = 0, stop: int | None = None) -> int:
        at = self.position(value) if isinstance(value, str) else None
        if at is None or at < start or (stop is not None and at >= stop):
            raise ValueError(f"{value!r} is not in the view")
        return at

    def __eq__(self, other: object) -> bool:
        if isinstance(other, View | list | tuple):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __bool__(self) -> bool:
        return self.available(1) > 0

    def __repr__(self) -> str:
        state = "complete" if self.complete else f"{self._scanned}/{self._count} scanned"
        return f"<View {len(self._found)} rows, {state}>"


def follow(rows: View, keep: str | None, row: int) -> int:
    """The cursor's row in ``rows``, the view that replaces the one it was on.

    The neighbour rule, the same for every delta, filter, sort and group: ``keep``, the device
    the cursor was on, where ``rows`` shows it (it may have moved: a rename in the name order);
    otherwise (it was deleted, left the open group, stopped matching) the row it was on,
    ``row``, clamped to ``rows``: the device that took its place, or the last one; 0 when
    ``rows`` is empty. So the admin's eyes stay where they were, and a deleted device's row is
    never "kept" by landing somewhere unrelated.
    """
    if keep is not None:
        found = rows.position(keep)
        if found is not None:
            return found
    row = max(0, row)
    return max(0, min(row, rows.available(row + 1) - 1))
