"""Every selector on the command line counts, a group value names one group or is refused, and
``mobitui devices`` checks what the server lists like the destructive commands do.

As in test_chosen_devices.py: the hostile gateway in front of the real reference server,
``mobitui.cli.main`` run in this process.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_chosen_devices import ACK, active, at, audit, listing, run
from tests.gateway import device_listing


@pytest.fixture
def server(make_server):
    return make_server(fleet=300, seed=11, speed=0.0)


def planned(result) -> list[str]:
    return [p["device_id"] for p in json.loads(result.out)]


# --------------------------------------------------------------------------- repeats


def test_every_repeated_selector_counts(
    server, make_gateway, monkeypatch, capsys, tmp_path: Path
) -> None:
    """``--device a --device b`` planned only b, two ``--from-csv`` read only the second and
    two ``--group`` listed only the second: a retirement of fewer devices than named, exit 0.
    """
    gateway = make_gateway(server)
    found = active(listing(gateway))
    dry = ["--dry-run", "--format", "json"]
    a, b = found[0]["id"], found[1]["id"]
    devices = run(
        "inactivate",
        *at(gateway),
        "--device",
        a,
        "--device",
        b,
        *dry,
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert devices.code == 0, devices.err
    assert planned(devices) == [a, b]

    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(f"serial\n{found[2]['serial']}\n", "utf-8")
    second.write_text(f"serial\n{found[3]['serial']}\n", "utf-8")
    files = run(
        "inactivate",
        *at(gateway),
        "--from-csv",
        str(first),
        "--from-csv",
        str(second),
        *dry,
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert files.code == 0, files.err
    assert planned(files) == [found[2]["id"], found[3]["id"]]

    everything = listing(gateway)
    g1, g2 = sorted({d["group_id"] for d in everything})[:2]
    members = {d["id"] for d in everything if d["group_id"] in (g1, g2)}
    groups = run(
        "inactivate",
        *at(gateway),
        "--group",
        g1,
        "--group",
        g2,
        *dry,
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert groups.code == 0, groups.err
    assert set(planned(groups)) == members
    assert gateway.gateway.destructive() == []


def test_one_column_per_file_goes_with_the_files_in_order(
    server, make_gateway, monkeypatch, capsys, tmp_path: Path
) -> None:
    gateway = make_gateway(server, numeric_ids=True)
    found = [d for d in active(listing(gateway)) if int(d["id"]) > 10]
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(f"ID,シリアル番号\n1,{found[0]['serial']}\n", "utf-8")
    second.write_text(f"端末ID,製造番号\n{found[1]['id']},2\n", "utf-8")
    both = ["--from-csv", str(first), "--from-csv", str(second)]
    result = run(
        "inactivate",
        *at(gateway),
        *both,
        "--column",
        "シリアル番号",
        "--column",
        "端末ID",
        "--dry-run",
        "--format",
        "json",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert result.code == 0, result.err
    assert planned(result) == [found[0]["id"], found[1]["id"]]
    uneven = run(
        "inactivate",
        *at(gateway),
        *both,
        "--from-csv",
        str(first),
        "--column",
        "1",
        "--column",
        "2",
        "--dry-run",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert uneven.code == 2 and "2 --column for 3 --from-csv" in uneven.err


# --------------------------------------------------------------------------- group values


def test_a_group_value_that_is_one_group_s_id_and_another_s_name_is_refused(
    server, make_gateway, monkeypatch, capsys
) -> None:
    """A department code used as a group's name, equal to another group's id: ``--group``
    took the id without a word. Now it names both and sends nothing; each can still be
    named by its other value."""
    everything = listing(make_gateway(server))
    ids = sorted({d["group_id"] for d in everything})
    coded, plain = ids[0], ids[1]  # group `coded` gets the name `plain`

    def rename(method: str, path: str, status: int, data: Any) -> Any:
        if method == "GET" and path.endswith("/groups") and isinstance(data, dict):
            items = [{**g, "name": plain} if g["id"] == coded else g for g in data["items"]]
            return {**data, "items": items}
        return data

    gateway = make_gateway(server, answer=rename)
    result = run(
        "inactivate",
        *at(gateway),
        "--group",
        plain,
        "--agree",
        *ACK,
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert result.code == 2, result.err
    assert f"is the id of group {plain}" in result.err and f"the name of {coded}" in result.err
    assert f"--group '{coded}' for {coded}" in result.err
    assert gateway.gateway.destructive() == [] and audit(server) == []
    listed = run("devices", *at(gateway), "--group", plain, monkeypatch=monkeypatch, capsys=capsys)
    assert listed.code == 2 and "is the id of group" in listed.err


# --------------------------------------------------------------------------- devices


def test_devices_of_a_group_are_checked_against_the_group(
    server, make_gateway, monkeypatch, capsys, tmp_path: Path
) -> None:
    """A gateway that ignores ``group_id``: ``mobitui devices --group G`` printed the whole
    tenant with exit 0, and that file fed to ``--from-csv`` planned all of it. Now only G's
    devices are printed, the rest are named on stderr, and the exit code says so."""
    gateway = make_gateway(server, ignore_params={"group_id", "include_subgroups"})
    everything = listing(gateway)
    group = max(
        {d["group_id"] for d in everything},
        key=lambda g: sum(d["group_id"] == g for d in everything),
    )
    members = {d["id"] for d in everything if d["group_id"] == group}
    result = run(
        "devices",
        *at(gateway),
        "--group",
        group,
        "--format",
        "csv",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert result.code == 1, result.err
    assert {r["id"] for r in csv.DictReader(io.StringIO(result.out))} == members
    assert result.err.count("outside the chosen groups") == len(everything) - len(members)


def test_devices_beyond_the_scope_are_left_out_of_the_listing(
    server, make_gateway, monkeypatch, capsys
) -> None:
    branch = listing(make_gateway(server), "branch-admin", "demo-branch-pass")
    stranger = {**branch[0], "id": "d999999", "serial": "STRANGER-1", "group_id": "g01"}
    assert stranger["group_id"] not in {d["group_id"] for d in branch}
    gateway = make_gateway(server, answer=device_listing(lambda items: [*items, stranger]))
    result = run(
        "devices",
        *at(gateway, "branch-admin"),
        "--format",
        "json",
        monkeypatch=monkeypatch,
        capsys=capsys,
        stdin="demo-branch-pass\n",
    )
    assert result.code == 1, result.err
    assert "d999999" not in {d["id"] for d in json.loads(result.out)}
    assert "d999999" in result.err and "outside this account's scope" in result.err
