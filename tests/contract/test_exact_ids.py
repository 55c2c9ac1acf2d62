"""Ids are exact: one that cannot be shown as it is is refused, never rewritten
(safety round 3, #6).

Every server string is made visible where it enters the client (``ESC`` → ``␛`` …). Ids were
too: ``AB\\x1b1`` and ``AB␛1`` both became ``AB␛1``, so two devices merged into one id, and a
command sent back an id that was not the device's (it may name another device). Now a device,
group, request or account id that holds a character :func:`~mobitui.domain.text.visible`
would change is refused where it enters (the fast and the general decoding path, and every
``from_json``) with a :class:`~mobitui.api.errors.MalformedResponse` naming the field. A page
holding one such id is refused whole: a full sync then fails with that message (the admin
takes it to whoever runs the server or gateway), rather than showing devices under ids that
are not theirs. Behind the hostile gateway, in front of the real reference server.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mobitui.api.errors import BulkIncomplete, MalformedResponse
from mobitui.api.runner import new_operation, run_operation
from mobitui.domain.models import Device, Group, ItemResult, WireError
from mobitui.domain.operation import Ending
from mobitui.domain.rules import ForceInactivate
from mobitui.local.audit_log import AuditLog
from mobitui.local.journal import Journal, JournalError, read
from tests.contract.faults import PASSWORDS, Sim, acted_on, connect
from tests.contract.test_faults import active_ids

PASSWORD = PASSWORDS["admin"]
#: ``ESC`` (escaped as ``\\u001b`` in JSON), a C1 CSI (raw UTF-8), a bidi override, and a
#: zero-width space: each would be rewritten by ``visible``.
HIDDEN = ["AB\x1b1", "AB\x9b1", "AB\u202e1", "AB\u200b1"]


def bend_ids(rename: dict[str, str]) -> Any:
    """An ``answer`` hook: device ids renamed wherever an answer names them."""

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return rename.get(value, value)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    return lambda method, path, status, data: walk(data)


@pytest.mark.parametrize("hidden", HIDDEN, ids=["esc", "c1", "bidi", "zwsp"])
async def test_a_listing_with_an_id_that_cannot_be_shown_is_refused_naming_the_field(
    make_server, make_gateway, hidden: str
) -> None:
    server = make_server(fleet=30, seed=11, speed=0.0)
    gateway = make_gateway(server, answer=bend_ids({"d000005": hidden}))
    client = await connect(gateway)
    async with client:
        with pytest.raises(MalformedResponse) as refused:
            [d async for d in client.iter_devices()]
        with pytest.raises(MalformedResponse) as single:
            await client.device("d000005")
    for error in (refused.value, single.value):
        assert "field 'id': the id 'AB" in error.message
        assert "never rewritten" in error.message and error.code != "truncated"
    assert "GET /api/v1/devices" in refused.value.message
    # Refused, not retried as a cut body: one request each.
    assert gateway.gateway.count("GET", "/devices") == 1
    assert gateway.gateway.count("GET", "/devices/d000005") == 1


async def test_two_ids_that_would_become_one_are_never_merged(make_server, make_gateway) -> None:
    """``AB\\x1b1`` made visible is ``AB␛1``, another device's real id: refused, not merged
    (before: two devices listed under one id, and the grid, a CSV or a command chose either)."""
    server = make_server(fleet=30, seed=11, speed=0.0)
    gateway = make_gateway(server, answer=bend_ids({"d000005": "AB\x1b1", "d000006": "AB␛1"}))
    client = await connect(gateway)
    async with client:
        with pytest.raises(MalformedResponse, match="field 'id': the id 'AB␛1' holds"):
            [d async for d in client.iter_devices()]


@pytest.mark.parametrize(
    ("where", "path"),
    [("group_id", "/devices"), ("group", "/groups"), ("deleted", "/devices/changes")],
)
async def test_group_ids_and_deleted_ids_are_exact_too(
    make_server, make_gateway, where: str, path: str
) -> None:
    server = make_server(fleet=30, seed=11, speed=0.0)

    def bend(method: str, at: str, status: int, data: Any) -> Any:
        if not at.endswith(path) or not isinstance(data, dict):
            return data
        if where == "group_id":
            return {**data, "items": [{**data["items"][0], "group_id": "g\x1b1"}]}
        if where == "group":
            return {**data, "items": [*data["items"], {**data["items"][0], "id": "g\x1b1"}]}
        return {**data, "deleted": ["d\x1b1"]}

    gateway = make_gateway(server, answer=bend)
    client = await connect(gateway)
    async with client:
        with pytest.raises(MalformedResponse) as refused:
            if where == "group":
                await client.groups()
            elif where == "deleted":
                await client.changes(0)
            else:
                [d async for d in client.iter_devices()]
    field = {"group_id": "group_id", "group": "id", "deleted": "deleted"}[where]
    assert f"field {field!r}: the id " in refused.value.message


async def test_a_bulk_answer_with_such_a_request_id_leaves_its_batch_open(
    make_server, make_gateway, tmp_path: Path
) -> None:
    server = make_server(max_bulk=5, speed=0.0)
    ids = await active_ids(server, 5)

    def bend(method: str, path: str, status: int, data: Any) -> Any:
        if method == "POST" and path.endswith("/forced-inactivations") and status < 300:
            return {**data, "id": data["id"] + "\u202e"}
        return data

    gateway = make_gateway(server, answer=bend)
    journal_dir = Journal(tmp_path / "journal")
    audit = AuditLog(tmp_path / "audit.jsonl")
    client = await connect(gateway)
    async with client:
        operation = await new_operation(
            client,
            journal_dir,
            ForceInactivate(),
            ids,
            names={},
            server=gateway.base_url,
            profile="t",
            account="admin",
        )
        with pytest.raises(BulkIncomplete) as stopped:
            await run_operation(client, operation, audit, password=PASSWORD, agree=True)
        operation.close()
        cause = stopped.value.cause
        assert isinstance(cause, MalformedResponse) and "field 'id': the id " in cause.message
        state = read(operation.path).state
        assert state.ending is None and len(state.open_batches) == 1  # the server did act
        gateway.gateway.answer = None  # fixed: the resend is answered from the first outcome
        with journal_dir.open(operation.path) as again:
            finished = await run_operation(client, again, audit, password=PASSWORD, agree=True)
    assert finished.ending is Ending.FINISHED
    assert acted_on(await Sim(server).audit("force_inactivate")) == {i: 1 for i in ids}


def test_from_json_refuses_such_ids_wherever_they_enter() -> None:
    good = {
        "id": "d1",
        "name": "n",
        "group_id": "g1",
        "platform": "ios",
        "os_version": "17",
        "model": "m",
        "serial": "S",
        "user_name": "u",
        "phone_number": "0",
        "enrollment": "apple_mdm",
        "dep": False,
        "android_device_owner": False,
        "dep_profile_removal_forbidden": False,
        "silent_wlan": False,
        "safari_restricted": False,
        "state": "active",
        "pending_jobs": 0,
        "last_seen_at": None,
    }
    assert Device.from_json(good).id == "d1"
    with pytest.raises(WireError, match=r"field 'id': the id 'd␛1'.*U\+001B"):
        Device.from_json({**good, "id": "d\x1b1"})
    with pytest.raises(WireError, match="field 'group_id'"):
        Device.from_json({**good, "group_id": "g\u200b"})
    with pytest.raises(WireError, match="field 'parent_id'"):
        Group.from_json({"id": "g2", "parent_id": "g\x1b", "name": "x", "device_count": 0})
    with pytest.raises(WireError, match="field 'device_id'"):
        ItemResult.from_json({"device_id": "d\x9b1", "outcome": "accepted"})
    # A name is not an id: made visible as before, never refused.
    assert Device.from_json({**good, "name": "n\x1b"}).name == "n\x1b"  # (visible() upstream)


async def test_a_journal_record_with_such_an_id_is_named_not_folded(make_server, tmp_path) -> None:
    server = make_server(max_bulk=5, speed=0.0)
    ids = await active_ids(server, 1)
    journal_dir = Journal(tmp_path / "journal")
    client = await connect(server)
    async with client:
        operation = await new_operation(
            client,
            journal_dir,
            ForceInactivate(),
            ids,
            names={},
            server=server.base_url,
            profile="t",
            account="admin",
        )
    operation.close()
    key = operation.state.spec.batches[0].key
    answer = {"id": "b\x1b", "cancelled_jobs": 0, "items": []}
    record = {"type": "batch_done", "key": key, "at": "2026-01-01T00:00:00+00:00", "result": answer}
    with operation.path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record) + "\n")
    with pytest.raises(JournalError, match=r"line 2: .*the id"):
        read(operation.path)
