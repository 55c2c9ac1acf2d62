"""Make untrusted text visible: the one sanitizer for every string that comes from a server.

Textual passes raw escape bytes straight to the terminal, even from ``Content`` and
``markup=False`` (checked on 8.2.8): a device named ``"\\x1b]0;pwned\\x07"`` would retitle the
admin's terminal, and an OSC 52 sequence would write their clipboard. So the API client runs
every server string through :func:`visible` once, where it enters, and nothing downstream
has to remember to.

- C0 controls and DEL become their Unicode Control Pictures (``ESC`` → ``␛``, ``\\n`` → ``␤``).
- C1 controls, bidi embeddings/overrides/isolates, invisible separators and zero-width
  non-joining characters become a visible ``⟪U+XXXX⟫`` tag, so a name cannot reorder or hide
  what is shown beside it.
- Everything else (Japanese, emoji, combining marks, the zero-width joiner inside emoji) is left
  as it is.
"""

from __future__ import annotations

import re

_TABLE: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20)}
_TABLE[0x7F] = "\u2421"  # ␡
for _code in range(0x80, 0xA0):
    _TABLE[_code] = f"⟪U+{_code:04X}⟫"
for _code in (
    0x061C,  # arabic letter mark
    0x200B,  # zero width space
    0x200E,  # left-to-right mark
    0x200F,  # right-to-left mark
    *range(0x202A, 0x202F),  # embeddings and overrides
    0x2028,  # line separator
    0x2029,  # paragraph separator
    0x2060,  # word joiner
    *range(0x2066, 0x206A),  # isolates
    0xFEFF,  # zero width no-break space / BOM
    0xFFF9,
    0xFFFA,
    0xFFFB,  # interlinear annotation
):
    _TABLE[_code] = f"⟪U+{_code:04X}⟫"

_NEEDS = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_TABLE)) + "]")


def visible(text: str) -> str:
    """Return ``text`` with every control, bidi and invisible character made visible."""
    if _NEEDS.search(text) is None:  # the common case: one C-level scan, no copy
        return text
    return text.translate(_TABLE)


def has_hidden(text: str) -> bool:
    """True when :func:`visible` would change ``text``."""
    return _NEEDS.search(text) is not None
