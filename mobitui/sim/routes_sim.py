"""Simulation controls (``/api/v1/sim/…``): only served when the server runs with
``sim_controls=True``; tests and demos use them to move the clock, read the audit log and
steer one device's hidden behaviour. The TUI never calls them. They need no token: they exist
only on a loopback test server.
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.responses import JSONResponse, Response

from mobitui.domain.models import format_time
from mobitui.sim import audit
from mobitui.sim.behaviour import Behaviour
from mobitui.sim.clock import to_datetime
from mobitui.sim.problems import Problem
from mobitui.sim.simulation import catch_up
from mobitui.sim.simulation import set_behaviour as set_behaviour_of
from mobitui.sim.store import Scope, set_meta
from mobitui.sim.validation import Field, integer, number, one_of, parse_json, parse_object
from mobitui.sim.world import Ctx

#: At most ten years per call.
MAX_ADVANCE = 10 * 366 * 86400.0
#: The clock never moves past this instant (9000-01-01T00:00:00Z), however many calls: every
#: time the server shows or stores must stay a valid datetime (years up to 9999), with room for
#: token expiries and check-ins after it. A jump past it is refused, nothing moves.
MAX_CLOCK = datetime(9000, 1, 1, tzinfo=UTC).timestamp()

BEHAVIOURS = tuple(b.value for b in Behaviour)


def advance(ctx: Ctx) -> Response:
    data = parse_object(parse_json(ctx.body), {"seconds": Field(number(0, MAX_ADVANCE))})
    if ctx.now + data["seconds"] > MAX_CLOCK:
        raise Problem(
            "invalid_body",
            f"field 'seconds': the clock cannot move past {format_time(to_datetime(MAX_CLOCK))}",
        )
    ctx.world.clock.advance(data["seconds"])
    now = ctx.world.clock.now_ts()
    set_meta(ctx.txn.conn, "clock_now", repr(now))
    catch_up(ctx.txn, now)
    return JSONResponse({"now": format_time(to_datetime(now))})


def audit_entries(ctx: Ctx) -> Response:
    return JSONResponse({"entries": audit.entries(ctx.txn)})


def _behaviour_json(ctx: Ctx, device_id: str) -> dict[str, object]:
    row = ctx.txn.execute(
        "SELECT behaviour, next_event_at FROM devices WHERE id = ?", (device_id,)
    ).fetchone()
    if row is None:
        raise Problem("not_found", f"no device {device_id!r}")
    return {
        "id": device_id,
        "behaviour": row[0],
        "next_event_at": None if row[1] is None else format_time(to_datetime(row[1])),
    }


def get_behaviour(ctx: Ctx) -> Response:
    return JSONResponse(_behaviour_json(ctx, ctx.request.path_params["device_id"]))


def set_behaviour(ctx: Ctx) -> Response:
    device_id = ctx.request.path_params["device_id"]
    _behaviour_json(ctx, device_id)  # 404 first
    data = parse_object(parse_json(ctx.body), {"behaviour": Field(one_of(BEHAVIOURS))})
    set_behaviour_of(ctx.txn, device_id, data["behaviour"], ctx.now)
    return JSONResponse(_behaviour_json(ctx, device_id))


def set_jobs(ctx: Ctx) -> Response:
    device_id = ctx.request.path_params["device_id"]
    _behaviour_json(ctx, device_id)
    data = parse_object(parse_json(ctx.body), {"count": Field(integer(0, 10_000))})
    ctx.txn.execute(
        "UPDATE devices SET pending_jobs = ?, seq = ? WHERE id = ?",
        (data["count"], ctx.txn.seq(), device_id),
    )
    device = ctx.world.store.device(device_id, Scope(None))
    assert device is not None
    return JSONResponse(device.to_json())
