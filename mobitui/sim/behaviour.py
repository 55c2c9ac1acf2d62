"""How a simulated device reacts to an inactivation: its hidden behaviour and event timing.

The fleet generator and the simulation both need "when will this device next act?", so the
answer lives here once. A device only ever acts at its next check-in (every 5-60 simulated
minutes, phase-locked to its last check-in), and a Hybrid MDM user then needs extra time to pass
through Safari. The timing is pure arithmetic on stored columns: no randomness at run time, so
the same fleet and the same clock always produce the same history.
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
) -> float | None:
    """When a device made ``inactivation_pending`` at ``t`` next acts; ``None``: never.

    Apple MDM and client-app devices act at their next check-in. A Hybrid MDM device checks in
    (receives the push) and goes inactive when its user has passed through Safari, which takes
    ``user_delay_seconds``; one whose user never gets there still checks in once, so its
    ``last_seen_at`` moves, and then stays pending.
    """
    if behaviour in SILENT:
        return None
    at = next_checkin(t, last_seen, checkin_seconds)
    if enrollment == Enrollment.HYBRID_MDM.value and completes(
        behaviour, enrollment, safari_restricted
    ):
        at += max(0, user_delay_seconds)
    return at
