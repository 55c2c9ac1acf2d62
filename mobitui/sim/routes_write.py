"""Destructive calls: bulk inactivation, forced inactivation, deletion, cancelling a request.

Checks run in one fixed order, each before anything changes: authentication (done by the
world), role and permission, body, ``Idempotency-Key`` replay, the caller's own password,
agreement, schedule. Only then does the action run, in the request's single transaction,
together with its audit entry and the stored answer for the key.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.responses import JSONResponse, Response

from mobitui.domain import rules
from mobitui.domain.models import format_time
from mobitui.sim import actions, audit, idempotency
from mobitui.sim.clock import to_datetime
from mobitui.sim.problems import Problem
from mobitui.sim.validation import (
    Field,
    boolean,
    device_ids,
    optional_time,
    parse_json,
    parse_object,
    string,
)
from mobitui.sim.world import Ctx

PASSWORD = Field(string(1024))


def _fields(ctx: Ctx, extra: dict[str, Field]) -> dict[str, Field]:
    return {
        "device_ids": Field(device_ids(ctx.world.config.max_bulk)),
        **extra,
        "password": PASSWORD,
        "agree": Field(boolean),
    }


def _refuse(ctx: Ctx, action: str, problem: Problem, data: dict[str, Any] | None = None) -> None:
    """Record a refused destructive call in the audit log, then answer with the problem."""
    options = {} if data is None else {k: v for k, v in data.items() if k in _OPTION_KEYS}
    audit.write(
        ctx.txn,
        at=ctx.now,
        account=ctx.user,
        action=action,
        result=problem.code,
        options=options,
        device_ids=None if data is None else data.get("device_ids"),
    )
    raise problem


_OPTION_KEYS = ("remove_apple_mdm_profile", "scheduled_at", "delete_after")


def _run(
    ctx: Ctx,
    action: str,
    extra: dict[str, Field],
    needs_delete_permission: bool | Callable[[Any], bool],
    act: Callable[[dict[str, Any]], tuple[int, dict[str, Any], dict[str, Any], Any, str]],
) -> Response:
    account = ctx.user
    if not account.may_destroy:
        _refuse(ctx, action, Problem("forbidden", "operators may not run destructive calls"))
    lacks = Problem("forbidden", "this account lacks the device-deletion permission")
    if needs_delete_permission is True and not account.can_delete_devices:
        _refuse(ctx, action, lacks)
    raw = parse_json(ctx.body)
    wants_delete = callable(needs_delete_permission) and needs_delete_permission(raw)
    if wants_delete and not account.can_delete_devices:
        _refuse(ctx, action, lacks)
    data = parse_object(raw, _fields(ctx, extra))
    key = idempotency.require_key(ctx.request.headers.get("idempotency-key"))
    fingerprint = idempotency.fingerprint(ctx.request.url.path, raw)
    stored = idempotency.replay(ctx.txn, account.id, key, fingerprint)
    if stored is not None:
        return Response(
            stored.body,
            status_code=stored.status,
            media_type="application/json",
            headers={"Idempotent-Replayed": "true"},
        )
    try:
        assert ctx.token_digest is not None  # the world authenticated the call
        ctx.world.auth.check_password(ctx.txn, account, data["password"], ctx.now, ctx.token_digest)
    except Problem as problem:
        _refuse(ctx, action, problem, data)
    if not data["agree"]:
        _refuse(ctx, action, Problem("agreement_required", "'agree' must be true"), data)
    status, body, options, items, request_id = act(data)
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    idempotency.remember(ctx.txn, account.id, key, fingerprint, status, text, ctx.now)
    audit.write(
        ctx.txn,
        at=ctx.now,
        account=account,
        action=action,
        result="ok",
        options=options,
        device_ids=data["device_ids"],
        items=items,
        request_id=request_id,
    )
    return Response(text, status_code=status, media_type="application/json")


def create_inactivation(ctx: Ctx) -> Response:
    extra = {
        "remove_apple_mdm_profile": Field(boolean, required=False, default=False),
        "scheduled_at": Field(optional_time, required=False, default=None),
    }

    def act(data: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, Any], Any, str]:
        scheduled = data["scheduled_at"]
        options = {
            "remove_apple_mdm_profile": data["remove_apple_mdm_profile"],
            "scheduled_at": format_time(scheduled),
        }
        if rules.schedule_problem(scheduled, to_datetime(ctx.now)) is not None:
            _refuse(
                ctx,
                "inactivate",
                Problem("schedule_in_past", "'scheduled_at' must be in the future"),
                {**options, "device_ids": data["device_ids"]},
            )
        request = actions.inactivate(
            ctx.txn,
            ctx.world.store,
            ctx.user,
            ctx.scope,
            data["device_ids"],
            data["remove_apple_mdm_profile"],
            scheduled,
            ctx.now,
        )
        return 202, request.to_json(), options, request.items, request.id

    return _run(ctx, "inactivate", extra, False, act)


def create_forced(ctx: Ctx) -> Response:
    extra = {"delete_after": Field(boolean, required=False, default=False)}

    def wants_delete(raw: Any) -> bool:
        return isinstance(raw, dict) and raw.get("delete_after") is True

    def act(data: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, Any], Any, str]:
        result = actions.force(
            ctx.txn, ctx.world.store, ctx.scope, data["device_ids"], data["delete_after"], ctx.now
        )
        options = {"delete_after": data["delete_after"]}
        return 200, result.to_json(), options, result.items, result.id

    return _run(ctx, "force_inactivate", extra, wants_delete, act)


def create_deletion(ctx: Ctx) -> Response:
    def act(data: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, Any], Any, str]:
        result = actions.delete(ctx.txn, ctx.world.store, ctx.scope, data["device_ids"], ctx.now)
        return 200, result.to_json(), {}, result.items, result.id

    return _run(ctx, "delete", {}, True, act)


def cancel_inactivation(ctx: Ctx) -> Response:
    request_id = ctx.request.path_params["request_id"]
    if not ctx.user.may_destroy:
        _refuse(ctx, "cancel", Problem("forbidden", "operators may not cancel requests"))
    request = actions.cancel(ctx.txn, ctx.scope, ctx.user, request_id)
    audit.write(
        ctx.txn,
        at=ctx.now,
        account=ctx.user,
        action="cancel",
        result="ok",
        device_ids=[item.device_id for item in request.items],
        request_id=request.id,
    )
    return JSONResponse(request.to_json())
