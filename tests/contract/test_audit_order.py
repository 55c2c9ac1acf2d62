"""The local audit log ends up recording every batch the server acted on (safety round 3, #5).

A full disk makes one audit append fail (ENOSPC) after the server acted on that batch. The run
stops before the next batch; the resume finishes it. Before: the journal had already recorded
that batch as done (the journal first, the audit line second), so the resume never sent it
again and the local audit log never learnt of ten devices the server force-inactivated. Now
the audit line is written first: a failed audit write leaves the batch open, the resume sends
it again under its key (the server answers its first outcome, acting on nothing twice) and
writes its line. Through the hostile gateway, in front of the real reference server.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pytest

from mobitui.api.runner import new_operation, run_operation
from mobitui.domain.operation import Ending
from mobitui.domain.rules import ForceInactivate
from mobitui.local import private_files
from mobitui.local.audit_log import AuditLog
from mobitui.local.journal import Journal, JournalError, read
from tests.contract.faults import PASSWORDS, Sim, acted_on, connect
from tests.contract.test_faults import active_ids

PASSWORD = PASSWORDS["admin"]


def full_at(monkeypatch: pytest.MonkeyPatch, number: int) -> None:
    """The ``number``-th audit append (1-based) fails as on a full disk; the others work."""
    real = private_files.append_line
    calls = {"n": 0}

    def append_line(path: Path, line: bytes, **kw: Any) -> None:
        calls["n"] += 1
        if calls["n"] == number:
            raise private_files.PrivateFileError(
                path, "No space left on device", errno.ENOSPC, action="write"
            )
        real(path, line, **kw)

    monkeypatch.setattr(private_files, "append_line", append_line)


@pytest.mark.parametrize("failing", [1, 2])
async def test_a_failed_audit_append_leaves_its_batch_open_and_resume_records_it(
    make_server, make_gateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: int
) -> None:
    server = make_server(max_bulk=10, speed=0.0)
    ids = await active_ids(server, 30)
    gateway = make_gateway(server)
    journal_dir = Journal(tmp_path / "state" / "journal")
    audit = AuditLog(tmp_path / "state" / "audit.jsonl")
    full_at(monkeypatch, failing)
    client = await connect(gateway)
    async with client:
        operation = await new_operation(
            client,
            journal_dir,
            ForceInactivate(),
            ids,
            names={},
            server=gateway.base_url,
            profile="test",
            account="admin",
        )
        with pytest.raises(JournalError, match="No space left on device"):
            await run_operation(
                client, operation, audit, password=PASSWORD, agree=True, concurrency=1
            )
        operation.close()
        state = read(operation.path).state
        unaudited = state.spec.batches[failing - 1]
        # The batch whose audit line failed is not settled in the journal: it stays open.
        assert unaudited in state.open_batches
        assert len(state.done) == failing - 1
        with journal_dir.open(operation.path) as again:
            finished = await run_operation(client, again, audit, password=PASSWORD, agree=True)
    assert finished.ending is Ending.FINISHED
    server_acted = acted_on(await Sim(server).audit("force_inactivate"))
    assert server_acted == {i: 1 for i in ids}  # the resend was answered, not acted on again
    latest = audit.latest()
    logged = {i for e in latest.values() if e["result"] == "done" for i in e["device_ids"]}
    assert logged == set(server_acted)
    assert sorted(batch for _op, batch in latest) == sorted(b.key for b in state.spec.batches)
