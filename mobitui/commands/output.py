"""Results on stdout as an aligned table, JSON or CSV.

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
