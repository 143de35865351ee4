"""A streamed sheet's rows deflated as they are written, and a zip that puts them in the
sheet's part as they are (part of the fast path: see ``fast``).

xlsxwriter writes a streamed sheet's rows to a file as text; closing the workbook reads them
back, copies them into the sheet's part, and only then deflates the part, in one process: a
large round's rows are 250 MB of XML, deflated while the other core waits. Here the process
that writes a sheet's rows deflates them as it goes (``DeflatedRows``: raw deflate blocks,
ended by a sync flush), keeping their CRC-32 and size; the sheet's part holds a mark where they
go (``rows_mark``); and the zip deflates what comes before and after the mark and puts the
rows' blocks between, the member's CRC-32 combined from theirs (``zips.crc32_combine``).
A raw deflate stream may be made so, of pieces each starting a fresh deflate and ending on a
byte (all but the last with a sync flush, the last finished). Unzipped, the parts are what
xlsxwriter writes, byte for byte (a test compares them).
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any
from zipfile import ZIP64_LIMIT, ZIP_DEFLATED, LargeZipFile, ZipFile, ZipInfo

from isal import isal_zlib

from ..zips import crc32_combine

ZIP_LEVEL = 1  # the workbook's level: a large round's XML deflates 3 times as fast as at zlib's
# default, into a file a third larger. Its rows, most of it, are deflated by ISA-L (``isal``),
# which writes the same format several times quicker than zlib (its bytes may differ by
# processor: a workbook is never compared byte for byte as it is zipped, only unzipped)
_GATHERED = 2**18  # characters of rows gathered before they are deflated
# Where a sheet's deflated rows go in its part: a NUL, which no XML holds (xlsxwriter writes
# one in a text as "_x0000_"), then what finds them.
_MARK = "\x00deflated rows\x00"
_SHEET_PARTS = "xl/worksheets/"
_MARKED_PART = 2**26  # a sheet's part with its rows deflated apart is far smaller than this
_HELD_IN_MEMORY = 2**20  # bytes of a sheet's deflated rows held in memory, beyond: in a file
_IN_MEMORY = "\x01held "  # what a mark names rows held in memory by (no file's name)


class DeflatedRows:
    """A streamed sheet's rows, deflated as they are written (at ``ZIP_LEVEL``, the
    workbook's), with the CRC-32 and size of what was written: raw deflate blocks, ended by a
    sync flush once closed, which the sheet's part takes as they are. They are held in memory
    until they pass ``_HELD_IN_MEMORY``, then go to a file in ``tmpdir`` (``path``): a normal
    round's sheets make no file (each made and removed costs a millisecond or two)."""

    def __init__(self, tmpdir: str | None) -> None:
        self.tmpdir, self.path, self.crc, self.size, self.closed = tmpdir, None, 0, 0, False
        self.blocks: list[bytes] | bytes = []  # (joined once closed)
        self._gathered: list[str] = []
        self._encoded: list[bytes] = []  # (what was gathered before, encoded, and then bytes)
        self._held = 0  # characters and bytes gathered
        self._file: Any = None
        self._squeeze: Any = None

    def write(self, text: str) -> None:
        """Write ``text`` (XML)."""
        if self.closed:
            raise ValueError("a streamed sheet's rows are written after it was closed")
        self._gathered.append(text)
        self._held += len(text)
        if self._held >= _GATHERED:
            self._deflate()

    def write_encoded(self, data: bytes) -> None:
        """Write ``data`` (XML, encoded)."""
        if self.closed:
            raise ValueError("a streamed sheet's rows are written after it was closed")
        if self._gathered:
            self._encoded.append("".join(self._gathered).encode())
            self._gathered.clear()
        self._encoded.append(data)
        self._held += len(data)
        if self._held >= _GATHERED:
            self._deflate()

    def _deflate(self) -> None:
        if self._gathered:
            self._encoded.append("".join(self._gathered).encode())
            self._gathered.clear()
        if not self._encoded:
            return
        data = b"".join(self._encoded)
        self._encoded.clear()
        self._held = 0
        if self._squeeze is None:
            self._squeeze = isal_zlib.compressobj(ZIP_LEVEL, isal_zlib.DEFLATED, -15)
        self.crc = isal_zlib.crc32(data, self.crc)
        self.size += len(data)
        self._keep(self._squeeze.compress(data))

    def _keep(self, blocks: bytes) -> None:
        if self._file is not None:
            self._file.write(blocks)
            return
        self.blocks.append(blocks)
        if sum(map(len, self.blocks)) > _HELD_IN_MEMORY:
            fd, self.path = tempfile.mkstemp(dir=self.tmpdir)
            self._file = os.fdopen(fd, "wb")
            self._file.writelines(self.blocks)
            self.blocks = []

    def close(self) -> None:
        """Deflate what is gathered, and close the file if there is one (a copy in a process
        that never wrote the sheet closes quietly, holding nothing)."""
        if self.closed:
            return
        self._deflate()
        if self._squeeze is not None:
            self._keep(self._squeeze.flush(isal_zlib.Z_SYNC_FLUSH))
        if self._file is not None:
            self._file.close()
        self.blocks = b"".join(self.blocks)
        self.closed = True


_HELD: dict[str, bytes] = {}  # rows held in memory, by the name their mark gives them
_NAMES = itertools.count()


