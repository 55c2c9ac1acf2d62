"""Split a bulk action into batches, each with its own idempotency key, and run them.

Planning is separate from sending so a local journal can write every batch and its key to disk
BEFORE the first request leaves; after a crash or a lost answer it resends the same batch with
the SAME key, and the server answers the first outcome instead of acting twice.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from mobitui.api.errors import ApiError, BulkIncomplete
from mobitui.domain.operation import Batch

R = TypeVar("R")
Progress = Callable[[int, int], None]


def new_key() -> str:
    return str(uuid.uuid4())


def plan_batches(
    device_ids: Iterable[str], size: int, *, make_key: Callable[[], str] = new_key
) -> list[Batch]:
    """Split ``device_ids`` into batches of at most ``size``, first occurrence order kept.

    Duplicates are dropped (a device must be acted on once); keys come from ``make_key`` so a
    test can make the plan fully deterministic.
    """
    if size < 1:
        raise ValueError("batch size must be at least 1")
    unique = list(dict.fromkeys(device_ids))
    return [
        Batch(make_key(), tuple(unique[start : start + size]))
        for start in range(0, len(unique), size)
    ]


def _answered_refusal(error: ApiError) -> bool:
    """The server answered with a 4xx problem: it refused the batch and changed nothing.

    Not when an earlier attempt of the same call may have reached the server
    (``maybe_processed``: its answer was lost, and the retry was refused, say, as "that key
    is in use"): the server may have acted on the first attempt, so the error goes with the
    batch into :class:`BulkIncomplete` (outcome unknown, batch open), never raised as the
    refusal of a run that changed nothing.
    """
    if error.maybe_processed:
        return False
    return error.status is not None and 400 <= error.status < 500


async def run_batches(
    batches: Sequence[Batch],
    send: Callable[[Batch], Awaitable[R]],
    *,
    concurrency: int = 4,
    on_progress: Progress | None = None,
    on_batch: Callable[[Batch, R], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> list[R]:
    """Send every batch, at most ``concurrency`` at a time; results in batch order.

    The first batch goes alone: a wrong password, a missing agreement or a forbidden action is
    refused there and then raised as it is, and no further batch is sent (a refusal that
    followed an attempt which may have acted is not such a refusal: it is a failed batch of
    :class:`BulkIncomplete`, see :func:`_answered_refusal`). After that, the
    first failure stops new batches from starting; batches already in flight are allowed to
    finish (cancelling them would make their outcome unknown), and :class:`BulkIncomplete`
    says what was done, what failed and what was never sent.

    ``should_stop`` (the admin pressed Stop) is asked before each batch after the first; once
    it says yes no new batch starts, in-flight ones finish, and :class:`BulkIncomplete` lists
    the rest as unsent.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    total = sum(len(b) for b in batches)
    results: dict[int, R] = {}
    failed: dict[int, ApiError] = {}
    #: Recording an answer failed (the journal's disk is full …): stop, then raise it as is.
    local: list[Exception] = []
    done_devices = 0

    def record(index: int, result: R) -> None:
        nonlocal done_devices
        results[index] = result
        done_devices += len(batches[index])
        if on_batch is not None:
            on_batch(batches[index], result)
        if on_progress is not None:
            on_progress(done_devices, total)

    if not batches:
        return []
    try:
        record(0, await send(batches[0]))
    except ApiError as error:
        if _answered_refusal(error):
            raise
        failed[0] = error

    if not failed:
        gate = asyncio.Semaphore(concurrency)

        async def one(index: int) -> None:
            async with gate:
                if failed or local or (should_stop is not None and should_stop()):
                    return
                try:
                    result = await send(batches[index])
                except ApiError as error:
                    failed[index] = error
                    return
                try:
                    record(index, result)
                except Exception as exc:  # raised again below, unchanged
                    results.pop(index, None)
                    local.append(exc)

        async with asyncio.TaskGroup() as group:
            for index in range(1, len(batches)):
                group.create_task(one(index))
    if local:
        raise local[0]

    if failed or len(results) < len(batches):
        raise _incomplete(batches, results, failed)
    return [results[i] for i in range(len(batches))]


def _incomplete(
    batches: Sequence[Batch], results: Mapping[int, Any], failed: Mapping[int, ApiError]
) -> BulkIncomplete:
    done = [(batches[i], results[i]) for i in sorted(results)]
    bad = [(batches[i], failed[i]) for i in sorted(failed)]
    unsent = [b for i, b in enumerate(batches) if i not in results and i not in failed]
    return BulkIncomplete(done, bad, unsent)
