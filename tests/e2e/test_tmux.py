"""End to end, as a person would: `mobitui demo` in tmux, send-keys in, capture-pane out.

At 80×24, by keyboard alone: move, check, filter, the 「端末管理」 menu, then a bulk
inactivation (a wrong password first), a forced inactivation and a deletion, help, quit. Once
in tmux directly, and once inside ``ssh -t`` to an OpenSSH server on loopback (a throwaway
key), as admins use it from a jump host.
"""

from __future__ import annotations

import getpass
import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed")

MOBITUI = str(Path(sys.executable).with_name("mobitui"))
#: The demo admin's public password (README).
DEMO_PASSWORD = "demo-admin-pass"
#: Serial numbers in the demo fleet (``--fleet 300``, seed 1): two active Apple MDM iPhones
#: without DEP or silent Wi-Fi, and one that has not communicated for weeks.
PLAIN_IPHONES = ("QJCRA910Q93Q", "MBXW0E3UAYDR")
SILENT_IPHONE = "888GHRRB5EX0"


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

    def wait_gone(self, text: str, timeout: float = 30.0) -> str:
        """Poll until ``text`` is no longer on screen (a dialog closed)."""
        deadline = time.monotonic() + timeout
        screen = self.screen()
        while text in screen and time.monotonic() < deadline:
            time.sleep(0.1)
            screen = self.screen()
        if text in screen:
            raise AssertionError(f"{text!r} never went away; the screen was:\n{screen}")
        return screen

    def alive(self) -> bool:
        return (
            subprocess.run(
                ["tmux", "has-session", "-t", self.session], env=self.env, capture_output=True
            ).returncode
            == 0
        )


SSHD = shutil.which("sshd") or "/usr/sbin/sshd"


