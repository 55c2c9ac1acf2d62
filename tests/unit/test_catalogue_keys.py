"""The catalogue's keys against the code: every key built from an enum value exists in both
languages, and no key is defined that nothing can ask for.

Most keys are written out (``t("checklist.title")``); some are built from a value
(``t(f"state.{device.state.value}")``), and a new member of the enum would then fail only at
the moment a screen shows it. The code is read (not run): every f-string that starts with a
catalogue prefix is a *family*, and each family found must be declared below, with the enum it
is built from, or as an open family whose values are strings written in the code (binding ids,
connection states, problem codes a server sends).
"""

from __future__ import annotations

import ast
import errno
import string
from collections.abc import Collection
from enum import StrEnum
from functools import cache
from pathlib import Path

import pytest

from mobitui.domain.models import (
    DeviceState,
    Enrollment,
    ItemProgress,
    Outcome,
    Platform,
    Reason,
    RequestStatus,
    Role,
)
from mobitui.domain.retirement import Agreement, Stage
from mobitui.domain.rules import ActionKind, DeviceWarning, OnDeviceWork
from mobitui.i18n import MESSAGES

PACKAGE = Path(__file__).resolve().parents[2] / "mobitui"
#: The catalogue's parts define the keys: a key written there is not a use of it.
CATALOGUE_PARTS = {p for p in (PACKAGE / "i18n").glob("*.py") if p.name != "__init__.py"}

Family = tuple[str, str]  # (prefix, suffix): f"{prefix}{value}{suffix}"


def _values(enum: type[StrEnum]) -> frozenset[str]:
    return frozenset(member.value for member in enum)


#: Families built from an enum: every member must have its key, in ja and en.
ENUM_FAMILIES: dict[Family, Collection[str]] = {
    ("state.", ""): _values(DeviceState),
    ("enrollment.", ""): _values(Enrollment),
    ("platform.", ""): _values(Platform),
    ("role.", ""): _values(Role),
    ("request.", ""): _values(RequestStatus),
    ("progress.", ""): _values(ItemProgress),
    ("outcome.", ""): _values(Outcome),
    ("reason.", ""): _values(Reason),
    ("work.", ""): _values(OnDeviceWork),
    ("warn.", ""): _values(DeviceWarning),
    ("warn.tag.", ""): _values(DeviceWarning),
    ("retirement.stage.", ""): _values(Stage),
    ("retirement.agreement.", ""): _values(Agreement),
    ("action.title.", ""): _values(ActionKind),
    ("action.done.", ""): _values(ActionKind),
    # A deletion's accepted plan says "plan.deleted": words.plan_outcome never builds this one
    # for DELETE.
    ("plan.accepted.", ""): frozenset(
        {ActionKind.INACTIVATE.value, ActionKind.FORCE_INACTIVATE.value}
    ),
}

#: Families built from strings the code writes out: a key is used when its value is one.
#: Their keys are optional (a binding without a ``key.`` label keeps its own, an unknown problem
#: code shows the server's words), so only the other direction is checked: no key whose value
#: the code never writes.
OPEN_FAMILIES: set[Family] = {
    ("key.", ""),  # Binding(..., id="checklist.tick") → "key.checklist.tick"
    ("conn.", ""),  # ConnectionState("syncing")
    ("col.", ""),  # the sort column's name
    ("profile.", ""),  # the profile form's fields
    ("profile.", ".hint"),
    ("error.code.", ""),  # a problem document's code ("protocol_error": the client's own)
    ("file.cannot.", ""),  # what was being done with a file: failure(path, "read", exc)
    ("file.reason.", ""),  # mobitui's own refusal: PrivateFileError.refused(path, "symlink")
    ("csv.problem.", ""),  # CsvProblem(message, "too_large", ...)
    ("serve.accounts.", ""),  # AccountsFileError(message, "empty", ...), _refused(w, "field.id")
}

#: Families built from values outside the package: optional keys (a system reason without
#: its sentence is said by its name), used when the value is one of these.
OUTSIDE_FAMILIES: dict[Family, Collection[str]] = {
    ("file.errno.", ""): frozenset(errno.errorcode.values()) | {"other"},
}

