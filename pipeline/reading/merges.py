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

from .. import zips
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
    package is in a shape this does not copy (``zips.directory``)."""
    listed = zips.directory(data)
    if listed is None:
        return data
    records, added, start = [], [], listed.start
    for entry in listed.entries:
        xml = moved.get(entry.name)
        if xml is None:
            records.append(data[entry.record])
            continue
        crc, size = crc32(xml), len(xml)
        stored = entry._replace(
            needs=_STORED_VERSION,
            flags=entry.flags & zips.UTF8,
            method=zips.STORED,
            crc=crc,
            size=size,
            compressed_size=size,
        )
        local, record = zips.headers(stored, start)
        added += (local, xml)
        records.append(record)
        start += len(local) + size
    directory = b"".join(records)
    tail = zips.end_record(len(records), len(directory), start, listed.comment)
    return b"".join((data[: listed.start], *added, directory, tail))


_STORED_VERSION = 10  # version needed to extract a stored part
