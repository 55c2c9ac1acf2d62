"""The headless commands behind a hostile gateway: bulk answers, slow and odd servers.

``mobitui.cli.main`` runs in this process against a gateway (tests/gateway.py) in front of
the REAL reference server. The exit code, stderr, the journal left on disk and the server's
own audit log are what a script (and its admin) would rely on.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import pytest

from mobitui.cli import main
from mobitui.local import paths, tokens
from tests.cli.test_headless import PASSWORD, Run, audit, plain

FOREIGN = "d199999"


@pytest.fixture
def server(make_server):
    return make_server(fleet=120, seed=5, speed=0.0, max_bulk=4)


def cli(target: Any, *args: str, stdin: str = PASSWORD + "\n", monkeypatch, capsys) -> Run:
    """``mobitui ARGS --server <target> --account admin --password-stdin``."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    connection = ["--server", target.base_url, "--account", "admin", "--password-stdin"]
    code = main([args[0], *connection, *args[1:]])
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def targets(server, monkeypatch, capsys, count: int) -> list[str]:
    run = cli(server, "devices", "--format", "json", monkeypatch=monkeypatch, capsys=capsys)
    assert run.code == 0, run.err
    found = [d["id"] for d in plain(run.json())][:count]
    assert len(found) == count
    return found


def journals() -> tuple[list[Path], list[Path]]:
    """(open journals, finished journals) in this test's state directory."""
    root = paths.state_dir() / "journal"
    return sorted(root.glob("*.jsonl")), sorted((root / "finished").glob("*.jsonl"))


