"""Hand the reader a package it reads each sheet of once.

python-calamine reads a worksheet's merged ranges (``merged_cell_ranges``) in a second pass
over the sheet's XML, from its start until it meets ``<mergeCells>``; Excel writes that after
all the cells, so each sheet read was unpacked and parsed twice, a third of reading a return.
The reader is given instead a copy of the package in which each sheet it will read has its
``<mergeCells>`` moved ahead of its cells, where the second pass finds it at once (the cells
are read past it). That sheet is stored, not deflated again, in the copy: its XML was unpacked
here already, and the same bytes are asked for by ``Inspection.unsaved_formulas``.

Nothing is changed but the place of that one element: the cells and the merged ranges read
are the same. A sheet in any other shape (no merged cells, a namespace prefix, two
``<mergeCells>``) is handed over as it was, and so is any package that cannot be copied: this
only makes reading faster.
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Callable

from isal.isal_zlib import crc32

from .parts import LOCAL, LOCAL_SIGNATURE, UTF8
from .safety import Inspection

# below this many bytes of XML a second pass costs less than copying the sheet
WORTH_MOVING = 16 * 2**10
_SHEET_DATA = re.compile(rb"<sheetData[\s>]")
_MERGES, _MERGES_END, _DATA_END = b"<mergeCells", b"</mergeCells>", b"</sheetData>"
# what a package the reader will refuse may raise on the way (a part missing or damaged,
# a directory cut short, XML that does not parse)
_TROUBLE = (zipfile.BadZipFile, KeyError, EOFError, OSError, ValueError, RuntimeError,
            SyntaxError, struct.error)  # fmt: skip


def for_reader(
    data: bytes, inspection: Inspection, worth: Callable[[list[str]], list[str]]
) -> bytes:
    """The bytes to hand the reader for ``data``: a copy with the merged ranges of each sheet
    ``worth`` reading (given the sheets' names) moved ahead of its cells, or ``data`` itself."""
    archive = inspection.archive
    if inspection.kind != "xlsx" or archive is None:
        return data
    try:
        parts = {name: part for part, name in inspection.sheet_parts().items()}
        infos = archive.infolist()
        if len({i.filename for i in infos}) != len(infos):
            return data  # (a name twice: which one a reader takes is its own affair)
        moved: dict[str, bytes] = {}
        for name in worth(list(parts)):
            part = parts.get(name)
            if part is None or name in inspection.oversized:
                continue
            info = archive.getinfo(part)
            if info.file_size < WORTH_MOVING or info.flag_bits & 0x1:
                continue
            xml = merges_ahead(inspection.part(part))
            if xml is not None:
                moved[part] = xml
        return _replaced(data, moved) if moved else data
    except _TROUBLE:
        return data  # (the reader meets the same trouble and says so in its own words)


def merges_ahead(xml: bytes) -> bytes | None:
    """A worksheet's XML with its ``<mergeCells>`` element moved to just before its
    ``<sheetData>``; None when it has none after its cells, or is in another shape."""
    cells_end = xml.rfind(_DATA_END)
    if cells_end < 0:
        return None
    start = xml.find(_MERGES, cells_end)
    if start < 0 or xml[start + len(_MERGES) : start + len(_MERGES) + 1] not in (b" ", b">"):
        return None
    end = xml.find(_MERGES_END, start)
    if end < 0 or xml.find(_MERGES, end) >= 0:
        return None
    end += len(_MERGES_END)
    cells = _SHEET_DATA.search(xml)
    if cells is None or xml.find(_MERGES, 0, cells.start()) >= 0:
        return None  # (its merged ranges come first already)
    at = cells.start()
    return b"".join((xml[:at], xml[start:end], xml[at:start], xml[end:]))


def _replaced(data: bytes, moved: dict[str, bytes]) -> bytes:
    """``data`` with the parts named in ``moved`` given those bytes, stored. The other parts
    keep their packed bytes where they are: the new parts are written over the old directory,
    and a directory naming them in place of the old ones follows. ``data`` itself where the
    package is in a shape this does not copy (zip64, split, anything after its end)."""
    end = data.rfind(_END_SIGNATURE, max(0, len(data) - _END.size - 2**16))
    if end < 0:
        return data
    _, disk, first, here, count, size, start, remark = _END.unpack_from(data, end)
    if (disk, first, here) != (0, 0, count) or start + size != end or _WIDE in (size, start):
        return data
    if end + _END.size + remark != len(data):
        return data
    entries, added, at, old = [], [], start, start
    for _ in range(count):
        entry = list(_ENTRY.unpack_from(data, at))
        length = _ENTRY.size + entry[_NAME] + entry[_NAME + 1] + entry[_NAME + 2]
        if entry[0] != _ENTRY_SIGNATURE or _WIDE in (entry[_SIZE], entry[_SIZE + 1], entry[-1]):
            return data  # (zip64)
        name = data[at + _ENTRY.size : at + _ENTRY.size + entry[_NAME]]
        xml = moved.get(name.decode("utf-8" if entry[_FLAGS] & UTF8 else "cp437"))
        if xml is None:
            entries.append(data[at : at + length])
        else:
            flags, crc, size, offset = entry[_FLAGS] & UTF8, crc32(xml), len(xml), start
            start += LOCAL.size + len(name) + size
            added += [LOCAL.pack(LOCAL_SIGNATURE, _STORED_VERSION, 0, flags, zipfile.ZIP_STORED,
                                  *entry[_TIME : _TIME + 2], crc, size, size, len(name), 0),
                      name, xml]  # fmt: skip
            entry[_NEEDS], entry[_FLAGS], entry[_FLAGS + 1] = _STORED_VERSION, flags, 0
            entry[_CRC], entry[_SIZE], entry[_SIZE + 1] = crc, size, size
            entry[_NAME + 1], entry[_NAME + 2], entry[-1] = 0, 0, offset  # (no extra, comment)
            entries.append(_ENTRY.pack(*entry) + name)
        at += length
    directory = b"".join(entries)
    tail = _END.pack(_END_SIGNATURE, 0, 0, count, count, len(directory), start, remark)
    return b"".join((data[:old], *added, directory, tail, data[end + _END.size :]))


# the zip format's directory records (APPNOTE 4.3.12, 4.3.16), laid out as ``zipfile`` reads them
_ENTRY = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_ENTRY_SIGNATURE, _END_SIGNATURE = b"PK\x01\x02", b"PK\x05\x06"
# places in a directory entry: version needed, flags (method follows), time (date follows), CRC,
# packed size (unpacked follows), name's length (extra's and comment's follow)
_NEEDS, _FLAGS, _TIME, _CRC, _SIZE, _NAME = 3, 5, 7, 9, 10, 12
_STORED_VERSION = 10  # version needed to extract a stored part
_WIDE = 0xFFFFFFFF  # a size or place given in a zip64 extra field instead
