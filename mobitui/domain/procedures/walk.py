"""The one walker: a procedure as it applies to one context, ready for any renderer.

The F1 view of a dialog, the on-device checklist and the exported sheets each render the
:class:`Section` this module yields; none of them filters notes or orders procedures itself, so
they cannot disagree about what applies. A section holds localized texts, not strings: the
renderer picks the language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from mobitui.domain.procedures.conditions import GENERIC, NoteContext
from mobitui.domain.procedures.data import (
    NOTES,
    PROCEDURES,
    Note,
    NoteId,
    Procedure,
    ProcedureId,
    Step,
)
from mobitui.domain.rules import OnDeviceWork
from mobitui.domain.text import Localized


def get(pid: ProcedureId) -> Procedure:
    return PROCEDURES[pid]


def steps_for(pid: ProcedureId, ctx: NoteContext = GENERIC) -> tuple[Step, ...]:
    """The steps of ``pid``, each with only the notes that apply to ``ctx``."""
    return tuple(
        replace(step, notes=tuple(n for n in step.notes if n.when.applies(ctx)))
        for step in PROCEDURES[pid].steps
    )


def intro_for(pid: ProcedureId, ctx: NoteContext = GENERIC) -> tuple[Note, ...]:
    """The procedure's own notes (before step 1) that apply to ``ctx``."""
    return tuple(n for n in PROCEDURES[pid].notes if n.when.applies(ctx))


@dataclass(frozen=True, slots=True)
class Section:
    """One procedure walked for one context: what every renderer shows, in this order."""

    id: ProcedureId
    #: Its place among the procedures walked together, from 1 (「1. … 2. …」 on a sheet).
    position: int
    title: Localized
    #: The procedure's own notes (before step 1) that apply.
    notes: tuple[Note, ...]
    #: Each step with only the notes that apply; none when the procedure is :attr:`blocked`.
    steps: tuple[Step, ...]
    #: Why the device's user cannot do this procedure at all, in the documented words.
    blocked: Note | None = None


def walk(
    pid: ProcedureId,
    ctx: NoteContext = GENERIC,
    *,
    position: int = 1,
    blocked: NoteId | None = None,
) -> Section:
    """``pid`` as it applies to ``ctx``; ``blocked`` names the note saying it cannot be done."""
    return Section(
        pid,
        position,
        PROCEDURES[pid].title,
        intro_for(pid, ctx),
        () if blocked is not None else steps_for(pid, ctx),
        None if blocked is None else NOTES[blocked],
    )


def walk_all(
    pids: Iterable[ProcedureId],
    ctx: NoteContext = GENERIC,
    blocked: Mapping[ProcedureId, NoteId] = MappingProxyType({}),
) -> tuple[Section, ...]:
    """Each of ``pids`` in order, as it applies to ``ctx`` (see :func:`walk`)."""
    return tuple(
        walk(pid, ctx, position=index, blocked=blocked.get(pid))
        for index, pid in enumerate(pids, start=1)
    )


_WORK: Mapping[OnDeviceWork, tuple[ProcedureId, ...]] = MappingProxyType(
    {
        OnDeviceWork.NONE: (),
        OnDeviceWork.C: (ProcedureId.C,),
        OnDeviceWork.D: (ProcedureId.D,),
        OnDeviceWork.D_THEN_C: (ProcedureId.D, ProcedureId.C),
        OnDeviceWork.NOTHING_REACHES: (),
    }
)


def procedures_for_work(work: OnDeviceWork) -> tuple[ProcedureId, ...]:
    """The on-device procedures to hand to the device's user, in order."""
    return _WORK[work]
