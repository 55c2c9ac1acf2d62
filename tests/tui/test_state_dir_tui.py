"""The TUI and its files: an unusable state dir, a full disk mid-run, a token of another server.

- A state directory that is a file, read-only or writable by everyone: before the fix the TUI
  died at launch with a traceback (the journal scan) or ran on and failed later; now the error
  screen names the directory, and the app stays up (``r`` tries again once it is fixed).
- The audit log cannot be written after the first batch (a real, full tmpfs; root only): the
  run stops there and the dialog says why, naming the file.
- The profile's server changed: the token cached from the old one is never sent to the new one.
"""

from __future__ import annotations

import contextlib
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from mobitui.local import paths, tokens
from mobitui.tui.app import Launch, MobiApp
from mobitui.tui.screens.login import LoginScreen
from mobitui.tui.screens.message import MessageScreen
from tests.disk_limits import fill, tiny_tmpfs
from tests.tui.helpers import (
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

SIZE = (110, 45)


@pytest.fixture
def tui_server(make_server):
    return make_server(fleet=60, seed=3, max_bulk=2)


def unusable(state: Path, how: str):
    if how == "a file":
        state.parent.mkdir(parents=True, exist_ok=True)
        state.write_text("not a directory")
        return contextlib.nullcontext()
    if how == "read-only":
        if os.geteuid() == 0:
            return tiny_tmpfs(state, "64k", read_only=True)
        state.mkdir(parents=True)
        os.chmod(state, 0o500)
        return contextlib.nullcontext()
    state.mkdir(parents=True)
    os.chmod(state, 0o777)
    return contextlib.nullcontext()


@pytest.mark.parametrize("how", ["a file", "read-only", "writable by everyone"])
async def test_an_unusable_state_dir_is_named_on_screen_and_the_app_stays_up(
    tui_server, how: str
) -> None:
    state = paths.state_dir()
    with unusable(state, how):
        app = make_app(tui_server)
        async with app.run_test(size=SIZE) as pilot:
            await until(
                pilot,
                lambda: (
                    isinstance(app.screen, MessageScreen)
                    and bool(app.screen.query(".message-body"))
                ),
                tries=500,
            )
            body = str(app.screen.query_one(".message-body").render())
            assert str(state) in body and "Traceback" not in body
            assert "r: connect again" in body
            await pilot.pause(0.3)
            assert app.is_running
        assert app.return_code in (None, 0)


async def test_a_full_disk_after_the_first_batch_stops_the_run_and_says_so(
    tui_server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state"
    with tiny_tmpfs(state, "64k"):
        monkeypatch.setenv("MOBITUI_STATE_DIR", str(state))
        # Earlier entries end 100 bytes short of a page: the next line is written in part
        # (a short write, no error) before the disk is full. Before the fix: "done".
        old_line = json.dumps({"at": "2026-11-01T00:00:00Z", "result": "done"}) + "\n"
        count, rest = divmod(4096 - 100, len(old_line))
        earlier = old_line * count + json.dumps({"pad": "x" * (rest - 12)}) + "\n"
        assert len(earlier) == 4096 - 100
        (state / "audit.jsonl").write_text(earlier, "utf-8")
        app = make_app(tui_server)
        async with app.run_test(size=SIZE) as pilot:
            await loaded(pilot)
            ids = sorted(d.id for d in app.fleet.devices.values() if plain_active(d))[:6]
            screen = await open_dialog(pilot, ids, 0)
            await confirm(pilot)
            fill(state, leave=4096)  # room for the plan's page, none for the audit log
            await press_ok(pilot)
            await finished(pilot)
            error = str(screen.query_one("#error").render())
            assert f"{state / 'audit.jsonl'}: cannot write: No space left on device" in error
            # The audit line comes before the journal's record: the batch the server acted on
            # stays open, so 「再開」 (same key) records it in both; nothing is reported done.
            assert screen.state is not None and len(screen.state.done) == 0
            assert screen.state.resumable
            assert (state / "audit.jsonl").read_text("utf-8") == earlier  # nothing torn
        calls = httpx.get(f"{tui_server.api_url}/sim/audit").json()["entries"]
        assert len(calls) == 1  # three batches planned, the run stopped after the first


async def test_a_token_of_the_old_server_never_reaches_the_new_one(
    make_server, make_gateway
) -> None:
    first, second = make_server(fleet=20, seed=1), make_server(fleet=20, seed=2)
    token = httpx.post(
        f"{first.api_url}/auth/login", json={"account": "admin", "password": "demo-admin-pass"}
    ).json()["token"]
    soon = datetime.now(UTC) + timedelta(hours=1)
    tokens.save_token("lab", "admin", token, soon, server=first.base_url)
    gateway = make_gateway(second)
    app = MobiApp(
        Launch(base_url=gateway.base_url, account="admin", profile="lab", poll_seconds=3600)
    )
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, LoginScreen, tries=500)
        assert not any(token in (s.authorization or "") for s in gateway.gateway.wire)
        await pilot.press(*"demo-admin-pass", "enter")
        await loaded(pilot)
    assert not any(token in (s.authorization or "") for s in gateway.gateway.wire)
    assert tokens.load_token("lab", "admin", server=first.base_url).token == token  # kept


async def test_a_grid_export_onto_a_full_disk_is_named_and_leaves_no_half_file(
    tui_server, tmp_path: Path
) -> None:
    """Before: the CSV was written in place and a full disk left half of it, looking whole."""
    from mobitui.tui.screens.ask_path import AskPath

    out = tmp_path / "usb"
    with tiny_tmpfs(out, "64k"):
        fill(out, leave=0)
        app = make_app(tui_server)
        async with app.run_test(size=SIZE) as pilot:
            await loaded(pilot)
            await pilot.press("X")
            await shown(pilot, AskPath)
            app.screen.query_one("#path").value = str(out / "grid.csv")
            await pilot.press("enter")
            await shown(pilot, MessageScreen)
            body = str(app.screen.query_one(".message-body").render())
            assert f"{out / 'grid.csv'}: No space left on device" in body
        assert sorted(p.name for p in out.iterdir()) == [".filler"]
