"""Streamed sheets: table rows rendered as XML directly must be exactly what xlsxwriter
would write, and a text never becomes markup."""

from __future__ import annotations

import zipfile
import zlib
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.report import deflated
from pipeline.report.sheetwriter import RAG_COLOURS
from pipeline.report.streaming import EXCEL_DAY_ZERO, RowWriter, Workbook, streamed_sheet
from pipeline.report.tables import DATE, INT, LONG, NUMBER, RAG, TEXT
from pipeline.zips import crc32_combine

KINDS = [TEXT, LONG, RAG, DATE, INT, NUMBER]
# Texts with what needs care: XML's special characters, control characters, whitespace at
# either end, Excel's own "_xHHHH_" escapes, non-characters, and markup-shaped text.
TRICKY = st.sampled_from(
    [" ", "\t", "\n", "\r", "\x00", "\x1f", "&", "<", ">", '"', "_x0041_", "_X00ff_", "\ufffe",
     "\uffff", "<r>", "</r>", "é", "😀", "\u00a0", "\u2028"]
)  # fmt: skip
TEXTS = st.lists(st.one_of(st.text(max_size=4), TRICKY), max_size=6).map("".join)
VALUES = {
    TEXT: TEXTS,
    LONG: TEXTS,
    RAG: st.sampled_from([*RAG_COLOURS, "Blue", "red", " Red"]),
    DATE: st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)),
    INT: st.integers(min_value=-(2**53), max_value=2**53),
    NUMBER: st.floats(allow_nan=False, allow_infinity=False),
}
ROWS = st.lists(
    st.tuples(*(st.one_of(st.none(), VALUES[kind]) for kind in KINDS)), min_size=1, max_size=8
)
HEIGHTS = st.one_of(st.none(), st.integers(2, 12).map(lambda lines: 13 * lines))


def _book(path: Path):
    book = Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                "strings_to_numbers": False})  # fmt: skip
    formats = {kind: book.add_format({"num_format": n, "bold": kind == LONG})
               for n, kind in enumerate(KINDS)}  # fmt: skip
    for fmt in formats.values():
        fmt._get_xf_index()
    sheet = streamed_sheet(book, "Rows")
    sheet.write_string(0, 0, "Header")  # a row pending in xlsxwriter when the table begins
    return book, sheet, formats


def _by_xlsxwriter(path: Path, rows: list[tuple], left: int, heights: list) -> None:
    book, sheet, formats = _book(path)
    for r, (row, height) in enumerate(zip(rows, heights), start=1):
        if height is not None and any(value is not None for value in row):
            sheet.set_row(r, height)
        for col, (kind, value) in enumerate(zip(KINDS, row), start=left):
            if value is None:
                continue
            if kind == DATE:
                sheet.write_number(r, col, value.toordinal() - EXCEL_DAY_ZERO, formats[kind])
            elif kind in (INT, NUMBER):
                sheet.write_number(r, col, value, formats[kind])
            else:
                sheet.write_string(r, col, value, formats[kind])
    sheet.write_string(len(rows) + 2, 0, "After")
    book.close()


def _directly(path: Path, rows: list[tuple], left: int, heights: list) -> None:
    book, sheet, formats = _book(path)
    writer = RowWriter(sheet, left, KINDS, formats)
    assert RowWriter.usable(sheet)
    for r, (row, height) in enumerate(zip(rows, heights), start=1):
        blank = all(value is None for value in row)
        assert writer.write(r, row, None if blank else height)
    sheet.write_string(len(rows) + 2, 0, "After")
    book.close()


def _sheet_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml")


@settings(max_examples=150, deadline=None)
@given(rows=ROWS, left=st.integers(min_value=0, max_value=30), data=st.data())
def test_rows_written_directly_are_byte_for_byte_what_xlsxwriter_writes(tmp_path_factory, rows,
                                                                        left, data):  # fmt: skip
    """Their cells, and their heights where set (a row of long text is taller)."""
    heights = data.draw(st.lists(HEIGHTS, min_size=len(rows), max_size=len(rows)))
    folder = tmp_path_factory.mktemp("rows")
    _by_xlsxwriter(folder / "theirs.xlsx", rows, left, heights)
    _directly(folder / "ours.xlsx", rows, left, heights)
    assert _sheet_xml(folder / "ours.xlsx") == _sheet_xml(folder / "theirs.xlsx")


