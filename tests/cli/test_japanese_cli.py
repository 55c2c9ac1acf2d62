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


# --------------------------------------------------------------------------- the rest of issue 16
# What the last pass left in English: the profile file's and the settings' problems, the
# reasons a device is left out, the CSV notes, the run's closing notes, cancel's protocol
# errors and a group value that is one group's id and another's name.


#: Stands for a profiles file that is not UTF-8 text.
NOT_UTF8 = "\x00not utf-8"


def write_profiles(text: str) -> None:
    import os
    from pathlib import Path

    folder = Path(os.environ["MOBITUI_CONFIG_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    path = folder / "profiles.toml"
    path.write_bytes(b"\xff\xfe" if text == NOT_UTF8 else text.encode("utf-8"))
    path.chmod(0o600)


LAB = '[profiles.lab]\nbase_url = "https://lab.example"\naccount = "admin"\n'


@pytest.mark.parametrize(
    ("argv", "profiles", "shown"),
    [
        (("devices", "--server", "https://x.example"), None, "--server"),
        (("devices", "--account", "admin"), None, "--account"),
        (("devices", "--profile", "nope"), None, "nope"),
        (("devices",), None, "mobitui"),
        (("devices", "--profile", "nope"), LAB, "lab"),
        (("devices",), LAB + "colour = 1\n", "colour"),
        (("devices",), LAB + 'read_only = "yes"\n', "read_only"),
        (("devices",), LAB + 'lang = "fr"\n', "lang"),
        (("devices",), LAB + "confirm_above = -1\n", "confirm_above"),
        (("devices",), LAB + "stall_after_minutes = 1.5\n", "stall_after_minutes"),
        (("devices",), LAB.replace("https://lab.example", "ftp://lab"), "base_url"),
        (("devices",), LAB + 'proxy = "gopher://p"\n', "proxy"),
        (("devices",), LAB + 'trust = "nobody"\n', "trust"),
        (("devices",), LAB.replace('account = "admin"', 'account = " "'), "account"),
        (("devices",), LAB.replace("[profiles.lab]", '[profiles."a b"]'), "name"),
        (("devices",), 'default_profile = "prod"\n' + LAB, "prod"),
        (("devices",), "default_profile = 3\n" + LAB, "default_profile"),
        (("devices",), "profiles = 3\n", "profiles"),
        (("devices",), "[profiles]\nlab = 3\n", "lab"),
        (("devices",), NOT_UTF8, "profiles.toml"),
        (("--profile", "nope"), LAB, "nope"),  # the TUI's own start
    ],
)
def test_settings_problems_are_japanese(argv, profiles, shown, capsys, monkeypatch) -> None:
    monkeypatch.delenv("MOBITUI_PROFILE", raising=False)
    if profiles is not None:
        write_profiles(profiles)
    code, out, err = run_main(capsys, *argv, "--lang", "ja")
    assert code == 2 and out == "", err
    assert shown in err and english(err) == [], err
    code, _out, english_err = run_main(capsys, *argv, "--lang", "en")
    assert code == 2 and english_err != err and "mobitui: " in english_err  # English stays


def test_a_left_out_device_is_said_in_japanese_for_every_reason() -> None:
    from mobitui.commands.common import stray_text
    from mobitui.domain.selection import Stray, StrayReason
    from mobitui.i18n import Catalogue
    from tests.unit.test_retirement import device

    ja, en = Catalogue("ja"), Catalogue("en")
    found = device(id="d000001", name="営業部-PC", serial="SN-1", group_id="g-2")
    for reason in StrayReason:
        for expected in ("planned", ""):
            stray = Stray(found, reason, expected)
            assert english(stray_text(ja, stray)) == [], stray_text(ja, stray)
            assert stray_text(ja, stray).startswith("d000001 営業部-PC (SN-1): ")
            assert english(stray_text(en, stray)) != []


def test_the_csv_notes_are_japanese(server, make_gateway, capsys, monkeypatch, tmp_path) -> None:
    from tests.cli.test_chosen_devices import active, listing
    from tests.gateway import device_listing, with_fields

    plain = active(listing(make_gateway(server)))
    old, new, other = plain[0], plain[1], plain[2]
    gateway = make_gateway(
        server, answer=device_listing(with_fields(new["id"], serial=old["serial"]))
    )
    headerless = tmp_path / "typo.csv"
    headerless.write_text(f"XX-TYPO-0001\n{other['serial']}\n{other['serial']}\n", "utf-8")
    with_header = tmp_path / "list.csv"
    with_header.write_text(f"serial\n{old['serial']}\n", "utf-8")
    code, _out, err = headless(
        gateway,
        capsys,
        monkeypatch,
        "inactivate",
        "--from-csv",
        str(headerless),
        "--from-csv",
        str(with_header),
        "--dry-run",
    )
    assert code in (0, 1), err
    assert "XX-TYPO-0001" in err and old["id"] in err and new["id"] in err
    assert "'serial'" in err or "「serial」" in err
    assert english(err) == [], err


def test_the_run_s_closing_notes_are_japanese(capsys, monkeypatch) -> None:
    import argparse

    from mobitui.api.errors import BulkIncomplete, ProtocolError
    from mobitui.commands import acting
    from mobitui.commands.common import run
    from mobitui.i18n import Catalogue

    args = argparse.Namespace(lang="ja", server="https://x.example", account="admin")

    async def lied(_args, _settings) -> int:
        raise BulkIncomplete([], [(["d1"], ProtocolError("an id never sent"))], [])

    assert run(args, lied) == 5
    err = capsys.readouterr().err
    note = err.splitlines()[-1]  # after the error and its (test-made) detail: the note
    assert "mobitui resume" in note and english(note) == [], err

    async def cut_off(_args, _settings) -> int:
        raise BrokenPipeError

    monkeypatch.setattr("mobitui.commands.common.silence", lambda stream: None)
    assert run(args, cut_off, destructive=True) == 1
    err = capsys.readouterr().err
    assert "mobitui resume" in err and english(err) == [], err

    class State:
        spec = argparse.Namespace(id="op-1")

        def unknown(self) -> list[str]:
            return ["d000001"]

    acting.say_unknown(Catalogue("ja"), State())  # type: ignore[arg-type]
    err = capsys.readouterr().err
    assert "op-1" in err and english(err) == [], err


def test_a_retirement_left_as_it_was_is_said_in_japanese(capsys, monkeypatch) -> None:
    import argparse

    from mobitui.commands import acting
    from mobitui.domain.text import Lang

    monkeypatch.setattr(
        acting, "fold_operation", lambda *a: argparse.Namespace(problems=["/x/r.json"])
    )
    monkeypatch.setattr(acting, "RetirementStore", lambda *a: None)
    lang: Lang = "ja"
    settings = argparse.Namespace(base_url="https://x", account="admin", lang=lang)
    client = argparse.Namespace(on_server_clock=lambda at: at)
    state = argparse.Namespace(spec=argparse.Namespace(created_at=None, account="admin"))
    acting.fold_retirements(settings, client, state)  # type: ignore[arg-type]
    err = capsys.readouterr().err
    assert "/x/r.json" in err and english(err) == [], err


def test_a_retirement_file_not_listed_is_said_in_japanese(capsys, monkeypatch) -> None:
    import os

    from tests.cli.test_retirement import hostile_record, saved

    damaged = saved(hostile_record()).with_name("broken.json")
    damaged.write_text('{"type": "retirement", "format": 1, "id": ')
    os.chmod(damaged, 0o600)
    code, _out, err = run_main(
        capsys,
        "retirement",
        "list",
        "--server",
        "http://127.0.0.1:9",
        "--account",
        "admin",
        "--format",
        "json",
        "--lang",
        "ja",
    )
    assert code == 1 and "broken.json" in err, err
    ours = err.split(str(damaged.parent))[0]  # after the path: the JSON parser's own words
    assert ours.startswith("mobitui: ") and english(ours) == [], err


@pytest.mark.parametrize("lie", ["GET", "DELETE"])
def test_cancel_s_protocol_errors_are_japanese(
    lie, make_server, make_gateway, capsys, monkeypatch
) -> None:
    from tests.cli.test_cancel import two_requests

    server = make_server(fleet=300, seed=11, speed=0.0)
    asked, other = two_requests(server, make_gateway(server), monkeypatch, capsys)

    def mixed_up(method: str, path: str, status: int, data: object) -> object:
        if method == lie and path.endswith(f"/inactivations/{asked}"):
            return other
        return data

    lying = make_gateway(server, answer=mixed_up)
    code, _out, err = headless(lying, capsys, monkeypatch, "requests", "cancel", asked, "--agree")
    assert code == 5 and asked in err and other["id"] in err, err
    assert english(err) == [], err


def test_a_group_that_is_an_id_and_a_name_is_refused_in_japanese(
    server, make_gateway, capsys, monkeypatch
) -> None:
    from tests.cli.test_chosen_devices import listing

    ids = sorted({d["group_id"] for d in listing(make_gateway(server))})
    coded, plain = ids[0], ids[1]

    def rename(method: str, path: str, status: int, data: object) -> object:
        if method == "GET" and path.endswith("/groups") and isinstance(data, dict):
            items = [{**g, "name": plain} if g["id"] == coded else g for g in data["items"]]
            return {**data, "items": items}
        return data

    gateway = make_gateway(server, answer=rename)
    code, _out, err = headless(gateway, capsys, monkeypatch, "devices", "--group", plain)
    assert code == 2 and coded in err and plain in err, err
    assert english(err) == [], err
