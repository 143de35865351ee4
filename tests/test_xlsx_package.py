"""Marking up a workbook part by part (``pipeline.xlsx``) keeps what the pipeline does not
touch working: workbooks built here with xlsxwriter, as other programs build them, marked,
and read back with openpyxl and from the package's own XML."""

from __future__ import annotations

import struct
import zipfile
import zlib
from datetime import UTC, datetime

import openpyxl
import pytest
import xlsxwriter

from pipeline.xlsx import Mark, Package, Styles, Unmarkable, mark_sheet, worksheet

SAVED = datetime(2026, 11, 30, 9, 0, tzinfo=UTC).replace(tzinfo=None)


def png() -> bytes:
    """A one-pixel PNG (a logo in a header)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))  # fmt: skip


def marked(path, marks, out):
    """``path`` with ``marks`` (sheet name: marks) applied, saved at ``out``."""
    package = Package.open(path)
    styles = Styles(package)
    sheets = {sheet.name: sheet for sheet in package.sheets()}
    for name, on_sheet in marks.items():
        mark_sheet(package, sheets[name], on_sheet, styles)
    package.save(out, SAVED)
    return out


def test_a_picture_in_the_header_is_kept_and_the_comments_get_their_own_drawing(tmp_path):
    """A sheet's header logo is drawn in VML as comments are: marking the sheet draws its
    comments anew and leaves the logo's drawing as it was."""
    logo = tmp_path / "logo.png"
    logo.write_bytes(png())
    path = tmp_path / "plan.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Plan")
    sheet.set_header("&L&G", {"image_left": str(logo)})
    sheet.write("A1", "Leeds")
    sheet.write_comment("A1", "Ours to keep.")
    book.close()
    with zipfile.ZipFile(path) as z:
        drawings = {n: z.read(n) for n in z.namelist() if n.endswith(".vml")}
    out = marked(
        path, {"Plan": [Mark("B2", "FFC7CE", "Must fix: fill it in.")]}, tmp_path / "o.xlsx"
    )
    with zipfile.ZipFile(out) as z:
        after = {n: z.read(n) for n in z.namelist() if n.endswith(".vml")}
    logos = [n for n, vml in drawings.items() if b"Note" not in vml]
    assert logos and all(after[n] == drawings[n] for n in logos)  # the logo's, untouched
    [notes] = [vml for vml in after.values() if b"Note" in vml]
    assert notes.count(b'ObjectType="Note"') == 2  # A1's and B2's
    comments = openpyxl.load_workbook(out)["Plan"]
    assert comments["A1"].comment.text == "Ours to keep."
    assert comments["B2"].comment.text.startswith("Must fix")


def test_a_value_we_read_is_not_written_over_a_formula_others_share(tmp_path):
    path = tmp_path / "plan.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Plan")
    for row in range(5):
        sheet.write_number(row, 0, row + 1)
    for row in range(5):
        sheet.write_formula(row, 1, f"=A{row + 1}*2", None, (row + 1) * 2)
    book.close()
    out = marked(path, {"Plan": [Mark("B1", "FFEB9C", "Please check.", "Ongoing")]},
                 tmp_path / "o.xlsx")  # fmt: skip
    formulas = openpyxl.load_workbook(out)["Plan"]
    assert [formulas.cell(r, 2).value for r in range(1, 6)] == [f"=A{r}*2" for r in range(1, 6)]
    assert formulas["B1"].fill.fgColor.rgb.endswith("FFEB9C")  # coloured, and noted
    assert formulas["B1"].comment.text == "Please check."


def test_part_names_that_differ_only_in_case_are_one_part(tmp_path):
    """A package naming its sheet ``Sheet1.xml`` (another program's way): the sheet added is
    not ``sheet1.xml`` beside it, which Excel would take for the same part."""
    path = tmp_path / "plan.xlsx"
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("Plan").write("A1", "Leeds")
    book.close()
    renamed = tmp_path / "renamed.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(renamed, "w") as dst:
        for info in src.infolist():
            data = src.read(info).replace(b"worksheets/sheet1.xml", b"worksheets/Sheet1.xml")
            dst.writestr(info.filename.replace("sheet1.xml", "Sheet1.xml"), data)
    package = Package.open(renamed)
    package.add_sheet_first("Fix list", worksheet([], [10], {}, frozen_rows=0), None)
    out = tmp_path / "o.xlsx"
    package.save(out, SAVED)
    with zipfile.ZipFile(out) as z:
        names = [n.casefold() for n in z.namelist()]
    assert len(names) == len(set(names)), names
    assert openpyxl.load_workbook(out).sheetnames == ["Fix list", "Plan"]


