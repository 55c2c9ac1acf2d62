"""The F1 view's renderer: one walked procedure as Rich text, in one language.

The procedure is walked once, in the domain (:func:`mobitui.domain.procedures.walk`); this,
the checklist's widgets (``tui/screens/checklist.py``) and the sheets (``present/sheets.py``)
only draw the :class:`~mobitui.domain.procedures.Section` it yields, so a step's number,
wording and notes are fixed in one place. The check boxes are shared with the checklist.
"""

from __future__ import annotations

from collections.abc import Set

from rich.text import Text

from mobitui.domain.procedures import Section
from mobitui.domain.text import Lang

TICKED = "☑"
OPEN = "☐"


def steps_text(section: Section, lang: Lang, *, highlight: Set[int] = frozenset()) -> Text:
    """The procedure as text: title, notes before step 1, then each step with its notes.

    ``highlight`` (step numbers) marks in bold the steps a dialog covers.
    """
    out = Text()
    out.append(section.title.pick(lang), style="bold")
    out.append("\n")
    for note in section.notes:
        out.append("※ ", style="bold")
        out.append(note.text.pick(lang))
        out.append("\n")
    for step in section.steps:
        style = "bold" if step.number in highlight else ""
        out.append(f"{step.number:>2}. ", style=style)
        out.append(step.text.pick(lang), style=style)
        out.append("\n")
        for note in step.notes:
            out.append("      ※ ", style="dim")
            out.append(note.text.pick(lang), style="dim")
            out.append("\n")
    out.rstrip()
    return out
