"""The three destructive actions and cancellation, applied inside the caller's transaction.

Who is accepted, skipped or refused, and why, is never decided here: every outcome comes from
``mobitui.domain.rules`` (the same preflight the TUI shows before OK), so the server and the
client cannot disagree. This module only applies those plans to the store: jobs cancelled,
states changed, open request items superseded, records deleted (with tombstones for the change
feed), every touched device stamped with the transaction's ``seq``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mobitui.domain import rules
from mobitui.domain.models import (
    Account,
    BulkResult,
    Device,
    InactivationRequest,
    ItemProgress,
    ItemResult,
    Outcome,
    Reason,
    RequestStatus,
)
from mobitui.sim.clock import to_datetime, to_timestamp
from mobitui.sim.problems import Problem
from mobitui.sim.simulation import execute_request, refresh_status, stamp_request_devices
from mobitui.sim.store import Scope, Store, Txn


def _plans(
    store: Store, scope: Scope, ids: list[str], action: rules.Action, now: float
) -> tuple[list[rules.DevicePlan], dict[str, Device]]:
    found = store.devices_by_id(ids, scope)
    preflight = rules.preflight([found[i] for i in ids if i in found], action, to_datetime(now))
    by_id = preflight.by_device()
    return [by_id.get(i) or rules.not_found(i, action) for i in ids], found


def inactivate(
    txn: Txn,
    store: Store,
    account: Account,
    scope: Scope,
    ids: list[str],
    remove_profile: bool,
    scheduled_at: datetime | None,
    now: float,
) -> InactivationRequest:
    """Register (and, unless scheduled, execute) an inactivation request."""
    action = rules.Inactivate(remove_profile, scheduled_at)
    plans, found = _plans(store, scope, ids, action, now)
    request_id = txn.next_id("inact")
    txn.execute(
        "INSERT INTO requests(id, status, created_at, created_by, created_by_id, scheduled_at, "
        "executed_at, remove_profile, cancelled_jobs) "
        "VALUES(?, 'scheduled', ?, ?, ?, ?, NULL, ?, 0)",
        (
            request_id,
            now,
            account.name,
            account.id,
            None if scheduled_at is None else to_timestamp(scheduled_at),
            int(remove_profile),
        ),
    )
    for pos, plan in enumerate(plans):
        device = found.get(plan.device_id)
        accepted = plan.outcome is Outcome.ACCEPTED
        txn.execute(
            "INSERT INTO request_items(request_id, device_id, pos, group_id, outcome, reason, "
            "progress) VALUES(?, ?, ?, ?, ?, ?, ?)",
            (
                request_id,
                plan.device_id,
                pos,
                None if device is None else device.group_id,
                plan.outcome.value,
                None if plan.reason is None else plan.reason.value,
                "scheduled" if accepted else None,
            ),
        )
        if accepted:
            txn.execute(
                "UPDATE devices SET inactivation_id = ?, seq = ? WHERE id = ?",
                (request_id, txn.seq(), plan.device_id),
            )
    if scheduled_at is None:
        execute_request(txn, request_id, now)
    request = load_request(txn, request_id, Scope(None), account)
    assert request is not None
    return request


def force(
    txn: Txn,
    store: Store,
    scope: Scope,
    ids: list[str],
    delete_after: bool,
    now: float,
) -> BulkResult:
    """Mark devices inactive on the server at once; optionally delete the records."""
    plans, found = _plans(store, scope, ids, rules.ForceInactivate(delete_after), now)
    result_id = txn.next_id("force")
    items: list[ItemResult] = []
    cancelled = 0
    touched: set[str] = set()
    for plan in plans:
        device = found.get(plan.device_id)
        if device is None:
            items.append(ItemResult(plan.device_id, plan.outcome, plan.reason))
            continue
        if plan.outcome is Outcome.ACCEPTED:
            cancelled += plan.jobs_cancelled
            txn.execute(
                "UPDATE devices SET state = 'inactive', pending_jobs = 0, next_event_at = NULL, "
                "seq = ? WHERE id = ?",
                (txn.seq(), device.id),
            )
            touched |= _supersede(txn, device.id)
        deleted = plan.will_delete
        if deleted:
            touched |= _supersede(txn, device.id)
            _delete(txn, device)
        items.append(ItemResult(plan.device_id, plan.outcome, plan.reason, None, deleted))
    refresh_status(txn, touched)
    return BulkResult(result_id, cancelled, items)


def delete(txn: Txn, store: Store, scope: Scope, ids: list[str], now: float) -> BulkResult:
    """Delete the inactive devices; the others are refused and left untouched."""
    plans, found = _plans(store, scope, ids, rules.Delete(), now)
    result_id = txn.next_id("del")
    items: list[ItemResult] = []
    cancelled = 0
    touched: set[str] = set()
    for plan in plans:
        device = found.get(plan.device_id)
        if device is not None and plan.outcome is Outcome.DELETED:
            cancelled += plan.jobs_cancelled
            touched |= _supersede(txn, device.id)
            _delete(txn, device)
        items.append(ItemResult(plan.device_id, plan.outcome, plan.reason))
    refresh_status(txn, touched)
    return BulkResult(result_id, cancelled, items)


def _supersede(txn: Txn, device_id: str) -> set[str]:
    """Open request items for the device are overtaken by a forced inactivation or deletion."""
    request_ids = {
        r[0]
        for r in txn.execute(
            "SELECT request_id FROM request_items WHERE device_id = ? AND outcome = 'accepted' "
            "AND progress IN ('scheduled', 'pending')",
            (device_id,),
        )
    }
    if request_ids:
        txn.execute(
            "UPDATE request_items SET progress = 'superseded' WHERE device_id = ? "
            "AND outcome = 'accepted' AND progress IN ('scheduled', 'pending')",
            (device_id,),
        )
    return request_ids


def _delete(txn: Txn, device: Device) -> None:
    txn.execute("DELETE FROM devices WHERE id = ?", (device.id,))
    txn.execute(
        "INSERT INTO tombstones(device_id, group_id, seq) VALUES(?, ?, ?) "
        "ON CONFLICT(device_id) DO UPDATE SET seq = excluded.seq",
        (device.id, device.group_id, txn.seq()),
    )


def cancel(txn: Txn, scope: Scope, account: Account, request_id: str) -> InactivationRequest:
    """Cancel a scheduled request; every device in it must be in the caller's scope."""
    row = txn.execute("SELECT status FROM requests WHERE id = ?", (request_id,)).fetchone()
    request = load_request(txn, request_id, scope, account)
    if row is None or request is None:
        raise Problem("not_found", f"no inactivation request {request_id!r}")
    groups = [
        g[0]
        for g in txn.execute(
            "SELECT group_id FROM request_items WHERE request_id = ? AND group_id IS NOT NULL",
            (request_id,),
        )
    ]
    if not all(scope.contains(g) for g in groups):
        raise Problem("forbidden", "this request includes devices outside your group scope")
    status = row[0]
    if status == RequestStatus.CANCELLED.value:
        return request
    if status != RequestStatus.SCHEDULED.value:
        raise Problem("already_executed", f"request {request_id!r} has already been executed")
    txn.execute("UPDATE requests SET status = 'cancelled' WHERE id = ?", (request_id,))
    txn.execute(
        "UPDATE request_items SET progress = 'cancelled' "
        "WHERE request_id = ? AND progress = 'scheduled'",
        (request_id,),
    )
    stamp_request_devices(txn, request_id)
    cancelled = load_request(txn, request_id, scope, account)
    assert cancelled is not None
    return cancelled


