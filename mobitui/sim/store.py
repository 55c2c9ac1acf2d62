"""The SQLite store: schema, one connection, transactions, and the queries the routes share.

One connection in WAL mode, guarded by a lock: every API request runs as one transaction
(simulation catch-up, checks, the change itself, audit and idempotency record together), so a
destructive call either happens completely or not at all, and requests never interleave. The
hidden simulation columns (``behaviour``, ``checkin_seconds``, ``user_delay_seconds``,
``next_event_at``) live beside the device but never leave the server.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

from mobitui.domain.models import (
    Device,
    DeviceState,
    Enrollment,
    Group,
    InactivationRef,
    ItemProgress,
    Platform,
    RequestStatus,
)
from mobitui.sim.clock import to_datetime

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS groups (
    num INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    parent_id TEXT,
    name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS devices (
    num INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    group_id TEXT NOT NULL,
    platform TEXT NOT NULL,
    os_version TEXT NOT NULL,
    model TEXT NOT NULL,
    serial TEXT NOT NULL,
    user_name TEXT NOT NULL,
    phone_number TEXT NOT NULL,
    enrollment TEXT NOT NULL,
    dep INTEGER NOT NULL,
    android_device_owner INTEGER NOT NULL,
    dep_profile_removal_forbidden INTEGER NOT NULL,
    silent_wlan INTEGER NOT NULL,
    safari_restricted INTEGER NOT NULL,
    state TEXT NOT NULL,
    pending_jobs INTEGER NOT NULL,
    last_seen_at REAL,
    inactivation_id TEXT,
    seq INTEGER NOT NULL DEFAULT 0,
    behaviour TEXT NOT NULL,
    checkin_seconds INTEGER NOT NULL,
    user_delay_seconds INTEGER NOT NULL,
    next_event_at REAL
);
CREATE INDEX IF NOT EXISTS devices_group ON devices(group_id);
CREATE INDEX IF NOT EXISTS devices_state ON devices(state);
CREATE INDEX IF NOT EXISTS devices_seq ON devices(seq);
CREATE INDEX IF NOT EXISTS devices_serial ON devices(serial);
CREATE INDEX IF NOT EXISTS devices_next_event ON devices(next_event_at)
    WHERE next_event_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS devices_inactivation ON devices(inactivation_id)
    WHERE inactivation_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS tombstones (
    device_id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL,
    seq INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tombstones_seq ON tombstones(seq);
CREATE TABLE IF NOT EXISTS requests (
    num INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    created_at REAL NOT NULL,
    created_by TEXT NOT NULL,
    created_by_id TEXT NOT NULL,
    scheduled_at REAL,
    executed_at REAL,
    remove_profile INTEGER NOT NULL,
    cancelled_jobs INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_due ON requests(status, scheduled_at);
CREATE TABLE IF NOT EXISTS request_items (
    request_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    pos INTEGER NOT NULL,
    group_id TEXT,
    outcome TEXT NOT NULL,
    reason TEXT,
    progress TEXT,
    PRIMARY KEY (request_id, device_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS request_items_device ON request_items(device_id);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS password_failures (
    subject TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    locked_until REAL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS idempotency (
    account_id TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (account_id, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit (
    num INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    account_id TEXT NOT NULL,
    account_name TEXT NOT NULL,
    action TEXT NOT NULL,
    request_id TEXT,
    result TEXT NOT NULL,
    options TEXT NOT NULL,
    device_ids TEXT NOT NULL,
    outcomes TEXT NOT NULL
);
"""

#: Device columns in the order :func:`device_from_row` reads them (then the inactivation ref).
DEVICE_COLUMNS = (
    "d.id, d.name, d.group_id, d.platform, d.os_version, d.model, d.serial, d.user_name, "
    "d.phone_number, d.enrollment, d.dep, d.android_device_owner, "
    "d.dep_profile_removal_forbidden, d.silent_wlan, d.safari_restricted, d.state, "
    "d.pending_jobs, d.last_seen_at, "
    "r.id, r.status, i.progress, r.remove_profile, r.scheduled_at, r.created_at"
)
DEVICE_FROM = (
    "devices d LEFT JOIN requests r ON r.id = d.inactivation_id "
    "LEFT JOIN request_items i ON i.request_id = d.inactivation_id AND i.device_id = d.id"
)

#: Fields written by the fleet generator, in ``INSERT`` order.
DEVICE_INSERT_COLUMNS = (
    "num",
    "id",
    "name",
    "group_id",
    "platform",
    "os_version",
    "model",
    "serial",
    "user_name",
    "phone_number",
    "enrollment",
    "dep",
    "android_device_owner",
    "dep_profile_removal_forbidden",
    "silent_wlan",
    "safari_restricted",
    "state",
    "pending_jobs",
    "last_seen_at",
    "inactivation_id",
    "seq",
    "behaviour",
    "checkin_seconds",
    "user_delay_seconds",
    "next_event_at",
)


