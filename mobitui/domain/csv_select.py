"""Choose devices from a spreadsheet: a column of serial numbers or device ids.

Admins keep the list of phones to retire in Excel. The file may be UTF-8 with or without a
BOM, or Shift_JIS (cp932) as Japanese Excel saves "CSV"; it may have a header row or not,
quoted fields, blank lines and duplicates. :func:`load` (:func:`decode` and :func:`parse`)
reads it; :func:`select` matches every column against serial numbers (case-insensitive) and
ids, reads the one column that names devices (the one its header names, or the one the admin
names when the file leaves a doubt), and reports what matched nothing and what names more than
one device, so a typo is never dropped in silence and a value is never given to a device it
does not name alone.

Bounded: a file over :data:`MAX_BYTES` or a row over :data:`MAX_COLUMNS` columns is refused
(a CSV of a fleet is a few megabytes; ``/dev/zero`` or a million commas must not hang a
script or freeze the TUI), and every step is linear in the number of cells.

Pure Python (``csv`` on text already in memory): the caller reads the file, at most
``MAX_BYTES + 1`` bytes of it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from mobitui.domain.models import Device
from mobitui.domain.said import Said

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

#: The largest file read (bytes): a fleet's list is a few MB; more is not a device list.
MAX_BYTES = 64 * 1024 * 1024
#: The widest row read (columns). Each column is matched against the fleet, so the width
#: bounds the work; no device list needs more.
MAX_COLUMNS = 1000
#: Commas that may pile up in one row's lines before the row is refused unread: the ``csv``
#: module would build the whole row first (a 64 MB line of commas is 64 million cells). Ten
#: times the column limit, so commas inside quoted cells (a long memo) rarely reach it.
_MAX_COMMAS = 10 * MAX_COLUMNS


class CsvProblem(Said, ValueError):
    """The file cannot be read as CSV text; the message says where (``key``: the catalogue's
    ``csv.problem.*``, for the admin's language)."""

    def __init__(self, message: str, key: str, /, **values: object) -> None:
        super().__init__(message, key=f"csv.problem.{key}", values=values)


def load(data: bytes) -> list[list[str]]:
    """:func:`parse` of :func:`decode`, refusing more than :data:`MAX_BYTES` (read at most
    ``MAX_BYTES + 1`` bytes: a larger file is refused without being read whole)."""
    if len(data) > MAX_BYTES:
        mib = MAX_BYTES // (1024 * 1024)
        raise CsvProblem(
            f"larger than {mib} MiB: not a list of devices "
            "(save only the column of serial numbers or ids)",
            "too_large",
            mib=mib,
        )
    return parse(decode(data))


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
            f"byte {exc.start}: neither UTF-8 nor Shift_JIS (save the file as CSV UTF-8)",
            "encoding",
            byte=exc.start,
        ) from None


def _too_wide(line: int) -> CsvProblem:
    return CsvProblem(
        f"line {line}: more than {MAX_COLUMNS:,} columns, the most that is read "
        "(save only the columns of the devices)",
        "too_wide",
        line=line,
        most=MAX_COLUMNS,
    )


def parse(text: str) -> list[list[str]]:
    """The rows, cells stripped; blank rows dropped; a row wider than :data:`MAX_COLUMNS`
    is a :class:`CsvProblem` naming its line."""
    lines = io.StringIO(text, newline="")
    pending = {"commas": 0, "line": 0}

    def guarded() -> Iterator[str]:
        # csv.reader asks for one line at a time and builds a row before handing it over: the
        # commas of the row being read are counted here, so a row of millions is never built.
        for line in lines:
            pending["line"] += 1
            pending["commas"] += line.count(",")
            if pending["commas"] > _MAX_COMMAS:
                raise CsvProblem(
                    f"line {pending['line']}: more than {_MAX_COMMAS:,} commas in one row "
                    f"(at most {MAX_COLUMNS:,} columns are read; save only the columns of the "
                    "devices)",
                    "too_many_commas",
                    line=pending["line"],
                    commas=_MAX_COMMAS,
                    most=MAX_COLUMNS,
                )
            yield line

    reader = csv.reader(guarded(), strict=True)
    rows: list[list[str]] = []
    try:
        for row in reader:
            pending["commas"] = 0
            if len(row) > MAX_COLUMNS:
                raise _too_wide(reader.line_num)
            cells = [cell.strip() for cell in row]
            if any(cells):
                rows.append(cells)
    except csv.Error as exc:
        line = reader.line_num
        raise CsvProblem(f"line {line}: {exc}", "syntax", line=line, detail=str(exc)) from None
    return rows