def test_a_value_not_of_its_columns_kind_is_left_to_xlsxwriter(tmp_path):
    book, sheet, formats = _book(tmp_path / "odd.xlsx")
    writer = RowWriter(sheet, 0, KINDS, formats)
    odd_rows = [
        (None, None, None, None, "12", None),  # text in a number column
        (None, None, None, None, True, None),  # a yes/no
        (None, None, None, None, None, float("nan")),
        (None, None, None, "2026-11-20", None, None),  # text in a date column
        ("x" * 40_000, None, None, None, None, None),  # longer than a cell may hold
    ]
    for r, row in enumerate(odd_rows, start=1):
        assert not writer.write(r, row)
    assert writer.write(6, ("fine", None, "Red", date(2026, 11, 20), 3, 2.5))
    book.close()
    cells = openpyxl.load_workbook(tmp_path / "odd.xlsx")["Rows"]
    assert [c.value for c in cells[7]] == ["fine", None, "Red", 46346, 3, 2.5]


def test_a_text_shaped_like_markup_stays_text_on_a_streamed_sheet(tmp_path):
    # xlsxwriter itself writes a streamed text that begins "<r>" and ends "</r>" as raw XML
    payload = '<r><t>ok</t></r></is></c><c r="Z9"><f>1+1</f></c><c><is><r><t>x</t></r>'
    book, sheet, formats = _book(tmp_path / "markup.xlsx")
    sheet.write_string(1, 0, payload)  # xlsxwriter's own path
    RowWriter(sheet, 0, KINDS, formats).write(2, (payload, None, None, None, None, None))
    book.close()
    cells = openpyxl.load_workbook(tmp_path / "markup.xlsx")["Rows"]
    assert cells["A2"].value == payload and cells["A3"].value == payload
    assert cells["A2"].data_type == "s" and cells["Z9"].value is None


@pytest.mark.parametrize("whole", [True, False], ids=["a large round's", "a sheet streamed"])
@pytest.mark.parametrize("held", [2**20, 0], ids=["rows held in memory", "rows in files"])
def test_rows_deflated_as_they_are_written_unzip_to_what_xlsxwriter_writes(
    tmp_path, monkeypatch, whole, held
):
    """A streamed sheet's rows are deflated by whoever writes them, and the zip puts them in
    the sheet's part as they are: unzipped, every part is xlsxwriter's own, byte for byte, and
    every part's checksum holds (a sheet of many blocks of rows, one with no rows, one with a
    row's height alone, and, unless the whole book is streamed, one that is not), whether the
    rows were held in memory or, past ``held`` bytes, in a file."""
    monkeypatch.setattr(deflated, "_HELD_IN_MEMORY", held)
    texts = ["Red", "a & b < c", "  spaced  ", "line\nbreak", "_x0041_", "é😀", "x" * 300]

    def write(book_class, path):
        scratch = path.with_suffix("")
        scratch.mkdir()
        options = {"constant_memory": whole, "in_memory": not whole, "tmpdir": str(scratch)}
        book = book_class(str(path), options)
        bold = book.add_format({"bold": True})
        many = streamed_sheet(book, "Many")
        for r in range(20_000):  # (some 2 MB of rows: several blocks)
            many.write_string(r, 0, texts[r % len(texts)], bold if r % 3 else None)
            many.write_number(r, 1, r * 1.5)
            many.write_string(r, 2, f"row {r}")
        streamed_sheet(book, "Empty")
        tall = streamed_sheet(book, "Tall")
        tall.set_row(3, 40)
        if not whole:
            book.add_worksheet("Held").write_string(0, 0, "in memory")
        book.close()

    write(xlsxwriter.Workbook, tmp_path / "theirs.xlsx")
    write(Workbook, tmp_path / "ours.xlsx")
    with (
        zipfile.ZipFile(tmp_path / "ours.xlsx") as ours,
        zipfile.ZipFile(tmp_path / "theirs.xlsx") as theirs,
    ):
        assert ours.testzip() is None
        assert ours.namelist() == theirs.namelist()
        for name in theirs.namelist():
            if name != "docProps/core.xml":  # (it holds the time it was written)
                assert ours.read(name) == theirs.read(name), name
    assert not list((tmp_path / "ours").iterdir())  # no file of rows left behind
    assert not deflated._HELD  # nor rows in memory
    many = openpyxl.load_workbook(tmp_path / "ours.xlsx", read_only=True)["Many"]
    rows = list(many.iter_rows(values_only=True))
    assert len(rows) == 20_000 and rows[0] == ("Red", 0, "row 0")
    assert rows[-1] == (texts[19_999 % len(texts)], 19_999 * 1.5, "row 19999")


def test_checksums_of_pieces_combine_into_the_checksum_of_the_whole():
    pieces = [b"", b"<row>", bytes(range(256)) * 1000, "é😀".encode() * 77]
    for first in pieces:
        for second in pieces:
            combined = crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second))
            assert combined == zlib.crc32(first + second)
