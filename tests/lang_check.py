"""Find English sentences in text that should be Japanese (the CLI's, the TUI's).

"An English sentence" here: two or more consecutive ASCII words of letters (``[A-Za-z]+``,
an apostrophe inside allowed: ``server's``), separated only by spaces or ``,;:`` and with no
Japanese between them, once what is not prose is taken out:

- ``--options`` and ``-h``, paths (``/sim/audit``, ``~/x``), URLs, ``$VARIABLES``,
  ``code spans`` in backquotes, ``{choices,in,braces}``, ``%(placeholders)s``;
- identifiers (anything holding ``_``, ``.``, ``=``, ``/`` or a digit: ``read_only``,
  ``device-1``, ``YYYY-MM-DD``) and ALL-CAPS words (``ID``, ``FILE``, ``METAVAR``);
- the vendor's terms that stay Latin in its Japanese UI (:data:`ALLOWED`), and words a caller
  allows (``allow``: a command's own name, a choice value).

One Latin word alone (``OK``, ``mobitui``, ``table``) is never a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Terms that stay Latin in mobiconnect's Japanese UI (and format names, product names).
ALLOWED_TERMS = (
    "Apple MDM",
    "Hybrid MDM",
    "Device Owner",
    "Profile Service",
    "DEP",
    "iOS",
    "iPadOS",
    "Android",
    "Windows",
    "macOS",
    "Safari",
    "OK",
    "CSV",
    "JSON",
    "Markdown",
    "ID",
    "URL",
    "TOML",
    "SQLite",
    "UTF-8",
    "BOM",
    "Shift_JIS",
    "Excel",
    "RFC",
    "MiB",
    "API",
    "TUI",
    "mobiconnect",
    "mobitui",
)

_NOT_PROSE = re.compile(
    r"`[^`]*`"  # code spans
    r"|https?://\S+"  # URLs
    r"|(?<![\w-])--?[A-Za-z][\w-]*"  # --options, -h
    r"|(?:~|\.{1,2})?/[\w./~*-]+"  # paths
    r"|\$\w+"  # $VARIABLES
    r"|\{[^}]*\}"  # {a,b} choices
    r"|%\(\w+\)[sdr]"  # argparse placeholders
    r"|\S*[\w][_.=/\d][\w.=/-]*"  # identifiers: read_only, a.b, device-1, 0600
)
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
#: A run of ASCII words with only spaces and light punctuation between them.
_RUN = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?(?:[ ,;:]+[A-Za-z]+(?:'[A-Za-z]+)?)+")


def data_words(texts: Iterable[object]) -> set[str]:
    """Every Latin word of the fleet's own data (device and group fields are the tenant's),
    and each part of it of three letters or more: a cell cut to its column, or a row cut by a
    dialog's edge. (Two-letter parts allowed "no", "on", "is" wherever a name began or ended
    with them: "Later on" passed, "Johnson" vouching for "on".)"""
    words: set[str] = set()
    for text in texts:
        if isinstance(text, str):
            for word in _WORD.findall(text):
                cut = range(3, len(word) + 1)
                words.update({word, *(word[:n] for n in cut), *(word[-n:] for n in cut)})
    return words


def english_sentences(text: str, allow: Iterable[str] = ()) -> list[str]:
    """Every English sentence in ``text`` (as defined above), in order."""
    allowed = {w.lower() for w in allow}
    for term in ALLOWED_TERMS:
        text = re.sub(rf"(?<![A-Za-z]){re.escape(term)}(?![A-Za-z])", "\x00", text)
    text = _NOT_PROSE.sub("\x00", text)
    found = []
    for run in _RUN.finditer(text):
        words = [
            w
            for w in _WORD.findall(run.group())
            if w.lower() not in allowed and not (w.isupper() and len(w) > 1)
        ]
        # An allowed term was taken out above, so it splits a run: "Apple MDM プロファイル".
        if len(words) >= 2:
            found.append(run.group())
    return found
