"""The preflight's summary in words: built once, shown by the dialogs and printed by the CLI.

What an action would do to the devices checked, before anything is sent: how many it acts on
and leaves alone, the jobs it cancels, the on-device work it leaves, and each documented
warning naming its devices. The dialog and ``mobitui inactivate …`` say the same sentences
because they take them from here; each only adds its own marks and styles. No Textual, no
Rich.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mobitui.domain.rules import ActionKind, DeviceWarning, Preflight
from mobitui.i18n import Catalogue
from mobitui.present.words import WARNING_ORDER, warning_sentence, work_summary


@dataclass(frozen=True, slots=True)
class Summary:
    #: The counts, then (not for a deletion) the jobs cancelled, then (for a normal
    #: inactivation) the on-device work.
    lines: tuple[str, ...]
    #: Said when no device would be acted on; ``None`` otherwise.
    nothing_to_do: str | None
    #: Each warning that applies, in :data:`~mobitui.present.words.WARNING_ORDER`, with its
    #: sentence naming the devices (server text, kept literal by the caller).
    warnings: tuple[tuple[DeviceWarning, str], ...]


def summary(t: Catalogue, preflight: Preflight, names: Mapping[str, str]) -> Summary:
    """The summary of ``preflight``; ``names`` are the devices' names by id."""
    kind = preflight.action.kind
    acted, left = len(preflight.acted_on), len(preflight.not_acted_on)
    lines = [t("action.summary", checked=len(preflight.plans), acted=acted, skipped=left)]
    if kind is not ActionKind.DELETE:
        lines.append(t("action.jobs", jobs=preflight.jobs_cancelled))
    if kind is ActionKind.INACTIVATE:
        lines.append(t("action.work", parts=work_summary(t, preflight)))
    warnings = []
    for warning in WARNING_ORDER:
        ids = preflight.devices_with(warning)
        if ids:
            warnings.append((warning, warning_sentence(t, warning, ids, names)))
    return Summary(
        lines=tuple(lines),
        nothing_to_do=None if acted else t("action.nothing_to_do"),
        warnings=tuple(warnings),
    )
