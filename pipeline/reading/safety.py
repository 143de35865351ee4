"""Look at a file's bytes before any spreadsheet library parses them.

A return can be broken or hostile: a zip bomb, XML with entity declarations (billion laughs,
external entities), a password, a format we do not take. These checks are cheap (they read
the zip's directory and the first bytes of each XML part) and turn each such file into one
sentence, before a reader spends memory or time on it. The worker process that reads the
file is the second line of defence (see ``reading.workers``).
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from ..declare.findings import column_number
from ..returns import CHECK_NAMES
from ..system.files import FEEDBACK_MARK, OUTPUT_MARK
from . import parts
from .csvfile import is_csv
from .workbook import Unreadable

_ZIP = b"PK\x03\x04"
_SQLITE = b"SQLite format 3\x00"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# What partners send instead of the workbook, told by its bytes: its first bytes, or a part of
# the zip package it is.
_OTHER_FILES = ((b"%PDF", "a PDF"), (b"{\\rtf", "a Rich Text document"))
_OTHER_PACKAGES = (("word/document.xml", "a Word document"),
                   ("ppt/presentation.xml", "a PowerPoint presentation"))  # fmt: skip


def _not_the_workbook(what: str) -> str:
    return f"it is {what}, not a spreadsheet: send the plan's workbook (.xlsx) itself"


@dataclass(frozen=True)
class Limits:
    """How big a return may be. A real plan is well under a megabyte and a few thousand cells;
    these leave room for a hundred times that."""

    file_bytes: int = 50 * 2**20
    unpacked_bytes: int = 300 * 2**20  # all parts of the zip together, unpacked
    part_ratio: int = 200  # unpacked / packed size of one large part
    entries: int = 5_000
    cells: int = 2_000_000  # on the sheet read in full


LIMITS = Limits()


@dataclass(frozen=True)
class Inspection:
    """What the bytes are and which sheets' used ranges are too large to be read at all (by
    sheet name; .xlsx only). ``unsaved_formulas(sheet)`` looks in the one sheet that is read."""

    kind: str  # xlsx, ods, xls, csv
    oversized: dict[str, tuple[int, int]] = field(default_factory=dict)  # (rows, columns)
    archive: zipfile.ZipFile | None = field(default=None, repr=False)  # (an .xlsx's, opened)
    data: bytes = field(default=b"", repr=False)  # (the package's bytes: ``parts``)
    unpacked: dict[str, bytes] = field(default_factory=dict, repr=False)  # parts read, by name

    def sheet_parts(self) -> dict[str, str]:
        """Sheet name by worksheet part, of an .xlsx (``xl/worksheets/sheet1.xml`` -> ``Action
        Plan``); empty for any other kind."""
        if self.archive is None:
            return {}
        book, rels = self.part("xl/workbook.xml"), self.part("xl/_rels/workbook.xml.rels")
        return dict(_parts_named(book, rels))

    def part(self, name: str) -> bytes:
        """An .xlsx's part ``name`` unpacked, once however often it is asked for."""
        if name not in self.unpacked:
            archive = self.archive
            assert archive is not None, "an .xlsx's parts only"
            info = archive.getinfo(name)
            read = parts.unpacked(self.data, info) if self.data else None
            self.unpacked[name] = archive.read(info) if read is None else read
        return self.unpacked[name]

    def unsaved_formulas(self, sheet: str) -> list[str]:
        """Addresses of the formula cells of ``sheet`` saved without their result. Asked of
        the sheet read only: a template's hidden checks sheet holds thousands of formulas a
        partner's program may not have calculated, and scanning it cost most of a file's
        reading."""
        archive = self.archive
        if self.kind != "xlsx" or archive is None:
            return []
        try:
            part = next((p for p, name in self.sheet_parts().items() if name == sheet), None)
            return _unsaved_formulas(self.part(part)) if part else []
        except (zipfile.BadZipFile, KeyError, EOFError, OSError, ValueError, SyntaxError):
            return []  # inspect() has already read every part: nothing new can be wrong here


_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT = re.compile(rb"<[A-Za-z_]")  # an element's start: the prolog ends before the first
_NOT_MARKUP = re.compile(rb"<!--.*?-->|<\?.*?\?>", re.DOTALL)  # comments, instructions
_SAVED_VALUE = re.compile(rb"<v>[^<]")
_OURS = CHECK_NAMES.encode()  # a template's own checks name these: never read, never said
_FORMULA = re.compile(rb"<f[ >]")
_CELL = re.compile(rb'<c r="([A-Z]{1,3}[0-9]{1,7})"[^>]*?(?:/>|>(.*?)</c>)', re.DOTALL)
_REF = rb"([A-Z]{1,3})([0-9]{1,7})"
_DIMENSION = re.compile(rb'<dimension\s+ref="' + _REF + rb"(?::" + _REF + rb')?"')
_DIMENSION_WITHIN = 65536  # a sheet's <dimension> is looked for in its first bytes only
_CELL_START = re.compile(rb'<c\s[^>]*?\br="' + _REF + rb'"[^>]*>')  # a cell's opening tag


