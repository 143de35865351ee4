"""The zip format read straight from a package's bytes (``pipeline.zips``), as the reader of
returns, the feedback copies and the calamine copy use it: what it reads is what ``zipfile``
reads, and a zip in any other shape is left to ``zipfile`` (None), never read otherwise."""

from __future__ import annotations

import io
import zipfile

import pytest
import xlsxwriter

from pipeline import zips

SHEET = "xl/worksheets/sheet1.xml"


def workbook(path, comment=b"", method=zipfile.ZIP_DEFLATED, rename=None):
    """A partner's workbook (xlsxwriter's), zipped again by ``zipfile`` as another program
    might: with a comment, stored, a part renamed."""
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("Plan").write_column("A1", [f"Action {n} in the wards" for n in range(300)])
    book.close()
    with zipfile.ZipFile(path) as written:
        parts = [(info.filename, written.read(info)) for info in written.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as again:
        for name, data in parts:
            again.writestr(rename(name) if rename else name, data)
        again.comment = comment
    return out.getvalue()


@pytest.mark.parametrize(
    "kind", ["as Excel zips it", "with a comment", "stored", "with a name in UTF-8"]
)
def test_a_packages_directory_reads_as_zipfile_reads_it(tmp_path, kind):
    data = workbook(
        tmp_path / "plan.xlsx",
        comment=b"saved by a tool" if kind == "with a comment" else b"",
        method=zipfile.ZIP_STORED if kind == "stored" else zipfile.ZIP_DEFLATED,
        rename=(lambda n: n.replace("app.xml", "äpp.xml")) if "UTF-8" in kind else None,
    )
    listed = zips.directory(data)
    assert listed is not None
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        infos = package.infolist()
        assert [e.name for e in listed.entries] == [i.filename for i in infos]
        for entry, info in zip(listed.entries, infos):
            assert (entry.crc, entry.size, entry.compressed_size, entry.offset) == (
                info.CRC, info.file_size, info.compress_size, info.header_offset)  # fmt: skip
            found = zips.packed(data, entry.offset, entry.compressed_size)
            assert found is not None
            read = zips.unpacked(found[2], entry.method, entry.crc, entry.size)
            assert read == package.read(info)
        assert listed.comment == package.comment


def test_a_zip_in_another_shape_is_left_to_zipfile(tmp_path):
    data = workbook(tmp_path / "plan.xlsx")
    assert zips.directory(b"a self-extractor's stub" + data) is None  # places all moved
    assert zips.directory(data[:-30]) is None  # its end cut off
    assert zips.directory(b"not a zip at all") is None
    named = data.replace(b"docProps/app.xml", b"docProps/a\x00p.xml")  # zipfile cuts at the NUL
    assert zips.directory(named) is None


def test_a_sheets_head_is_read_until_the_caller_is_done_and_a_damaged_part_says_so(tmp_path):
    data = workbook(tmp_path / "plan.xlsx")
    entry = next(e for e in zips.directory(data).entries if e.name == SHEET)
    packed = zips.packed(data, entry.offset, entry.compressed_size)[2]
    head = zips.head(packed, entry.method, entry.crc, entry.size, lambda r: b"<sheetData" in r)
    assert b"<sheetData" in head and len(head) < entry.size  # not the whole sheet
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.read(SHEET).startswith(head)
    for damaged in (entry.crc ^ 1, entry.crc):  # its checksum, then its bytes, wrong
        bytes_ = packed if damaged != entry.crc else bytes(packed[:-8]) + b"\0" * 8
        with pytest.raises(zips.Damaged, match="damaged"):
            zips.unpacked(bytes_, entry.method, damaged, entry.size)
        with pytest.raises(zips.Damaged, match="damaged"):  # read to its end: checked
            zips.head(bytes_, entry.method, damaged, entry.size, lambda r: False)


def test_members_written_with_their_headers_read_back_with_zipfile(tmp_path):
    data = workbook(tmp_path / "plan.xlsx", comment=b"kept")
    listed = zips.directory(data)
    pieces, records, at = [], [], 0
    for entry in listed.entries:
        packed = zips.packed(data, entry.offset, entry.compressed_size)[2]
        local, record = zips.headers(entry, at)
        pieces += (local, packed)
        records.append(record)
        at += len(local) + len(packed)
    directory = b"".join(records)
    pieces += (directory, zips.end_record(len(records), len(directory), at, listed.comment))
    copy = b"".join(pieces)
    with zipfile.ZipFile(io.BytesIO(copy)) as again, zipfile.ZipFile(io.BytesIO(data)) as first:
        assert again.testzip() is None and again.comment == b"kept"
        assert {n: again.read(n) for n in again.namelist()} == {
            n: first.read(n) for n in first.namelist()}  # fmt: skip
