"""Who may log in: the demo accounts or an accounts file, and password hashing.

Passwords are only ever kept as salted scrypt hashes, and only in memory (the accounts file
holds hashes too), so the database never holds a password or anything derived from one.
``verify_password`` runs a full scrypt even for an unknown account, so a wrong account name
costs as much time as a wrong password and the two cannot be told apart.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from mobitui.domain.models import Account, Role
from mobitui.domain.said import Said
from mobitui.sim.demo_accounts import DEMO_PASSWORDS
from mobitui.sim.fleet import BRANCH_GROUP

#: scrypt cost: 16 MiB of memory per hash, slow enough to make guessing expensive.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1

#: scrypt cost of the demo accounts. Their passwords are published in the README and the server
#: refuses to listen beyond loopback with them, so their hashes protect nothing; at full cost,
#: hashing three of them was the largest part of ``mobitui demo``'s start-up.
DEMO_SCRYPT_N = 2**8


def hash_password(password: str, *, n: int = SCRYPT_N, salt: bytes | None = None) -> str:
    """``scrypt$n$r$p$salt$hash`` (base64) for an accounts file."""
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    b64 = base64.b64encode
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def _parse_hash(encoded: str) -> tuple[int, int, int, bytes, bytes]:
    parts = encoded.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        raise ValueError("not a scrypt$n$r$p$salt$hash password hash")
    n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
    if n < 2 or n & (n - 1) or n > 2**20 or not 1 <= r <= 32 or not 1 <= p <= 16:
        raise ValueError("scrypt parameters out of range")
    return n, r, p, base64.b64decode(parts[4]), base64.b64decode(parts[5])


def verify_password(password: str, encoded: str | None) -> bool:
    """Constant-work check; ``encoded=None`` (unknown account) hashes anyway and fails."""
    n, r, p, salt, expected = _parse_hash(encoded or _dummy_hash())
    try:
        raw = password.encode("utf-8")
    except UnicodeEncodeError:
        raw = password.encode("utf-8", "surrogatepass")
    digest = hashlib.scrypt(raw, salt=salt, n=n, r=r, p=p, maxmem=2**26, dklen=len(expected))
    return encoded is not None and hmac.compare_digest(digest, expected)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


@dataclass(frozen=True, slots=True)
class AccountRecord:
    account: Account
    password_hash: str


@lru_cache(maxsize=1)
def demo_accounts() -> tuple[AccountRecord, ...]:
    """The three documented demo accounts (hashed once per process)."""
    specs = (
        ("admin", Role.ADMIN, None, True),
        ("operator", Role.OPERATOR, None, False),
        ("branch-admin", Role.ADMIN, [BRANCH_GROUP], True),
    )
    return tuple(
        AccountRecord(
            Account(id=name, name=name, role=role, group_scope=scope, can_delete_devices=delete),
            hash_password(DEMO_PASSWORDS[name], n=DEMO_SCRYPT_N),
        )
        for name, role, scope, delete in specs
    )


class AccountsFileError(Said, ValueError):
    """The accounts file cannot be used; the message names the file and the entry (``key``:
    the catalogue's ``serve.accounts.*``, for ``mobitui serve`` in the admin's language)."""

    def __init__(self, message: str, key: str, /, **values: object) -> None:
        super().__init__(message, key=f"serve.accounts.{key}", values=values)


def load_accounts_file(path: Path) -> tuple[AccountRecord, ...]:
    """Read ``[[account]]`` tables; raises :class:`AccountsFileError` naming the faulty
    entry."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise AccountsFileError(
            f"cannot read accounts file {path}: {exc}", "unreadable", path=path, problem=exc
        ) from exc
    except UnicodeDecodeError as exc:
        raise AccountsFileError(f"{path}: not UTF-8 text", "not_utf8", path=path) from exc
    except tomllib.TOMLDecodeError as exc:
        raise AccountsFileError(
            f"cannot read accounts file {path}: {exc}", "not_toml", path=path, detail=str(exc)
        ) from exc
    entries = data.get("account")
    if not isinstance(entries, list) or not entries:
        raise AccountsFileError(
            f"{path}: expected at least one [[account]] table", "empty", path=path
        )
    records: list[AccountRecord] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        records.append(_record(entry, f"{path}: [[account]] #{index}"))
        name = records[-1].account.name
        if name in seen:
            raise AccountsFileError(
                f"{path}: account {name!r} appears twice", "twice", path=path, name=repr(name)
            )
        seen.add(name)
    return tuple(records)


def _refused(where: str, field: str, english: str) -> AccountsFileError:
    """An entry's ``field`` refused: ``english`` for the log, the catalogue's sentence for the
    admin (``serve.accounts.<field>``, ``field.name`` …)."""
    return AccountsFileError(f"{where}: {english}", field, where=where)


def _record(entry: Any, where: str) -> AccountRecord:
    if not isinstance(entry, dict):
        raise _refused(where, "field.table", "not a table")
    unknown = set(entry) - {
        "id",
        "name",
        "role",
        "group_scope",
        "can_delete_devices",
        "password_hash",
    }
    if unknown:
        keys = sorted(unknown)
        raise AccountsFileError(
            f"{where}: unknown keys {keys}", "unknown_keys", where=where, keys=", ".join(keys)
        )
    name = entry.get("name")
    if not isinstance(name, str) or not name:
        raise _refused(where, "field.name", "'name' must be a non-empty string")
    try:
        role = Role(entry.get("role", ""))
    except ValueError:
        raise _refused(where, "field.role", "'role' must be 'admin' or 'operator'") from None
    scope = entry.get("group_scope")
    if scope is not None and (
        not isinstance(scope, list) or not all(isinstance(g, str) for g in scope)
    ):
        raise _refused(where, "field.group_scope", "'group_scope' must be a list of group ids")
    can_delete = entry.get("can_delete_devices", False)
    if not isinstance(can_delete, bool):
        raise _refused(
            where, "field.can_delete_devices", "'can_delete_devices' must be true or false"
        )
    password_hash = entry.get("password_hash")
    if not isinstance(password_hash, str):
        raise _refused(
            where, "field.password_hash", "'password_hash' is required (see hash_password)"
        )
    try:
        _parse_hash(password_hash)
    except (ValueError, TypeError) as exc:
        raise AccountsFileError(
            f"{where}: bad 'password_hash': {exc}", "bad_hash", where=where
        ) from None
    account_id = entry.get("id", name)
    if not isinstance(account_id, str) or not account_id:
        raise _refused(where, "field.id", "'id' must be a non-empty string")
    return AccountRecord(Account(account_id, name, role, scope, can_delete), password_hash)


class Directory:
    """The accounts one server knows, by name and by id."""

    def __init__(self, records: tuple[AccountRecord, ...]) -> None:
        self._by_name = {r.account.name: r for r in records}
        self._by_id = {r.account.id: r for r in records}

    def by_name(self, name: str) -> AccountRecord | None:
        return self._by_name.get(name)

    def by_id(self, account_id: str) -> AccountRecord | None:
        return self._by_id.get(account_id)
