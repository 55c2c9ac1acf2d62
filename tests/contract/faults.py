"""A transport that breaks the connection to a REAL server on purpose.

:class:`FaultyTransport` wraps a real transport (``httpx.AsyncHTTPTransport`` to the running
reference server, or ``httpx.ASGITransport`` around its app) and, for each request a plan
picks, injects one :class:`Fault`. The faults that matter most are the ones AFTER the server
processed the request: the server acted, the client never learns it, and only the idempotency
key stands between a retry and a second destructive action.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import httpx

from mobitui.api.client import MobiClient
from mobitui.api.retry import RetryPolicy


class Fault(StrEnum):
    PASS = "pass"  # forwarded untouched
    REFUSE = "refuse"  # connection refused: never reached the server (client knows)
    DROP_BEFORE = "drop_before"  # connection dies, request never reached the server
    DROP_AFTER = "drop_after"  # server processed it, then the connection died: answer lost
    UNAVAILABLE = "unavailable"  # 503 from a gateway, server never saw it
    GATEWAY_AFTER = "gateway_after"  # server processed it, the gateway answered 502 anyway
    TRUNCATE = "truncate"  # server processed it, the body stops halfway (connection reset)
    TRUNCATE_CLEAN = "truncate_clean"  # server processed it, half the body, consistent length
    TIMEOUT_AFTER = "timeout_after"  # server processed it, the answer never came in time
    RATE_LIMITED = "rate_limited"  # a gateway answered 429 (Retry-After: 0); server never saw it
    #: A gateway answered 409 ``idempotency_key_in_use`` ("that key is still being processed"),
    #: as one does to the retry of a call whose first attempt it is still forwarding; the
    #: server never saw this attempt.
    KEY_IN_USE = "key_in_use"
    #: A gateway answered 422 ``validation_failed``; the server never saw this attempt.
    INVALID = "invalid"


#: The faults after which the server has acted although the client saw a failure.
PROCESSED = frozenset(
    {
        Fault.DROP_AFTER,
        Fault.GATEWAY_AFTER,
        Fault.TRUNCATE,
        Fault.TRUNCATE_CLEAN,
        Fault.TIMEOUT_AFTER,
    }
)

Plan = Callable[[httpx.Request, int], Fault]
Match = Callable[[httpx.Request], bool]


def everything(request: httpx.Request) -> bool:
    return True


def destructive(request: httpx.Request) -> bool:
    """Bulk calls: the requests whose duplication would harm devices."""
    return request.method == "POST" and request.url.path.endswith(
        ("/inactivations", "/forced-inactivations", "/device-deletions")
    )


def scheduled(faults: Mapping[int, Fault] | Iterable[Fault]) -> Plan:
    """Fault number ``n`` (0-based, counting matching requests) from a map or a sequence."""
    table = dict(faults) if isinstance(faults, Mapping) else dict(enumerate(faults))
    return lambda request, n: table.get(n, Fault.PASS)


def seeded(seed: int, rate: float, faults: Iterable[Fault] = tuple(PROCESSED)) -> Plan:
    """Each matching request fails with probability ``rate``, the fault drawn from ``faults``."""
    rng = random.Random(seed)
    choices = list(faults)

    def plan(request: httpx.Request, n: int) -> Fault:
        return rng.choice(choices) if rng.random() < rate else Fault.PASS

    return plan


@dataclass
class Record:
    method: str
    path: str
    key: str | None
    fault: Fault


@dataclass
class FaultyTransport(httpx.AsyncBaseTransport):
    inner: httpx.AsyncBaseTransport
    plan: Plan = field(default=lambda request, n: Fault.PASS)
    match: Match = everything
    log: list[Record] = field(default_factory=list)
    _seen: int = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        fault = Fault.PASS
        if self.match(request):
            fault = self.plan(request, self._seen)
            self._seen += 1
        key = request.headers.get("idempotency-key")
        self.log.append(Record(request.method, request.url.path, key, fault))
        if fault is Fault.REFUSE:
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        if fault is Fault.DROP_BEFORE:
            raise httpx.RemoteProtocolError("Server disconnected", request=request)
        if fault is Fault.UNAVAILABLE:
            return _problem(503, "unavailable")
        if fault is Fault.RATE_LIMITED:
            limited = _problem(429, "rate_limited")
            limited.headers["Retry-After"] = "0"
            return limited
        if fault is Fault.KEY_IN_USE:
            return _problem(409, "idempotency_key_in_use")
        if fault is Fault.INVALID:
            return _problem(422, "validation_failed")
        response = await self.inner.handle_async_request(request)
        body = await response.aread()
        await response.aclose()
        if fault is Fault.PASS:
            return httpx.Response(response.status_code, headers=response.headers, content=body)
        if fault is Fault.DROP_AFTER:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        if fault is Fault.GATEWAY_AFTER:
            return _problem(502, "bad_gateway")
        if fault is Fault.TIMEOUT_AFTER:
            raise httpx.ReadTimeout("timed out waiting for the answer", request=request)
        half = body[: len(body) // 2]
        headers = {"content-type": response.headers.get("content-type", "application/json")}
        if fault is Fault.TRUNCATE_CLEAN:
            return httpx.Response(response.status_code, headers=headers, content=half)
        return httpx.Response(response.status_code, headers=headers, stream=_Broken(half, request))

    async def aclose(self) -> None:
        await self.inner.aclose()

    def faults(self) -> list[Fault]:
        return [r.fault for r in self.log if r.fault is not Fault.PASS]


class _Broken(httpx.AsyncByteStream):
    """Yields part of a body, then fails like a reset connection."""

    def __init__(self, part: bytes, request: httpx.Request) -> None:
        self.part = part
        self.request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.part
        raise httpx.RemoteProtocolError(
            "peer closed connection without sending complete message body", request=self.request
        )


def _problem(status: int, code: str) -> httpx.Response:
    body = {"type": "about:blank", "title": code, "status": status, "code": code}
    return httpx.Response(
        status,
        content=json.dumps(body).encode(),
        headers={"content-type": "application/problem+json"},
    )


# ---------------------------------------------------------------------- the server's own record
# Helpers for the contract tests (kept here: this folder has no conftest of its own).

PASSWORDS = {
    "admin": "demo-admin-pass",
    "operator": "demo-operator-pass",
    "branch-admin": "demo-branch-pass",
}


async def no_sleep(seconds: float) -> None:
    """An injected sleep: retries happen at once, so tests never wait on the wall clock."""


def fast_retry(**overrides: Any) -> RetryPolicy:
    settings: dict[str, Any] = {"max_attempts": 6, "jitter": 0.0, "sleep": no_sleep}
    return RetryPolicy(**(settings | overrides))


async def connect(server: Any, account: str = "admin", **kw: Any) -> MobiClient:
    """A client logged in to ``server`` (a BackgroundServer) as one of the demo accounts."""
    kw.setdefault("retry", fast_retry())
    client = MobiClient(server.base_url, **kw)
    await client.login(account, PASSWORDS[account])
    return client


class Sim:
    """The simulation controls (``/api/v1/sim/…``): clock, audit log, hidden behaviours."""

    def __init__(self, server: Any) -> None:
        self.api_url = server.api_url

    async def _send(self, method: str, path: str, body: Any = None) -> Any:
        async with httpx.AsyncClient(base_url=self.api_url) as http:
            response = await http.request(method, path, json=body)
        response.raise_for_status()
        return response.json()

    async def now(self) -> datetime:
        return await self.advance(0)

    async def advance(self, seconds: float) -> datetime:
        data = await self._send("POST", "/sim/advance", {"seconds": seconds})
        return datetime.fromisoformat(data["now"])

    async def audit(self, action: str | None = None) -> list[dict[str, Any]]:
        entries = (await self._send("GET", "/sim/audit"))["entries"]
        return [e for e in entries if action is None or e["action"] == action]

    async def behave(self, device_id: str, behaviour: str) -> None:
        await self._send("POST", f"/sim/devices/{device_id}", {"behaviour": behaviour})

    async def jobs(self, device_id: str, count: int) -> None:
        await self._send("POST", f"/sim/devices/{device_id}/jobs", {"count": count})


def acted_on(entries: Iterable[Mapping[str, Any]]) -> Counter[str]:
    """How many times the audit log says each device was changed by a successful call."""
    counts: Counter[str] = Counter()
    for entry in entries:
        if entry["result"] != "ok":
            continue
        for outcome in entry["outcomes"]:
            if outcome["outcome"] in ("accepted", "deleted") or outcome.get("deleted"):
                counts[outcome["device_id"]] += 1
    return counts
