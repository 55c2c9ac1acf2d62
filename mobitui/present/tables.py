"""Rows as an aligned table, JSON or CSV: the headless commands' stdout and the TUI's CSV exports.

Values from the server are untrusted. In a table they are written as they are (the client has
already made control characters visible); in CSV a cell that a spreadsheet would run as a
formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is prefixed
with ``'``, so a device named ``=HYPERLINK(…)`` stays text when an admin opens the export in
Excel.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any, Literal, TextIO

from rich.cells import cell_len

from mobitui.domain.models import Device
from mobitui.domain.operation import NO_OUTCOME, OperationState

Format = Literal["table", "json", "csv"]
Column = tuple[str, str]  # (key in the row, title)

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def neutral(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def emit(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[Column],
    fmt: Format,
    out: TextIO | None = None,
) -> None:
    out = out or sys.stdout
    if fmt == "json":
        json.dump([dict(row) for row in rows], out, ensure_ascii=False, indent=2, default=str)
        out.write("\n")
        return
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([title for _, title in columns])
        for row in rows:
            writer.writerow([neutral(_cell(row.get(key))) for key, _ in columns])
        return
    table = [[title for _, title in columns]]
    table += [[_cell(row.get(key)) for key, _ in columns] for row in rows]
    widths = [max(cell_len(line[i]) for line in table) for i in range(len(columns))]
    for line in table:
        cells = [
            text + " " * (width - cell_len(text)) for text, width in zip(line, widths, strict=True)
        ]
        out.write("  ".join(cells).rstrip() + "\n")


DEVICE_COLUMNS: list[Column] = [
    ("id", "id"),
    ("name", "name"),
    ("state", "state"),
    ("platform", "platform"),
    ("os_version", "os_version"),
    ("enrollment", "enrollment"),
    ("user_name", "user_name"),
    ("serial", "serial"),
    ("group_id", "group_id"),
    ("last_seen_at", "last_seen_at"),
    ("pending_jobs", "pending_jobs"),
]
RESULT_COLUMNS: list[Column] = [
    ("device_id", "device_id"),
    ("name", "name"),
    ("outcome", "outcome"),
    ("reason", "reason"),
    ("deleted", "deleted"),
    ("request_id", "request_id"),
]


def device_rows(devices: Sequence[Device]) -> list[dict[str, Any]]:
    return [d.to_json() for d in devices]


def result_rows(state: OperationState) -> list[dict[str, Any]]:
    """Every device of an operation: what the server did, or that it is not done (or refused,
    or ``unknown``: an answer came without an outcome for it)."""
    request_of = {
        item.device_id: answer.request_id for answer in state.answered() for item in answer.items
    }
    rows = [
        {
            "device_id": item.device_id,
            "name": state.spec.names.get(item.device_id, ""),
            "outcome": item.outcome.value,
            "reason": None if item.reason is None else item.reason.value,
            "deleted": item.deleted,
            "request_id": request_of.get(item.device_id),
        }
        for item in state.items
    ]
    rows += [
        {
            "device_id": device_id,
            "name": state.spec.names.get(device_id, ""),
            "outcome": "not_done"
            if code is None
            else "unknown"
            if code == NO_OUTCOME
            else "refused",
            "reason": code,
            "deleted": False,
            "request_id": None,
        }
        for device_id, code in state.not_done()
    ]
    return rows
