"""The server restarted in the middle of a bulk run: the client waits, reconnects, finishes;
nothing is done twice and the server's database is intact (SQLite's own integrity check)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

from mobitui.api.retry import RetryPolicy
from mobitui.api.runner import new_operation, run_operation
from mobitui.domain.operation import Ending
from mobitui.domain.rules import ForceInactivate
from mobitui.local.audit_log import AuditLog
from mobitui.local.journal import Journal
from tests.contract.faults import Sim, acted_on, connect
from tests.contract.test_faults import active_ids


async def test_a_restart_mid_run_is_waited_out_and_the_database_is_intact(
    make_server, tmp_path: Path
) -> None:
    server = make_server(max_bulk=5)
    ids = await active_ids(server, 30)
    restarted = threading.Event()

    def bounce() -> None:
        server.stop()
        # Down for a while: the client's retries (connection refused) must wait it out.
        threading.Event().wait(1.0)
        server.start()
        restarted.set()

    def progress(done: int, total: int) -> None:
        if done == 10 and not restarted.is_set():
            threading.Thread(target=bounce, daemon=True).start()

    # Real waiting between attempts (no injected sleep): about 13 s of patience in all.
    patience = RetryPolicy(max_attempts=8, base_delay=0.1, max_delay=4.0, jitter=0.0)
    client = await connect(server, retry=patience)
    async with client:
        journal = await new_operation(
            client,
            Journal(tmp_path / "journal"),
            ForceInactivate(),
            ids,
            names={},
            server=server.base_url,
            profile="test",
            account="admin",
        )
        with journal:
            state = await run_operation(
                client,
                journal,
                AuditLog(tmp_path / "audit.jsonl"),
                password="demo-admin-pass",
                agree=True,
                concurrency=1,
                on_progress=progress,
            )
    assert restarted.is_set()
    assert state.ending is Ending.FINISHED
    assert acted_on(await Sim(server).audit("force_inactivate")) == {i: 1 for i in ids}
    await asyncio.sleep(0)
    with sqlite3.connect(server.config.db_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
