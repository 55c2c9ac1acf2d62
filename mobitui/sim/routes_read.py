"""Handlers that read (plus login and logout): accounts, groups, devices, changes, requests.

Every lookup goes through the caller's scope: a device, group or request outside it answers
exactly like one that does not exist (404), so ids cannot be probed.
"""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from mobitui.domain.models import DeviceState, RequestStatus, format_time
from mobitui.sim import actions, params
from mobitui.sim.clock import to_datetime
from mobitui.sim.problems import Problem
from mobitui.sim.validation import Field, parse_json, parse_object, string
from mobitui.sim.world import Ctx

STATES = tuple(s.value for s in DeviceState)
STATUSES = tuple(s.value for s in RequestStatus)
DEFAULT_PAGE = 100
MAX_QUERY = 200

LOGIN_FIELDS = {
    "account": Field(string(256, 1)),
    "password": Field(string(1024)),
}


def login(ctx: Ctx) -> Response:
    data = parse_object(parse_json(ctx.body), LOGIN_FIELDS)
    session = ctx.world.auth.login(ctx.txn, data["account"], data["password"], ctx.now)
    if session is None:
        raise Problem("invalid_credentials", "wrong account name or password")
    return JSONResponse(
        {
            "token": session.token,
            "expires_at": format_time(to_datetime(session.expires_at)),
            "account": session.account.to_json(),
        }
    )


def logout(ctx: Ctx) -> Response:
    assert ctx.token_digest is not None
    ctx.world.auth.logout(ctx.txn, ctx.token_digest)
    return Response(status_code=204)


def me(ctx: Ctx) -> Response:
    return JSONResponse(ctx.user.to_json())


def limits(ctx: Ctx) -> Response:
    config = ctx.world.config
    return JSONResponse(
        {
            "max_bulk_devices": config.max_bulk,
            "max_page_size": config.max_page,
            # Readable without a token, like the limits: a random id, not a secret.
            "instance_id": ctx.world.instance_id(ctx.txn),
        }
    )


def groups(ctx: Ctx) -> Response:
    return JSONResponse({"items": [g.to_json() for g in ctx.world.store.visible_groups(ctx.scope)]})


def list_devices(ctx: Ctx) -> Response:
    query = ctx.request.query_params
    store = ctx.world.store
    include = params.boolean(query, "include_subgroups", False)
    group_id = query.get("group_id")
    selected = None
    if group_id is not None:
        known = {g[0] for g in store.groups()}
        if group_id not in known or not ctx.scope.contains(group_id):
            raise Problem("not_found", f"no group {group_id!r}")
        selected = store.subtree([group_id]) if include else frozenset([group_id])
    states = params.choices(query, "state", STATES)
    q = params.text(query, "q", MAX_QUERY)
    after = params.decode_cursor(query.get("cursor"), "d")
    limit = min(params.integer(query, "limit", DEFAULT_PAGE, 1), ctx.world.config.max_page)
    devices, last, total = store.page(ctx.scope, selected, states, q, after or 0, limit)
    return JSONResponse(
        {
            "items": [d.to_json() for d in devices],
            "next_cursor": None if last is None else params.encode_cursor("d", last),
            "total": total,
        }
    )


def get_device(ctx: Ctx) -> Response:
    device_id = ctx.request.path_params["device_id"]
    device = ctx.world.store.device(device_id, ctx.scope)
    if device is None:
        raise Problem("not_found", f"no device {device_id!r}")
    return JSONResponse(device.to_json())


def changes(ctx: Ctx) -> Response:
    since = params.integer(ctx.request.query_params, "since", 0, 0)
    devices, deleted, seq = ctx.world.store.changes(ctx.scope, since)
    return JSONResponse({"changes": [d.to_json() for d in devices], "deleted": deleted, "seq": seq})


def list_inactivations(ctx: Ctx) -> Response:
    query = ctx.request.query_params
    statuses = params.choices(query, "status", STATUSES)
    before = params.decode_cursor(query.get("cursor"), "r")
    limit = min(params.integer(query, "limit", DEFAULT_PAGE, 1), ctx.world.config.max_page)
    page, last = actions.list_requests(ctx.txn, ctx.scope, ctx.user, statuses, before, limit)
    return JSONResponse(
        {
            "items": [r.to_json() for r in page],
            "next_cursor": None if last is None else params.encode_cursor("r", last),
        }
    )


def get_inactivation(ctx: Ctx) -> Response:
    request_id = ctx.request.path_params["request_id"]
    request = actions.load_request(ctx.txn, request_id, ctx.scope, ctx.user)
    if request is None:
        raise Problem("not_found", f"no inactivation request {request_id!r}")
    return JSONResponse(request.to_json())