@dataclass(frozen=True, slots=True)
class ColumnMatch:
    """One column of the file and how many of its values name a device."""

    #: 0-based position in the row.
    index: int
    #: The header cell ("" when the file has no header row, or that cell is blank: the column
    #: is then named by its number, in the admin's language: ``present.errors.column_label``).
    label: str
    #: Distinct values in it that name at least one device (by serial number or id).
    matches: int
    #: Distinct non-blank values in it.
    values: int = 0


class Doubt(StrEnum):
    """Why the file leaves the column in doubt."""

    #: More than one column names devices, and they name different ones.
    DISAGREE = "disagree"
    #: The column the header names (``シリアル番号``, ``ID`` …) matches no device, while
    #: another column does (row numbers on a server whose ids are numbers).
    NAMED_MATCHES_NOTHING = "named_matches_nothing"


def _english(column: ColumnMatch) -> str:
    return column.label or f"column {column.index + 1}"


class ColumnChoice(CsvProblem):
    """The file leaves in doubt which column lists the devices: the admin must say which.

    A file with ``ID,シリアル番号`` where ``ID`` holds row numbers, on a server whose device
    ids are numbers, matches devices in both columns; with ``No,シリアル番号`` and serials
    typed full-width, only the row numbers match. Taking a column by its place in the row, or
    because it is the only one matching, would act on devices nobody listed.
    """

    def __init__(self, columns: tuple[ColumnMatch, ...], doubt: Doubt = Doubt.DISAGREE) -> None:
        self.columns = columns
        self.doubt = doubt
        listed = ", ".join(f"{_english(c)!r} ({c.matches} matched)" for c in columns)
        if doubt is Doubt.NAMED_MATCHES_NOTHING:
            silent = ", ".join(repr(_english(c)) for c in columns if not c.matches)
            super().__init__(
                f"the header names {silent} as the device column but it matches no device, "
                f"while another column does: {listed}",
                doubt.value,
            )
        else:
            super().__init__(f"more than one column names devices: {listed}", doubt.value)


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
    #: Values given more than once, or naming a device an earlier value named (each device
    #: acted on once).
    duplicates: tuple[str, ...]
    #: The header row that was skipped, if any.
    header: tuple[str, ...] | None = None
    #: Values that name more than one device: left out.
    ambiguous: tuple[Ambiguous, ...] = ()
    #: The column that was read (None for a file with no values).
    column: ColumnMatch | None = None
    #: The header was only guessed: its first row names no device, no cell of it is a known
    #: header name, and nobody confirmed it (``--column`` by one of its cells). It may be a
    #: mistyped value, so it is reported and counted as left out, never dropped in silence.
    guessed_header: bool = False

    @property
    def left_out(self) -> int:
        """Values not acted on that the admin must hear about (the run is partial)."""
        return len(self.unmatched) + len(self.ambiguous) + (1 if self.guessed_header else 0)


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


def _columns(body: Sequence[Sequence[str]], width: int) -> list[set[str]]:
    """The distinct non-blank values of every column, in one pass over the cells (a short
    row is never padded: the work is the cells there are, not rows × the widest row)."""
    values: list[set[str]] = [set() for _ in range(width)]
    for row in body:
        for index, cell in enumerate(row):
            if cell:
                values[index].add(cell)
    return values


def _agree(body: Sequence[Sequence[str]], columns: Sequence[int], names: _Index) -> bool:
    """Every row names one and the same device in each of ``columns`` (an export of ids and
    serials of the same devices): reading any of them chooses exactly the same devices."""
    for row in body:
        found = {names.find(_cell(row, i)) for i in columns}
        if len(found) != 1 or len(next(iter(found))) != 1:
            return False
    return True


def _named(wanted: str | int, header: Sequence[str] | None, width: int) -> tuple[int, bool]:
    """The column ``--column`` names: a header cell, else a 1-based number (an ``int`` is a
    0-based position, as a screen that listed the columns hands it back); and whether it
    was named by a header cell (which confirms that the first row is a header)."""
    if isinstance(wanted, int):
        if 0 <= wanted < width:
            return wanted, False
        raise CsvProblem(f"no column {wanted + 1}", "no_such_column", column=wanted + 1)
    if header is not None:
        hits = [i for i, cell in enumerate(header) if _norm_header(cell) == _norm_header(wanted)]
        if len(hits) == 1:
            return hits[0], True
        if len(hits) > 1:
            raise CsvProblem(
                f"column {wanted!r}: more than one column has that header",
                "header_twice",
                column=repr(wanted),
            )
    if wanted.isdigit() and 1 <= int(wanted) <= width:
        return int(wanted) - 1, False
    if header:
        known = ", ".join(repr(c) for c in header)
        raise CsvProblem(
            f"no column {wanted!r} (columns: {known})",
            "no_column",
            column=repr(wanted),
            known=known,
        )
    raise CsvProblem(
        f"no column {wanted!r} (columns: 1 to {width})",
        "no_column_numbered",
        column=repr(wanted),
        width=width,
    )


