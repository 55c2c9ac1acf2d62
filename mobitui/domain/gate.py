"""Why OK cannot be pressed yet: one pure function of the facts a bulk dialog holds.

Beside the preflight because it is a rule of the action, not of a screen: nothing is sent
until every device to act on is known, every warning that can cost a factory reset is
acknowledged for exactly the devices it names, a large count is typed back, the schedule is
sendable, and the password and 「同意する」 are given. A screen gathers the facts, asks
:func:`blockers`, and shows what it says (in words of ``mobitui.present.words``); the same
answer can be tested without a screen.

Pure Python: no I/O, no Textual.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from mobitui.domain.rules import (
    Delete,
    DeviceWarning,
    ForceInactivate,
    Preflight,
    ScheduleProblem,
)


class Blocker(StrEnum):
    """One reason OK is disabled, in the order they are told."""

    READ_ONLY = "read_only"
    NO_DELETE_PERMISSION = "no_delete_permission"
    NO_DEVICES = "devices"
    SCHEDULE_UNREADABLE = ScheduleProblem.UNREADABLE.value
    SCHEDULE_WITHOUT_OFFSET = ScheduleProblem.WITHOUT_OFFSET.value
    SCHEDULE_IN_PAST = ScheduleProblem.IN_PAST.value
    ACKNOWLEDGE = "ack"
    COUNT = "count"
    PASSWORD = "password"
    AGREE = "agree"


@dataclass(frozen=True, slots=True)
class Facts:
    """What the admin has given so far, and what the action would do."""

    #: What the action would do; ``None`` when resuming an operation, whose devices, options
    #: and acknowledgements were settled when it was planned: only the password and
    #: 「同意する」 are asked again.
    preflight: Preflight | None
    password_given: bool
    agreed: bool
    #: Each acknowledged warning with the devices it was acknowledged for.
    acknowledged: Mapping[DeviceWarning, frozenset[str]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    #: The device count as typed (asked only above ``confirm_above`` devices).
    typed_count: str = ""
    confirm_above: int = 0
    schedule: ScheduleProblem | None = None
    read_only: bool = False
    #: The account's permission 端末管理 → 端末削除.
    can_delete: bool = True


def count_needed(preflight: Preflight, confirm_above: int) -> bool:
    """Above ``confirm_above`` devices the admin also types their number."""
    return len(preflight.acted_on) > confirm_above


def count_matches(typed: str, count: int) -> bool:
    """The typed count, digit group separators and spaces aside, is ``count``."""
    return typed.replace(",", "").replace(" ", "") == str(count)


def unacknowledged(
    preflight: Preflight, acknowledged: Mapping[DeviceWarning, frozenset[str]]
) -> list[DeviceWarning]:
    """The warnings still to acknowledge, each for exactly the devices it names now."""
    return [w for w, ids in preflight.to_acknowledge.items() if acknowledged.get(w) != ids]


def _deletes(preflight: Preflight) -> bool:
    action = preflight.action
    return isinstance(action, Delete) or (
        isinstance(action, ForceInactivate) and action.delete_after
    )


def blockers(facts: Facts) -> tuple[Blocker, ...]:
    """Every reason OK (or 「再開」) is disabled, in the order a dialog tells them; empty when
    it may be pressed."""
    found: list[Blocker] = []
    if facts.read_only:
        found.append(Blocker.READ_ONLY)
    pf = facts.preflight
    if pf is not None:
        if _deletes(pf) and not facts.can_delete:
            found.append(Blocker.NO_DELETE_PERMISSION)
        if not pf.acted_on:
            found.append(Blocker.NO_DEVICES)
        if facts.schedule is not None:
            found.append(Blocker(facts.schedule.value))
        if unacknowledged(pf, facts.acknowledged):
            found.append(Blocker.ACKNOWLEDGE)
        if count_needed(pf, facts.confirm_above) and not count_matches(
            facts.typed_count, len(pf.acted_on)
        ):
            found.append(Blocker.COUNT)
    if not facts.password_given:
        found.append(Blocker.PASSWORD)
    if not facts.agreed:
        found.append(Blocker.AGREE)
    return tuple(found)