def test_the_added_sheet_opens_alone_even_where_a_chart_sheet_was_selected(tmp_path):
    path = tmp_path / "plan.xlsx"
    book = xlsxwriter.Workbook(path)
    data = book.add_worksheet("Plan")
    data.write_column("A1", [1, 2, 3])
    chart = book.add_chart({"type": "column"})
    chart.add_series({"values": "=Plan!$A$1:$A$3"})
    sheet = book.add_chartsheet("Chart")
    sheet.set_chart(chart)
    sheet.activate()  # the chart sheet is the one open, and selected
    book.close()
    package = Package.open(path)
    package.add_sheet_first("Fix list", worksheet([], [10], {}, frozen_rows=0), None)
    out = tmp_path / "o.xlsx"
    package.save(out, SAVED)
    with zipfile.ZipFile(out) as z:
        selected = [n for n in z.namelist() if b'tabSelected="1"' in z.read(n)]
        fix_list = [n for n in z.namelist() if n.endswith(".xml") and b"pageSetUpPr" in z.read(n)
                    and b"chartsheet" not in z.read(n)]  # fmt: skip
    assert selected == fix_list, selected  # the Fix list alone, not the chart sheet too
    assert openpyxl.load_workbook(out).active.title == "Fix list"


def compressed(path, name):
    """A member's bytes as stored in the zip (compressed), read from its local header."""
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(name)
    blob = path.read_bytes()
    name_length, extra_length = struct.unpack("<2H", blob[info.header_offset + 26 :][:4])
    start = info.header_offset + 30 + name_length + extra_length
    return blob[start : start + info.compress_size]


def test_parts_the_copy_does_not_change_are_copied_still_compressed(tmp_path):
    path = tmp_path / "plan.xlsx"
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("Guidance").write("A1", "How to fill it in " * 50)
    book.add_worksheet("Plan").write("A1", "Leeds")
    book.close()
    out = marked(path, {"Plan": [Mark("B2", "FFC7CE", "Must fix.")]}, tmp_path / "o.xlsx")
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None
    for name in ("xl/worksheets/sheet1.xml", "xl/theme/theme1.xml"):
        assert compressed(out, name) == compressed(path, name), name
    assert compressed(out, "xl/worksheets/sheet2.xml") != compressed(
        path, "xl/worksheets/sheet2.xml"
    )
    assert openpyxl.load_workbook(out)["Guidance"]["A1"].value.startswith("How to fill")


def test_a_package_zipped_as_a_stream_is_marked_and_reads_back(tmp_path):
    """A zip written as a stream (sizes after each part, as some programs write them) has its
    parts copied with their sizes in their headers."""
    path = tmp_path / "plan.xlsx"
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("Plan").write("A1", "Leeds")
    book.close()

    class Stream:  # a file that cannot seek
        def __init__(self):
            self.parts = []

        def write(self, data):
            self.parts.append(bytes(data))
            return len(data)

        def flush(self):
            pass

    stream = Stream()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            with dst.open(info.filename, "w") as member:
                member.write(src.read(info))
    streamed = tmp_path / "streamed.xlsx"
    streamed.write_bytes(b"".join(stream.parts))
    with zipfile.ZipFile(streamed) as z:
        assert all(info.flag_bits & 0x08 for info in z.infolist())  # sizes after the data
    out = marked(streamed, {"Plan": [Mark("B2", "FFC7CE", "Must fix.")]}, tmp_path / "o.xlsx")
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None
    sheet = openpyxl.load_workbook(out)["Plan"]
    assert sheet["A1"].value == "Leeds" and sheet["B2"].fill.fgColor.rgb.endswith("FFC7CE")


