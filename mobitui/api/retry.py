"""When and how long the client waits before trying a call again.

Kept apart from the client so the policy is a plain value: the TUI builds one from its config,
and tests inject ``sleep`` (and ``random``) to run every retry path without waiting a second.

Whether a request may be resent at all is the client's call (only it knows whether resending
is safe); this module says how long to wait, and, for a transport failure, whether the request
certainly never left and whether trying again can help at all.
"""

from __future__ import annotations

import asyncio
import random as _random
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from mobitui.domain.text import visible

Sleep = Callable[[float], Awaitable[None]]

#: Statuses that usually mean "a proxy or the server is briefly unable": worth another try
#: when resending is safe.
RETRY_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with jitter, and a cap on how long ``Retry-After`` may hold us.

    ``max_attempts`` counts the first try: 4 means one try and up to three retries.
    ``jitter`` is the fraction of each delay that is random (0: deterministic, 1: full jitter),
    so many clients that failed together do not come back together.
    """

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    jitter: float = 0.5
    #: A server asking for a longer pause than this is waited on for this long only.
    max_retry_after: float = 60.0
    sleep: Sleep = field(default=asyncio.sleep, compare=False)
    random: Callable[[], float] = field(default=_random.random, compare=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not 0.0 <= self.jitter <= 1.0:
            raise ValueError("jitter must be between 0 and 1")
        if self.base_delay < 0 or self.max_delay < 0 or self.max_retry_after < 0:
            raise ValueError("delays must not be negative")

    def backoff(self, attempt: int) -> float:
        """Delay after failed attempt number ``attempt`` (1-based)."""
        delay: float = min(self.max_delay, self.base_delay * 2 ** max(0, attempt - 1))
        return delay * (1.0 - self.jitter) + delay * self.jitter * self.random()

    def retry_after(self, header: str | None, now: datetime | None = None) -> float | None:
        """Seconds to wait for a ``Retry-After`` header, capped; ``None`` if absent or unusable.

        Seconds are what the contract promises; an HTTP date is accepted too because proxies
        in front of a tenant may send one.
        """
        if header is None:
            return None
        text = header.strip()
        seconds: float | None
        if text.isdigit():
            seconds = float(text)
        else:
            try:
                when = parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError):
                return None
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            seconds = max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
        return min(seconds, self.max_retry_after)


# ---------------------------------------------------------------------- what failed


@dataclass(frozen=True, slots=True)
class Failure:
    """A transport failure, described without keeping the exception (its request has a body)."""

    cause: str
    not_sent: bool  # the request certainly never reached the server
    permanent: bool  # trying again cannot help (TLS, DNS, proxy refusal, bad URL)


def classify(exc: Exception, timeout: float, proxy: str | None) -> Failure:
    """Say what went wrong in words a screen can show, and whether a retry may help.

    Only strings are kept: the exception holds the request, whose body may hold a password.
    """
    waited = f"no answer within {timeout:g} s"
    via = f" (via proxy {_proxy_host(proxy)})" if proxy else ""
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        return Failure(f"connecting timed out{via}", not_sent=True, permanent=False)
    if isinstance(exc, httpx.TimeoutException):
        return Failure(waited, not_sent=False, permanent=False)
    if isinstance(exc, httpx.ProxyError):
        return Failure(f"the proxy refused the connection{via}: {_text(exc)}", True, True)
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return Failure(f"unsupported address: {_text(exc)}", True, True)
    if isinstance(exc, httpx.ConnectError):
        return _connect_failure(exc, via)
    if isinstance(exc, httpx.DecodingError):
        return Failure("the answer arrived corrupted", not_sent=False, permanent=False)
    return Failure("the connection was lost before the answer arrived", False, False)


def _text(exc: BaseException) -> str:
    return visible(str(exc) or type(exc).__name__)


def _proxy_host(proxy: str | None) -> str:
    if not proxy:
        return ""
    url = httpx.URL(proxy)
    return url.host if url.port is None else f"{url.host}:{url.port}"


def _chain(exc: BaseException) -> Iterable[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _connect_failure(exc: httpx.ConnectError, via: str) -> Failure:
    for inner in _chain(exc):
        if isinstance(inner, ssl.SSLCertVerificationError):
            why = visible(inner.verify_message or "untrusted certificate")
            return Failure(f"TLS certificate verification failed ({why}){via}", True, True)
        if isinstance(inner, ssl.SSLError):
            why = visible(inner.reason or str(inner))
            return Failure(f"TLS handshake failed ({why}){via}", True, True)
        if isinstance(inner, socket.gaierror):
            return Failure(f"the host name could not be resolved{via}", True, True)
        if isinstance(inner, ConnectionRefusedError):
            return Failure(f"connection refused{via}", True, False)
    text = _text(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return Failure(f"TLS certificate verification failed ({text}){via}", True, True)
    if "SSL" in text or "TLS" in text:
        return Failure(f"TLS handshake failed ({text}){via}", True, True)
    if "Name or service not known" in text or "nodename nor servname" in text:
        return Failure(f"the host name could not be resolved{via}", True, True)
    if "refused" in text.lower():
        return Failure(f"connection refused{via}", True, False)
    return Failure(f"cannot connect ({text}){via}", True, False)
