"""Bringing the simulated world up to the present, lazily, at the start of each API request.

Nothing runs in the background: every request first executes the scheduled requests that are
due, then lets each pending device whose next event has passed act on its behaviour. Work is
driven by indexed columns (``requests(status, scheduled_at)`` and a partial index on
``devices.next_event_at``), so when nothing is due this costs two index probes even at 100,000
devices. Events are applied at their own simulated time, not at the time of the request that
happened to notice them, so the history is the same however often the server is polled.
"""

from __future__ import annotations

from collections.abc import Iterable

from mobitui.sim.behaviour import SLOW_USER_MIN_DELAY, Behaviour, completes, event_time
from mobitui.sim.store import Txn


def catch_up(txn: Txn, now: float) -> None:
    due = txn.execute(
        "SELECT id, scheduled_at FROM requests WHERE status = 'scheduled' AND scheduled_at <= ? "
        "ORDER BY scheduled_at, num",
        (now,),
    ).fetchall()
    for request_id, scheduled_at in due:
        execute_request(txn, request_id, scheduled_at)
    rows = txn.execute(
        "SELECT num, id, state, enrollment, safari_restricted, behaviour, next_event_at, "
        "inactivation_id FROM devices WHERE next_event_at IS NOT NULL AND next_event_at <= ? "
        "ORDER BY next_event_at, num",
        (now,),
    ).fetchall()
    touched: set[str] = set()
    for num, device_id, state, enrollment, safari, behaviour, at, request_id in rows:
        if state != "inactivation_pending":
            txn.execute("UPDATE devices SET next_event_at = NULL WHERE num = ?", (num,))
            continue
        if completes(behaviour, enrollment, bool(safari)):
            txn.execute(
                "UPDATE devices SET state = 'inactive', pending_jobs = 0, last_seen_at = ?, "
                "next_event_at = NULL, seq = ? WHERE num = ?",
                (at, txn.seq(), num),
            )
            if request_id is not None:
                txn.execute(
                    "UPDATE request_items SET progress = 'done' "
                    "WHERE request_id = ? AND device_id = ? AND progress = 'pending'",
                    (request_id, device_id),
                )
                touched.add(request_id)
        else:
            # It checked in and got the push, but its user never gets through Safari.
            txn.execute(
                "UPDATE devices SET last_seen_at = ?, next_event_at = NULL, seq = ? WHERE num = ?",
                (at, txn.seq(), num),
            )
    refresh_status(txn, touched)


def execute_request(txn: Txn, request_id: str, at: float) -> None:
    """Run a request at simulated time ``at``: cancel jobs, make accepted devices pending."""
    items = txn.execute(
        "SELECT device_id FROM request_items WHERE request_id = ? AND outcome = 'accepted' "
        "AND progress = 'scheduled' ORDER BY pos",
        (request_id,),
    ).fetchall()
    cancelled = 0
    for (device_id,) in items:
        row = txn.execute(
            "SELECT num, state, pending_jobs, behaviour, enrollment, safari_restricted, "
            "last_seen_at, checkin_seconds, user_delay_seconds FROM devices WHERE id = ?",
            (device_id,),
        ).fetchone()
        if row is None or row[1] != "active":
            txn.execute(
                "UPDATE request_items SET progress = 'superseded' "
                "WHERE request_id = ? AND device_id = ?",
                (request_id, device_id),
            )
            continue
        num, _, jobs, behaviour, enrollment, safari, last_seen, checkin, delay = row
        cancelled += jobs
        next_at = event_time(
            at,
            behaviour=behaviour,
            enrollment=enrollment,
            safari_restricted=bool(safari),
            last_seen=last_seen,
            checkin_seconds=checkin,
            user_delay_seconds=delay,
        )
        txn.execute(
            "UPDATE devices SET state = 'inactivation_pending', pending_jobs = 0, "
            "next_event_at = ?, inactivation_id = ? WHERE num = ?",
            (next_at, request_id, num),
        )
        txn.execute(
            "UPDATE request_items SET progress = 'pending' WHERE request_id = ? AND device_id = ?",
            (request_id, device_id),
        )
    txn.execute(
        "UPDATE requests SET status = 'in_progress', executed_at = ?, cancelled_jobs = ? "
        "WHERE id = ?",
        (at, cancelled, request_id),
    )
    stamp_request_devices(txn, request_id)
    refresh_status(txn, [request_id])


def refresh_status(txn: Txn, request_ids: Iterable[str]) -> None:
    """Mark executed requests ``completed`` once no accepted device is still pending."""
    for request_id in sorted(set(request_ids)):
        row = txn.execute("SELECT status FROM requests WHERE id = ?", (request_id,)).fetchone()
        if row is None or row[0] != "in_progress":
            continue
        open_items = txn.execute(
            "SELECT 1 FROM request_items WHERE request_id = ? AND outcome = 'accepted' "
            "AND progress IN ('pending', 'scheduled') LIMIT 1",
            (request_id,),
        ).fetchone()
        if open_items is None:
            txn.execute("UPDATE requests SET status = 'completed' WHERE id = ?", (request_id,))
            stamp_request_devices(txn, request_id)


def stamp_request_devices(txn: Txn, request_id: str) -> None:
    """Every device showing this request in its ``inactivation`` field has changed."""
    txn.execute("UPDATE devices SET seq = ? WHERE inactivation_id = ?", (txn.seq(), request_id))


def set_behaviour(txn: Txn, device_id: str, behaviour: str, now: float) -> None:
    """Give a device another behaviour; a slow user gets hours of delay, a regular one minutes."""
    row = txn.execute(
        "SELECT user_delay_seconds FROM devices WHERE id = ?", (device_id,)
    ).fetchone()
    if row is None:
        return
    delay = row[0]
    if behaviour == Behaviour.SLOW_USER and delay < SLOW_USER_MIN_DELAY:
        delay = SLOW_USER_MIN_DELAY + (delay % 1800) * 10
    elif behaviour != Behaviour.SLOW_USER and delay >= SLOW_USER_MIN_DELAY:
        delay = 60 + delay % 1740
    txn.execute(
        "UPDATE devices SET behaviour = ?, user_delay_seconds = ? WHERE id = ?",
        (behaviour, delay, device_id),
    )
    reschedule(txn, device_id, now)


def reschedule(txn: Txn, device_id: str, now: float) -> None:
    """After a behaviour change: recompute a pending device's next event from ``now``."""
    row = txn.execute(
        "SELECT num, state, behaviour, enrollment, safari_restricted, last_seen_at, "
        "checkin_seconds, user_delay_seconds FROM devices WHERE id = ?",
        (device_id,),
    ).fetchone()
    if row is None or row[1] != "inactivation_pending":
        return
    num, _, behaviour, enrollment, safari, last_seen, checkin, delay = row
    next_at = event_time(
        now,
        behaviour=behaviour,
        enrollment=enrollment,
        safari_restricted=bool(safari),
        last_seen=last_seen,
        checkin_seconds=checkin,
        user_delay_seconds=delay,
    )
    txn.execute("UPDATE devices SET next_event_at = ? WHERE num = ?", (next_at, num))
