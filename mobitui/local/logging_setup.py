"""The debug log for a support ticket: ``--debug`` or ``MOBITUI_LOG=path``.

Off unless asked for. When on, mobitui's own events (``mobitui.*`` loggers: the login, each
request's method, path, status and duration, retries, syncs, errors) go to one file with a
timestamp on every line; nothing else does:

- **Never a secret.** The handler hangs on the ``mobitui`` logger only, so httpx's and
  httpcore's records (httpcore logs every header, ``Authorization`` included, at DEBUG) never
  reach it, and both are set to WARNING besides. mobitui logs no header and no body; a
  last filter still blanks anything shaped like ``Bearer …``, ``Authorization: …`` or
  ``password=…``/``"password": …`` should a message ever carry one. The reference server's
  own records (``mobitui.sim``: a demo runs it in-process in tests) are left out: it keeps
  its own log.
- **Private.** The file is 0600: created ``O_EXCL | O_NOFOLLOW``, or, when ``MOBITUI_LOG``
  names a file that exists, opened without following a link and refused unless it is a
  regular file of this user that nobody else can read (it is narrowed to 0600 if only the
  owner's bits differ). A directory it has to create is made 0700
  (:func:`~mobitui.local.private_files.ensure_private_dir`); one that exists (``/tmp``) is
  used as it is.
- ``--debug`` without ``MOBITUI_LOG`` writes a new file under the state directory,
  ``logs/mobitui-YYYYmmdd-HHMMSS-PID.log``, and the caller prints where.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import stat
import time
from collections.abc import Mapping
from pathlib import Path

from mobitui.local import private_files
from mobitui.local.paths import ConfigError, state_dir
from mobitui.local.private_files import PRIVATE_FILE, PrivateFileError

#: The environment variable naming the log file (it turns the log on by itself).
LOG_ENV = "MOBITUI_LOG"
#: Loggers of libraries that may log headers or bodies: kept at WARNING whatever happens.
QUIET_LIBRARIES = ("httpx", "httpcore", "hpack", "h2", "urllib3", "asyncio")
FORMAT = "%(asctime)s.%(msecs)03d %(levelname)s %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"  # local time, with .milliseconds

_SECRETS = (
    re.compile(r"(?i)(bearer\s+)[^\s\"',;]+"),
    re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?)[^\"',;\n]+"),
    re.compile(
        r"(?i)([\"']?(?:password|passwd|token|access_token)[\"']?\s*[:=]\s*[\"']?)[^\s\"',;}]+"
    ),
)


def redact(text: str) -> str:
    """``text`` with every bearer token, Authorization value and password blanked."""
    for pattern in _SECRETS:
        text = pattern.sub(r"\1[redacted]", text)
    return text


class _Redacting(logging.Filter):
    """Drops the server's records and blanks secrets in the rest (the last line of defence)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "mobitui.sim" or record.name.startswith("mobitui.sim."):
            return False
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class PrivateFileHandler(logging.Handler):
    """Each record as one line appended to a 0600 file (through :mod:`private_files`)."""

    def __init__(self, path: Path, fd: int) -> None:
        super().__init__(logging.DEBUG)
        self.path = path
        self._fd: int | None = fd
        self.setFormatter(logging.Formatter(FORMAT, DATE_FORMAT))
        self.addFilter(_Redacting())

    def emit(self, record: logging.LogRecord) -> None:
        if self._fd is None:
            return
        try:
            line = redact(self.format(record)).replace("\n", "\n    ") + "\n"
            private_files.write_all(self._fd, line.encode("utf-8", "backslashreplace"))
        except Exception:
            self.handleError(record)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        super().close()


def default_log_path(now: float | None = None) -> Path:
    """Where ``--debug`` writes without ``MOBITUI_LOG``: a new file in the state directory."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    return state_dir() / "logs" / f"mobitui-{stamp}-{os.getpid()}.log"


def log_path(debug: bool, environ: Mapping[str, str] | None = None) -> Path | None:
    """The file to log to: ``MOBITUI_LOG``'s, else the default one with ``--debug``, else none."""
    env = os.environ if environ is None else environ
    named = env.get(LOG_ENV)
    if named:
        return Path(named).expanduser()
    return default_log_path() if debug else None


def open_private_log(path: Path) -> int:
    """``path`` open for appending, 0600 (see the module's rules); :class:`ConfigError`."""
    directory = path.parent
    try:
        if not directory.exists():
            root = state_dir()
            private_files.ensure_private_dir(
                directory, root=root if directory.is_relative_to(root) else None
            )
        flags = os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC
        try:
            fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        except FileExistsError:
            fd = os.open(path, flags)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise PrivateFileError.refused(path, "not_regular")
            if st.st_uid != os.getuid():
                raise PrivateFileError.refused(
                    path, "another_owner", errno.EPERM, owner=st.st_uid, me=os.getuid()
                )
            os.fchmod(fd, PRIVATE_FILE)  # the umask may have made it narrower; never wider
        except BaseException:
            os.close(fd)
            raise
    except OSError as exc:
        failure = private_files.failure(path, "open", exc)
        raise ConfigError.said("problem.debug_log", problem=failure, env=LOG_ENV) from None
    return fd


def start_logging(path: Path) -> PrivateFileHandler:
    """Send mobitui's own records (DEBUG and up) to ``path``; libraries stay quiet."""
    fd = open_private_log(path)
    handler = PrivateFileHandler(path, fd)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    ours = logging.getLogger("mobitui")
    ours.setLevel(logging.DEBUG)
    ours.addHandler(handler)
    ours.info("mobitui debug log started (pid %d)", os.getpid())
    return handler


def stop_logging(handler: PrivateFileHandler) -> None:
    """Detach and close ``handler`` (tests; a process simply exits)."""
    ours = logging.getLogger("mobitui")
    ours.removeHandler(handler)
    handler.close()
    if not ours.handlers:
        ours.setLevel(logging.NOTSET)


def start_from(
    debug: bool, environ: Mapping[str, str] | None = None
) -> tuple[PrivateFileHandler, bool] | None:
    """The log a run asked for (``--debug``, ``MOBITUI_LOG``), started; None when neither.

    The flag says whether the file is the default one (the caller then prints where it is).
    """
    env = os.environ if environ is None else environ
    path = log_path(debug, env)
    if path is None:
        return None
    return start_logging(path), not env.get(LOG_ENV)
