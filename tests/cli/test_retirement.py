"""``mobitui retirement list|show|report`` against records saved through the store.

The record of the main tests is made the way the product makes one: a real ``mobitui
force-inactivate`` against the reference server, its journal folded in
(:func:`mobitui.domain.retirement.record_operation`), saved by
:class:`mobitui.local.retirements.RetirementStore`. ``list`` and ``show`` read files only: they
run against a server address nobody listens on.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mobitui.cli import main
from mobitui.domain.models import Device
from mobitui.domain.retirement import ORDER, Retirement, observe, record_operation, start
from mobitui.i18n import Catalogue
from mobitui.local import journal, paths
from mobitui.local.retirements import RetirementStore
from tests.cli.test_headless import PASSWORD, Run, plain
from tests.unit.test_retirement import device
from tests.unit.test_retirement_report import outside_code_spans

NOWHERE = "http://127.0.0.1:9"  # nobody listens: list and show must not need a server
HOSTILE = '\x1b]0;pwned\x07=HYPERLINK("http://evil")[x](http://evil.example)|`\u202e<b>'


@pytest.fixture
def server(make_server):
    return make_server(fleet=60, seed=5, speed=0.0)


def run(base_url: str, *args: str, monkeypatch, capsys, stdin: str = PASSWORD + "\n") -> Run:
    """``mobitui retirement SUB ...`` as a script runs it (the connection after the words)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    connection = ["--server", base_url, "--account", "admin", "--password-stdin"]
    code = main(["retirement", args[0], *connection, *args[1:]])
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def fleet(server, monkeypatch, capsys) -> list[dict[str, Any]]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    connection = ["--server", server.base_url, "--account", "admin", "--password-stdin"]
    code = main(["devices", *connection, "--format", "json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def forced_retirement(server, monkeypatch, capsys, *, name: str = "営業部 2025") -> Retirement:
    """Four devices; the first two force-inactivated by a real run, its journal folded in,
    then the fleet observed."""
    chosen = plain(fleet(server, monkeypatch, capsys))[:4]
    record = start(
        "sales-2025",
        name,
        server.base_url,
        "admin",
        [Device.from_json(d) for d in chosen],
        datetime(2000, 1, 1, tzinfo=UTC),
    )
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    connection = ["--server", server.base_url, "--account", "admin", "--password-stdin"]
    ids = [d["id"] for d in chosen[:2]]
    argv = ["force-inactivate", *connection, "--device", *ids, "--agree"]
    code = main([*argv, "--acknowledge", "still_communicating"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    finished = list((paths.state_dir() / "journal").rglob("*.jsonl"))
    assert len(finished) == 1, finished
    state = journal.read(finished[0]).state
    record = record_operation(record, state, "admin")
    # and a look at the fleet afterwards, as the retirement view takes one
    seen = {d["id"]: Device.from_json(d) for d in fleet(server, monkeypatch, capsys)}
    record = observe(record, seen, datetime.now(UTC))
    RetirementStore(server.base_url, "admin").save(record)
    return record


def saved(record: Retirement) -> Path:
    return RetirementStore(record.server, record.account).save(record)


def hostile_record(base_url: str = NOWHERE) -> Retirement:
    """A record whose device name, user, serial and own name are hostile, as a file edited by
    hand (or a hostile server's names kept raw) would hold them."""
    evil = device(id="d000001", name=HOSTILE, serial="=SUM(1)", user_name=HOSTILE)
    created = datetime(2025, 4, 1, tzinfo=UTC)
    return start("evil", HOSTILE, base_url, "admin", [evil], created)


def inert(text: str) -> None:
    for bad in ("\x1b", "\x9b", "\x07", "\u202e"):
        assert bad not in text, (bad, text)


# --------------------------------------------------------------------------- list


def test_list_shows_each_record_and_its_counts_without_a_server(
    server, monkeypatch, capsys
) -> None:
    record = forced_retirement(server, monkeypatch, capsys)
    # Read from the files alone: the same record kept for an address nobody listens on.
    saved(replace(record, server=NOWHERE))
    listed = run(NOWHERE, "list", "--format", "json", monkeypatch=monkeypatch, capsys=capsys)
    assert listed.code == 0, listed.err
    [row] = listed.json()
    assert row["id"] == record.id and row["name"] == "営業部 2025" and row["devices"] == 4
    assert row["created_at"] == "2000-01-01T00:00:00+00:00"
    assert {s.value: row[s.value] for s in ORDER} == {
        "active": 2,
        "requested": 0,
        "on_device": 0,
        "stalled": 0,
        "inactive": 2,
        "deleted": 0,
        "attention": 0,
    }
    table = run(NOWHERE, "list", "--lang", "ja", monkeypatch=monkeypatch, capsys=capsys)
    assert table.code == 0
    ja = Catalogue("ja")
    assert table.out.splitlines()[0].split() == [
        "id",
        "name",
        "created_at",
        "devices",
        *(ja(f"retirement.stage.{s.value}") for s in ORDER),
    ]
    assert "sales-2025" in table.out and "営業部" in table.out
    sheet = run(NOWHERE, "list", "--format", "csv", monkeypatch=monkeypatch, capsys=capsys)
    [first] = csv.DictReader(io.StringIO(sheet.out))
    assert first["inactive"] == "2"


def test_an_empty_list_is_only_the_header(monkeypatch, capsys) -> None:
    listed = run(NOWHERE, "list", "--format", "json", monkeypatch=monkeypatch, capsys=capsys)
    assert listed.code == 0 and listed.json() == [] and listed.err == ""


def test_a_damaged_file_is_named_and_the_others_still_listed(monkeypatch, capsys) -> None:
    good = saved(hostile_record())
    damaged = good.with_name("broken.json")
    damaged.write_text('{"type": "retirement", "format": 1, "id": ')
    os.chmod(damaged, 0o600)
    listed = run(NOWHERE, "list", "--format", "json", monkeypatch=monkeypatch, capsys=capsys)
    assert listed.code == 1
    assert [r["id"] for r in listed.json()] == ["evil"]
    assert "broken.json" in listed.err and "not listed" in listed.err
    # and ``show`` of the damaged one names it too, exit 2
    shown = run(NOWHERE, "show", "broken", monkeypatch=monkeypatch, capsys=capsys)
    assert shown.code == 2 and "broken.json" in shown.err and shown.out == ""


def test_records_of_another_account_are_not_listed(monkeypatch, capsys) -> None:
    other = RetirementStore(NOWHERE, "operator")
    record = hostile_record()
    other.save(replace(record, account="operator"))
    listed = run(NOWHERE, "list", "--format", "json", monkeypatch=monkeypatch, capsys=capsys)
    assert listed.code == 0 and listed.json() == []


# --------------------------------------------------------------------------- show


def test_show_names_each_device_its_stage_times_and_request_ids(
    server, monkeypatch, capsys
) -> None:
    record = forced_retirement(server, monkeypatch, capsys)
    shown = run(
        NOWHERE, "show", record.id, "--format", "json", monkeypatch=monkeypatch, capsys=capsys
    )
    # NOWHERE is another server: its records are not these
    assert shown.code == 2 and "no retirement 'sales-2025'" in shown.err
    shown = run(
        server.base_url,
        "show",
        record.id,
        "--format",
        "json",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert shown.code == 0, shown.err
    whole = shown.json()
    assert whole["name"] == "営業部 2025" and whole["created_at"] == "2000-01-01T00:00:00+00:00"
    rows = whole["devices"]
    assert [r["device_id"] for r in rows] == list(record.device_ids)
    forced, untouched = rows[:2], rows[2:]
    assert all(r["stage"] == "inactive" and r["forced_at"] and r["by"] == "admin" for r in forced)
    assert all(len(r["request_ids"].split()) == 1 for r in forced)
    assert all(r["stage"] == "active" and not r["request_ids"] for r in untouched)
    assert rows[0]["serial"] == record.ordered()[0].device.serial
    table = run(server.base_url, "show", record.id, monkeypatch=monkeypatch, capsys=capsys)
    lines = table.out.splitlines()
    assert lines[0] == "name: 営業部 2025" and lines[1] == "created_at: 2000-01-01T00:00:00+00:00"
    assert lines[3].split()[:4] == ["device_id", "name", "serial", "stage"]
    assert len(lines) == 4 + 4


def test_an_unknown_or_impossible_id_is_a_clear_usage_error(monkeypatch, capsys) -> None:
    saved(hostile_record())
    for wanted in ("nope", "../../etc/passwd", "\x1b[31mred"):
        for sub in ("show", "report"):
            result = run(NOWHERE, sub, wanted, monkeypatch=monkeypatch, capsys=capsys)
            assert result.code == 2, (sub, wanted, result.err)
            assert "no retirement" in result.err and result.out == ""
            assert "Traceback" not in result.err
            inert(result.err)


# --------------------------------------------------------------------------- hostile


def test_a_hostile_name_is_inert_in_every_format(monkeypatch, capsys) -> None:
    saved(hostile_record())
    outputs = []
    for sub, fmt in [
        ("list", "table"),
        ("list", "json"),
        ("list", "csv"),
        ("show", "table"),
        ("show", "json"),
        ("show", "csv"),
    ]:
        words = [sub, "evil"] if sub == "show" else [sub]
        result = run(
            NOWHERE,
            *words[:1],
            *words[1:],
            "--format",
            fmt,
            monkeypatch=monkeypatch,
            capsys=capsys,
        )
        assert result.code == 0, result.err
        outputs.append(result.out)
    for fmt in ("csv", "markdown"):
        for lang in ("ja", "en"):
            result = run(
                NOWHERE,
                "report",
                "evil",
                "--format",
                fmt,
                "--lang",
                lang,
                monkeypatch=monkeypatch,
                capsys=capsys,
            )
            assert result.code == 0, result.err
            outputs.append(result.out)
    for text in outputs:
        inert(text)
        assert "␛]0;pwned␇" in text  # made visible, not dropped
    # CSV never a formula: neither the name nor the serial
    for text in (outputs[2], outputs[5], outputs[6], outputs[7]):
        for cells in csv.reader(io.StringIO(text)):
            assert not any(c.startswith(("=", "+", "-", "@")) for c in cells), cells
    # Markdown: the name only ever in a code span, never a link
    for text in outputs[8:]:
        assert "evil.example" not in outside_code_spans(text)


# --------------------------------------------------------------------------- report


def test_report_in_japanese_and_english(server, monkeypatch, capsys) -> None:
    record = forced_retirement(server, monkeypatch, capsys)
    ja = run(
        server.base_url, "report", record.id, "--lang", "ja", monkeypatch=monkeypatch, capsys=capsys
    )
    en = run(
        server.base_url, "report", record.id, "--lang", "en", monkeypatch=monkeypatch, capsys=capsys
    )
    assert ja.code == en.code == 0, (ja.err, en.err)
    assert ja.out.startswith("# 端末の廃止記録: `営業部 2025`")
    assert en.out.startswith("# Retirement: `営業部 2025`")
    assert "無効" in ja.out and "| Inactive | 2 |" in en.out
    # Without --audit-from-server nothing is compared: never "agree"
    assert "一致" not in ja.out.replace("不一致", "") and "agree" not in en.out
    sheet = run(
        server.base_url,
        "report",
        record.id,
        "--format",
        "csv",
        "--lang",
        "en",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    rows = list(csv.DictReader(io.StringIO(sheet.out)))
    assert [r["Device ID"] for r in rows] == list(record.device_ids)
    assert [r["Audit records"] for r in rows] == ["not available"] * 4


def test_report_audit_from_the_reference_server_agrees(server, monkeypatch, capsys) -> None:
    record = forced_retirement(server, monkeypatch, capsys)
    sheet = run(
        server.base_url,
        "report",
        record.id,
        "--format",
        "csv",
        "--lang",
        "en",
        "--audit-from-server",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert sheet.code == 0, sheet.err
    rows = list(csv.DictReader(io.StringIO(sheet.out)))
    assert [r["Audit records"] for r in rows] == ["agree", "agree", "nothing sent", "nothing sent"]


def test_report_audit_from_a_server_without_it_says_not_available(
    make_server, monkeypatch, capsys
) -> None:
    server = make_server(fleet=60, seed=5, speed=0.0, sim_controls=False)
    record = hostile_record(server.base_url)
    saved(record)
    sheet = run(
        server.base_url,
        "report",
        record.id,
        "--format",
        "csv",
        "--lang",
        "en",
        "--audit-from-server",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert sheet.code == 0, sheet.err
    assert [r["Audit records"] for r in csv.DictReader(io.StringIO(sheet.out))] == ["not available"]
    assert "no audit log" in sheet.err


def test_report_audit_needs_the_password(server, monkeypatch, capsys) -> None:
    record = hostile_record(server.base_url)
    saved(record)
    result = run(
        server.base_url,
        "report",
        record.id,
        "--audit-from-server",
        stdin="wrong\n",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert result.code == 3 and result.out == ""


def test_report_file_is_0600_and_never_overwritten(monkeypatch, capsys, tmp_path: Path) -> None:
    saved(hostile_record())
    target = tmp_path / "out" / "report.md"
    target.parent.mkdir(mode=0o755)
    first = run(
        NOWHERE, "report", "evil", "--out", str(target), monkeypatch=monkeypatch, capsys=capsys
    )
    assert first.code == 0, first.err
    assert first.out.strip() == str(target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    body = target.read_text("utf-8")
    assert body.startswith("# ")
    inert(body)
    target.write_text("the admin's own notes")
    again = run(
        NOWHERE, "report", "evil", "--out", str(target), monkeypatch=monkeypatch, capsys=capsys
    )
    assert again.code == 2 and "already exists" in again.err
    assert target.read_text("utf-8") == "the admin's own notes"
    # a link at the name is refused too, and its target untouched
    link = tmp_path / "out" / "link.md"
    aim = tmp_path / "aim"
    aim.write_text("keep")
    link.symlink_to(aim)
    linked = run(
        NOWHERE, "report", "evil", "--out", str(link), monkeypatch=monkeypatch, capsys=capsys
    )
    assert linked.code == 2 and aim.read_text() == "keep"
    forced = run(
        NOWHERE,
        "report",
        "evil",
        "--format",
        "csv",
        "--out",
        str(target),
        "--force",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert forced.code == 0, forced.err
    assert target.read_text("utf-8").split(",")[0] in ("端末ID", "Device ID")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert {p.name for p in target.parent.iterdir()} == {"report.md", "link.md"}  # no leftovers


def test_report_into_a_missing_folder_is_one_line(monkeypatch, capsys, tmp_path: Path) -> None:
    saved(hostile_record())
    result = run(
        NOWHERE,
        "report",
        "evil",
        "--out",
        str(tmp_path / "no" / "such" / "r.md"),
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert result.code == 2 and len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err


# --------------------------------------------------------------------------- folding


def test_a_cli_inactivation_is_folded_into_this_accounts_retirement_once(
    server, monkeypatch, capsys
) -> None:
    """``mobitui inactivate`` lands in the stored retirement of the same server and account
    holding its devices, with its request ids and the warnings acknowledged; not in another
    account's; a damaged retirement file is named and never fails the run."""
    found = fleet(server, monkeypatch, capsys)
    dep = next(
        d
        for d in found
        if d["state"] == "active"
        and d["platform"] in ("ios", "ipados")
        and d["dep"]
        and d["dep_profile_removal_forbidden"]
        and d["enrollment"] != "client_app"
    )
    chosen = [dep, *plain(found)[:1]]
    ids = [d["id"] for d in chosen]
    devices = [Device.from_json(d) for d in chosen]
    created = datetime(2000, 1, 1, tzinfo=UTC)
    mine = start("mine", "営業部", server.base_url, "admin", devices, created)
    theirs = start("theirs", "営業部", server.base_url, "operator", devices, created)
    store = RetirementStore(server.base_url, "admin")
    store.save(mine)
    RetirementStore(server.base_url, "operator").save(theirs)
    damaged = store.directory / "damaged.json"
    damaged.write_text("{ not a retirement")
    damaged.chmod(0o600)

    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    connection = ["--server", server.base_url, "--account", "admin", "--password-stdin"]
    argv = ["inactivate", *connection, "--device", *ids, "--agree"]
    code = main([*argv, "--acknowledge", "dep_profile_removal_forbidden"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "damaged.json" in captured.err  # named, skipped

    (finished,) = list((paths.state_dir() / "journal").rglob("*.jsonl"))
    state = journal.read(finished).state
    assert state.request_ids
    record = store.load("mine")
    for device_id in ids:
        trace = record.traces[device_id]
        assert trace.request_ids and set(trace.request_ids) <= set(state.request_ids)
        assert [s.operation for s in trace.steps] == [state.spec.id]
        assert trace.requested_at is not None and trace.by == ("admin",)
    acknowledged = record.traces[dep["id"]].acknowledged
    assert [w.value for w in acknowledged] == ["dep_profile_removal_forbidden"]
    assert record.traces[ids[1]].acknowledged == ()
    assert RetirementStore(server.base_url, "operator").load("theirs") == theirs
    assert damaged.read_text() == "{ not a retirement"
    # Folding the same operation again (as a resume or a second look would) changes nothing.
    assert record_operation(record, state, "admin") == record


# --------------------------------------------------------------------------- rename


def test_rename_then_show_and_list_print_the_new_name(monkeypatch, capsys) -> None:
    path = saved(hostile_record())
    before = RetirementStore(NOWHERE, "admin").load("evil")
    new = "経理部 2025 (旧: 営業部)"
    renamed = run(NOWHERE, "rename", "evil", new, monkeypatch=monkeypatch, capsys=capsys)
    assert renamed.code == 0, renamed.err
    assert renamed.out == "" and new in renamed.err
    after = RetirementStore(NOWHERE, "admin").load("evil")
    assert after.name == new and replace(after, name=before.name) == before
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert {p.name for p in path.parent.iterdir()} == {"evil.json"}  # no leftovers
    shown = run(NOWHERE, "show", "evil", monkeypatch=monkeypatch, capsys=capsys)
    assert shown.out.splitlines()[0] == f"name: {new}"
    listed = run(NOWHERE, "list", "--format", "json", monkeypatch=monkeypatch, capsys=capsys)
    assert [r["name"] for r in listed.json()] == [new]
    # the same name again: nothing to write, still fine
    again = run(NOWHERE, "rename", "evil", new, monkeypatch=monkeypatch, capsys=capsys)
    assert again.code == 0 and RetirementStore(NOWHERE, "admin").load("evil") == after


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("x" * 201, "too long (201 characters, at most 200)"),
        ("", "empty"),
        (" \t ", "empty"),
        ("経理部\x1b]0;pwned\x07", "control or invisible character"),
        ("経理部\n2025", "control or invisible character"),
        ("abc\u202edcba", "control or invisible character"),
    ],
)
def test_a_refused_name_changes_nothing_on_disk(name: str, said: str, monkeypatch, capsys) -> None:
    path = saved(hostile_record())
    before = path.read_bytes()
    result = run(
        NOWHERE, "rename", "evil", name, "--lang", "en", monkeypatch=monkeypatch, capsys=capsys
    )
    assert result.code == 2, result.err
    assert said in result.err and "not renamed" in result.err and result.out == ""
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    inert(result.err)
    assert path.read_bytes() == before
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert {p.name for p in path.parent.iterdir()} == {"evil.json"}


def test_a_refused_name_is_said_in_japanese(monkeypatch, capsys) -> None:
    saved(hostile_record())
    result = run(
        NOWHERE, "rename", "evil", "x" * 300, "--lang", "ja", monkeypatch=monkeypatch, capsys=capsys
    )
    assert result.code == 2 and "名前が長すぎます（300 文字、最大 200 文字）" in result.err


def test_rename_of_an_unknown_id_is_the_error_show_gives(monkeypatch, capsys) -> None:
    path = saved(hostile_record())
    before = path.read_bytes()
    for wanted in ("nope", "../../etc/passwd", "\x1b[31mred"):
        shown = run(NOWHERE, "show", wanted, monkeypatch=monkeypatch, capsys=capsys)
        renamed = run(
            NOWHERE, "rename", wanted, "新しい名前", monkeypatch=monkeypatch, capsys=capsys
        )
        assert renamed.code == shown.code == 2
        assert renamed.err == shown.err and "no retirement" in renamed.err
        inert(renamed.err)
    assert path.read_bytes() == before
    assert {p.name for p in path.parent.iterdir()} == {"evil.json"}


def test_rename_of_a_damaged_file_names_it_and_leaves_it(monkeypatch, capsys) -> None:
    good = saved(hostile_record())
    damaged = good.with_name("broken.json")
    damaged.write_text('{"type": "retirement", "format": 1, "id": ')
    os.chmod(damaged, 0o600)
    result = run(NOWHERE, "rename", "broken", "新しい名前", monkeypatch=monkeypatch, capsys=capsys)
    assert result.code == 2 and "broken.json" in result.err
    assert damaged.read_text() == '{"type": "retirement", "format": 1, "id": '


# --------------------------------------------------------------------------- stage labels


def test_table_stages_are_in_the_runs_language_and_machine_formats_keep_values(
    monkeypatch, capsys
) -> None:
    saved(hostile_record())  # one active device
    for lang, active, deleted in (("ja", "有効", "削除済み"), ("en", "Active", "Deleted")):
        listed = run(NOWHERE, "list", "--lang", lang, monkeypatch=monkeypatch, capsys=capsys)
        assert listed.code == 0, listed.err
        header = listed.out.splitlines()[0]
        assert header.startswith("id") and active in header and deleted in header
        assert "on_device" not in header
        shown = run(NOWHERE, "show", "evil", "--lang", lang, monkeypatch=monkeypatch, capsys=capsys)
        assert shown.code == 0, shown.err
        [row] = shown.out.splitlines()[4:]
        assert row.endswith(f"  {active}") and "active" not in row
    for lang in ("ja", "en"):
        listed = run(
            NOWHERE,
            "list",
            "--format",
            "json",
            "--lang",
            lang,
            monkeypatch=monkeypatch,
            capsys=capsys,
        )
        assert listed.json()[0]["active"] == 1
        sheet = run(
            NOWHERE,
            "list",
            "--format",
            "csv",
            "--lang",
            lang,
            monkeypatch=monkeypatch,
            capsys=capsys,
        )
        assert sheet.out.splitlines()[0].split(",")[4:] == [s.value for s in ORDER]
        shown = run(
            NOWHERE,
            "show",
            "evil",
            "--format",
            "json",
            "--lang",
            lang,
            monkeypatch=monkeypatch,
            capsys=capsys,
        )
        assert shown.json()["devices"][0]["stage"] == "active"
        sheet = run(
            NOWHERE,
            "show",
            "evil",
            "--format",
            "csv",
            "--lang",
            lang,
            monkeypatch=monkeypatch,
            capsys=capsys,
        )
        assert [r["stage"] for r in csv.DictReader(io.StringIO(sheet.out))] == ["active"]


def test_a_folded_operation_is_timed_on_the_servers_clock(server, monkeypatch, capsys) -> None:
    """The record mixes times the server reports (check-ins, when a request executed) with
    times of our own (when a request was sent): with the server's clock 5 h ahead of this
    machine's, the request is recorded at the server's time, so a report never says a device
    was deleted before it went inactive."""
    import asyncio

    from tests.contract.faults import Sim

    server_now = asyncio.run(Sim(server).advance(5 * 3600))
    chosen = plain(fleet(server, monkeypatch, capsys))[:1]
    record = start(
        "clock",
        "営業部",
        server.base_url,
        "admin",
        [Device.from_json(d) for d in chosen],
        datetime(2000, 1, 1, tzinfo=UTC),
    )
    store = RetirementStore(server.base_url, "admin")
    store.save(record)
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    connection = ["--server", server.base_url, "--account", "admin", "--password-stdin"]
    code = main(["inactivate", *connection, "--device", chosen[0]["id"], "--agree"])
    assert code == 0, capsys.readouterr().err
    trace = store.load("clock").traces[chosen[0]["id"]]
    assert trace.requested_at is not None
    # The server's frozen clock, not this machine's (5 h behind it).
    assert abs((trace.requested_at - server_now).total_seconds()) < 600
