"""The server-side audit log of destructive calls: who, when, what, on which devices, outcome.

Written in the same transaction as the change it records, so the log can never claim an action
that did not happen (or miss one that did). Refused attempts (wrong role, wrong password, no
agreement) are recorded too, with the problem code as the result. Options are stored as given
minus the password: the log must never hold a secret.
"""

from __future__ import annotations

import json
from typing import Any

from mobitui.domain.models import Account, ItemResult, format_time
from mobitui.sim.clock import to_datetime
from mobitui.sim.store import Txn


def write(
    txn: Txn,
    *,
    at: float,
    account: Account,
    action: str,
    result: str,
    options: dict[str, Any] | None = None,
    device_ids: list[str] | None = None,
    items: list[ItemResult] | None = None,
    request_id: str | None = None,
) -> None:
    clean = {k: v for k, v in (options or {}).items() if k != "password"}
    outcomes = [
        {
            "device_id": item.device_id,
            "outcome": item.outcome.value,
            "reason": None if item.reason is None else item.reason.value,
            "deleted": item.deleted,
        }
        for item in items or []
    ]
    txn.execute(
        "INSERT INTO audit(at, account_id, account_name, action, request_id, result, options, "
        "device_ids, outcomes) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            at,
            account.id,
            account.name,
            action,
            request_id,
            result,
            json.dumps(clean, ensure_ascii=False, default=str),
            json.dumps(device_ids or [], ensure_ascii=False),
            json.dumps(outcomes, ensure_ascii=False),
        ),
    )


def entries(txn: Txn) -> list[dict[str, Any]]:
    rows = txn.execute(
        "SELECT num, at, account_id, account_name, action, request_id, result, options, "
        "device_ids, outcomes FROM audit ORDER BY num"
    )
    return [
        {
            "id": row[0],
            "at": format_time(to_datetime(row[1])),
            "account_id": row[2],
            "account": row[3],
            "action": row[4],
            "request_id": row[5],
            "result": row[6],
            "options": json.loads(row[7]),
            "device_ids": json.loads(row[8]),
            "outcomes": json.loads(row[9]),
        }
        for row in rows
    ]
