"""The package the reader is handed reads the same as the partner's file (issue 30, speed).

python-calamine reads a sheet's merged ranges in a second pass over its XML; the loader hands
it a copy of the return with each sheet's merged ranges moved ahead of its cells, so that pass
ends at once (``reading.merges``), and unpacks parts straight from the file's bytes
(``reading.parts``). Neither may change a value, a merged range or a refusal.
"""

from __future__ import annotations

import io
import struct
import zipfile
from datetime import date

import openpyxl
import pytest
import python_calamine
from builders import action, p44_return

from pipeline.reading import load, parts
from pipeline.reading.choose import worth_reading
from pipeline.reading.merges import WORTH_MOVING, for_reader, merges_ahead
from pipeline.reading.safety import inspect
from pipeline.reading.workbook import Unreadable


@pytest.fixture(scope="module")
def long_return(tmp_path_factory):
    """A Priority 44 return of 60 actions: its plan sheet is larger than is worth moving."""
    folder = tmp_path_factory.mktemp("returns")
    rows = [action(f"A{n:02}", action=f"Action number {n} in the wards") for n in range(60)]
    return p44_return(folder, rows=rows)


def test_the_copy_the_reader_is_handed_holds_the_same_cells_and_merged_ranges(long_return):
    data = long_return.read_bytes()
    copy = for_reader(data, inspect(data, long_return.name), worth_reading)
    assert copy != data  # the plan's merged ranges were moved
    with zipfile.ZipFile(io.BytesIO(copy)) as package:
        assert package.testzip() is None
        plan = package.read("xl/worksheets/sheet2.xml")
        assert plan.index(b"<mergeCells") < plan.index(b"<sheetData")
    original, handed = (python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(b))
                        for b in (data, copy))  # fmt: skip
    assert original.sheet_names == handed.sheet_names
    for name in original.sheet_names:
        before, after = original.get_sheet_by_name(name), handed.get_sheet_by_name(name)
        assert after.to_python() == before.to_python()
        assert after.merged_cell_ranges == before.merged_cell_ranges
    # a second reader, openpyxl, sees the same sheets and merged ranges in both
    by_openpyxl = [openpyxl.load_workbook(io.BytesIO(b)) for b in (data, copy)]
    for sheet, again in zip(*by_openpyxl):
        assert sorted(map(str, again.merged_cells.ranges)) == sorted(
            map(str, sheet.merged_cells.ranges)
        )
        assert [list(r) for r in again.values] == [list(r) for r in sheet.values]


def test_a_return_reads_to_the_same_plan_whichever_package_the_reader_is_handed(long_return):
    loaded = load(long_return)
    assert not loaded.rejected
    assert len(loaded.rows) == 60
    assert loaded.rows["action"].iloc[59] == "Action number 59 in the wards"
    assert loaded.organisation == "Leeds"


def test_a_sheet_in_another_shape_is_handed_over_as_it_was():
    cells = b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>'
    merges = b'<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>'
    assert merges_ahead(b"<worksheet>" + cells + b"</worksheet>") is None  # no merged cells
    assert merges_ahead(b"<worksheet>" + merges + cells + b"</worksheet>") is None  # first already
    prefixed = b"<x:worksheet><x:sheetData/><x:mergeCells/></x:worksheet>"
    assert merges_ahead(prefixed) is None
    moved = merges_ahead(
        b"<worksheet><dimension/>" + cells + merges + b"<pageMargins/></worksheet>"
    )
    assert moved == b"<worksheet><dimension/>" + merges + cells + b"<pageMargins/></worksheet>"


def test_a_small_workbook_is_handed_to_the_reader_untouched(tmp_path):
    book = openpyxl.Workbook()
    book.active.merge_cells("A1:B1")
    book.active["A1"] = "Action Plan"
    book.save(tmp_path / "small.xlsx")
    data = (tmp_path / "small.xlsx").read_bytes()
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size < WORTH_MOVING
    assert for_reader(data, inspect(data, "small.xlsx"), worth_reading) is data


def test_parts_unpack_straight_from_the_file_to_what_zipfile_reads(long_return):
    data = long_return.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for info in package.infolist():
            assert parts.unpacked(data, info) == package.read(info)


def test_a_part_whose_checksum_is_wrong_is_refused_as_damaged_as_before(long_return):
    data = bytearray(long_return.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as package:
        info = package.getinfo("_rels/.rels")
    assert info.file_size < 4096  # read to its end when its prolog is checked
    entry = data.index(b"PK\x01\x02")
    while not data[entry + 46 :].startswith(b"_rels/.rels"):
        entry = data.index(b"PK\x01\x02", entry + 4)
    struct.pack_into("<L", data, entry + 16, info.CRC ^ 1)  # the directory's checksum
    damaged = bytes(data)
    with zipfile.ZipFile(io.BytesIO(damaged)) as package:
        assert parts.unpacked(damaged, package.getinfo("_rels/.rels")) is None
    with pytest.raises(Unreadable, match="the file is damaged or was not fully copied"):
        inspect(damaged, "damaged.xlsx")


def test_a_guess_made_reading_one_return_is_told_again_to_the_next_that_makes_it(tmp_path):
    # a worker remembers how a value reads from one file to the next (``values.Readings``);
    # each partner whose file holds it is still told what we guessed
    rows = [action("A01", start_date="31.10.2026")]
    first = load(p44_return(tmp_path, "Leeds", rows=rows))
    second = load(p44_return(tmp_path, "Bradford", rows=rows))
    for loaded in (first, second):
        guesses = [f for f in loaded.findings if f.rule == "guessed-value"]
        assert [g.read_as for g in guesses] == [date(2026, 10, 31)]
        assert 'read the text "31.10.2026" as the date 31/10/2026' in guesses[0].message
        assert loaded.rows["start_date"].iloc[0] == date(2026, 10, 31)
