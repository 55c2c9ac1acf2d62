"""``mobitui groups``, ``devices``, ``requests`` and ``requests cancel``: the fleet for scripts."""

from __future__ import annotations

import argparse
from typing import Any

from mobitui.api.errors import Unreachable
from mobitui.api.session import forget_token
from mobitui.commands.common import (
    CommandError,
    Secret,
    ask,
    client_for,
    connect,
    refuse_read_only,
    require_admin,
    say,
    stray_text,
)
from mobitui.domain.models import Device, DeviceState, Group, InactivationRequest, RequestStatus
from mobitui.domain.selection import Stray, check, scope_groups, subtree
from mobitui.domain.text import visible
from mobitui.exit_codes import ExitCode
from mobitui.fleet import snapshot
from mobitui.i18n import Catalogue
from mobitui.local import tokens
from mobitui.local.profiles import ConnectionSettings
from mobitui.present.errors import error_text
from mobitui.present.tables import DEVICE_COLUMNS, device_rows, emit

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


async def logout(args: argparse.Namespace, settings: ConnectionSettings) -> int:
    """Revoke the cached token on the server and delete its file, and the cached fleet's."""
    if not settings.cache_token:
        raise CommandError.said(ExitCode.USAGE, "cli.logout_per_profile")
    cached = tokens.load_token(settings.profile, settings.account, server=settings.base_url)
    if cached is not None:
        client = client_for(settings)
        async with client:
            client.use_token(cached.token)
            try:
                await client.logout()
            except Unreachable as exc:
                t = Catalogue(settings.lang)
                error, expires = error_text(t, exc), cached.expires_at.isoformat()
                say(t("cli.logout_unreachable", error=error, expires=expires))
    forget_token(settings)
    try:
        snapshot.forget(settings.profile, settings.account)
    except OSError as exc:
        raise CommandError.said(ExitCode.USAGE, "cli.fleet_cache_kept", problem=exc) from None
    t = Catalogue(settings.lang)
    say(t("cli.logged_out", account=visible(settings.account), profile=settings.profile))
    return ExitCode.OK


async def groups(args: argparse.Namespace, settings: ConnectionSettings) -> int:
    client = await connect(settings, Secret(args.password_stdin, lang=settings.lang))
    async with client:
        found = await client.groups()
    rows = [g.to_json() for g in found]
    columns = [("id", "id"), ("parent_id", "parent_id"), ("name", "name")]
    emit(rows, [*columns, ("device_count", "device_count")], args.format)
    return ExitCode.OK


def resolve_group(found: list[Group], wanted: str, t: Catalogue) -> str:
    """A group by id, or by name when exactly one group of ``found`` has it.

    A value that is one group's id and another group's name (a department code used as a
    name) is refused: picking either would act on a group the admin may not have meant.
    """
    by_id = [g for g in found if g.id == wanted]
    named = [g for g in found if g.name == wanted and g.id != wanted]
    shown = visible(wanted)
    if by_id and named:
        raise CommandError.said(
            ExitCode.USAGE,
            "cli.group_id_and_name",
            value=repr(shown),
            group=_group_text(by_id[0]),
            named=", ".join(_group_text(g) for g in named),
            hints=_other_names(t, found, [*by_id, *named], wanted),
        )
    if by_id:
        return wanted
    if len(named) == 1:
        return named[0].id
    if named:
        raise CommandError.said(ExitCode.USAGE, "cli.groups_named", count=len(named), value=shown)
    raise CommandError.said(ExitCode.USAGE, "cli.no_group", value=shown)


def _group_text(group: Group) -> str:
    return visible(f"{group.id} ({group.name})")


def _other_names(t: Catalogue, found: list[Group], doubtful: list[Group], wanted: str) -> str:
    """How to name each of ``doubtful`` without doubt: by its other value (its name, or its
    id), when that is neither another group's id nor another group's name."""
    hints = []
    for group in doubtful:
        usable = [
            value
            for value in (group.id, group.name)
            if value != wanted
            and not any(g is not group and value in (g.id, g.name) for g in found)
        ]
        if usable:
            hints.append(t("cli.group_hint", value=repr(visible(usable[0])), id=visible(group.id)))
        else:
            hints.append(t("cli.group_hint_none", id=visible(group.id)))
    return "; ".join(hints)


