"""Batch planning and the bulk runner, without a server: pure logic, injected senders."""

from __future__ import annotations

import asyncio
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mobitui.api.batches import Batch, plan_batches, run_batches
from mobitui.api.errors import (
    BulkIncomplete,
    Forbidden,
    InvalidPassword,
    ServerError,
    Unreachable,
    ValidationFailed,
)


def counter_keys():
    numbers = itertools.count(1)
    return lambda: f"key-{next(numbers)}"


def test_plan_splits_in_order_and_drops_duplicates():
    ids = ["d3", "d1", "d3", "d2", "d1", "d4", "d5"]
    batches = plan_batches(ids, 2, make_key=counter_keys())
    assert batches == [
        Batch("key-1", ("d3", "d1")),
        Batch("key-2", ("d2", "d4")),
        Batch("key-3", ("d5",)),
    ]


def test_plan_keys_are_unique_uuids():
    batches = plan_batches([f"d{i}" for i in range(10)], 3)
    keys = [b.key for b in batches]
    assert len(set(keys)) == 4
    assert all(len(k) == 36 for k in keys)


def test_plan_empty_and_bad_size():
    assert plan_batches([], 5) == []
    with pytest.raises(ValueError):
        plan_batches(["a"], 0)


def test_batch_round_trips_through_json_for_a_journal():
    batch = Batch("k", ("a", "b"))
    assert Batch.from_json(batch.to_json()) == batch
    with pytest.raises(ValueError):
        Batch.from_json({"key": "k", "device_ids": [1]})


@given(st.lists(st.text(min_size=1, max_size=3), max_size=60), st.integers(1, 7))
def test_plan_covers_every_device_once(ids, size):
    batches = plan_batches(ids, size)
    flat = [d for b in batches for d in b.device_ids]
    assert flat == list(dict.fromkeys(ids))
    assert all(1 <= len(b) <= size for b in batches)
    assert all(len(b) == size for b in batches[:-1])


async def test_run_returns_results_in_order_with_progress():
    batches = plan_batches([f"d{i}" for i in range(10)], 3, make_key=counter_keys())
    progress: list[tuple[int, int]] = []
    in_flight = peak = 0

    async def send(batch: Batch) -> str:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0)
        in_flight -= 1
        return batch.key

    results = await run_batches(
        batches, send, concurrency=2, on_progress=lambda d, t: progress.append((d, t))
    )
    assert results == ["key-1", "key-2", "key-3", "key-4"]
    assert progress[-1] == (10, 10)
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)
    assert len(progress) == 4
    assert peak <= 2


@pytest.mark.parametrize(
    "error",
    [
        InvalidPassword(status=403, code="invalid_password"),
        Forbidden(status=403, code="forbidden"),
        ValidationFailed(status=422, code="agreement_required"),
    ],
)
async def test_refusal_on_first_batch_stops_the_run(error):
    batches = plan_batches([f"d{i}" for i in range(10)], 3)
    sent: list[Batch] = []

    async def send(batch: Batch) -> None:
        sent.append(batch)
        raise error

    with pytest.raises(type(error)):
        await run_batches(batches, send)
    assert sent == batches[:1]


async def test_unknown_outcome_on_first_batch_is_incomplete_and_stops():
    batches = plan_batches([f"d{i}" for i in range(6)], 2)
    sent: list[Batch] = []

    async def send(batch: Batch) -> None:
        sent.append(batch)
        raise Unreachable("h", "the connection was lost", maybe_processed=True)

    with pytest.raises(BulkIncomplete) as info:
        await run_batches(batches, send)
    assert sent == batches[:1]
    assert [b for b, _ in info.value.failed] == batches[:1]
    assert info.value.unsent == batches[1:]
    assert "0 of 3 batches" in info.value.message


async def test_failure_later_stops_new_batches_and_reports_everything():
    batches = plan_batches([f"d{i}" for i in range(12)], 2, make_key=counter_keys())

    async def send(batch: Batch) -> str:
        if batch.key == "key-2":
            raise ServerError(status=500)
        return batch.key

    with pytest.raises(BulkIncomplete) as info:
        await run_batches(batches, send, concurrency=1)
    err = info.value
    assert [b.key for b, _ in err.done] == ["key-1"]
    assert [b.key for b, _ in err.failed] == ["key-2"]
    assert [b.key for b in err.unsent] == ["key-3", "key-4", "key-5", "key-6"]
    assert isinstance(err.cause, ServerError)


async def test_empty_run_and_bad_concurrency():
    async def send(batch: Batch) -> None:  # pragma: no cover - never called
        raise AssertionError

    assert await run_batches([], send) == []
    with pytest.raises(ValueError):
        await run_batches([Batch("k", ("a",))], send, concurrency=0)
