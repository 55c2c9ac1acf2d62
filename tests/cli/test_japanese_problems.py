"""Issue 16: a file, a folder or an input that cannot be used is said in Japanese, all of it.

Before, the sentence around the problem was Japanese and the problem itself English: the
system's ``strerror`` ("No space left on device"), mobitui's own refusals ("writable by its
group and everyone (mode 0777): refused"), the profiles file's TOML errors, the CSV reader's
and the journal's. Each case here makes the problem for real (a full tmpfs, a folder anyone may
write, a symbolic link, a broken file) and runs the real command with ``--lang ja``: the
message names the file and says why, with no English sentence (:mod:`tests.lang_check`); the
same run in English still says it in English.
"""

from __future__ import annotations

import errno
import io
import json
import os
import sys
from pathlib import Path

import pytest

from mobitui.cli import main
from mobitui.i18n import MESSAGES, Catalogue
from mobitui.local import paths
from mobitui.local.private_files import PrivateFileError, failure
from mobitui.present.errors import problem_text
from tests.cli.test_japanese_cli import english
from tests.cli.test_state_dir import make_unusable, use_profile
from tests.disk_limits import fill, tiny_tmpfs
from tests.lang_check import english_sentences

PASSWORD = "demo-admin-pass"
ja, en = Catalogue("ja"), Catalogue("en")


@pytest.fixture
def server(make_server):
    return make_server(fleet=40, seed=3, speed=0.0)


