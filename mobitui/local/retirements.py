"""Retirements on disk: one JSON file per retirement, per server origin and account.

``<state dir>/retirements/<server and account>/<id>.json``: files 0600 in 0700 directories,
each written whole or not at all (:func:`mobitui.local.private_files.write_atomic`), so a
retirement survives restarts, a full disk (the old file stays whole) and the deletion of its
devices (each trace keeps the device's last snapshot). Servers are compared by
:func:`mobitui.local.journal.server_key`, like the journal's.

A file that cannot be read (damaged, hostile, a symbolic link, too large) is refused by name
(:class:`RetirementError`) and never overwritten; the others are listed as usual.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mobitui.domain.models import WireError
from mobitui.domain.operation import OperationState
from mobitui.domain.retirement import Retirement, check_id, mark_c_done, record_operation
from mobitui.domain.rules import DeviceWarning
from mobitui.local import paths, private_files
from mobitui.local.journal import server_key
from mobitui.local.private_files import PrivateFileError
from mobitui.local.problem import LocalProblem

DIR_NAME = "retirements"
SUFFIX = ".json"
#: A retirement file larger than this is refused unread (10 000 devices fit easily).
MAX_BYTES = 64 * 1024 * 1024


class RetirementError(LocalProblem):
    """A retirement file or directory cannot be used; the message names it."""


def new_id() -> str:
    return secrets.token_hex(8)


def _folder(server: str, account: str) -> str:
    key = server_key(server)
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", f"{key}--{account}")[:80]
    digest = hashlib.sha256(f"{key}\x00{account}".encode()).hexdigest()[:12]
    return f"{safe}-{digest}"


@dataclass(frozen=True, slots=True)
class Listing:
    """Every readable retirement (oldest first) and each file refused, named."""

    retirements: list[Retirement]
    problems: list[RetirementError]


class RetirementStore:
    """The retirements of one server and account."""

    def __init__(self, server: str, account: str, root: Path | None = None) -> None:
        self.server = server
        self.account = account
        self.root = root if root is not None else paths.state_dir() / DIR_NAME
        self.directory = self.root / _folder(server, account)

    def path_of(self, retirement_id: str) -> Path:
        try:
            check_id(retirement_id)
        except WireError:
            shown = repr(retirement_id[:80])
            raise RetirementError.said("problem.retirement_id", id=shown) from None
        return self.directory / f"{retirement_id}{SUFFIX}"

    def save(self, retirement: Retirement) -> Path:
        """Write ``retirement`` (whole or not at all); :class:`RetirementError` naming the file
        when it cannot be, or when the record is of another server or account."""
        if server_key(retirement.server) != server_key(self.server) or (
            retirement.account != self.account
        ):
            raise RetirementError.said("problem.retirement_elsewhere", id=retirement.id)
        path = self.path_of(retirement.id)
        body = json.dumps(retirement.to_json(), ensure_ascii=False, indent=1)
        try:
            private_files.write_atomic(path, body.encode("utf-8"), root=self.root.parent)
        except PrivateFileError as exc:
            raise RetirementError.of(exc) from None
        return path

    def load(self, retirement_id: str) -> Retirement:
        """The retirement of that id; :class:`RetirementError` naming the file otherwise."""
        return self._read(self.path_of(retirement_id))

    def _read(self, path: Path) -> Retirement:
        try:
            size = os.lstat(path).st_size
            if size > MAX_BYTES:
                too_large = PrivateFileError.refused(path, "too_large", limit=MAX_BYTES)
                raise RetirementError.of(too_large)
            raw = private_files.read_private(path)
        except FileNotFoundError:
            raise RetirementError.said("problem.retirement_missing", path=path) from None
        except OSError as exc:
            raise RetirementError.of(private_files.failure(path, "read", exc)) from None
        try:
            data = json.loads(raw.decode("utf-8"))
            retirement = Retirement.from_json(data)
        except UnicodeDecodeError:
            raise RetirementError.of(PrivateFileError.refused(path, "not_utf8")) from None
        except json.JSONDecodeError as exc:
            raise RetirementError.said(
                "problem.line", path=path, line=exc.lineno, detail=exc.msg
            ) from None
        except (WireError, RecursionError) as exc:
            raise RetirementError.said("problem.not_ours", path=path, detail=str(exc)) from None
        if retirement.id != path.name.removesuffix(SUFFIX):
            raise RetirementError.said(
                "problem.retirement_not_its_own", path=path, id=retirement.id
            )
        if server_key(retirement.server) != server_key(self.server) or (
            retirement.account != self.account
        ):
            raise RetirementError.said("problem.retirement_elsewhere_file", path=path)
        return retirement

    def list(self) -> Listing:
        """Every retirement of this server and account, oldest first, and the refused files."""
        found: list[Retirement] = []
        problems: list[RetirementError] = []
        try:
            private_files.check_private_dir(self.directory, writable=False)
            names = sorted(p for p in self.directory.iterdir() if p.name.endswith(SUFFIX))
        except FileNotFoundError:
            return Listing(found, problems)
        except PrivateFileError as exc:
            if exc.errno == errno.ENOENT:
                return Listing(found, problems)
            return Listing(found, [RetirementError.of(exc, "problem.retirements_dir")])
        except OSError as exc:
            failure = private_files.failure(self.directory, "list", exc)
            return Listing(found, [RetirementError.of(failure)])
        for path in names:
            try:
                found.append(self._read(path))
            except RetirementError as exc:
                problems.append(exc)
        found.sort(key=lambda r: (r.created_at, r.id))
        return Listing(found, problems)


@dataclass(frozen=True, slots=True)
class Folded:
    """The retirements a fold changed (and saved), and each file it skipped, named."""

    changed: list[Retirement]
    problems: list[RetirementError]


def _update(store: RetirementStore, change: Callable[[Retirement], Retirement]) -> Folded:
    """Apply ``change`` to every stored retirement, saving only those it changed. A damaged
    file, or one that cannot be written, is skipped and named: never raised."""
    changed: list[Retirement] = []
    problems: list[RetirementError] = []
    try:
        listing = store.list()
    except (OSError, RetirementError) as exc:  # list() names its problems; this is the last net
        problem = RetirementError.said("problem.in_folder", path=store.directory, problem=exc)
        return Folded(changed, [problem])
    problems.extend(listing.problems)
    for retirement in listing.retirements:
        try:
            updated = change(retirement)
            if updated != retirement:
                store.save(updated)
                changed.append(updated)
        except RetirementError as exc:
            problems.append(exc)
        except (OSError, WireError, ValueError) as exc:
            said = RetirementError.said("problem.in_retirement", id=retirement.id, problem=exc)
            problems.append(said)
    return Folded(changed, problems)


def fold_operation(
    store: RetirementStore,
    state: OperationState,
    account: str,
    acknowledged: Mapping[DeviceWarning, frozenset[str]] | None = None,
    at: datetime | None = None,
) -> Folded:
    """Fold a bulk operation (finished, ended with open batches, or failed with a state) into
    every retirement of ``store`` that holds any of its devices
    (:func:`mobitui.domain.retirement.record_operation`, idempotent per operation).

    ``store`` is the session's (its server and the account it signed in as); an operation of
    another server is never folded. Call it after the journal and the audit line are written:
    it never raises, so it never blocks them."""
    spec = state.spec
    if server_key(spec.server) != server_key(store.server):
        return Folded([], [])
    ids = set(spec.device_ids)

    def change(retirement: Retirement) -> Retirement:
        if ids.isdisjoint(retirement.device_ids):
            return retirement
        return record_operation(retirement, state, account, at=at, acknowledged=acknowledged)

    return _update(store, change)


def mark_c_done_in(store: RetirementStore, device_ids: Iterable[str], at: datetime) -> Folded:
    """Procedure C reported done for ``device_ids``: recorded in every retirement holding one
    (once: a device already marked keeps its first time)."""
    wanted = set(device_ids)

    def change(retirement: Retirement) -> Retirement:
        for device_id in wanted.intersection(retirement.device_ids):
            if retirement.traces[device_id].c_done_at is None:
                retirement = mark_c_done(retirement, device_id, at)
        return retirement

    return _update(store, change)
