"""Line breaking for Japanese (and English) text, to a width in terminal cells.

Rich wraps at spaces and, in CJK text, between any two characters: a line may start with 「。」,
and a term such as ``Device Owner`` or ``Apple MDM`` is split at its space. This module breaks
lines by the rules of Japanese typesetting instead, for the dialogs, the help, the F1 steps,
the checklist and the plain-text sheets:

* **kinsoku** (JIS X 4051's classes, the usual strong set): no line starts with closing
  brackets, full stops, commas, ``・：；！？``, the prolonged sound mark ``ー``, iteration marks
  or small kana (:data:`NO_START`); no line ends with an opening bracket (:data:`NO_END`);
  ``……`` and ``――`` are never split;
* **no break inside a Latin word**: a run of letters, digits and other narrow (one-cell)
  characters is one unit (``17.4``, ``mobiconnect.example``, ``⚠Android``);
* **terms with a space stay whole**: Japanese puts no spaces between its own words, so a space
  between two Latin words set in Japanese belongs to one term (``Device Owner``, ``Apple MDM``,
  ``Android 11``, ``Apple Business Manager``) and is broken only when the whole term does not
  fit on a line. Such a space has a Latin letter or digit on both sides (after ``:``, ``、``
  or ``)`` a space is an ordinary break: ``列: Serial`` is a label and its value, often the
  server's English), and its term, the run of at most four words so joined (the longest the
  project names is ``Inventit MobiConnect for Business``; a longer run is English prose),
  touches Japanese: a wide character right against it (``Device Owner端末``,
  ``「Apple MDM」``), or past spaces a Japanese letter (``または RFC 3339 の``). Every other
  space is an ordinary break: that is all of an English paragraph's, and so of one that quotes
  a Japanese label (``Press OK on 「一括無効化」 to send the request …``: its words are spaced
  from the brackets, and a bracket is no Japanese letter);
* **phrases**: between Japanese characters, lines break at the phrase boundaries of Google's
  BudouX (its Japanese model, pure Python); inside a phrase only when the phrase alone is wider
  than the line. A label quoted between spaces (``on 「一括無効化」 to``: English text naming a
  Japanese button) is one word, as a phrase is: broken inside only when it alone does not fit;
* a unit wider than the line is still broken (between characters, by kinsoku where it can),
  so no line is wider than the width: the one exception is a width of 1 and a two-cell
  character, which is put alone on its line.

Breaks are chosen greedily (each line as full as the best kind of break allows): a phrase or
space break if one fits, else a break inside a phrase, else a space inside a term, else
anywhere. At a break on spaces the spaces are dropped; nothing else is added or removed, and a
hard line break (``\\n``) is kept. With ``hang`` a continuation line is indented under the text
after a paragraph's leading marker (``※ ``, ``⚠``, ``12. ``, ``・``, ``☐``).

:func:`wrap` works on ``str``, :func:`wrap_text` on Rich ``Text`` (styles and spans kept), and
:class:`Wrapped` is a Rich renderable that wraps for the width it is given, so a Textual
``Static(Wrapped(text))`` or a Rich ``Table`` cell breaks by these rules at any size. The text
is never parsed as markup. Pure Python: no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from rich.cells import cell_len, get_character_cell_size
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

__all__ = [
    "NO_END",
    "NO_START",
    "Wrapped",
    "line_spans",
    "phrase_breaks",
    "wrap",
    "wrap_text",
]

#: 行頭禁則: never at the start of a line (JIS X 4051 classes 2–7 and small kana, plus their
#: ASCII forms).
NO_START = frozenset(
    # closing brackets (class 2)
    "）)]］｝}〕〉》」』】〙〗〟’”｠»›"
    # hyphens (class 3)
    "‐゠–〜～"
    # dividing punctuation (class 4)
    "！？!?‼⁇⁈⁉"
    # middle dots (class 5)
    "・：；:;"
    # full stops and commas (classes 6 and 7)
    "。．.、，,"
    # iteration marks, the prolonged sound mark, small kana (class 9)
    "ヽヾゝゞ々〻ーぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
    # postfixes (class 18)
    "%％‰℃°′″"
)
#: 行末禁則: never at the end of a line (opening brackets, class 1, and prefixes, class 19).
NO_END = frozenset("（([［｛{〔〈《「『【〘〖〝‘“｟«‹¥￥$＄£€＃#")
#: Never split between two of these (class 8: 分離禁止).
INSEPARABLE = frozenset("…‥—―")

# Kinds of break, best first. A line breaks at the last break of the best kind that fits.
_PHRASE = 0  # a phrase boundary, or a space not inside a term
_INSIDE_PHRASE = 1  # between two characters of a Japanese phrase (kinsoku allowing)
_IN_TERM = 2  # a space between two Latin words of a term set in Japanese
_NONE = 3  # no break here (only when nothing else fits: anywhere, by kinsoku if it can)

_SPACES = " \t"
#: The most words a term with spaces has (``Inventit MobiConnect for Business``).
_TERM_WORDS = 4
#: A Japanese label quoted in Latin text: brackets with a space (or the paragraph's edge) before
#: and after them (punctuation may follow), as in ``Press OK on 「一括無効化」 to send``.
_LABEL = re.compile(r"(?:^|(?<=[ \t]))(?:「[^「」]*」|『[^『』]*』)(?=[.,;:!?)]*(?:[ \t]|$))")
#: A paragraph's leading marker: continuation lines are hung under the text after it.
_MARKER = re.compile(r"[ \t]*(?:[※⚠・•*\-–▸]+[ \t]*|\d{1,3}[.)][ \t]+|[☐☑][ \t]*)?")


def _wide(ch: str) -> bool:
    return get_character_cell_size(ch) == 2


@lru_cache(maxsize=1)
def _parser() -> Any:
    """BudouX's Japanese parser, loaded on first use (about 50 ms; then cached)."""
    import budoux

    return budoux.load_default_japanese_parser()


