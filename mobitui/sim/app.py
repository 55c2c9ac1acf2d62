"""The Starlette application: routing, body limits, rate limiting and problem documents.

Each path has one endpoint that dispatches on the method, so an unsupported method answers 405
with an ``Allow`` header listing every method of the path, and every error anywhere (unknown
path, oversize body, unexpected exception) is a problem document. Handlers are synchronous and
run in the thread pool inside ``World.call``, one transaction at a time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from email.utils import formatdate

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mobitui.sim import routes_read as read
from mobitui.sim import routes_sim as sim
from mobitui.sim import routes_write as write
from mobitui.sim.config import MAX_BODY_BYTES, ServerConfig
from mobitui.sim.problems import Problem, problem_response
from mobitui.sim.world import Handler, World

API = "/api/v1"


@dataclass(frozen=True, slots=True)
class Op:
    handler: Handler
    auth: bool = True
    #: A simulation control: 404 unless the server runs with ``sim_controls``.
    sim: bool = False


async def read_body(request: Request) -> bytes:
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY_BYTES:
        raise Problem("body_too_large", f"the request body exceeds {MAX_BODY_BYTES} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise Problem("body_too_large", f"the request body exceeds {MAX_BODY_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _endpoint(world: World, ops: dict[str, Op]) -> Callable[[Request], Awaitable[Response]]:
    allow = ", ".join(ops)

    async def endpoint(request: Request) -> Response:
        op = ops.get(request.method)
        if op is None:
            return Problem(
                "method_not_allowed",
                f"{request.method} is not supported here",
                headers={"Allow": allow},
            ).response()
        if op.sim and not world.config.sim_controls:
            return Problem("not_found", "simulation controls are off on this server").response()
        limited = world.rate_limited(request)
        if limited is not None:
            return limited.response()
        body = b""
        if request.method in ("POST", "PUT", "PATCH"):
            try:
                body = await read_body(request)
            except Problem as problem:
                return problem.response()
        return await run_in_threadpool(world.call, op.handler, request, body, op.auth)

    return endpoint


def _openapi(world: World) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        if request.method != "GET":
            return Problem(
                "method_not_allowed",
                f"{request.method} is not supported here",
                headers={"Allow": "GET"},
            ).response()
        return Response(world.openapi(), media_type="application/json")

    return endpoint


class ServerDate:
    """Stamp every answer's ``Date`` header with the SIMULATED clock (RFC 9110 §6.6.1).

    ``Date`` is the server's own reading of "now"; a client compares schedules and last-seen
    times against it, not against its own clock, which with ``--speed 60`` or a pinned test
    clock may be far from the server's. (uvicorn's own real-time ``Date`` is switched off.)
    """

    def __init__(self, app: ASGIApp, world: World) -> None:
        self.app = app
        self.world = world

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Date"] = formatdate(self.world.clock.now_ts(), usegmt=True)
            await send(message)

        await self.app(scope, receive, stamped)


def create_app(config: ServerConfig) -> Starlette:
    """Open (or create and seed) the database and build the app; ``app.state.world`` holds it."""
    world = World(config)
    table: dict[str, dict[str, Op]] = {
        "/auth/login": {"POST": Op(read.login, auth=False)},
        "/auth/logout": {"POST": Op(read.logout)},
        "/me": {"GET": Op(read.me)},
        "/limits": {"GET": Op(read.limits, auth=False)},
        "/groups": {"GET": Op(read.groups)},
        "/devices": {"GET": Op(read.list_devices)},
        "/devices/changes": {"GET": Op(read.changes)},
        "/devices/{device_id}": {"GET": Op(read.get_device)},
        "/inactivations": {
            "GET": Op(read.list_inactivations),
            "POST": Op(write.create_inactivation),
        },
        "/inactivations/{request_id}": {
            "GET": Op(read.get_inactivation),
            "DELETE": Op(write.cancel_inactivation),
        },
        "/forced-inactivations": {"POST": Op(write.create_forced)},
        "/device-deletions": {"POST": Op(write.create_deletion)},
    }
    table |= {
        "/sim/advance": {"POST": Op(sim.advance, auth=False, sim=True)},
        "/sim/audit": {"GET": Op(sim.audit_entries, auth=False, sim=True)},
        "/sim/devices/{device_id}": {
            "GET": Op(sim.get_behaviour, auth=False, sim=True),
            "POST": Op(sim.set_behaviour, auth=False, sim=True),
        },
        "/sim/devices/{device_id}/jobs": {"POST": Op(sim.set_jobs, auth=False, sim=True)},
    }
    methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]
    routes = [
        Route(API + "/openapi.json", _openapi(world), methods=methods),
        *(Route(API + path, _endpoint(world, ops), methods=methods) for path, ops in table.items()),
    ]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        world.close()

    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: _http_error, Exception: _crash},
        middleware=[Middleware(ServerDate, world=world)],
    )
    app.state.world = world
    return app


async def _http_error(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    headers = getattr(exc, "headers", None) or {}
    if status == 405:
        return Problem(
            "method_not_allowed", "method not supported here", headers=headers
        ).response()
    if status == 404:
        return Problem("not_found", f"no such path: {request.url.path}").response()
    return problem_response(Problem("internal_error", "unexpected HTTP error"))


async def _crash(request: Request, exc: Exception) -> Response:
    return Problem("internal_error", "the server failed to handle this request").response()
