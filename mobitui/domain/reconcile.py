"""Reconcile a bulk answer with the device ids that were sent: never trust a 2xx.

A bulk call sends up to ``max_bulk_devices`` ids and the contract promises one outcome per id
in ``items``. A gateway in front of the tenant (and adapters have bugs) may answer 2xx with
none of them, half of them, one twice, or outcomes for ids this call never sent. Each shape
means something different, and the client acts on each differently:

- **missing** (an id sent, no outcome for it, or one the client cannot read): the server may
  or may not have acted on that device. The batch stays open and its devices are *unknown*;
  the known outcomes of the same answer are kept for showing. Resuming resends the batch with
  the SAME idempotency key and the SAME body (a different body under that key is
  ``idempotency_key_reused``), so the server answers its first outcome again and never acts a
  second time; until an answer covers every device, the admin sees those devices as unknown and
  can check their real state in the grid.
- **foreign** (an outcome for an id never sent) or **repeated** (two outcomes for one id): the
  answer is not about what was sent (a gateway mapping ids wrongly may have acted on other
  devices), so nothing in it is believed. It is a protocol error: the run stops before the next
  batch and the batch stays open.
- **misfit** (an outcome the action sent cannot have: ``accepted`` for a deletion, ``deleted``
  for an inactivation, a forced inactivation with ``delete_after`` whose accepted device was
  not deleted, a reason that belongs to another outcome; :func:`misfits`): the answer is not
  about the call that was sent (a gateway routing it to another endpoint, or mixing up
  answers), so it is a protocol error like a foreign id.

What no answer can show: a ``skipped`` / ``already_inactive`` for a device that was active
when it was sent fits the action (the device may have been inactivated by someone else a
moment before: a race), so it is believed; only reading the device again could tell a lie
from that race, and the grid shows its real state at the next refresh.

Pure Python, no I/O: the API client raises on a broken answer, and the operation's state (the
journal's fold) uses the same rule to say which batches are settled.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Sized
from dataclasses import dataclass

from mobitui.domain.models import ItemResult, Outcome, Reason
from mobitui.domain.rules import Action, ActionKind, ForceInactivate
from mobitui.domain.text import clip

#: How many ids an explanation names before it says "and N more", and how much of each.
NAMED = 5
NAMED_LENGTH = 64


@dataclass(frozen=True, slots=True)
class Reconciled:
    """What an answer's outcomes say about the ids sent, in the order they were sent."""

    #: Sent, and no outcome in the answer (or one the client could not read).
    missing: tuple[str, ...] = ()
    #: Outcomes for ids that were never sent, in the answer's order.
    foreign: tuple[str, ...] = ()
    #: Ids with more than one outcome, in the answer's order.
    repeated: tuple[str, ...] = ()
    #: Outcomes the action cannot have, with why (:func:`misfits`), in the answer's order.
    unfit: tuple[Misfit, ...] = ()

    @property
    def broken(self) -> bool:
        """The answer is not about what was sent: a protocol error, believe none of it."""
        return bool(self.foreign or self.repeated or self.unfit)

    @property
    def complete(self) -> bool:
        """Exactly one outcome for every id sent, and nothing else."""
        return not (self.missing or self.broken)

    def explain(self) -> str:
        """One sentence naming what is wrong (empty when nothing is)."""
        parts = []
        if self.foreign:
            parts.append(f"outcomes for {_count(self.foreign)} never sent ({named(self.foreign)})")
        if self.repeated:
            parts.append(f"more than one outcome for {_count(self.repeated)}")
            parts[-1] += f" ({named(self.repeated)})"
        if self.unfit:
            shown = "; ".join(
                f"{clip(m.device_id, NAMED_LENGTH)}: {m.why}" for m in self.unfit[:NAMED]
            )
            more = len(self.unfit) - NAMED
            parts.append(
                f"outcomes that do not fit the action for {_count(self.unfit)} ({shown}"
                + (f"; and {more} more)" if more > 0 else ")")
            )
        if self.missing:
            parts.append(f"no outcome for {_count(self.missing)} ({named(self.missing)})")
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class Misfit:
    """An item whose outcome (or flags) the action sent cannot have."""

    device_id: str
    why: str


