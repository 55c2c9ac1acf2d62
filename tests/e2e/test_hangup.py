"""The terminal goes away with no SIGHUP: mobitui and its demo server exit, not spin."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from tests.e2e.test_terminal_bytes import MOBITUI, Terminal


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_a_vanished_terminal_ends_the_demo_and_its_server(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "MOBITUI_STATE_DIR": str(tmp_path / "state"),
        "MOBITUI_CONFIG_DIR": str(tmp_path / "config"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    # A session of its own, as under setsid or a supervisor: closing the pty sends no SIGHUP.
    term = Terminal([MOBITUI, "demo", "--fleet", "60", "--lang", "en"], env)
    try:
        term.wait_for("connected")
        children = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(term.proc.pid)], capture_output=True, text=True
        ).stdout.split()
        assert len(children) == 1  # the demo server
        os.close(term.master)
        term.master = os.open(os.devnull, os.O_RDONLY)  # for close() below
        try:
            code = term.proc.wait(60)
        except subprocess.TimeoutExpired:
            spent = _cpu_seconds(term.proc.pid)
            time.sleep(1)
            raise AssertionError(
                f"still running; {_cpu_seconds(term.proc.pid) - spent:.2f} s of CPU in 1 s"
            ) from None
        assert code == 0
        for child in children:
            deadline = time.monotonic() + 30
            while Path(f"/proc/{child}").exists() and time.monotonic() < deadline:
                time.sleep(0.1)
            stat = Path(f"/proc/{child}/stat")
            assert not stat.exists() or stat.read_text().split(") ")[1].startswith("Z")
    finally:
        term.close()
