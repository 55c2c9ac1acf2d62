"""What reaches the terminal: a hostile device name is shown literally, and no escape sequence
from the data is ever written (read on a real pty, interpreted by pyte)."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pyte

from mobitui.sim.config import ServerConfig
from mobitui.sim.server import BackgroundServer

MOBITUI = str(Path(sys.executable).with_name("mobitui"))
TITLE = b"\x1b]0;pwned\x07"
CLIPBOARD = b"\x1b]52;c;cHduZWQ=\x07"
HOSTILE = "[bold red]x[/] [@click=app.quit]q" + TITLE.decode() + CLIPBOARD.decode() + "\x9b2J"


def _seeded_db(tmp_path: Path) -> tuple[Path, str]:
    """A demo database whose first device carries the hostile name."""
    db = tmp_path / "demo.sqlite3"
    with BackgroundServer(ServerConfig(db_path=db, fleet=200, seed=5)):
        pass  # creates and seeds the database
    with sqlite3.connect(db) as conn:
        (device_id,) = conn.execute("SELECT id FROM devices ORDER BY id LIMIT 1").fetchone()
        conn.execute(
            "UPDATE devices SET name = ?, user_name = ? WHERE id = ?",
            (HOSTILE, HOSTILE, device_id),
        )
    return db, device_id


class Terminal:
    """The app on a pty of 120×40; every byte it writes is kept and fed to pyte."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self.raw = bytearray()
        self.screen = pyte.Screen(120, 40)
        self.stream = pyte.ByteStream(self.screen)

    def pump(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                self.raw += chunk
                self.stream.feed(chunk)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, needle: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump(0.2)
            if needle in self.text():
                return
        raise AssertionError(f"{needle!r} never appeared:\n{self.text()}")

    def send(self, data: str, settle: float = 0.3) -> None:
        os.write(self.master, data.encode())
        self.pump(settle)

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(10)
        os.close(self.master)


def test_hostile_name_is_literal_and_no_escape_reaches_the_terminal(tmp_path: Path) -> None:
    db, _ = _seeded_db(tmp_path)
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "MOBITUI_STATE_DIR": str(tmp_path / "state"),
        "MOBITUI_CONFIG_DIR": str(tmp_path / "config"),
        "TZ": "UTC",
    }
    term = Terminal([MOBITUI, "demo", "--db", str(db), "--lang", "en"], env)
    try:
        term.wait_for("connected")
        term.send("/")
        term.send("bold red")
        term.wait_for("1 shown")
        term.send("\r")  # back to the grid
        term.send("\r")  # open the detail
        term.wait_for("[@click=app.quit]q")
        shown = term.text()
        assert "[bold red]x[/]" in shown  # markup shown literally
        assert "␛]0;pwned␇" in shown  # the escape made visible
        assert "␛]52;c;cHduZWQ=␇" in shown
        assert "⟪U+009B⟫2J" in shown
        term.send("\x1b")
        term.pump(1.0)
        term.send("q")
        term.pump(2.0)
    finally:
        term.close()
    raw = bytes(term.raw)
    assert TITLE not in raw and b"pwned\x07" not in raw
    assert b"\x1b]52" not in raw  # no clipboard write at all
    assert "\x9b" not in raw.decode("utf-8", "replace")  # no C1 CSI (as a character)
    # The only OSC sequences are Textual's own (22: mouse pointer shape). pyte reads OSC 22 as a
    # title change, so the title check is on the data: it never carries the device's payload.
    oscs = set(re.findall(rb"\x1b\](\d+);", raw))
    assert oscs <= {b"22"}, oscs
    assert "pwned" not in term.screen.title


def test_hostile_fleet_through_every_screen_reaches_the_terminal_only_as_text(
    tmp_path: Path,
) -> None:
    """``mobitui demo --hostile``: the grid, a detail, a bulk dialog, the requests screen, the
    checklist, help and a CSV export, with markup, escape sequences, controls, bidi, a
    10,000-character name: all literal on screen, nothing interpreted by the terminal."""
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "MOBITUI_STATE_DIR": str(tmp_path / "state"),
        "MOBITUI_CONFIG_DIR": str(tmp_path / "config"),
        "TZ": "UTC",
    }
    export = tmp_path / "grid.csv"
    term = Terminal([MOBITUI, "demo", "--fleet", "150", "--hostile", "--lang", "en"], env)
    try:
        term.wait_for("connected")
        term.wait_for("[bold red]x[/]")  # the grid, sorted by name: hostile ones on top
        assert "bidi ⟪U+202E⟫" in term.text()
        # The names carrying escape sequences sort last: filter to bring each on screen.
        for needle, shown in (
            ("pwned", "␛]0;pwned␇iPad"),
            ("cleared", "␛[31mRED␛[0m"),
            ("cHduZWQ", "␛]0;pwned␇iPad"),  # its user name holds OSC 52: see the detail
        ):
            term.send("/")
            term.send(needle)  # the filter selects its old text on focus: typing replaces it
            term.wait_for(f"filter: {needle}")
            term.wait_for("1 shown")
            term.send("\r")
            term.wait_for(shown)
        term.send("\r")  # the detail of the one shown (OSC 52 in its user name)
        term.wait_for("Device id")
        assert "␛]52;c;cHduZWQ=␇clipboard" in term.text()
        term.send("\x1b")
        term.pump(0.5)
        term.send("\x1b")  # clear the filter
        term.pump(0.5)
        term.send("\r")  # the detail of the first device
        term.wait_for("Device id")
        term.send("\x1b")
        term.pump(0.5)
        term.send(" j" * 12, settle=0.1)  # check the first twelve rows
        term.wait_for("12 checked")
        term.send("m")
        term.wait_for("Bulk forced inactivation")
        term.send("\r")  # bulk inactivation: the preflight names every device
        term.wait_for("▸Step 6")  # the focus starts at the first step's field
        term.send("\x1b")
        term.pump(0.5)
        term.send("i")
        term.wait_for("Inactivation requests")
        term.send("\x1b")
        term.pump(0.5)
        term.send("w")
        term.wait_for("On-device steps")
        term.send("\x1b")
        term.pump(0.5)
        term.send("?")
        term.wait_for("Keys")
        term.send("\x1b")
        term.pump(0.5)
        term.send("X")
        term.wait_for("Export the shown devices")
        term.send("\x15")  # Ctrl+U: clear the default path
        term.send(str(export) + "\r")
        term.wait_for("row(s) to")
        term.send("\x1b")
        term.pump(1.0)
        term.send("q")
        term.pump(2.0)
    finally:
        term.close()
    raw = bytes(term.raw)
    assert b"\x1b]0;pwned" not in raw  # the payload reached the terminal only as text
    assert b"\x1b]0;" not in raw and b"\x1b]2;" not in raw  # no title change at all
    assert b"\x1b]52" not in raw  # no clipboard write at all
    assert b"\x1b[2J\x1b[H cleared" not in raw and b"\x1bc reset" not in raw
    assert "\x9b" not in raw.decode("utf-8", "replace")
    assert "\u202e" not in raw.decode("utf-8", "replace")  # no bidi override reached it
    assert set(re.findall(rb"\x1b\](\d+);", raw)) <= {b"22"}
    assert "pwned" not in term.screen.title
    data = export.read_bytes().decode("utf-8-sig")
    assert "\x1b" not in data and "\x9b" not in data and "\u202e" not in data
    assert "␛]0;pwned␇" in data  # literal, visible
    assert "'=HYPERLINK" in data  # a formula kept as text for Excel
