"""The headless commands act only on the devices the admin chose, whatever the gateway does.

Each test puts the hostile gateway (tests/gateway.py) in front of the real reference server and
runs ``mobitui.cli.main`` in this process, as a script would. The gateway's wire record is what
left the client; the server's own audit log is what was acted on.
"""

from __future__ import annotations

import asyncio
import io
import json
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from mobitui.cli import main
from tests.gateway import device_listing, with_fields

PASSWORD = "demo-admin-pass"
#: Every warning that needs an acknowledgement: these tests are about which devices, not those.
ACK = [
    "--acknowledge",
    "dep_profile_removal_forbidden",
    "--acknowledge",
    "android_factory_reset",
    "--acknowledge",
    "still_communicating",
]


class Run:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


def run(*argv: str, monkeypatch, capsys, stdin: str = PASSWORD + "\n") -> Run:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def at(gateway, account: str = "admin") -> list[str]:
    return ["--server", gateway.base_url, "--account", account, "--password-stdin"]


def listing(gateway, account: str = "admin", password: str = PASSWORD) -> list[dict[str, Any]]:
    """Every device as the gateway shows it (a fresh client, all pages)."""
    with httpx.Client(base_url=gateway.api_url) as http:
        login = {"account": account, "password": password}
        token = http.post("/auth/login", json=login).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        found: list[dict[str, Any]] = []
        params: dict[str, str] = {"limit": "1000"}
        while True:
            page = http.get("/devices", params=params, headers=headers).json()
            found += page["items"]
            if not page["next_cursor"]:
                return found
            params["cursor"] = page["next_cursor"]


def audit(server) -> list[dict[str, Any]]:
    return httpx.get(f"{server.api_url}/sim/audit").json()["entries"]


def acted_ids(server) -> list[str]:
    return [i for e in audit(server) if e["result"] == "ok" for i in e["device_ids"]]


@pytest.fixture
def server(make_server):
    return make_server(fleet=300, seed=11, speed=0.0)


