"""Issue 16: the headless CLI in Japanese, with nothing left in English but the vendor's Latin
terms (:mod:`tests.lang_check`): every ``--help``, argparse's own words, a usage error, a dry
run (which says what *would* happen: 「実行予定」), refusals, the password prompt."""

from __future__ import annotations

import getpass
import io
import sys

import pytest

from mobitui.cli import build_parser, main
from mobitui.commands.common import Secret
from tests.lang_check import english_sentences

PASSWORD = "demo-admin-pass"

#: Every command line that has a --help of its own.
COMMANDS = [
    (),
    ("demo",),
    ("serve",),
    ("hash-password",),
    ("logout",),
    ("groups",),
    ("devices",),
    ("requests",),
    ("requests", "cancel"),
    ("inactivate",),
    ("force-inactivate",),
    ("delete",),
    ("resume",),
    ("checklist",),
    ("checklist", "export"),
    ("retirement",),
    ("retirement", "list"),
    ("retirement", "show"),
    ("retirement", "rename"),
    ("retirement", "report"),
    ("profile",),
    ("profile", "list"),
    ("profile", "show"),
    ("auth",),
    ("auth", "status"),
    ("completion",),
]
#: Command names (they stay Latin: they are what is typed).
NAMES = {word for command in COMMANDS for word in command} | {"hash", "password", "force"}


def english(text: str) -> list[str]:
    return english_sentences(text, allow=NAMES)


def test_the_checker_finds_english_and_lets_vendor_terms_options_and_paths_be() -> None:
    assert english("mobitui: --dry-run: nothing was sent") == ["nothing was sent"]
    assert english("Password for admin: ") == ["Password for admin"]
    assert english("「Apple MDMプロファイル削除」 --remove-apple-mdm-profile /sim/audit") == []
    assert english("Hybrid MDM の iOS 端末 `mobitui resume` read_only YYYY-MM-DD HH:MM") == []


def run_main(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit:  # --help, argparse's usage errors
        code = int(exit.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "mobitui")
def test_every_help_is_japanese(command, capsys, monkeypatch) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")  # --lang wins over the locale
    code, out, _err = run_main(capsys, *command, "--help", "--lang", "ja")
    assert code == 0
    assert "使い方:" in out and "オプション" in out, out
    assert english(out) == [], out


def test_the_locale_chooses_the_help_language(capsys, monkeypatch) -> None:
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    _code, out, _err = run_main(capsys, "devices", "--help")
    assert "端末の一覧" in out and english(out) == []
    monkeypatch.setenv("LANG", "C.UTF-8")
    _code, out, _err = run_main(capsys, "devices", "--help")
    assert "usage:" in out and "list devices" in out


def test_the_parser_is_english_again_after_a_japanese_one() -> None:
    """argparse's words are Japanese only while a Japanese parser is built and used."""
    build_parser("ja")
    assert "usage:" in build_parser("en").format_help()


def test_usage_errors_are_japanese(capsys) -> None:
    code, _out, err = run_main(capsys, "devices", "--format", "xml", "--lang", "ja")
    assert code == 2 and "エラー" in err and "不正な選択" in err
    assert english(err) == [], err
    code, _out, err = run_main(capsys, "--lang", "ja", "frobnicate")
    assert code == 2 and english(err) == [], err
    code, _out, err = run_main(capsys, "serve", "--fleet", "-3", "--lang", "ja")
    assert code == 2 and "0 以上" in err and english(err) == [], err


@pytest.fixture
def server(make_server):
    return make_server(fleet=60, seed=5, speed=0.0)


def headless(server, capsys, monkeypatch, *argv: str, stdin: str = PASSWORD + "\n"):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    words = 2 if argv[:2] in (("requests", "cancel"), ("checklist", "export")) else 1
    connection = ["--server", server.base_url, "--account", "admin", "--password-stdin"]
    return run_main(capsys, *argv[:words], *connection, *argv[words:], "--lang", "ja")


def some_devices(server, capsys, monkeypatch) -> list[str]:
    import json

    code, out, _ = headless(server, capsys, monkeypatch, "devices", "--format", "json")
    assert code == 0
    found = json.loads(out)
    return [
        d["id"]
        for d in found
        if d["state"] == "active" and d["platform"] == "windows" and not d["dep"]
    ][:2]


def test_a_dry_run_says_what_would_happen_in_japanese(server, capsys, monkeypatch) -> None:
    ids = some_devices(server, capsys, monkeypatch)
    assert ids
    code, out, err = headless(
        server, capsys, monkeypatch, "inactivate", "--device", *ids, "--dry-run"
    )
    assert code == 0, err
    assert "実行予定" in out and "受付" not in out and "accepted" not in out
    assert "何も送っていません" in err
    assert english(out + err) == [], out + err


def test_a_dry_run_in_json_says_would_act_not_accepted(server, capsys, monkeypatch) -> None:
    import json

    ids = some_devices(server, capsys, monkeypatch)
    code, out, _err = headless(
        server, capsys, monkeypatch, "inactivate", "--device", *ids, "--dry-run", "--format", "json"
    )
    assert code == 0
    assert {row["outcome"] for row in json.loads(out)} == {"would_act"}


def test_refusals_are_japanese(server, capsys, monkeypatch) -> None:
    ids = some_devices(server, capsys, monkeypatch)
    code, _out, err = headless(
        server, capsys, monkeypatch, "inactivate", "--device", *ids, "--read-only"
    )
    assert code == 2 and "読み取り専用" in err and english(err) == [], err
    code, _out, err = headless(server, capsys, monkeypatch, "inactivate")
    assert code == 2 and "--group" in err and english(err) == [], err
    code, _out, err = headless(server, capsys, monkeypatch, "inactivate", "--device", *ids)
    assert code == 2 and "同意" in err and english(err) == [], err  # no --agree, no terminal
    code, _out, err = headless(server, capsys, monkeypatch, "resume", "--agree")
    assert code == 0 and "再開する処理はありません" in err and english(err) == [], err
    code, _out, err = headless(server, capsys, monkeypatch, "retirement", "rename", "r-1", "x")
    assert code == 2 and english(err) == [], err
    code, _out, err = headless(server, capsys, monkeypatch, "groups", stdin="\n")
    assert code == 3 and "パスワードが空" in err and english(err) == [], err


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_password_prompt_is_japanese_on_stderr_and_never_echoes(monkeypatch) -> None:
    asked: list[tuple[str, object]] = []

    def fake_getpass(prompt: str, stream: object = None) -> str:
        asked.append((prompt, stream))
        return "secret"

    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    monkeypatch.setattr(sys, "stderr", Terminal())
    assert Secret(False, stdin=Terminal(), lang="ja").get("admin") == "secret"
    ((prompt, stream),) = asked
    assert prompt == "admin のパスワード: " and stream is sys.stderr
    assert english(prompt) == []
    assert Secret(False, stdin=Terminal(), lang="en").get("admin") == "secret"
    assert asked[1][0] == "Password for admin: "
