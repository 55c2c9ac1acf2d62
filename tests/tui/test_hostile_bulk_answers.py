"""The bulk dialogs behind a hostile gateway: a 2xx is not success (issue 13, #5; #11).

The app talks to a gateway (tests/gateway.py) in front of the REAL reference server, which
acts on every device; the gateway then bends the answer's items. The dialog must show the
devices whose outcome is unknown, keep the operation open with 「再開」, show an answer about
other devices as a protocol error, and, once the gateway is fixed, resume without acting on
any device twice (the server's own audit log says so).
"""

from __future__ import annotations

from typing import Any

import pytest

from mobitui.domain.models import Outcome
from mobitui.domain.operation import Ending
from mobitui.domain.text import DISPLAY_MAX
from mobitui.tui.widgets.row_list import RowList
from tests.contract.faults import Sim, acted_on
from tests.tui.helpers import confirm, finished, loaded, make_app, open_dialog, press_ok, until
from tests.tui.test_bulk_dialogs import SIZE, pick, plain_active, text_of


@pytest.fixture
def server(make_server):
    return make_server(fleet=300, seed=3, max_bulk=5)


async def run_forced(pilot, ids: list[str]):
    screen = await open_dialog(pilot, ids, 1)
    for ack in screen.query(".ack"):  # some may still be communicating: acknowledged
        ack.value = True
    await confirm(pilot)
    await press_ok(pilot)
    await finished(pilot)
    return screen


async def resume_in_place(pilot, screen) -> None:
    screen.query_one("#password").focus()
    await pilot.press(*"demo-admin-pass")
    if not screen.query_one("#agree").value:
        await pilot.press("tab", "space")
    await pilot.pause()
    assert screen.reasons() == []
    screen.query_one("#resume").focus()
    await pilot.press("enter")
    await finished(pilot)


async def test_devices_without_an_outcome_are_shown_unknown_and_resumed_once(
    server, make_gateway
) -> None:
    gateway = make_gateway(server, bulk_items=lambda items, sent: items[:3])
    app = make_app(gateway)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        ids = pick(app, 10, plain_active)
        screen = await run_forced(pilot, ids)
        state = screen.state
        assert screen.phase == "result" and state.resumable and state.ending is None
        unknown = set(state.unknown())
        assert len(unknown) == 4  # two of each batch of five
        summary = text_of(screen, "#result-summary")
        assert "4 device(s) have no outcome in the server's answer" in summary
        assert "Forced inactivation done" not in summary  # never claimed
        rows = screen.query_one("#result", RowList).rows
        marked = {r.key for r in rows if r.cells[0] == "!"}
        assert marked == unknown
        assert all("unknown" in r.cells[2] for r in rows if r.key in unknown)
        assert screen.query_one("#resume").display and screen.query_one("#abandon").display
        assert len(gateway.gateway.destructive()) == 2

        gateway.gateway.bulk_items = None  # the gateway is fixed
        await resume_in_place(pilot, screen)
        assert screen.state.ending is Ending.FINISHED
        assert screen.state.counts()[Outcome.ACCEPTED] == 10
        assert not screen.query_one("#resume").display
    sent = gateway.gateway.destructive()
    assert sorted((s.key, tuple(s.body["device_ids"])) for s in sent[:2]) == sorted(
        (s.key, tuple(s.body["device_ids"])) for s in sent[2:]
    )
    assert acted_on(await Sim(server).audit("force_inactivate")) == {i: 1 for i in ids}


async def test_an_answer_about_other_devices_is_shown_as_a_protocol_error(
    server, make_gateway
) -> None:
    def foreign(items: list[dict[str, Any]], sent: list[str]) -> list[dict[str, Any]]:
        return [*items[1:], {**items[0], "device_id": "d199999"}]

    gateway = make_gateway(server, bulk_items=foreign)
    app = make_app(gateway, lang="ja")
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        ids = pick(app, 10, plain_active)
        screen = await run_forced(pilot, ids)
        await until(pilot, lambda: screen.query_one("#error").display)
        error = text_of(screen, "#error")
        assert "プロトコルエラー" in error and "d199999" in error
        assert screen.phase == "result" and screen.state.resumable
        assert screen.state.items == ()  # nothing of that answer believed
        rows = screen.query_one("#result", RowList).rows
        assert {r.key for r in rows if r.cells[0] == "!"} == set(ids)
        assert screen.query_one("#resume").display
        assert len(gateway.gateway.destructive()) == 1  # the second batch never left

        gateway.gateway.bulk_items = None
        await resume_in_place(pilot, screen)
        assert screen.state.ending is Ending.FINISHED
    assert acted_on(await Sim(server).audit("force_inactivate")) == {i: 1 for i in ids}


async def test_a_megabyte_device_name_enters_the_fleet_cut(server, make_gateway) -> None:
    """A name of a megabyte (issue 13 saw 100 MB freeze the TUI): cut where it enters, so the
    grid draws it like any other, and the app still quits on ``q``."""

    def long_name(method: str, path: str, status: int, data: Any) -> Any:
        if path.endswith("/devices") and isinstance(data, dict) and data.get("items"):
            first = {**data["items"][0], "name": "N" * (1024 * 1024)}
            return {**data, "items": [first, *data["items"][1:]]}
        return data

    gateway = make_gateway(server, answer=long_name)
    app = make_app(gateway)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        longest = max(len(d.name) for d in app.fleet.devices.values())
        assert longest == DISPLAY_MAX
        await pilot.press("q")
        await until(pilot, lambda: not app.is_running)
