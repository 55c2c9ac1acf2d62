"""The sanitizer: untrusted server text never reaches the terminal as control sequences."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mobitui.domain.text import HIDDEN_RANGES, has_hidden, visible

ALLOWED_FORMAT = frozenset({"\u200c", "\u200d"})  # ZWNJ, ZWJ: needed inside emoji and scripts

#: Every Cc/Cf character of this Python's Unicode database.
CONTROLS = tuple(chr(cp) for cp in range(0x110000) if unicodedata.category(chr(cp)) in ("Cc", "Cf"))


def hidden_left(text: str) -> set[str]:
    """Control or format characters (other than ZWJ/ZWNJ) still present in ``text``."""
    return {ch for ch in text if unicodedata.category(ch) in ("Cc", "Cf")} - ALLOWED_FORMAT


def test_hidden_ranges_are_exactly_the_invisible_characters() -> None:
    """text.HIDDEN_RANGES is hard-coded for start-up speed; it must match unicodedata."""
    expected = {
        cp
        for cp in range(0x110000)
        if unicodedata.category(chr(cp)) in ("Cc", "Cf", "Zl", "Zp", "Cs")
    } - {ord(ch) for ch in ALLOWED_FORMAT}
    listed = {cp for low, high in HIDDEN_RANGES for cp in range(low, high + 1)}
    assert listed == expected


# --------------------------------------------------------------------------- made visible


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        # OSC 0 (set the window title), BEL- and ST-terminated
        ("\x1b]0;pwned\x07", "␛]0;pwned␇"),
        # a lone surrogate from JSON: tagged, so the text can be encoded again
        ("x\ud800y", "x⟪U+D800⟫y"),
        ("\x1b]0;pwned\x1b\\", "␛]0;pwned␛\\"),
        # OSC 52: write the clipboard
        ("\x1b]52;c;cm0gLXJmIH4=\x07", "␛]52;c;cm0gLXJmIH4=␇"),
        # CSI: clear the screen, colours
        ("\x1b[2J\x1b[31mred\x1b[0m", "␛[2J␛[31mred␛[0m"),
        ("a\x1bb", "a␛b"),
        # other C0 and DEL
        ("\x00", "␀"),
        ("line1\nline2\r\n", "line1␊line2␍␊"),
        ("tab\there", "tab␉here"),
        ("\x08\x08\x08ok", "␈␈␈ok"),
        ("del\x7f", "del␡"),
        # C1: 8-bit CSI, OSC, NEL
        ("\x9b2J", "⟪U+009B⟫2J"),
        ("\x9d0;t\x9c", "⟪U+009D⟫0;t⟪U+009C⟫"),
        ("\x85", "⟪U+0085⟫"),
        # bidi overrides, embeddings, isolates, marks
        ("iPad\u202egpj.exe", "iPad⟪U+202E⟫gpj.exe"),
        ("\u202a\u202b\u202c\u202d", "⟪U+202A⟫⟪U+202B⟫⟪U+202C⟫⟪U+202D⟫"),
        ("\u2066x\u2067y\u2068z\u2069", "⟪U+2066⟫x⟪U+2067⟫y⟪U+2068⟫z⟪U+2069⟫"),
        ("\u200e\u200f\u061c", "⟪U+200E⟫⟪U+200F⟫⟪U+061C⟫"),
        # invisible characters
        ("ad\u200bmin", "ad⟪U+200B⟫min"),
        ("\ufeffname", "⟪U+FEFF⟫name"),
        ("a\u2060b", "a⟪U+2060⟫b"),
        ("a\u2028b\u2029c", "a⟪U+2028⟫b⟪U+2029⟫c"),
    ],
)
def test_made_visible(raw, shown):
    out = visible(raw)
    assert out == shown
    assert hidden_left(out) == set()
    assert "\x1b" not in out
    assert has_hidden(raw)
    assert not has_hidden(out)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "佐藤のiPhone",
        "営業部「本社」",
        "ｶﾀｶﾅ ﾊﾟﾋﾟﾌﾟ",
        "👨\u200d👩\u200d👧\u200d👦",  # family: ZWJ sequence
        "🏳\ufe0f\u200d🌈",  # rainbow flag: VS16 + ZWJ
        "🇯🇵",
        "❤\ufe0f",
        "e\u0301 a\u0308 が",  # combining marks
        "क्\u200dष",  # ZWJ in Devanagari
        "می\u200cخواهم",  # ZWNJ in Persian
        "[prod] iPad a[/x] [bold]",  # markup is not this function's business
        "plain ascii 0123 !@#$%^&*()",
    ],
)
def test_left_unchanged(text):
    assert visible(text) == text
    assert visible(text) is text  # the common case does not copy
    assert not has_hidden(text)


def test_every_c0_c1_and_del_is_replaced():
    for cp in (*range(0x20), 0x7F, *range(0x80, 0xA0)):
        out = visible(chr(cp))
        assert out != chr(cp)
        assert hidden_left(out) == set(), hex(cp)


def test_every_control_and_format_character_is_made_visible():
    gaps = [ch for ch in CONTROLS if ch not in ALLOWED_FORMAT and hidden_left(visible(ch))]
    assert [f"U+{ord(ch):04X}" for ch in gaps] == []


@pytest.mark.parametrize("raw", ["\x1b]0;x\x07", "⟪U+202E⟫", "␛[31m", "a\u202eb\x9b"])
def test_idempotent(raw):
    once = visible(raw)
    assert visible(once) == once


# --------------------------------------------------------------------------- properties

TEXT = st.text(alphabet=st.one_of(st.characters(), st.sampled_from(CONTROLS)))


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_property_output_has_no_control_or_format_character(text):
    assert hidden_left(visible(text)) == set()


@settings(max_examples=300, deadline=None)
@given(TEXT)
@example("\x1b]52;c;AAAA\x07\u202e\u200b")
@example("👨\u200d👩\u200d👧")
def test_property_nothing_hidden_and_nothing_lost(text):
    out = visible(text)
    assert hidden_left(out) == set()
    assert visible(out) == out  # idempotent
    assert has_hidden(text) == (out != text)
    # character by character: nothing dropped, reordered or merged
    assert out == "".join(visible(ch) for ch in text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp"))))
def test_property_ordinary_text_is_untouched(text):
    assert visible(text) == text
