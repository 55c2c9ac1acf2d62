"""``hidden_in_utf8``: the byte-level question the fast decoder asks before skipping sanitizing.

It must say True for every byte string holding a character :func:`visible` changes (a miss
would let an escape sequence reach the terminal) and, to keep the fast path fast, False for
everything else.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from mobitui.domain.text import HIDDEN_RANGES, has_hidden, hidden_in_utf8

HIDDEN = [cp for low, high in HIDDEN_RANGES for cp in range(low, high + 1)]


def utf8(text: str) -> bytes:
    """UTF-8, with lone surrogates as the three bytes a lenient encoder would write."""
    return text.encode("utf-8", "surrogatepass")


def test_every_hidden_character_is_found_alone_and_inside_text() -> None:
    missed = [
        f"U+{cp:04X}"
        for cp in HIDDEN
        if not (
            hidden_in_utf8(utf8(chr(cp)))
            and hidden_in_utf8(utf8(f"佐藤のiPhone{chr(cp)}※（本社）"))
            and hidden_in_utf8(utf8(f"{chr(cp)}abc"))
        )
    ]
    assert missed == []


def test_no_other_character_is_reported() -> None:
    hidden = set(HIDDEN)
    others = "".join(chr(cp) for cp in range(0x110000) if cp not in hidden)
    assert not hidden_in_utf8(others.encode())


def test_common_text_is_plain() -> None:
    for text in [
        "",
        "plain ascii",
        "佐藤 太郎",
        "営業部「本社」（東京）※",
        "ｶﾀｶﾅ",
        "👨\u200d👩\u200d👧",
        "é à ü ©",
    ]:
        assert not hidden_in_utf8(text.encode()), text


@settings(max_examples=500, deadline=None)
@given(
    st.text(
        alphabet=st.one_of(
            st.characters(exclude_categories=()),  # surrogates too
            st.sampled_from([chr(cp) for cp in HIDDEN]),
        )
    )
)
@example("\x1b]52;c;AAAA\x07")
@example("x\ud800y")
@example("\u202egnp.exe")
def test_property_agrees_with_the_sanitizer(text: str) -> None:
    assert hidden_in_utf8(utf8(text)) == has_hidden(text)
