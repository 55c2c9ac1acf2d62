"""The CLI says a server's failure in the TUI's words (``present.errors.error_text``), in the
language of ``--lang``, else the profile's, else the locale's; the exit code is unchanged.

Before, every command printed the error's raw English ``message`` whatever the language.
"""

from __future__ import annotations

import io
import socket
import sys
from pathlib import Path

import pytest

from mobitui.cli import main
from mobitui.exit_codes import ExitCode
from mobitui.local import paths

PASSWORD = "demo-admin-pass"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _groups(monkeypatch: pytest.MonkeyPatch, *words: str) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    return main(["groups", "--password-stdin", *words])


@pytest.mark.parametrize(
    ("lang", "locale", "said"),
    [
        ("ja", "C.UTF-8", "サーバーに接続できません"),
        ("en", "ja_JP.UTF-8", "Cannot reach the server"),
        (None, "ja_JP.UTF-8", "サーバーに接続できません"),
        (None, "C.UTF-8", "Cannot reach the server"),
    ],
)
def test_an_unreachable_server_is_said_in_the_run_s_language(
    lang: str | None,
    locale: str,
    said: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", locale)
    closed = _closed_port()
    flag = [] if lang is None else ["--lang", lang]
    where = ["--server", f"http://127.0.0.1:{closed}", "--account", "admin"]
    code = _groups(monkeypatch, *where, *flag)
    err = capsys.readouterr().err
    assert code == ExitCode.UNREACHABLE, err
    assert said in err and f"127.0.0.1:{closed}" in err


def test_the_profile_s_language_applies_without_a_flag(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    profiles = Path(paths.config_dir()) / "profiles.toml"
    profiles.parent.mkdir(parents=True, exist_ok=True)
    profiles.write_text(
        f'[profiles.lab]\nbase_url = "http://127.0.0.1:{_closed_port()}"\n'
        'account = "admin"\nlang = "ja"\n',
        "utf-8",
    )
    assert _groups(monkeypatch, "--profile", "lab") == ExitCode.UNREACHABLE
    assert "サーバーに接続できません" in capsys.readouterr().err
    assert _groups(monkeypatch, "--profile", "lab", "--lang", "en") == ExitCode.UNREACHABLE
    assert "Cannot reach the server" in capsys.readouterr().err
