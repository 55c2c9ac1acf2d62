"""One reading of a schedule, shared by the dialog's field and ``--schedule``."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mobitui.present.words import SCHEDULE_FORMAT, read_schedule


def test_local_time_in_the_dialogs_format_is_this_machines_zone() -> None:
    when = read_schedule(" 2026-12-24 09:00 ")
    assert when == datetime.strptime("2026-12-24 09:00", SCHEDULE_FORMAT).astimezone()
    assert when is not None and when.tzinfo is not None


def test_an_rfc_3339_time_keeps_its_offset() -> None:
    when = read_schedule("2026-12-24T09:00:00+09:00")
    assert when == datetime(2026, 12, 24, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["", "tomorrow", "2026-12-24", "24/12/2026 09:00", "9:00"])
def test_anything_else_is_not_a_schedule(text: str) -> None:
    assert read_schedule(text) is None
