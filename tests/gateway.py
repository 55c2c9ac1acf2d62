"""A hostile gateway: a mutating HTTP proxy in front of the REAL reference server.

The contract lets an organisation put its own adapter in front of its tenant, and adapters have
bugs. This gateway is such an adapter, on a real loopback socket, so the client, the headless
commands and the TUI (in-process or in tmux) can be pointed at it exactly as at the server.
Every request is forwarded to the real server; what comes back is then bent, as chosen by the
test:

- ``numeric_ids``: device ids are numbers on this side (``d000123`` ↔ ``123``), in paths,
  bodies and answers, as an adapter over a numeric database would have them;
- ``ignore_params``: query parameters dropped before forwarding (``group_id``, ``state`` …):
  a filter the adapter does not implement, so the answer holds devices that were not asked for;
- ``bulk_items``: rewrites the ``items`` of 2xx bulk answers (drop, duplicate, add foreign
  ids): ``bulk_items(items, sent_ids)`` gets the answer's items and the ids of THAT request
  (bulk calls run four at a time, so "the last request seen" would be another batch's);
- ``endless_cursor``: every page of the listings in ``endless_paths`` (``GET /devices`` by
  default; add ``"/inactivations"``) gets a new ``next_cursor``, forever, while the real
  server is asked for the first page again; ``endless_limit`` ends "forever" after that many
  cursors (so a test of a client that would page on and on fails instead of hanging);
- ``trickle``: the answers ``trickle_match(method, path)`` picks are sent ``trickle_bytes``
  (1) at a time, ``trickle`` seconds apart, without a ``Content-Length`` (``trickle=0`` with
  a large ``trickle_bytes``: a plain chunked answer whose size the client cannot know first);
- ``canned``: fixed answers for ``(method, path)``, never forwarded;
- ``answer``: a last hook over any decoded JSON answer: ``answer(method, path, status, data)``.

Every setting is a plain attribute: a test may change one while the gateway runs ("the
gateway is fixed": ``gw.gateway.bulk_items = None``) and the next request sees it.

``wire`` records every request that reached the gateway (method, path, query, body without its
password): what a test asserts "left the client" against; :meth:`HostileGateway.count` counts
the requests to one path (paging bounds are asserted on it, never on the wall clock).
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

_DEVICE_ID = re.compile(r"d(\d{6})")
DESTRUCTIVE = ("/inactivations", "/forced-inactivations", "/device-deletions")


def to_numeric(value: str) -> str:
    match = _DEVICE_ID.fullmatch(value)
    return str(int(match.group(1))) if match else value


def from_numeric(value: str) -> str:
    if value.isdigit() and len(value) <= 6:
        return f"d{int(value):06d}"
    return f"unknown-{value}"  # an id this side never handed out: matches nothing upstream


def _numeric_answer(data: Any) -> Any:
    """Every device id anywhere in an answer, as a number (other strings never match)."""
    if isinstance(data, str):
        return to_numeric(data)
    if isinstance(data, list):
        return [_numeric_answer(v) for v in data]
    if isinstance(data, dict):
        return {k: _numeric_answer(v) for k, v in data.items()}
    return data


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    query: str
    body: Any
    #: The ``Idempotency-Key`` header, if any (a resend must carry the first one).
    key: str | None = None
    #: The ``Authorization`` header, if any: which bearer token reached this side.
    authorization: str | None = None

    @property
    def destructive(self) -> bool:
        if self.method == "DELETE":
            return True
        return self.method == "POST" and self.path.endswith(DESTRUCTIVE)


BulkItems = Callable[[list[dict[str, Any]], list[str]], list[dict[str, Any]]]
Answer = Callable[[str, str, int, Any], Any]


def device_listing(edit: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]) -> Answer:
    """An ``answer`` hook that rewrites the devices of every ``GET /devices`` page."""

    def answer(method: str, path: str, status: int, data: Any) -> Any:
        listing = method == "GET" and path.endswith("/devices") and isinstance(data, dict)
        if listing and isinstance(data.get("items"), list):
            return {**data, "items": edit(list(data["items"]))}
        return data

    return answer


def with_fields(
    device_id: str, **fields: Any
) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    """For :func:`device_listing`: the device ``device_id`` shown with other ``fields``."""
    return lambda items: [{**d, **fields} if d.get("id") == device_id else d for d in items]


@dataclass
class HostileGateway:
    """An ASGI app forwarding to ``upstream`` (a server's base URL), bending what it is told."""

    upstream: str
    numeric_ids: bool = False
    ignore_params: set[str] = field(default_factory=set)
    bulk_items: BulkItems | None = None
    endless_cursor: bool = False
    endless_paths: tuple[str, ...] = ("/devices",)
    endless_limit: int | None = None
    trickle: float | None = None
    trickle_bytes: int = 1
    trickle_match: Callable[[str, str], bool] = lambda method, path: True
    canned: dict[tuple[str, str], tuple[int, Any]] = field(default_factory=dict)
    answer: Answer | None = None
    wire: list[Seen] = field(default_factory=list)
    _http: httpx.AsyncClient | None = None
    _cursors: int = 0

    # ------------------------------------------------------------------ what tests read

    def destructive(self) -> list[Seen]:
        return [s for s in self.wire if s.destructive]

    def count(self, method: str, path_end: str) -> int:
        """How many ``method`` requests to a path ending in ``path_end`` reached the gateway."""
        return sum(1 for s in self.wire if s.method == method and s.path.endswith(path_end))

    def sent_ids(self) -> list[str]:
        """Every device id of every destructive body that reached the gateway, in order."""
        found: list[str] = []
        for seen in self.destructive():
            if isinstance(seen.body, dict):
                found += seen.body.get("device_ids", [])
        return found

    # ------------------------------------------------------------------ ASGI

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    if self._http is not None:
                        await self._http.aclose()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        request = Request(scope, receive)
        response = await self._handle(request)
        await response(scope, receive, send)

    async def _handle(self, request: Request) -> Response:
        if self._http is None:
            self._http = httpx.AsyncClient(base_url=self.upstream, timeout=60)
        method, path = request.method, request.url.path
        raw = await request.body()
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
        shown = dict(body) if isinstance(body, dict) else body
        if isinstance(shown, dict) and "password" in shown:
            shown["password"] = "***"
        key = request.headers.get("idempotency-key")
        authorization = request.headers.get("authorization")
        self.wire.append(Seen(method, path, request.url.query, shown, key, authorization))
        canned = self.canned.get((method, path))
        if canned is not None:
            status, data = canned
            return self._json(method, path, status, data, {})
        query = request.query_params.multi_items()
        params = [(k, v) for k, v in query if k not in self.ignore_params]
        if self._endless(method, path):
            params = [(k, v) for k, v in params if not (k == "cursor" and v.startswith("endless-"))]
        if self.numeric_ids:
            path = "/".join(from_numeric(p) if p.isdigit() else p for p in path.split("/"))
            if isinstance(body, dict):
                body = self._numeric_request(body)
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower() not in ("host", "content-length", "accept-encoding", "connection")
        }
        content = json.dumps(body).encode() if body is not None else raw
        upstream = await self._http.request(
            method, path, params=params, content=content or None, headers=headers
        )
        passed = {k: v for k, v in upstream.headers.items() if k.lower() in ("date", "retry-after")}
        ctype = upstream.headers.get("content-type", "")
        if "json" not in ctype:
            return Response(
                upstream.content, upstream.status_code, passed, media_type=ctype or None
            )
        data = upstream.json()
        sent = shown.get("device_ids", []) if isinstance(shown, dict) else []
        data = self._bend(request.method, request.url.path, upstream.status_code, data, sent)
        return self._json(
            method, request.url.path, upstream.status_code, data, passed, ctype.split(";")[0]
        )

    def _numeric_request(self, body: dict[str, Any]) -> dict[str, Any]:
        out = dict(body)
        if isinstance(out.get("device_ids"), list):
            out["device_ids"] = [
                from_numeric(i) if isinstance(i, str) else i for i in out["device_ids"]
            ]
        return out

    def _endless(self, method: str, path: str) -> bool:
        return self.endless_cursor and method == "GET" and path.endswith(self.endless_paths)

    def _bend(self, method: str, path: str, status: int, data: Any, sent: list[Any]) -> Any:
        if self.numeric_ids:
            data = _numeric_answer(data)
        bulk_items = self.bulk_items
        if (
            bulk_items is not None
            and 200 <= status < 300
            and method == "POST"
            and path.endswith(DESTRUCTIVE)
            and isinstance(data, dict)
        ):
            data = {**data, "items": bulk_items(list(data.get("items", [])), list(sent))}
        if self._endless(method, path) and isinstance(data, dict):
            self._cursors += 1
            over = self.endless_limit is not None and self._cursors > self.endless_limit
            data = {**data, "next_cursor": None if over else f"endless-{self._cursors}"}
        if self.answer is not None:
            data = self.answer(method, path, status, data)
        return data

    def _json(
        self,
        method: str,
        path: str,
        status: int,
        data: Any,
        headers: dict[str, str],
        media_type: str = "application/json",
    ) -> Response:
        content = json.dumps(data, ensure_ascii=False).encode()
        if self.trickle is not None and self.trickle_match(method, path):
            delay, step = self.trickle, max(1, self.trickle_bytes)

            async def slowly() -> Any:
                for i in range(0, len(content), step):
                    yield content[i : i + step]
                    await asyncio.sleep(delay)

            return StreamingResponse(slowly(), status, headers, media_type=media_type)
        return Response(content, status, headers, media_type=media_type)


class ServedGateway:
    """A :class:`HostileGateway` on a free loopback port, in a daemon thread."""

    def __init__(self, gateway: HostileGateway) -> None:
        self.gateway = gateway
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/v1"

    def start(self) -> ServedGateway:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.gateway,
            log_level="warning",
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=1,
            server_header=False,
            date_header=False,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="hostile-gateway", daemon=True
        )
        self._server, self._thread = server, thread
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the hostile gateway failed to start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(5)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(5)
        self._server = self._thread = None


@dataclass
class Gateways:
    """``make(server, **settings)``: a started gateway in front of ``server``."""

    started: list[ServedGateway] = field(default_factory=list)

    def __call__(self, server: Any, **settings: Any) -> ServedGateway:
        served = ServedGateway(HostileGateway(server.base_url, **settings)).start()
        self.started.append(served)
        return served

    def stop(self) -> None:
        for served in self.started:
            served.stop()


def gateways() -> Iterator[Gateways]:
    made = Gateways()
    try:
        yield made
    finally:
        made.stop()
