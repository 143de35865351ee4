"""A sheet marked in its bytes (``xlsx.cells``) comes out as the same XML as the sheet parsed
and marked (``xlsx.grid``): for workbooks written by xlsxwriter and openpyxl with values,
formulas, merged ranges, blank rows and comments of their own, and marks anywhere (on cells
there, cells missing, rows missing), every part of the two copies says the same."""

from __future__ import annotations

import zipfile
from datetime import UTC, date, datetime

import openpyxl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from openpyxl.comments import Comment

from pipeline.xlsx import KEEP, Mark, Package, Styles, mark_sheet
from pipeline.xlsx.cells import SheetBytes
from pipeline.xlsx.marks import position

SAVED = datetime(2026, 11, 30, 9, 0, tzinfo=UTC).replace(tzinfo=None)
VALUES = st.one_of(
    st.none(),
    st.integers(-10_000, 10_000),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
    st.dates(date(1990, 1, 1), date(2040, 12, 31)),
)
WRITTEN = st.one_of(
    st.just(KEEP), st.integers(0, 500), st.dates(date(2000, 1, 1), date(2030, 1, 1)),
    st.sampled_from(["Ongoing", "Yes", "a & b < c", " spaced ", "line\nbreak", "tab\there"]),
)  # fmt: skip
MARKS = st.lists(
    st.tuples(st.integers(1, 14), st.integers(1, 8), st.sampled_from(["FFC7CE", "FFEB9C"]),
              st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30),
              WRITTEN),
    min_size=1, max_size=12,
)  # fmt: skip


def with_xlsxwriter(path, grid, merged, comment):
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Plan")
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, date):
                sheet.write_datetime(r, c, datetime(value.year, value.month, value.day))
            elif isinstance(value, str):
                sheet.write_string(r, c, value)
            else:
                sheet.write_number(r, c, value)
    sheet.write_formula(len(grid) + 1, 1, "=1+1", None, 2)
    if merged:
        sheet.merge_range(1, 1, 2, 3, "merged")
    if comment:
        sheet.write_comment(0, 0, "Ours to keep.")
    sheet.set_row(len(grid) + 3, 30)  # a row with no cells, only a height
    book.close()


def with_openpyxl(path, grid, merged, comment):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Plan"
    for r, row in enumerate(grid, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None and not (isinstance(value, str) and value.startswith("=")):
                sheet.cell(r, c, value)
    sheet.cell(len(grid) + 2, 2, "=1+1")
    if merged:
        sheet.merge_cells("B2:D3")
    if comment:
        sheet["A1"].comment = Comment("Ours to keep.", "Jo")
    sheet.column_dimensions["C"].width = 30
    book.save(path)


def marked(path, marks, out, parse):
    package = Package.open(path)
    styles = Styles(package)
    [sheet] = package.sheets()
    if parse:
        package.xml(sheet.part)  # asked for as XML first: the sheet is parsed and marked so
    else:  # (the sheet is one the bytes editor serves)
        editor = SheetBytes.of(package.raw(sheet.part))
        assert editor is not None and editor.usable(position(m.cell) for m in marks)
    mark_sheet(package, sheet, marks, styles)
    package.save(out, SAVED)
    return out


def tree(xml: bytes):
    """The XML as nested tuples: what it says, whatever its prefixes and quotes."""

    def walk(element):
        return (element.tag, sorted(element.attrib.items()), element.text or "",
                [walk(child) for child in element], element.tail or "")  # fmt: skip

    return walk(etree.fromstring(xml))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    grid=st.lists(st.lists(VALUES, min_size=1, max_size=8), min_size=1, max_size=10),
    merged=st.booleans(), comment=st.booleans(), writer=st.sampled_from([with_xlsxwriter,
                                                                          with_openpyxl]),
    marks=MARKS,
)  # fmt: skip
def test_a_sheet_marked_in_its_bytes_says_what_the_parsed_sheet_marked_says(
    tmp_path_factory, grid, merged, comment, writer, marks
):
    folder = tmp_path_factory.mktemp("marked")
    path = folder / "plan.xlsx"
    writer(path, grid, merged, comment)
    on_cells = [Mark(f"{chr(64 + col)}{row}", fill, note, value)
                for row, col, fill, note, value in marks]  # fmt: skip
    quick = marked(path, on_cells, folder / "quick.xlsx", parse=False)
    parsed = marked(path, on_cells, folder / "parsed.xlsx", parse=True)
    with zipfile.ZipFile(quick) as a, zipfile.ZipFile(parsed) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
        for name in a.namelist():
            if name.endswith((".xml", ".rels", ".vml")) and name != "docProps/core.xml":
                assert tree(a.read(name)) == tree(b.read(name)), name
    book = openpyxl.load_workbook(quick)  # and it opens
    assert book["Plan"]


