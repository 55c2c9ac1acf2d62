"""The local journal of bulk operations: written before anything is sent, read after a crash.

One JSON-lines file per operation in the state directory. Its first line is the whole plan
(every batch and its idempotency key: :class:`~mobitui.domain.operation.OperationSpec`); each
later line says what one batch did. Every line is written with one ``write`` and ``fsync``'d
before the code goes on, so after Ctrl+C, a dropped SSH session, ``kill -9`` or a power cut
the file says exactly which batches are settled; the rest are resent with the same key.

- The plan appears under the journal's name only once it is whole on disk (a temporary
  file, fsync'd, renamed, the directory fsync'd): :meth:`Journal.start` raises
  :class:`JournalError` on a full disk and leaves no half plan behind, and nothing is sent.
- Every write checks its length (:func:`mobitui.local.private_files.write_all`): a short write on
  a full disk is an error, never a silently torn record.
- A last line without its newline was torn by a crash mid-write: :func:`read` names it
  (``Loaded.torn``, and a warning in the log) and keeps every line before it (that batch is
  simply still open); it is cut off before the next append, and an append that fails cuts
  its own bytes back, so nothing ever glues onto half a line.
- Any other damage is never silently skipped: :class:`JournalError` names the file and line.
- The journal directory must be private (0700, this user's): one that others may write is
  refused, since a planted journal would be offered for resuming.
- While an operation runs, its file is locked (``flock``), so two mobitui processes can never
  run the same operation at once.
- Files are mode 0600 in a 0700 directory; they hold device ids and names, never a password.
- An ended operation's file moves to ``finished/``, out of the way of the next launch.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mobitui.domain.models import BulkResult, InactivationRequest, WireError, format_time
from mobitui.domain.operation import BatchDone, Ending, OperationSpec, OperationState
from mobitui.local import private_files
from mobitui.local.private_files import PrivateFileError
from mobitui.local.problem import LocalProblem

log = logging.getLogger(__name__)

SUFFIX = ".jsonl"
FINISHED_DIR = "finished"


class JournalError(LocalProblem):
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
    #: The torn last line named (file, line, size), or None: it was ignored.
    torn: LocalProblem | None = None


_DEFAULT_PORTS = {"http": 80, "https": 443}


def server_key(base_url: str) -> str:
    """``base_url`` normalised for comparing: scheme and host lower-cased, the default port
    written out, no trailing slash (the path kept: two adapters on one host are two servers).
    ``localhost`` and ``127.0.0.1`` stay apart: they are different origins. A string that is
    not an http(s) URL is compared as it is, stripped."""
    text = base_url.strip()
    try:
        url = urlsplit(text)
        scheme, host, port = url.scheme.lower(), url.hostname, url.port
    except ValueError:
        return text.rstrip("/")
    if scheme not in _DEFAULT_PORTS or not host:
        return text.rstrip("/")
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port or _DEFAULT_PORTS[scheme]}{url.path.rstrip('/')}"


def _key_of(loaded: Loaded) -> tuple[str, str, str]:
    spec = loaded.state.spec
    return server_key(spec.server), spec.profile, spec.account


def read(path: Path) -> Loaded:
    """Fold one journal file; a torn last line is named and ignored, anything else broken is
    an error naming the file and line."""
    try:
        raw = private_files.read_private(path)
    except OSError as exc:
        raise JournalError.of(private_files.failure(path, "read", exc)) from None
    split = private_files.split_lines(path, raw)
    if not split.lines:
        if split.torn:
            raise JournalError.said("problem.journal_torn_plan", path=path)
        raise JournalError.said("problem.journal_empty", path=path)
    state: OperationState | None = None
    for number, line in enumerate(split.lines, start=1):
        try:
            record = json.loads(line.decode("utf-8"))
            if not isinstance(record, dict):
                raise WireError("a record must be a JSON object")
            if state is None:
                state = OperationState(OperationSpec.from_json(record))
            else:
                state.apply(record)
        except (UnicodeDecodeError, json.JSONDecodeError, WireError, ValueError) as exc:
            raise JournalError.said(
                "problem.line", path=path, line=number, detail=str(exc)
            ) from None
    assert state is not None
    torn = split.torn_note
    if torn is not None:
        log.warning("%s", torn)
    return Loaded(path, state, split.good_length, torn)


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
        try:
            private_files.ensure_private_dir(target.parent, root=self.path.parent)
            os.replace(self.path, target)
            private_files.fsync_dir(target.parent)
            private_files.fsync_dir(self.path.parent)
        except OSError as exc:
            # The end is on disk: the file is finished wherever it stays.
            self.close()
            raise JournalError.of(private_files.failure(self.path, "move", exc)) from None
        self.path = target
        self.close()

    def _append(self, record: Mapping[str, Any], done: BatchDone | None = None) -> None:
        """Fold the record in (validating it), then write and fsync it.

        ``done``: the record's batch as already decoded (and validated) from the answer, so
        its thousand items are not read a second time.
        """
        if self._fd is None:
            raise JournalError.said("problem.journal_closed", path=self.path)
        if done is None:
            self.state.apply(record)
        else:
            self.state.settle(done)
        try:
            private_files.append_locked(self._fd, private_files.json_line(record), self.path)
        except PrivateFileError as exc:
            raise JournalError.of(exc) from None

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

    def _ready(self) -> None:
        """The directory, created 0700 (up from the state directory) and private."""
        try:
            private_files.ensure_private_dir(self.directory, root=self.directory.parent)
        except PrivateFileError as exc:
            raise JournalError.of(exc, "problem.journal_dir") from None

    def start(self, spec: OperationSpec) -> JournalFile:
        """Write the plan of a new operation and hold its file open and locked.

        The plan is whole and durable (fsync'd, its name too) when this returns; otherwise
        :class:`JournalError` is raised, no journal file exists, and the caller sends nothing.
        """
        self._ready()
        stamp = spec.created_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = self.directory / f"{stamp}-{spec.kind.value}-{spec.id}{SUFFIX}"
        data = private_files.json_line(spec.to_json())
        try:
            fd = private_files.create_exclusive(path, data)
        except PrivateFileError as exc:
            raise JournalError.of(exc) from None
        return JournalFile(Loaded(path, OperationState(spec), len(data)), fd, resumed=False)

    def open(self, path: Path) -> JournalFile:
        """Open an existing operation to resume it (locked; a torn last line is cut off)."""
        try:
            private_files.check_private_dir(path.parent)
            fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError as exc:
            raise JournalError.of(private_files.failure(path, "open", exc)) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise JournalBusy.said("problem.journal_busy", path=path) from None
        try:
            loaded = read(path)
            if loaded.good_length < os.fstat(fd).st_size:
                os.ftruncate(fd, loaded.good_length)
                os.fsync(fd)
        except OSError as exc:
            os.close(fd)
            failure = private_files.failure(path, "truncate", exc)
            raise JournalError.of(failure) from None
        except BaseException:
            os.close(fd)
            raise
        return JournalFile(loaded, fd, resumed=True)

    def scan(
        self, *, server: str, profile: str, account: str
    ) -> tuple[list[Loaded], list[JournalError]]:
        """Unfinished operations of this server, profile and account, oldest first, and the
        files that could not be read (shown to the admin, never skipped in silence).

        Servers are compared by :func:`server_key`: ``--server URL/``, ``HTTPS://HOST`` and
        ``https://host:443`` are the server the operation was planned on (an exact string
        compare said "nothing to resume" and left the operation open)."""
        found, errors = self._unfinished()
        key = (server_key(server), profile, account)
        return [f for f in found if _key_of(f) == key], errors

    def elsewhere(self, *, server: str, profile: str, account: str) -> list[Loaded]:
        """Unfinished operations of other servers, profiles or accounts (unreadable files
        are :meth:`scan`'s to report): "nothing to resume" says they exist."""
        key = (server_key(server), profile, account)
        return [f for f in self._unfinished()[0] if _key_of(f) != key]

    def _unfinished(self) -> tuple[list[Loaded], list[JournalError]]:
        found: list[Loaded] = []
        errors: list[JournalError] = []
        try:
            paths = list(self._files())
        except JournalError as exc:
            return found, [exc]
        for path in paths:
            try:
                loaded = read(path)
            except JournalError as exc:
                errors.append(exc)
                continue
            if loaded.state.ending is None:
                found.append(loaded)
        return found, errors

    def _files(self) -> Iterator[Path]:
        """The journal files, oldest first; a directory that cannot be listed or is not
        private (others could plant an operation in it) is a :class:`JournalError`."""
        try:
            private_files.check_private_dir(self.directory, writable=False)
            names = sorted(p for p in self.directory.iterdir() if p.name.endswith(SUFFIX))
        except FileNotFoundError:
            return
        except PrivateFileError as exc:
            if exc.errno == errno.ENOENT:
                return
            raise JournalError.of(exc, "problem.journal_dir") from None
        except OSError as exc:
            raise JournalError.of(private_files.failure(self.directory, "list", exc)) from None
        yield from names
