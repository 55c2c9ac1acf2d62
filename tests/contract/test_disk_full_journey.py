"""A whole headless retirement on a disk that fills up, against the REAL server on loopback.

``mobitui inactivate`` of some 500 devices (batches of 50) runs as a real process whose files
may not grow past a limit (``RLIMIT_FSIZE``, no privileges needed), and, as root, in this
process with its state directory on a tmpfs of 64 KiB. The server's own audit log is the
truth about what was sent: no call may carry a batch whose plan was not durably on disk, a
failed write must stop the run (before the next batch) with a non-zero exit and one clear
line naming the file, and ``mobitui resume`` once there is room must finish the run with
every device acted on exactly once. Before the fix the plan was torn at the limit and sent
anyway, the audit line torn and success reported (exit 0).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from mobitui.domain.rules import ACKNOWLEDGEABLE
from mobitui.local.audit_log import AuditLog
from mobitui.local.journal import read
from tests.contract.faults import acted_on
from tests.disk_limits import fill, run_limited, tiny_tmpfs

PASSWORD = "demo-admin-pass"
MOBITUI = str(Path(sys.executable).with_name("mobitui"))
ACKS = [word for warning in ACKNOWLEDGEABLE for word in ("--acknowledge", warning)]
#: Bytes: the plan of ~500 devices is ~36 KB, a batch's record ~5 KB, an audit line ~4 KB.
NO_ROOM_FOR_THE_PLAN = 20_000
ROOM_FOR_THE_PLAN_AND_TWO_BATCHES = 50_000


@pytest.fixture
def server(make_server):
    return make_server(fleet=600, seed=5, speed=0.0, max_bulk=50)


def server_calls(server) -> list[dict[str, Any]]:
    entries = httpx.get(f"{server.api_url}/sim/audit").json()["entries"]
    return [e for e in entries if e["action"] == "inactivate"]


def active_ids(server) -> list[str]:
    token = httpx.post(
        f"{server.api_url}/auth/login", json={"account": "admin", "password": PASSWORD}
    ).json()["token"]
    found: list[str] = []
    cursor = None
    while True:
        params = {"state": "active", "limit": 1000} | ({"cursor": cursor} if cursor else {})
        page = httpx.get(
            f"{server.api_url}/devices", params=params, headers={"Authorization": f"Bearer {token}"}
        ).json()
        found += [d["id"] for d in page["items"]]
        cursor = page.get("next_cursor")
        if not cursor:
            return found


def env_for(root: Path) -> dict[str, str]:
    return {
        "MOBITUI_STATE_DIR": str(root / "state"),
        "MOBITUI_CONFIG_DIR": str(root / "config"),
        "MOBITUI_CACHE_DIR": str(root / "cache"),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def id_list(ids: list[str], where: Path) -> str:
    """The devices as the admin's spreadsheet lists them (one request for all of them;
    ``--device`` asks for each device on its own)."""
    path = where / "retire.csv"
    path.write_text("\n".join(ids) + "\n", "utf-8")
    return str(path)


def inactivate(server, ids: list[str], env: dict[str, str], limit: int):
    csv = id_list(ids, Path(env["MOBITUI_CONFIG_DIR"]).parent)
    argv = [MOBITUI, "inactivate", "--server", server.base_url, "--account", "admin"]
    argv += ["--password-stdin", "--from-csv", csv, "--agree", *ACKS, "--format", "json"]
    return run_limited(argv, limit, env=env, stdin=PASSWORD + "\n")


def resume(server, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    argv = [MOBITUI, "resume", "--server", server.base_url, "--account", "admin"]
    return subprocess.run(
        [*argv, "--password-stdin", "--agree", "--format", "json"],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )


def the_error(stderr: str) -> str:
    """The command's last word: one line, no traceback."""
    assert "Traceback" not in stderr, stderr
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("mobitui: "), stderr
    return last


def journals(state: Path) -> list[Path]:
    return sorted((state / "journal").rglob("*.jsonl"))


