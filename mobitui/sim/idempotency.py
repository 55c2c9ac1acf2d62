"""``Idempotency-Key`` for destructive calls: a retried POST returns the first answer, once.

A client that lost the answer to a bulk call (timeout, crash) retries with the same key and gets
exactly what the first call did, instead of a second inactivation. The body is fingerprinted
without the password (the password or anything derived from it is never stored), keys belong
to one account, and only successful answers are kept, so a call that failed can be retried.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from mobitui.sim.problems import Problem
from mobitui.sim.store import Txn

MAX_KEY_LENGTH = 255


def require_key(raw: str | None) -> str:
    if raw is None or not raw.strip():
        raise Problem("idempotency_key_required", "this call needs an Idempotency-Key header")
    key = raw.strip()
    if len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise Problem(
            "idempotency_key_required",
            f"the Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable ASCII characters",
        )
    return key


def fingerprint(path: str, body: dict[str, Any]) -> str:
    """SHA-256 of the path and the canonical JSON of the body minus ``password``."""
    stripped = {k: v for k, v in body.items() if k != "password"}
    canonical = json.dumps(stripped, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(f"{path}\n{canonical}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Stored:
    status: int
    body: str


def replay(txn: Txn, account_id: str, key: str, fp: str) -> Stored | None:
    """The stored answer for this key, or ``None``; a different body is refused."""
    row = txn.execute(
        "SELECT fingerprint, status, body FROM idempotency WHERE account_id = ? AND key = ?",
        (account_id, key),
    ).fetchone()
    if row is None:
        return None
    if row[0] != fp:
        raise Problem(
            "idempotency_key_reused",
            "this Idempotency-Key was already used with a different request body",
        )
    return Stored(row[1], row[2])


def remember(
    txn: Txn, account_id: str, key: str, fp: str, status: int, body: str, now: float
) -> None:
    txn.execute(
        "INSERT INTO idempotency(account_id, key, fingerprint, status, body, created_at) "
        "VALUES(?, ?, ?, ?, ?, ?)",
        (account_id, key, fp, status, body, now),
    )
