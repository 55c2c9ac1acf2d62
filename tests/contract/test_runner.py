"""Bulk operations through the journal, against the REAL server: plan, send, crash, resume.

The journal is on disk before the first call; a run cut short by a lost connection, the
admin's Stop or a crash (a torn last line) resumes with the same keys, and the server's own
audit log proves each device was acted on exactly once. The local audit log records every call
and never the password.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import httpx
import pytest

from mobitui.api.client import MobiClient
from mobitui.api.errors import BulkIncomplete, InvalidPassword, Unreachable
from mobitui.api.runner import new_operation, run_operation
from mobitui.domain.models import DeviceState, Outcome
from mobitui.domain.operation import Ending
from mobitui.domain.rules import Delete, ForceInactivate, Inactivate
from mobitui.local.audit_log import AuditLog
from mobitui.local.journal import Journal, JournalBusy, JournalError, read
from tests.contract.faults import (
    PASSWORDS,
    Fault,
    FaultyTransport,
    Sim,
    acted_on,
    connect,
    destructive,
    scheduled,
)
from tests.contract.test_faults import active_ids, faulty_client

PASSWORD = PASSWORDS["admin"]


class Place:
    """A state directory: the journal and the local audit log of one admin's machine."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.journal = Journal(root / "journal")
        self.audit = AuditLog(root / "audit.jsonl")

    def every_byte(self) -> bytes:
        return b"".join(p.read_bytes() for p in self.root.rglob("*") if p.is_file())


@pytest.fixture
def place(tmp_path: Path) -> Place:
    return Place(tmp_path / "state")


async def start(client: MobiClient, place: Place, action: Any, ids: list[str], server: Any):
    return await new_operation(
        client,
        place.journal,
        action,
        ids,
        names={i: f"name of {i}" for i in ids},
        server=server.base_url,
        profile="test",
        account="admin",
    )


