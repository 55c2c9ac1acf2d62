"""Bringing the simulated world up to the present, lazily, at the start of each API request.

Nothing runs in the background: every request first executes the scheduled requests that are
due, then lets each pending device whose next event has passed act on its behaviour. Work is
driven by indexed columns (``requests(status, scheduled_at)`` and a partial index on
``devices.next_event_at``), so when nothing is due this costs two index probes even at 100,000
devices. Events are applied at their own simulated time, not at the time of the request that
happened to notice them, so the history is the same however often the server is polled.

A Hybrid MDM device has two events (:mod:`mobitui.sim.behaviour`): its check-in, when it
receives the push and its ``last_seen_at`` moves, and its user finishing, later. Which one is
next is not stored: a device that has checked in since its request executed
(``last_seen_at > executed_at``, the very comparison ``mobitui.domain.rules.is_stalled``
makes) is waiting for its user.
"""

from __future__ import annotations

from collections.abc import Iterable

from mobitui.domain.models import Enrollment
from mobitui.sim.behaviour import SILENT, SLOW_USER_MIN_DELAY, Behaviour, completes, event_time
from mobitui.sim.store import Txn

HYBRID = Enrollment.HYBRID_MDM.value


def checked_in(last_seen: float | None, executed_at: float | None) -> bool:
    """The device has communicated since its request executed (so it has the push)."""
    return last_seen is not None and executed_at is not None and last_seen > executed_at


def catch_up(txn: Txn, now: float) -> None:
    due = txn.execute(
        "SELECT id, scheduled_at FROM requests WHERE status = 'scheduled' AND scheduled_at <= ? "
        "ORDER BY scheduled_at, num",
        (now,),
    ).fetchall()
    for request_id, scheduled_at in due:
        execute_request(txn, request_id, scheduled_at)
    rows = txn.execute(
        "SELECT d.num, d.id, d.state, d.enrollment, d.safari_restricted, d.behaviour, "
        "d.next_event_at, d.inactivation_id, d.last_seen_at, d.checkin_seconds, "
        "d.user_delay_seconds, r.executed_at "
        "FROM devices d LEFT JOIN requests r ON r.id = d.inactivation_id "
        "WHERE d.next_event_at IS NOT NULL AND d.next_event_at <= ? "
        "ORDER BY d.next_event_at, d.num",
        (now,),
    ).fetchall()
    touched: set[str] = set()
    for row in rows:
        num, device_id, state, enrollment, safari, behaviour, at, request_id = row[:8]
        last_seen, checkin, delay, executed_at = row[8:]
        if state != "inactivation_pending":
            txn.execute("UPDATE devices SET next_event_at = NULL WHERE num = ?", (num,))
            continue
        if (
            enrollment == HYBRID
            and behaviour not in SILENT
            and executed_at is not None
            and not checked_in(last_seen, executed_at)
        ):
            # Its check-in: it receives the push, and has communicated since the request ran.
            finish = event_time(
                at,
                behaviour=behaviour,
                enrollment=enrollment,
                safari_restricted=bool(safari),
                last_seen=at,
                checkin_seconds=checkin,
                user_delay_seconds=delay,
                checked_in=True,
            )
            if finish is None or finish > now:
                # Its user finishes later (the next event), or never: it stays pending.
                txn.execute(
                    "UPDATE devices SET last_seen_at = ?, next_event_at = ?, seq = ? WHERE num = ?",
                    (at, finish, txn.seq(), num),
                )
                continue
            at = finish  # its user has finished too, by now: that is its latest contact
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
            # A silent device has no contact to record: there is nothing left for it to do.
            txn.execute("UPDATE devices SET next_event_at = NULL WHERE num = ?", (num,))
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
    """After a behaviour change: recompute a pending device's next event from ``now``.

    A Hybrid MDM device that has already checked in (it has the push) next acts when its user
    finishes, counted from ``now``; any other pending device at its next check-in.
    """
    row = txn.execute(
        "SELECT d.num, d.state, d.behaviour, d.enrollment, d.safari_restricted, "
        "d.last_seen_at, d.checkin_seconds, d.user_delay_seconds, r.executed_at "
        "FROM devices d LEFT JOIN requests r ON r.id = d.inactivation_id WHERE d.id = ?",
        (device_id,),
    ).fetchone()
    if row is None or row[1] != "inactivation_pending":
        return
    num, _, behaviour, enrollment, safari, last_seen, checkin, delay, executed_at = row
    next_at = event_time(
        now,
        behaviour=behaviour,
        enrollment=enrollment,
        safari_restricted=bool(safari),
        last_seen=last_seen,
        checkin_seconds=checkin,
        user_delay_seconds=delay,
        checked_in=checked_in(last_seen, executed_at),
    )
    txn.execute("UPDATE devices SET next_event_at = ? WHERE num = ?", (next_at, num))
