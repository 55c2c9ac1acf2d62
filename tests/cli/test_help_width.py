"""``--help`` wraps by terminal cells and by the rules of Japanese line breaking.

argparse wraps with ``textwrap``, counting characters: a Japanese character takes two cells, so
a Japanese help line ran to twice the width, the terminal cut it mid-word and the next line
could start with 「。」「、」「）」. The help now goes through :func:`mobitui.present.wrap.wrap`
(cells, kinsoku, phrases). ``COLUMNS`` sets the width argparse reads
(``shutil.get_terminal_size``).
"""

from __future__ import annotations

import argparse
import re
import textwrap

import pytest
from rich.cells import cell_len

import mobitui.cli
from mobitui.present.wrap import NO_START
from tests.cli.test_japanese_cli import COMMANDS, run_main

#: The brief's two widths, and 50, where argparse began a line with 「ー」.
WIDTHS = (80, 60, 50)


def command_id(command: tuple[str, ...]) -> str:
    return " ".join(command) or "mobitui"


def usage_lines(out: str) -> list[str]:
    """The usage block: the lines before the first blank one."""
    return out.split("\n\n", 1)[0].splitlines()


def one_usage_part(line: str) -> bool:
    """A usage line holding a single part (``[--state {active,…}]``): argparse never breaks
    inside one, in English either, so such a part may be wider than the line."""
    depth = 0
    for ch in line.strip():
        depth += ch in "[({"
        depth -= ch in "])}"
        if ch == " " and depth == 0:
            return False
    return True


def invocation(line: str) -> bool:
    """An option's names alone on their line (``--status {scheduled,…,cancelled}``): argparse
    never breaks those either."""
    return line.startswith("  -") and line.isascii() and "  " not in line.strip()


def too_wide(out: str, width: int) -> list[str]:
    usage = set(usage_lines(out))
    return [
        line
        for line in out.splitlines()
        if cell_len(line) > width
        and not (line in usage and one_usage_part(line))
        and not invocation(line)
    ]


def bad_starts(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.strip() and line.lstrip()[0] in NO_START]


def help_of(capsys, monkeypatch, command: tuple[str, ...], lang: str, width: int) -> str:
    monkeypatch.setenv("COLUMNS", str(width))
    code, out, err = run_main(capsys, *command, "--help", "--lang", lang)
    assert code == 0, err
    return out


def test_the_checks_see_what_they_are_for() -> None:
    assert too_wide("usage: x\n\n" + "端" * 41, 80) == ["端" * 41]
    assert too_wide("usage: x\n\n" + "端" * 40, 80) == []
    assert too_wide("使い方: mobitui\n      [--state {a,b}]\n\nx", 16) == []
    assert too_wide("使い方: mobitui\n      [--a] [--b]\n\nx", 16) == ["      [--a] [--b]"]
    assert too_wide("x\n\n  --state {active,inactive}", 16) == []
    assert too_wide("x\n\n  --state S   この状態の端末だけ", 16) == [
        "  --state S   この状態の端末だけ"
    ]
    assert bad_starts("  --x  端末を削除します\n        。次に") == ["        。次に"]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("command", COMMANDS, ids=command_id)
def test_japanese_help_fits_the_terminal_in_cells(command, width, capsys, monkeypatch) -> None:
    out = help_of(capsys, monkeypatch, command, "ja", width)
    assert too_wide(out, width) == [], out


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("command", COMMANDS, ids=command_id)
def test_japanese_help_lines_never_start_with_closing_punctuation(
    command, width, capsys, monkeypatch
) -> None:
    out = help_of(capsys, monkeypatch, command, "ja", width)
    assert bad_starts(out) == [], out


def test_a_japanese_help_text_breaks_at_a_phrase_not_mid_word(capsys, monkeypatch) -> None:
    """「デバッグログ（…）を状態ディレクトリに書きます（MOBITUI_LOG=パス でも指定可）」: the
    Latin name stays whole (argparse cut it as 「MOB」 / 「ITUI_LOG」)."""
    out = help_of(capsys, monkeypatch, ("devices",), "ja", 80)
    assert "MOBITUI_LOG=パス" in out, out


@pytest.mark.parametrize("width", WIDTHS)
def test_the_japanese_usage_lines_up_under_the_first_option(width, capsys, monkeypatch) -> None:
    """「使い方: 」 is five characters but eight cells: the continuation lines are indented to
    the cell where the first option starts, not three cells to its left."""
    out = help_of(capsys, monkeypatch, ("inactivate",), "ja", width)
    first, second, *_ = usage_lines(out)
    start = cell_len(first[: first.index("[")])
    assert cell_len(second) - cell_len(second.lstrip()) == start, out


class ArgparseKeepingHyphens(argparse.HelpFormatter):
    """argparse's own layout (``textwrap``), but never breaking after a word's hyphen
    (``read-`` / ``only``): wrap keeps ``--read-only`` whole."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        text = self._whitespace_matcher.sub(" ", text).strip()
        return textwrap.wrap(text, width, break_on_hyphens=False)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        text = self._whitespace_matcher.sub(" ", text).strip()
        return textwrap.fill(
            text, width, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
        )


def test_a_japanese_metavar_in_the_usage_is_counted_in_cells(capsys, monkeypatch) -> None:
    """「使い方: mobitui checklist [-h] サブコマンド ...」 is 47 cells, 38 characters: at 46
    columns argparse kept it on one line. Shown whole afterwards, the metavar is itself again
    (no stand-in character left behind)."""
    out = help_of(capsys, monkeypatch, ("checklist",), "ja", 46)
    assert [cell_len(line) <= 46 for line in usage_lines(out)] == [True, True], out
    assert out.count("サブコマンド") == 2 and re.search("[\ue000-\uf8ff]", out) is None, out
    assert help_of(capsys, monkeypatch, ("checklist",), "ja", 46) == out


@pytest.mark.parametrize("command", COMMANDS, ids=command_id)
def test_english_help_is_argparse_s_own_layout(command, capsys, monkeypatch) -> None:
    """English help comes out as argparse laid it out, line for line; only a help holding
    Japanese (「予約日時を設定する」), which argparse measured wrong, is laid out anew, with
    the same words, within the width."""
    out = help_of(capsys, monkeypatch, command, "en", 80)
    monkeypatch.setattr(mobitui.cli, "CellHelpFormatter", ArgparseKeepingHyphens)
    argparse_out = help_of(capsys, monkeypatch, command, "en", 80)
    assert too_wide(out, 80) == [], out
    if all(cell_len(line) == len(line) for line in argparse_out.splitlines()):
        assert out == argparse_out
    else:
        assert out.split() == argparse_out.split()
