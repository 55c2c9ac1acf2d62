"""Choosing devices from a spreadsheet: encodings, headers, quoting, blanks, duplicates."""

from __future__ import annotations

import pytest

from mobitui.domain.csv_select import (
    MAX_BYTES,
    MAX_COLUMNS,
    Ambiguous,
    ColumnChoice,
    CsvProblem,
    Doubt,
    decode,
    load,
    parse,
    select,
)
from mobitui.present.tables import neutral
from tests.unit.test_rules import device

FLEET = [device(id=f"d{n}", serial=f"SER{n:03d}") for n in range(1, 6)]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_every_encoding_excel_writes_reads_the_same(encoding: str) -> None:
    text = "シリアル番号,所属\r\nSER001,本社\r\nSER002,営業部\r\n"
    assert decode(text.encode(encoding)) == text


def test_neither_utf8_nor_shift_jis_is_named() -> None:
    with pytest.raises(CsvProblem, match="neither UTF-8 nor Shift_JIS"):
        decode(b"\x81\x7f\xff\xfe")


@pytest.mark.parametrize(
    ("text", "ids", "unmatched", "header"),
    [
        # a named header (Japanese), quoted cells, a blank line, case-insensitive serials
        ('シリアル番号,メモ\n"SER001","a, b"\n\n ser002 ,x\n', ("d1", "d2"), (), True),
        # no header: the column that matches devices is chosen
        ("x,SER003\ny,SER004\n", ("d3", "d4"), (), False),
        # an unnamed header over good values is skipped, not reported as unmatched
        ("Serial No\nSER005\nSER001\n", ("d5", "d1"), (), True),
        # ids work too; unknown values are reported, in order
        ("id\nd2\nNOPE\nd3\nALSO-NOPE\n", ("d2", "d3"), ("NOPE", "ALSO-NOPE"), True),
        # the header column is used even if it is not the first
        ("名前,端末ID\nfoo,d4\n", ("d4",), (), True),
    ],
)
def test_select(text: str, ids, unmatched, header: bool) -> None:
    chosen = select(parse(text), FLEET)
    assert chosen.device_ids == ids
    assert chosen.unmatched == unmatched
    assert (chosen.header is not None) is header


def test_duplicates_are_acted_on_once_and_reported() -> None:
    chosen = select(parse("SER001\nser001\nd1\nSER002\n"), FLEET)
    assert chosen.device_ids == ("d1", "d2")
    assert chosen.duplicates == ("ser001", "d1")


#: A server whose device ids are numbers (an adapter over a numeric database).
NUMERIC = [device(id=str(n), serial=f"F2L{n:04d}") for n in range(1, 40)]
#: The admin's list: a row number, then the serial of the device to retire.
ROW_NUMBERED = "ID,シリアル番号,メモ\n1,F2L0031,\n2,F2L0032,\n3,F2L0033,\n"


def test_two_columns_that_name_different_devices_are_refused_with_their_counts() -> None:
    with pytest.raises(ColumnChoice) as refused:
        select(parse(ROW_NUMBERED), NUMERIC)
    assert [(c.label, c.matches) for c in refused.value.columns] == [("ID", 3), ("シリアル番号", 3)]
    assert "'ID' (3 matched)" in str(refused.value)
    assert "'シリアル番号' (3 matched)" in str(refused.value)


def test_the_admin_names_the_column() -> None:
    chosen = select(parse(ROW_NUMBERED), NUMERIC, column="シリアル番号")
    assert chosen.device_ids == ("31", "32", "33")
    assert chosen.column is not None and chosen.column.label == "シリアル番号"
    by_number = select(parse(ROW_NUMBERED), NUMERIC, column="2")
    assert by_number.device_ids == ("31", "32", "33")
    with pytest.raises(CsvProblem, match="no column 'serial'"):
        select(parse(ROW_NUMBERED), NUMERIC, column="serial")


def test_without_a_header_a_tie_is_refused_not_given_to_the_first_column() -> None:
    with pytest.raises(ColumnChoice) as refused:
        select(parse("1,F2L0011\n2,F2L0012\n"), NUMERIC)
    assert [(c.index, c.label) for c in refused.value.columns] == [(0, ""), (1, "")]
    assert select(parse("1,F2L0011\n2,F2L0012\n"), NUMERIC, column="2").device_ids == (
        "11",
        "12",
    )


def test_columns_that_name_the_same_devices_agree() -> None:
    """mobitui's own export (id, …, serial) reads back without a question."""
    text = "id,name,serial\n4,a,F2L0004\n5,b,F2L0005\n"
    assert select(parse(text), NUMERIC).device_ids == ("4", "5")
    # one row where they disagree is enough to ask
    with pytest.raises(ColumnChoice):
        select(parse(text + "6,c,F2L0007\n"), NUMERIC)


def test_a_serial_on_two_records_is_ambiguous_and_chooses_neither() -> None:
    old = device(id="d7", serial="F2LREENROLL")
    new = device(id="d8", serial="f2lreenroll")
    chosen = select(parse("serial\nF2LREENROLL\nSER001\n"), [*FLEET, old, new])
    assert chosen.device_ids == ("d1",)
    assert chosen.ambiguous == (Ambiguous("F2LREENROLL", ("d7", "d8")),)
    assert chosen.unmatched == ()


