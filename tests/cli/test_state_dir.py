"""A state directory that cannot be used: one clear line naming it, exit 2, nothing sent.

The state directory holds the token cache, the journals and the audit log. Before the fix a
read-only one or a file in its place ended in a traceback (after the login: the token could not
be saved), and one that anyone may write was used as it was (a planted token or journal). Every
case now stops before anything destructive leaves, with the path in one line on stderr.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import httpx
import pytest

from mobitui.cli import main
from mobitui.local import paths, profiles, tokens
from tests.disk_limits import tiny_tmpfs

PASSWORD = "demo-admin-pass"


@pytest.fixture
def server(make_server):
    return make_server(fleet=20, seed=1, speed=0.0)


def use_profile(base_url: str) -> None:
    profile = profiles.Profile("lab", base_url, "admin")
    profiles.save_profiles(profiles.Profiles({"lab": profile}, default="lab"))


def run(monkeypatch, capsys, *argv: str, stdin: str = PASSWORD + "\n") -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.err


def destructive_calls(server) -> list[dict]:
    return httpx.get(f"{server.api_url}/sim/audit").json()["entries"]


def commands(server) -> dict[str, list[str]]:
    one_off = ["--server", server.base_url, "--account", "admin", "--password-stdin"]
    return {
        "groups": ["groups", "--profile", "lab", "--password-stdin"],
        "inactivate": ["inactivate", *one_off, "--device", "d000001", "--agree"],
    }


def make_unusable(state: Path, how: str):
    """Put the state directory in the ``how`` condition; returns a context to run in."""
    import contextlib

    if how == "a file":
        state.parent.mkdir(parents=True, exist_ok=True)
        state.write_text("not a directory")
        return contextlib.nullcontext()
    if how == "read-only":
        if os.geteuid() == 0:
            return tiny_tmpfs(state, "64k", read_only=True)  # root writes through modes
        state.mkdir(parents=True)
        os.chmod(state, 0o500)
        return contextlib.nullcontext()
    state.mkdir(parents=True)
    os.chmod(state, 0o777)  # "writable by everyone"
    return contextlib.nullcontext()


@pytest.mark.parametrize("how", ["a file", "read-only", "writable by everyone"])
@pytest.mark.parametrize("command", ["groups", "inactivate"])
def test_an_unusable_state_dir_is_one_line_exit_2_and_nothing_is_sent(
    server, monkeypatch, capsys, how: str, command: str
) -> None:
    use_profile(server.base_url)
    state = paths.state_dir()
    with make_unusable(state, how):
        code, err = run(monkeypatch, capsys, *commands(server)[command])
    assert code == 2, err
    lines = err.strip().splitlines()
    assert lines[-1].startswith(f"mobitui: {state}"), err
    expected = {
        "a file": "not a directory",
        "read-only": "read-only file system" if os.geteuid() == 0 else "not writable",
        "writable by everyone": "writable by its group and everyone",
    }[how]
    assert expected in lines[-1].lower()
    assert destructive_calls(server) == []


def test_demo_with_a_read_only_state_dir_is_one_line_exit_2(monkeypatch, capsys) -> None:
    state = paths.state_dir()
    with make_unusable(state, "read-only"):
        code, err = run(monkeypatch, capsys, "demo", "--fleet", "10")
    assert code == 2
    assert err.strip().startswith(f"mobitui demo: {state}") and len(err.strip().splitlines()) == 1


def test_a_cached_token_that_is_not_ascii_costs_one_password_prompt(
    server, monkeypatch, capsys
) -> None:
    """A token cached by an older mobitui from a broken server: every later command crashed
    on it. Now it is dropped and the password asked for once."""
    from datetime import UTC, datetime, timedelta

    use_profile(server.base_url)
    soon = datetime.now(UTC) + timedelta(hours=1)
    path = tokens.save_token("lab", "admin", "placeholder", soon, server=server.base_url)
    path.write_text(path.read_text("utf-8").replace("placeholder", "tök€n"), "utf-8")
    code, err = run(monkeypatch, capsys, "groups", "--profile", "lab", "--password-stdin")
    assert code == 0, err
    cached = tokens.load_token("lab", "admin", server=server.base_url)
    assert cached is not None and cached.token.isascii()
    code, err = run(monkeypatch, capsys, "groups", "--profile", "lab", stdin="")
    assert code == 0, err  # the new token works without a password
