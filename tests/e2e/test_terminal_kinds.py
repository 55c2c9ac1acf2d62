"""Readable on any terminal an admin may SSH in from: NO_COLOR, a 16-colour xterm, the Linux
console. The real ``mobitui demo`` runs on a pty, its bytes are interpreted by pyte.

Colour may be missing or poor, so the grid must say each device's state with a glyph AND a word
(never colour alone), the help and the 「端末管理」 menu must open and close, and ``q`` must end
the process cleanly.

What the colour guarantees really are (measured with Textual 8.2.8 on these bytes, not assumed):

- ``NO_COLOR=1`` (TERM=xterm-256color, COLORTERM unset): Textual does not stop writing colour
  codes. It applies its ``Monochrome`` filter, which turns every colour into a grey, and Rich
  still writes those greys as 256-colour SGR (``38;5;253``, ``48;5;234``, ``48;5;16`` …). So
  "no ``38;5;`` at all" is NOT a guarantee; what is, and is asserted, is *no hue*: every colour
  written is a grey, and none is truecolour.
- ``TERM=xterm`` and ``TERM=linux`` (COLORTERM unset): Rich's colour detection picks its
  16-colour system, so no 256-colour and no truecolour sequence is written at all, only the
  basic SGR colours (30–37, 40–47, 90–97, 100–107).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.test_terminal_bytes import MOBITUI, Terminal

#: The state cell: glyph, one space, the state's word (the pending one is cut to the column).
STATE_CELL = re.compile(r"([●◐○]) (Inactivation pending|Inactivatio…|Inactive|Active)")
#: Any state word on screen, with the character two cells before it (where the glyph belongs).
STATE_WORD = re.compile(r"(.) (Inactivation pending|Inactivatio…|Inactive|Active)(?!\w)")
WORD_OF_GLYPH = {"●": "Active", "◐": "Inactivatio", "○": "Inactive"}

SGR = re.compile(rb"\x1b\[([0-9;:]*)m")
#: 256-colour palette entries that are grey: black/white/greys of the 16, the cube's diagonal
#: (r = g = b), and the grey ramp 232–255.
GREY_256 = frozenset({0, 7, 8, 15, 16, 59, 102, 145, 188, 231, *range(232, 256)})
#: Basic SGR colour parameters (foreground and background, normal and bright).
BASIC = frozenset({*range(30, 38), *range(40, 48), *range(90, 98), *range(100, 108)})
GREY_BASIC = frozenset({30, 37, 40, 47, 90, 97, 100, 107})

ARGV = [MOBITUI, "demo", "--fleet", "150", "--lang", "en"]
EXIT_WITHIN = 15.0  # seconds from q to the process gone


@dataclass(frozen=True, slots=True)
class Colour:
    """One colour set by an SGR sequence: ``basic`` (its parameter), ``256`` or ``rgb``."""

    kind: str
    value: tuple[int, ...]

    @property
    def grey(self) -> bool:
        if self.kind == "basic":
            return self.value[0] in GREY_BASIC
        if self.kind == "256":
            return self.value[0] in GREY_256
        red, green, blue = self.value
        return red == green == blue


def sgr_colours(raw: bytes) -> tuple[int, list[Colour]]:
    """(how many SGR sequences, every colour they set) in ``raw``; 38/48/58 with ``;5;n`` or
    ``;2;r;g;b`` (``:`` forms too) are read as one colour each."""
    sequences = SGR.findall(raw)
    found: list[Colour] = []
    for params in sequences:
        numbers = [int(p) if p else 0 for p in re.split(rb"[;:]", params)]
        i = 0
        while i < len(numbers):
            n = numbers[i]
            if n in (38, 48, 58) and i + 1 < len(numbers):
                if numbers[i + 1] == 5 and i + 2 < len(numbers):
                    found.append(Colour("256", (numbers[i + 2],)))
                    i += 3
                    continue
                if numbers[i + 1] == 2 and i + 4 < len(numbers):
                    found.append(Colour("rgb", tuple(numbers[i + 2 : i + 5])))
                    i += 5
                    continue
            if n in BASIC:
                found.append(Colour("basic", (n,)))
            i += 1
    return len(sequences), found


def assert_monochrome(raw: bytes) -> None:
    """NO_COLOR: colour codes may be written, but every one of them is a grey."""
    count, colours = sgr_colours(raw)
    assert count > 0, "no SGR sequence at all: the check below would prove nothing"
    hued = sorted({c for c in colours if not c.grey}, key=repr)
    assert not hued, f"colours with a hue under NO_COLOR: {hued[:10]}"
    assert b"38;2;" not in raw and b"48;2;" not in raw  # no truecolour (COLORTERM unset)


def assert_sixteen_colours(raw: bytes) -> None:
    """TERM=xterm / TERM=linux: only the basic colours, never 256-colour nor truecolour."""
    count, colours = sgr_colours(raw)
    assert count > 0, "no SGR sequence at all: the check below would prove nothing"
    extended = sorted({c for c in colours if c.kind != "basic"}, key=repr)
    assert not extended, f"256-colour or truecolour on a 16-colour terminal: {extended[:10]}"
    assert b"38;2;" not in raw and b"48;2;" not in raw


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    env: dict[str, str]
    check_bytes: Callable[[bytes], None]


KINDS = [
    Kind("no_color", {"TERM": "xterm-256color", "NO_COLOR": "1"}, assert_monochrome),
    Kind("xterm_16", {"TERM": "xterm"}, assert_sixteen_colours),
    Kind("linux_console", {"TERM": "linux"}, assert_sixteen_colours),
]


def environment(tmp_path: Path, kind: Kind) -> dict[str, str]:
    """A clean environment: nothing from the caller's terminal may change the colour system
    (COLORTERM, FORCE_COLOR, NO_COLOR, TEXTUAL_* are all absent unless the case sets them)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        "MOBITUI_STATE_DIR": str(tmp_path / "state"),
        "MOBITUI_CONFIG_DIR": str(tmp_path / "config"),
    }
    env.update(kind.env)
    return env


