"""A problem that knows which sentence of the catalogue says it.

A file, a setting or a CSV that cannot be used is told to a Japanese admin in Japanese and to
the log in English. The layer that finds the problem (the domain, the local files) knows
neither the language of the run nor, for the domain, the catalogue; so it names the sentence
(``key``) and its ``values``, and whoever shows the problem says it in the run's language
(:func:`mobitui.present.errors.problem_text`). A value may itself be a problem (a file that
could not be read, inside "the journal directory"): it is said in the same language.

``str()`` stays English, for logs and for the tests of the layers below the words.
"""

from __future__ import annotations

from collections.abc import Mapping


class Said(Exception):
    """A problem with its catalogue ``key`` and ``values``; ``str()`` is its English."""

    def __init__(
        self, message: str, *, key: str | None = None, values: Mapping[str, object] | None = None
    ) -> None:
        super().__init__(message)
        self.key = key
        self.values: dict[str, object] = dict(values or {})