def test_sheets_it_does_not_serve_are_parsed():
    """A comment, a DTD, another encoding, a row without its number: the bytes are left to
    the parser."""
    plain = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
             b'openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1">'
             b"<v>1</v></c></row></sheetData></worksheet>")  # fmt: skip
    assert SheetBytes.of(plain) is not None
    for odd in (
        plain.replace(b"<sheetData>", b"<!-- a note --><sheetData>"),
        plain.replace(b"<v>1</v>", b"<v><![CDATA[1]]></v>"),
        plain.replace(b"UTF-8", b"UTF-16"),
        plain.replace(b"xmlns=", b"xmlns:x="),
    ):
        assert SheetBytes.of(odd) is None, odd
    # a row without its number: a row found by its number is edited, one to be made is not
    # (where would it go?), nor one whose number only its place says
    unnamed = plain.replace(b"</sheetData>", b'<row><c r="A2"><v>2</v></c></row><row r="4"/>'
                            b"</sheetData>")  # fmt: skip
    assert SheetBytes.of(unnamed).usable([(1, 1), (4, 2)])
    assert not SheetBytes.of(unnamed).usable([(2, 1)])
    assert not SheetBytes.of(unnamed).usable([(3, 1)])
    assert SheetBytes.of(plain).usable([(3, 1)])
    # rows out of order: a row is looked for after those before it, and never made twice
    shuffled = plain.replace(b"<sheetData>", b'<sheetData><row r="5"/>')
    assert not SheetBytes.of(shuffled).usable([(1, 1), (5, 1)])
    assert SheetBytes.of(shuffled).usable([(5, 1)])
    # among many rows (each looked for from about where it should be), one out of its place:
    # rows after it are found, a row before it in number but after it in place is not
    rows = [b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, n) for n in range(1, 41)]
    moved = b"".join([*rows[:9], rows[29], *rows[9:29], *rows[30:]])
    many = SheetBytes.of(plain.replace(rows[0], moved))
    assert not many.usable([(20, 1), (30, 1)])
    many = SheetBytes.of(plain.replace(rows[0], moved))
    assert many.usable([(5, 1), (30, 1), (35, 1), (38, 1)])
    assert [many.rows[n].start for n in (30, 35, 38)] == [
        many.data.index(b'<row r="%d"' % n) for n in (30, 35, 38)]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(notes=st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
                      min_size=1, max_size=5))  # fmt: skip
def test_a_new_comments_part_is_what_lxml_writes_for_the_same_notes(notes):
    """The comments part of a sheet that had none is written as text: byte for byte what
    building it as a tree and writing it with lxml gives, whatever the notes say (a control
    character XML cannot hold is refused by both)."""
    from pipeline.xlsx.marks import AUTHOR, _new_comments
    from pipeline.xlsx.names import MAIN, q

    at = {(n + 1, 2): note for n, note in enumerate(notes)}
    tree = etree.fromstring(f'<comments xmlns="{MAIN}"><authors/><commentList/></comments>')
    etree.SubElement(tree[0], q("author")).text = AUTHOR
    try:
        for (row, _), note in at.items():
            comment = etree.SubElement(tree[1], q("comment"), ref=f"B{row}", authorId="0")
            body = etree.SubElement(etree.SubElement(comment, q("text")), q("t"))
            body.text = note
            body.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    except ValueError:
        with pytest.raises(ValueError):
            _new_comments(at)
        return
    expected = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
    assert _new_comments(at) == expected
