"""An unexpected exception in a headless command: exit 70, one line, a private crash file.

``commands.common.run`` turns every known failure into its line and exit code; anything else
used to escape ``main`` as a Python traceback (exit 1, and with Rich installed nothing stops a
hook from printing locals). Now ``cli.main`` ends it as one line naming a 0600 crash file in
the state dir, and exit status 70 (``EX_SOFTWARE``). A recognisable value planted in the
failing frame's locals reaches neither the terminal nor the file.
"""

from __future__ import annotations

import io
import os
import re
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mobitui.api.client import MobiClient
from mobitui.cli import main
from mobitui.exit_codes import ExitCode
from mobitui.local import paths

PASSWORD = "demo-admin-pass"
PLANTED = "PLANTED-SECRET-090-4242-1717"
LINE = re.compile(r"mobitui: internal error \(KeyError\); details in (\S+crash-\S+\.txt)")
NO_FILE = "mobitui: internal error (KeyError); no crash report could be written"


@pytest.fixture
def server(make_server):
    return make_server(fleet=40, seed=5, speed=0.0)


def broken_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    """``groups`` gets the real answer from the server, then fails on it, its locals full."""
    real = MobiClient.groups

    async def broken(self: MobiClient, *args: object, **kwargs: object) -> object:
        groups = await real(self, *args, **kwargs)  # noqa: F841 - real data in the locals
        secret = PLANTED  # noqa: F841 - a local a traceback with locals would print
        raise KeyError("d000101")

    monkeypatch.setattr(MobiClient, "groups", broken)


def command(server) -> list[str]:
    return ["groups", "--server", server.base_url, "--account", "admin", "--password-stdin"]


def test_a_command_that_crashes_prints_one_line_and_leaves_a_private_report(
    server, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken_groups(monkeypatch)
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    code = main(command(server))
    out, err = capsys.readouterr()
    assert code == ExitCode.INTERNAL
    assert out == ""
    assert "Traceback" not in err and PLANTED not in err
    (line,) = err.splitlines()
    found = LINE.fullmatch(line)
    assert found, line
    (report,) = sorted(paths.state_dir().glob("crash-*.txt"))
    assert found.group(1) == str(report)
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    text = report.read_text("utf-8")
    assert "Traceback (most recent call last)" in text and "in broken" in text
    assert "KeyError: 'd000101'" in text
    assert PLANTED not in text and PASSWORD not in text


def test_an_unusable_state_dir_still_gives_one_line_and_no_traceback(
    server, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    not_a_dir = tmp_path / "state-is-a-file"
    not_a_dir.write_text("")
    monkeypatch.setenv("MOBITUI_STATE_DIR", str(not_a_dir))
    broken_groups(monkeypatch)
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    code = main(command(server))
    out, err = capsys.readouterr()
    assert code == ExitCode.INTERNAL
    assert out == "" and err.splitlines() == [NO_FILE]
    assert not_a_dir.read_text() == ""


CHILD = textwrap.dedent(
    f"""
    import sys
    from mobitui.api.client import MobiClient

    real = MobiClient.groups

    async def broken(self, *args, **kwargs):
        groups = await real(self, *args, **kwargs)
        secret = {PLANTED!r}
        raise KeyError("d000101")

    MobiClient.groups = broken
    from mobitui.cli import main
    raise SystemExit(main(sys.argv[1:]))
    """
)


def test_the_real_process_exits_70(server, tmp_path: Path) -> None:
    state = tmp_path / "state"
    env = {**os.environ, "MOBITUI_STATE_DIR": str(state), "MOBITUI_CONFIG_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *command(server)],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == ExitCode.INTERNAL
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    found = LINE.fullmatch(line)
    assert found, done.stderr
    (report,) = sorted(state.glob("crash-*.txt"))
    assert found.group(1) == str(report) and stat.S_IMODE(report.stat().st_mode) == 0o600
    assert PLANTED not in report.read_text("utf-8")


def test_the_crash_line_is_said_in_the_run_s_language(
    server, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before, ``--lang ja`` still got "internal error (KeyError); details in …"."""
    from tests.lang_check import english_sentences

    broken_groups(monkeypatch)
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    code = main([*command(server), "--lang", "ja"])
    _out, err = capsys.readouterr()
    assert code == ExitCode.INTERNAL
    (line,) = err.splitlines()
    (report,) = sorted(paths.state_dir().glob("crash-*.txt"))
    assert line == f"mobitui: 内部エラーが発生しました（KeyError）。詳しい情報: {report}", line
    assert english_sentences(line) == [] and PLANTED not in line
