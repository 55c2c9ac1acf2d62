"""The documented step sequences A–E of device retirement: data, conditions and one walker.

The bulk inactivation, forced inactivation and deletion dialogs, the on-device checklists and the
exported instruction sheets all render *this* data, walked by one walker, so a label is fixed in
one place and the step numbers always match the vendor help page the admins know.

- :mod:`.data`: the steps, texts and notes of each procedure, in ja and en;
- :mod:`.conditions`: when a note applies to what is known about a device;
- :mod:`.walk`: the one walker, yielding each procedure as it applies to one context.

Pure Python: no I/O, no HTTP, no Textual, no catalogue (renderers pick the language).
"""

from __future__ import annotations

from mobitui.domain.procedures.conditions import (
    ALWAYS,
    GENERIC,
    Condition,
    Flag,
    NoteContext,
    OsRange,
)
from mobitui.domain.procedures.data import (
    NOTES,
    PROCEDURES,
    Note,
    NoteId,
    Procedure,
    ProcedureId,
    Step,
)
from mobitui.domain.procedures.walk import (
    Section,
    get,
    intro_for,
    procedures_for_work,
    steps_for,
    walk,
    walk_all,
)

__all__ = [
    "ALWAYS",
    "GENERIC",
    "NOTES",
    "PROCEDURES",
    "Condition",
    "Flag",
    "Note",
    "NoteContext",
    "NoteId",
    "OsRange",
    "Procedure",
    "ProcedureId",
    "Section",
    "Step",
    "get",
    "intro_for",
    "procedures_for_work",
    "steps_for",
    "walk",
    "walk_all",
]