#: Where English says what Japanese leaves out: a parser's or the system's own English words
#: (shown in an English run, never in a Japanese one), by key.
ENGLISH_ONLY: dict[str, set[str]] = {
    "problem.line": {"detail"},
    "problem.not_ours": {"detail"},
    "serve.accounts.not_toml": {"detail"},
    "error.cause.ca_bundle.not_pem": {"text"},
    "csv.problem.syntax": {"detail"},
    "file.errno.other": {"text"},
    "toml.at": {"detail"},
    "toml.at_end": {"detail"},
}
#: ... and where Japanese says a sentence for what English leaves to those words.
JAPANESE_ONLY: dict[str, set[str]] = {
    "file.errno.other": {"name"},
    "toml.at": {"what"},
    "toml.at_end": {"what"},
}


@cache
def _code() -> tuple[frozenset[str], frozenset[Family]]:
    """Every string literal of the package outside the catalogue, and every key family."""
    literals: set[str] = set()
    families: set[Family] = set()
    for path in PACKAGE.rglob("*.py"):
        if path in CATALOGUE_PARTS:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr) and (family := _family(node)) is not None:
                families.add(family)
    return frozenset(literals), frozenset(families)


def _family(node: ast.JoinedStr) -> Family | None:
    """``f"prefix.{x}"`` or ``f"prefix.{x}suffix"`` when some catalogue key starts with
    ``prefix.``; None for any other f-string."""
    parts = node.values
    if len(parts) not in (2, 3) or not isinstance(parts[1], ast.FormattedValue):
        return None
    head = parts[0]
    if not (isinstance(head, ast.Constant) and isinstance(head.value, str)):
        return None
    prefix = head.value
    if not prefix.endswith(".") or not any(key.startswith(prefix) for key in MESSAGES):
        return None
    suffix = ""
    if len(parts) == 3:
        tail = parts[2]
        if not (isinstance(tail, ast.Constant) and isinstance(tail.value, str)):
            return None
        suffix = tail.value
    return prefix, suffix


def _value_in(key: str, family: Family) -> str | None:
    prefix, suffix = family
    if key.startswith(prefix) and key.endswith(suffix) and len(key) > len(prefix) + len(suffix):
        return key[len(prefix) : len(key) - len(suffix)]
    return None


def test_every_family_in_the_code_is_declared() -> None:
    """A new ``t(f"….{x}")`` must say here what ``x`` ranges over; a removed one, go."""
    _, found = _code()
    assert set(found) == set(ENUM_FAMILIES) | OPEN_FAMILIES | set(OUTSIDE_FAMILIES)


@pytest.mark.parametrize(
    ("family", "values"),
    [pytest.param(f, v, id=f"{f[0]}*{f[1]}") for f, v in ENUM_FAMILIES.items()],
)
def test_every_key_built_from_an_enum_exists_in_both_languages(
    family: Family, values: Collection[str]
) -> None:
    prefix, suffix = family
    missing = sorted(
        f"{prefix}{v}{suffix}" for v in values if f"{prefix}{v}{suffix}" not in MESSAGES
    )
    assert not missing
    for value in values:
        ja, en = MESSAGES[f"{prefix}{value}{suffix}"]
        assert ja.strip() and en.strip(), f"{prefix}{value}{suffix}"


def _used(key: str, literals: Collection[str]) -> bool:
    if key in literals:
        return True
    for family, values in ENUM_FAMILIES.items():
        if _value_in(key, family) in values:
            return True
    if any(_value_in(key, family) in values for family, values in OUTSIDE_FAMILIES.items()):
        return True
    return any(_value_in(key, family) in literals for family in OPEN_FAMILIES)


def test_no_key_is_unused() -> None:
    """A key is used when the code writes it out, or a family builds it from a value."""
    literals, _ = _code()
    assert sorted(key for key in MESSAGES if not _used(key, literals)) == []


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_both_languages_say_it_with_the_same_values(key: str) -> None:
    ja, en = MESSAGES[key]
    assert ja.strip() and en.strip()
    only_en, only_ja = ENGLISH_ONLY.get(key, set()), JAPANESE_ONLY.get(key, set())
    assert _placeholders(ja) - only_ja == _placeholders(en) - only_en