def select(
    rows: Sequence[Sequence[str]], devices: Iterable[Device], *, column: str | int | None = None
) -> Selection:
    """Match the column that names devices; a header row is recognised and skipped.

    Every column is matched against serial numbers and ids. When the header names device
    columns (:data:`HEADERS`), one of those is read: a named column that matches nothing
    beside another column that does, or named columns that disagree, raise
    :class:`ColumnChoice`. Without such a header, exactly one column naming devices is read,
    and more than one that disagree raise :class:`ColumnChoice`. ``column`` (a header cell or
    a 1-based number) settles any doubt. A value naming more than one device is
    :class:`Ambiguous` and chooses nothing; a value naming a device already chosen (by its id
    and its serial, or a serial in another case) is a duplicate, while ids differing only in
    case are different devices.
    """
    names = _Index(devices)
    body = list(rows)
    if not body:
        return Selection((), (), ())
    width = max(len(r) for r in body)
    header: tuple[str, ...] | None = None
    guessed = False
    first = body[0]
    named_header = any(_norm_header(cell) in HEADERS for cell in first)
    if named_header:
        header = tuple(first)
    elif len(body) > 1 and not any(names.find(cell) for cell in first if cell):
        rest = _columns(body[1:], width)
        if any(names.find(v) for values in rest for v in values):
            header, guessed = tuple(first), True  # perhaps a header, perhaps a typo
    if header is not None:
        body = body[1:]

    def label(index: int) -> str:
        cell = _cell(header, index) if header is not None else ""
        return cell

    values = _columns(body, width)
    counts = [
        ColumnMatch(i, label(i), sum(1 for v in values[i] if names.find(v)), len(values[i]))
        for i in range(width)
    ]
    if column is not None:
        index, by_header = _named(column, header, width)
        chosen = counts[index]
        guessed = guessed and not by_header  # the admin named one of its cells: a header
    else:
        named = [counts[i] for i in range(width) if named_header and _is_named(header, i)]
        chosen = _choose(body, counts, named, names)
    return _read(body, chosen, names, header, guessed)


def _is_named(header: Sequence[str] | None, index: int) -> bool:
    return header is not None and _norm_header(_cell(header, index)) in HEADERS


def _choose(
    body: Sequence[Sequence[str]],
    counts: Sequence[ColumnMatch],
    named: Sequence[ColumnMatch],
    names: _Index,
) -> ColumnMatch:
    """The column to read when the admin did not say; :class:`ColumnChoice` when in doubt."""
    matching = [c for c in counts if c.matches]
    if named:
        # The header says which column lists the devices: it is that one or none. A named
        # column whose values match nothing (full-width serials, a typo'd export) must not
        # hand the choice to a row-number column beside it.
        speaking = [c for c in named if c.matches]
        silent = [c for c in named if not c.matches and (c.values or not speaking)]
        if silent and matching:
            doubt = sorted({*silent, *matching}, key=lambda c: c.index)
            raise ColumnChoice(tuple(doubt), Doubt.NAMED_MATCHES_NOTHING)
        if len(speaking) > 1 and not _agree(body, [c.index for c in speaking], names):
            raise ColumnChoice(tuple(speaking))
        if speaking:
            return speaking[0]
        with_values = [c for c in named if c.values]
        return (with_values or named)[0]  # nothing matches: every value is reported
    if len(matching) > 1 and not _agree(body, [c.index for c in matching], names):
        raise ColumnChoice(tuple(matching))
    if matching:
        return matching[0]
    return counts[0]  # nothing matches: the first column, every value reported


def _read(
    body: Sequence[Sequence[str]],
    column: ColumnMatch,
    names: _Index,
    header: tuple[str, ...] | None,
    guessed: bool,
) -> Selection:
    """Read ``column``: each device once, by the device its value names (not by the value's
    spelling: ``abc`` and ``ABC`` may be two devices' ids, ``F2L1`` and ``f2l1`` one's
    serial)."""
    chosen: dict[str, None] = {}
    unmatched: dict[str, None] = {}
    ambiguous: dict[tuple[str, ...], Ambiguous] = {}
    seen: set[str] = set()
    duplicates: dict[str, None] = {}
    for row in body:
        value = _cell(row, column.index)
        if not value:
            continue
        if value in seen:
            duplicates[value] = None
            continue
        seen.add(value)
        found = names.find(value)
        if not found:
            unmatched[value] = None
        elif len(found) > 1:
            if found in ambiguous:
                duplicates[value] = None  # the same records again (another case)
            else:
                ambiguous[found] = Ambiguous(value, found)
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
        guessed_header=guessed and header is not None,
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
