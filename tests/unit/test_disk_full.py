"""A full disk for every file mobitui writes: an error naming the file, and the disk as it was.

Each writer runs in a child process whose files may not grow past a few bytes
(``RLIMIT_FSIZE``, :mod:`tests.disk_limits`): ``write`` then writes part of what it was given
and returns, exactly as on a disk that fills up mid-write. Before the fix the plan of a bulk run
was silently torn (and sent anyway), the audit line too, a sheet was left half written, and the
others raised a bare ``[Errno 27]`` that named nothing. Every one must now fail with the file's
name, leave no half file and no temporary behind, and keep what was there before.

The last test proves the rename of each atomic rewrite is made durable too (its directory is
fsync'd), which a crash test cannot show on a machine that does not lose power.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mobitui.domain.operation import Batch, OperationSpec
from mobitui.domain.rules import Inactivate
from mobitui.local import paths, profiles, tokens
from mobitui.local.audit_log import AuditLog
from mobitui.local.journal import Journal, read
from tests.disk_limits import python_limited

LAB = "http://127.0.0.1:8765"
SOON = datetime.now(UTC) + timedelta(hours=1)

#: Shared by every child: the same directories as the parent, and a spec factory.
PRELUDE = """
import json, sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from mobitui.domain.operation import Batch, OperationSpec
from mobitui.domain.rules import Inactivate

def spec(devices, size=50):
    ids = [f"d{i:06d}" for i in range(devices)]
    batches = tuple(
        Batch(f"key-{n}", tuple(ids[n : n + size])) for n in range(0, devices, size)
    )
    return OperationSpec(
        id="op1", action=Inactivate(), created_at=datetime.now(UTC), server="http://x",
        profile="lab", account="admin", batches=batches,
        names={i: f"名前 {i} の端末" for i in ids},
    )

def outcome(call):
    try:
        call()
    except Exception as exc:
        print(json.dumps({"raised": type(exc).__name__, "message": str(exc)}))
    else:
        print(json.dumps({"raised": None}))
"""


def spec(devices: int, size: int = 50) -> OperationSpec:
    ids = [f"d{i:06d}" for i in range(devices)]
    batches = tuple(Batch(f"key-{n}", tuple(ids[n : n + size])) for n in range(0, devices, size))
    return OperationSpec(
        id="op1",
        action=Inactivate(),
        created_at=datetime.now(UTC),
        server="http://x",
        profile="lab",
        account="admin",
        batches=batches,
        names={i: f"name {i}" for i in ids},
    )


def child(body: str, limit: int) -> dict[str, object]:
    """Run ``body`` (after PRELUDE) with files capped at ``limit`` bytes; its verdict."""
    env = {
        "PYTHONDONTWRITEBYTECODE": "1",
        **{k: os.environ[k] for k in os.environ if k.startswith("MOBITUI_")},
    }
    run = python_limited(PRELUDE + body, limit, env=env)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


# --------------------------------------------------------------------------- the journal


def test_a_plan_that_does_not_fit_raises_and_leaves_no_journal() -> None:
    """Before: the plan was torn at the limit, start() returned, and the batches were sent."""
    journal_dir = paths.state_dir() / "journal"
    verdict = child(
        f"""
from mobitui.local.journal import Journal
outcome(lambda: Journal(Path({str(journal_dir)!r})).start(spec(1000)))
""",
        20_000,
    )
    assert verdict["raised"] == "JournalError"
    assert str(journal_dir) in str(verdict["message"])
    assert "File too large" in str(verdict["message"])
    assert list(journal_dir.iterdir()) == []  # no half plan, no temporary file


def test_a_journal_record_that_does_not_fit_raises_and_leaves_the_good_lines() -> None:
    journal = Journal(paths.state_dir() / "journal")
    with journal.start(spec(40)) as opened:
        path = opened.path
    before = path.read_bytes()
    verdict = child(
        f"""
from mobitui.local.journal import Journal
with Journal(Path({str(path.parent)!r})).open(Path({str(path)!r})) as opened:
    outcome(lambda: opened.record_refused("key-0", 400, "bad", "x" * 20000))