#: The outcomes each action may answer, and the reasons each outcome may carry (none for the
#: outcomes that acted). The contract: inactivation and forced inactivation answer
#: ``accepted | skipped``, deletion ``deleted | refused``.
_FITS: Mapping[ActionKind, Mapping[Outcome, frozenset[Reason | None]]] = {
    ActionKind.INACTIVATE: {
        Outcome.ACCEPTED: frozenset({None}),
        Outcome.SKIPPED: frozenset(
            {
                None,
                Reason.ALREADY_INACTIVE,
                Reason.ALREADY_PENDING,
                Reason.ALREADY_SCHEDULED,
                Reason.NOT_FOUND,
            }
        ),
    },
    ActionKind.FORCE_INACTIVATE: {
        Outcome.ACCEPTED: frozenset({None}),
        # A pending device is what forced inactivation is for: never skipped as pending.
        Outcome.SKIPPED: frozenset({None, Reason.ALREADY_INACTIVE, Reason.NOT_FOUND}),
    },
    ActionKind.DELETE: {
        Outcome.DELETED: frozenset({None}),
        Outcome.REFUSED: frozenset({None, Reason.DEVICE_NOT_INACTIVE, Reason.NOT_FOUND}),
    },
}

_ACTION_NAMES = {
    ActionKind.INACTIVATE: "an inactivation",
    ActionKind.FORCE_INACTIVATE: "a forced inactivation",
    ActionKind.DELETE: "a deletion",
}


def misfit(action: Action, item: ItemResult) -> str | None:
    """Why ``item`` cannot be an answer to ``action`` (None when it fits).

    - the outcome must be one the action answers (see :data:`_FITS`), with a reason that
      belongs to it (a missing reason is tolerated: it hides nothing);
    - ``progress`` only for a device an inactivation accepted;
    - ``deleted`` never for an inactivation or a refused deletion; for a forced inactivation
      it must say what ``delete_after`` asked: with it, every device the server found
      (accepted, or skipped as already inactive) was deleted, and one it did not find was
      not; without it, none was.
    """
    kind = action.kind
    reasons = _FITS[kind].get(item.outcome)
    if reasons is None:
        return f"outcome {item.outcome.value!r} for {_ACTION_NAMES[kind]}"
    if item.reason not in reasons:
        assert item.reason is not None  # None fits every outcome that takes a reason
        return f"reason {item.reason.value!r} with outcome {item.outcome.value!r}"
    if item.progress is not None and not (
        kind is ActionKind.INACTIVATE and item.outcome is Outcome.ACCEPTED
    ):
        return f"progress {item.progress.value!r} with outcome {item.outcome.value!r}"
    if isinstance(action, ForceInactivate):
        wanted = action.delete_after and item.reason is not Reason.NOT_FOUND
        if item.deleted != wanted:
            said = "deleted" if item.deleted else "not deleted"
            asked = "with delete_after" if action.delete_after else "without delete_after"
            return f"{said}, {item.outcome.value}, {asked}"
    elif item.deleted and not (kind is ActionKind.DELETE and item.outcome is Outcome.DELETED):
        return f"deleted, with outcome {item.outcome.value!r} for {_ACTION_NAMES[kind]}"
    return None


def misfits(action: Action, items: Iterable[ItemResult]) -> tuple[Misfit, ...]:
    """Every item of an answer whose outcome ``action`` cannot have (:func:`misfit`)."""
    found: list[Misfit] = []
    for item in items:
        why = misfit(action, item)
        if why is not None:
            found.append(Misfit(item.device_id, why))
    return tuple(found)


def reconcile(
    sent: Sequence[str], answered: Iterable[str], unfit: Sequence[Misfit] = ()
) -> Reconciled:
    """Compare the ids of an answer's outcomes with the ids sent (duplicates in ``sent`` are
    impossible: batches are planned without them); ``unfit`` (:func:`misfits` of the same
    answer) makes it broken too."""
    expected = set(sent)
    seen: set[str] = set()
    foreign: list[str] = []
    repeated: list[str] = []
    for device_id in answered:
        if device_id not in expected:
            foreign.append(device_id)
        elif device_id in seen:
            if device_id not in repeated:
                repeated.append(device_id)
        else:
            seen.add(device_id)
    if len(seen) == len(expected) and not foreign and not repeated and not unfit:
        return _COMPLETE
    missing = tuple(i for i in sent if i not in seen) if len(seen) < len(expected) else ()
    return Reconciled(missing, tuple(dict.fromkeys(foreign)), tuple(repeated), tuple(unfit))


_COMPLETE = Reconciled()


def named(ids: Sequence[str], most: int = NAMED) -> str:
    """``d1, d2, d3`` or ``d1, d2, … and 7 more``: a message never lists a thousand ids (nor
    a whole id of a megabyte: ids are shown cut, though they are never cut anywhere else)."""
    shown = ", ".join(clip(i, NAMED_LENGTH) for i in ids[:most])
    return shown if len(ids) <= most else f"{shown} and {len(ids) - most} more"


def _count(ids: Sized) -> str:
    return f"{len(ids)} device" + ("" if len(ids) == 1 else "s")
