"""Japanese line breaking (present/wrap.py): kinsoku, Latin terms, phrases, widths (issue 16)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Span, Text

from mobitui.i18n import Catalogue
from mobitui.present.wrap import NO_END, NO_START, Wrapped, line_spans, wrap, wrap_text

JA = Catalogue("ja")
OWNER = JA("warn.android_factory_reset")
SAFARI = JA("warn.safari_restricted")
DEP = JA("warn.dep_profile_removal_forbidden")
TERMS = ("Device Owner", "Hybrid MDM", "Apple MDM", "Android 11")


def _split_term(lines: list[str], term: str) -> bool:
    """Whether ``term`` (in the text) was cut between two lines."""
    for a, b in itertools.pairwise(lines):
        joined = a + " " + b.lstrip()
        glued = a + b.lstrip()
        for seam in (len(a),):
            for text in (joined, glued):
                at = text.find(term)
                while at != -1:
                    if at < seam < at + len(term):
                        return True
                    at = text.find(term, at + 1)
    return False


def _check(lines: list[str], width: int) -> None:
    for line in lines:
        assert cell_len(line) <= width, (line, width)
    for line in lines[1:]:
        assert line.lstrip()[:1] not in NO_START, lines
    for line in lines[:-1]:
        assert line.rstrip()[-1:] not in NO_END, lines


# --------------------------------------------------------------------------- the issue's cases


@pytest.mark.parametrize("width", range(14, 81))
@pytest.mark.parametrize("text", [OWNER, SAFARI, DEP, "⚠" + OWNER, "※" + SAFARI])
def test_the_warnings_never_start_a_line_with_punctuation_nor_split_a_term(
    text: str, width: int
) -> None:
    lines = wrap(text, width)
    _check(lines, width)
    for term in TERMS:
        assert not _split_term(lines, term), (term, lines)


def test_the_issue_lines_break_where_a_reader_expects() -> None:
    # Rich broke '⚠Android 11以降のDevice' / 'Owner端末です'.
    assert wrap("⚠" + OWNER, 30) == [
        "⚠Android 11以降の",
        "Device Owner端末です。",
        "インアクティベーションで端末が",
        "初期化され、データは",
        "消去されます",
    ]
    # Rich broke '※Hybrid' / 'MDMで…'.
    assert wrap("※" + SAFARI, 20)[:3] == ["※Hybrid MDMで", "Safariを", "制限しています。"]
    # F1 split 'Apple' / 'MDMプロファイル'.
    assert wrap("端末からApple MDMプロファイルを削除します", 16) == [
        "端末から",
        "Apple MDMプロ",
        "ファイルを",
        "削除します",
    ]


def test_no_line_starts_with_closing_punctuation_rich_would_put_there() -> None:
    text = "端末を初期化してください。データは消えます（復元できません）。"
    for width in range(6, 40):
        lines = wrap(text, width)
        _check(lines, width)
        assert "".join(lines) == text


def test_opening_brackets_stay_with_what_they_open() -> None:
    text = "設定アプリで「一般」→「VPNとデバイス管理」を開きます"
    for width in range(6, 40):
        lines = wrap(text, width)
        _check(lines, width)


def test_phrases_are_kept_when_they_fit() -> None:
    text = "管理されたSafariの拡張機能が残ります"
    assert wrap(text, 12) == ["管理された", "Safariの", "拡張機能が", "残ります"]
    # Without phrases, every place between Japanese letters that kinsoku allows is a break.
    assert wrap(text, 12, phrases=False) == ["管理された", "Safariの拡張", "機能が残りま", "す"]


def test_a_latin_word_is_never_split_when_it_fits() -> None:
    for width in range(23, 50):
        lines = wrap("iOS 17.4以降はmobiconnect.example.comの設定を確認", width)
        assert any("mobiconnect.example.com" in line for line in lines), lines
        assert "17.4" in lines[0], lines


def test_a_term_longer_than_the_line_breaks_at_its_spaces_first() -> None:
    assert wrap("Apple Business Managerで確認", 13) == ["Apple", "Business", "Managerで確認"]


def test_a_word_longer_than_the_width_is_still_broken() -> None:
    assert wrap("supercalifragilistic", 8) == ["supercal", "ifragili", "stic"]
    assert wrap("あいうえおかきくけこ", 5) == ["あい", "うえ", "おか", "きく", "けこ"]


def test_english_wraps_at_spaces() -> None:
    text = Catalogue("en")("warn.android_factory_reset")
    assert wrap(text, 30) == [
        "Android 11+ enrolled as Device",
        "Owner: inactivation",
        "factory-resets the device and",
        "erases its data",
    ]


def test_hard_line_breaks_and_indentation_are_kept() -> None:
    assert wrap("一行目\n\n  二行目", 40) == ["一行目", "", "  二行目"]


def test_hang_indents_continuation_lines_under_the_marker() -> None:
    lines = wrap("      ※ Hybrid MDMで管理された端末は、Safariの拡張機能が残ります", 30, hang=True)
    assert lines[0].startswith("      ※ Hybrid MDM")
    assert all(line.startswith(" " * 8) and line[8] != " " for line in lines[1:]), lines
    assert all(cell_len(line) <= 30 for line in lines)


def test_width_edges() -> None:
    assert wrap("", 10) == [""]
    assert wrap("あ", 1) == ["あ"]  # a two-cell character alone, the only overflow
    assert wrap("ab", 1) == ["a", "b"]
    assert wrap("端末。", 4) == ["端", "末。"]
    assert wrap("abc  ", 3) == ["abc"]


def test_rich_text_keeps_its_styles() -> None:
    text = Text()
    text.append("⚠", style="bold")
    text.append(OWNER, style="red")
    lines = wrap_text(text, 24)
    assert [line.plain for line in lines] == wrap(text.plain, 24)
    assert lines[0].spans[0] == Span(0, 1, "bold")
    assert lines[1].spans == [Span(0, len(lines[1]), "red")]
    assert all(span.style in ("bold", "red") for line in lines for span in line.spans)


def _render(renderable, width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None, legacy_windows=False)
    with console.capture() as captured:
        console.print(renderable)
    return [line.rstrip() for line in captured.get().rstrip("\n").split("\n")]


def test_the_renderable_wraps_for_the_width_it_is_given() -> None:
    assert _render(Wrapped("⚠" + OWNER), 30) == wrap("⚠" + OWNER, 30, hang=True)
    assert _render(Wrapped("⚠" + OWNER, hang=False), 30) == wrap("⚠" + OWNER, 30)
    markup = "[bold]x[/bold]は[link=https://evil.example]ここ[/link]"
    assert _render(Wrapped(markup), 80) == [markup]  # never markup


def test_the_renderable_in_a_table_cell() -> None:
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column()
    table.add_row("F1", Wrapped(JA("help.dialog_steps")))
    lines = _render(table, 40)
    assert all(cell_len(line) <= 40 for line in lines)
    body = [line[4:].strip() for line in lines]
    _check(body, 36)


# ------------------------------------------------------------------ which spaces are a term's

COLUMN = "使った列: Serial Number Column Name"
QUOTE = (
    "Press OK on 「一括無効化」 to send the request to every checked device, "
    "then wait for the change feed."
)


def _english(text: str, width: int) -> list[str]:
    """How an English paragraph wraps: greedily at its spaces (wide characters two cells)."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and cell_len(lines[-1]) + 1 + cell_len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def test_a_space_after_a_colon_is_a_break_not_a_space_inside_a_term() -> None:
    # The old rule took '列: Serial' for one term and broke between 使った and 列 instead.
    assert wrap(COLUMN, 14) == ["使った列:", "Serial Number", "Column Name"]
    for width in range(9, 35):  # wherever '使った列:' fits, the line goes on to it
        lines = wrap(COLUMN, width)
        assert lines[0].startswith("使った列:"), (width, lines)
        _check(lines, width)
    assert wrap("詳細: field 'id': expected a string", 20) == [
        "詳細: field 'id':",
        "expected a string",
    ]
    assert wrap("サーバー: https://mdm.example", 20) == ["サーバー:", "https://mdm.example"]
    assert wrap("端末（ID、 Serial）を確認", 10) == ["端末（ID、", "Serial）を", "確認"]


