"""The problems of mobitui's own files, made by catalogue key (:class:`~mobitui.domain.said.Said`).

Each kind (a setting, a journal, a retirement record) is its own exception type so callers
can tell them apart; all are made here the same way, so any of them is said in the run's
language by :func:`mobitui.present.errors.problem_text`, and ``str()`` is its English.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Self, TypeVar

from mobitui.domain.said import Said


class LocalProblem(Said):
    """A problem of a local file or setting, said by its catalogue key."""

    @classmethod
    def said(cls, key: str, /, **values: object) -> Self:
        """The problem of catalogue message ``key`` (with its ``values``)."""
        from mobitui.i18n import Catalogue

        return cls(Catalogue("en")(key, **values), key=key, values=values)

    @classmethod
    def of(cls, failure: BaseException, where: str = "problem.file") -> Self:
        """``failure`` (a file that cannot be used), with ``where`` it was met."""
        return cls.said(where, problem=failure)


#: tomllib's messages (Python 3.11-3.13) that have a sentence of their own (``toml.*``); any
#: other is said by its place alone.
_TOML = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        (r"Expected '=' after a key", "toml.no_equals"),
        (r"Invalid statement", "toml.statement"),
        (r"Invalid value", "toml.value"),
        (r"Unterminated string", "toml.string"),
        (r"Cannot (?:declare|redefine|mutate|overwrite)", "toml.twice"),
        (r"Unclosed (?:array|inline table)", "toml.unclosed"),
        (r"Expected '\]\]?' at the end", "toml.bracket"),
        (r"Invalid initial character|Found invalid character|Illegal character", "toml.character"),
        (r"Invalid date or datetime", "toml.datetime"),
    )
)
P = TypeVar("P", bound=LocalProblem)
_TOML_PLACE = re.compile(r"\(at line (\d+), column (\d+)\)")


def toml_problem(kind: type[P], path: Path, error: tomllib.TOMLDecodeError) -> P:
    """A file that is not TOML, said by where (line and column) and, for tomllib's usual
    messages, what is wrong there; ``str()`` keeps tomllib's own English."""
    text = str(error)
    what = next((key for pattern, key in _TOML if pattern.search(text)), "toml.other")
    place = _TOML_PLACE.search(text)
    if place is None:
        return kind.said("toml.at_end", path=path, what=Said("", key=what), detail=text)
    line, column = place.groups()
    return kind.said(
        "toml.at", path=path, line=line, column=column, what=Said("", key=what), detail=text
    )
