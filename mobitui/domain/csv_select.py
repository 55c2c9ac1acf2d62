"""Choose devices from a spreadsheet: a column of serial numbers or device ids.

Admins keep the list of phones to retire in Excel. The file may be UTF-8 with or without a
BOM, or Shift_JIS (cp932) as Japanese Excel saves "CSV"; it may have a header row or not,
quoted fields, blank lines and duplicates. :func:`decode` and :func:`parse` read it;
:func:`select` finds the column that names devices, matches each value to a device by serial
number (case-insensitive) or id, and reports what matched nothing, so a typo is never dropped in
silence.

Pure Python (``csv`` on text already in memory): the caller reads the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mobitui.domain.models import Device

#: Header cells that name the column to use (compared case-insensitively, spaces ignored).
HEADERS = frozenset(
    {
        "serial",
        "serialnumber",
        "serial_number",
        "serialno",
        "serialno.",
        "シリアル番号",
        "シリアル",
        "製造番号",
        "id",
        "deviceid",
        "device_id",
        "端末id",
    }
)


class CsvProblem(ValueError):
    """The file cannot be read as CSV text; the message says where."""


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else Shift_JIS as Japanese Excel writes it (cp932)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932")
    except UnicodeDecodeError as exc:
        raise CsvProblem(
            f"byte {exc.start}: neither UTF-8 nor Shift_JIS (save the file as CSV UTF-8)"
        ) from None


def parse(text: str) -> list[list[str]]:
    """The rows, cells stripped; blank rows dropped."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    try:
        for row in reader:
            cells = [cell.strip() for cell in row]
            if any(cells):
                rows.append(cells)
    except csv.Error as exc:
        raise CsvProblem(f"line {reader.line_num}: {exc}") from None
    return rows


@dataclass(frozen=True, slots=True)
class Selection:
    """What a list of serials or ids chose."""

    #: Matched devices, first occurrence order, each once.
    device_ids: tuple[str, ...]
    #: Values that matched no device the account can see.
    unmatched: tuple[str, ...]
    #: Values given more than once (each acted on once).
    duplicates: tuple[str, ...]
    #: The header row that was skipped, if any.
    header: tuple[str, ...] | None = None


def _norm_header(cell: str) -> str:
    return cell.casefold().replace(" ", "")


def select(rows: Sequence[Sequence[str]], devices: Iterable[Device]) -> Selection:
    """Match the column that names devices; a header row is recognised and skipped."""
    by_serial: dict[str, str] = {}
    by_id: dict[str, str] = {}
    for device in devices:
        by_serial.setdefault(device.serial.casefold(), device.id)
        by_id[device.id] = device.id

    def find(value: str) -> str | None:
        return by_id.get(value) or by_serial.get(value.casefold())

    header: tuple[str, ...] | None = None
    body = list(rows)
    column = 0
    if body:
        named = [i for i, cell in enumerate(body[0]) if _norm_header(cell) in HEADERS]
        if named:
            header, column, body = tuple(body[0]), named[0], body[1:]
        else:
            width = max(len(r) for r in body)
            scores = [sum(1 for r in body if i < len(r) and find(r[i])) for i in range(width)]
            column = max(range(width), key=lambda i: (scores[i], -i))
            first = body[0][column] if column < len(body[0]) else ""
            if len(body) > 1 and first and find(first) is None and scores[column] > 0:
                header, body = tuple(body[0]), body[1:]  # an unnamed header over good values
    chosen: dict[str, None] = {}
    unmatched: dict[str, None] = {}
    seen: set[str] = set()
    duplicates: dict[str, None] = {}
    for row in body:
        value = row[column] if column < len(row) else ""
        if not value:
            continue
        if value.casefold() in seen:
            duplicates[value] = None
            continue
        seen.add(value.casefold())
        device_id = find(value)
        if device_id is None:
            unmatched[value] = None
        elif device_id in chosen:
            duplicates[value] = None  # an id and a serial of the same device
        else:
            chosen[device_id] = None
    return Selection(tuple(chosen), tuple(unmatched), tuple(duplicates), header)
