"""Text for the screen: one sanitizer for every string from a server; our own texts in ja and en.

Our own texts (:class:`Localized`) come in both of the product's languages and are chosen at
the last moment, by whatever renders them: the domain cannot know the language (it imports no
catalogue), and one type with one method keeps a dozen ``x.ja if lang == "ja" else x.en``
from drifting apart.

Untrusted text is made visible. Textual passes raw escape bytes straight to the terminal,
even from ``Content`` and ``markup=False`` (checked on 8.2.8): a device named
``"\\x1b]0;pwned\\x07"`` would retitle the admin's terminal, and an OSC 52 sequence would
write their clipboard. So the API client runs every server string through :func:`visible`
once, where it enters, and nothing downstream has to remember to.

- C0 controls and DEL become their Unicode Control Pictures (``ESC`` → ``␛``, ``\\n`` → ``␊``).
- C1 controls and every other invisible format character (bidi embeddings, overrides and
  isolates, zero-width space, soft hyphen, tag characters …) become a visible ``⟪U+XXXX⟫``
  tag, so a name cannot reorder or hide what is shown beside it.
- Lone surrogates (a JSON ``"\ud800"``) become a tag too: they are not characters, and a
  terminal write, a CSV or a sheet holding one would fail to encode.
- Everything else (Japanese, emoji, combining marks, the zero-width joiner inside emoji) is left
  as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

#: The product's two languages.
Lang = Literal["ja", "en"]


@dataclass(frozen=True, slots=True)
class Localized:
    """One of our own texts, in Japanese and English."""

    ja: str
    en: str

    def pick(self, lang: Lang) -> str:
        """The text in ``lang``."""
        return self.ja if lang == "ja" else self.en


#: Every code point of Unicode 14 in categories Cc, Cf, Zl and Zp, except the zero-width
#: (non-)joiner that emoji and some scripts need. tests/unit/test_text.py checks this list
#: against ``unicodedata`` so it cannot drift silently.
HIDDEN_RANGES: tuple[tuple[int, int], ...] = (
    (0x0000, 0x001F),  # C0 controls
    (0x007F, 0x009F),  # DEL and C1 controls
    (0x00AD, 0x00AD),  # soft hyphen
    (0x0600, 0x0605),
    (0x061C, 0x061C),  # arabic letter mark
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),  # mongolian vowel separator
    (0x200B, 0x200B),  # zero width space
    (0x200E, 0x200F),  # LRM, RLM
    (0x2028, 0x202E),  # line/paragraph separators, bidi embeddings and overrides
    (0x2060, 0x2064),  # word joiner, invisible operators
    (0x2066, 0x206F),  # bidi isolates, deprecated format characters
    (0xD800, 0xDFFF),  # lone surrogates (JSON "\ud800"): not text; no encoder can write them
    (0xFEFF, 0xFEFF),  # zero width no-break space / BOM
    (0xFFF9, 0xFFFB),  # interlinear annotation
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x13438),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),  # language tag
    (0xE0020, 0xE007F),  # tag characters (invisible: can smuggle hidden text)
)


def _placeholder(code: int) -> str:
    if code < 0x20:
        return chr(0x2400 + code)  # Control Pictures: ESC → ␛, LF → ␊
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"⟪U+{code:04X}⟫"


_TABLE: dict[int, str] = {
    code: _placeholder(code) for low, high in HIDDEN_RANGES for code in range(low, high + 1)
}

_NEEDS = re.compile(
    "["
    + "".join(f"{re.escape(chr(low))}-{re.escape(chr(high))}" for low, high in HIDDEN_RANGES)
    + "]"
)


def visible(text: str) -> str:
    """Return ``text`` with every control, bidi and invisible character made visible."""
    if _NEEDS.search(text) is None:  # the common case: one C-level scan, no copy
        return text
    return text.translate(_TABLE)


def has_hidden(text: str) -> bool:
    """True when :func:`visible` would change ``text``."""
    return _NEEDS.search(text) is not None


def _utf8_checks() -> tuple[bytes, dict[int, re.Pattern[bytes] | None]]:
    """The bytes that may begin a hidden character in UTF-8, and what must follow each.

    Built from :data:`HIDDEN_RANGES` (lone surrogates in their ``surrogatepass`` form, which
    no UTF-8 decoder accepts anyway), so it cannot drift from :func:`visible`.
    """
    tails: dict[bytes, set[int]] = {}
    for low, high in HIDDEN_RANGES:
        for code in range(low, high + 1):
            encoded = chr(code).encode("utf-8", "surrogatepass")
            tails.setdefault(encoded[:-1], set()).add(encoded[-1])
    by_lead: dict[int, list[bytes]] = {}
    for lead, last in tails.items():
        if lead:
            klass = b"".join(re.escape(bytes([byte])) for byte in sorted(last))
            by_lead.setdefault(lead[0], []).append(re.escape(lead) + b"[" + klass + b"]")
    checks: dict[int, re.Pattern[bytes] | None] = dict.fromkeys(tails.get(b"", ()))
    for lead_byte, choices in by_lead.items():
        checks[lead_byte] = re.compile(b"|".join(choices))
    others = bytes(byte for byte in range(256) if byte not in checks)
    return others, checks


_NOT_LEADS, _UTF8_CHECKS = _utf8_checks()


def hidden_in_utf8(data: bytes) -> bool:
    """True when the UTF-8 ``data`` encodes a character :func:`visible` would change.

    Lets a decoder skip sanitizing a whole document that holds none, without decoding it: one
    pass of ``bytes.translate`` keeps the few bytes that may begin such a character (usually
    none), and a search for each of those that is present decides. Invalid UTF-8 may answer
    either way: no decoder accepts it.
    """
    leads = data.translate(None, _NOT_LEADS)
    if not leads:
        return False
    for lead in set(leads):
        check = _UTF8_CHECKS[lead]
        if check is None or check.search(data) is not None:
            return True
    return False


#: The most characters of one server string the client keeps for showing (names, user names,
#: models, OS versions, serials, phone numbers, request authors, problem details): longer ones
#: are cut where they enter the client, the last kept character replaced by :data:`ELLIPSIS`.
#: Ids (device, group, request and account ids, cursors, tokens) are never cut: they must stay
#: exact. 512 keeps any real name whole (databases commonly cap them at 255) while a 100 MB
#: name from a broken server costs a screen nothing: Rich measures every cell of a string it
#: draws, and one such name froze the TUI at 1.7 GB.
DISPLAY_MAX = 512
ELLIPSIS = "…"


def clip(text: str, limit: int = DISPLAY_MAX) -> str:
    """``text`` cut to at most ``limit`` characters, ending in ``…`` when it was cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 1] + ELLIPSIS
