"""The headless commands against the real server on loopback, as a script would run them.

Each runs ``mobitui.cli.main`` in this process (stdin, stdout and stderr captured), and a few
run the installed ``mobitui`` executable, to prove the exit codes and the pipes. The server's
own audit log is the wire truth: ``--dry-run`` must leave it empty.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from mobitui.cli import main

PASSWORD = "demo-admin-pass"
MOBITUI = str(Path(sys.executable).with_name("mobitui"))


@pytest.fixture
def server(make_server):
    return make_server(fleet=120, seed=5, speed=0.0)


class Run:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def json(self) -> Any:
        return json.loads(self.out)


def cli(server, *args: str, stdin: str = PASSWORD + "\n", monkeypatch, capsys) -> Run:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    words = 2 if args[:2] in (("requests", "cancel"), ("checklist", "export")) else 1
    connection = ["--server", server.base_url, "--account", "admin", "--password-stdin"]
    code = main([*args[:words], *connection, *args[words:]])
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def audit(server, action: str | None = None) -> list[dict[str, Any]]:
    entries = httpx.get(f"{server.api_url}/sim/audit").json()["entries"]
    return [e for e in entries if action is None or e["action"] == action]


def devices(server, monkeypatch, capsys, *extra: str) -> list[dict[str, Any]]:
    run = cli(server, "devices", "--format", "json", *extra, monkeypatch=monkeypatch, capsys=capsys)
    assert run.code == 0, run.err
    return run.json()


def plain(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Active devices no acknowledgement applies to (no DEP, not Android, long silent)."""
    return [
        d
        for d in found
        if d["state"] == "active"
        and d["platform"] in ("ios", "ipados")
        and not d["dep"]
        and d["last_seen_at"] < "2000"
    ] or [d for d in found if d["state"] == "active" and d["platform"] == "windows"]


# --------------------------------------------------------------------------- reading


def test_groups_devices_and_requests_in_every_format(server, monkeypatch, capsys) -> None:
    run = cli(server, "groups", "--format", "json", monkeypatch=monkeypatch, capsys=capsys)
    assert run.code == 0
    groups = run.json()
    assert groups and {"id", "parent_id", "name", "device_count"} <= set(groups[0])
    everything = devices(server, monkeypatch, capsys)
    assert len(everything) == 120
    inactive = devices(server, monkeypatch, capsys, "--state", "inactive")
    assert inactive and all(d["state"] == "inactive" for d in inactive)
    group = next(g for g in groups if g["device_count"])
    by_name = devices(server, monkeypatch, capsys, "--group", group["name"])
    assert {d["group_id"] for d in by_name} == {group["id"]}
    run = cli(server, "devices", "--format", "csv", monkeypatch=monkeypatch, capsys=capsys)
    rows = list(csv.DictReader(io.StringIO(run.out)))
    assert len(rows) == 120 and rows[0]["id"] == everything[0]["id"]
    run = cli(server, "devices", monkeypatch=monkeypatch, capsys=capsys)  # the table
    assert run.out.splitlines()[0].split()[:3] == ["id", "name", "state"]
    assert len(run.out.splitlines()) == 121
    run = cli(server, "requests", "--format", "json", monkeypatch=monkeypatch, capsys=capsys)
    assert run.code == 0 and isinstance(run.json(), list)


def test_a_wrong_password_and_a_missing_profile_end_with_their_codes(
    server, monkeypatch, capsys
) -> None:
    run = cli(server, "groups", stdin="wrong-pass\n", monkeypatch=monkeypatch, capsys=capsys)
    assert run.code == 3 and "password is wrong" in run.err and "wrong-pass" not in run.err
    assert main(["groups", "--profile", "nope"]) == 2
    assert "no profile" in capsys.readouterr().err


# --------------------------------------------------------------------------- acting