def active(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [d for d in found if d["state"] == "active"]


# --------------------------------------------------------------------------- finding 1: columns


def test_a_row_number_column_on_numeric_ids_is_refused_until_the_column_is_named(
    server, make_gateway, monkeypatch, capsys, tmp_path: Path
) -> None:
    """``ID,シリアル番号`` behind numeric ids: the ID column names devices 1, 2, 3. Reading it
    by its place in the row acted on them; now nothing is sent until ``--column`` says which."""
    gateway = make_gateway(server, numeric_ids=True)
    found = active(listing(gateway))
    listed = [d for d in found if int(d["id"]) > 3][:3]
    rows = ["ID,シリアル番号,メモ"] + [f"{n},{d['serial']},退職" for n, d in enumerate(listed, 1)]
    sheet = tmp_path / "retire.csv"
    sheet.write_text("\r\n".join(rows), "utf-8")
    common = ["--from-csv", str(sheet), "--agree", *ACK, "--format", "json"]
    refused = run("inactivate", *at(gateway), *common, monkeypatch=monkeypatch, capsys=capsys)
    assert refused.code == 2, refused.err
    assert "'ID' (3 matched)" in refused.err and "'シリアル番号' (3 matched)" in refused.err
    assert "--column" in refused.err and "nothing was sent" in refused.err
    assert gateway.gateway.destructive() == [] and audit(server) == []

    chosen = run(
        "inactivate",
        *at(gateway),
        *common,
        "--column",
        "シリアル番号",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert chosen.code == 0, chosen.err
    assert sorted(gateway.gateway.sent_ids()) == sorted(d["id"] for d in listed)
    assert sorted(r["device_id"] for r in json.loads(chosen.out)) == sorted(d["id"] for d in listed)
    assert not {"1", "2", "3"} & set(gateway.gateway.sent_ids())


# --------------------------------------------------------------------------- finding 2: serials


def test_a_serial_on_two_records_chooses_neither(
    server, make_gateway, monkeypatch, capsys, tmp_path: Path
) -> None:
    """A re-enrolled device: its old and new records share a serial number. The value is
    listed with both records and neither is acted on; the run says it was partial."""
    plain = active(listing(make_gateway(server)))
    old, new, other = plain[0], plain[1], plain[2]

    reenrolled = device_listing(with_fields(new["id"], serial=old["serial"]))
    gateway = make_gateway(server, answer=reenrolled)
    sheet = tmp_path / "list.csv"
    sheet.write_text(f"serial\n{old['serial']}\n{other['serial']}\n", "utf-8")
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
    assert "names more than one device" in result.err
    assert old["id"] in result.err and new["id"] in result.err
    assert gateway.gateway.sent_ids() == [other["id"]]


# --------------------------------------------------------------------------- finding 3: filters


def test_a_gateway_that_ignores_the_group_filter_acts_on_the_group_only(
    server, make_gateway, monkeypatch, capsys
) -> None:
    gateway = make_gateway(server, ignore_params={"group_id", "include_subgroups"})
    everything = listing(gateway)
    group = max(
        {d["group_id"] for d in everything},
        key=lambda g: sum(d["group_id"] == g for d in everything),
    )
    members = {d["id"] for d in everything if d["group_id"] == group}
    assert len(members) < len(everything)
    dry = run(
        "inactivate",
        *at(gateway),
        "--group",
        group,
        "--dry-run",
        "--format",
        "json",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert dry.code == 1, dry.err  # devices were left out: the script is told
    assert {p["device_id"] for p in json.loads(dry.out)} == members
    strays = len(everything) - len(members)
    assert dry.err.count("outside the chosen groups") == strays
    wet = run(
        "inactivate",
        *at(gateway),
        "--group",
        group,
        "--agree",
        *ACK,
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert wet.code == 1, wet.err
    assert set(gateway.gateway.sent_ids()) <= members
    assert set(acted_ids(server)) <= members


def test_an_answer_for_another_id_is_left_out(server, make_gateway, monkeypatch, capsys) -> None:
    plain = active(listing(make_gateway(server)))
    asked, given = plain[0], plain[1]

    def mixed_up(method: str, path: str, status: int, data: Any) -> Any:
        if method == "GET" and path.endswith(f"/devices/{asked['id']}"):
            return given
        return data

    gateway = make_gateway(server, answer=mixed_up)
    result = run(
        "inactivate",
        *at(gateway),
        "--device",
        asked["id"],
        "--agree",
        *ACK,
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert result.code == 1, result.err
    assert f"the server answered with it for {asked['id']}" in result.err
    assert gateway.gateway.destructive() == [] and audit(server) == []


def test_a_device_outside_the_scope_is_left_out(
    server, make_gateway, monkeypatch, capsys, tmp_path: Path
) -> None:
    """A scoped admin's listing holds a device of another branch (the gateway made it up):
    a CSV naming it does not act on it."""
    branch = listing(make_gateway(server), "branch-admin", "demo-branch-pass")
    mine = active(branch)[0]
    stranger = {**mine, "id": "d999999", "serial": "STRANGER-1", "group_id": "g01"}
    assert stranger["group_id"] not in {d["group_id"] for d in branch}

    gateway = make_gateway(server, answer=device_listing(lambda items: [*items, stranger]))
    sheet = tmp_path / "list.csv"
    sheet.write_text(f"serial\n{mine['serial']}\nSTRANGER-1\n", "utf-8")
    result = run(
        "inactivate",
        *at(gateway, "branch-admin"),
        "--from-csv",
        str(sheet),
        "--agree",
        *ACK,
        monkeypatch=monkeypatch,
        capsys=capsys,
        stdin="demo-branch-pass\n",
    )
    assert result.code == 1, result.err
    assert "d999999" in result.err and "outside this account's scope" in result.err
    assert gateway.gateway.sent_ids() == [mine["id"]]


# --------------------------------------------------------------------------- finding 4: read-only


DESTRUCTIVE = [
    ["inactivate", "--device", "d000001", "--agree"],
    ["force-inactivate", "--device", "d000001", "--agree"],
    ["delete", "--device", "d000001", "--agree"],
    ["requests", "cancel", "inact-1", "--agree"],
    ["resume", "--agree"],
]


@pytest.mark.parametrize("command", DESTRUCTIVE, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("where", ["before", "after", "profile"])
def test_read_only_refuses_every_destructive_command_before_any_request(
    server, make_gateway, monkeypatch, capsys, command: list[str], where: str
) -> None:
    gateway = make_gateway(server)
    words = 2 if command[0] == "requests" else 1
    if where == "profile":
        config = Path(__import__("os").environ["MOBITUI_CONFIG_DIR"])
        config.mkdir(parents=True, exist_ok=True)
        (config / "profiles.toml").write_text(
            f'[profiles.prod]\nbase_url = "{gateway.base_url}"\naccount = "admin"\n'
            "read_only = true\n",
            "utf-8",
        )
        argv = [*command[:words], "--profile", "prod", "--password-stdin", *command[words:]]
    elif where == "before":
        argv = ["--read-only", *command[:words], *at(gateway), *command[words:]]
    else:
        argv = [*command[:words], *at(gateway), "--read-only", *command[words:]]
    result = run(*argv, monkeypatch=monkeypatch, capsys=capsys)
    assert result.code == 2, result.err
    assert "read-only" in result.err and "nothing was sent" in result.err
    assert gateway.gateway.wire == []  # not even a login
    assert audit(server) == []


def test_read_only_still_previews(server, make_gateway, monkeypatch, capsys) -> None:
    gateway = make_gateway(server)
    target = active(listing(gateway))[0]["id"]
    result = run(
        "--read-only",
        "inactivate",
        *at(gateway),
        "--device",
        target,
        "--dry-run",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert result.code == 0, result.err
    assert gateway.gateway.destructive() == []


@pytest.mark.parametrize("command", DESTRUCTIVE, ids=lambda c: " ".join(c[:2]))
def test_an_operator_sends_nothing_destructive(
    server, make_gateway, monkeypatch, capsys, command: list[str]
) -> None:
    gateway = make_gateway(server)
    words = 2 if command[0] == "requests" else 1
    argv = [*command[:words], *at(gateway, "operator"), *command[words:]]
    result = run(*argv, monkeypatch=monkeypatch, capsys=capsys, stdin="demo-operator-pass\n")
    assert result.code == 3, result.err
    assert "operator" in result.err
    assert gateway.gateway.destructive() == []


# --------------------------------------------------------------------------- resume


def test_resume_refuses_ids_that_now_name_other_devices(
    server, make_gateway, monkeypatch, capsys
) -> None:
    """A plan written, then the run cut short (as by ``kill -9``); meanwhile the adapter
    handed one planned id to another device. Resume sends nothing until the admin decides;
    ``--abandon`` ends it; nothing was ever acted on."""
    from mobitui.api.client import MobiClient
    from mobitui.api.runner import new_operation
    from mobitui.domain.rules import Inactivate
    from mobitui.local.journal import Journal
    from mobitui.local.paths import state_dir

    honest = make_gateway(server)
    planned = active(listing(honest))[:3]
    reused = planned[1]

    async def plan() -> str:
        async with MobiClient(honest.base_url) as client:
            await client.login("admin", PASSWORD)
            ids = [d["id"] for d in planned]
            operation = await new_operation(
                client,
                Journal(state_dir() / "journal"),
                Inactivate(),
                ids,
                names={d["id"]: d["name"] for d in planned},
                serials={d["id"]: d["serial"] for d in planned},
                server=lying.base_url,
                profile="-",
                account="admin",
            )
            operation.close()
            return operation.state.spec.id

    lying = make_gateway(
        server, answer=device_listing(with_fields(reused["id"], serial="NEW-OWNER"))
    )
    operation = asyncio.run(plan())
    refused = run("resume", *at(lying), "--agree", monkeypatch=monkeypatch, capsys=capsys)
    assert refused.code == 2, refused.err
    assert reused["id"] in refused.err and "NEW-OWNER" in refused.err
    assert f"its serial was {reused['serial']}" in refused.err
    assert lying.gateway.destructive() == [] and audit(server) == []
    gave_up = run(
        "resume",
        *at(lying),
        "--operation",
        operation,
        "--abandon",
        "--agree",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert gave_up.code == 0, gave_up.err
    again = run("resume", *at(lying), "--agree", monkeypatch=monkeypatch, capsys=capsys)
    assert again.code == 0 and "nothing to resume" in again.err
    assert audit(server) == []


# --------------------------------------------------------------------------- finding 12


def test_csv_cells_and_file_names_reach_stderr_only_as_visible_text(
    server, make_gateway, monkeypatch, capsys, tmp_path: Path
) -> None:
    gateway = make_gateway(server)
    target = active(listing(gateway))[0]
    sheet = tmp_path / "list\x1b]0;title\x07.csv"
    hostile = ["\x1b]0;pwned\x07", "\x1b]52;c;cHduZWQ=\x07", "\x1b[2J\x9b31m"]
    sheet.write_text("\n".join(["serial", target["serial"], *hostile, hostile[0]]), "utf-8")
    result = run(
        "inactivate",
        *at(gateway),
        "--from-csv",
        str(sheet),
        "--dry-run",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert result.code == 1, result.err  # three values matched nothing
    for stream in (result.err, result.out):
        assert "\x1b" not in stream and "\x07" not in stream and "\x9b" not in stream
    assert "␛]0;pwned␇" in result.err and "list␛]0;title␇.csv" in result.err