def device_from_row(row: Sequence[Any]) -> Device:
    ref = None
    if row[18] is not None and row[20] is not None:
        ref = InactivationRef(
            id=row[18],
            status=RequestStatus(row[19]),
            progress=ItemProgress(row[20]),
            remove_apple_mdm_profile=bool(row[21]),
            scheduled_at=None if row[22] is None else to_datetime(row[22]),
            created_at=to_datetime(row[23]),
        )
    return Device(
        id=row[0],
        name=row[1],
        group_id=row[2],
        platform=Platform(row[3]),
        os_version=row[4],
        model=row[5],
        serial=row[6],
        user_name=row[7],
        phone_number=row[8],
        enrollment=Enrollment(row[9]),
        dep=bool(row[10]),
        android_device_owner=bool(row[11]),
        dep_profile_removal_forbidden=bool(row[12]),
        silent_wlan=bool(row[13]),
        safari_restricted=bool(row[14]),
        state=DeviceState(row[15]),
        pending_jobs=row[16],
        last_seen_at=None if row[17] is None else to_datetime(row[17]),
        inactivation=ref,
    )


@dataclass(frozen=True, slots=True)
class Scope:
    """The groups an account can see; ``groups=None`` means the whole tenant."""

    groups: frozenset[str] | None

    def contains(self, group_id: str | None) -> bool:
        return self.groups is None or (group_id is not None and group_id in self.groups)

    def sql(self, column: str) -> tuple[str, list[Any]]:
        """A ``WHERE`` fragment restricting ``column`` to the scope."""
        if self.groups is None:
            return "1", []
        if not self.groups:
            return "0", []
        marks = ",".join("?" * len(self.groups))
        return f"{column} IN ({marks})", sorted(self.groups)


