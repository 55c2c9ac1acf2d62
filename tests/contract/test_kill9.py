"""kill -9 of the client in the middle of a bulk run, then resume: nothing twice, nothing lost.

The child process (``kill9_child``) runs a bulk action on 25 devices in batches of 5 against
the real server and is killed with SIGKILL at a point drawn at random (seeded): after the
server acted on batch k and before the journal recorded it (the worst moment), or while it
waits between batches. Resuming from the journal resends the open batches with their keys (the
server replays a first answer, never acts twice); the server's own audit log shows every device
acted on exactly once, for inactivation, forced inactivation and deletion.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from mobitui.api.runner import run_operation
from mobitui.domain.models import Outcome
from mobitui.domain.operation import Ending
from mobitui.local.audit_log import AuditLog
from mobitui.local.journal import Journal, read
from tests.contract.faults import Sim, acted_on, connect
from tests.contract.runs import force_inactivate
from tests.contract.test_faults import active_ids

AUDIT_ACTION = {"inactivate": "inactivate", "force": "force_inactivate", "delete": "delete"}


def _calls(server, action: str) -> int:
    entries = httpx.get(f"{server.api_url}/sim/audit").json()["entries"]
    return sum(1 for e in entries if e["action"] == action and e["result"] == "ok")


async def _force_first(server, ids: list[str]) -> None:
    """Deletion needs inactive devices: force them (over a clean connection) beforehand."""
    client = await connect(server)
    async with client:
        await force_inactivate(client, ids, password="demo-admin-pass", agree=True)


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("action", "seed"),
    [("force", 1), ("force", 2), ("inactivate", 3), ("delete", 4)],
)
async def test_kill_9_mid_bulk_then_resume_acts_on_each_device_exactly_once(
    make_server, tmp_path: Path, action: str, seed: int
) -> None:
    rng = random.Random(seed)
    server = make_server(max_bulk=5)
    ids = await active_ids(server, 25)
    if action == "delete":
        await _force_first(server, ids)
    audit_action = AUDIT_ACTION[action]
    before = _calls(server, audit_action)
    kill_after = rng.randint(1, 4)  # batches the server has acted on when the kill comes
    hold = rng.choice([1.0, 0.0])  # 1.0: inside the acted-but-not-recorded window
    state = tmp_path / "state"
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.contract.kill9_child",
            server.base_url,
            str(state),
            ",".join(ids),
            str(hold),
            action,
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        path = Path(child.stdout.readline().strip())  # the plan is on disk
        deadline = time.monotonic() + 60
        while _calls(server, audit_action) - before < kill_after and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL

    crashed = read(path).state
    if hold:  # killed inside the window: the last acted-on batch is not recorded
        assert len(crashed.done) == kill_after - 1
    assert crashed.open_batches  # something is left to do (or to learn the outcome of)
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
    wanted = Outcome.DELETED if action == "delete" else Outcome.ACCEPTED
    assert resumed.counts()[wanted] == 25
    assert acted_on(await Sim(server).audit(audit_action)) == {i: 1 for i in ids}
