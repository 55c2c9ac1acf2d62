"""Logins, bearer tokens and the slowdown of repeated password failures.

Tokens are random and stored only as SHA-256 hashes with an expiry on the simulated clock, so a
copy of the database cannot be replayed as a session and a test can expire a token by advancing
the clock.

Two kinds of password failure are counted, apart, in ``password_failures``; after ``threshold``
failures each further attempt must wait a doubling delay (429 ``rate_limited`` with
``Retry-After``), and a success resets that count:

- **Logins**, per account name as typed (known or not, so the slowdown itself does not reveal
  which accounts exist). The name is stored only as an HMAC-SHA-256 under a random key that
  this process holds in memory and never writes down: a password typed into the account field
  is not kept in clear, and a copy of the database cannot be tested against guesses. The price
  is that a restart forgets the counts (``forget_failures``), as it does the per-token rate
  limiter's buckets.
- **The confirmation password of a destructive call**, per session (the token's hash). Anyone
  can fail logins for ``admin``; that must not lock the real admin out of their own bulk calls,
  so anonymous login failures never slow a session down. A session that keeps sending wrong
  confirmation passwords (a stolen token guessing the password) is slowed down on its own,
  without locking the account's login or its other sessions.
"""

from __future__ import annotations

import hashlib
import hmac
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
        self._name_key = secrets.token_bytes(32)

    # ------------------------------------------------------------------ slowdown

    def login_subject(self, name: str) -> str:
        """The row that counts failed logins for ``name``: a keyed digest, never the name."""
        raw = name.encode("utf-8", "surrogatepass")
        return "login:" + hmac.new(self._name_key, raw, hashlib.sha256).hexdigest()

    @staticmethod
    def session_subject(digest: str) -> str:
        """The row that counts wrong confirmation passwords sent with one token."""
        return "session:" + digest

    def forget_failures(self, txn: Txn) -> None:
        """At start: rows keyed by an earlier process's key can never be matched again."""
        txn.execute("DELETE FROM password_failures")

    def check_slowdown(self, txn: Txn, subject: str, now: float, what: str) -> None:
        row = txn.execute(
            "SELECT locked_until FROM password_failures WHERE subject = ?", (subject,)
        ).fetchone()
        if row is not None and row[0] is not None and now < row[0]:
            raise Problem(
                "rate_limited",
                f"too many failed password attempts {what}; wait and retry",
                retry_after=row[0] - now,
            )

    def record_failure(self, txn: Txn, subject: str, now: float) -> None:
        row = txn.execute(
            "SELECT failures FROM password_failures WHERE subject = ?", (subject,)
        ).fetchone()
        failures = (0 if row is None else row[0]) + 1
        locked_until = None
        if failures >= self.threshold:
            locked_until = now + min(MAX_DELAY_SECONDS, 2.0 ** (failures - self.threshold + 1))
        txn.execute(
            "INSERT INTO password_failures(subject, failures, locked_until) VALUES(?, ?, ?) "
            "ON CONFLICT(subject) DO UPDATE SET failures = excluded.failures, "
            "locked_until = excluded.locked_until",
            (subject, failures, locked_until),
        )

    def reset_failures(self, txn: Txn, subject: str) -> None:
        txn.execute("DELETE FROM password_failures WHERE subject = ?", (subject,))

    # ------------------------------------------------------------------ login / tokens

    def login(self, txn: Txn, name: str, password: str, now: float) -> Login | None:
        """A new session, or ``None`` for wrong credentials (the failure is counted)."""
        subject = self.login_subject(name)
        self.check_slowdown(txn, subject, now, "for this account")
        record = self.directory.by_name(name)
        ok = verify_password(password, None if record is None else record.password_hash)
        if not ok or record is None:
            self.record_failure(txn, subject, now)
            return None
        self.reset_failures(txn, subject)
        token = secrets.token_urlsafe(32)
        expires = now + self.ttl
        txn.execute(
            "INSERT INTO sessions(token_hash, account_id, created_at, expires_at) "
            "VALUES(?, ?, ?, ?)",
            (token_hash(token), record.account.id, now, expires),
        )
        stale = now - 86400.0
        txn.execute(
            "DELETE FROM password_failures WHERE subject IN "
            "(SELECT 'session:' || token_hash FROM sessions WHERE expires_at < ?)",
            (stale,),
        )
        txn.execute("DELETE FROM sessions WHERE expires_at < ?", (stale,))
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

    def check_password(
        self, txn: Txn, account: Account, password: str, now: float, session: str
    ) -> None:
        """The caller's own password in a destructive call; wrong → 403, counted per session.

        ``session`` is the token's hash: only this session's own wrong confirmations slow it
        down, never failed logins for the account name (which anyone can cause).
        """
        subject = self.session_subject(session)
        self.check_slowdown(txn, subject, now, "in this session")
        record = self.directory.by_id(account.id)
        if record is None or not verify_password(password, record.password_hash):
            self.record_failure(txn, subject, now)
            raise Problem("invalid_password", "the password is not this account's password")
        self.reset_failures(txn, subject)


def bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 512:
        return None
    return token