def wait_gone(term: Terminal, needle: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        term.pump(0.2)
        if needle not in term.text():
            return
    raise AssertionError(f"{needle!r} is still on screen:\n{term.text()}")


def wait_exit(term: Terminal, timeout: float) -> int:
    """The exit status, reading the pty meanwhile so the app never blocks on a full buffer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        term.pump(0.1)  # returns at once when the pty is closed
        code = term.proc.poll()
        if code is not None:
            return code
        time.sleep(0.02)
    raise AssertionError(f"still running {timeout}s after q:\n{term.text()}")


def check_states(screen_text: str) -> set[str]:
    """Every state word on screen has its glyph before it, and the glyph matches the word;
    returns the glyphs seen."""
    words = STATE_WORD.findall(screen_text)
    cells = STATE_CELL.findall(screen_text)
    assert words, screen_text
    assert len(cells) == len(words), f"a state shown without its glyph: {words}"
    for glyph, word in cells:
        assert word.startswith(WORD_OF_GLYPH[glyph]), (glyph, word)
    return {glyph for glyph, _ in cells}


def test_colour_checks_can_fail() -> None:
    """The byte checks themselves: they catch a hue, a 256-colour or a truecolour code."""
    grey = b"\x1b[38;5;253;48;5;234mx\x1b[0m\x1b[1;38;5;16;48;5;232my\x1b[97;40mz"
    assert_monochrome(grey)
    for hued in (b"\x1b[38;5;32mx", b"\x1b[1;48;5;214mx", b"\x1b[31mx", b"\x1b[38;2;10;20;30mx"):
        with pytest.raises(AssertionError):
            assert_monochrome(grey + hued)
    basic = b"\x1b[97;40mx\x1b[0m\x1b[1;91;100my\x1b[7;36;40mz"
    assert_sixteen_colours(basic)
    for extended in (b"\x1b[38;5;253mx", b"\x1b[48;5;16mx", b"\x1b[38;2;1;1;1mx"):
        with pytest.raises(AssertionError):
            assert_sixteen_colours(basic + extended)
    assert check_states("·  a  ● Active  b ○ Inactive") == {"●", "○"}
    with pytest.raises(AssertionError):
        check_states("·  a  ● Active  b   Inactive")  # a state by colour alone
    with pytest.raises(AssertionError):
        check_states("·  a  ○ Active")  # the wrong glyph


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_readable_and_usable_without_colour(tmp_path: Path, kind: Kind) -> None:
    term = Terminal(ARGV, environment(tmp_path, kind))
    try:
        term.wait_for("connected", timeout=30)
        term.wait_for("150 shown")
        shown = term.text()
        header = next(line for line in shown.splitlines() if " Name" in line)
        for word in ("Name", "OS", "State", "Enrollment", "User"):
            assert word in header, header
        assert re.search(r"\d+ checked / 150 shown / 150 total", shown), shown
        glyphs = check_states(shown)
        # Sort by state, descending, and go to the top: inactive (and any pending) devices
        # first, then the active ones: at least two states on one screen.
        term.send("ooo")
        term.send("O")
        term.send("\x1b[H")  # Home
        term.wait_for("State ▼")
        glyphs |= check_states(term.text())
        assert len(glyphs) >= 2, term.text()
        assert {"●", "○"} <= glyphs, term.text()

        term.send("?")
        term.wait_for("Keys")
        assert "check / uncheck the device under the cursor" in term.text()
        term.send("\x1b")
        wait_gone(term, "Keys")

        term.send("m")
        term.wait_for("Bulk inactivation")
        assert "Bulk forced inactivation" in term.text()
        term.send("\x1b")
        wait_gone(term, "Bulk inactivation")
        assert "150 shown" in term.text()  # back on the grid

        term.send("q")
        assert wait_exit(term, EXIT_WITHIN) == 0
    finally:
        term.close()
    kind.check_bytes(bytes(term.raw))
