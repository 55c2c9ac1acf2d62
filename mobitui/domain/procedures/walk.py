"""Walking a procedure for one context: the steps and notes that apply, in order."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType

from mobitui.domain.procedures.conditions import GENERIC, NoteContext
from mobitui.domain.procedures.data import PROCEDURES, Note, Procedure, ProcedureId, Step
from mobitui.domain.rules import OnDeviceWork


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
