"""Strict request bodies: unknown fields, wrong types and malformed JSON are refused by name.

A hostile or buggy client must get a 422 naming the field, never a 500 and never a silent
default. JSON ``true`` is not a number, ``1`` is not a boolean, a lone surrogate is not text, and
an object naming a key twice is refused (422 ``duplicate_key``) rather than read one way.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mobitui.sim.problems import Problem

_MISSING = object()


def parse_json(body: bytes) -> Any:
    if not body:
        raise Problem("invalid_body", "the request body is empty; a JSON object is expected")
    try:
        text = body.decode("utf-8")
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Problem("invalid_body", f"the request body is not valid JSON: {exc}") from None


#: How much of a duplicated key a problem's detail repeats.
_KEY_SHOWN = 64


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Refuse an object that names a key twice, at any depth.

    RFC 8259 leaves duplicates to the parser; Python keeps the last, others the first. A gateway
    or audit hook in front of this server may read ``"agree": false, "agree": true`` as a
    refusal while the server would act on it, so the body means two things: refuse it. Keys are
    compared after unescaping, so ``"agree"`` and ``"\\u0061gree"`` are the same key.
    """
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                shown = _name(key[:_KEY_SHOWN]) + ("…" if len(key) > _KEY_SHOWN else "")
                raise Problem("duplicate_key", f"the request body names the key {shown!r} twice")
            seen.add(key)
    return out


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


@dataclass(frozen=True, slots=True)
class Field:
    check: Callable[[str, Any], Any]
    required: bool = True
    default: Any = None


def parse_object(data: Any, fields: Mapping[str, Field]) -> dict[str, Any]:
    """Validate ``data`` against ``fields``; returns the checked values (defaults filled in)."""
    if not isinstance(data, dict):
        raise Problem("invalid_body", "the request body must be a JSON object")
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise Problem("invalid_body", f"unknown field {_name(unknown[0])!r}")
    out: dict[str, Any] = {}
    for name, spec in fields.items():
        value = data.get(name, _MISSING)
        if value is _MISSING:
            if spec.required:
                raise Problem("invalid_body", f"missing field {name!r}")
            out[name] = spec.default
            continue
        out[name] = spec.check(name, value)
    return out


def _name(raw: str) -> str:
    return raw if _is_text(raw) else raw.encode("utf-8", "backslashreplace").decode("ascii")


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def boolean(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise Problem("invalid_body", f"field {name!r} must be a boolean")
    return value


def string(max_length: int, min_length: int = 0) -> Callable[[str, Any], str]:
    def check(name: str, value: Any) -> str:
        if not isinstance(value, str) or not _is_text(value):
            raise Problem("invalid_body", f"field {name!r} must be a string")
        if not min_length <= len(value) <= max_length:
            raise Problem(
                "invalid_body",
                f"field {name!r} must be {min_length} to {max_length} characters long",
            )
        return value

    return check


def number(minimum: float, maximum: float) -> Callable[[str, Any], float]:
    def check(name: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Problem("invalid_body", f"field {name!r} must be a number")
        try:
            as_float = float(value)
        except OverflowError:
            as_float = math.inf
        if not math.isfinite(as_float) or not minimum <= as_float <= maximum:
            raise Problem("invalid_body", f"field {name!r} must be between {minimum} and {maximum}")
        return as_float

    return check


def integer(minimum: int, maximum: int) -> Callable[[str, Any], int]:
    def check(name: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Problem("invalid_body", f"field {name!r} must be an integer")
        if not minimum <= value <= maximum:
            raise Problem("invalid_body", f"field {name!r} must be between {minimum} and {maximum}")
        return value

    return check


def one_of(values: tuple[str, ...]) -> Callable[[str, Any], str]:
    def check(name: str, value: Any) -> str:
        if not isinstance(value, str) or value not in values:
            raise Problem("invalid_body", f"field {name!r} must be one of {', '.join(values)}")
        return value

    return check


def optional_time(name: str, value: Any) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _is_text(value):
        raise Problem("invalid_body", f"field {name!r} must be an RFC 3339 time or null")
    return parse_rfc3339(name, value, "invalid_body")


def parse_rfc3339(name: str, raw: str, code: str) -> datetime:
    text = raw.strip()
    if len(text) < 20 or len(text) > 40 or text[10] not in "Tt ":
        raise Problem(code, f"field {name!r}: not an RFC 3339 time with offset: {raw!r}")
    text = text[:10] + "T" + text[11:]
    if text[-1] in "zZ":
        text = text[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(text)
        if value.tzinfo is None:
            raise ValueError("no offset")
        utc = value.astimezone(UTC)
        if utc.year > 9000:
            raise ValueError("year out of range")
    except (ValueError, OverflowError):
        raise Problem(code, f"field {name!r}: not an RFC 3339 time with offset: {raw!r}") from None
    return utc


def device_ids(max_bulk: int) -> Callable[[str, Any], list[str]]:
    """A non-empty list of id strings; duplicates collapse (first position wins)."""
    id_check = string(128, 1)

    def check(name: str, value: Any) -> list[str]:
        if not isinstance(value, list):
            raise Problem("invalid_body", f"field {name!r} must be a list of device ids")
        if not value:
            raise Problem("invalid_body", f"field {name!r} must not be empty")
        if len(value) > max_bulk:
            raise Problem(
                "too_many_devices",
                f"{len(value)} device ids given; at most {max_bulk} per call",
            )
        for item in value:
            id_check(name, item)
        return list(dict.fromkeys(value))

    return check