def test_a_value_that_is_one_device_s_id_and_another_s_serial_is_ambiguous() -> None:
    fleet = [device(id="1", serial="X1"), device(id="2", serial="1")]
    chosen = select(parse("1\nX1\n"), fleet)
    assert chosen.ambiguous == (Ambiguous("1", ("2", "1")),)
    assert chosen.device_ids == ("1",)  # X1 names device 1 alone


def test_the_column_the_header_names_is_read_beside_row_numbers() -> None:
    """``No`` is not a device column's name: with ``シリアル番号`` beside it, the serials are
    read, even though the row numbers name devices too on a server with numeric ids."""
    chosen = select(parse("No,シリアル番号\n1,F2L0031\n2,F2L0032\n"), NUMERIC)
    assert chosen.device_ids == ("31", "32")
    assert chosen.column is not None and chosen.column.label == "シリアル番号"


@pytest.mark.parametrize(
    "text",
    [
        # serials typed full-width by an IME: only the row numbers match
        "No,シリアル番号\n1,Ｆ２Ｌ００３１\n2,Ｆ２Ｌ００３２\n",
        # typo'd serials under a named header, numbered rows under another named one
        "ID,Serial\n1,F2L9931\n2,F2L9932\n",
    ],
)
def test_a_named_column_matching_nothing_beside_one_that_matches_is_a_choice(text: str) -> None:
    with pytest.raises(ColumnChoice) as refused:
        select(parse(text), NUMERIC)
    assert refused.value.doubt is Doubt.NAMED_MATCHES_NOTHING
    assert [c.matches for c in refused.value.columns] == [2, 0]
    assert "(2 matched)" in str(refused.value) and "(0 matched)" in str(refused.value)
    # the admin's word settles it: the named column, its values all reported
    named = refused.value.columns[1].label
    chosen = select(parse(text), NUMERIC, column=named)
    assert chosen.device_ids == () and len(chosen.unmatched) == 2


def test_a_named_column_matching_nothing_alone_reports_every_value() -> None:
    chosen = select(parse("メモ,シリアル番号\nx,NOPE1\ny,NOPE2\n"), NUMERIC)
    assert chosen.device_ids == () and chosen.unmatched == ("NOPE1", "NOPE2")


def test_a_first_row_that_names_nothing_is_a_guessed_header_and_left_out() -> None:
    """A mistyped first value of a headerless list is never dropped in silence."""
    chosen = select(parse("F2L9999\nF2L0031\nF2L0032\n"), NUMERIC)
    assert chosen.device_ids == ("31", "32")
    assert chosen.header == ("F2L9999",) and chosen.guessed_header
    assert chosen.left_out == 1
    # a known header name is a header for sure
    named = select(parse("Serial No\nF2L0031\n"), NUMERIC)
    assert named.header == ("Serial No",) and not named.guessed_header and named.left_out == 0
    # naming the column by one of the row's cells says it is a header
    confirmed = select(parse("端末,x\nF2L0031,1\n"), NUMERIC, column="端末")
    assert confirmed.header == ("端末", "x") and not confirmed.guessed_header


def test_values_are_deduplicated_by_the_device_they_name() -> None:
    """Ids are exact: ``abc`` and ``ABC`` are two devices. Serials are not: ``s1`` and
    ``S1`` are one device's serial, and a second spelling is a duplicate."""
    fleet = [device(id="abc", serial="S1"), device(id="ABC", serial="S2")]
    assert select(parse("id\nabc\nABC\n"), fleet).device_ids == ("abc", "ABC")
    chosen = select(parse("serial\ns1\nS1\nS2\n"), fleet)
    assert chosen.device_ids == ("abc", "ABC") and chosen.duplicates == ("S1",)


def test_a_file_over_the_size_limit_is_refused() -> None:
    with pytest.raises(CsvProblem, match="larger than 64 MiB"):
        load(b"x" * (MAX_BYTES + 1))
    assert load(b"serial\nSER001\n") == [["serial"], ["SER001"]]


def test_a_row_over_the_column_limit_is_refused_with_its_line() -> None:
    wide = "serial\nSER001\n" + "x," * MAX_COLUMNS + "\n"
    with pytest.raises(CsvProblem, match="line 3: more than 1,000 columns"):
        parse(wide)
    # a row of millions of commas is refused before the csv module builds it
    with pytest.raises(CsvProblem, match="line 2: more than 10,000 commas in one row"):
        parse("serial\n" + "," * 5_000_000)
    assert len(parse("a," * (MAX_COLUMNS - 1) + "a\n")[0]) == MAX_COLUMNS


def test_a_broken_quote_names_the_line() -> None:
    with pytest.raises(CsvProblem, match="line"):
        parse('SER001\n"SER002\n')


def test_csv_cells_never_become_formulas() -> None:
    assert neutral('=HYPERLINK("http://evil")') == '\'=HYPERLINK("http://evil")'
    assert neutral("+81-90") == "'+81-90"
    assert neutral("@SUM(A1)") == "'@SUM(A1)"
    assert neutral("iPhone") == "iPhone"
    assert neutral(3) == 3