def test_a_part_damaged_in_the_zip_is_refused_saying_so(tmp_path):
    """A sheet whose deflated bytes were damaged (a byte changed, or cut short) cannot be
    marked up: the copy says the part is damaged, whichever check finds it (the inflater's or
    the checksum's)."""
    path = tmp_path / "plan.xlsx"
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("Plan").write("A1", "Leeds " * 400)
    book.close()
    blob = path.read_bytes()
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    start = blob.index(compressed(path, info.filename))
    end = start + info.compress_size
    part = blob[start:end]

    def flipped(at: int, bits: int) -> bytes:
        return part[:at] + bytes([part[at] ^ bits]) + part[at + 1 :]

    for n, damaged_part in enumerate(
        (flipped(3, 0xFF), flipped(len(part) // 2, 0x10), part[:-4] + b"\0\0\0\0")
    ):
        damaged = tmp_path / f"damaged{n}.xlsx"
        damaged.write_bytes(blob[:start] + damaged_part + blob[end:])
        package = Package.open(damaged)
        with pytest.raises(Unmarkable, match=r"sheet1\.xml is damaged"):
            package.xml(info.filename)


def test_a_stylesheet_asked_the_same_styles_again_comes_out_the_same_unparsed(tmp_path):
    """Copies of one template ask its stylesheet for much the same styles: what an earlier
    copy was given (each style's index, the stylesheet after it) is given again without
    parsing it, and is what asking afresh gives, however the asks run on from there."""
    from pipeline.xlsx import styles as module

    path = tmp_path / "plan.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Plan")
    sheet.write("A1", "Leeds", book.add_format({"bold": True}))
    sheet.write("B1", 3, book.add_format({"num_format": "0.0"}))
    book.close()
    asks = [("marked", 1, "FFC7CE"), ("plain",), ("marked", 2, "FFEB9C"),
            ("marked", 1, "FFC7CE"), ("plain", True), ("marked", 0, "FFC7CE", "dd/mm/yyyy"),
            ("plain", False, 14)]  # fmt: skip

    def asked(sequence, memo):
        if not memo:
            module._DONE.clear()
        package = Package.open(path)
        styles = Styles(package)
        given = [styles.marked(*a[1:]) if a[0] == "marked" else styles.plain(*a[1:])
                 for a in sequence]  # fmt: skip
        return given, package.raw("xl/styles.xml"), package.parsed("xl/styles.xml")

    for cut in range(len(asks) + 1):  # the same asks up to ``cut``, then others
        sequence = [*asks[:cut], ("marked", 1, "FFFFFF"), ("plain", True, 9)]
        fresh = asked(sequence, memo=False)[:2]
        asked(sequence, memo=True)  # (an earlier copy)
        again = asked(sequence, memo=True)
        assert again[:2] == fresh
        assert not again[2]  # never parsed
        if cut:  # the same part of the way, then asked on otherwise (a fill used again)
            other = [*asks[:cut], ("marked", 2, "FFC7CE"), ("plain", False, 11)]
            assert asked(other, memo=True)[:2] == asked(other, memo=False)[:2]


def test_a_second_copy_of_a_template_drops_its_sheet_list_as_the_first_did_unparsed(tmp_path):
    """The app properties list the sheets by name, a list the copy drops: a copy of a template
    seen before is given the part the first copy made, without parsing it, and its small parts
    deflated before are copied as they were deflated; both copies open with the same parts."""
    from pipeline.xlsx import archive, remembered

    path = tmp_path / "plan.xlsx"
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("Plan").write("A1", "Leeds")
    book.add_worksheet("Risks").write("A1", "Floods")
    book.close()
    with zipfile.ZipFile(path) as original:
        assert b"TitlesOfParts" in original.read("docProps/app.xml")
    remembered._DONE.clear()
    archive._DEFLATED.clear()

    def copy(out):
        package = Package.open(path)
        package.save(out, SAVED)
        return package.parsed("docProps/app.xml")

    assert copy(tmp_path / "first.xlsx")  # parsed, the first time
    assert not copy(tmp_path / "second.xlsx")  # given as the first copy's part was made
    with zipfile.ZipFile(tmp_path / "first.xlsx") as first, \
            zipfile.ZipFile(tmp_path / "second.xlsx") as second:  # fmt: skip
        assert first.testzip() is None and second.testzip() is None  # (CRCs as they say)
        assert first.namelist() == second.namelist()
        for name in first.namelist():
            assert first.read(name) == second.read(name)
        assert b"TitlesOfParts" not in second.read("docProps/app.xml")
        assert b"<Application>" in second.read("docProps/app.xml")
    assert openpyxl.load_workbook(tmp_path / "second.xlsx").sheetnames == ["Plan", "Risks"]