@lru_cache(maxsize=4096)
def phrase_breaks(paragraph: str) -> frozenset[int]:
    """Offsets of BudouX's phrase boundaries in a paragraph (empty without Japanese)."""
    if not any(_wide(ch) for ch in paragraph):
        return frozenset()
    chunks: list[str] = _parser().parse(paragraph)
    if "".join(chunks) != paragraph:  # never expected; then no phrases rather than wrong ones
        return frozenset()
    out: set[int] = set()
    at = 0
    for chunk in chunks[:-1]:
        at += len(chunk)
        out.add(at)
    return frozenset(out)


def _latin(ch: str) -> bool:
    return ch.isalnum() and not _wide(ch)


def _japanese_letter(ch: str) -> bool:
    """A kana, kanji or other wide letter or digit (not a bracket nor a mark)."""
    return _wide(ch) and unicodedata.category(ch)[0] in "LN"


def _term_spaces(s: str) -> frozenset[int]:
    """Offsets of the words after each space that is inside a term (see the module's rules).

    A word is a run of narrow characters other than spaces; two are one term's when only
    spaces lie between them and a Latin letter or digit is on both sides of those spaces.
    """
    words: list[tuple[int, int]] = []
    n = len(s)
    i = 0
    while i < n:
        if s[i] in _SPACES or _wide(s[i]):
            i += 1
            continue
        start = i
        while i < n and s[i] not in _SPACES and not _wide(s[i]):
            i += 1
        words.append((start, i))
    terms: list[list[tuple[int, int]]] = []
    for word in words:
        if terms:
            last = terms[-1][-1]
            gap = s[last[1] : word[0]]
            if gap.strip(_SPACES) == "" and _latin(s[last[1] - 1]) and _latin(s[word[0]]):
                terms[-1].append(word)
                continue
        terms.append([word])
    out: set[int] = set()
    for term in terms:
        if 2 <= len(term) <= _TERM_WORDS and _touches_japanese(s, term[0][0], term[-1][1]):
            out.update(start for start, _ in term[1:])
    return frozenset(out)


