"""``mobitui resume`` resends a plan only to the devices it planned, and finds the plan
however the server's address is spelt.

A plan is written as the CLI or the TUI writes it, then the run is cut short (as by
``kill -9``: nothing was sent); the hostile gateway then shows the planned ids as it likes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import pytest

from tests.cli.test_chosen_devices import PASSWORD, active, at, audit, listing, run
from tests.gateway import device_listing, with_fields


@pytest.fixture
def server(make_server):
    return make_server(fleet=300, seed=11, speed=0.0)


def plan(
    honest,
    planned: list[dict[str, Any]],
    *,
    server: str,
    serials: Mapping[str, str] | None,
    names: Mapping[str, str] | None = None,
) -> str:
    """An operation of ``planned`` written to the journal, not run; ``serials=None``: a
    journal from before serials were recorded."""
    from mobitui.api.client import MobiClient
    from mobitui.api.runner import new_operation
    from mobitui.domain.rules import Inactivate
    from mobitui.local.journal import Journal
    from mobitui.local.paths import state_dir

    async def go() -> str:
        async with MobiClient(honest.base_url) as client:
            await client.login("admin", PASSWORD)
            operation = await new_operation(
                client,
                Journal(state_dir() / "journal"),
                Inactivate(),
                [d["id"] for d in planned],
                names={d["id"]: d["name"] for d in planned} if names is None else names,
                serials=serials,
                server=server,
                profile="-",
                account="admin",
            )
            operation.close()
            return operation.state.spec.id

    return asyncio.run(go())


# --------------------------------------------------------------------------- identity


def test_a_device_planned_without_a_serial_that_now_has_one_is_not_resent(
    server, make_gateway, monkeypatch, capsys
) -> None:
    """A BYOD phone had no serial when the run was planned; its id now names a device with
    one. The check skipped empty serials, and the batch went to the new device."""
    honest = make_gateway(server)
    planned = active(listing(honest))[:3]
    reused = planned[1]
    lying = make_gateway(
        server, answer=device_listing(with_fields(reused["id"], serial="NEW-OWNER"))
    )
    serials = {d["id"]: d["serial"] for d in planned} | {reused["id"]: ""}
    plan(honest, planned, server=lying.base_url, serials=serials)
    result = run("resume", *at(lying), "--agree", monkeypatch=monkeypatch, capsys=capsys)
    assert result.code == 2, result.err
    assert reused["id"] in result.err and "it had no serial number when" in result.err
    assert lying.gateway.destructive() == [] and audit(server) == []


def test_a_journal_without_serials_compares_the_names(
    server, make_gateway, monkeypatch, capsys
) -> None:
    """A journal written before serials were recorded had no check at all: a reused id was
    resent. Now the name it recorded must still be the device's."""
    honest = make_gateway(server)
    planned = active(listing(honest))[:3]
    reused = planned[2]
    lying = make_gateway(
        server,
        answer=device_listing(with_fields(reused["id"], name="新しい持ち主のiPhone")),
    )
    plan(honest, planned, server=lying.base_url, serials=None)
    result = run("resume", *at(lying), "--agree", monkeypatch=monkeypatch, capsys=capsys)
    assert result.code == 2, result.err
    assert reused["id"] in result.err and f"its name was {reused['name']!r}" in result.err
    assert lying.gateway.destructive() == [] and audit(server) == []

    # the gateway fixed, the names are the planned ones: resumed, each device once
    lying.gateway.answer = None
    result = run("resume", *at(lying), "--agree", monkeypatch=monkeypatch, capsys=capsys)
    assert result.code == 0, result.err
    assert sorted(lying.gateway.sent_ids()) == sorted(d["id"] for d in planned)


# --------------------------------------------------------------------------- the address


@pytest.mark.parametrize(
    "spelling",
    [
        lambda url: url + "/",
        lambda url: url.replace("http://", "HTTP://"),
        lambda url: url.replace("http://", "Http://") + "//",
    ],
    ids=["trailing slash", "scheme upper case", "mixed case and slashes"],
)
def test_resume_finds_the_plan_however_the_server_is_spelt(
    server, make_gateway, monkeypatch, capsys, spelling
) -> None:
    """``--server URL/`` or ``HTTP://…`` said "nothing to resume", exit 0, and left the
    operation open; the same server spelt otherwise is the same server."""
    gateway = make_gateway(server)
    planned = active(listing(gateway))[:3]
    plan(gateway, planned, server=gateway.base_url, serials={d["id"]: d["serial"] for d in planned})
    other = spelling(gateway.base_url)
    assert other != gateway.base_url
    argv = ["--server", other, "--account", "admin", "--password-stdin"]
    result = run("resume", *argv, "--agree", monkeypatch=monkeypatch, capsys=capsys)
    assert result.code == 0, result.err
    assert "nothing to resume" not in result.err
    assert sorted(gateway.gateway.sent_ids()) == sorted(d["id"] for d in planned)


def test_nothing_to_resume_names_the_operations_of_other_servers(
    server, make_gateway, monkeypatch, capsys
) -> None:
    """``localhost`` is another origin than ``127.0.0.1`` and stays another server; but
    "nothing to resume" now says an operation of another server is open, and which."""
    gateway = make_gateway(server)
    planned = active(listing(gateway))[:2]
    operation = plan(
        gateway, planned, server=gateway.base_url, serials={d["id"]: d["serial"] for d in planned}
    )
    elsewhere = gateway.base_url.replace("127.0.0.1", "localhost")
    argv = ["--server", elsewhere, "--account", "admin", "--password-stdin"]
    result = run("resume", *argv, "--agree", monkeypatch=monkeypatch, capsys=capsys)
    assert result.code == 0, result.err
    assert f"nothing to resume for {elsewhere}" in result.err
    assert "1 unfinished operation(s) of another server" in result.err
    assert operation in result.err and gateway.base_url in result.err
    assert gateway.gateway.destructive() == []