def test_dry_run_prints_the_preflight_and_sends_nothing(server, monkeypatch, capsys) -> None:
    targets = [d["id"] for d in plain(devices(server, monkeypatch, capsys))[:3]]
    run = cli(
        server,
        "inactivate",
        "--device",
        *targets,
        "--dry-run",
        "--format",
        "json",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert run.code == 0, run.err
    assert [p["device_id"] for p in run.json()] == targets
    assert all(p["outcome"] == "would_act" for p in run.json())  # nothing was accepted
    assert "3 to act on" in run.err and "nothing was sent" in run.err
    assert audit(server) == []  # not a single destructive call reached the server


def test_inactivate_from_a_shift_jis_csv_with_a_header_bom_and_strays(
    server, monkeypatch, capsys, tmp_path: Path
) -> None:
    chosen = plain(devices(server, monkeypatch, capsys))[:3]
    lines = ["シリアル番号,メモ"]
    lines += [f'"{chosen[0]["serial"]}",一台目', "", f"{chosen[1]['serial'].lower()},二台目"]
    lines += [f"{chosen[1]['serial']},重複", f"{chosen[2]['id']},id でも", "UNKNOWN-999,誤記"]
    path = tmp_path / "list.csv"
    path.write_bytes("\r\n".join(lines).encode("cp932"))
    run = cli(
        server,
        "inactivate",
        "--from-csv",
        str(path),
        "--agree",
        "--format",
        "json",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert run.code == 1, run.err  # done, but one serial matched nothing: the script is told
    assert "UNKNOWN-999" in run.err and "more than once" in run.err
    results = run.json()
    assert sorted(r["device_id"] for r in results) == sorted(d["id"] for d in chosen)
    assert all(r["outcome"] == "accepted" and r["request_id"] for r in results)
    calls = audit(server, "inactivate")
    assert len(calls) == 1 and sorted(calls[0]["device_ids"]) == sorted(d["id"] for d in chosen)
    # The same list as UTF-8 with a BOM reads the same.
    path.write_bytes("\r\n".join(lines).encode("utf-8-sig"))
    run = cli(
        server,
        "inactivate",
        "--from-csv",
        str(path),
        "--dry-run",
        "--format",
        "json",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert {p["reason"] for p in run.json()} == {"already_pending"}


def test_warnings_that_can_cost_a_reset_must_be_acknowledged_by_name(
    server, monkeypatch, capsys
) -> None:
    found = devices(server, monkeypatch, capsys, "--state", "active")
    dep = next(
        d
        for d in found
        if d["dep"]
        and d["dep_profile_removal_forbidden"]
        and d["platform"] in ("ios", "ipados")
        and d["enrollment"] != "client_app"
    )
    run = cli(
        server,
        "inactivate",
        "--device",
        dep["id"],
        "--agree",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert run.code == 2 and "--acknowledge dep_profile_removal_forbidden" in run.err
    assert audit(server) == []
    run = cli(
        server,
        "inactivate",
        "--device",
        dep["id"],
        "--agree",
        "--remove-apple-mdm-profile",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert run.code == 0, run.err  # 「有効にする」 on: nothing left to acknowledge


def test_warnings_to_acknowledge_are_named_in_the_order_they_are_declared(
    server, monkeypatch, capsys
) -> None:
    """The refusal lists every flag it needs in one order, whatever the run's hash seed."""
    found = devices(server, monkeypatch, capsys, "--state", "active")
    dep = next(
        d["id"]
        for d in found
        if d["dep"]
        and d["dep_profile_removal_forbidden"]
        and d["platform"] in ("ios", "ipados")
        and d["enrollment"] != "client_app"
    )
    wiped = next(
        d["id"]
        for d in found
        if d["platform"] == "android"
        and d["android_device_owner"]
        and int(d["os_version"].split(".")[0]) >= 11
    )
    run = cli(
        server,
        "inactivate",
        "--device",
        wiped,
        "--device",
        dep,
        "--agree",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    flags = "--acknowledge dep_profile_removal_forbidden --acknowledge android_factory_reset"
    assert run.code == 2 and flags in run.err, run.err
    assert audit(server) == []


def test_no_agreement_without_a_terminal_sends_nothing(server, monkeypatch, capsys) -> None:
    target = plain(devices(server, monkeypatch, capsys))[0]["id"]
    run = cli(
        server, "force-inactivate", "--device", target, monkeypatch=monkeypatch, capsys=capsys
    )
    assert run.code == 2 and "--agree" in run.err
    assert audit(server) == []


def test_force_then_delete_a_mixed_selection(server, monkeypatch, capsys) -> None:
    chosen = [d["id"] for d in plain(devices(server, monkeypatch, capsys))[:4]]
    run = cli(
        server,
        "force-inactivate",
        "--device",
        *chosen[:2],
        "--agree",
        "--acknowledge",
        "still_communicating",
        "--format",
        "json",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert run.code == 0, run.err
    run = cli(
        server,
        "delete",
        "--device",
        *chosen,
        "--agree",
        "--format",
        "json",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    # The two still active are refused before anything is sent, and the command says so.
    assert run.code == 1
    assert sorted(r["device_id"] for r in run.json()) == sorted(chosen[:2])
    assert all(r["outcome"] == "deleted" for r in run.json())
    deletions = audit(server, "delete")
    assert len(deletions) == 1 and sorted(deletions[0]["device_ids"]) == sorted(chosen[:2])


def test_schedule_and_cancel_a_request(server, monkeypatch, capsys) -> None:
    target = plain(devices(server, monkeypatch, capsys))[0]["id"]
    past = cli(
        server,
        "inactivate",
        "--device",
        target,
        "--schedule",
        "2001-01-01 09:00",
        "--agree",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert past.code == 2 and "--schedule: The schedule is in the past" in past.err
    run = cli(
        server,
        "inactivate",
        "--device",
        target,
        "--schedule",
        "2099-01-01T09:00:00+09:00",
        "--agree",
        "--format",
        "json",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert run.code == 0, run.err
    request_id = run.json()[0]["request_id"]
    run = cli(
        server,
        "requests",
        "cancel",
        request_id,
        "--agree",
        "--format",
        "json",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert run.code == 0, run.err
    assert run.json()[0]["status"] == "cancelled"
    again = cli(
        server, "requests", "cancel", request_id, "--agree", monkeypatch=monkeypatch, capsys=capsys
    )
    assert again.code == 2 and "only a scheduled request" in again.err


def test_checklist_export_writes_the_sheets(server, monkeypatch, capsys, tmp_path: Path) -> None:
    found = devices(server, monkeypatch, capsys, "--state", "active")
    hybrid = next(d for d in found if d["enrollment"] == "hybrid_mdm" and not d["dep"])
    run = cli(
        server,
        "inactivate",
        "--device",
        hybrid["id"],
        "--agree",
        "--acknowledge",
        "still_communicating",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert run.code == 0, run.err
    out = tmp_path / "sheets"
    run = cli(
        server,
        "checklist",
        "export",
        "--device",
        hybrid["id"],
        "--lang",
        "ja",
        "--lang",
        "en",
        "--out",
        str(out),
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert run.code == 0, run.err
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 4 and all(n.startswith(hybrid["id"]) for n in names)
    ja = (out / f"{hybrid['id']}-{hybrid['serial']}.ja.md").read_text("utf-8")
    assert "端末側でインアクティベーション処理を実行する" in ja  # D, then C
    assert "端末側でプロファイルを削除する" in ja


# --------------------------------------------------------------------------- a real process


def test_the_executable_pipes_results_and_reports_progress_apart(server, tmp_path) -> None:
    env = {
        "MOBITUI_STATE_DIR": str(tmp_path / "state"),
        "MOBITUI_CONFIG_DIR": str(tmp_path),
        "LANG": "C.UTF-8",
        "PATH": "/usr/bin:/bin",
    }
    common = ["--server", server.base_url, "--account", "admin", "--password-stdin"]
    listing = subprocess.run(
        [MOBITUI, "devices", *common, "--format", "json"],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert listing.returncode == 0 and len(json.loads(listing.stdout)) == 120
    target = plain(json.loads(listing.stdout))[0]["id"]
    run = subprocess.run(
        [MOBITUI, "force-inactivate", *common, "--device", target, "--agree", "--format", "csv"],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert "Sending" in run.stderr  # progress on stderr …
    results = list(csv.DictReader(io.StringIO(run.stdout)))  # … and the results on stdout
    assert [r["device_id"] for r in results] == [target]
    assert PASSWORD not in run.stdout + run.stderr
    head = subprocess.run(
        f"{MOBITUI} devices {' '.join(common)} | head -1",
        shell=True,
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert head.stdout.startswith("id") and "Traceback" not in head.stderr
    down = subprocess.run(
        [
            MOBITUI,
            "groups",
            "--server",
            "http://127.0.0.1:9",
            "--account",
            "admin",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert down.returncode == 4 and "Cannot reach" in down.stderr


async def _interrupted(server, ids: list[str]) -> Path:
    """A forced inactivation whose second batch's answer was lost: left open in the journal."""
    from mobitui.api.client import MobiClient
    from mobitui.api.errors import BulkIncomplete
    from mobitui.api.runner import new_operation, run_operation
    from mobitui.domain.rules import ForceInactivate
    from mobitui.local import paths
    from mobitui.local.audit_log import AuditLog
    from mobitui.local.journal import Journal
    from tests.contract.faults import Fault, FaultyTransport, destructive, fast_retry, scheduled

    faults = scheduled([Fault.PASS, Fault.DROP_AFTER, *[Fault.REFUSE] * 10])
    transport = FaultyTransport(httpx.AsyncHTTPTransport(), plan=faults, match=destructive)
    client = MobiClient(server.base_url, transport=transport, retry=fast_retry(max_attempts=2))
    root = paths.state_dir()
    async with client:
        await client.login("admin", PASSWORD)
        # What the CLI and the TUI record for every device: resume checks ids against them.
        known = {d.id: d async for d in client.iter_devices() if d.id in ids}
        journal = await new_operation(
            client,
            Journal(root / "journal"),
            ForceInactivate(),
            ids,
            names={i: known[i].name for i in ids},
            serials={i: known[i].serial for i in ids},
            server=server.base_url,
            profile="-",
            account="admin",
        )
        with journal, pytest.raises(BulkIncomplete):
            await run_operation(
                client,
                journal,
                AuditLog(root / "audit.jsonl"),
                password=PASSWORD,
                agree=True,
                concurrency=1,
            )
    return journal.path


def test_resume_finishes_an_interrupted_run_once(make_server, monkeypatch, capsys) -> None:
    import asyncio

    server = make_server(fleet=120, seed=5, speed=0.0, max_bulk=5)
    ids = [d["id"] for d in devices(server, monkeypatch, capsys, "--state", "active")][:15]
    asyncio.run(_interrupted(server, ids))
    run = cli(
        server, "resume", "--agree", "--format", "json", monkeypatch=monkeypatch, capsys=capsys
    )
    assert run.code == 0, run.err
    assert "did not finish" in run.err
    assert sorted(r["device_id"] for r in run.json()) == sorted(ids)
    forced = [
        i
        for e in audit(server, "force_inactivate")
        if e["result"] == "ok"
        for o in e["outcomes"]
        if o["outcome"] == "accepted"
        for i in [o["device_id"]]
    ]
    assert sorted(forced) == sorted(ids)  # each device exactly once
    again = cli(server, "resume", "--agree", monkeypatch=monkeypatch, capsys=capsys)
    assert again.code == 0 and "nothing to resume" in again.err


def test_hostile_names_stay_inert_in_every_export(make_server, monkeypatch, capsys, tmp_path):
    """``--hostile`` names through table, JSON, CSV and the instruction sheets: control
    characters arrive visible, nothing can act on a terminal, a spreadsheet or a chat."""
    from mobitui.domain.text import DISPLAY_MAX
    from mobitui.sim.hostile import HOSTILE

    server = make_server(fleet=60, seed=5, hostile=True)
    ids = [f"d{n:06d}" for n in range(1, len(HOSTILE) + 1)]
    outputs = []
    for fmt in ("table", "json", "csv"):
        run = cli(server, "devices", "--format", fmt, monkeypatch=monkeypatch, capsys=capsys)
        assert run.code == 0, run.err
        outputs.append(run.out)
    names = {d["id"]: d["name"] for d in json.loads(outputs[1])}
    assert names["d000001"] == "[bold red]x[/] [@click=app.quit]q"  # literal, untouched
    assert names["d000002"].startswith("␛]0;pwned␇")  # the escape made visible
    # Cut where it entered the client, to the documented display maximum, exports included.
    assert len(names["d000007"]) == DISPLAY_MAX and names["d000007"].endswith("…")
    run = cli(
        server,
        "checklist",
        "export",
        "--device",
        *ids,
        "--lang",
        "en",
        "--out",
        str(tmp_path / "sheets"),
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert run.code == 0, run.err
    sheets = list((tmp_path / "sheets").iterdir())
    assert len(sheets) == 2 * len(ids)
    outputs += [p.read_text("utf-8") for p in sheets]
    for text in outputs:
        assert "\x1b" not in text and "\x9b" not in text and "\x07" not in text
        assert "\u202e" not in text and "\u200b" not in text
    markdown = "".join(p.read_text("utf-8") for p in sheets if p.suffix == ".md")
    # a code span: literal, never a link (tests/unit/test_sheets.py renders it through GFM)
    assert "`[link=https://evil.example]click[/link]`" in markdown
    assert "'=HYPERLINK" in outputs[2]  # CSV: never a formula


def test_an_operator_sends_nothing_destructive(server, monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("demo-operator-pass\n"))
    code = main(
        [
            "force-inactivate",
            "--server",
            server.base_url,
            "--account",
            "operator",
            "--password-stdin",
            "--device",
            "d000001",
            "--agree",
        ]
    )
    err = capsys.readouterr().err
    assert code == 3 and "operator" in err and "nothing was sent" in err
    assert audit(server) == []  # not even a refused attempt reached the server


def test_logout_revokes_the_token_and_deletes_its_file(server, monkeypatch, capsys) -> None:
    from mobitui.local import paths, profiles, tokens

    configured = profiles.Profiles(
        {"lab": profiles.Profile("lab", server.base_url, "admin")}, default="lab"
    )
    profiles.save_profiles(configured)
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["groups", "--profile", "lab", "--password-stdin"]) == 0
    cached = tokens.load_token("lab", "admin", server=server.base_url)
    assert cached is not None
    token_files = list((paths.state_dir() / "tokens").iterdir())
    assert [oct(p.stat().st_mode & 0o777) for p in token_files] == ["0o600"]
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # no password needed: the token works
    assert main(["groups", "--profile", "lab"]) == 0
    assert main(["logout", "--profile", "lab"]) == 0
    assert list((paths.state_dir() / "tokens").iterdir()) == []
    answer = httpx.get(f"{server.api_url}/me", headers={"Authorization": f"Bearer {cached.token}"})
    assert answer.status_code == 401  # revoked on the server, not only forgotten here
    capsys.readouterr()


def test_serve_and_demo_take_hostile() -> None:
    from mobitui.cli import build_parser

    assert build_parser().parse_args(["serve", "--hostile"]).hostile is True
    assert build_parser().parse_args(["demo", "--hostile"]).hostile is True
    assert build_parser().parse_args(["serve"]).hostile is False
