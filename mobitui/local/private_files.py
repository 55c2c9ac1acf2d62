"""Every file mobitui writes goes through here: complete or absent, on disk, and private.

mobitui's files are its proof of what it did to phones that a mistake can lock until a factory
reset, so each writer must be able to say "this is on disk, whole" or fail loudly. One small
module does it for all of them (profiles, tokens, journal, audit log, checklists, fleet cache,
sheets) so the rules cannot drift apart between copies:

- **Checked length.** ``os.write`` may write less than asked (a full disk, ``RLIMIT_FSIZE``)
  without raising; :func:`write_all` loops until every byte is written, or fails.
- **Durable.** Every file is ``fsync``'d before it is relied on, and its directory too after a
  create or a rename (otherwise a power cut can lose the new name).
- **Atomic rewrites.** :func:`write_atomic` writes a temporary file with a random name
  (``secrets.token_hex``) opened ``O_CREAT | O_EXCL | O_NOFOLLOW``, so a symlink planted at
  that name is refused instead of followed, then renames it over the target.
- **Appends that never glue.** :func:`append_line` (and :func:`append_locked` for a file held
  open) cut a torn last line (no newline: a crash mid-write) before writing, and cut their own
  bytes back if the write fails, so a failed append never leaves half a line behind.
- **Readers keep the good lines.** :func:`split_lines` separates the complete lines from a torn
  tail, which the caller names instead of failing on.
- **Private directories.** :func:`ensure_private_dir` creates missing directories 0700 (every
  missing level, not only the last), narrows an existing one of ours to 0700, and refuses one
  that is not a directory, not writable, group/world-writable or owned by another user, with a
  message naming it: someone who can write there could swap a token or plant a journal.

Failures are :class:`PrivateFileError` (an ``OSError``) whose ``str()`` is one line naming the
file and what went wrong; callers wrap it in their own error type.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from mobitui.local.problem import LocalProblem

log = logging.getLogger(__name__)

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
#: Scanning back for the last newline of a file: this many bytes at a time.
_CHUNK = 64 * 1024


class PrivateFileError(OSError):
    """A file or directory cannot be used (safely); ``str()`` names it and says why.

    ``filename`` and ``strerror`` are set like any ``OSError``'s (``strerror`` is the bare
    reason), so callers that print ``f"{exc.filename}: cannot write: {exc.strerror}"`` keep
    working; ``str()`` is the whole line, with what was being done, in English (for logs).

    What the admin reads is said from the parts, in the run's language
    (:func:`mobitui.present.errors.file_text`): ``action`` (``"write"``), and either the
    catalogue ``key`` of one of mobitui's own refusals (:meth:`refused`, with its ``values``)
    or the ``errno`` of the system's.
    """

    def __init__(
        self,
        path: Path | str,
        reason: str,
        code: int | None = None,
        *,
        action: str | None = None,
        key: str | None = None,
        values: dict[str, object] | None = None,
    ) -> None:
        super().__init__(code or 0, reason, str(path))
        self.path = Path(path)
        self.reason = reason
        self.action = action
        self.key = key
        self.values = values or {}

    @classmethod
    def refused(
        cls,
        path: Path | str,
        key: str,
        code: int | None = None,
        /,
        *,
        action: str | None = None,
        **values: object,
    ) -> PrivateFileError:
        """mobitui's own refusal of ``path``: the catalogue's ``file.reason.<key>``."""
        from mobitui.i18n import Catalogue

        full = f"file.reason.{key}"
        english = Catalogue("en")(full, **values)
        return cls(path, english, code, action=action, key=full, values=values)

    def __str__(self) -> str:
        doing = f"cannot {self.action}: " if self.action else ""
        return f"{self.path}: {doing}{self.reason}"


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def failure(path: Path | str, action: str, exc: OSError) -> PrivateFileError:
    """``exc`` as a one-line error naming ``path``: ``<path>: cannot <action>: <why>``."""
    if isinstance(exc, PrivateFileError):
        return exc
    if exc.errno == errno.ELOOP:  # opened with O_NOFOLLOW: a link planted at our name
        return PrivateFileError.refused(path, "symlink", errno.ELOOP, action=action)
    return PrivateFileError(path, _reason(exc), exc.errno, action=action)


def _tmp_failure(tmp: Path, path: Path, exc: OSError) -> PrivateFileError:
    """A temporary file that could not be made, named as the admin knows it: the file being
    written, unless something was planted at the temporary name (that one is named)."""
    if exc.errno in (errno.EEXIST, errno.ELOOP):
        return failure(tmp, "create", exc)
    return failure(path, "write", exc)


def _who(mode: int) -> str:
    """Who besides the owner may write: the key of the refusal that says so."""
    if mode & stat.S_IWGRP and mode & stat.S_IWOTH:
        return "writable_by_group_and_others"
    return "writable_by_group" if mode & stat.S_IWGRP else "writable_by_others"


# --------------------------------------------------------------------------- directories


def check_private_dir(directory: Path, *, writable: bool = True) -> None:
    """Refuse ``directory`` unless it is a directory of this user that nobody else can write.

    A directory of ours that others may only read is narrowed to 0700 (older versions and
    ``mkdir -p`` left them at the umask's 0755). ``writable``: also refuse one this process
    cannot write into (a read-only mount), so the failure is named here, before any work.
    """
    try:
        st = os.stat(directory)
    except OSError as exc:
        raise failure(directory, "use", exc) from None
    if not stat.S_ISDIR(st.st_mode):
        raise PrivateFileError.refused(directory, "not_directory", errno.ENOTDIR)
    uid = os.geteuid()
    if st.st_uid != uid:
        raise PrivateFileError.refused(
            directory, "another_owner", errno.EPERM, owner=st.st_uid, me=uid
        )
    mode = stat.S_IMODE(st.st_mode)
    if mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise PrivateFileError.refused(
            directory, _who(mode), errno.EPERM, mode=f"{mode:04o}", path=directory
        )
    if mode & 0o077:
        with contextlib.suppress(OSError):  # a read-only mount: then refused just below
            os.chmod(directory, PRIVATE_DIR)
    if writable and not os.access(directory, os.W_OK | os.X_OK):
        read_only = False
        with contextlib.suppress(OSError):
            read_only = bool(os.statvfs(directory).f_flag & os.ST_RDONLY)
        if read_only:
            raise PrivateFileError.refused(directory, "read_only", errno.EROFS)
        raise PrivateFileError.refused(directory, "not_writable", errno.EACCES)


def ensure_private_dir(directory: Path, *, root: Path | None = None, writable: bool = True) -> Path:
    """Create ``directory`` (each missing level 0700) and check it and its ancestors up to
    ``root`` (mobitui's own state, config or cache directory) with :func:`check_private_dir`.

    Ancestors above ``root`` (``~``, ``~/.local``) are not mobitui's and are left alone.
    """
    directory = Path(directory)
    missing: list[Path] = []
    probe = directory
    while True:
        try:
            st = os.stat(probe)
        except FileNotFoundError:
            missing.append(probe)
        except NotADirectoryError:
            missing.clear()  # a level above is a file: name that one, below
        except OSError as exc:
            raise failure(probe, "use", exc) from None
        else:
            if not stat.S_ISDIR(st.st_mode):
                raise PrivateFileError.refused(probe, "not_directory", errno.ENOTDIR)
            break
        if probe.parent == probe:
            break
        probe = probe.parent
    for level in reversed(missing):
        try:
            os.mkdir(level, PRIVATE_DIR)
        except FileExistsError:
            pass  # made meanwhile by another mobitui: checked below like any other
        except OSError as exc:
            raise failure(level, "create", exc) from None
        else:
            with contextlib.suppress(OSError):
                os.chmod(level, PRIVATE_DIR)  # a strange umask (0o200) must not leave it 0500
            fsync_dir(level.parent)  # the new directory's own name, durable like a file's
    top = Path(root) if root is not None and directory.is_relative_to(root) else directory
    checked = directory
    while True:
        check_private_dir(checked, writable=writable and checked == directory)
        if checked == top or checked.parent == checked:
            break
        checked = checked.parent
    return directory


def fsync_dir(directory: Path) -> None:
    """Make a new or renamed name in ``directory`` durable (its entry, not only the data)."""
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise failure(directory, "sync", exc) from None
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):  # a file system without dir fsync
            raise failure(directory, "sync", exc) from None
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- writing


def write_all(fd: int, data: bytes | memoryview) -> None:
    """Write every byte of ``data`` to ``fd`` or raise ``OSError``.

    ``os.write`` returns how much it wrote; on a full disk or past ``RLIMIT_FSIZE`` that is less
    than asked, without an error. The next call then raises (ENOSPC, EFBIG); a call that writes
    nothing at all is taken as a full disk.
    """
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


def write_atomic(
    path: Path, data: bytes, *, root: Path | None = None, private: bool = True
) -> None:
    """Replace ``path`` with ``data``: whole or not at all, fsync'd, the rename too.

    ``private``: mode 0600 in a private directory (:func:`ensure_private_dir` up to ``root``).
    Otherwise (sheets and exports, in a folder the admin chose) the folder is only created
    if missing and the file gets the umask's mode; the temporary file is as safe either way.
    """
    path = Path(path)
    directory = path.parent
    if private:
        ensure_private_dir(directory, root=root)
    else:
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise failure(directory, "create", exc) from None
    tmp = directory / f".{path.name}.{secrets.token_hex(8)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(tmp, flags, PRIVATE_FILE if private else 0o666)
    except OSError as exc:
        raise _tmp_failure(tmp, path, exc) from None
    try:
        try:
            if private:
                os.fchmod(fd, PRIVATE_FILE)  # the umask may have narrowed it; never wider
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise failure(path, "write", exc) from None
        raise
    fsync_dir(directory)


def last_line_end(fd: int, size: int) -> int:
    """The length of ``fd``'s first ``size`` bytes up to and with their last newline."""
    if size and os.pread(fd, 1, size - 1) == b"\n":
        return size  # the usual case: one byte read, not a chunk
    end = size
    while end > 0:
        start = max(0, end - _CHUNK)
        chunk = os.pread(fd, end - start, start)
        newline = chunk.rfind(b"\n")
        if newline >= 0:
            return start + newline + 1
        end = start
    return 0


def append_locked(fd: int, line: bytes, path: Path) -> None:
    """Append ``line`` (one complete line, newline included) to ``fd``, opened ``O_APPEND``
    and locked by the caller, then fsync it.

    A torn last line (a crash mid-write) is cut off first, so the new line starts a line of
    its own; if this write fails, the file is cut back to where it was, so no half line is
    ever left for the next append to glue onto.
    """
    if not line.endswith(b"\n"):
        raise ValueError("a line must end with a newline")
    try:
        size = os.fstat(fd).st_size
        good = last_line_end(fd, size) if size else 0
        if good < size:
            log.warning("%s: torn last line (%d bytes) cut before appending", path, size - good)
            os.ftruncate(fd, good)
            size = good
    except OSError as exc:
        raise failure(path, "write", exc) from None
    try:
        write_all(fd, line)
        os.fsync(fd)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, size)
            os.fsync(fd)
        raise failure(path, "write", exc) from None


def append_line(path: Path, line: bytes, *, root: Path | None = None) -> None:
    """Append one line to the private file ``path`` (created 0600), under an exclusive lock
    so two mobitui processes never interleave their lines."""
    path = Path(path)
    ensure_private_dir(path.parent, root=root)
    flags = os.O_RDWR | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC
    created = False
    try:
        try:
            fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
            created = True
        except FileExistsError:
            fd = os.open(path, flags)
    except OSError as exc:
        raise failure(path, "open", exc) from None
    try:
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise PrivateFileError.refused(path, "not_regular")
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError as exc:
            raise failure(path, "open", exc) from None
        append_locked(fd, line, path)
    finally:
        os.close(fd)
    if created:
        fsync_dir(path.parent)


def _publish(tmp: Path, path: Path) -> None:
    """``tmp`` under the new name ``path``; EEXIST when the name is taken."""
    try:
        os.link(tmp, path, follow_symlinks=False)
    except FileExistsError:
        raise PrivateFileError.refused(path, "exists", errno.EEXIST) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        if os.path.lexists(path):  # no hard links here: the narrow window of a rename
            raise PrivateFileError.refused(path, "exists", errno.EEXIST) from None
        os.rename(tmp, path)
    else:
        os.unlink(tmp)


def create_exclusive(path: Path, data: bytes) -> int:
    """A new private file at ``path`` holding ``data`` (fsync'd, its name too), returned open
    for appending (``O_APPEND``); it appears under ``path`` only once ``data`` is whole.

    The data is written to a temporary file that is then linked as ``path``: a crash or a
    full disk leaves either no file or the whole of ``data``, never half of it. A link, unlike
    a rename, refuses a name that exists, so a file (or a symbolic link) that appears under
    ``path`` after the check is never replaced. On a file system without hard links the name
    is checked again and the file renamed. The returned descriptor is the caller's (lock it
    before the name is seen: see the journal).
    """
    path = Path(path)
    directory = path.parent
    tmp = directory / f".{path.name}.{secrets.token_hex(8)}.tmp"
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    if os.path.lexists(path):
        raise PrivateFileError.refused(path, "exists", errno.EEXIST)
    try:
        fd = os.open(tmp, flags, PRIVATE_FILE)
    except OSError as exc:
        raise _tmp_failure(tmp, path, exc) from None
    try:
        os.fchmod(fd, PRIVATE_FILE)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        write_all(fd, data)
        os.fsync(fd)
        _publish(tmp, path)
        fsync_dir(directory)
    except BaseException as exc:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise failure(path, "write", exc) from None
        raise
    return fd


# --------------------------------------------------------------------------- reading


def read_private(path: Path) -> bytes:
    """The bytes of ``path``, refusing a symbolic link; other errors are raised as they are
    (``FileNotFoundError`` stays itself: a missing file is often simply "nothing yet")."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise failure(path, "read", exc) from None
        raise
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


@dataclass(frozen=True, slots=True)
class Lines:
    """A JSON-lines file split into its complete lines and a torn tail."""

    path: Path
    #: Every complete line, without its newline.
    lines: list[bytes]
    #: Bytes up to and with the last newline.
    good_length: int
    #: What follows the last newline: a line torn by a crash or a full disk (b"": none).
    torn: bytes

    @property
    def torn_note(self) -> LocalProblem | None:
        """The torn line named (file, line, size), or None when there is none."""
        if not self.torn:
            return None
        line = len(self.lines) + 1
        return LocalProblem.said("problem.torn", path=self.path, line=line, size=len(self.torn))


def split_lines(path: Path, raw: bytes) -> Lines:
    """Split ``raw`` (the content of ``path``) into complete lines and a torn tail."""
    end = raw.rfind(b"\n") + 1
    lines = raw[:end].split(b"\n")[:-1]
    return Lines(Path(path), lines, end, raw[end:])


def json_line(value: Any) -> bytes:
    """``value`` as one line of compact UTF-8 JSON (the journal's and the audit log's lines).

    Byte for byte what ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))`` gives,
    several times faster (bench/README.md): a batch's record holds a thousand items, the plan
    ten thousand ids and names, and the plan is written (and fsync'd) before the first request
    may leave.
    """
    return msgspec.json.encode(value) + b"\n"