def test_terms_after_a_colon_or_beside_japanese_still_stay_whole() -> None:
    texts = [
        "注意: Device Owner端末は初期化されます",
        "方式: Apple MDMプロファイルを削除します",
        "⚠Android 11以降のDevice Owner端末です。",
        "日時は YYYY-MM-DD HH:MM の形式で入力します",
        "“構成プロファイル”の「Inventit MobiConnect for Business」をタップします。",
    ]
    terms = (*TERMS, "YYYY-MM-DD HH:MM", "Inventit MobiConnect for Business")
    for text in texts:
        for width in range(14, 60):
            lines = wrap(text, width)
            _check(lines, width)
            for term in terms:
                quoted = f"「{term}」" in text  # kinsoku keeps the brackets with it
                if cell_len(term) + (4 if quoted else 0) <= width:
                    assert not _split_term(lines, term), (term, width, lines)


def test_an_english_paragraph_quoting_japanese_wraps_as_english() -> None:
    # The old rule took every space of it for a term's (the paragraph holds Japanese), kept
    # 'to send the request to every checked' together and cut 「一括 / 無効化」 at 20 cells.
    assert wrap(QUOTE, 40) == [
        "Press OK on 「一括無効化」 to send the",
        "request to every checked device, then",
        "wait for the change feed.",
    ]
    assert wrap(QUOTE, 30) == [
        "Press OK on 「一括無効化」 to",
        "send the request to every",
        "checked device, then wait for",
        "the change feed.",
    ]
    for width in range(14, 100):  # the label alone fits from 14 cells
        lines = wrap(QUOTE, width)
        assert lines == _english(QUOTE, width), width
        assert any("「一括無効化」" in line for line in lines), lines
        _check(lines, width)
    said = "Under configuration profiles, tap 「Inventit MobiConnect for Business」."
    assert wrap(said, 40) == [
        "Under configuration profiles, tap",
        "「Inventit MobiConnect for Business」.",
    ]


