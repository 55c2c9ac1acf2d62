"""Logins, bearer tokens and the slowdown of repeated password failures.

Tokens are random and stored only as SHA-256 hashes with an expiry on the simulated clock, so a
copy of the database cannot be replayed as a session and a test can expire a token by advancing
the clock. Failures are counted per account name (known or not, so the slowdown itself does not
reveal which accounts exist); after ``threshold`` failures each further attempt must wait a
doubling delay (429 ``rate_limited`` with ``Retry-After``), and a success resets the count. A
wrong password in a destructive call counts the same way, so it cannot be used to guess.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from mobitui.domain.models import Account
from mobitui.sim.accounts import Directory, verify_password
from mobitui.sim.problems import Problem
from mobitui.sim.store import Txn

MAX_DELAY_SECONDS = 3600.0


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class Login:
    token: str
    expires_at: float
    account: Account


class Auth:
    def __init__(self, directory: Directory, ttl_seconds: int, threshold: int) -> None:
        self.directory = directory
        self.ttl = ttl_seconds
        self.threshold = max(1, threshold)

    # ------------------------------------------------------------------ slowdown

    def check_slowdown(self, txn: Txn, name: str, now: float) -> None:
        row = txn.execute(
            "SELECT failures, locked_until FROM login_failures WHERE account = ?", (name,)
        ).fetchone()
        if row is not None and row[1] is not None and now < row[1]:
            raise Problem(
                "rate_limited",
                "too many failed password attempts for this account; wait and retry",
                retry_after=row[1] - now,
            )

    def record_failure(self, txn: Txn, name: str, now: float) -> None:
        row = txn.execute(
            "SELECT failures FROM login_failures WHERE account = ?", (name,)
        ).fetchone()
        failures = (0 if row is None else row[0]) + 1
        locked_until = None
        if failures >= self.threshold:
            locked_until = now + min(MAX_DELAY_SECONDS, 2.0 ** (failures - self.threshold + 1))
        txn.execute(
            "INSERT INTO login_failures(account, failures, locked_until) VALUES(?, ?, ?) "
            "ON CONFLICT(account) DO UPDATE SET failures = excluded.failures, "
            "locked_until = excluded.locked_until",
            (name, failures, locked_until),
        )

    def reset_failures(self, txn: Txn, name: str) -> None:
        txn.execute("DELETE FROM login_failures WHERE account = ?", (name,))

    # ------------------------------------------------------------------ login / tokens

    def login(self, txn: Txn, name: str, password: str, now: float) -> Login | None:
        """A new session, or ``None`` for wrong credentials (the failure is counted)."""
        self.check_slowdown(txn, name, now)
        record = self.directory.by_name(name)
        ok = verify_password(password, None if record is None else record.password_hash)
        if not ok or record is None:
            self.record_failure(txn, name, now)
            return None
        self.reset_failures(txn, name)
        token = secrets.token_urlsafe(32)
        expires = now + self.ttl
        txn.execute(
            "INSERT INTO sessions(token_hash, account_id, created_at, expires_at) "
            "VALUES(?, ?, ?, ?)",
            (token_hash(token), record.account.id, now, expires),
        )
        txn.execute("DELETE FROM sessions WHERE expires_at < ?", (now - 86400.0,))
        return Login(token, expires, record.account)

    def authenticate(self, txn: Txn, authorization: str | None, now: float) -> tuple[Account, str]:
        """The account behind ``Authorization: Bearer …`` and the token's hash."""
        token = bearer(authorization)
        if token is None:
            raise Problem("unauthenticated", "a valid bearer token is required")
        digest = token_hash(token)
        row = txn.execute(
            "SELECT account_id, expires_at, revoked FROM sessions WHERE token_hash = ?", (digest,)
        ).fetchone()
        if row is None or row[2] or now >= row[1]:
            raise Problem("unauthenticated", "the token is missing, expired or revoked")
        record = self.directory.by_id(row[0])
        if record is None:
            raise Problem("unauthenticated", "the token's account no longer exists")
        return record.account, digest

    def logout(self, txn: Txn, digest: str) -> None:
        txn.execute("UPDATE sessions SET revoked = 1 WHERE token_hash = ?", (digest,))

    def check_password(self, txn: Txn, account: Account, password: str, now: float) -> None:
        """The caller's own password in a destructive call; wrong → 403 and counted."""
        self.check_slowdown(txn, account.name, now)
        record = self.directory.by_id(account.id)
        if record is None or not verify_password(password, record.password_hash):
            self.record_failure(txn, account.name, now)
            raise Problem("invalid_password", "the password is not this account's password")
        self.reset_failures(txn, account.name)


def bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 512:
        return None
    return token
