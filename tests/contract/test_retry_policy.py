"""The retry policy as a value: backoff growth, jitter bounds, Retry-After parsing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mobitui.api.retry import RetryPolicy


def test_backoff_doubles_up_to_the_cap_without_jitter():
    policy = RetryPolicy(base_delay=0.5, max_delay=3.0, jitter=0.0)
    assert [policy.backoff(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_jitter_stays_within_its_fraction():
    low = RetryPolicy(base_delay=1.0, jitter=0.5, random=lambda: 0.0)
    high = RetryPolicy(base_delay=1.0, jitter=0.5, random=lambda: 0.999)
    assert low.backoff(2) == pytest.approx(1.0)
    assert 1.0 < high.backoff(2) < 2.0


def test_retry_after_seconds_capped_and_dates():
    policy = RetryPolicy(max_retry_after=60)
    assert policy.retry_after(None) is None
    assert policy.retry_after("3") == 3.0
    assert policy.retry_after("3600") == 60.0
    assert policy.retry_after("soon") is None
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert policy.retry_after("Wed, 01 Jan 2025 12:00:10 GMT", now=now) == 10.0
    assert policy.retry_after("Wed, 01 Jan 2025 11:00:00 GMT", now=now) == 0.0


@pytest.mark.parametrize("kwargs", [{"max_attempts": 0}, {"jitter": 1.5}, {"base_delay": -1.0}])
def test_invalid_policies_are_refused(kwargs):
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)
