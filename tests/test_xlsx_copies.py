"""Copies of one template marked up one after another: what every copy does the same to the
package's own parts (content types, relationships, the workbook's list of sheets) is done once
and remembered, and each later copy comes out as a first copy would; and a return's zip is read
as ``zipfile`` reads it, whatever program wrote it."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime

import openpyxl
import pytest
import xlsxwriter

from pipeline.xlsx import Package, Row, Styles, archive, remembered, worksheet

SAVED = datetime(2026, 11, 30, 9, 0, tzinfo=UTC).replace(tzinfo=None)
OWN_PARTS = ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
             "xl/_rels/workbook.xml.rels")  # fmt: skip


def template(path):
    """A partner's template: three sheets, the second open, its print titles set."""
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("Guidance").write("A1", "Read me")
    plan = book.add_worksheet("Plan")
    plan.write("A1", "Action")
    plan.repeat_rows(0)
    plan.activate()
    book.add_worksheet("Risks").write("A1", "Floods")
    book.close()
    return path


def fix_list_copy(path, out):
    """A feedback copy's bookkeeping: a plain workbook, a Fix list put first, the mark set,
    saved; returns which of the package's own parts it parsed."""
    package = Package.open(path)
    package.without_macros()
    styles = Styles(package)
    sheet = worksheet([Row(1, [("What to fix", styles.plain(bold=True))])], [20], {}, 1)
    package.add_sheet_first("Fix list", sheet, "1:1")
    package.set_custom_property("Feedback", "written 2026-11-30T09:00:00")
    package.save(out, SAVED)
    return {part for part in OWN_PARTS if package.parsed(part)}


def parts(path):
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None  # (every CRC as it says)
        return {name: z.read(name) for name in z.namelist()}


def test_a_second_copy_of_a_template_is_made_as_the_first_without_parsing_its_own_parts(
    tmp_path,
):
    path = template(tmp_path / "plan.xlsx")
    remembered._DONE.clear()
    remembered._READ.clear()
    assert fix_list_copy(path, tmp_path / "first.xlsx")  # parsed, the first time
    assert fix_list_copy(path, tmp_path / "second.xlsx") == set()  # remembered
    first, second = parts(tmp_path / "first.xlsx"), parts(tmp_path / "second.xlsx")
    assert list(first) == list(second)
    for name in first:  # (saved at the same time: the core properties' times are the same)
        assert first[name] == second[name], name
    book = openpyxl.load_workbook(tmp_path / "second.xlsx")
    assert book.sheetnames == ["Fix list", "Guidance", "Plan", "Risks"]
    assert book.active.title == "Fix list"
    assert [bool(s.sheet_view.tabSelected) for s in book] == [True, False, False, False]
    assert book["Fix list"].print_title_rows == "$1:$1"
    assert book["Plan"].print_title_rows == "$1:$1"  # (its own, moved on one sheet)
    assert book["Guidance"].print_title_rows is None
    assert book.custom_doc_props["Feedback"].value == "written 2026-11-30T09:00:00"


def test_a_copy_of_a_copy_has_one_fix_list_the_new_one(tmp_path):
    """A copy marked up again (a partner sent the feedback back) loses its old Fix list, in
    the workbook, its relationships and its content types, the second time as the first."""
    path = template(tmp_path / "plan.xlsx")
    fix_list_copy(path, tmp_path / "copy.xlsx")
    for n in (1, 2):
        fix_list_copy(tmp_path / "copy.xlsx", tmp_path / f"again{n}.xlsx")
    again = parts(tmp_path / "again2.xlsx")
    assert again == {**parts(tmp_path / "again1.xlsx"),
                     "docProps/core.xml": again["docProps/core.xml"]}  # fmt: skip
    assert again["[Content_Types].xml"].count(b"worksheet+xml") == 4
    assert openpyxl.load_workbook(tmp_path / "again2.xlsx").sheetnames == [
        "Fix list", "Guidance", "Plan", "Risks"]  # fmt: skip


@pytest.mark.parametrize("kind", ["xlsxwriter", "openpyxl", "stored", "commented", "prefixed"])
def test_a_zip_is_read_member_by_member_as_zipfile_reads_it(tmp_path, kind):
    """Whatever wrote the zip (a spreadsheet library, a tool storing parts uncompressed under
    UTF-8 names, one adding a comment or bytes before it), its members are read with the
    same names, contents and checksums as ``zipfile`` reads them."""
    path = tmp_path / "book.zip"
    if kind == "xlsxwriter":
        template(path)
    elif kind == "openpyxl":
        book = openpyxl.Workbook()
        book.active["A1"] = "Leeds"
        book.save(path)
    else:
        method = zipfile.ZIP_STORED if kind == "stored" else zipfile.ZIP_DEFLATED
        with zipfile.ZipFile(path, "w", method) as z:
            z.writestr("xl/workbook.xml", "<workbook/>")
            z.writestr("xl/Prévisions.xml", "<sheet/>" * 50)
            z.comment = b"saved by a tool" if kind == "commented" else b""
        if kind == "prefixed":
            path.write_bytes(b"a self-extractor's stub" + path.read_bytes())
    members = archive.read(path)
    with zipfile.ZipFile(path) as z:
        assert list(members) == z.namelist()
        for info in z.infolist():
            member = members[info.filename]
            assert member.data() == z.read(info) and member.entry.crc == info.CRC
    archive.write(tmp_path / "again.zip", list(members.values()))
    with zipfile.ZipFile(tmp_path / "again.zip") as again, zipfile.ZipFile(path) as z:
        assert again.testzip() is None
        assert {n: again.read(n) for n in again.namelist()} == {
            n: z.read(n) for n in z.namelist()}  # fmt: skip
