"""An unexpected exception in the TUI: exit 70, one line on the terminal, a private crash file.

Textual's default prints a Rich traceback with every frame's locals (device records: users'
names, phone numbers, serials) into the terminal after the app stops, and the CLI exited 0.
Each test plants a recognisable value in the failing frame's locals and proves it reaches
neither the terminal nor the crash file, while the traceback does reach the file.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import textwrap
from pathlib import Path

import pytest

from mobitui.exit_codes import ExitCode
from mobitui.local import paths
from mobitui.tui.app import MobiApp
from tests.e2e.test_terminal_bytes import Terminal
from tests.tui.helpers import loaded, make_app, until

PLANTED = "PLANTED-SECRET-090-4242-1717"
LINE = re.compile(r"mobitui: internal error \(KeyError\); details in (\S+crash-\S+\.txt)")


def crash_files(state: Path) -> list[Path]:
    return sorted(state.glob("crash-*.txt"))


def assert_private_report(path: Path, *secrets: str) -> str:
    """The crash file: 0600, the traceback and its exception, none of ``secrets``."""
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text("utf-8")
    assert "Traceback (most recent call last)" in text
    assert "KeyError: 'd000101'" in text
    assert "in broken" in text  # the failing frame is named
    for secret in secrets:
        assert secret not in text
    return text


async def test_a_crash_in_a_handler_writes_a_private_report_and_shows_one_line(
    make_server, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    server = make_server(fleet=60, seed=3)
    held: dict[str, str] = {}

    def broken(self: MobiApp) -> None:
        device = next(iter(self.fleet.devices.values()))  # a device record in the locals
        held.update(phone=device.phone_number, user=device.user_name, serial=device.serial)
        secret = PLANTED  # noqa: F841 - a local Rich's traceback would print
        raise KeyError("d000101")

    monkeypatch.setattr(MobiApp, "action_open_requests", broken)  # i
    app = make_app(server)
    with pytest.raises(KeyError):  # run_test raises the app's first exception, for pytest
        async with app.run_test(size=(100, 30)) as pilot:
            await loaded(pilot)
            capfd.readouterr()
            await pilot.press("i")
            await until(pilot, lambda: not app.is_running)
    assert app.return_code == ExitCode.INTERNAL
    out, err = capfd.readouterr()
    shown = out + err
    for secret in (PLANTED, held["phone"], held["serial"], "Traceback", "secret ="):
        assert secret not in shown
    assert err.strip() == ""  # Textual printed nothing: the CLI prints the one line
    found = LINE.fullmatch(app.crash_line or "")
    assert found, app.crash_line
    (report,) = crash_files(paths.state_dir())
    assert found.group(1) == str(report)
    assert_private_report(report, PLANTED, held["phone"], held["serial"], held["user"])


async def test_a_crash_in_a_screens_fleet_change_handler_is_a_crash_not_ignored(
    make_server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The screens follow the fleet through one Textual signal, whose ``publish`` logs and
    drops a subscriber's exception: a screen that failed to follow a change (a dialog whose
    preflight is then stale) must end the run as every other unexpected exception does."""
    from mobitui.fleet.cache import Delta
    from mobitui.tui.messages import FleetChanged
    from mobitui.tui.screens.main import MainScreen

    server = make_server(fleet=60, seed=3)

    def broken(self: MainScreen, delta: Delta) -> None:
        raise KeyError("d000101")

    monkeypatch.setattr(MainScreen, "fleet_changed", broken)
    app = make_app(server)
    with pytest.raises(KeyError):
        async with app.run_test(size=(100, 30)) as pilot:
            await loaded(pilot)
            some = frozenset(list(app.fleet.devices)[:1])
            app.post_message(FleetChanged(Delta(some, frozenset(), frozenset(), frozenset())))
            await until(pilot, lambda: not app.is_running)
    assert app.return_code == ExitCode.INTERNAL
    (report,) = crash_files(paths.state_dir())
    assert_private_report(report)


#: The real program on a real pty: ``mobitui demo``, with the handler of ``i`` made to fail.
CHILD = textwrap.dedent(
    f"""
    import sys
    from mobitui.tui.app import MobiApp

    def broken(self):
        device = next(iter(self.fleet.devices.values()))
        secret = {PLANTED!r}
        raise KeyError("d000101")

    MobiApp.action_open_requests = broken
    from mobitui.cli import main
    raise SystemExit(main(sys.argv[1:]))
    """
)


def test_the_real_program_exits_70_and_its_terminal_shows_no_traceback(tmp_path: Path) -> None:
    state = tmp_path / "state"
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "MOBITUI_STATE_DIR": str(state),
        "MOBITUI_CONFIG_DIR": str(tmp_path / "config"),
        "MOBITUI_CACHE_DIR": str(tmp_path / "cache"),
        "TZ": "UTC",
    }
    argv = [sys.executable, "-c", CHILD, "demo", "--fleet", "40", "--lang", "en"]
    term = Terminal(argv, env)
    try:
        term.wait_for("connected")
        term.send("i")
        code = term.proc.wait(60)
        term.pump(1.0)  # whatever it wrote last
    finally:
        term.close()
    raw = bytes(term.raw).decode("utf-8", "replace")
    assert code == ExitCode.INTERNAL
    assert PLANTED not in raw and "Traceback" not in raw and "secret" not in raw
    found = LINE.search(raw)
    assert found, raw[-2000:]
    (report,) = crash_files(state)
    assert found.group(1) == str(report)
    assert_private_report(report, PLANTED)
