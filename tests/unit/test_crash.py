"""The crash report writer: private, never through a planted name, never the locals."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mobitui.local import crash_reports

FIXED = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


class _Clock:
    @staticmethod
    def now(tz: object = None) -> datetime:
        return FIXED


def _error() -> KeyError:
    def failing() -> None:
        phone = "090-SECRET-0000"  # noqa: F841 - a local that must not be written
        raise KeyError("d000101")

    try:
        failing()
    except KeyError as exc:
        return exc
    raise AssertionError("unreachable")


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "state"
    monkeypatch.setenv("MOBITUI_STATE_DIR", str(directory))
    monkeypatch.setattr(crash_reports, "datetime", _Clock)
    return directory


def test_a_symlink_planted_at_the_name_is_never_written_through(state: Path, tmp_path: Path):
    state.mkdir(mode=0o700)
    target = tmp_path / "attacker-owned.txt"
    target.write_text("untouched")
    first = state / f"crash-20261201T093000Z-{os.getpid()}.txt"
    first.symlink_to(target)
    path = crash_reports.write_report([_error()], "test")
    assert path == state / f"crash-20261201T093000Z-{os.getpid()}-1.txt"
    assert target.read_text() == "untouched" and first.is_symlink()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert "KeyError: 'd000101'" in text and "in failing" in text
    assert "SECRET" not in text


def test_a_state_dir_others_may_write_is_refused(state: Path) -> None:
    state.mkdir()
    state.chmod(0o777)
    assert crash_reports.write_report([_error()], "test") is None
    assert list(state.iterdir()) == []
    line = crash_reports.line(_error(), None)
    assert line == "mobitui: internal error (KeyError); no crash report could be written"


def test_later_errors_go_into_the_first_file_and_only_the_first_gets_a_line(state: Path):
    log = crash_reports.CrashLog("test")
    first = log.add(_error())
    assert first is not None and str(log.path) in first
    assert log.add(ValueError("while stopping")) is None
    text = log.path.read_text()
    assert "KeyError" in text and "then, while stopping" in text and "ValueError" in text
    assert [p.name for p in state.iterdir()] == [log.path.name]


def test_a_worker_failure_is_named_by_what_happened_inside() -> None:
    from textual.worker import WorkerFailed

    assert "(KeyError)" in crash_reports.line(WorkerFailed(_error()), None)
