"""A full disk, for real: a child process under ``RLIMIT_FSIZE``, or (as root) a tiny tmpfs.

``RLIMIT_FSIZE`` caps the size of any file the process writes; past it ``write`` returns fewer
bytes than asked (a short write), then fails with ``EFBIG``, exactly like a disk that fills up
mid-write. It needs no privileges, but it applies to the whole process, so the code under test
runs in a child (the reference server of the test keeps its database in the parent). SIGXFSZ
is ignored in the child, otherwise the kernel would kill it instead of failing the write.

A tmpfs of a few pages (``mount -t tmpfs -o size=64k``) is the real thing: ``ENOSPC`` for
every writer on it, the test process included. Only root may mount: elsewhere those tests
are skipped, and the ``RLIMIT_FSIZE`` ones still run.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def limit_file_size(limit: int) -> None:
    """In a child before exec: files may grow to ``limit`` bytes; past it writes fail.

    Only the soft limit is set, so the child itself may lift it again (the disk "has room").
    """
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))


def run_limited(
    argv: Sequence[str],
    limit: int,
    *,
    env: Mapping[str, str] | None = None,
    stdin: str = "",
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` with every file it writes capped at ``limit`` bytes."""
    return subprocess.run(
        list(argv),
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        preexec_fn=lambda: limit_file_size(limit),
        cwd=ROOT,
        check=False,
    )


def python_limited(
    code: str, limit: int, *, env: Mapping[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run a Python snippet (dedented) under ``limit``; it prints what the test checks."""
    return run_limited(
        [sys.executable, "-c", textwrap.dedent(code)], limit, env=env, timeout=timeout
    )


@contextlib.contextmanager
def tiny_tmpfs(directory: Path, size: str = "64k", *, read_only: bool = False) -> Iterator[Path]:
    """Mount a tmpfs of ``size`` on ``directory`` (made if missing); skip unless root."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    directory.mkdir(parents=True, exist_ok=True)
    options = f"size={size},mode=0700" + (",ro" if read_only else "")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(directory)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield directory
    finally:
        subprocess.run(["umount", "-l", str(directory)], check=False)


def fill(directory: Path, leave: int = 0) -> None:
    """Fill the file system of ``directory`` until at most ``leave`` bytes are free."""
    stats = os.statvfs(directory)
    free = stats.f_bavail * stats.f_frsize
    if free > leave:
        with open(directory / ".filler", "wb") as handle, contextlib.suppress(OSError):
            handle.write(b"\0" * (free - leave))
