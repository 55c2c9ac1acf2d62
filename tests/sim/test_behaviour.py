"""Event timing of the simulated devices: pure arithmetic, so the history is reproducible."""

from __future__ import annotations

from mobitui.sim.behaviour import completes, event_time, next_checkin


def test_next_checkin_is_phase_locked_to_the_last_one() -> None:
    assert next_checkin(1000.0, 100.0, 300) == 1300.0  # 100 + 4 × 300
    assert next_checkin(1000.0, None, 300) == 1300.0
    assert 1000.0 < next_checkin(1000.0, 999.0, 600) <= 1600.0


def test_who_completes() -> None:
    assert completes("regular", "apple_mdm", safari_restricted=True)
    assert completes("slow_user", "hybrid_mdm", safari_restricted=False)
    assert not completes("regular", "hybrid_mdm", safari_restricted=True)
    assert not completes("never_finishes", "hybrid_mdm", safari_restricted=False)
    for silent in ("wiped", "app_deleted", "away_for_repair"):
        assert not completes(silent, "client_app", safari_restricted=False)


def test_event_times() -> None:
    common = {"last_seen": 0.0, "checkin_seconds": 600, "user_delay_seconds": 900}
    apple = event_time(
        1000.0, behaviour="regular", enrollment="apple_mdm", safari_restricted=False, **common
    )
    hybrid = event_time(
        1000.0, behaviour="regular", enrollment="hybrid_mdm", safari_restricted=False, **common
    )
    stuck = event_time(
        1000.0, behaviour="regular", enrollment="hybrid_mdm", safari_restricted=True, **common
    )
    assert apple == 1200.0
    assert hybrid == 1200.0  # its check-in (the push) is an event of its own ...
    assert stuck == 1200.0  # ... for one whose user never gets through Safari, too
    # ... and once checked in, its user finishes user_delay_seconds later (or never).
    finished = event_time(
        1200.0,
        behaviour="regular",
        enrollment="hybrid_mdm",
        safari_restricted=False,
        checked_in=True,
        **common,
    )
    assert finished == 1200.0 + 900
    for never in ({"behaviour": "never_finishes"}, {"safari_restricted": True}):
        kwargs = {"behaviour": "slow_user", "safari_restricted": False, **never}
        assert (
            event_time(1200.0, enrollment="hybrid_mdm", checked_in=True, **kwargs, **common) is None
        )
    # An Apple MDM device has one event: its check-in, whatever it is told.
    assert (
        event_time(
            1000.0,
            behaviour="regular",
            enrollment="apple_mdm",
            safari_restricted=False,
            checked_in=True,
            **common,
        )
        == 1200.0
    )
    assert (
        event_time(
            1000.0, behaviour="wiped", enrollment="apple_mdm", safari_restricted=False, **common
        )
        is None
    )
