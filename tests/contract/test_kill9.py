"""kill -9 of the client in the middle of a bulk run, then resume: nothing twice, nothing lost.

The child process (``kill9_child``) runs a forced inactivation of 25 devices in batches of 5
against the real server and is killed with SIGKILL right after the server acted on a batch and
before the journal recorded it: the worst moment. Resuming from the journal then resends that
batch with its key (the server replays its first answer) and sends the rest; the server's own
audit log shows every device forced exactly once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mobitui.api.audit_log import AuditLog
from mobitui.api.journal import Journal, read
from mobitui.api.runner import run_operation
from mobitui.domain.models import Outcome
from mobitui.domain.operation import Ending
from tests.contract.faults import Sim, acted_on, connect
from tests.contract.test_faults import active_ids


def _forced_calls(server) -> int:
    import httpx

    entries = httpx.get(f"{server.api_url}/sim/audit").json()["entries"]
    return sum(1 for e in entries if e["action"] == "force_inactivate" and e["result"] == "ok")


@pytest.mark.timeout(120)
async def test_kill_9_mid_bulk_then_resume_acts_on_each_device_exactly_once(
    make_server, tmp_path: Path
) -> None:
    server = make_server(max_bulk=5)
    ids = await active_ids(server, 25)
    state = tmp_path / "state"
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.contract.kill9_child",
            server.base_url,
            str(state),
            ",".join(ids),
            "1.0",
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        path = Path(child.stdout.readline().strip())  # the plan is on disk
        # Wait until the server has acted on the third batch (two are recorded, the third is
        # being held by the child), then kill it without warning.
        deadline = time.monotonic() + 60
        while _forced_calls(server) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _forced_calls(server) == 3
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL

    crashed = read(path).state
    assert len(crashed.done) == 2 and len(crashed.open_batches) == 3  # batch 3: unknown
    journal = Journal(state / "journal")
    found, errors = journal.scan(server=server.base_url, profile="test", account="admin")
    assert errors == [] and [f.path for f in found] == [path]

    client = await connect(server)
    async with client:
        with journal.open(path) as again:
            resumed = await run_operation(
                client,
                again,
                AuditLog(state / "audit.jsonl"),
                password="demo-admin-pass",
                agree=True,
            )
    assert resumed.ending is Ending.FINISHED
    assert resumed.counts()[Outcome.ACCEPTED] == 25
    assert acted_on(await Sim(server).audit("force_inactivate")) == {i: 1 for i in ids}