def _touches_japanese(s: str, start: int, end: int) -> bool:
    """Whether ``s[start:end]`` has a wide character right against it, or a Japanese letter
    past the spaces on one side (a bracket past spaces is English quoting a label)."""
    before, after = start - 1, end
    if (before >= 0 and _wide(s[before])) or (after < len(s) and _wide(s[after])):
        return True
    while before >= 0 and s[before] in _SPACES:
        before -= 1
    while after < len(s) and s[after] in _SPACES:
        after += 1
    return (before >= 0 and _japanese_letter(s[before])) or (
        after < len(s) and _japanese_letter(s[after])
    )


@lru_cache(maxsize=4096)
def _breaks(paragraph: str, phrases: bool) -> tuple[tuple[int, int, int], ...]:
    """The break opportunities of a paragraph: (next line's start, this line's end, kind).

    A break before ``paragraph[i]``; at a run of spaces the line ends before the run and the
    next starts after it. Leading spaces (an indentation) are no break.
    """
    s = paragraph
    n = len(s)
    japanese = any(_wide(ch) for ch in s)
    phrase_at = phrase_breaks(s) if phrases and japanese else None
    in_term = _term_spaces(s) if japanese else frozenset()
    in_label = {i for m in _LABEL.finditer(s) for i in range(m.start() + 1, m.end())}
    out: list[tuple[int, int, int]] = []
    i = 1
    while i < n:
        a, b = s[i - 1], s[i]
        if b in _SPACES:
            i += 1
            continue
        if a in _SPACES:
            end = i - 1
            while end > 0 and s[end - 1] in _SPACES:
                end -= 1
            if end > 0:
                before = s[end - 1]
                if b in NO_START or before in NO_END:
                    kind = _NONE
                elif i in in_term:
                    kind = _IN_TERM
                else:
                    kind = _PHRASE
                out.append((i, end, kind))
            i += 1
            continue
        if get_character_cell_size(b) == 0:  # a combining mark stays with its letter
            i += 1
            continue
        if not _wide(a) and not _wide(b):
            kind = _NONE  # inside a Latin word
        elif b in NO_START or a in NO_END or (a in INSEPARABLE and b == a):
            kind = _NONE
        elif (phrase_at is None or i in phrase_at) and i not in in_label:
            kind = _PHRASE
        else:
            kind = _INSIDE_PHRASE
        if kind != _NONE:
            out.append((i, i, kind))
        i += 1
    return tuple(out)


def _hang_width(paragraph: str, width: int) -> int:
    match = _MARKER.match(paragraph)
    hang = cell_len(match.group()) if match else 0
    return hang if hang <= width // 2 else 0


def line_spans(
    paragraph: str, width: int, *, hang: int = 0, phrases: bool = True
) -> list[tuple[int, int]]:
    """Where one paragraph (no ``\\n``) breaks: (start, end) offsets of each line.

    ``hang``: cells taken by the indentation of every line after the first. ``phrases``:
    break Japanese at BudouX's phrases (else between any two characters, by kinsoku).
    """
    width = max(width, 1)
    s = paragraph
    n = len(s)
    cw = [0] * (n + 1)
    for i, ch in enumerate(s):
        cw[i + 1] = cw[i] + get_character_cell_size(ch)
    breaks = _breaks(s, phrases)
    spans: list[tuple[int, int]] = []
    p = 0
    k = 0  # the first break after p
    while True:
        avail = width if not spans else max(width - hang, 1)
        if cw[n] - cw[p] <= avail:
            spans.append((p, n))
            return spans
        trimmed = n
        while trimmed > p and s[trimmed - 1] in _SPACES:
            trimmed -= 1
        if cw[trimmed] - cw[p] <= avail:
            spans.append((p, trimmed))
            return spans
        while k < len(breaks) and breaks[k][0] <= p:
            k += 1
        best: list[tuple[int, int] | None] = [None, None, None]
        j = k
        while j < len(breaks):
            start, end, kind = breaks[j]
            if cw[end] - cw[p] > avail:
                break
            if end > p and kind != _NONE:
                best[kind] = (start, end)
            j += 1
        chosen: tuple[int, int] | None = None
        for kind in (_PHRASE, _INSIDE_PHRASE, _IN_TERM):
            for candidate in best[: kind + 1]:
                if candidate is not None and (chosen is None or candidate[0] > chosen[0]):
                    chosen = candidate
            if chosen is not None:
                break
        if chosen is None:
            chosen = _anywhere(s, cw, p, avail)
        spans.append((p, chosen[1]))
        p = chosen[0]
        if p >= n:
            return spans