def rows_mark(rows: tuple[str | None, int, int, bytes]) -> str:
    """The mark a sheet's part holds where its rows go (``rows``: their file, or None when
    they are the ``blocks`` held in memory, their CRC-32 and size), naming what holds them."""
    path, crc, size, blocks = rows
    if path is None:
        path = f"{_IN_MEMORY}{next(_NAMES)}"
        _HELD[path] = blocks
    return f"{_MARK}{crc}\x00{size}\x00{path}\x00"


def forget(rows: tuple[str | None, int, int, bytes] | None) -> None:
    """Let go of a sheet's ``rows``, wherever they are, once the workbook no longer needs them
    (when it is closed, or failed to be)."""
    if rows is None:
        return
    path = rows[0]
    if path is not None and os.path.exists(path):
        os.unlink(path)


def _marked(part: bytes) -> tuple[int, int, int, int, str] | None:
    """Where a sheet's part marks its deflated rows: (where the marker starts, where it
    ends, the rows' CRC-32, their size, what holds them); None in a part without one."""
    start = part.find(_MARK.encode())
    if start < 0:
        return None
    crc, size, path, _ = part[start + len(_MARK) :].split(b"\x00", 3)
    end = start + len(_MARK) + len(crc) + len(size) + len(path) + 3
    return start, end, int(crc), int(size), path.decode()


@contextmanager
def zipped_at(level: int) -> Iterator[None]:
    """Within the block, xlsxwriter zips at ``level`` (it has no option for it, and uses zlib's
    default, 6) with ``_Zip``s."""
    import xlsxwriter.workbook

    original = xlsxwriter.workbook.ZipFile
    xlsxwriter.workbook.ZipFile = partial(_Zip, compresslevel=level)
    try:
        yield
    finally:
        xlsxwriter.workbook.ZipFile = original
        _HELD.clear()  # (what a zip that failed did not take)


class _Zip(ZipFile):
    """A zip file whose compression level holds for every part (the standard one leaves
    parts given with their own ``ZipInfo``, as xlsxwriter's in-memory parts are, at zlib's
    default), and which puts a streamed sheet's rows, deflated already, in its part as they
    are (``streaming.DeflatedRows``)."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        level = self.compresslevel if compresslevel is None else compresslevel
        marked = _marked(data) if _is_sheet(zinfo_or_arcname) else None
        if marked is None:
            super().writestr(zinfo_or_arcname, data, compress_type, level)
            return
        zinfo = zinfo_or_arcname
        if not isinstance(zinfo, ZipInfo):  # (as ZipFile names a part given by name)
            zinfo = ZipInfo(zinfo, time.localtime(time.time())[:6])
            zinfo.external_attr = 0o600 << 16
        self._with_rows(zinfo, data if isinstance(data, bytes) else data.encode(), marked)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        if not _is_sheet(arcname) or os.path.getsize(filename) > _MARKED_PART:
            super().write(filename, arcname, compress_type, compresslevel)
            return
        data = Path(filename).read_bytes()
        marked = _marked(data)
        if marked is None:
            super().write(filename, arcname, compress_type, compresslevel)
            return
        self._with_rows(ZipInfo.from_file(filename, arcname), data, marked)

    def _with_rows(self, zinfo: ZipInfo, part: bytes, marked: tuple) -> None:
        """Write the sheet ``part`` with its rows put where it marks them: what comes before
        them deflated, then their deflated blocks as they are, then what comes after."""
        start, end, crc, size, rows = marked
        before, after = part[:start], part[end:]
        squeeze = zlib.compressobj(self.compresslevel, zlib.DEFLATED, -15)
        head = squeeze.compress(before) + squeeze.flush(zlib.Z_SYNC_FLUSH)
        squeeze = zlib.compressobj(self.compresslevel, zlib.DEFLATED, -15)
        tail = squeeze.compress(after) + squeeze.flush()
        zinfo.compress_type, zinfo.flag_bits = ZIP_DEFLATED, 0
        zinfo.CRC = zlib.crc32(after, crc32_combine(zlib.crc32(before), crc, size))
        zinfo.file_size = len(before) + size + len(after)
        held = _HELD.pop(rows, None)
        deflated = len(held) if held is not None else os.path.getsize(rows)
        zinfo.compress_size = len(head) + deflated + len(tail)
        zip64 = zinfo.file_size * 1.05 > ZIP64_LIMIT or zinfo.compress_size > ZIP64_LIMIT
        if zip64 and not self._allowZip64:
            raise LargeZipFile("Filesize would require ZIP64 extensions")
        with self._lock:  # (as ZipFile writes a member, its sizes known beforehand)
            self.fp.seek(self.start_dir)
            zinfo.header_offset = self.fp.tell()
            self._writecheck(zinfo)
            self._didModify = True
            self.fp.write(zinfo.FileHeader(zip64))
            self.fp.write(head)
            if held is not None:
                self.fp.write(held)
            else:
                with open(rows, "rb") as deflated:
                    shutil.copyfileobj(deflated, self.fp, 2**20)
            self.fp.write(tail)
            self.start_dir = self.fp.tell()
            self.filelist.append(zinfo)
            self.NameToInfo[zinfo.filename] = zinfo
        if held is None:
            os.unlink(rows)


def _is_sheet(name: Any) -> bool:
    """Whether the part ``name`` (or a ``ZipInfo``'s) is a worksheet's."""
    name = name.filename if isinstance(name, ZipInfo) else name
    return isinstance(name, str) and name.startswith(_SHEET_PARTS)
