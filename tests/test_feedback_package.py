"""A partner's file comes back marked up with everything else in it kept: the copy is their
own package with a few parts edited, whatever program saved it."""

from __future__ import annotations

import zipfile
from datetime import date, datetime

import openpyxl
from builders import action, p44_return, the_clock_moves_on
from openpyxl.comments import Comment
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from python_calamine import CalamineWorkbook
from test_feedback import comments_in, feedback_for

from pipeline.declare import LAYOUTS
from pipeline.demo.partner import PartnerWorkbook
from pipeline.feedback import FIX_LIST
from pipeline.reading import load

MACRO_WORKBOOK = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
PLAIN_WORKBOOK = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def libreoffice_saves(libreoffice, path, out):
    """``path`` opened and saved as .xlsx by LibreOffice, as a partner on it would."""
    [saved] = libreoffice.convert([path], "xlsx:Calc MS Excel 2007 XML", out, seconds=180)
    return saved


def test_a_return_saved_by_libreoffice_is_marked_up_and_libreoffice_reads_the_copy(
    tmp_path, inbox, libreoffice
):
    """LibreOffice writes its own kind of package (shared strings, its own styles): marked up,
    the copy opens in LibreOffice, and saved from there it holds the same plan, cell for
    cell, and the Fix list."""
    made = p44_return(tmp_path, rows=[action("A01", status="On hold"), action("A02")])
    saved = libreoffice_saves(libreoffice, made, inbox)
    [copy] = feedback_for(inbox, tmp_path, saved)
    book = openpyxl.load_workbook(copy)
    assert book.sheetnames[0] == FIX_LIST
    assert book["Action Plan"]["H20"].fill.fgColor.rgb.endswith("F4B6B6")
    assert "is not one of Planned, Ongoing, Complete" in comments_in(copy)["H20"]
    again = libreoffice_saves(libreoffice, copy, tmp_path / "again")
    # (LibreOffice converting it changes nothing, so it is still the feedback as written)
    assert "feedback the pipeline wrote" in load(again).reason

    def plan(path):
        return CalamineWorkbook.from_path(path).get_sheet_by_name("Action Plan").to_python()

    assert plan(again) == plan(saved)
    fix_list = CalamineWorkbook.from_path(again).get_sheet_by_name(FIX_LIST).to_python()
    assert fix_list[3][:2] == ["Sheet", "Cell"] and fix_list[4][:2] == ["Action Plan", "H20"]


def test_everything_else_in_the_partners_file_is_kept_as_it_was(tmp_path, inbox):
    path = p44_return(inbox, rows=[action("A01", status="On hold")])
    [copy] = feedback_for(inbox, tmp_path, path)
    with zipfile.ZipFile(path) as before, zipfile.ZipFile(copy) as after:
        kept = set(after.namelist())
        assert set(before.namelist()) <= kept
        for name in before.namelist():
            if name.endswith((".bin", "theme1.xml")) or name == "xl/worksheets/sheet1.xml":
                assert after.read(name) == before.read(name), name
    # its print settings too: each sheet's heading still repeats on every page
    original, marked = openpyxl.load_workbook(path), openpyxl.load_workbook(copy)
    for sheet in original.worksheets:
        assert marked[sheet.title].print_title_rows == sheet.print_title_rows
    assert marked[FIX_LIST].print_title_rows == "$4:$4"


def test_a_comment_the_partner_left_is_kept_with_ours_after_it(tmp_path, inbox):
    path = p44_return(inbox, rows=[action("A01", status="On hold"), action("A02")])
    book = openpyxl.load_workbook(path)
    book["Action Plan"]["H20"].comment = Comment("Waiting for the board to decide.", "Jo")
    book["Action Plan"]["B21"].comment = Comment("Joint with Bradford.", "Jo")
    book.save(path)
    [copy] = feedback_for(inbox, tmp_path, path)
    comments = comments_in(copy)
    assert comments["H20"].startswith("Waiting for the board to decide.")
    assert "is not one of Planned, Ongoing, Complete" in comments["H20"]
    assert comments["B21"] == "Joint with Bradford."
    # and Excel draws each comment from the sheet's drawing: one shape for each
    with zipfile.ZipFile(copy) as z:
        [drawing] = [n for n in z.namelist() if n.endswith(".vml")]
        assert z.read(drawing).count(b'ObjectType="Note"') == len(comments)


def test_feedback_on_a_marked_up_copy_sent_back_unfixed_has_one_fix_list(tmp_path, inbox):
    path = p44_return(inbox, rows=[action("A01", status="On hold")])
    [copy] = feedback_for(inbox, tmp_path, path)
    the_clock_moves_on()  # the partner saves it later, fixing nothing, and sends it back
    returned = inbox / "leeds-again.xlsx"
    PartnerWorkbook(copy, LAYOUTS["p44"]).save(returned)
    (tmp_path / "second").mkdir()
    [second] = feedback_for(inbox, tmp_path / "second", returned)
    names = openpyxl.load_workbook(second).sheetnames
    assert names[0] == FIX_LIST and names.count(FIX_LIST) == 1, names
    assert [n for n in names if n.casefold().startswith("fix list")] == [FIX_LIST]


def test_a_macro_workbook_comes_back_as_a_plain_workbook_without_its_macros(tmp_path, inbox):
    made = p44_return(tmp_path, rows=[action("A01", status="On hold")])
    path = inbox / "leeds.xlsm"
    with zipfile.ZipFile(made) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(PLAIN_WORKBOOK.encode(), MACRO_WORKBOOK.encode())
                data = data.replace(b"</Types>", b'<Default Extension="bin" ContentType="'
                                    b'application/vnd.ms-office.vbaProject"/></Types>')  # fmt: skip
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://'
                                    b'schemas.microsoft.com/office/2006/relationships/vbaProject"'
                                    b' Target="vbaProject.bin"/></Relationships>')  # fmt: skip
            dst.writestr(info, data)
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macros")
    [copy] = feedback_for(inbox, tmp_path, path)
    assert copy.suffix == ".xlsx"
    with zipfile.ZipFile(copy) as z:
        types = z.read("[Content_Types].xml").decode()
        assert "xl/vbaProject.bin" not in z.namelist()
        assert "vbaProject" not in z.read("xl/_rels/workbook.xml.rels").decode()
    assert MACRO_WORKBOOK not in types and PLAIN_WORKBOOK in types
    assert openpyxl.load_workbook(copy)["Action Plan"]["H20"].fill.fgColor.rgb.endswith("F4B6B6")


def test_a_date_we_read_lands_on_the_same_day_in_a_workbook_counting_from_1904(tmp_path, inbox):
    """Excel for Mac once counted dates from 1904: the date we write back must say the day we
    read, not one four years off."""
    path = p44_return(inbox, rows=[action("A01", start_date="1 December 2026")])
    book = openpyxl.load_workbook(path)
    book.epoch = CALENDAR_MAC_1904
    book.save(path)
    [copy] = feedback_for(inbox, tmp_path, path)
    values = CalamineWorkbook.from_path(copy).get_sheet_by_name("Action Plan").to_python()
    assert values[19][5] in (date(2026, 12, 1), datetime(2026, 12, 1))
    assert openpyxl.load_workbook(copy)["Action Plan"]["F20"].value == datetime(2026, 12, 1)
