"""The one generic stepper: a documented procedure rendered from its data, in one language.

Every place that shows the help page's steps (the F1 view of a dialog, the on-device
checklists, the exported instruction sheets) renders ``mobitui.domain.procedures`` through
:func:`steps_text`, so a step's number and wording are fixed in one place. Only the notes that
apply to the given :class:`~mobitui.domain.procedures.NoteContext` are shown.
"""

from __future__ import annotations

from collections.abc import Set

from rich.text import Text

from mobitui.domain.procedures import GENERIC, NoteContext, ProcedureId, get, intro_for, steps_for
from mobitui.i18n import Lang

TICKED = "☑"
OPEN = "☐"


def steps_text(
    pid: ProcedureId,
    lang: Lang,
    ctx: NoteContext = GENERIC,
    *,
    ticked: Set[int] | None = None,
    current: int | None = None,
    highlight: Set[int] = frozenset(),
) -> Text:
    """The procedure as text: title, notes before step 1, then each step with its notes.

    ``ticked`` (a set of step numbers) adds a check box before each step; ``current`` and
    ``highlight`` mark steps in bold (the step being done, the steps a dialog covers).
    """
    procedure = get(pid)
    ja = lang == "ja"
    out = Text()
    out.append(procedure.title_ja if ja else procedure.title_en, style="bold")
    out.append("\n")
    for note in intro_for(pid, ctx):
        out.append("※ ", style="bold")
        out.append(note.ja if ja else note.en)
        out.append("\n")
    for step in steps_for(pid, ctx):
        box = ""
        if ticked is not None:
            box = f"{TICKED if step.number in ticked else OPEN} "
        style = (
            "bold reverse"
            if step.number == current
            else ("bold" if step.number in highlight else "")
        )
        out.append(f"{box}{step.number:>2}. ", style=style)
        out.append(step.ja if ja else step.en, style=style)
        out.append("\n")
        for note in step.notes:
            out.append("      ※ ", style="dim")
            out.append(note.ja if ja else note.en, style="dim")
            out.append("\n")
    out.rstrip()
    return out
