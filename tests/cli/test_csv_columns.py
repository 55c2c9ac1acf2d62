"""``--from-csv`` reads the column the admin meant, reports every value it leaves out, and
stays bounded whatever the file holds.

As in test_chosen_devices.py: the hostile gateway (tests/gateway.py) in front of the real
reference server, ``mobitui.cli.main`` run in this process; the gateway's wire is what left
the client, the server's audit log what was acted on.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.cli.test_chosen_devices import ACK, active, at, audit, listing, run
from tests.gateway import device_listing


@pytest.fixture
def server(make_server):
    return make_server(fleet=300, seed=11, speed=0.0)


def full_width(text: str) -> str:
    """As a Japanese IME types it: ``F2L…`` becomes ``Ｆ２Ｌ…``, matching no serial."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# --------------------------------------------------------------------------- the named column


def test_a_serial_column_that_matches_nothing_does_not_let_row_numbers_choose(
    server, make_gateway, monkeypatch, capsys, tmp_path: Path
) -> None:
    """``No,シリアル番号`` behind numeric ids, the serials typed full-width: only the row
    numbers matched, and devices 1, 2, 3 were inactivated. The header names the serial
    column: nothing is sent until ``--column`` says which, and the named column read as it
    is chooses nothing."""
    gateway = make_gateway(server, numeric_ids=True)
    listed = [d for d in active(listing(gateway)) if int(d["id"]) > 10][:3]
    rows = ["No,シリアル番号"] + [f"{n},{full_width(d['serial'])}" for n, d in enumerate(listed, 1)]
    sheet = tmp_path / "retire.csv"
    sheet.write_text("\r\n".join(rows), "utf-8")
    common = ["--from-csv", str(sheet), "--agree", *ACK, "--format", "json"]

    refused = run("inactivate", *at(gateway), *common, monkeypatch=monkeypatch, capsys=capsys)
    assert refused.code == 2, refused.err
    assert "'No' (3 matched)" in refused.err and "'シリアル番号' (0 matched)" in refused.err
    assert "--column" in refused.err and "nothing was sent" in refused.err
    assert gateway.gateway.destructive() == [] and audit(server) == []

    named = run(
        "inactivate",
        *at(gateway),
        *common,
        "--column",
        "シリアル番号",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert named.code == 1, named.err  # every value matched nothing: listed, none acted on
    assert "matched no device" in named.err and full_width(listed[0]["serial"]) in named.err
    assert gateway.gateway.destructive() == [] and audit(server) == []


def test_the_named_column_is_read_even_when_row_numbers_match_too(
    server, make_gateway, monkeypatch, capsys, tmp_path: Path
) -> None:
    """The same sheet with the serials right: the header says which column lists the
    devices, so it is read without a question, and the row numbers never are."""
    gateway = make_gateway(server, numeric_ids=True)
    listed = [d for d in active(listing(gateway)) if int(d["id"]) > 10][:3]
    rows = ["No,シリアル番号"] + [f"{n},{d['serial']}" for n, d in enumerate(listed, 1)]
    sheet = tmp_path / "retire.csv"
    sheet.write_text("\n".join(rows), "utf-8")
    result = run(
        "inactivate",
        *at(gateway),
        "--from-csv",
        str(sheet),
        "--dry-run",
        "--format",
        "json",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert result.code == 0, result.err
    assert sorted(p["device_id"] for p in json.loads(result.out)) == sorted(d["id"] for d in listed)
    assert "read column 'シリアル番号'" in result.err


# --------------------------------------------------------------------------- the first row


def test_a_mistyped_first_value_is_reported_and_the_run_is_partial(
    server, make_gateway, monkeypatch, capsys, tmp_path: Path
) -> None:
    """A headerless list whose first value is a typo: it was taken for a header and dropped
    without a word, exit 0. Now it is named on stderr and the exit code says partial."""
    gateway = make_gateway(server)
    found = active(listing(gateway))
    sheet = tmp_path / "retire.csv"
    sheet.write_text("\n".join(["XX-TYPO-0001", found[0]["serial"], found[1]["serial"]]), "utf-8")
    result = run(
        "inactivate",
        *at(gateway),
        "--from-csv",
        str(sheet),
        "--agree",
        *ACK,
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert result.code == 1, result.err
    assert "XX-TYPO-0001" in result.err and "read as a header" in result.err
    assert sorted(gateway.gateway.sent_ids()) == sorted([found[0]["id"], found[1]["id"]])


def test_a_known_header_is_not_left_out(
    server, make_gateway, monkeypatch, capsys, tmp_path: Path
) -> None:
    gateway = make_gateway(server)
    found = active(listing(gateway))
    sheet = tmp_path / "retire.csv"
    sheet.write_text("\n".join(["Serial Number", found[0]["serial"]]), "utf-8")
    result = run(
        "inactivate",
        *at(gateway),
        "--from-csv",
        str(sheet),
        "--dry-run",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert result.code == 0, result.err
    assert "read as a header" not in result.err


# --------------------------------------------------------------------------- duplicates


def test_ids_that_differ_only_in_case_are_two_devices(
    server, make_gateway, monkeypatch, capsys, tmp_path: Path
) -> None:
    """Device ids are opaque and exact: an adapter with ``dev-A`` and ``dev-a`` has two
    devices, and a list naming both chooses both (the second was dropped as a duplicate)."""
    plain = active(listing(make_gateway(server)))
    first, second = plain[0]["id"], plain[1]["id"]

    def renamed(items):
        ids = {first: "dev-A", second: "dev-a"}
        return [{**d, "id": ids.get(d["id"], d["id"])} for d in items]

    gateway = make_gateway(server, answer=device_listing(renamed))
    sheet = tmp_path / "ids.csv"
    sheet.write_text("id\ndev-A\ndev-a\n", "utf-8")
    result = run(
        "inactivate",
        *at(gateway),
        "--from-csv",
        str(sheet),
        "--dry-run",
        "--format",
        "json",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert result.code == 0, result.err
    assert [p["device_id"] for p in json.loads(result.out)] == ["dev-A", "dev-a"]
    assert "more than once" not in result.err


# --------------------------------------------------------------------------- bounds


def test_an_endless_file_is_refused_unread(server, make_gateway, monkeypatch, capsys) -> None:
    """``--from-csv /dev/zero`` read forever; now at most 64 MiB + 1 byte is read, and the
    command says why in one line before any request leaves."""
    gateway = make_gateway(server)
    started = time.monotonic()
    result = run(
        "inactivate",
        *at(gateway),
        "--from-csv",
        "/dev/zero",
        "--dry-run",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert result.code == 2, result.err
    assert "/dev/zero: larger than 64 MiB" in result.err
    assert gateway.gateway.wire == []  # refused before the login
    assert time.monotonic() - started < 60  # generous: it used to never end


def test_a_row_wider_than_the_limit_is_refused_by_line(
    server, make_gateway, monkeypatch, capsys, tmp_path: Path
) -> None:
    """20,000 serials and one row of 20,000 commas took 30 s (every column matched against
    every row); a row over 1,000 columns is now refused, naming its line."""
    found = active(listing(make_gateway(server)))
    gateway = make_gateway(server)
    sheet = tmp_path / "wide.csv"
    lines = ["serial", found[0]["serial"], *[f"SER{n:06d}" for n in range(20_000)]]
    sheet.write_text("\n".join([*lines, "," * 20_000 + "x"]), "utf-8")
    result = run(
        "inactivate",
        *at(gateway),
        "--from-csv",
        str(sheet),
        "--dry-run",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert result.code == 2, result.err
    assert f"line {len(lines) + 1}: more than 10,000 commas in one row" in result.err
    assert "at most 1,000 columns are read" in result.err
    assert gateway.gateway.wire == []
