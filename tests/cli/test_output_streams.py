"""What a command does when its output cannot be written: a closed pipe, an ASCII terminal.

A real ``python -m mobitui`` child with real pipes, against the hostile gateway in front of
the real reference server: a pipe whose reader is gone is EPIPE for the child, exactly as
``mobitui … 2>&1 | head -1`` makes it once ``head`` has its line. The server's audit log
says what was acted on.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest

from tests.cli.test_chosen_devices import ACK, PASSWORD, acted_ids, active, at, listing


@pytest.fixture
def server(make_server):
    return make_server(fleet=300, seed=11, speed=0.0)


def child(
    argv: list[str], *, closed: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """``python -m mobitui ARGV`` with the password on stdin; ``closed``: "stdout" or
    "stderr", a pipe whose reading end is closed before the child writes anything."""
    pipes: dict[str, Any] = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    reader = None
    if closed is not None:
        reader, writer = os.pipe()
        pipes[closed] = writer
    process = subprocess.Popen(
        [sys.executable, "-m", "mobitui", *argv],
        stdin=subprocess.PIPE,
        env={**os.environ, **(env or {})},
        **pipes,
    )
    if reader is not None:
        os.close(pipes[closed])
        os.close(reader)  # the reader went away: every write of the child is EPIPE
    out, err = process.communicate(f"{PASSWORD}\n".encode(), timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, out or b"", err or b"")


def five(gateway) -> list[str]:
    ids = [d["id"] for d in active(listing(gateway))[:5]]
    return ["--device", *ids]


# --------------------------------------------------------------------------- broken pipes


def test_a_closed_stderr_does_not_stop_a_destructive_run(server, make_gateway) -> None:
    """Progress and the preflight go to stderr; its reader gone, the first note ended the
    run with exit 0 before anything was sent. They are advisory now: the run goes on, every
    device is acted on once, and the exit code is the run's."""
    gateway = make_gateway(server)
    devices = five(gateway)
    done = child(["inactivate", *at(gateway), *devices, "--agree", *ACK], closed="stderr")
    assert done.returncode == 0, done.stdout
    assert sorted(acted_ids(server)) == sorted(devices[1:])
    assert b"accepted" in done.stdout  # the results still reach stdout


def test_a_closed_stdout_after_acting_is_not_success(server, make_gateway) -> None:
    """The results could not be written: exit 0 told a script all was well although it never
    saw them. Now exit 1, and stderr says how to finish."""
    gateway = make_gateway(server)
    devices = five(gateway)
    done = child(["inactivate", *at(gateway), *devices, "--agree", *ACK], closed="stdout")
    assert done.returncode == 1, done.stderr.decode()
    assert b"the output was closed before every result was written" in done.stderr
    assert b"mobitui resume" in done.stderr
    assert b"Traceback" not in done.stderr
    assert sorted(acted_ids(server)) == sorted(devices[1:])


def test_a_reading_command_cut_off_ends_quietly(server, make_gateway) -> None:
    """``mobitui devices | head``: as Unix tools do, exit 0 and no traceback."""
    gateway = make_gateway(server)
    done = child(["devices", *at(gateway)], closed="stdout")
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr == b""


# --------------------------------------------------------------------------- encodings


def test_an_ascii_terminal_gets_escapes_not_a_crash(server, make_gateway) -> None:
    """``PYTHONIOENCODING=ascii``: the run completed, then writing a Japanese name crashed
    it (exit 70, the table cut). Every output now degrades to ``\\u`` escapes."""
    gateway = make_gateway(server)
    target = next(d for d in active(listing(gateway)) if not d["name"].isascii())
    ascii_only = {"PYTHONIOENCODING": "ascii"}
    done = child(
        ["inactivate", *at(gateway), "--device", target["id"], "--agree", *ACK],
        env=ascii_only,
    )
    assert done.returncode == 0, done.stderr.decode()
    escaped = target["name"].encode("ascii", "backslashreplace")
    assert escaped in done.stdout and b"accepted" in done.stdout
    assert acted_ids(server) == [target["id"]]
    helped = child(["inactivate", "--help"], env=ascii_only)
    assert helped.returncode == 0, helped.stderr.decode()
    assert "同意する".encode("ascii", "backslashreplace") in helped.stdout
