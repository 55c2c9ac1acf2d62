"""After a full session, no file mobitui wrote holds a password.

One session does everything an admin does: a bulk inactivation with a wrong password first, an
interrupted forced inactivation resumed, a deletion, a scheduled request cancelled, checklist
ticks, instruction sheets and CSV exports, then log out. Every file under the config and state
directories and every export is then read back as bytes: neither the account's password nor
the wrong one typed appears anywhere (nor in the server's database).
"""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx

from mobitui.domain.models import DeviceState, Outcome
from mobitui.local import paths
from mobitui.tui.screens.ask_path import AskPath
from mobitui.tui.screens.checklist import ChecklistScreen
from mobitui.tui.screens.export_sheets import ExportScreen
from mobitui.tui.screens.message import MessageScreen
from mobitui.tui.screens.requests import RequestsScreen
from tests.tui.helpers import (
    admin_token,
    confirm,
    finished,
    loaded,
    make_app,
    open_dialog,
    plain_active,
    press_ok,
    shown,
    until,
)
from tests.tui.test_bulk_dialogs import lossy_app

PASSWORD = "demo-admin-pass"
WRONG = "Wr0ng-Pa55word-xyz"


async def _answer_path(pilot, path: Path) -> None:
    app = pilot.app
    await shown(pilot, AskPath)
    app.screen.query_one("#path").value = str(path)
    await pilot.press("enter")
    await shown(pilot, MessageScreen)
    await pilot.press("escape")


async def test_no_file_written_in_a_full_session_holds_a_password(
    make_server, tmp_path: Path
) -> None:
    server = make_server(fleet=200, seed=3, max_bulk=5)
    exports = tmp_path / "exports"

    # 1. An interrupted forced inactivation (its connection fails mid-run) …
    app, switch = lossy_app(server)
    async with app.run_test(size=(110, 40)) as pilot:
        await loaded(pilot)
        plain = sorted(
            (d for d in app.fleet.devices.values() if plain_active(d)), key=lambda d: d.id
        )
        forced_ids = [d.id for d in plain[:10]]
        screen = await open_dialog(pilot, forced_ids, 1)
        for ack in screen.query(".ack"):
            ack.value = True
        await confirm(pilot)
        await press_ok(pilot)
        await finished(pilot)
        assert screen.state.resumable
    switch.on = False

    # 2. … resumed at the next launch, then every other action, exports and logout.
    app = make_app(server)
    async with app.run_test(size=(110, 40)) as pilot:
        await loaded(pilot)
        await until(pilot, lambda: app.screen is not app.main_screen)
        resume = app.screen
        await confirm(pilot)
        resume.query_one("#resume").focus()
        await pilot.press("enter")
        await finished(pilot)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main_screen)

        others = [d.id for d in plain[10:13]]
        dialog = await open_dialog(pilot, others, 0)
        await confirm(pilot, WRONG)
        await press_ok(pilot)
        await until(pilot, lambda: dialog.query_one("#error").display)
        await confirm(pilot)
        if not dialog.query_one("#agree").value:
            await pilot.press("space")
        await press_ok(pilot)
        await finished(pilot)
        dialog.query_one("#results-csv").focus()
        await pilot.press("enter")
        await _answer_path(pilot, exports / "results.csv")
        await pilot.press("escape")

        deletion = await open_dialog(pilot, forced_ids, 2)
        await confirm(pilot)
        await press_ok(pilot)
        await finished(pilot)
        assert deletion.state.counts()[Outcome.DELETED] == len(forced_ids)
        await pilot.press("escape")

        token = admin_token(server)
        scheduled = httpx.post(
            f"{server.api_url}/inactivations",
            json={
                "device_ids": [plain[13].id],
                "remove_apple_mdm_profile": False,
                "scheduled_at": "2099-01-01T00:00:00+00:00",
                "password": PASSWORD,
                "agree": True,
            },
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
        ).json()
        await pilot.press("i")
        await shown(pilot, RequestsScreen)
        requests = app.screen
        await until(
            pilot, lambda: bool(requests.requests) and requests.selected().id == scheduled["id"]
        )
        await pilot.press("c")
        await shown(pilot, MessageScreen)
        app.screen.query_one("#yes").focus()
        await pilot.press("enter")
        await until(pilot, lambda: requests.selected().status.value == "cancelled")
        await pilot.press("escape")

        app.poll_now()
        await until(
            pilot,
            lambda: (
                app.fleet.devices[others[0]].state is not DeviceState.ACTIVE
                and app.fleet.devices[others[0]].inactivation
            ),
        )
        app.fleet.checked.clear()
        app.fleet.check(others)
        app.main_screen.refresh_view()
        await pilot.press("w")
        await shown(pilot, ChecklistScreen)
        await pilot.pause()
        await pilot.press("space", "space")
        await pilot.press("E")
        await shown(pilot, ExportScreen)
        app.screen.query_one("#directory").value = str(exports / "sheets")
        await pilot.press("enter")
        await shown(pilot, MessageScreen)
        await pilot.press("escape", "escape")
        await pilot.press("X")
        await _answer_path(pilot, exports / "grid.csv")
        app.logout()
        await pilot.pause(0.5)

    written = [
        path
        for root in (paths.config_dir(), paths.state_dir(), exports)
        for path in root.rglob("*")
        if path.is_file()
    ]
    names = {p.name for p in written}
    assert "audit.jsonl" in names and "checklists.json" in names and "grid.csv" in names
    assert any(p.suffix == ".jsonl" and p.parent.name == "finished" for p in written)
    assert any(p.suffix == ".md" for p in written) and "results.csv" in names
    for path in written:
        data = path.read_bytes()
        assert PASSWORD.encode() not in data, path
        assert WRONG.encode() not in data, path
    database = server.config.db_path.read_bytes()
    assert PASSWORD.encode() not in database and WRONG.encode() not in database
