"""Starting up: first-run profile form, token cached 0600 and reused, bad config, tiny terminals."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from textual.command import CommandPalette

from mobitui.local import paths, profiles, tokens
from mobitui.tui.app import Launch, MobiApp
from mobitui.tui.screens.login import LoginScreen
from mobitui.tui.screens.profile_form import ProfileForm
from tests.tui.helpers import loaded, make_app, shown, until


@pytest.fixture(autouse=True)
def _dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOBITUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("MOBITUI_STATE_DIR", str(tmp_path / "state"))


@pytest.fixture
def tui_server(make_server):
    return make_server(fleet=120, seed=4)


async def test_first_run_form_creates_profile_then_login_caches_token(tui_server) -> None:
    app = MobiApp(None, lang="en")
    async with app.run_test(size=(100, 40)) as pilot:
        await shown(pilot, ProfileForm)
        form = app.screen
        form.query_one("#base_url").value = "not a url"
        form.query_one("#account").value = "admin"
        form.query_one("#account").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ProfileForm)  # refused, with the reason shown
        assert "base_url" in str(form.query_one("#problems").render())
        form.query_one("#base_url").value = tui_server.base_url
        form.query_one("#base_url").focus()
        await pilot.press("enter")
        await shown(pilot, LoginScreen)
        await pilot.press(*"demo-admin-pass", "enter")
        await loaded(pilot)
    configured = profiles.load_profiles()
    assert configured.default == "default"
    assert configured.profiles["default"].base_url == tui_server.base_url
    assert "demo-admin-pass" not in (paths.config_dir() / profiles.PROFILES_FILE).read_text()
    token_files = list((paths.state_dir() / "tokens").iterdir())
    assert len(token_files) == 1
    assert stat.S_IMODE(token_files[0].stat().st_mode) == 0o600
    assert "demo-admin-pass" not in token_files[0].read_text()

    # The next launch reuses the cached token: no login screen at all.
    launch = Launch.from_profile(configured.profiles["default"], "en", read_only=False)
    seen: list[str] = []
    again = MobiApp(launch)
    async with again.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        seen.append(type(again.screen).__name__)
    assert seen == ["MainScreen"]


async def test_a_revoked_cached_token_asks_for_the_password(tui_server) -> None:
    from datetime import UTC, datetime, timedelta

    soon = datetime.now(UTC) + timedelta(hours=1)
    tokens.save_token("lab", "admin", "not-a-real-token", soon, server=tui_server.base_url)
    app = MobiApp(Launch(base_url=tui_server.base_url, account="admin", profile="lab"))
    async with app.run_test(size=(100, 30)) as pilot:
        await shown(pilot, LoginScreen)
        # the dead token is gone
        assert tokens.load_token("lab", "admin", server=tui_server.base_url) is None
        await pilot.press(*"demo-admin-pass", "enter")
        await loaded(pilot)


@pytest.mark.parametrize("size", [(30, 10), (20, 6), (80, 24), (300, 100)])
async def test_any_terminal_size_renders(tui_server, size: tuple[int, int]) -> None:
    app = make_app(tui_server)
    async with app.run_test(size=size) as pilot:
        grid = await loaded(pilot)
        await pilot.press("down", "space", "m")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.resize_terminal(max(20, size[0] // 2), max(6, size[1] // 2))
        await pilot.pause()
        assert app.fleet.checked == {grid.rows[1]}
        assert app.is_running


async def test_command_palette_lists_our_commands(tui_server) -> None:
    app = make_app(tui_server)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+p")
        await shown(pilot, CommandPalette)
        await pilot.press(*"check all")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, CommandPalette))
        await until(pilot, lambda: len(app.fleet.checked) == 120)


def test_malformed_profiles_file_is_named_with_its_line(tmp_path: Path) -> None:
    path = paths.config_dir() / profiles.PROFILES_FILE
    path.parent.mkdir(parents=True)
    path.write_text('[profiles.a]\nbase_url = "http://x"\naccount = = 3\n', "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mobitui"],
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert str(path) in result.stderr and "line 3" in result.stderr
    assert "Traceback" not in result.stderr
