"""argparse's ``--help``, laid out by terminal cells and by the rules of Japanese line breaking.

argparse wraps help and descriptions with ``textwrap`` and lays out the usage with ``len()``,
both counting characters. A Japanese character takes two cells, so a Japanese help line ran to
twice the width: the terminal cut it mid-word (「MOB」 / 「ITUI_LOG」) and the next line could
start with 「ー」 or 「、」. :class:`CellHelpFormatter` gives the help and descriptions to
:func:`mobitui.present.wrap.wrap` (cells, kinsoku, BudouX phrases, Latin terms kept whole), the
one line breaker of the TUI and the CLI, and has the usage measured in cells. The width is
still argparse's: the terminal's columns less two.

Only :mod:`mobitui.cli` uses it. The wrapper (Rich, BudouX) is imported when a help or a usage
is formatted, never when the parser is built: ``mobitui demo`` builds it on every start.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable, Iterable, Iterator

__all__ = ["CellHelpFormatter"]

#: Stand-ins for wide words in the usage: one private-use character per word, repeated once
#: per cell, so argparse's ``len()`` counts cells. No help text or option holds them.
_STAND_IN = 0xE000


class CellHelpFormatter(argparse.HelpFormatter):
    """argparse's default layout, with every width counted in terminal cells.

    Help and descriptions keep argparse's whitespace rule (runs of ASCII whitespace, newlines
    included, become one space; the ideographic space stays) and are then broken by
    :func:`~mobitui.present.wrap.wrap`. English help comes out as before, but for a hyphenated
    word (``--read-only``), which is no longer split after its hyphen, and a line holding a
    Japanese term, which is now measured right.
    """

    def _split_lines(self, text: str, width: int) -> list[str]:
        from mobitui.present.wrap import wrap

        text = self._whitespace_matcher.sub(" ", text).strip()
        return wrap(text, width) if text else []  # textwrap's answer for an empty help

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        from rich.cells import cell_len

        from mobitui.present.wrap import wrap

        text = self._whitespace_matcher.sub(" ", text).strip()
        if not text:
            return ""
        # textwrap.fill counts the indent in the width; so does this.
        lines = wrap(text, max(width - cell_len(indent), 1))
        return "\n".join(indent + line for line in lines)

    def start_section(self, heading: str | None) -> None:
        """A group's title (「端末の指定（組み合わせ可。それぞれ繰り返し指定できます）」) is
        broken too: argparse writes it whole, followed by its colon."""
        if heading:
            from mobitui.present.wrap import wrap

            indent = " " * self._current_indent  # the title's indent: its parent section's
            lines = wrap(heading, max(self._width - self._current_indent - 1, 1))  # 1: ":"
            heading = ("\n" + indent).join(lines)
        super().start_section(heading)

    def _format_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None,
    ) -> str:
        """argparse's usage, laid out with 「使い方: 」 (five characters, eight cells) and any
        Japanese metavar (「サブコマンド」) counted in cells: while argparse measures, each is
        replaced by one private-use character per cell, and put back after.

        Without this the continuation lines started three cells left of the first option and
        the first line could be wider than the terminal."""
        from rich.cells import cell_len

        if prefix is None:
            prefix = argparse._("usage: ")  # type: ignore[attr-defined]  # its gettext, as argparse
        words: dict[str, str] = {}

        def stand_in(word: str) -> str:
            if cell_len(word) == len(word):
                return word
            for mark, known in words.items():
                if known == word:
                    return mark
            mark = chr(_STAND_IN + len(words)) * cell_len(word)
            words[mark] = word
            return mark

        actions = list(actions)
        with _metavars_replaced(actions, stand_in):
            laid_out = super()._format_usage(usage, actions, groups, stand_in(prefix))
        for mark, word in words.items():
            laid_out = laid_out.replace(mark, word)
        return laid_out


@contextlib.contextmanager
def _metavars_replaced(
    actions: list[argparse.Action], replace: Callable[[str], str]
) -> Iterator[None]:
    """Every action's metavar (a string or a tuple of them) replaced while argparse formats,
    and restored after: the actions themselves, as the mutually exclusive groups know them."""
    saved = [(action, action.metavar) for action in actions]
    try:
        for action, metavar in saved:
            if isinstance(metavar, str):
                action.metavar = replace(metavar)
            elif isinstance(metavar, tuple):
                action.metavar = tuple(replace(part) for part in metavar)
        yield
    finally:
        for action, metavar in saved:
            action.metavar = metavar