def _anywhere(s: str, cw: list[int], p: int, avail: int) -> tuple[int, int]:
    """A break inside a unit wider than the line: as far as fits, by kinsoku if it can."""
    n = len(s)
    last = p + 1
    while last < n and cw[last + 1] - cw[p] <= avail:
        last += 1
    while last < n and get_character_cell_size(s[last]) == 0:
        last += 1  # not before a combining mark (may overflow only for a 1-cell line)
    if last >= n:
        return n, n
    cut = last
    for i in range(last, p, -1):
        if get_character_cell_size(s[i]) == 0:
            continue
        if s[i] not in NO_START and s[i - 1] not in NO_END:
            cut = i
            break
    end = cut
    while end > p + 1 and s[end - 1] in _SPACES:
        end -= 1
    start = cut
    while start < n and s[start] in _SPACES:
        start += 1
    return start, end


def _paragraphs(text: str) -> Iterator[tuple[int, str]]:
    at = 0
    for paragraph in text.split("\n"):
        yield at, paragraph
        at += len(paragraph) + 1


def _lines(text: str, width: int, hang: bool, phrases: bool) -> list[tuple[int, int, int]]:
    """(start, end, indent) of every line of ``text``, offsets into the whole text."""
    out: list[tuple[int, int, int]] = []
    for at, paragraph in _paragraphs(text):
        indent = _hang_width(paragraph, width) if hang else 0
        spans = line_spans(paragraph, width, hang=indent, phrases=phrases)
        for number, (start, end) in enumerate(spans):
            out.append((at + start, at + end, indent if number else 0))
    return out


def wrap(text: str, width: int, *, hang: bool = False, phrases: bool = True) -> list[str]:
    """``text`` as lines of at most ``width`` cells, broken by the rules above."""
    return [
        " " * indent + text[start:end] for start, end, indent in _lines(text, width, hang, phrases)
    ]


def wrap_text(text: Text, width: int, *, hang: bool = False, phrases: bool = True) -> list[Text]:
    """Rich ``Text`` as lines of at most ``width`` cells, each keeping its styles and spans."""
    lines: list[Text] = []
    for start, end, indent in _lines(text.plain, width, hang, phrases):
        line = text[start:end]
        if indent:
            line = Text(" " * indent, end="") + line
        lines.append(line)
    return lines


class Wrapped:
    """A Rich renderable: ``text`` broken by :func:`wrap_text` for the width it is given.

    ``Static(Wrapped(text))`` in Textual, or a cell of a Rich ``Table``; strings are plain text
    (never markup). ``hang`` hangs continuation lines under a leading marker.
    """

    def __init__(self, text: Text | str, *, hang: bool = True) -> None:
        self.text = text if isinstance(text, Text) else Text(text)
        self.hang = hang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = wrap_text(self.text, options.max_width, hang=self.hang)
        out = self.text.blank_copy()
        out.no_wrap = True
        out.overflow = "ignore"
        for number, line in enumerate(lines):
            if number:
                out.append("\n")
            out.append_text(line)
        yield out

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        plain = self.text.plain
        widest = max((cell_len(line) for line in plain.split("\n")), default=0)
        words = re.findall(r"[^\s\u3000-\u9fff\uff00-\uffef]+", plain)
        longest = max((cell_len(word) for word in words), default=0)
        return Measurement(min(max(longest, 2), widest), widest).clamp(max_width=options.max_width)

    def __str__(self) -> str:
        return self.text.plain
