"""Choosing devices from a spreadsheet: encodings, headers, quoting, blanks, duplicates."""

from __future__ import annotations

import pytest

from mobitui.domain.csv_select import CsvProblem, decode, parse, select
from mobitui.tables import neutral
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


def test_a_broken_quote_names_the_line() -> None:
    with pytest.raises(CsvProblem, match="line"):
        parse('SER001\n"SER002\n')


def test_csv_cells_never_become_formulas() -> None:
    assert neutral('=HYPERLINK("http://evil")') == '\'=HYPERLINK("http://evil")'
    assert neutral("+81-90") == "'+81-90"
    assert neutral("@SUM(A1)") == "'@SUM(A1)"
    assert neutral("iPhone") == "iPhone"
    assert neutral(3) == 3
