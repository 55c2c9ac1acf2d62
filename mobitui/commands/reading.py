"""``mobitui groups``, ``devices``, ``requests`` and ``requests cancel``: the fleet for scripts."""

from __future__ import annotations

import argparse
from typing import Any

from mobitui import config, fleet_cache
from mobitui.api.client import MobiClient
from mobitui.api.errors import Unreachable
from mobitui.commands.common import (
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    Secret,
    ask,
    connect,
    refuse_read_only,
    require_admin,
    resolve_target,
    say,
)
from mobitui.domain.models import DeviceState, Group, InactivationRequest, RequestStatus
from mobitui.domain.text import visible
from mobitui.tables import DEVICE_COLUMNS, device_rows, emit

REQUEST_COLUMNS = [
    ("id", "id"),
    ("status", "status"),
    ("created_at", "created_at"),
    ("created_by", "created_by"),
    ("scheduled_at", "scheduled_at"),
    ("executed_at", "executed_at"),
    ("remove_apple_mdm_profile", "remove_apple_mdm_profile"),
    ("accepted", "accepted"),
    ("done", "done"),
    ("pending", "pending"),
    ("cancelled_jobs", "cancelled_jobs"),
]


def request_row(request: InactivationRequest, full: bool) -> dict[str, Any]:
    data = request.to_json()
    progress = [i.progress.value for i in request.items if i.progress is not None]
    data |= {
        "accepted": len(progress),
        "done": progress.count("done"),
        "pending": progress.count("pending"),
    }
    if not full:
        data.pop("items")
    return data


async def logout(args: argparse.Namespace) -> int:
    """Revoke the cached token on the server and delete its file, and the cached fleet's."""
    target = resolve_target(args)
    if not target.caches_token:
        raise CommandError(EXIT_USAGE, "logout is per profile: give --profile")
    cached = config.load_token(target.profile, target.account, server=target.base_url)
    if cached is not None:
        client = MobiClient(target.base_url, ca_bundle=target.ca_bundle, proxy=target.proxy)
        async with client:
            client.use_token(cached.token)
            try:
                await client.logout()
            except Unreachable as exc:
                say(
                    f"{exc.message} The token is forgotten here; on the server it expires "
                    f"at {cached.expires_at.isoformat()}."
                )
    config.forget_token(target.profile, target.account, server=target.base_url)
    try:
        fleet_cache.forget(target.profile, target.account)
    except OSError as exc:
        raise CommandError(EXIT_USAGE, f"cannot delete the fleet cache: {exc}") from None
    say(f"logged out: {target.account} on {target.profile}")
    return EXIT_OK


async def groups(args: argparse.Namespace) -> int:
    target = resolve_target(args)
    client = await connect(target, Secret(args.password_stdin))
    async with client:
        found = await client.groups()
    rows = [g.to_json() for g in found]
    columns = [("id", "id"), ("parent_id", "parent_id"), ("name", "name")]
    emit(rows, [*columns, ("device_count", "device_count")], args.format)
    return EXIT_OK


def resolve_group(found: list[Group], wanted: str) -> str:
    """A group by id, or by name when exactly one group of ``found`` has it."""
    if any(g.id == wanted for g in found):
        return wanted
    named = [g.id for g in found if g.name == wanted]
    if len(named) == 1:
        return named[0]
    shown = visible(wanted)
    if named:
        raise CommandError(EXIT_USAGE, f"{len(named)} groups are named {shown!r}: use the id")
    raise CommandError(EXIT_USAGE, f"no group {shown!r} (see `mobitui groups`)")


async def devices(args: argparse.Namespace) -> int:
    target = resolve_target(args)
    client = await connect(target, Secret(args.password_stdin))
    async with client:
        group = None if args.group is None else resolve_group(await client.groups(), args.group)
        found = [
            d
            async for d in client.iter_devices(
                group_id=group,
                include_subgroups=args.subgroups,
                state=None if args.state is None else DeviceState(args.state),
                q=args.query,
            )
        ]
    emit(device_rows(found), DEVICE_COLUMNS, args.format)
    return EXIT_OK


async def requests(args: argparse.Namespace) -> int:
    target = resolve_target(args)
    client = await connect(target, Secret(args.password_stdin))
    async with client:
        status = None if args.status is None else RequestStatus(args.status)
        found = await client.inactivations(status)
    full = args.format == "json"
    emit([request_row(r, full) for r in found], REQUEST_COLUMNS, args.format)
    return EXIT_OK


async def cancel(args: argparse.Namespace) -> int:
    target = resolve_target(args)
    refuse_read_only(target, "mobitui requests cancel")
    client = await connect(target, Secret(args.password_stdin))
    async with client:
        require_admin(client)
        request = await client.inactivation(args.request_id)
        if request.status is not RequestStatus.SCHEDULED:
            raise CommandError(
                EXIT_USAGE,
                f"request {request.id} is {request.status.value}: only a scheduled "
                "request can be cancelled",
            )
        accepted = sum(1 for i in request.items if i.progress is not None)
        say(f"request {request.id}: scheduled at {request.scheduled_at}, {accepted} device(s)")
        if not (args.agree or ask(f"Cancel request {request.id}?")):
            raise CommandError(EXIT_USAGE, "not cancelled: confirm with --agree")
        cancelled = await client.cancel_inactivation(request.id)
    emit([request_row(cancelled, args.format == "json")], REQUEST_COLUMNS, args.format)
    return EXIT_OK
