"""Choose devices from a spreadsheet: a column of serial numbers or device ids.

Admins keep the list of phones to retire in Excel. The file may be UTF-8 with or without a
BOM, or Shift_JIS (cp932) as Japanese Excel saves "CSV"; it may have a header row or not,
quoted fields, blank lines and duplicates. :func:`decode` and :func:`parse` read it;
:func:`select` matches every column against serial numbers (case-insensitive) and ids, reads
the one column that names devices (or the one the admin names, when several do and disagree),
and reports what matched nothing and what names more than one device, so a typo is never dropped
in silence and a value is never given to a device it does not name alone.

Pure Python (``csv`` on text already in memory): the caller reads the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
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
class ColumnMatch:
    """One column of the file and how many of its values name a device."""

    #: 0-based position in the row.
    index: int
    #: The header cell, or ``column N`` (1-based) when the file has no header row.
    label: str
    #: Distinct values in it that name at least one device (by serial number or id).
    matches: int


class ColumnChoice(CsvProblem):
    """More than one column names devices, and they disagree: the admin must say which.

    A file with ``ID,シリアル番号`` where ``ID`` holds row numbers, on a server whose device
    ids are numbers, matches devices in both columns: taking either by its place in the row
    would act on devices nobody listed.
    """

    def __init__(self, columns: tuple[ColumnMatch, ...]) -> None:
        self.columns = columns
        listed = ", ".join(f"{c.label!r} ({c.matches} matched)" for c in columns)
        super().__init__(f"more than one column names devices: {listed}")


@dataclass(frozen=True, slots=True)
class Ambiguous:
    """A value that names more than one device (a re-enrolled device keeps its serial on
    its old record too): nothing is chosen for it."""

    value: str
    device_ids: tuple[str, ...]


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
    #: Values that name more than one device: left out.
    ambiguous: tuple[Ambiguous, ...] = ()
    #: The column that was read (None for a file with no values).
    column: ColumnMatch | None = None


def _norm_header(cell: str) -> str:
    return cell.casefold().replace(" ", "")


class _Index:
    """Every device by id (exact) and by serial number (case-insensitive), all of them."""

    def __init__(self, devices: Iterable[Device]) -> None:
        self.by_id: dict[str, str] = {}
        self.by_serial: dict[str, list[str]] = {}
        for device in devices:
            self.by_id[device.id] = device.id
            if device.serial:
                self.by_serial.setdefault(device.serial.casefold(), []).append(device.id)

    def find(self, value: str) -> tuple[str, ...]:
        """Every device ``value`` names, by id or by serial number (usually one or none)."""
        found = dict.fromkeys(self.by_serial.get(value.casefold(), ()))
        by_id = self.by_id.get(value)
        if by_id is not None:
            found[by_id] = None
        return tuple(found)


def _cell(row: Sequence[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def _matches(body: Sequence[Sequence[str]], index: int, names: _Index) -> int:
    values = {_cell(r, index) for r in body} - {""}
    return sum(1 for v in values if names.find(v))


def _agree(body: Sequence[Sequence[str]], columns: Sequence[int], names: _Index) -> bool:
    """Every row names one and the same device in each of ``columns`` (an export of ids and
    serials of the same devices): reading any of them chooses exactly the same devices."""
    for row in body:
        found = {names.find(_cell(row, i)) for i in columns}
        if len(found) != 1 or len(next(iter(found))) != 1:
            return False
    return True


def _named(wanted: str | int, header: Sequence[str] | None, width: int) -> int:
    """The column ``--column`` names: a header cell, else a 1-based number (an ``int`` is a
    0-based position, as a screen that listed the columns hands it back)."""
    if isinstance(wanted, int):
        if 0 <= wanted < width:
            return wanted
        raise CsvProblem(f"no column {wanted + 1}")
    if header is not None:
        hits = [i for i, cell in enumerate(header) if _norm_header(cell) == _norm_header(wanted)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise CsvProblem(f"column {wanted!r}: more than one column has that header")
    if wanted.isdigit() and 1 <= int(wanted) <= width:
        return int(wanted) - 1
    known = ", ".join(repr(c) for c in header) if header else f"1 to {width}"
    raise CsvProblem(f"no column {wanted!r} (columns: {known})")


def select(
    rows: Sequence[Sequence[str]], devices: Iterable[Device], *, column: str | int | None = None
) -> Selection:
    """Match the column that names devices; a header row is recognised and skipped.

    Every column is matched against serial numbers and ids. Exactly one column naming
    devices is read; more than one that disagree raise :class:`ColumnChoice` unless
    ``column`` (a header cell or a 1-based number) says which. A value naming more than one
    device is :class:`Ambiguous` and chooses nothing.
    """
    names = _Index(devices)
    body = list(rows)
    if not body:
        return Selection((), (), ())
    width = max(len(r) for r in body)
    header: tuple[str, ...] | None = None
    first = body[0]
    if any(_norm_header(cell) in HEADERS for cell in first):
        header = tuple(first)
    elif len(body) > 1 and not any(names.find(cell) for cell in first if cell):
        rest = body[1:]
        if any(_matches(rest, i, names) for i in range(width)):
            header = tuple(first)  # an unnamed header over values that name devices
    if header is not None:
        body = body[1:]

    def label(index: int) -> str:
        cell = _cell(header, index) if header is not None else ""
        return cell or f"column {index + 1}"

    counts = [ColumnMatch(i, label(i), _matches(body, i, names)) for i in range(width)]
    if column is not None:
        chosen = counts[_named(column, header, width)]
    else:
        candidates = [c for c in counts if c.matches]
        if len(candidates) > 1 and not _agree(body, [c.index for c in candidates], names):
            raise ColumnChoice(tuple(candidates))
        if candidates:
            chosen = candidates[0]
        else:  # nothing matches: the named column (or the first), every value reported
            named = [i for i in range(width) if header and _norm_header(label(i)) in HEADERS]
            chosen = counts[named[0] if named else 0]
    return _read(body, chosen, names, header)


def _read(
    body: Sequence[Sequence[str]],
    column: ColumnMatch,
    names: _Index,
    header: tuple[str, ...] | None,
) -> Selection:
    chosen: dict[str, None] = {}
    unmatched: dict[str, None] = {}
    ambiguous: dict[str, Ambiguous] = {}
    seen: set[str] = set()
    duplicates: dict[str, None] = {}
    for row in body:
        value = _cell(row, column.index)
        if not value:
            continue
        if value.casefold() in seen:
            duplicates[value] = None
            continue
        seen.add(value.casefold())
        found = names.find(value)
        if not found:
            unmatched[value] = None
        elif len(found) > 1:
            ambiguous[value] = Ambiguous(value, found)
        elif found[0] in chosen:
            duplicates[value] = None  # an id and a serial of the same device
        else:
            chosen[found[0]] = None
    return Selection(
        tuple(chosen),
        tuple(unmatched),
        tuple(duplicates),
        header,
        tuple(ambiguous.values()),
        column,
    )


def ambiguous_text(selection: Selection, devices: Mapping[str, Device]) -> str:
    """Each ambiguous value with every record it names: ``value → id (name, serial) | …``."""
    parts = []
    for item in selection.ambiguous:
        records = []
        for device_id in item.device_ids:
            device = devices.get(device_id)
            shown = f"{device_id} ({device.name}, {device.serial})" if device else device_id
            records.append(shown)
        parts.append(f"{item.value} → {' | '.join(records)}")
    return "; ".join(parts)
