"""The local journal of bulk operations: written before anything is sent, read after a crash.

One JSON-lines file per operation in the state directory. Its first line is the whole plan
(every batch and its idempotency key: :class:`~mobitui.domain.operation.OperationSpec`); each
later line says what one batch did. Every line is written with one ``write`` and ``fsync``'d
before the code goes on, so after Ctrl+C, a dropped SSH session, ``kill -9`` or a power cut
the file says exactly which batches are settled; the rest are resent with the same key.

- A last line without its newline was torn by a crash mid-write: it is ignored (that batch
  is simply still open) and cut off before the next append.
- Any other damage is never silently skipped: :class:`JournalError` names the file and line.
- While an operation runs, its file is locked (``flock``), so two mobitui processes can never
  run the same operation at once.
- Files are mode 0600 in a 0700 directory; they hold device ids and names, never a password.
- An ended operation's file moves to ``finished/``, out of the way of the next launch.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mobitui.api.wire import json_line
from mobitui.domain.models import BulkResult, InactivationRequest, WireError, format_time
from mobitui.domain.operation import BatchDone, Ending, OperationSpec, OperationState

SUFFIX = ".jsonl"
FINISHED_DIR = "finished"


class JournalError(Exception):
    """A journal file cannot be used; the message names the file (and line)."""


class JournalBusy(JournalError):
    """Another mobitui process holds this operation's journal."""


def _now() -> str:
    return format_time(datetime.now(UTC)) or ""


@dataclass(frozen=True, slots=True)
class Loaded:
    path: Path
    state: OperationState
    #: Bytes of the file up to the end of its last complete line.
    good_length: int


def read(path: Path) -> Loaded:
    """Fold one journal file; a torn last line is ignored, anything else broken is an error."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise JournalError(f"{path}: cannot read: {exc.strerror}") from None
    end = raw.rfind(b"\n") + 1  # a torn last line (no newline) is not part of the journal
    lines = raw[:end].split(b"\n")[:-1]
    if not lines:
        raise JournalError(f"{path}: line 1: empty journal (no operation header)")
    state: OperationState | None = None
    for number, line in enumerate(lines, start=1):
        try:
            record = json.loads(line.decode("utf-8"))
            if not isinstance(record, dict):
                raise WireError("a record must be a JSON object")
            if state is None:
                state = OperationState(OperationSpec.from_json(record))
            else:
                state.apply(record)
        except (UnicodeDecodeError, json.JSONDecodeError, WireError, ValueError) as exc:
            raise JournalError(f"{path}: line {number}: {exc}") from None
    assert state is not None
    return Loaded(path, state, end)


class JournalFile:
    """One operation's journal, open for appending and locked while it lives.

    ``resumed`` is True when it was opened from disk (:meth:`Journal.open`): an earlier run may
    have sent its first batch without learning the answer, so a refusal now proves nothing
    about what happened then.
    """

    def __init__(self, loaded: Loaded, fd: int, *, resumed: bool) -> None:
        self.path = loaded.path
        self.state = loaded.state
        self.resumed = resumed
        self._fd: int | None = fd

    # ------------------------------------------------------------------ records

    def record_done(self, key: str, result: InactivationRequest | BulkResult) -> None:
        record = {"type": "batch_done", "key": key, "at": _now(), "result": result.to_json()}
        self._append(record, BatchDone.of(key, result))

    def record_refused(self, key: str, status: int | None, code: str | None, message: str) -> None:
        record = {
            "type": "batch_refused",
            "key": key,
            "at": _now(),
            "status": status,
            "code": code,
            "message": message,
        }
        self._append(record)

    def end(self, ending: Ending) -> None:
        """Close the operation for good and move its file to ``finished/``."""
        self._append({"type": "end", "at": _now(), "status": ending.value})
        target = self.path.parent / FINISHED_DIR / self.path.name
        target.parent.mkdir(mode=0o700, exist_ok=True)
        os.replace(self.path, target)
        self.path = target
        self.close()

    def _append(self, record: Mapping[str, Any], done: BatchDone | None = None) -> None:
        """Fold the record in (validating it), then write and fsync it.

        ``done``: the record's batch as already decoded (and validated) from the answer, so
        its thousand items are not read a second time.
        """
        if self._fd is None:
            raise JournalError(f"{self.path}: the journal is closed")
        if done is None:
            self.state.apply(record)
        else:
            self.state.settle(done)
        data = json_line(record)
        try:
            os.write(self._fd, data)
            os.fsync(self._fd)
        except OSError as exc:
            raise JournalError(f"{self.path}: cannot write: {exc.strerror}") from None

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # releases the lock
            self._fd = None

    def __enter__(self) -> JournalFile:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class Journal:
    """The directory of journals (``<state dir>/journal``)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def start(self, spec: OperationSpec) -> JournalFile:
        """Write the plan of a new operation (fsync'd) and hold its file open and locked."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        stamp = spec.created_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = self.directory / f"{stamp}-{spec.kind.value}-{spec.id}{SUFFIX}"
        data = json_line(spec.to_json())
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o600)
        except OSError as exc:
            raise JournalError(f"{path}: cannot create: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.write(fd, data)
            os.fsync(fd)
            _fsync_dir(self.directory)
        except OSError as exc:
            os.close(fd)
            path.unlink(missing_ok=True)
            raise JournalError(f"{path}: cannot write: {exc.strerror}") from None
        return JournalFile(Loaded(path, OperationState(spec), len(data)), fd, resumed=False)

    def open(self, path: Path) -> JournalFile:
        """Open an existing operation to resume it (locked; a torn last line is cut off)."""
        try:
            fd = os.open(path, os.O_RDWR | os.O_APPEND)
        except OSError as exc:
            raise JournalError(f"{path}: cannot open: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise JournalBusy(f"{path}: another mobitui is running this operation") from None
        try:
            loaded = read(path)
            if loaded.good_length < os.fstat(fd).st_size:
                os.ftruncate(fd, loaded.good_length)
                os.fsync(fd)
        except BaseException:
            os.close(fd)
            raise
        return JournalFile(loaded, fd, resumed=True)

    def scan(
        self, *, server: str, profile: str, account: str
    ) -> tuple[list[Loaded], list[JournalError]]:
        """Unfinished operations of this server, profile and account, oldest first, and the
        files that could not be read (shown to the admin, never skipped in silence)."""
        found: list[Loaded] = []
        errors: list[JournalError] = []
        for path in self._files():
            try:
                loaded = read(path)
            except JournalError as exc:
                errors.append(exc)
                continue
            spec = loaded.state.spec
            if (spec.server, spec.profile, spec.account) != (server, profile, account):
                continue
            if loaded.state.ending is None:
                found.append(loaded)
        return found, errors

    def _files(self) -> Iterator[Path]:
        with contextlib.suppress(FileNotFoundError):
            yield from sorted(p for p in self.directory.iterdir() if p.name.endswith(SUFFIX))


def _fsync_dir(directory: Path) -> None:
    """Make a new file's name durable too (a crash right after create keeps the file)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
