"""Unexpected exceptions: the traceback to a private file, one line on the terminal.

mobitui runs on shared jump hosts, where the scrollback is read by whoever sits there next.
A traceback printed there with its locals (Textual's default prints them) would show device
records: users' names, phone numbers, serials. So any exception nobody handled ends the same
way in the TUI and in the headless commands:

- the traceback, **without locals**, goes to ``crash-<time>-<pid>.txt`` in the state directory
  (made 0700 and checked like every private directory: :mod:`mobitui.local.private_files`), created
  ``O_CREAT | O_EXCL | O_NOFOLLOW`` with mode 0600 (a name planted there, file or symlink, is
  never written through), its whole length written and fsync'd;
- the terminal gets one line naming the exception's type (never its message, which may hold
  server text) and the file: ``mobitui: internal error (KeyError); details in …``; when the
  state directory cannot be used, the line says so and nothing else is shown;
- the exit status is :attr:`ExitCode.INTERNAL` (70, ``EX_SOFTWARE`` of sysexits.h).

Only the standard library, :mod:`mobitui.local.private_files` and :mod:`mobitui.exit_codes`,
so the last resort works whatever else failed to import; the line is said in the run's
language by the catalogue, or in English when even that cannot be imported.
"""

from __future__ import annotations

import contextlib
import os
import platform
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from mobitui.exit_codes import ExitCode
from mobitui.local.private_files import ensure_private_dir, fsync_dir, write_all

if TYPE_CHECKING:
    from mobitui.domain.text import Lang

PREFIX = "crash-"


def _state_dir() -> Path:
    # Imported here: config's own imports (platformdirs, tomli_w) must not be able to stop a
    # crash from being reported; the environment variable alone still works without them.
    try:
        from mobitui.local.paths import state_dir
    except Exception:  # the last resort must not fail on an import
        return Path(os.environ.get("MOBITUI_STATE_DIR") or Path.home() / ".local/state/mobitui")
    return state_dir()


def _unwrap(error: BaseException) -> BaseException:
    """The exception that actually happened (Textual wraps a worker's in ``WorkerFailed``)."""
    inner = getattr(error, "error", None)
    if type(error).__name__ == "WorkerFailed" and isinstance(inner, BaseException):
        return inner
    return error


def _text(errors: list[BaseException], where: str) -> str:
    from mobitui import __version__

    lines = [
        f"mobitui {__version__} internal error ({where})",
        f"time: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"python: {platform.python_version()} on {platform.platform(terse=True)}",
        "",
    ]
    for error in errors:
        # format_exception prints no locals: only the frames, their source lines and the
        # exception (chained ones too).
        lines.extend(traceback.format_exception(error))
        lines.append("")
    return "\n".join(line.rstrip("\n") for line in lines) + "\n"


def write_report(errors: list[BaseException], where: str) -> Path | None:
    """Write the tracebacks of ``errors`` to a new 0600 file in the state dir; None if the
    state dir cannot be used (then nothing is written anywhere)."""
    try:
        # Refused (None) when not ours to write: not a directory, read-only, others may write.
        directory = ensure_private_dir(_state_dir())
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        data = _text(errors, where).encode("utf-8", "backslashreplace")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        for attempt in range(100):
            suffix = f"-{attempt}" if attempt else ""
            path = directory / f"{PREFIX}{stamp}-{os.getpid()}{suffix}.txt"
            try:
                fd = os.open(path, flags, 0o600)
            except FileExistsError:
                continue  # a name already there (a crash this second, or planted): the next
            try:
                write_all(fd, data)
                os.fsync(fd)
                fsync_dir(directory)
            except OSError:
                os.close(fd)
                path.unlink(missing_ok=True)
                return None
            os.close(fd)
            return path
    except Exception:  # a state dir that is a file, read-only, full …
        return None
    return None


def line(error: BaseException, path: Path | None, lang: Lang = "en") -> str:
    """The one line for the terminal, in ``lang``: the exception's type and where the
    details are (in English when the catalogue itself cannot be imported)."""
    kind = type(_unwrap(error)).__name__
    key = "crash.unwritten" if path is None else "crash.written"
    try:
        from mobitui.i18n import Catalogue

        return f"mobitui: {Catalogue(lang)(key, kind=kind, path=path)}"
    except Exception:  # the last resort must not fail on its words
        if path is None:
            return f"mobitui: internal error ({kind}); no crash report could be written"
        return f"mobitui: internal error ({kind}); details in {path}"


def report(error: BaseException, where: str = "cli", lang: Lang = "en") -> int:
    """The headless last resort: write the report, print its line on stderr, return 70."""
    path = write_report([_unwrap(error)], where)
    with contextlib.suppress(OSError, ValueError):  # stderr gone: the exit status still tells
        print(line(error, path, lang), file=sys.stderr, flush=True)
    return ExitCode.INTERNAL


class CrashLog:
    """The TUI's report: the first exception makes the file, later ones (while the app shuts
    down) are appended to it, so the one line printed names the file that holds them all."""

    def __init__(self, where: str = "tui") -> None:
        self.where = where
        self.count = 0
        self.path: Path | None = None

    def add(self, error: BaseException, lang: Lang = "en") -> str | None:
        """Record ``error``; the terminal line for the first one, in ``lang`` (None for the
        others)."""
        self.count += 1
        if self.count == 1:
            self.path = write_report([_unwrap(error)], self.where)
            return line(error, self.path, lang)
        if self.path is not None:
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC)
            except OSError:
                return None
            try:
                more = "".join(traceback.format_exception(_unwrap(error)))
                write_all(
                    fd, f"\nthen, while stopping:\n{more}".encode("utf-8", "backslashreplace")
                )
                os.fsync(fd)
            except OSError:
                pass
            finally:
                os.close(fd)
        return None