async def test_a_whole_run_is_journalled_audited_and_never_stores_the_password(make_server, place):
    server = make_server(max_bulk=40)
    ids = await active_ids(server, 100)
    client = await connect(server)
    async with client:
        journal = await start(client, place, Inactivate(), ids, server)
        first = read(journal.path)  # the plan is on disk before anything was sent
        assert [len(b) for b in first.state.spec.batches] == [40, 40, 20]
        assert first.state.open_batches == first.state.spec.batches
        seen: list[tuple[int, int]] = []
        state = await run_operation(
            client,
            journal,
            place.audit,
            password=PASSWORD,
            agree=True,
            on_progress=lambda done, total: seen.append((done, total)),
        )
    assert state.ending is Ending.FINISHED
    assert state.counts()[Outcome.ACCEPTED] == 100
    assert len(state.request_ids) == 3
    assert seen[-1] == (100, 100)
    assert journal.path.parent.name == "finished"
    assert read(journal.path).state.ending is Ending.FINISHED
    assert place.journal.scan(server=server.base_url, profile="test", account="admin") == ([], [])
    entries = place.audit.entries()
    assert [e["result"] for e in entries] == ["done"] * 3
    assert sorted(i for e in entries for i in e["device_ids"]) == sorted(ids)
    assert PASSWORD.encode() not in place.every_byte()
    assert stat.S_IMODE(os.stat(journal.path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(place.journal.directory).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(place.audit.path).st_mode) == 0o600


async def test_wrong_password_ends_a_new_operation_as_refused_and_changes_nothing(
    make_server, place
):
    server = make_server(max_bulk=40)
    ids = await active_ids(server, 50)
    client = await connect(server)
    async with client:
        journal = await start(client, place, ForceInactivate(), ids, server)
        with pytest.raises(InvalidPassword):
            await run_operation(client, journal, place.audit, password="Not-The-Pass-9", agree=True)
        assert journal.state.ending is Ending.REFUSED
        assert {d.state async for d in client.iter_devices() if d.id in set(ids)} == {
            DeviceState.ACTIVE
        }
    assert [e["result"] for e in place.audit.entries()] == ["invalid_password"]
    assert b"Not-The-Pass-9" not in place.every_byte()
    assert acted_on(await Sim(server).audit()) == {}


async def test_a_dropped_connection_mid_bulk_then_resume_acts_on_each_device_once(
    make_server, place
):
    server = make_server(max_bulk=20)
    ids = await active_ids(server, 100)
    # Batch 1 passes; batch 2 reaches the server but its answer is lost, and every retry of it
    # is refused: the run stops with batch 2's outcome unknown.
    faults = [Fault.PASS, Fault.DROP_AFTER, *[Fault.REFUSE] * 20]
    transport = FaultyTransport(
        httpx.AsyncHTTPTransport(), plan=scheduled(faults), match=destructive
    )
    client = await faulty_client(server, transport, retry=_few_retries())
    async with client:
        journal = await start(client, place, ForceInactivate(), ids, server)
        with pytest.raises(BulkIncomplete) as stopped:
            await run_operation(
                client, journal, place.audit, password=PASSWORD, agree=True, concurrency=1
            )
    assert isinstance(stopped.value.cause, Unreachable)
    state = journal.state
    journal.close()
    assert state.ending is None and state.resumable
    assert len(state.done) == 1
    assert "no_answer" in {e["result"] for e in place.audit.entries()}
    found, errors = place.journal.scan(server=server.base_url, profile="test", account="admin")
    assert errors == [] and [f.path for f in found] == [journal.path]

    # The next launch: a clean connection, the same journal, the open batches only.
    client = await connect(server)
    async with client:
        with place.journal.open(journal.path) as again:
            resumed = await run_operation(client, again, place.audit, password=PASSWORD, agree=True)
    assert resumed.ending is Ending.FINISHED
    assert resumed.counts()[Outcome.ACCEPTED] == 100
    assert acted_on(await Sim(server).audit("force_inactivate")) == {i: 1 for i in ids}


async def test_stop_leaves_the_rest_open_and_resume_finishes(make_server, place):
    server = make_server(max_bulk=10)
    ids = await active_ids(server, 60)
    client = await connect(server)
    async with client:
        journal = await start(client, place, Inactivate(), ids, server)
        stop = False

        def progress(done: int, total: int) -> None:
            nonlocal stop
            stop = done >= 20

        state = await run_operation(
            client,
            journal,
            place.audit,
            password=PASSWORD,
            agree=True,
            concurrency=1,
            on_progress=progress,
            should_stop=lambda: stop,
        )
        assert state.resumable and state.settled == 20
        assert len(state.not_done()) == 40 and all(code is None for _, code in state.not_done())
        resumed = await run_operation(client, journal, place.audit, password=PASSWORD, agree=True)
    assert resumed.ending is Ending.FINISHED
    assert acted_on(await Sim(server).audit("inactivate")) == {i: 1 for i in ids}


async def test_a_torn_last_line_after_a_crash_is_cut_and_the_batch_resent_once(make_server, place):
    server = make_server(max_bulk=25)
    ids = await active_ids(server, 50)
    client = await connect(server)
    async with client:
        journal = await start(client, place, Inactivate(), ids, server)
        await run_operation(client, journal, place.audit, password=PASSWORD, agree=True)
    done = journal.path
    # Rebuild the file as a crash would have left it: the header, the first batch's record,
    # and half of the second's (the process died mid-write; the server had answered).
    header, first, second, _end = done.read_bytes().splitlines(keepends=True)
    crashed = place.journal.directory / done.name
    crashed.write_bytes(header + first + second[: len(second) // 2])
    assert read(crashed).state.open_batches == (read(crashed).state.spec.batches[1],)
    client = await connect(server)
    async with client:
        with place.journal.open(crashed) as again:
            resumed = await run_operation(client, again, place.audit, password=PASSWORD, agree=True)
    assert resumed.ending is Ending.FINISHED
    assert resumed.counts()[Outcome.ACCEPTED] == 50  # the replayed answer, not a second action
    assert acted_on(await Sim(server).audit("inactivate")) == {i: 1 for i in ids}


async def test_deletion_of_a_mixed_selection_reports_refusals_per_device(make_server, place):
    server = make_server(max_bulk=10)
    ids = await active_ids(server, 12)
    client = await connect(server)
    async with client:
        forced = await start(client, place, ForceInactivate(), ids[:6], server)
        await run_operation(client, forced, place.audit, password=PASSWORD, agree=True)
        journal = await start(client, place, Delete(), ids, server)
        state = await run_operation(client, journal, place.audit, password=PASSWORD, agree=True)
    counts = state.counts()
    assert (counts[Outcome.DELETED], counts[Outcome.REFUSED]) == (6, 6)
    refused = {i.device_id for i in state.items if i.outcome is Outcome.REFUSED}
    assert refused == set(ids[6:])


def test_a_damaged_journal_names_its_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text('{"type": "operation"}\n', "utf-8")
    with pytest.raises(JournalError, match=r"broken\.jsonl: line 1: .*format"):
        read(path)
    path.write_bytes(b"")
    with pytest.raises(JournalError, match=r"broken\.jsonl: line 1: empty"):
        read(path)


async def test_a_second_process_cannot_take_a_running_operation(make_server, place):
    server = make_server()
    ids = await active_ids(server, 3)
    client = await connect(server)
    async with client:
        journal = await start(client, place, Inactivate(), ids, server)
    with pytest.raises(JournalBusy, match="another mobitui"):
        place.journal.open(journal.path)
    journal.close()
    place.journal.open(journal.path).close()
    found, _ = place.journal.scan(server=server.base_url, profile="other", account="admin")
    assert found == []  # another profile's operations are not offered here


def _few_retries():
    from tests.contract.faults import fast_retry

    return fast_retry(max_attempts=3)


async def test_a_wrong_password_on_resume_leaves_the_operation_open(make_server, place):
    """Reopened from disk, its first batch may have been processed before the crash: a refusal
    now proves nothing about then, so the operation stays open for another try."""
    server = make_server(max_bulk=5)
    ids = await active_ids(server, 10)
    client = await connect(server)
    async with client:
        journal = await start(client, place, Inactivate(), ids, server)
        journal.close()  # the process died before any answer was recorded
        with place.journal.open(journal.path) as again:
            with pytest.raises(InvalidPassword):
                await run_operation(client, again, place.audit, password="Nope-1", agree=True)
            assert again.state.ending is None and again.state.resumable
            state = await run_operation(client, again, place.audit, password=PASSWORD, agree=True)
    assert state.ending is Ending.FINISHED
    assert acted_on(await Sim(server).audit("inactivate")) == {i: 1 for i in ids}


async def test_a_damaged_journal_is_reported_beside_the_good_ones_and_left_alone(
    make_server, place
):
    server = make_server(max_bulk=5)
    ids = await active_ids(server, 10)
    client = await connect(server)
    async with client:
        good = await start(client, place, Inactivate(), ids[:5], server)
        good.close()
        bad = await start(client, place, Inactivate(), ids[5:], server)
        bad.close()
    # Damage the second one: a line in the middle that is not a record (not a torn tail).
    header = bad.path.read_bytes()
    damaged = header + b'{"type": "batch_done", "key": "nope", "result": {}}\n' + b"\x00garbage\n"
    bad.path.write_bytes(damaged)
    found, errors = place.journal.scan(server=server.base_url, profile="test", account="admin")
    assert [f.path for f in found] == [good.path]
    assert len(errors) == 1
    assert str(bad.path) in str(errors[0]) and "line 2" in str(errors[0])
    assert bad.path.read_bytes() == damaged  # never rewritten, never dropped
