"""Per-token request rate limiting (token bucket), so one runaway client cannot starve others.

Buckets run on real (monotonic) time, not the simulated clock: the limit protects the real
server, and a demo running the clock at 60x must not get a 60x larger allowance. Requests without
a token (login, limits) are bucketed by client address.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    """``rate`` requests per second with a burst of ``burst``; ``allow`` returns the wait."""

    def __init__(
        self,
        rate: float,
        burst: float | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = max(1.0, burst if burst is not None else 2 * rate)
        self._monotonic = monotonic
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()
        self._max_keys = max_keys

    def allow(self, key: str) -> float | None:
        """``None`` when the request may go on, else the seconds to wait before retrying."""
        now = self._monotonic()
        with self._lock:
            tokens, stamp = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - stamp) * self.rate)
            if tokens >= 1.0:
                self._store(key, tokens - 1.0, now)
                return None
            self._store(key, tokens, now)
            return (1.0 - tokens) / self.rate

    def _store(self, key: str, tokens: float, now: float) -> None:
        if key not in self._buckets and len(self._buckets) >= self._max_keys:
            # Drop full (idle) buckets; they would be full again anyway.
            full = [
                k for k, (t, s) in self._buckets.items() if t + (now - s) * self.rate >= self.burst
            ]
            for k in full:
                del self._buckets[k]
        self._buckets[key] = (tokens, now)