def assert_only_durable_batches_were_sent(server, state: Path, *, concurrency: int = 4) -> None:
    """Every call the server saw carries one batch of a plan that is whole on disk; only the
    batches recorded done there, and at most the ones then in flight, were sent."""
    (path,) = journals(state)
    loaded = read(path)
    assert loaded.torn is None  # a failed write left no half line
    batches = {frozenset(b.device_ids): b.key for b in loaded.state.spec.batches}
    calls = server_calls(server)
    sent = [batches.get(frozenset(c["device_ids"])) for c in calls]
    assert sent, "the plan fitted: the run was meant to fail after its first batches"
    assert None not in sent, "a call carried devices of no durable batch"
    assert len(set(sent)) == len(sent)
    done = set(loaded.state.done)
    assert done <= set(sent)
    assert len(sent) <= len(done) + concurrency  # stopped: no new batch after the failure
    assert len(sent) < len(batches)


def assert_resume_finishes_exactly_once(server, env: dict[str, str], ids: list[str]) -> None:
    finished = resume(server, env)
    assert finished.returncode == 0, finished.stderr
    counts = acted_on(server_calls(server))
    assert set(counts) == set(ids) and set(counts.values()) == {1}


# --------------------------------------------------------------------------- RLIMIT_FSIZE


def test_a_plan_that_cannot_be_written_is_never_sent(server, tmp_path: Path) -> None:
    ids = active_ids(server)
    env = env_for(tmp_path)
    run = inactivate(server, ids, env, NO_ROOM_FOR_THE_PLAN)
    assert run.returncode == 2, run.stderr
    error = the_error(run.stderr)
    assert f"{tmp_path / 'state' / 'journal'}/" in error and "File too large" in error
    assert server_calls(server) == []  # not one destructive call left the machine
    assert journals(tmp_path / "state") == []  # and no half plan was left behind
    assert [p.name for p in (tmp_path / "state" / "journal").iterdir()] == []


def test_a_journal_that_fills_mid_run_stops_the_run_and_resumes_exactly_once(
    server, tmp_path: Path
) -> None:
    ids = active_ids(server)
    assert len(ids) > 450
    env = env_for(tmp_path)
    run = inactivate(server, ids, env, ROOM_FOR_THE_PLAN_AND_TWO_BATCHES)
    assert run.returncode != 0, run.stderr
    error = the_error(run.stderr)
    assert "journal" in error and "cannot write: File too large" in error
    assert_only_durable_batches_were_sent(server, tmp_path / "state")
    (path,) = journals(tmp_path / "state")
    plan = read(path).state.spec
    assert_resume_finishes_exactly_once(server, env, ids)
    # The batches whose journal record did not fit (the first one that failed, and those in
    # flight beside it) had their audit lines already (written first): the resume wrote a
    # second one for each, under the same batch key and with the same outcomes (the server
    # answered the resend from its first). The last line of each batch covers every device
    # the server acted on.
    entries = AuditLog(tmp_path / "state" / "audit.jsonl").entries()
    keys = [e["batch"] for e in entries if e["operation"] == plan.id]
    twice = {k for k in keys if keys.count(k) > 1}
    assert twice and sorted(set(keys)) == sorted(b.key for b in plan.batches)
    for key in twice:
        lines = [e for e in entries if e["batch"] == key]
        assert len(lines) == 2 and {e["result"] for e in lines} == {"done"}
        assert lines[0]["outcomes"] == lines[1]["outcomes"]
    latest = AuditLog(tmp_path / "state" / "audit.jsonl").latest()
    logged = {i for e in latest.values() if e["result"] == "done" for i in e["device_ids"]}
    assert logged == set(acted_on(server_calls(server)))