async def devices(args: argparse.Namespace, settings: ConnectionSettings) -> int:
    """The devices of the server, or of the chosen groups, checked like the devices a
    destructive command chooses (:func:`mobitui.domain.selection.check`): this listing is
    what admins save and feed back with ``--from-csv``, so a device the server slipped in
    (a group filter an adapter ignores, a device beyond the account's scope) is left out,
    named on stderr, and the exit code says so."""
    client = await connect(settings, Secret(args.password_stdin, lang=settings.lang))
    state = None if args.state is None else DeviceState(args.state)
    found: dict[str, Device] = {}
    strays: list[Stray] = []
    async with client:
        groups = await client.groups()
        account = client.account
        scope = scope_groups(groups, None if account is None else account.group_scope)
        asked: list[tuple[str | None, frozenset[str] | None]] = [(None, None)]
        if args.group:
            asked = []
            for value in dict.fromkeys(args.group):
                group = resolve_group(groups, value, Catalogue(settings.lang))
                within = subtree(groups, [group]) if args.subgroups else frozenset({group})
                asked.append((group, within))
        for group_id, wanted in asked:
            listed = client.iter_devices(
                group_id=group_id,
                include_subgroups=args.subgroups and group_id is not None,
                state=state,
                q=args.query,
            )
            checked = check([d async for d in listed], groups=wanted, scope=scope)
            strays += checked.strays
            for device in checked.kept:
                found.setdefault(device.id, device)
    emit(device_rows(list(found.values())), DEVICE_COLUMNS, args.format)
    for stray in strays:
        t = Catalogue(settings.lang)
        say(t("cli.not_asked", stray=stray_text(t, stray)))
    return ExitCode.PARTIAL if strays else ExitCode.OK


async def requests(args: argparse.Namespace, settings: ConnectionSettings) -> int:
    client = await connect(settings, Secret(args.password_stdin, lang=settings.lang))
    async with client:
        status = None if args.status is None else RequestStatus(args.status)
        found = await client.inactivations(status)
    full = args.format == "json"
    emit([request_row(r, full) for r in found], REQUEST_COLUMNS, args.format)
    return ExitCode.OK


async def cancel(args: argparse.Namespace, settings: ConnectionSettings) -> int:
    """Cancel the request the admin named, and only it.

    The request is looked up, shown and cancelled by the id asked for; an answer about
    another request (an adapter mixing ids up) is a protocol error (exit 5): nothing is
    cancelled on the strength of it, and what happened to the asked one is said.
    """
    refuse_read_only(settings, "mobitui requests cancel")
    wanted: str = args.request_id
    shown = visible(wanted)
    client = await connect(settings, Secret(args.password_stdin, lang=settings.lang))
    async with client:
        require_admin(client)
        request = await client.inactivation(wanted)
        if request.id != wanted:
            raise CommandError.said(
                ExitCode.PROTOCOL, "cli.cancel.answered_other", id=shown, other=visible(request.id)
            )
        if request.status is not RequestStatus.SCHEDULED:
            raise CommandError.said(
                ExitCode.USAGE,
                "cli.not_scheduled",
                id=shown,
                status=Catalogue(settings.lang)(f"request.{request.status.value}"),
            )
        accepted = sum(1 for i in request.items if i.progress is not None)
        t = Catalogue(settings.lang)
        say(t("cli.cancel.scheduled", id=shown, at=request.scheduled_at, count=accepted))
        question = Catalogue(settings.lang)("cli.cancel_question", id=shown)
        if not (args.agree or ask(question)):
            raise CommandError.said(ExitCode.USAGE, "cli.not_cancelled")
        cancelled = await client.cancel_inactivation(wanted)
        if cancelled.id != wanted:
            raise CommandError.said(
                ExitCode.PROTOCOL, "cli.cancel.unknown", id=shown, other=visible(cancelled.id)
            )
    emit([request_row(cancelled, args.format == "json")], REQUEST_COLUMNS, args.format)
    return ExitCode.OK