class Txn:
    """One open transaction; hands out a single new change ``seq`` on first use."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._seq: int | None = None

    def seq(self) -> int:
        if self._seq is None:
            current = int(get_meta(self.conn, "seq", "0"))
            self._seq = current + 1
            set_meta(self.conn, "seq", str(self._seq))
        return self._seq

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def next_id(self, prefix: str) -> str:
        """Opaque, increasing ids per kind: ``inact-000001``, ``force-000001``, ``del-000001``."""
        key = f"counter:{prefix}"
        value = int(get_meta(self.conn, key, "0")) + 1
        set_meta(self.conn, key, str(value))
        return f"{prefix}-{value:06d}"


@overload
def get_meta(conn: sqlite3.Connection, key: str, default: str) -> str: ...
@overload
def get_meta(conn: sqlite3.Connection, key: str, default: None = None) -> str | None: ...
def get_meta(conn: sqlite3.Connection, key: str, default: str | None = None) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return default if row is None else row[0]


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta(key, value) VALUES(?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def instance_id(conn: sqlite3.Connection) -> str:
    """This database's identity: a random id, made the first time it is asked for, then kept.

    It is made on first use rather than at seeding because a seeded database is also a template
    that demos copy (:mod:`mobitui.sim.templates`): every copy is a database of its own, and
    an id written at seeding would be shared by all of them. Clients compare it with the one
    their fleet cache was saved from, so a fresh demo never shows another run's devices.
    """
    value = get_meta(conn, "instance_id")
    if not value:
        value = secrets.token_hex(16)
        set_meta(conn, "instance_id", value)
    return value


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating the schema if needed) with WAL and sane pragmas."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("PRAGMA busy_timeout=5000")
    conn.executescript(SCHEMA)
    migrate(conn)
    return conn


def migrate(conn: sqlite3.Connection) -> None:
    """Bring a database written by an older server up to this schema; idempotent.

    Up to 2026-12 failed logins were counted in ``login_failures`` under the account name as
    typed, so a password typed into the account field was kept in clear. That table is dropped
    (its counts only slowed guessing down, and cannot be re-keyed: see :mod:`mobitui.sim.auth`)
    with ``secure_delete`` on, so its pages are zeroed rather than left in the free list, and
    the WAL is checkpointed so the zeroed pages replace the old ones in the main file too.
    """
    old = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'login_failures'"
    ).fetchone()
    if old is None:
        return
    previous = conn.execute("PRAGMA secure_delete").fetchone()[0]
    conn.execute("PRAGMA secure_delete=ON")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("DELETE FROM login_failures")
            conn.execute("DROP TABLE login_failures")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        conn.execute(f"PRAGMA secure_delete={int(previous)}")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class Store:
    """The connection, its lock and the group tree (groups never change once seeded)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.lock = threading.RLock()
        self._groups: list[tuple[str, str | None, str]] | None = None

    @contextmanager
    def transaction(self) -> Iterator[Txn]:
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield Txn(self.conn)
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    # ------------------------------------------------------------------ groups and scope

    def groups(self) -> list[tuple[str, str | None, str]]:
        if self._groups is None:
            self._groups = [
                (r[0], r[1], r[2])
                for r in self.conn.execute("SELECT id, parent_id, name FROM groups ORDER BY num")
            ]
        return self._groups

    def subtree(self, roots: Iterable[str]) -> frozenset[str]:
        children: dict[str | None, list[str]] = {}
        for gid, parent, _ in self.groups():
            children.setdefault(parent, []).append(gid)
        known = {g[0] for g in self.groups()}
        seen: set[str] = set()
        stack = [r for r in roots if r in known]
        while stack:
            gid = stack.pop()
            if gid in seen:
                continue
            seen.add(gid)
            stack.extend(children.get(gid, ()))
        return frozenset(seen)

    def scope_for(self, group_scope: list[str] | None) -> Scope:
        return Scope(None if group_scope is None else self.subtree(group_scope))

    def visible_groups(self, scope: Scope) -> list[Group]:
        counts = dict(
            self.conn.execute("SELECT group_id, count(*) FROM devices GROUP BY group_id").fetchall()
        )
        out: list[Group] = []
        for gid, parent, name in self.groups():
            if not scope.contains(gid):
                continue
            # A scope root's parent is invisible: present it as a root of the caller's tree.
            shown_parent = parent if parent is not None and scope.contains(parent) else None
            out.append(Group(gid, shown_parent, name, counts.get(gid, 0)))
        return out

    # ------------------------------------------------------------------ devices

    def device(self, device_id: str, scope: Scope) -> Device | None:
        where, params = scope.sql("d.group_id")
        row = self.conn.execute(
            f"SELECT {DEVICE_COLUMNS} FROM {DEVICE_FROM} WHERE d.id = ? AND {where}",
            (device_id, *params),
        ).fetchone()
        return None if row is None else device_from_row(row)

    def devices_by_id(self, device_ids: Sequence[str], scope: Scope) -> dict[str, Device]:
        """The visible devices among ``device_ids`` (unknown or invisible ones are absent)."""
        found: dict[str, Device] = {}
        where, params = scope.sql("d.group_id")
        for start in range(0, len(device_ids), 500):
            chunk = list(device_ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT {DEVICE_COLUMNS} FROM {DEVICE_FROM} WHERE d.id IN ({marks}) AND {where}",
                (*chunk, *params),
            )
            for row in rows:
                device = device_from_row(row)
                found[device.id] = device
        return found

    def page(
        self,
        scope: Scope,
        groups: frozenset[str] | None,
        states: Sequence[str],
        q: str | None,
        after: int,
        limit: int,
    ) -> tuple[list[Device], int | None, int]:
        """One page ordered by device number: (devices, last number if more follow, total)."""
        clauses: list[str] = []
        params: list[Any] = []
        where, p = scope.sql("d.group_id")
        clauses.append(where)
        params += p
        if groups is not None:
            where, p = Scope(groups).sql("d.group_id")
            clauses.append(where)
            params += p
        if states:
            clauses.append(f"d.state IN ({','.join('?' * len(states))})")
            params += list(states)
        if q:
            pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            digits = q.replace("-", "")
            dpattern = (
                "%" + digits.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
            clauses.append(
                "(d.name LIKE ? ESCAPE '\\' OR d.serial LIKE ? ESCAPE '\\' "
                "OR d.user_name LIKE ? ESCAPE '\\' OR d.phone_number LIKE ? ESCAPE '\\' "
                "OR (? <> '' AND replace(d.phone_number, '-', '') LIKE ? ESCAPE '\\'))"
            )
            params += [pattern, pattern, pattern, pattern, digits, dpattern]
        where_all = " AND ".join(clauses)
        total = self.conn.execute(
            f"SELECT count(*) FROM devices d WHERE {where_all}", params
        ).fetchone()[0]
        rows = self.conn.execute(
            f"SELECT {DEVICE_COLUMNS}, d.num FROM {DEVICE_FROM} "
            f"WHERE {where_all} AND d.num > ? ORDER BY d.num LIMIT ?",
            (*params, after, limit + 1),
        ).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        last = rows[-1][-1] if more and rows else None
        return [device_from_row(r) for r in rows], last, total

    def changes(self, scope: Scope, since: int) -> tuple[list[Device], list[str], int]:
        where, params = scope.sql("d.group_id")
        # Walk the seq index (ordering by num in SQL would scan the whole table), then sort.
        rows = self.conn.execute(
            f"SELECT {DEVICE_COLUMNS}, d.num FROM {DEVICE_FROM} "
            f"WHERE d.seq > ? AND {where} ORDER BY d.seq",
            (since, *params),
        ).fetchall()
        rows.sort(key=lambda row: row[-1])
        twhere, tparams = scope.sql("group_id")
        deleted = [
            r[0]
            for r in self.conn.execute(
                f"SELECT device_id FROM tombstones WHERE seq > ? AND {twhere} ORDER BY device_id",
                (since, *tparams),
            )
        ]
        seq = int(get_meta(self.conn, "seq", "0") or 0)
        return [device_from_row(r) for r in rows], deleted, seq