def test_an_audit_log_that_is_full_stops_the_run_before_the_next_batch(
    server, tmp_path: Path
) -> None:
    """The local audit log of a long retirement is near the limit: the first batch's line
    does not fit. Before: torn, "done", exit 0, and every later line glued onto it. Then (until
    safety round 3): the journal recorded that batch as done before its audit line failed, so
    the resume never resent it and the local audit log never held the batch the server acted
    on. Now the audit line comes first: the batch stays open and the resume records it."""
    ids = active_ids(server)
    env = env_for(tmp_path)
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    audit = state / "audit.jsonl"
    old_line = json.dumps({"at": "2026-11-01T00:00:00Z", "result": "done", "pad": "x" * 400})
    limit = 200_000
    audit.write_text((old_line + "\n") * ((limit - 2000) // (len(old_line) + 1)), "utf-8")
    before = audit.read_bytes()
    run = inactivate(server, ids, env, limit)
    assert run.returncode != 0, run.stderr
    error = the_error(run.stderr)
    assert error == f"mobitui: {audit}: cannot write: File too large"
    assert len(server_calls(server)) == 1  # the first batch, and no other after the failure
    assert audit.read_bytes() == before  # no torn line: the next entry will not glue onto it
    (path,) = journals(state)
    plan = read(path).state
    assert plan.done == {} and len(plan.open_batches) == 11  # its audit line is not written
    assert_resume_finishes_exactly_once(server, env, ids)
    read_back = AuditLog(audit).read()
    assert read_back.problems == []
    # All eleven batches, the first one included (resent under its key: answered from the
    # server's first outcome), each once: the local log holds every device the server acted on.
    assert len(read_back.entries) == before.count(b"\n") + 11
    logged = [e for e in read_back.entries if e.get("operation") == plan.spec.id]
    assert sorted(e["batch"] for e in logged) == sorted(b.key for b in plan.spec.batches)
    assert {e["result"] for e in logged} == {"done"}
    assert {i for e in logged for i in e["device_ids"]} == set(acted_on(server_calls(server)))


# --------------------------------------------------------------------------- a real tmpfs


def cli(server, argv: list[str], monkeypatch, capsys) -> tuple[int, str]:
    from mobitui.cli import main

    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    common = ["--server", server.base_url, "--account", "admin", "--password-stdin"]
    code = main([argv[0], *common, *argv[1:]])
    return code, capsys.readouterr().err


def test_a_state_dir_on_a_full_tmpfs_sends_no_undurable_batch(
    server, tmp_path: Path, monkeypatch, capsys
) -> None:
    ids = active_ids(server)
    state = tmp_path / "state"
    with tiny_tmpfs(state, "64k"):
        monkeypatch.setenv("MOBITUI_STATE_DIR", str(state))
        csv = id_list(ids, tmp_path)
        acting = ["inactivate", "--from-csv", csv, "--agree", *ACKS, "--format", "json"]
        code, err = cli(server, acting, monkeypatch, capsys)
        assert code != 0, err
        error = the_error(err)
        assert str(state) in error and "No space left on device" in error
        assert_only_durable_batches_were_sent(server, state)
        subprocess.run(["mount", "-o", "remount,size=1m", str(state)], check=True)
        code, err = cli(server, ["resume", "--agree", "--format", "json"], monkeypatch, capsys)
        assert code == 0, err
        counts = acted_on(server_calls(server))
        assert set(counts) == set(ids) and set(counts.values()) == {1}


def test_a_plan_that_does_not_fit_on_the_tmpfs_is_never_sent(
    server, tmp_path: Path, monkeypatch, capsys
) -> None:
    ids = active_ids(server)
    state = tmp_path / "state"
    with tiny_tmpfs(state, "64k"):
        monkeypatch.setenv("MOBITUI_STATE_DIR", str(state))
        fill(state, leave=16 * 1024)
        acting = ["inactivate", "--from-csv", id_list(ids, tmp_path), "--agree", *ACKS]
        code, err = cli(server, acting, monkeypatch, capsys)
        assert code == 2, err
        assert "No space left on device" in the_error(err)
        assert server_calls(server) == []
        assert journals(state) == []
