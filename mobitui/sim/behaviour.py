"""How a simulated device reacts to an inactivation: its hidden behaviour and event timing.

The fleet generator and the simulation both need "when will this device next act?", so the
answer lives here once. A device only ever acts at its next check-in (every 5-60 simulated
minutes, phase-locked to its last check-in). An Apple MDM or client-app device goes inactive
there. A Hybrid MDM device receives the push there, and that check-in is an event of its own
(its ``last_seen_at`` moves): its user then needs extra time to pass through Safari, and going
inactive is a second event that much later (or never). So a device that got the push has
communicated since its request executed, and is never taken for a silent one. The timing is pure
arithmetic on stored columns: no randomness at run time, so the same fleet and the same clock
always produce the same history.
"""

from __future__ import annotations

import math
from enum import StrEnum

from mobitui.domain.models import Enrollment


class Behaviour(StrEnum):
    """Hidden per-device behaviour; never part of the API (only ``/sim/devices/{id}``)."""

    REGULAR = "regular"  # checks in every 5-60 minutes and acts on requests
    SLOW_USER = "slow_user"  # Hybrid MDM: the user finishes the on-device steps hours later
    NEVER_FINISHES = "never_finishes"  # Hybrid MDM: the user never does
    WIPED = "wiped"  # initialised: never communicates again
    APP_DELETED = "app_deleted"  # the client app was deleted: never communicates again
    AWAY_FOR_REPAIR = "away_for_repair"  # broken, away: never communicates again


#: A slow user needs at least this long (3 h) after the push; a regular one at most 30 min.
SLOW_USER_MIN_DELAY = 3 * 3600
REGULAR_MAX_DELAY = 1800

SILENT = frozenset({Behaviour.WIPED, Behaviour.APP_DELETED, Behaviour.AWAY_FOR_REPAIR})


def next_checkin(t: float, last_seen: float | None, checkin_seconds: int) -> float:
    """The first regular check-in strictly after ``t``."""
    period = max(1, checkin_seconds)
    if last_seen is None or last_seen > t:
        return t + period
    steps = math.floor((t - last_seen) / period) + 1
    return last_seen + steps * period


def completes(behaviour: str, enrollment: str, safari_restricted: bool) -> bool:
    """Whether a communicating device will finish an inactivation (else it stays pending)."""
    if behaviour in SILENT:
        return False
    if enrollment == Enrollment.HYBRID_MDM.value:
        return behaviour != Behaviour.NEVER_FINISHES and not safari_restricted
    return True


def event_time(
    t: float,
    *,
    behaviour: str,
    enrollment: str,
    safari_restricted: bool,
    last_seen: float | None,
    checkin_seconds: int,
    user_delay_seconds: int,
    checked_in: bool = False,
) -> float | None:
    """When a device that is ``inactivation_pending`` at ``t`` next acts; ``None``: never.

    Every device that communicates first acts at its next check-in after ``t``: an Apple MDM or
    client-app device goes inactive there; a Hybrid MDM device receives the push (the check-in
    is recorded) and, if its user will get through Safari, has a second event.

    ``checked_in``: the Hybrid MDM device has already received the push for its request (it
    checked in after the request executed). Its next event is then its user finishing,
    ``user_delay_seconds`` after ``t`` (the check-in, or a later change of behaviour); one whose
    user never gets there (``never_finishes``, Safari restricted) has none: it stays pending.
    """
    if behaviour in SILENT:
        return None
    if checked_in and enrollment == Enrollment.HYBRID_MDM.value:
        if not completes(behaviour, enrollment, safari_restricted):
            return None
        return t + max(0, user_delay_seconds)
    return next_checkin(t, last_seen, checkin_seconds)
