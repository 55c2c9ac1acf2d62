"""One running reference server's state: config, store, clock, accounts, limiter.

``World`` opens (or creates and seeds) the database, restores the clock from its last persisted
reading, and runs each API call as one transaction after bringing the simulation up to date.
Routes stay thin: they parse HTTP and call ``World.call`` with a handler.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mobitui.domain.models import Account
from mobitui.sim import fleet, hostile
from mobitui.sim.accounts import Directory, demo_accounts, load_accounts_file
from mobitui.sim.auth import Auth, token_hash
from mobitui.sim.clock import SimClock
from mobitui.sim.config import ServerConfig
from mobitui.sim.problems import Problem
from mobitui.sim.ratelimit import RateLimiter
from mobitui.sim.simulation import catch_up
from mobitui.sim.store import Scope, Store, Txn, connect, get_meta, instance_id, set_meta

OPENAPI_PATH = Path(__file__).with_name("openapi.json")


@dataclass(slots=True)
class Ctx:
    """What a handler gets: the HTTP request, its body, the open transaction and the caller."""

    world: World
    request: Request
    body: bytes
    txn: Txn
    now: float
    account: Account | None = None
    token_digest: str | None = None
    _scope: Scope | None = field(default=None, repr=False)

    @property
    def user(self) -> Account:
        assert self.account is not None
        return self.account

    @property
    def scope(self) -> Scope:
        if self._scope is None:
            self._scope = self.world.store.scope_for(self.user.group_scope)
        return self._scope


Handler = Callable[[Ctx], Response]


class World:
    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        records = (
            demo_accounts()
            if config.accounts_file is None
            else load_accounts_file(config.accounts_file)
        )
        self.auth = Auth(
            Directory(records), config.token_ttl_seconds, config.login_failures_before_slowdown
        )
        self.store = Store(connect(config.db_path))
        with self.store.transaction() as txn:
            if get_meta(txn.conn, "schema") is None:
                now = float(int(config.start_at if config.start_at is not None else time.time()))
                fleet.seed(txn.conn, config.fleet, config.seed, now)
                if config.hostile:
                    hostile.apply(txn.conn)
                set_meta(txn.conn, "schema", "1")
                set_meta(txn.conn, "fleet", str(config.fleet))
                set_meta(txn.conn, "seed", str(config.seed))
                set_meta(txn.conn, "created_at", repr(now))
                set_meta(txn.conn, "clock_now", repr(now))
            base = float(get_meta(txn.conn, "clock_now") or time.time())
            self.auth.forget_failures(txn)
        self.clock = SimClock(base, config.speed)
        self.limiter = None if config.rate_limit is None else RateLimiter(config.rate_limit)
        self._openapi: bytes | None = None
        self._instance_id: str | None = None

    def close(self) -> None:
        self.store.close()

    def instance_id(self, txn: Txn) -> str:
        """Which database this server serves (``GET /limits``); read once, then remembered."""
        if self._instance_id is None:
            self._instance_id = instance_id(txn.conn)
        return self._instance_id

    # ------------------------------------------------------------------ per request

    def call(self, handler: Handler, request: Request, body: bytes, needs_auth: bool) -> Response:
        with self.store.transaction() as txn:
            now = self.clock.now_ts()
            set_meta(txn.conn, "clock_now", repr(now))
            catch_up(txn, now)
            ctx = Ctx(self, request, body, txn, now)
            try:
                if needs_auth:
                    ctx.account, ctx.token_digest = self.auth.authenticate(
                        txn, request.headers.get("authorization"), now
                    )
                return handler(ctx)
            except Problem as problem:
                # Problems are raised before anything destructive happens; what was written
                # (failure counters, audit of refusals) is meant to stay.
                return problem.response()

    def rate_limited(self, request: Request) -> Problem | None:
        if self.limiter is None:
            return None
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            key = "t:" + token_hash(header[7:].strip())
        else:
            key = "a:" + (request.client.host if request.client else "-")
        wait = self.limiter.allow(key)
        if wait is None:
            return None
        return Problem("rate_limited", "request rate limit exceeded; retry later", retry_after=wait)

    def openapi(self) -> bytes:
        """The OpenAPI document, with this server's limits written into it."""
        if self._openapi is None:
            doc: dict[str, Any] = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
            schemas = doc.get("components", {}).get("schemas", {})
            if "DeviceIds" in schemas:
                schemas["DeviceIds"]["maxItems"] = self.config.max_bulk
            self._openapi = json.dumps(doc, ensure_ascii=False).encode("utf-8")
        return self._openapi
