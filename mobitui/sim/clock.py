"""The server's simulated clock: real time, optionally faster, plus jumps made by ``/sim/advance``.

Every time the server stores or compares (created_at, last_seen_at, token expiry, schedules,
login slowdown) comes from here, so a demo at ``speed=60`` sees an hour pass in a minute and a
test sees a scheduled request execute by advancing the clock instead of sleeping. The reading is
persisted by the store on every request, and a restarted server continues from the last reading
rather than jumping ahead by the downtime.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime


def to_datetime(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def to_timestamp(value: datetime) -> float:
    return value.timestamp()


class SimClock:
    """``now = base + real elapsed × speed + offset``, as epoch seconds or an aware datetime."""

    def __init__(
        self,
        base: float,
        speed: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if speed < 0:
            raise ValueError("speed must not be negative")
        self._base = base
        self._speed = speed
        self._monotonic = monotonic
        self._start = monotonic()
        self._offset = 0.0
        self._last = base
        self._lock = threading.Lock()

    @property
    def speed(self) -> float:
        return self._speed

    def now_ts(self) -> float:
        """Simulated epoch seconds; never goes backwards."""
        with self._lock:
            value = self._base + (self._monotonic() - self._start) * self._speed + self._offset
            self._last = max(self._last, value)
            return self._last

    def now(self) -> datetime:
        return to_datetime(self.now_ts())

    def advance(self, seconds: float) -> float:
        """Jump forward; returns the new reading."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds
        return self.now_ts()
