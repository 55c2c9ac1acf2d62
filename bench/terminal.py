"""Figures on a real pseudo-terminal at 120×40: start-up, bytes per key, bytes while idle.

The program runs as a person runs it (``mobitui demo`` in a terminal); every byte it writes is
read from the pty master and fed to a terminal emulator (pyte), so "first frame" means the
emulated screen really shows the devices, and the byte counts are what would cross an SSH link.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pyte

from bench.report import Figure, Goal, median
from bench.servers import Templates

COLS, ROWS = 120, 40
ROOT = Path(__file__).resolve().parent.parent
DEMO = (sys.executable, "-m", "mobitui", "demo", "--fleet", "5000", "--lang", "en")
BARE = (sys.executable, "-m", "bench.bare")


class Terminal:
    """A program on a pty, with a screen that shows what it wrote."""

    def __init__(self, argv: tuple[str, ...], work: Path) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        env = os.environ | {"TERM": "xterm-256color", "COLORTERM": "truecolor", "LANG": "C.UTF-8"}
        env.pop("NO_COLOR", None)
        env.pop("TEXTUAL", None)
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=ROOT,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.total = 0

    def read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return b""
        try:
            data = os.read(self.master, 65536)
        except OSError:
            return b""
        self.total += len(data)
        self.stream.feed(data)
        return data

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, marker: str, limit: float = 120.0) -> float:
        """Seconds from start until the regular expression ``marker`` matches the screen."""
        deadline = time.monotonic() + limit
        pattern = re.compile(marker)
        while not pattern.search(self.text()):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise TimeoutError(f"{marker!r} never showed:\n{self.text()}")
            self.read(0.05)
        return time.perf_counter() - self.started

    def quiet(self, silence: float = 0.5, limit: float = 30.0) -> int:
        """Read until nothing came for ``silence`` seconds; the bytes read."""
        got = 0
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            data = self.read(silence)
            if not data:
                return got
            got += len(data)
        return got

    def count_for(self, seconds: float) -> int:
        end = time.monotonic() + seconds
        got = 0
        while (left := end - time.monotonic()) > 0:
            got += len(self.read(left))
        return got

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self, quit_key: bytes | None) -> None:
        if quit_key is not None and self.proc.poll() is None:
            self.send(quit_key)
            end = time.monotonic() + 10
            while self.proc.poll() is None and time.monotonic() < end:
                self.read(0.05)
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        os.close(self.master)


#: The grid shows devices and takes keys: the status line counts them (the first page of the
#: sync; the rest arrives while the admin already works).
DEMO_READY = r"\d+ checked / [1-9]\d* shown"
BARE_READY = "device-00000"
#: Everything loaded: for the figures that measure a settled screen.
DEMO_SETTLED = r"/ 5000 total"


def _start(argv: tuple[str, ...], marker: str, quit_key: bytes, work: Path) -> float:
    term = Terminal(argv, work)
    try:
        return term.wait_for(marker)
    finally:
        term.close(quit_key)


def startup(work: Path) -> Figure:
    ours, bare = [], []
    _start(DEMO, DEMO_READY, b"q", work)  # warm the file cache for both (byte-compiled imports)
    _start(BARE, BARE_READY, b"\x11", work)
    for _ in range(5):
        bare.append(_start(BARE, BARE_READY, b"\x11", work))
        ours.append(_start(DEMO, DEMO_READY, b"q", work))
    return Figure(
        "start to first interactive frame, mobitui demo, 5k devices",
        median(ours),
        median(bare),
        "s",
        Goal(ratio=1.3),
        "real pty; baseline: a bare Textual app with one DataTable, started the same way",
    )


# ---------------------------------------------------------------------------- bytes


def _per_key(argv: tuple[str, ...], marker: str, quit_key: bytes, key: bytes, work: Path) -> float:
    term = Terminal(argv, work)
    try:
        term.wait_for(marker)
        term.quiet(1.0)
        sizes = []
        for _ in range(15):
            term.send(key)
            sizes.append(term.quiet(0.3))
        return median(sizes)
    finally:
        term.close(quit_key)


def bytes_per_key(templates: Templates, work: Path) -> list[Figure]:
    figures = []
    for label, key in (("cursor move (↓)", b"\x1b[B"), ("PageDown", b"\x1b[6~")):
        ours = _per_key(DEMO, DEMO_SETTLED, b"q", key, work)
        bare = _per_key(BARE, BARE_READY, b"\x11", key, work)
        figures.append(
            Figure(
                f"bytes written per {label} at 120×40",
                ours,
                bare,
                "B",
                Goal(ratio=1.0),
                "median of 15; baseline: the bare DataTable app doing the same",
            )
        )
    return figures


def idle(templates: Templates, work: Path, seconds: float = 12.0) -> Figure:
    def measure(argv: tuple[str, ...], marker: str, quit_key: bytes) -> float:
        term = Terminal(argv, work)
        try:
            term.wait_for(marker)
            term.quiet(2.0)
            return term.count_for(seconds) / seconds
        finally:
            term.close(quit_key)

    ours = measure(DEMO, DEMO_SETTLED, b"q")
    bare = measure(BARE, BARE_READY, b"\x11")
    return Figure(
        "bytes written per second while idle",
        ours,
        bare,
        "B/s",
        Goal(at_most=0),
        f"{seconds:.0f} s, nothing changing on the server; baseline: the bare app with a Footer",
    )
