"""Query parameters and cursors, parsed strictly: a bad value is a 422 naming it, never a 500.

Cursors are opaque to clients (a kind letter and the last row number seen, in base 36), so the
server can keep ordering by an immutable number and paging stays stable while devices change
or disappear between pages. Every string of that shape is a valid position, so the OpenAPI
pattern describes exactly the cursors the server accepts.
"""

from __future__ import annotations

from starlette.datastructures import QueryParams

from mobitui.sim.problems import Problem

MAX_INT = 2**62


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
#: Base-36 digits in a cursor: 12 of them reach past any row number SQLite can hand out.
CURSOR_DIGITS = 12


def encode_cursor(kind: str, number: int) -> str:
    """``kind`` + the row number in base 36: ``d1z4``. Every such string is a valid position."""
    digits = ""
    while True:
        number, rest = divmod(number, 36)
        digits = _DIGITS[rest] + digits
        if number == 0:
            return kind + digits


def decode_cursor(raw: str | None, kind: str) -> int | None:
    if raw is None:
        return None
    body = raw[len(kind) :]
    if (
        not raw.startswith(kind)
        or not 1 <= len(body) <= CURSOR_DIGITS
        or any(c not in _DIGITS for c in body)
    ):
        raise Problem("invalid_query", "'cursor' is not a cursor this server issued")
    return int(body, 36)


def integer(params: QueryParams, name: str, default: int, minimum: int = 0) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    text = raw.strip()
    if not text.isascii() or not text.isdigit():
        raise Problem("invalid_query", f"{name!r} must be an integer >= {minimum}")
    value = MAX_INT if len(text) > 18 else int(text)
    if value < minimum:
        raise Problem("invalid_query", f"{name!r} must be an integer >= {minimum}")
    return value


def boolean(params: QueryParams, name: str, default: bool) -> bool:
    raw = params.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise Problem("invalid_query", f"{name!r} must be true or false")


def choices(params: QueryParams, name: str, allowed: tuple[str, ...]) -> list[str]:
    """A repeatable (or comma-separated) enum parameter."""
    values: list[str] = []
    for raw in params.getlist(name):
        for piece in raw.split(","):
            if piece not in allowed:
                raise Problem("invalid_query", f"{name!r} must be one of {', '.join(allowed)}")
            if piece not in values:
                values.append(piece)
    return values


#: C0 controls and DEL: no device field is searched for them, and SQLite reads a ``LIKE``
#: pattern only up to its first NUL, so ``q=%00`` became ``%`` and matched every device.
_CONTROLS = frozenset(chr(c) for c in (*range(0x20), 0x7F))


def text(params: QueryParams, name: str, max_length: int) -> str | None:
    """A free-text parameter; C0 controls and DEL are refused, naming the first one.

    Other characters (C1 controls and bidi marks included) are matched literally, as
    ``LIKE`` compares them correctly; only these few can change what the pattern means.
    """
    raw = params.get(name)
    if raw is None:
        return None
    if len(raw) > max_length:
        raise Problem("invalid_query", f"{name!r} must be at most {max_length} characters")
    bad = next((c for c in raw if c in _CONTROLS), None)
    if bad is not None:
        raise Problem(
            "invalid_query",
            f"{name!r} must not contain control characters (U+{ord(bad):04X} at position "
            f"{raw.index(bad)})",
        )
    return raw
