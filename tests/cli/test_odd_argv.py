"""Bytes that are not UTF-8 in the command line: one clear line and exit 2, never a crash.

Python hands such bytes to the program as lone surrogates; a URL, a JSON body, a terminal
line or a file name written from them raised UnicodeEncodeError or ValueError deep inside.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

MOBITUI = os.fsencode(Path(sys.executable).with_name("mobitui"))


@pytest.mark.parametrize(
    "argv",
    [
        [b"devices", b"--server", b"http://\xff", b"--account", b"a", b"--password-stdin"],
        [b"inactivate", b"--server", b"http://127.0.0.1:9", b"--account", b"\xe9t\xe9", b"-"],
        [b"delete", b"--from-csv", b"/tmp/\x83\x5c.csv", b"--password-stdin"],
    ],
)
def test_non_utf8_arguments_are_named_not_crashed_on(argv: list[bytes], tmp_path: Path) -> None:
    env = {**os.environ, "MOBITUI_STATE_DIR": str(tmp_path / "state")}
    done = subprocess.run(
        [MOBITUI, *argv], input=b"pw\n", capture_output=True, env=env, timeout=60, check=False
    )
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2, err
    assert "is not UTF-8 text" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "state").exists() or not list((tmp_path / "state").glob("crash-*"))


@pytest.mark.parametrize("server", [" http://127.0.0.1:9", "ftp://127.0.0.1", "http://"])
def test_a_server_that_is_not_an_http_url_is_a_usage_error(
    server: str, monkeypatch, capsys
) -> None:
    """A typo in ``--server`` was an internal error (exit 70, a crash file)."""
    import io

    from mobitui.cli import main

    monkeypatch.setattr(sys, "stdin", io.StringIO("pw\n"))
    code = main(["devices", "--server", server, "--account", "a", "--password-stdin"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "not an http(s) server address" in err and "internal error" not in err
