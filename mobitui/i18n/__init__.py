"""The message catalogue: every visible string, in Japanese and English, by stable key.

Japanese labels use the exact terms of the vendor's help page (shared/reference/procedure.md),
so an admin trained on the web console recognises every word. English is the fallback.
Language choice: ``--lang``, else the profile, else ``LANG`` (``ja_*`` → Japanese), else
English — see :func:`choose_lang`.

Step texts of the documented procedures are not here: they live with their step numbers in
``mobitui.domain.procedures``.
"""

from __future__ import annotations

from collections.abc import Mapping

from mobitui.domain.models import DeviceState, Enrollment, Platform
from mobitui.domain.text import Lang
from mobitui.i18n import (
    checklist,
    cli,
    detail,
    dialogs,
    errors,
    files,
    keys,
    login,
    main,
    palette,
    problems,
    requests,
    resume,
    retirement,
    settings,
    sheets,
    terms,
)


def _merge(*parts: Mapping[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """One catalogue from the per-screen parts; a key defined twice is a bug, found at import."""
    merged: dict[str, tuple[str, str]] = {}
    for part in parts:
        for key, pair in part.items():
            if key in merged:
                raise ValueError(f"message {key!r} defined twice")
            merged[key] = pair
    return merged


#: key → (ja, en), every visible string. Placeholders use str.format names.
MESSAGES: Mapping[str, tuple[str, str]] = _merge(
    terms.MESSAGES,
    main.MESSAGES,
    keys.MESSAGES,
    dialogs.MESSAGES,
    requests.MESSAGES,
    checklist.MESSAGES,
    sheets.MESSAGES,
    files.MESSAGES,
    resume.MESSAGES,
    errors.MESSAGES,
    login.MESSAGES,
    palette.MESSAGES,
    problems.MESSAGES,
    detail.MESSAGES,
    retirement.MESSAGES,
    settings.MESSAGES,
    cli.MESSAGES,
)


class Catalogue:
    """Messages in one language."""

    def __init__(self, lang: Lang) -> None:
        self.lang: Lang = lang
        self._index = 0 if lang == "ja" else 1

    def __call__(self, key: str, **values: object) -> str:
        pair = MESSAGES.get(key)
        if pair is None:
            raise KeyError(f"no message {key!r}")
        text = pair[self._index]
        return text.format(**values) if values else text

    def state(self, state: DeviceState) -> str:
        return self(f"state.{state.value}")

    def enrollment(self, enrollment: Enrollment) -> str:
        return self(f"enrollment.{enrollment.value}")

    def platform(self, platform: Platform) -> str:
        return self(f"platform.{platform.value}")


def choose_lang(cli: str | None, profile: str | None, environ: Mapping[str, str]) -> Lang:
    """``--lang``, else the profile's language, else the locale (``ja_*``), else English."""
    for choice in (cli, profile):
        if choice in ("ja", "en"):
            return choice  # type: ignore[return-value]
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(var)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"