""",
        len(before) + 1000,
    )
    assert verdict["raised"] == "JournalError" and str(path) in str(verdict["message"])
    assert path.read_bytes() == before  # the failed record cut back: nothing torn
    assert read(path).torn is None


# --------------------------------------------------------------------------- the audit log


def test_an_audit_line_that_does_not_fit_raises_and_the_next_append_does_not_glue() -> None:
    """Before: the torn line was reported as written and the next entry glued onto it, after
    which the log could not be read at all."""
    path = paths.state_dir() / "audit.jsonl"
    log = AuditLog(path)
    log.record(spec(10), "key-0", ["d000000"], result="done")
    before = path.read_bytes()
    verdict = child(
        f"""
import resource
from mobitui.local.audit_log import AuditLog
log = AuditLog(Path({str(path)!r}))
s = spec(2000, 2000)
outcome(lambda: log.record(s, "key-0", s.device_ids, result="done"))
hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]
resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
log.record(s, "key-1", ["d000001"], result="done")  # the limit lifted: the disk has room
""",
        len(before) + 4000,
    )
    assert verdict["raised"] == "JournalError" and str(path) in str(verdict["message"])
    read_back = log.read()
    assert read_back.problems == []
    assert [e["batch"] for e in read_back.entries] == ["key-0", "key-1"]
    assert path.read_bytes().startswith(before)


def test_the_audit_reader_names_a_torn_last_line_and_keeps_the_good_ones() -> None:
    path = paths.state_dir() / "audit.jsonl"
    log = AuditLog(path)
    log.record(spec(10), "key-0", ["d000000"], result="done")
    log.record(spec(10), "key-1", ["d000001"], result="done")
    with path.open("ab") as handle:
        handle.write(b'{"at": "2026-')  # a crash mid-write
    read_back = log.read()
    assert [e["batch"] for e in read_back.entries] == ["key-0", "key-1"]
    assert read_back.problems == [f"{path}: line 3: torn (no newline, 13 bytes): ignored"]


def test_the_audit_reader_names_a_glued_line_in_the_middle_and_keeps_the_rest() -> None:
    """A log damaged by the old glue bug: the good lines around the bad one still count."""
    path = paths.state_dir() / "audit.jsonl"
    log = AuditLog(path)
    log.record(spec(10), "key-0", ["d000000"], result="done")
    with path.open("ab") as handle:
        handle.write(b'{"at": "2026-{"at": "x"}\n')
    log.record(spec(10), "key-2", ["d000002"], result="done")
    read_back = log.read()
    assert [e["batch"] for e in read_back.entries] == ["key-0", "key-2"]
    assert len(read_back.problems) == 1 and f"{path}: line 2: not an entry" in read_back.problems[0]


def test_the_journal_reader_names_a_torn_last_line() -> None:
    journal = Journal(paths.state_dir() / "journal")
    with journal.start(spec(40)) as opened:
        path = opened.path
    with path.open("ab") as handle:
        handle.write(b'{"type": "batch_do')
    loaded = read(path)
    assert str(loaded.torn) == f"{path}: line 2: torn (no newline, 18 bytes): ignored"
    assert len(loaded.state.open_batches) == 1  # the good line (the plan) is kept


# --------------------------------------------------------------------------- rewritten files

REWRITES: dict[str, tuple[Callable[[], Path], str, int]] = {
    # name: (write the old version in the parent; returns the file), child body, limit
    "token": (
        lambda: tokens.save_token("lab", "admin", "t" * 40, SOON, server=LAB),
        f"""
from mobitui.local import paths, profiles, tokens
soon = datetime.now(UTC) + timedelta(hours=1)
outcome(lambda: tokens.save_token("lab", "admin", "n" * 4000, soon, server={LAB!r}))
""",
        1000,
    ),
    "profiles": (
        lambda: profiles.save_profiles(
            profiles.Profiles({"lab": profiles.Profile("lab", LAB, "admin")}, "lab")
        ),
        f"""
from mobitui.local import paths, profiles, tokens
many = {{f"p{{i}}": profiles.Profile(f"p{{i}}", {LAB!r}, "admin") for i in range(200)}}
outcome(lambda: profiles.save_profiles(profiles.Profiles(many, "p1")))
""",
        1000,
    ),
    "checklists": (
        lambda: _ticks(200),  # a long retirement: the file is already big
        """
