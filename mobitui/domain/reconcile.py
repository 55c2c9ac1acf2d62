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

Pure Python, no I/O: the API client raises on a broken answer, and the operation's state (the
journal's fold) uses the same rule to say which batches are settled.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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

    @property
    def broken(self) -> bool:
        """The answer is not about what was sent: a protocol error, believe none of it."""
        return bool(self.foreign or self.repeated)

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
        if self.missing:
            parts.append(f"no outcome for {_count(self.missing)} ({named(self.missing)})")
        return "; ".join(parts)


def reconcile(sent: Sequence[str], answered: Iterable[str]) -> Reconciled:
    """Compare the ids of an answer's outcomes with the ids sent (duplicates in ``sent`` are
    impossible: batches are planned without them)."""
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
    if len(seen) == len(expected) and not foreign and not repeated:
        return _COMPLETE
    missing = tuple(i for i in sent if i not in seen) if len(seen) < len(expected) else ()
    return Reconciled(missing, tuple(dict.fromkeys(foreign)), tuple(repeated))


_COMPLETE = Reconciled()


def named(ids: Sequence[str], most: int = NAMED) -> str:
    """``d1, d2, d3`` or ``d1, d2, … and 7 more``: a message never lists a thousand ids (nor
    a whole id of a megabyte: ids are shown cut, though they are never cut anywhere else)."""
    shown = ", ".join(clip(i, NAMED_LENGTH) for i in ids[:most])
    return shown if len(ids) <= most else f"{shown} and {len(ids) - most} more"


def _count(ids: Sequence[str]) -> str:
    return f"{len(ids)} device" + ("" if len(ids) == 1 else "s")