def too_big_to_read(size: int, limits: Limits = LIMITS) -> str | None:
    """Why a file of ``size`` bytes is not read at all (completing "This file cannot be
    used: …"), or None when it may be."""
    if size <= limits.file_bytes:
        return None
    return (
        f"it is {size // 2**20:,} MB, far larger than any plan: remove anything that is not "
        f"the plan (pictures, other data) and send it again"
    )


def inspect(data: bytes, name: str, limits: Limits = LIMITS) -> Inspection:
    """Check a file's bytes; raise ``Unreadable`` with a sentence when it must not be read."""
    if name.replace("\\", "/").rsplit("/", 1)[-1].startswith("~$"):  # a name or a path
        raise Unreadable(
            "it is an Excel lock file (left behind while a workbook is open), not a return: "
            "send the workbook itself"
        )
    if too_big_to_read(len(data), limits):
        raise Unreadable(too_big_to_read(len(data), limits))
    if data.startswith(_SQLITE):
        raise Unreadable(
            "it is a database (such as the pipeline's own store), not a return: take it out "
            "of the inbox"
        )
    if data.startswith(_OLE):
        if any(stream.encode("utf-16-le") in data for stream in _ENCRYPTED_STREAMS):
            raise Unreadable(_PASSWORD)
        return Inspection("xls")
    if not data.startswith(_ZIP):
        what = next((what for magic, what in _OTHER_FILES if data.startswith(magic)), None)
        if what is not None:
            raise Unreadable(_not_the_workbook(what))
        if is_csv(name):  # text: read as the one sheet it holds (``reading.csvfile``)
            return Inspection("csv")
        raise Unreadable("it is not a spreadsheet: save it from Excel as .xlsx and send it again")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise Unreadable("the file is damaged or was not fully copied: send it again") from None
    names = {i.filename for i in infos}
    if "xl/workbook.bin" in names:
        raise Unreadable(
            "it is an Excel binary workbook (.xlsb), which we do not take: save it as an Excel "
            "Workbook (.xlsx) and send it again"
        )
    kind = "xlsx" if "xl/workbook.xml" in names else "ods" if "content.xml" in names else None
    if kind is None:
        what = next((what for part, what in _OTHER_PACKAGES if part in names), None)
        if what is not None:
            raise Unreadable(_not_the_workbook(what))
        raise Unreadable("it is a zip file, not a spreadsheet: send the .xlsx workbook itself")
    _check_sizes(infos, limits)
    written = _written_by_us(archive, names) if kind == "xlsx" else None
    if written:
        raise Unreadable(f"it is {written}, not a return: take it out of the inbox")
    oversized = {}
    try:
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                head = _check_xml(archive, info, data)
                if kind == "xlsx" and info.filename.startswith("xl/worksheets/"):
                    span = _oversized(archive, info, limits.cells, head)
                    if span:
                        oversized[info.filename] = span
        if oversized:
            parts = _sheet_parts(archive)
            oversized = {parts.get(part, part): span for part, span in oversized.items()}
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, SyntaxError):
        raise Unreadable("the file is damaged or was not fully copied: send it again") from None
    return Inspection(kind, oversized, archive if kind == "xlsx" else None, data)


_FEEDBACK_SAVED = re.compile(re.escape(FEEDBACK_MARK[1].encode()) + rb"([0-9T:-]{19})")


