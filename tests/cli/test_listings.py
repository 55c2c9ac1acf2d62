"""The headless commands never act on, nor vouch for, a listing that is not whole
(safety round 3, #2, #3).

``mobitui.cli.main`` runs in this process against the hostile gateway in front of the REAL
reference server. Before: behind an adapter whose paging stops after the first page (its
``total`` still right), ``inactivate --group g30`` planned 10 of the group's 18 devices with
exit 0, and ``resume`` checked a planned device against a listing that never held it and sent
it; behind an endless cursor with ``total: 10**9``, ``devices`` paged 1,501 times over the
same ten devices, exit 0. Now each stops with one line naming what is wrong with the listing,
sends nothing and exits non-zero.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from mobitui.api.client import MobiClient
from mobitui.api.runner import new_operation
from mobitui.domain.rules import Inactivate
from mobitui.local.journal import Journal
from mobitui.local.paths import state_dir
from tests.cli.test_chosen_devices import PASSWORD, active, at, listing, run
from tests.gateway import device_listing, with_fields


def truncated(method: str, path: str, status: int, data: Any) -> Any:
    """An adapter whose paging is broken: the first page only, ``total`` still the whole."""
    if method == "GET" and path.endswith("/devices") and isinstance(data, dict):
        return {**data, "next_cursor": None}
    return data


def test_a_group_on_a_listing_that_stops_short_is_refused_not_planned_in_part(
    make_server, make_gateway, monkeypatch, capsys
) -> None:
    server = make_server(fleet=300, seed=11, speed=0.0, max_page=10)
    members = [d for d in listing(make_gateway(server)) if d["group_id"] == "g30"]
    assert len(members) == 18
    lying = make_gateway(server, answer=truncated)
    preview = run(
        "inactivate",
        *at(lying),
        "--group",
        "g30",
        "--dry-run",
        "--format",
        "json",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert preview.code != 0 and preview.out == "", preview.out
    assert "the listing ended after 10 of the 18 devices" in preview.err
    assert "GET /api/v1/devices" in preview.err
    acting = run(
        "inactivate",
        *at(lying),
        "--group",
        "g30",
        "--agree",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert acting.code != 0 and "ended after 10 of the 18" in acting.err
    assert lying.gateway.destructive() == []


def test_resume_never_vouches_for_a_plan_with_a_listing_that_stops_short(
    make_server, make_gateway, monkeypatch, capsys
) -> None:
    server = make_server(fleet=300, seed=11, speed=0.0, max_page=50)
    honest = make_gateway(server)
    planned = active(listing(honest))[-3:]  # beyond the first page of 50
    reused = planned[1]

    def lying_answer(method: str, path: str, status: int, data: Any) -> Any:
        # The adapter hands the id out again (another serial) and cuts the listing short.
        bent = device_listing(with_fields(reused["id"], serial="NEW-OWNER"))
        return truncated(method, path, status, bent(method, path, status, data))

    lying = make_gateway(server, answer=lying_answer)

    async def plan() -> None:
        async with MobiClient(honest.base_url) as client:
            await client.login("admin", PASSWORD)
            operation = await new_operation(
                client,
                Journal(state_dir() / "journal"),
                Inactivate(),
                [d["id"] for d in planned],
                names={d["id"]: d["name"] for d in planned},
                serials={d["id"]: d["serial"] for d in planned},
                server=lying.base_url,
                profile="-",
                account="admin",
            )
            operation.close()

    asyncio.run(plan())
    resumed = run("resume", *at(lying), "--agree", monkeypatch=monkeypatch, capsys=capsys)
    assert resumed.code != 0, resumed.err
    assert "the listing ended after 50 of the 300 devices" in resumed.err
    assert lying.gateway.destructive() == []  # nothing sent on a check that saw nothing


@pytest.mark.parametrize("command", ["devices", "inactivate"])
def test_the_same_page_under_new_cursors_with_a_huge_total_stops_at_once(
    make_server, make_gateway, monkeypatch, capsys, command: str
) -> None:
    server = make_server(fleet=30, seed=11, speed=0.0, max_page=10)
    group = listing(make_gateway(server))[0]["group_id"]

    def huge_total(method: str, path: str, status: int, data: Any) -> Any:
        if method == "GET" and path.endswith("/devices") and isinstance(data, dict):
            return {**data, "total": 10**9}
        return data

    gateway = make_gateway(server, endless_cursor=True, endless_limit=1500, answer=huge_total)
    argv = {
        "devices": ["--format", "csv"],
        "inactivate": ["--group", group, "--dry-run", "--format", "json"],
    }[command]
    result = run(command, *at(gateway), *argv, monkeypatch=monkeypatch, capsys=capsys)
    assert result.code != 0, result.err
    assert "is listed twice in one listing (page 2)" in result.err
    assert result.out == ""
    assert gateway.gateway.count("GET", "/devices") <= 3
    assert gateway.gateway.destructive() == []
