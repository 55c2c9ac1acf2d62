"""Checklist ticks on disk: written at once with mode 0600, read back, a damaged file left alone."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mobitui.domain.checklist import ChecklistProgress
from mobitui.domain.procedures import ProcedureId
from mobitui.local.checklists import ChecklistStore, progress_key
from mobitui.local.paths import ConfigError
from mobitui.present.sheets import sheet_name
from tests.unit.test_rules import device

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def test_ticks_round_trip_through_a_0600_file(tmp_path: Path) -> None:
    path = tmp_path / "state" / "checklists.json"
    key = progress_key("https://mdm.example.jp", "alice", "d1", "r1")
    progress = ChecklistProgress()
    progress.tick((ProcedureId.D, 1), NOW)
    ChecklistStore(path).put(key, progress)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = ChecklistStore(path)
    assert again.problem is None
    assert again.get(key) == progress
    assert (
        again.get(progress_key("https://mdm.example.jp", "alice", "d1", "r2"))
        == ChecklistProgress()
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"a|b|c|d": {"ticked": ["D:1"]}\n,,', "line 2"),
        ('{"a|b|c|d": {"ticked": ["Z:9"]}}', "not a step"),
        ("[1, 2]", "expected an object"),
    ],
)
def test_a_damaged_file_is_named_and_never_overwritten(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "checklists.json"
    path.write_text(content, "utf-8")
    store = ChecklistStore(path)
    problem = str(store.problem)
    assert store.problem is not None and str(path) in problem and message in problem
    with pytest.raises(ConfigError, match=message):
        store.put("k", ChecklistProgress())
    assert path.read_text("utf-8") == content  # untouched
    assert store.get("k") == ChecklistProgress()  # kept in memory for this session


def test_sheet_file_names_come_from_id_and_serial_never_the_name() -> None:
    hostile = device(id="d/../../x", serial="AB C/../\x1b", name="../../etc/passwd")
    name = sheet_name(hostile, "ja", "md")
    assert "/" not in name and "passwd" not in name and "\x1b" not in name
    assert name.endswith(".ja.md")