_WORDS = st.sampled_from(
    [
        *("the", "device", "OK", "on", "to", "send", "request,", "every", "Apple", "MDM", "11"),
        *("「一括無効化」", "「同意する」", "「許可」.", "「端末管理」,", "「Resume」"),
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=30).map(" ".join), st.integers(14, 60))
def test_property_english_quoting_japanese_labels_wraps_as_english(text: str, width: int) -> None:
    assert wrap(text, width) == _english(text, width)


# --------------------------------------------------------------------------- properties

_ALPHABET = st.sampled_from(
    list("あいうえおかきくけこ端末設定一般。、」）「（ーッャ・！？")
    + list("ABCDEFGHabc0123456789 .-")
    + ["Device Owner", "Apple MDM", "Hybrid MDM", "\n", "…", "—"]
)
_TEXT = st.lists(_ALPHABET, max_size=60).map("".join)


def _rebuilds(text: str, lines: list[str]) -> bool:
    """``lines`` are ``text`` cut at break points, only spaces dropped at each."""
    at = 0
    for number, line in enumerate(lines):
        if not text.startswith(line, at):
            return False
        at += len(line)
        if number + 1 < len(lines):
            while at < len(text) and text[at] == " ":
                at += 1
            if at < len(text) and text[at] == "\n":
                at += 1
    return text[at:].strip(" ") == ""


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.integers(min_value=2, max_value=40), st.booleans())
def test_property_width_text_and_kinsoku(text: str, width: int, phrases: bool) -> None:
    lines = wrap(text, width, phrases=phrases)
    assert all(cell_len(line) <= width for line in lines), lines
    assert _rebuilds(text, lines), (text, lines)


_JA = list("あいうえおかきくけこ端末設定一般")
_CLOSE = list("。、」）ー・！？ッャ")
_OPEN = list("「（")
_TOKEN = st.one_of(
    st.sampled_from(_JA),
    st.tuples(st.sampled_from(_CLOSE), st.sampled_from(_JA)).map("".join),
    st.tuples(st.sampled_from(_OPEN), st.sampled_from(_JA)).map("".join),
    st.tuples(st.sampled_from([*TERMS, "iOS", "17.4"]), st.sampled_from(_JA)).map("".join),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_TOKEN, min_size=1, max_size=40).map("".join), st.integers(14, 60), st.booleans())
def test_property_kinsoku_and_terms_hold_whenever_they_can(
    text: str, width: int, phrases: bool
) -> None:
    """Wherever a break that keeps the rules exists (no more than one closing or opening in a
    row, terms narrower than the line), no line starts with closing punctuation, none ends
    with an opening bracket, and no term is split."""
    lines = wrap(text, width, phrases=phrases)
    assert "".join(lines) == text
    _check(lines, width)
    for term in TERMS:
        assert not _split_term(lines, term), (term, lines)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(list("あい端末設定。、」）ー")), min_size=1, max_size=40).map("".join)
)
def test_property_pure_japanese_never_starts_with_closing_at_a_fair_width(text: str) -> None:
    """With room for a character and two closings after it, no line starts with one."""
    lines = wrap(text, 12)
    assert "".join(lines) == text
    runs = max(len(r) for r in __import__("re").findall(r"[。、」）ー]*", text))
    if runs <= 3:
        for line in lines[1:]:
            assert line[:1] not in NO_START, lines


@settings(max_examples=200, deadline=None)
@given(_TEXT, st.integers(min_value=1, max_value=30))
def test_property_spans_cover_every_paragraph(text: str, width: int) -> None:
    for paragraph in text.split("\n"):
        spans = line_spans(paragraph, width)
        assert spans[0][0] == 0
        assert all(a <= b for a, b in spans)
        assert all(b1 <= a2 for (_, b1), (a2, _) in itertools.pairwise(spans))
        assert paragraph[spans[-1][1] :].strip(" ") == ""
