"""Issue 16, at home on a jump host: output that cannot be encoded degrades instead of
crashing (the real program, in a subprocess), ``$MOBITUI_PROFILE``, ``profile list|show``,
``auth status`` and the shell completion scripts."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mobitui.cli import main
from mobitui.local.profiles import Profile, Profiles, save_profiles

PASSWORD = "demo-admin-pass"
MOBITUI = str(Path(sys.executable).with_name("mobitui"))

ENCODINGS = [
    pytest.param({"PYTHONIOENCODING": "ascii", "LANG": "ja_JP.UTF-8"}, id="ascii"),
    pytest.param({"PYTHONIOENCODING": "latin-1", "LANG": "C", "LC_ALL": "C"}, id="latin-1"),
]


@pytest.fixture
def server(make_server):
    return make_server(fleet=30, seed=5, speed=0.0)


def program(*argv: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES")}
    return subprocess.run(
        [MOBITUI, *argv],
        input=stdin.encode(),
        capture_output=True,
        env={**environ, **env},
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("env", ENCODINGS)
def test_japanese_output_on_a_terminal_that_cannot_show_it_degrades(env, server) -> None:
    helped = program("--help", "--lang", "ja", env=env)
    assert helped.returncode == 0, helped.stderr
    assert b"Traceback" not in helped.stderr and b"\\u" in helped.stdout
    assert b"--profile" in helped.stdout  # option names stay readable
    refused = program("devices", "--format", "xml", "--lang", "ja", env=env)
    assert refused.returncode == 2 and b"Traceback" not in refused.stderr
    assert b"--format" in refused.stderr
    connection = ["--server", server.base_url, "--account", "admin", "--password-stdin"]
    listed = program("devices", *connection, "--lang", "ja", env=env, stdin=PASSWORD + "\n")
    assert listed.returncode == 0, listed.stderr
    assert b"Traceback" not in listed.stderr
    assert len(listed.stdout.decode("ascii").splitlines()) == 31  # the header and every device
    dry = program(
        "inactivate", *connection, "--group", "nope", "--lang", "ja", env=env, stdin=PASSWORD + "\n"
    )
    assert dry.returncode == 2 and b"Traceback" not in dry.stderr and b"\\u" in dry.stderr


def profiles(server, default: str = "away") -> None:
    save_profiles(
        Profiles(
            {
                "away": Profile("away", "http://127.0.0.1:9", "admin"),
                "here": Profile(
                    "here", server.base_url, "admin", proxy=None, lang="en", confirm_above=5
                ),
                "secret": Profile(
                    "secret",
                    "https://user:hunter2@mdm.example.jp",
                    "ops",
                    proxy="http://me:pw123@proxy.example:8080",
                ),
            },
            default,
        )
    )


def run(capsys, monkeypatch, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_mobitui_profile_chooses_the_profile_when_no_profile_is_given(
    server, capsys, monkeypatch
) -> None:
    profiles(server)
    monkeypatch.setenv("MOBITUI_PROFILE", "here")
    code, out, err = run(
        capsys,
        monkeypatch,
        "groups",
        "--password-stdin",
        "--format",
        "json",
        stdin=PASSWORD + "\n",
    )
    assert code == 0, err
    assert json.loads(out)
    # --profile still wins over the environment.
    code, _out, err = run(
        capsys,
        monkeypatch,
        "groups",
        "--profile",
        "away",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert code == 4, err
    monkeypatch.setenv("MOBITUI_PROFILE", "nope")
    code, _out, err = run(capsys, monkeypatch, "groups", "--password-stdin", stdin=PASSWORD)
    assert code == 2 and "nope" in err and "MOBITUI_PROFILE" in err


def test_profile_list_and_show_never_print_a_secret(server, capsys, monkeypatch) -> None:
    profiles(server)
    monkeypatch.setenv("MOBITUI_PROFILE", "here")
    code, out, _err = run(capsys, monkeypatch, "profile", "list", "--format", "json")
    assert code == 0
    rows = {r["name"]: r for r in json.loads(out)}
    assert rows["away"]["default"] and not rows["away"]["chosen"]
    assert rows["here"]["chosen"] and rows["here"]["base_url"] == server.base_url
    assert rows["secret"]["base_url"] == "https://***@mdm.example.jp"
    code, out, _err = run(capsys, monkeypatch, "profile", "list")
    assert code == 0 and "hunter2" not in out and "user" not in out
    line = next(x for x in out.splitlines() if " here " in f" {x} ")
    assert line.startswith("*")
    code, out, _err = run(capsys, monkeypatch, "profile", "show", "secret", "--format", "json")
    shown = json.loads(out)
    assert (
        code == 0
        and shown["account"] == "ops"
        and shown["proxy"] == "http://***@proxy.example:8080"
    )
    assert "hunter2" not in out and "pw123" not in out
    code, out, _err = run(capsys, monkeypatch, "profile", "show")  # the chosen one
    assert code == 0 and "name: here" in out and "confirm_above: 5" in out
    code, _out, err = run(capsys, monkeypatch, "profile", "show", "gone", "--lang", "ja")
    assert code == 2 and "gone" in err and "ありません" in err


def test_auth_status_reads_the_token_cache_and_checks_only_when_asked(
    server, capsys, monkeypatch
) -> None:
    profiles(server, default="here")
    code, out, _err = run(capsys, monkeypatch, "auth", "status")
    assert code == 3 and "no cached token" in out
    code, _out, err = run(capsys, monkeypatch, "groups", "--password-stdin", stdin=PASSWORD)
    assert code == 0, err
    code, out, _err = run(capsys, monkeypatch, "auth", "status", "--format", "json")
    status = json.loads(out)
    assert code == 0 and status["token"] is True and status["expires_at"]
    assert status["account"] == "admin" and status["profile"] == "here"
    assert "accepted" not in status  # the server was not asked
    code, out, _err = run(capsys, monkeypatch, "auth", "status", "--check", "--lang", "ja")
    assert code == 0 and "受け付けました" in out and "有効期限" in out
    code, _out, _err = run(capsys, monkeypatch, "logout")
    assert code == 0
    code, out, _err = run(capsys, monkeypatch, "auth", "status", "--format", "json")
    assert code == 3 and json.loads(out)["token"] is False


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_for_every_shell(shell, capsys, monkeypatch) -> None:
    code, out, _err = run(capsys, monkeypatch, "completion", shell)
    assert code == 0
    for word in ("inactivate", "force-inactivate", "retirement", "dry-run", "profile"):
        assert word in out, word
    if shell == "bash" and shutil.which("bash"):
        checked = subprocess.run(["bash", "-n"], input=out.encode(), capture_output=True)
        assert checked.returncode == 0, checked.stderr