def acted(server, action: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for entry in audit(server, action):
        if entry["result"] != "ok":
            continue
        for outcome in entry["outcomes"]:
            if outcome["outcome"] in ("accepted", "deleted"):
                counts[outcome["device_id"]] = counts.get(outcome["device_id"], 0) + 1
    return counts


def force(gateway, ids: list[str], monkeypatch, capsys) -> Run:
    return cli(
        gateway,
        "force-inactivate",
        "--device",
        *ids,
        "--agree",
        "--acknowledge",
        "still_communicating",
        "--format",
        "json",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )


# --------------------------------------------------------------------------- finding 5


def test_an_answer_missing_outcomes_exits_1_leaves_the_journal_open_and_resume_finishes(
    server, make_gateway, monkeypatch, capsys
) -> None:
    ids = targets(server, monkeypatch, capsys, 8)
    gateway = make_gateway(server, bulk_items=lambda items, sent: items[:2])
    run = force(gateway, ids, monkeypatch, capsys)
    assert run.code == 1, run.err
    unknown = ids[2:4] + ids[6:8]
    assert "4 device(s) have no outcome" in run.err and ids[2] in run.err
    assert "stays open" in run.err and "mobitui resume" in run.err
    rows = {r["device_id"]: r for r in run.json()}
    assert sorted(rows) == sorted(ids)
    assert {i for i, r in rows.items() if r["outcome"] == "unknown"} == set(unknown)
    assert {i for i, r in rows.items() if r["outcome"] == "accepted"} == set(ids) - set(unknown)
    opened, finished = journals()
    assert len(opened) == 1 and finished == []
    assert len(gateway.gateway.destructive()) == 2  # both batches sent, once each

    gateway.gateway.bulk_items = None  # the gateway is fixed
    again = cli(
        gateway, "resume", "--agree", "--format", "json", monkeypatch=monkeypatch, capsys=capsys
    )
    assert again.code == 0, again.err
    assert {r["outcome"] for r in again.json()} == {"accepted"}
    assert journals()[0] == [] and len(journals()[1]) == 1
    sent = gateway.gateway.destructive()
    assert [(s.key, s.body["device_ids"]) for s in sent[:2]] == [
        (s.key, s.body["device_ids"]) for s in sent[2:]
    ]  # the same keys and bodies: the server answered from its first outcome
    assert acted(server, "force_inactivate") == {i: 1 for i in ids}


def test_an_answer_about_another_device_exits_5_as_a_protocol_error(
    server, make_gateway, monkeypatch, capsys
) -> None:
    ids = targets(server, monkeypatch, capsys, 8)

    def foreign(items: list[dict[str, Any]], sent: list[str]) -> list[dict[str, Any]]:
        return [*items[1:], {**items[0], "device_id": FOREIGN}]

    gateway = make_gateway(server, bulk_items=foreign)
    run = force(gateway, ids, monkeypatch, capsys)
    assert run.code == 5, run.err
    assert "protocol error" in run.err and FOREIGN in run.err
    assert "nothing more was sent" in run.err
    assert run.out == ""  # no result rows: nothing of that answer is trusted
    assert len(gateway.gateway.destructive()) == 1  # the second batch never left
    opened, finished = journals()
    assert len(opened) == 1 and finished == []

    gateway.gateway.bulk_items = None
    again = cli(
        gateway, "resume", "--agree", "--format", "json", monkeypatch=monkeypatch, capsys=capsys
    )
    assert again.code == 0, again.err
    assert sorted(r["device_id"] for r in again.json()) == sorted(ids)
    assert acted(server, "force_inactivate") == {i: 1 for i in ids}


def test_a_duplicated_item_exits_5_and_a_resume_through_the_same_gateway_stops_again(
    server, make_gateway, monkeypatch, capsys
) -> None:
    ids = targets(server, monkeypatch, capsys, 4)
    gateway = make_gateway(server, bulk_items=lambda items, sent: [*items, items[-1]])
    run = force(gateway, ids, monkeypatch, capsys)
    assert run.code == 5 and "more than one outcome" in run.err and ids[-1] in run.err
    again = cli(gateway, "resume", "--agree", monkeypatch=monkeypatch, capsys=capsys)
    assert again.code == 5  # still broken: still refused, still open
    assert len(journals()[0]) == 1
    assert acted(server, "force_inactivate") == {i: 1 for i in ids}


# --------------------------------------------------------------------------- finding 11


def test_a_non_ascii_token_from_the_server_is_refused_and_never_cached(
    server, make_gateway, monkeypatch, capsys, tmp_path
) -> None:
    def bad_token(method: str, path: str, status: int, data: Any) -> Any:
        if path.endswith("/auth/login") and isinstance(data, dict) and "token" in data:
            return {**data, "token": "トークン-" + data["token"]}
        return data

    gateway = make_gateway(server, answer=bad_token)
    profiles = Path(paths.config_dir()) / "profiles.toml"
    profiles.parent.mkdir(parents=True, exist_ok=True)
    profiles.write_text(
        f'default_profile = "lab"\n[profiles.lab]\nbase_url = "{gateway.base_url}"\n'
        'account = "admin"\n',
        "utf-8",
    )
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    code = main(["groups", "--profile", "lab", "--password-stdin"])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "field 'token'" in err and "printable ASCII" in err
    # Nothing cached to crash the next command, and nothing sent after the login.
    assert tokens.load_token("lab", "admin", server=gateway.base_url) is None
    assert [s.path for s in gateway.gateway.wire][-1].endswith("/auth/login")


def test_a_socks5_proxy_that_is_down_is_named_not_an_import_error(
    server, monkeypatch, capsys
) -> None:
    closed = _closed_port()
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    profiles = Path(paths.config_dir()) / "profiles.toml"
    profiles.parent.mkdir(parents=True, exist_ok=True)
    profiles.write_text(
        f'default_profile = "lab"\n[profiles.lab]\nbase_url = "{server.base_url}"\n'
        f'account = "admin"\nproxy = "socks5://127.0.0.1:{closed}"\n',
        "utf-8",
    )
    code = main(["groups", "--profile", "lab", "--password-stdin"])
    err = capsys.readouterr().err
    assert code == 4, err
    assert "Cannot reach" in err and f"127.0.0.1:{closed}" in err
    assert "Import" not in err and "Traceback" not in err


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