def run(monkeypatch, capsys, *argv: str, lang: str = "ja") -> tuple[int, str, str]:
    """``argv`` with ``--lang`` (``serve`` has none: the locale says it there)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    if argv[0] == "serve":
        monkeypatch.setenv("LC_ALL", "ja_JP.UTF-8" if lang == "ja" else "C.UTF-8")
    try:
        code = main([*argv] if argv[0] == "serve" else [*argv, "--lang", lang])
    except SystemExit as exit:
        code = int(exit.code or 0)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


def one_off(server) -> list[str]:
    return ["--server", server.base_url, "--account", "admin", "--password-stdin"]


def said_in_both(monkeypatch, capsys, argv: list[str], *, code: int = 2) -> tuple[str, str]:
    """The stderr of ``argv`` in Japanese (no English in it) and in English (some)."""
    got, _out, err_ja = run(monkeypatch, capsys, *argv)
    assert got == code, err_ja
    assert english(err_ja) == [], err_ja
    got, _out, err_en = run(monkeypatch, capsys, *argv, lang="en")
    assert got == code and english(err_en) != [], err_en
    return err_ja, err_en


# --------------------------------------------------------------------------- every reason


@pytest.mark.parametrize("key", sorted(k for k in MESSAGES if k.startswith("file.errno.E")))
def test_every_system_reason_with_a_sentence_is_japanese(key: str) -> None:
    code = getattr(errno, key.removeprefix("file.errno."))
    said = problem_text(ja, failure("/srv/x.json", "write", OSError(code, os.strerror(code))))
    assert said.startswith("/srv/x.json: 書き込めません: ") and english(said) == [], said
    assert problem_text(en, failure("/srv/x.json", "write", OSError(code, "E"))) == (
        f"/srv/x.json: cannot write: {MESSAGES[key][1]}"
    )


def test_a_system_reason_without_a_sentence_is_named_not_left_in_english() -> None:
    error = failure("/srv/x", "read", OSError(errno.EXDEV, os.strerror(errno.EXDEV)))
    assert problem_text(ja, error) == "/srv/x: 読めません: システムのエラー EXDEV"
    assert problem_text(en, error) == f"/srv/x: cannot read: {os.strerror(errno.EXDEV)}"


@pytest.mark.parametrize(
    "key", sorted(k.removeprefix("file.reason.") for k in MESSAGES if k.startswith("file.reason."))
)
def test_every_refusal_of_mobitui_is_japanese(key: str) -> None:
    values = {"owner": 1001, "me": 0, "mode": "0777", "path": "/srv/d", "limit": 8_000_000}
    refusal = PrivateFileError.refused("/srv/d", key, None, **values)
    assert english(problem_text(ja, refusal)) == [], problem_text(ja, refusal)
    assert str(refusal) == problem_text(en, refusal)  # the English is the log's


# --------------------------------------------------------------------------- the real thing


@pytest.mark.parametrize("how", ["a file", "read-only", "writable by everyone"])
def test_an_unusable_state_dir_is_said_in_japanese(server, monkeypatch, capsys, how) -> None:
    use_profile(server.base_url)
    state = paths.state_dir()
    argv = ["inactivate", *one_off(server), "--device", "d000001", "--agree"]
    with make_unusable(state, how):
        err_ja, _ = said_in_both(monkeypatch, capsys, argv)
    expected = {
        "a file": "フォルダーではありません",
        "read-only": "読み取り専用" if os.geteuid() == 0 else "書き込みの権限がありません",
        "writable by everyone": "グループのユーザーもすべてのユーザーも書き込める",
    }[how]
    assert str(state) in err_ja and expected in err_ja and "$MOBITUI_STATE_DIR" in err_ja


def test_a_full_disk_under_the_journal_is_said_in_japanese(server, monkeypatch, capsys) -> None:
    """The state folder is usable, but its disk is full: the plan cannot be written, and
    nothing is sent."""
    import httpx

    state = paths.state_dir()
    with tiny_tmpfs(state, "64k"):
        fill(state, leave=0)
        ids = [
            d["id"]
            for d in httpx.get(
                f"{server.api_url}/devices", headers=_auth(server), params={"limit": 40}
            ).json()["items"]
            if d["state"] == "active"
        ][:2]
        argv = ["inactivate", *one_off(server), "--device", *ids, "--agree"]
        err_ja, err_en = said_in_both(monkeypatch, capsys, argv, code=2)
    assert "ディスクの空き容量がありません" in err_ja, err_ja
    assert "No space left on device" in err_en
    entries = httpx.get(f"{server.api_url}/sim/audit").json()["entries"]
    assert entries == []  # nothing the journal could not hold was sent


def _auth(server) -> dict[str, str]:
    import httpx

    answer = httpx.post(
        f"{server.api_url}/auth/login", json={"account": "admin", "password": PASSWORD}
    )
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def write_profiles(text: str | None, *, as_folder: bool = False) -> Path:
    folder = paths.config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    path = folder / "profiles.toml"
    if as_folder:
        path.mkdir()
    else:
        path.write_text(text or "", "utf-8")
        path.chmod(0o600)
    return path


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ('[profiles.lab]\nbase_url "https://x"\n', "2 行目 10 文字目: TOML として読めません（キー"),
        ('[profiles.lab]\nbase_url = "https://x\n', "2 行目"),
        ("[profiles.lab]\n[profiles.lab]\n", "同じキーまたは表が2回"),
        ("[profiles.lab\n", "1 行目 14 文字目: TOML として読めません（表の見出しの「]」"),
        ("[profiles.lab]\nbase_url = 2026-13-45\n", "TOML として読めません"),
    ],
)
def test_a_profiles_file_that_is_not_toml_is_said_in_japanese(
    text, shown, monkeypatch, capsys
) -> None:
    monkeypatch.delenv("MOBITUI_PROFILE", raising=False)
    path = write_profiles(text)
    err_ja, err_en = said_in_both(monkeypatch, capsys, ["devices"])
    assert str(path) in err_ja and shown in err_ja, err_ja
    assert "line" in err_en


def test_a_profiles_file_that_is_a_folder_is_said_in_japanese(monkeypatch, capsys) -> None:
    monkeypatch.delenv("MOBITUI_PROFILE", raising=False)
    path = write_profiles(None, as_folder=True)
    err_ja, _ = said_in_both(monkeypatch, capsys, ["devices"])
    assert f"{path}: 読めません: フォルダーです" in err_ja, err_ja


def test_a_debug_log_that_is_a_link_is_said_in_japanese(monkeypatch, capsys, tmp_path) -> None:
    target = tmp_path / "elsewhere.log"
    target.write_text("")
    link = tmp_path / "debug.log"
    link.symlink_to(target)
    monkeypatch.setenv("MOBITUI_LOG", str(link))
    err_ja, _ = said_in_both(monkeypatch, capsys, ["profile", "list"])
    assert str(link) in err_ja and "シンボリックリンク" in err_ja and "$MOBITUI_LOG" in err_ja


# --------------------------------------------------------------------------- CSV files


@pytest.mark.parametrize(
    ("content", "column", "shown"),
    [
        (b"serial\n\x81\x7f\xff\xfe\n", None, "UTF-8 でも Shift_JIS でもありません"),
        (b'serial\n"SN-1\n', None, "CSV として読めません"),
        (b"a" + b"," * 100_001 + b"\n", None, "1 行のカンマが 10,000 個より多く"),
        (b"serial,name\nSN-1,x\n", "nope", "列 'nope' はありません"),
        (b"serial,serial\nSN-1,SN-2\n", "serial", "その見出しの列が複数あります"),
        (b"SN-1\n", "7", "列 '7' はありません（列: 1〜1）"),
    ],
    ids=["encoding", "quote", "commas", "no column", "header twice", "no such number"],
)
def test_a_csv_that_is_not_a_list_of_devices_is_said_in_japanese(
    server, monkeypatch, capsys, tmp_path, content, column, shown
) -> None:
    sheet = tmp_path / "list.csv"
    sheet.write_bytes(content)
    argv = ["inactivate", *one_off(server), "--from-csv", str(sheet), "--dry-run"]
    if column is not None:
        argv += ["--column", column]
    err_ja, _ = said_in_both(monkeypatch, capsys, argv)
    assert str(sheet) in err_ja and shown in err_ja, err_ja


def test_a_csv_that_cannot_be_read_is_said_in_japanese(server, monkeypatch, capsys, tmp_path):
    argv = ["inactivate", *one_off(server), "--from-csv", str(tmp_path), "--dry-run"]
    err_ja, _ = said_in_both(monkeypatch, capsys, argv)
    assert f"{tmp_path}: 読めません: フォルダーです" in err_ja, err_ja


# --------------------------------------------------------------------------- journals, records


def test_a_damaged_journal_is_said_in_japanese(server, monkeypatch, capsys) -> None:
    from mobitui.local.journal import Journal
    from tests.unit.test_disk_full import spec

    use_profile(server.base_url)
    journal = Journal(paths.ensure_state_dir() / "journal")
    planned = spec(3)
    with journal.start(planned) as opened:
        path = opened.path
    with path.open("ab") as handle:
        handle.write(b'{"type": "nonsense"}\n')
    _code, _out, err = run(monkeypatch, capsys, "resume", "--profile", "lab", "--password-stdin")
    assert english_sentences(err, allow={"lab", "admin"}) == [], err  # the profile and account
    assert str(path) in err and "2 行目が壊れていて読めません" in err, err


def test_a_damaged_retirement_record_is_said_in_japanese(monkeypatch, capsys) -> None:
    from tests.cli.test_retirement import hostile_record, saved

    path = saved(hostile_record())
    path.write_text(json.dumps({"type": "retirement", "format": 1, "id": 3}), "utf-8")
    retirement_id = path.name.removesuffix(".json")
    argv = ["retirement", "show", retirement_id, "--server", "http://127.0.0.1:9"]
    err_ja, _ = said_in_both(monkeypatch, capsys, [*argv, "--account", "admin"])
    assert str(path) in err_ja and "mobitui のファイルとして読めません" in err_ja, err_ja


def test_sheets_to_a_path_that_is_a_file_are_said_in_japanese(
    server, monkeypatch, capsys, tmp_path
) -> None:
    """``checklist export``'s ``--lang`` is the sheets' language: the messages' is the locale's."""
    blocker = tmp_path / "sheets"
    blocker.write_text("a file where the folder should be")
    argv = ["checklist", "export", *one_off(server), "--device", "d000001"]
    argv += ["--out", str(blocker / "x")]
    monkeypatch.setenv("LC_ALL", "ja_JP.UTF-8")
    code, _out, err_ja = run(monkeypatch, capsys, *argv)
    assert code == 2 and english(err_ja) == [], err_ja
    assert str(blocker) in err_ja and "フォルダーではありません" in err_ja, err_ja


@pytest.mark.parametrize("flag", ["--sim-controls", None])
def test_serve_s_refusals_are_japanese(monkeypatch, capsys, flag) -> None:
    argv = ["serve", "--host", "0.0.0.0", "--fleet", "5"]
    if flag:
        argv.append(flag)
    err_ja, _ = said_in_both(monkeypatch, capsys, argv)
    assert "'0.0.0.0' では待ち受けません" in err_ja, err_ja


def test_serve_on_a_port_in_use_is_said_in_japanese(monkeypatch, capsys, tmp_path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        argv = ["serve", "--port", port, "--fleet", "5", "--db", str(tmp_path / "s.db")]
        err_ja, _ = said_in_both(monkeypatch, capsys, argv)
    assert "すでに使われています" in err_ja, err_ja


def test_a_mistyped_argument_s_escapes_never_reach_the_terminal(capsys) -> None:
    """argparse quoted an unknown argument raw: an escape sequence pasted into it reached the
    terminal (found by an adversarial review)."""
    code, _out, err = run(
        pytest.MonkeyPatch(), capsys, "devices", "--csv", "/tmp/\x1b[31mx\x1b]0;pwned\x07.csv"
    )
    assert code == 2
    assert "\x1b" not in err and "\x07" not in err and "␛" in err, repr(err)


def test_a_one_off_server_that_is_not_http_is_refused_in_japanese(monkeypatch, capsys) -> None:
    argv = ["devices", "--server", "ftp://x", "--account", "a", "--password-stdin"]
    err_ja, err_en = said_in_both(monkeypatch, capsys, argv)
    assert "'ftp://x'" in err_ja and "http:// または https://" in err_ja, err_ja
    assert "not an http(s) server address" in err_en


@pytest.mark.parametrize(
    ("content", "shown"), [(None, "ファイルまたはフォルダーがありません"), ("junk", "PEM 形式")]
)
def test_a_ca_bundle_that_cannot_be_loaded_is_said_in_japanese(
    monkeypatch, capsys, tmp_path, content, shown
) -> None:
    bundle = tmp_path / "corp.pem"
    if content is not None:
        bundle.write_text(content)
    write_profiles(
        f'[profiles.lab]\nbase_url = "https://127.0.0.1:9"\naccount = "admin"\n'
        f'ca_bundle = "{bundle}"\n'
    )
    argv = ["devices", "--profile", "lab", "--password-stdin"]
    _code, _out, err = run(monkeypatch, capsys, *argv)
    assert str(bundle) in err and shown in err, err
    assert english_sentences(err, allow={"lab", "admin"}) == [], err


@pytest.mark.parametrize(
    ("content", "shown"),
    [
        (None, "ファイルまたはフォルダーがありません"),
        ("account = [", "TOML として読めません"),
        ("x = 1\n", "[[account]] の表が一つもありません"),
        ('[[account]]\nname = "a"\nrole = "boss"\n', "role は admin または operator"),
        ('[[account]]\nname = "a"\ncolour = 1\n', "知らないキーがあります: colour"),
    ],
    ids=["missing", "not toml", "empty", "role", "unknown key"],
)
def test_serve_s_accounts_file_problems_are_japanese(
    monkeypatch, capsys, tmp_path, content, shown
) -> None:
    accounts = tmp_path / "accounts.toml"
    if content is not None:
        accounts.write_text(content, "utf-8")
    argv = ["serve", "--accounts", str(accounts), "--port", "0", "--db", str(tmp_path / "s.db")]
    err_ja, _ = said_in_both(monkeypatch, capsys, argv)
    assert str(accounts) in err_ja and shown in err_ja, err_ja