def _written_by_us(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    """What the pipeline wrote this workbook as (see ``files.OUTPUT_MARK``), in words, or
    None: it is not the pipeline's, or it is feedback a partner has saved again."""
    custom = _small_part(archive, names, "docProps/custom.xml")
    if all(part.encode() in custom for part in OUTPUT_MARK):
        return "a consolidated workbook the pipeline wrote"
    saved = _FEEDBACK_SAVED.search(custom)
    if saved is not None:
        core = _small_part(archive, names, "docProps/core.xml")
        if re.search(rb"<dcterms:modified[^>]*>" + re.escape(saved.group(1)) + rb"Z?<", core):
            return "feedback the pipeline wrote for a partner, as it was written"
    return None


def _small_part(archive: zipfile.ZipFile, names: set[str], name: str) -> bytes:
    """A small part of the package (a document's properties), or nothing."""
    if name not in names or archive.getinfo(name).file_size > 2**16:
        return b""
    return archive.read(name)


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name by worksheet part (``xl/worksheets/sheet1.xml`` -> ``Action Plan``)."""
    book, rels = archive.read("xl/workbook.xml"), archive.read("xl/_rels/workbook.xml.rels")
    return dict(_parts_named(book, rels))


@functools.lru_cache(maxsize=32)  # (the returns of one template share both parts)
def _parts_named(book_xml: bytes, rels_xml: bytes) -> tuple[tuple[str, str], ...]:
    from defusedxml import ElementTree

    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    book = ElementTree.fromstring(book_xml)
    rels = ElementTree.fromstring(rels_xml)
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts = {}
    for sheet in book.iter():
        if sheet.tag.endswith("}sheet") and sheet.get(rel) in targets:
            target = targets[sheet.get(rel)].lstrip("/")
            parts[target if target.startswith("xl/") else f"xl/{target}"] = sheet.get("name")
    return tuple(parts.items())


_PASSWORD = "it is password protected: save it without a password and send it again"
# An encrypted .xlsx is an OLE container holding these streams (names stored as UTF-16).
_ENCRYPTED_STREAMS = ("EncryptionInfo", "EncryptedPackage")


def _check_sizes(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.entries:
        raise Unreadable(f"it holds {len(infos)} parts, far more than a workbook")
    unpacked = sum(i.file_size for i in infos)
    bomb = any(
        i.file_size > 2**20 and i.file_size > limits.part_ratio * max(i.compress_size, 1)
        for i in infos
    )
    if unpacked > limits.unpacked_bytes or bomb:
        raise Unreadable(
            f"it unpacks to {unpacked // 2**20} MB from {sum(i.compress_size for i in infos)} "
            f"bytes, which no plan does (a 'zip bomb'): send the plan itself"
        )


def _check_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo, data: bytes = b"") -> bytes:
    """Refuse a part whose prolog (all before its first element, however long a comment
    pads it) declares a DOCTYPE or entities; the part's first bytes, as far as they were read
    (4 KB, or to the end of a longer prolog). (``data``: the package's bytes, to unpack the part
    from straight, ``parts.head``.)"""
    found: list[bytes] = []  # the prolog, once its end is read

    def done(read: bytes) -> bool:
        head = _NOT_MARKUP.sub(b"", read)
        root = _ROOT.search(head)
        ended = root is not None and b"<!--" not in head[: root.start()]
        found[:] = [head[: root.start()] + read[:4096] if ended else head]  # type: ignore[union-attr]
        return ended

    read = parts.head(data, info, done) if data else None
    if read is None:
        read, found[:] = b"", [b""]
        with archive.open(info) as part:
            while chunk := part.read(4096):
                read += chunk
                if done(read):
                    break
    if _DTD.search(found[0] if found else b""):
        raise Unreadable(
            f"its part {info.filename} declares XML entities or a DOCTYPE, which Excel never "
            f"writes and which can attack the reader: save it again from Excel"
        )
    return read


def _unsaved_formulas(sheet_xml: bytes) -> list[str]:
    """Addresses of formula cells saved without their result (so they read as empty), but for
    a template's own Ready to send box (its formula names the checks' defined names)."""
    found, end = [], 0
    for formula in _FORMULA.finditer(sheet_xml):  # only the cells holding one are looked at
        if formula.start() < end:
            continue  # a second <f in a cell already looked at
        start = sheet_xml.rfind(b"<c ", 0, formula.start())
        cell = _CELL.match(sheet_xml, start) if start >= 0 else None
        if cell is None:
            continue
        end, body = cell.end(), cell.group(2) or b""
        if not _SAVED_VALUE.search(body) and _OURS not in body:
            found.append(cell.group(1).decode())
    return found


def _oversized(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, head: bytes = b""
) -> tuple[int, int] | None:
    """(rows, columns) of a worksheet's used range when it holds more than ``limit`` cells,
    else None. The reader lays the used range out cell by cell in memory, so one stray cell in
    XFD1048576 beside a plan in A1 would take it hundreds of gigabytes: such a sheet must not
    reach it. The range runs from the first to the last cell holding anything, wherever they
    are (a plan starting far down is not a large sheet; styled empty cells do not count). The
    cells are only looked at when the sheet's own ``<dimension>`` claims more than ``limit``
    (or is missing), so a usual sheet costs only a look at its first bytes here: ``head``,
    those read already (``_check_xml``), else its first 64 KB."""
    claimed = _DIMENSION.search(head, 0, _DIMENSION_WITHIN)  # (it comes near the start)
    if claimed is None and len(head) < min(info.file_size, _DIMENSION_WITHIN):
        with archive.open(info) as part:
            claimed = _DIMENSION.search(part.read(_DIMENSION_WITHIN))
    if claimed is not None:
        first_col, first_row, last_col, last_row = claimed.groups()
        rows = int(last_row or first_row) - int(first_row) + 1
        cols = _column(last_col or first_col) - _column(first_col) + 1
        if rows * cols <= limit:
            return None
    sheet_xml = archive.read(info)
    top = left = 2**31
    bottom = right = -1
    for cell in _CELL_START.finditer(sheet_xml):
        if cell.group(0).endswith(b"/>"):
            continue  # an empty (perhaps styled) cell
        col, row = _column(cell.group(1)), int(cell.group(2))
        top, bottom = min(top, row), max(bottom, row)
        left, right = min(left, col), max(right, col)
    if bottom < 0:
        return None
    rows, cols = bottom - top + 1, right - left + 1
    return (rows, cols) if rows * cols > limit else None


def _column(letters: bytes) -> int:
    """``b"AB"`` -> 28 (one-based)."""
    return column_number(letters.decode("ascii"))