# --------------------------------------------------------------------------- reading requests

_REQUEST_COLUMNS = (
    "id, status, created_at, created_by, scheduled_at, executed_at, remove_profile, "
    "cancelled_jobs, created_by_id, num"
)


def _visible_clause(scope: Scope, account: Account) -> tuple[str, list[Any]]:
    if scope.groups is None:
        return "1", []
    where, params = scope.sql("i.group_id")
    return (
        "(r.created_by_id = ? OR EXISTS (SELECT 1 FROM request_items i "
        f"WHERE i.request_id = r.id AND {where}))",
        [account.id, *params],
    )


def _request_from_row(txn: Txn, row: tuple[Any, ...], scope: Scope, account: Account) -> Any:
    creator = row[8] == account.id
    items: list[ItemResult] = []
    for device_id, group_id, outcome, reason, progress in txn.execute(
        "SELECT device_id, group_id, outcome, reason, progress FROM request_items "
        "WHERE request_id = ? ORDER BY pos",
        (row[0],),
    ):
        visible = (
            scope.contains(group_id) if group_id is not None else (scope.groups is None or creator)
        )
        if not visible:
            continue
        items.append(
            ItemResult(
                device_id,
                Outcome(outcome),
                None if reason is None else Reason(reason),
                None if progress is None else ItemProgress(progress),
            )
        )
    return InactivationRequest(
        id=row[0],
        status=RequestStatus(row[1]),
        created_at=to_datetime(row[2]),
        created_by=row[3],
        scheduled_at=None if row[4] is None else to_datetime(row[4]),
        executed_at=None if row[5] is None else to_datetime(row[5]),
        remove_apple_mdm_profile=bool(row[6]),
        cancelled_jobs=row[7],
        items=items,
    )


def load_request(
    txn: Txn, request_id: str, scope: Scope, account: Account
) -> InactivationRequest | None:
    where, params = _visible_clause(scope, account)
    row = txn.execute(
        f"SELECT {_REQUEST_COLUMNS} FROM requests r WHERE r.id = ? AND {where}",
        (request_id, *params),
    ).fetchone()
    return None if row is None else _request_from_row(txn, row, scope, account)


def list_requests(
    txn: Txn,
    scope: Scope,
    account: Account,
    statuses: list[str],
    before: int | None,
    limit: int,
) -> tuple[list[InactivationRequest], int | None]:
    """Newest first; returns the page and the number to continue before (or ``None``)."""
    where, params = _visible_clause(scope, account)
    clauses = [where]
    if statuses:
        clauses.append(f"r.status IN ({','.join('?' * len(statuses))})")
        params += statuses
    if before is not None:
        clauses.append("r.num < ?")
        params.append(before)
    rows = txn.execute(
        f"SELECT {_REQUEST_COLUMNS} FROM requests r WHERE {' AND '.join(clauses)} "
        "ORDER BY r.num DESC LIMIT ?",
        (*params, limit + 1),
    ).fetchall()
    more = len(rows) > limit
    rows = rows[:limit]
    page = [_request_from_row(txn, row, scope, account) for row in rows]
    return page, (rows[-1][9] if more and rows else None)
