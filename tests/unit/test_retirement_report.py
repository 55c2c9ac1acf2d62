"""The retirement report, CSV and Markdown, ja and en: every path, and hostile text inert."""

from __future__ import annotations

import csv
import io
import re

import pytest

from mobitui.domain.models import DeviceState, ItemResult, Outcome
from mobitui.domain.operation import BatchDone
from mobitui.domain.retirement import Retirement, observe, record_operation, start
from mobitui.domain.rules import Delete, DeviceWarning, Inactivate
from mobitui.present.retirement_report import COLUMNS, report_csv, report_markdown
from tests.unit.test_retirement import INACTIVE, NOW, device, state

HOSTILE = '=HYPERLINK("http://evil")[x](http://evil.example)|`\x1b[31m\n<b>'


def record() -> Retirement:
    r = start(
        "ret1",
        "営業部 [link](http://evil.example)",
        "http://h:80",
        "admin",
        [device(id="a", name=HOSTILE), device(id="b", name="plain")],
        NOW,
    )
    answer = BatchDone("k1", "req-1", 0, (ItemResult("a", Outcome.ACCEPTED),))
    acks = {DeviceWarning.ANDROID_FACTORY_RESET: frozenset({"a"})}
    r = record_operation(r, state(Inactivate(), answer), "sato", acknowledged=acks)
    fleet = {"a": device(id="a", name=HOSTILE, **INACTIVE), "b": device(id="b", name="plain")}
    r = observe(r, fleet, NOW)
    deleted = BatchDone("k1", "del-1", 0, (ItemResult("a", Outcome.DELETED),))
    return record_operation(r, state(Delete(), deleted), "suzuki")


def outside_code_spans(text: str) -> str:
    """``text`` without its code spans (CommonMark: a run of n backticks to the next run of
    exactly n)."""
    out: list[str] = []
    for line in text.splitlines():
        i = 0
        while i < len(line):
            if line[i] != "`":
                out.append(line[i])
                i += 1
                continue
            n = len(line[i:]) - len(line[i:].lstrip("`"))
            end = re.search(rf"(?<!`)`{{{n}}}(?!`)", line[i + n :])
            if end is None:
                out.append(line[i : i + n])
                i += n
                continue
            i += n + end.end()
        out.append("\n")
    return "".join(out)


def test_outside_code_spans_sees_markup() -> None:
    assert outside_code_spans("a `x` b ``y`z`` [c](d)") == "a  b  [c](d)\n"


AUDIT = [
    {
        "at": "2025-04-01T09:00:00+00:00",
        "action": "inactivate",
        "request_id": "req-1",
        "result": "ok",
        "outcomes": [{"device_id": "a", "outcome": "accepted"}],
    },
    {
        "at": "2025-04-01T09:00:00+00:00",
        "action": "delete",
        "request_id": "del-1",
        "result": "ok",
        "outcomes": [{"device_id": "a", "outcome": "deleted"}],
    },
]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "ja",
            (
                "削除済み",
                "初期化",
                "一致",
                "確認できません",
                "有効",
                "端末ID",
                "C: プロファイル削除",
            ),
        ),
        ("en", ("Deleted", "WIPE", "agree", "not available", "Active", "Device ID", "C: remove")),
    ],
)
def test_csv_paths_and_inert(lang: str, words: tuple[str, ...]) -> None:
    text = report_csv(record(), lang, NOW, AUDIT)  # type: ignore[arg-type]
    parsed = list(csv.reader(io.StringIO(text)))
    assert len(parsed) == 3 and len(parsed[0]) == len(COLUMNS)
    header, a, b = parsed
    cells = dict(zip((k for k, _ in COLUMNS), a, strict=True))
    assert cells["name"].startswith("'=HYPERLINK")
    assert "\x1b" not in text and "\n<b>" not in text and "␛" in cells["name"]
    assert cells["request_ids"] == "req-1 del-1"
    assert cells["by"] == "sato, suzuki"
    assert cells["requested_at"] == cells["deleted_at"] == "2025-04-01T09:00:00+00:00"
    assert cells["inactive_at"] == "2025-04-01T09:00:00+00:00"
    for word in words[:3]:
        assert word in text
    assert words[4] in b[COLUMNS.index(("stage", "retirement.col.stage"))]
    assert header[0] == words[5] and words[6] in cells["on_device"]
    without = report_csv(record(), lang, NOW, None)  # type: ignore[arg-type]
    assert words[3] in without


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_markdown_inert(lang: str) -> None:
    text = report_markdown(record(), lang, NOW, AUDIT)  # type: ignore[arg-type]
    assert "\x1b" not in text
    # Every untrusted value is inside a code span: outside them, nothing of the names remains.
    outside = outside_code_spans(text)
    assert "evil" not in outside and "HYPERLINK" not in outside and "<b>" not in outside
    assert "[link]" not in outside
    assert "`req-1 del-1`" in text
    title = "端末の廃止記録" if lang == "ja" else "Retirement"
    assert text.startswith(f"# {title}: `")
    assert ("| 削除済み | 1 |" if lang == "ja" else "| Deleted | 1 |") in text
    assert ("| 有効 | 1 |" if lang == "ja" else "| Active | 1 |") in text


def test_vanished_device_said_not_by_us() -> None:
    r = start("r", "n", "http://h", "admin", [device(id="a")], NOW)
    r = observe(r, {}, NOW)
    assert "vanished from the fleet without this retirement" in report_csv(r, "en", NOW)
    r2 = observe(
        start("r", "n", "http://h", "admin", [device(id="a")], NOW),
        {"a": device(id="a", state=DeviceState.INACTIVE)},
        NOW,
    )
    assert "without this retirement" not in report_csv(observe(r2, {}, NOW), "en", NOW)