from mobitui.local.checklists import ChecklistStore
from mobitui.domain.checklist import ChecklistProgress
from mobitui.domain.procedures import ProcedureId
p = ChecklistProgress()
p.tick((ProcedureId.D, 1), datetime.now(UTC))
outcome(lambda: ChecklistStore().put("server|admin|d999999|-", p))
""",
        2000,
    ),
    "fleet cache": (
        lambda: _fleet(1),
        """
from tests.unit.test_disk_full import _fleet
outcome(lambda: _fleet(500))
""",
        4000,
    ),
}


def _ticks(count: int) -> Path:
    from mobitui.domain.checklist import ChecklistProgress
    from mobitui.domain.procedures import ProcedureId
    from mobitui.local.checklists import ChecklistStore

    store = ChecklistStore()
    for i in range(count):
        progress = ChecklistProgress()
        progress.tick((ProcedureId.D, 1), datetime.now(UTC))
        store.put(f"server|admin|d{i:06d}|-", progress)
    return store.path


def _fleet(count: int) -> Path:
    import dataclasses

    from mobitui.fleet.snapshot import FleetCache, Identity, Snapshot
    from tests.unit.test_fleet_cache import plain

    devices = [dataclasses.replace(plain(), id=f"d{i:06d}") for i in range(count)]
    cache = FleetCache.of("lab", "admin")
    cache.save(Snapshot(Identity.of("inst", "acc", None), 1, [], devices))
    return cache.path


@pytest.mark.parametrize("writer", list(REWRITES))
def test_a_rewrite_that_does_not_fit_names_the_file_and_keeps_the_old_one(writer: str) -> None:
    """Before: a bare ``OSError: [Errno 27] File too large`` naming no file (a traceback in
    the CLI); now the writer's own error, naming the file, and the old content kept."""
    old, body, limit = REWRITES[writer]
    path = old()
    before = path.read_bytes()
    verdict = child(body, limit)
    assert verdict["raised"] in ("ConfigError", "PrivateFileError"), verdict
    assert str(path) in str(verdict["message"]) and "File too large" in str(verdict["message"])
    assert path.read_bytes() == before
    assert leftovers(path.parent) == []


def test_a_sheet_that_does_not_fit_is_not_left_half_written(tmp_path: Path) -> None:
    out = tmp_path / "sheets"
    verdict = child(
        f"""
from mobitui.present.sheets import SheetJob, export_sheets
from tests.unit.test_rules import device
job = SheetJob(device(), None, True, "r1")
outcome(lambda: export_sheets([job], Path({str(out)!r}), ("ja",), ("md",)))
""",
        300,
    )
    assert verdict["raised"] == "PrivateFileError" and str(out) in str(verdict["message"])
    assert sorted(p.name for p in out.iterdir()) == []  # no torn sheet, no temporary


# --------------------------------------------------------------------------- renames are durable


def _dir_synced(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record the inode of every directory fsync'd."""
    synced: list[int] = []
    real = os.fsync

    def spy(fd: int) -> None:
        st = os.fstat(fd)
        if os.path.stat.S_ISDIR(st.st_mode):
            synced.append(st.st_ino)
        real(fd)

    monkeypatch.setattr(os, "fsync", spy)
    return synced


@pytest.mark.parametrize(
    "writer", ["token", "profiles", "checklists", "fleet cache", "audit", "journal end"]
)
def test_a_new_name_is_made_durable_by_fsyncing_its_directory(
    writer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced = _dir_synced(monkeypatch)
    if writer in REWRITES:
        path = REWRITES[writer][0]()
    elif writer == "audit":
        path = paths.state_dir() / "audit.jsonl"
        AuditLog(path).record(spec(2), "key-0", ["d000000"], result="done")
    else:
        with Journal(paths.state_dir() / "journal").start(spec(2)) as opened:
            from mobitui.domain.operation import Ending

            opened.end(Ending.ABANDONED)
            path = opened.path
        assert path.parent.name == "finished"
    assert path.parent.stat().st_ino in synced