class Sshd:
    """An OpenSSH server on a loopback port with a throwaway host key and client key."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(mode=0o700)
        self.folder = folder
        self.key = folder / "client_key"
        for name in ("host_key", "client_key"):
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / name)],
                check=True,
                timeout=30,
            )
        (folder / "authorized_keys").write_text((folder / "client_key.pub").read_text())
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        config = folder / "sshd_config"
        config.write_text(
            f"Port {self.port}\nListenAddress 127.0.0.1\nHostKey {folder / 'host_key'}\n"
            f"PidFile {folder / 'sshd.pid'}\nAuthorizedKeysFile {folder / 'authorized_keys'}\n"
            "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
            "StrictModes no\nPermitRootLogin prohibit-password\n"
        )
        Path("/run/sshd").mkdir(exist_ok=True)  # privilege separation directory
        self.proc = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise AssertionError("sshd did not start")

    def wrap(self, command: str) -> str:
        """``command`` run on the far side of ``ssh -t`` to this server, as admins work."""
        user = getpass.getuser()
        options = (
            f"-t -p {self.port} -i {self.key} -o StrictHostKeyChecking=no "
            "-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
        )
        return f"ssh {options} {user}@127.0.0.1 {shlex.quote(command)}"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture(params=["direct", "ssh"])
def tmux(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Tmux]:
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
    sshd = None
    if request.param == "ssh":
        if not (Path(SSHD).exists() and shutil.which("ssh") and os.geteuid() == 0):
            pytest.skip("needs openssh-server and root (.ci/run installs it)")
        sshd = Sshd(tmp_path / "ssh")
        remote = " ".join(
            f"{name}={shlex.quote(env[name])}"
            for name in ("TERM", "MOBITUI_STATE_DIR", "MOBITUI_CONFIG_DIR", "LANG", "TZ")
        )
        command = sshd.wrap(f"env {remote} {command}")
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "24", command],
        env=env,
        check=True,
        timeout=30,
    )
    t = Tmux(session, env)
    yield t
    subprocess.run(["tmux", "kill-server"], env=env, capture_output=True, timeout=30)
    if sshd is not None:
        sshd.stop()


def test_demo_by_keyboard_at_80x24(tmux: Tmux) -> None:
    screen = tmux.wait_for("接続済み")
    assert "端末管理" in screen  # the sidebar heading
    assert "全 300 台" in screen
    tmux.keys("j", "j", "Space", "S-Down")
    screen = tmux.wait_for("選択 2 /")
    # line 0 is the app header, line 1 names the open group above the grid
    title, header, *rows = screen.splitlines()[1:]
    assert "すべての端末" in title
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

    # The demo fleet (seed 1) is deterministic: pick devices by serial number, so the dialogs
    # hold no warning to acknowledge and the keys below land where a person would press them.
    def only(serial: str) -> None:
        tmux.keys("/")
        tmux.wait_gone("space 選択")  # the footer no longer shows the grid's keys: focus moved
        tmux.type(serial)  # the filter selects its old text on focus: typing replaces it
        tmux.wait_for(f"絞り込み: {serial}")
        tmux.keys("Enter", "Space")

    def tab_to(needle: str, most: int = 4) -> None:
        """Tab through the fields until ``needle`` (a step's ▸) shows: a step may hold more
        than one field (手順7: its box, then its time)."""
        for _ in range(most):
            tmux.keys("Tab")
            try:
                tmux.wait_for(needle, timeout=5)
                return
            except AssertionError:
                continue
        raise AssertionError(f"{needle!r} never had the focus:\n{tmux.screen()}")

    def tick_agree_then_type_password(agree: str, password: str) -> None:
        # Wait for each focus move (the ▸ beside the step number): keys typed ahead of a
        # focus change may land in the field that still has it.
        tmux.keys("Tab")
        tmux.wait_for(agree)
        tmux.keys("Space")
        tmux.wait_gone("「同意する」未チェック")
        tmux.keys("BTab")
        tmux.wait_for(password)
        tmux.type(DEMO_PASSWORD)

    # 一括インアクティベーション of two Apple MDM iPhones: a wrong password, then the right one.
    only(PLAIN_IPHONES[0])
    only(PLAIN_IPHONES[1])
    tmux.wait_for("選択 2 /")
    tmux.keys("m", "Enter")
    tmux.wait_for("▸手順6")  # the first step's field has the focus: 「有効にする」
    tab_to("▸手順8")  # through 手順7 (the schedule) to the password
    tmux.keys("Tab")
    tmux.wait_for("▸手順9")  # 同意する
    tmux.keys("Space")
    tmux.wait_gone("「同意する」未チェック")
    tmux.keys("BTab")
    tmux.wait_for("▸手順8")
    tmux.type("not-the-password")
    tmux.keys("Enter")
    tmux.wait_for("パスワードが正しくありません")
    tmux.type(DEMO_PASSWORD)
    tmux.keys("Enter")
    tmux.wait_for("インアクティベーション要求が登録されました")
    tmux.keys("Escape")
    screen = tmux.wait_gone("手順")
    assert "選択 0 /" in screen  # the devices acted on lost their check marks

    # 一括強制インアクティベーション of a device silent for weeks, then 端末一括削除 of it.
    only(SILENT_IPHONE)
    tmux.keys("m", "Down", "Enter")
    tmux.wait_for("▸手順6")  # 「有効」 (delete after), the first step's field
    tab_to("▸手順7")
    tick_agree_then_type_password("▸手順8", "▸手順7")
    tmux.keys("Enter")
    tmux.wait_for("強制インアクティベーションを実行しました")
    tmux.keys("Escape")
    assert "選択 0 /" in tmux.wait_gone("手順")
    tmux.keys("Space", "m", "Down", "Down", "Enter")
    tmux.wait_for("▸手順6")
    tick_agree_then_type_password("▸手順7", "▸手順6")
    tmux.keys("Enter")
    tmux.wait_for("端末を削除しました")
    tmux.keys("Escape")
    tmux.wait_gone("手順")
    tmux.wait_for("全 299 台")
    tmux.keys("Escape")  # clear the filter
    tmux.wait_gone("絞り込み:")

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
