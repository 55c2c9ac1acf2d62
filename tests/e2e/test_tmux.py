"""End to end, as a person would: `mobitui demo` in tmux, send-keys in, capture-pane out."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed")

MOBITUI = str(Path(sys.executable).with_name("mobitui"))


class Tmux:
    def __init__(self, session: str, env: dict[str, str]) -> None:
        self.session = session
        self.env = env

    def run(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", *args], capture_output=True, text=True, env=self.env, timeout=30
        )
        return result.stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.run("send-keys", "-t", self.session, key)
            time.sleep(0.05)

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", self.session, "-l", text)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.session)

    def wait_for(self, text: str, timeout: float = 60.0) -> str:
        """Poll the screen until ``text`` shows (bounded; fails with the screen it saw)."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")

    def alive(self) -> bool:
        return (
            subprocess.run(
                ["tmux", "has-session", "-t", self.session], env=self.env, capture_output=True
            ).returncode
            == 0
        )


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    env = {
        **os.environ,
        "TMUX_TMPDIR": str(tmp_path),
        "TERM": "xterm-256color",
        "MOBITUI_STATE_DIR": str(tmp_path / "state"),
        "MOBITUI_CONFIG_DIR": str(tmp_path / "config"),
        "LANG": "C.UTF-8",
        "TZ": "UTC",
    }
    env.pop("TMUX", None)
    session = f"mobitui-{uuid.uuid4().hex[:8]}"
    command = f"{MOBITUI} demo --fleet 300 --lang ja"
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "24", command],
        env=env,
        check=True,
        timeout=30,
    )
    t = Tmux(session, env)
    yield t
    subprocess.run(["tmux", "kill-server"], env=env, capture_output=True, timeout=30)


def test_demo_by_keyboard_at_80x24(tmux: Tmux) -> None:
    screen = tmux.wait_for("接続済み")
    assert "端末管理" in screen  # the sidebar heading
    assert "全 300 台" in screen
    tmux.keys("j", "j", "Space", "S-Down")
    screen = tmux.wait_for("選択 2 /")
    header, *rows = screen.splitlines()[1:]  # line 0 is the app header
    assert "✓" in header  # the check column's heading
    assert sum("✓" in row for row in rows) == 2
    tmux.keys("/")
    tmux.type("iPad")
    tmux.wait_for("絞り込み: iPad")
    tmux.keys("Enter", "C-a")
    tmux.keys("m")
    screen = tmux.wait_for("一括インアクティベーション")
    assert "一括強制インアクティベーション" in screen
    assert "端末一括削除" in screen
    tmux.keys("Escape", "Escape", "Escape")
    tmux.wait_for("選択 0 /")
    tmux.keys("?")
    tmux.wait_for("キー操作")
    tmux.keys("Escape")
    # tmux holds a lone Escape for escape-time: wait until the help is gone before "q",
    # or the two arrive together as Alt+q.
    deadline = time.monotonic() + 10
    while "キー操作" in tmux.screen() and time.monotonic() < deadline:
        time.sleep(0.1)
    tmux.keys("q")
    deadline = time.monotonic() + 30
    while tmux.alive() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not tmux.alive(), "q did not quit"
