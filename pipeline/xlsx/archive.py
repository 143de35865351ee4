"""A zip archive read member by member and written again with its untouched members copied as
they are: still compressed, never inflated and deflated again.

``zipfile`` can only write a member by compressing it, so a marked-up copy of a partner's
workbook would inflate and deflate every part, though it changes three or four. Here each
member's compressed bytes are kept as read (``Member``) and written back with its own CRC and
sizes; only new or changed parts are deflated (at level 1). Archives are small (a return is a
few hundred kilobytes), so no ZIP64: a member or archive too large for plain zip is refused.

What is inflated whole, deflated or summed (CRC-32) is done with ISA-L (``isal``), whose
deflate writes the same format as zlib's four to six times quicker, and a little smaller at
its level 1 than zlib's: a marked sheet of 200 kB, deflated again for every copy, was the
largest single cost of a feedback copy. (A template's part is deflated by zlib: a template
shipped in the repository is the same byte for byte on every machine.)
"""

from __future__ import annotations

import io
import threading
import zipfile
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from isal import isal_zlib

from .. import zips

LEVEL = 1  # ISA-L's level (0 to 3) for what is written anew: quick, and the parts are small
_LIMIT = 0xFFFFFFFF  # (a size or place beyond plain zip)
_PLAIN = (zips.STORED, zips.DEFLATED)  # what is written again as needing zip 2.0
# A small part written the same again (a copy's content types, workbook, relationships, app
# properties, stylesheet: the same for every copy of one template) is deflated once:
# (stable, its bytes) -> (its compressed bytes, its CRC-32)
_DEFLATED: OrderedDict[tuple[bool, bytes], tuple[bytes, int]] = OrderedDict()
_DEFLATED_KEPT = 256  # parts remembered, each at most _DEFLATED_SIZE bytes
_DEFLATED_SIZE = 1 << 13
_DEFLATED_LOCK = threading.Lock()  # (copies may be written by threads of one process)


class ArchiveError(Exception):
    """The archive cannot be read (or written) member by member: the sentence says why."""


@dataclass
class Member:
    """One member as read: what its entry says (as it is written again) and its compressed
    bytes."""

    entry: zips.Entry
    compressed: bytes | memoryview  # (a view of the archive as read, where read)
    _data: bytes | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        """Its name in the archive."""
        return self.entry.name

    def data(self) -> bytes:
        """Its contents, inflated (once), checked against its CRC."""
        if self._data is None:
            entry = self.entry
            try:
                self._data = zips.unpacked(self.compressed, entry.method, entry.crc, entry.size)
            except zips.Damaged as err:
                raise ArchiveError(f"its part {entry.name} is {err}") from None
        return self._data

    def head(self, until: bytes) -> bytes:
        """Its contents inflated as far as the first ``until`` (the whole, if it never comes):
        what comes before a sheet's cells, say, without inflating a sheet of a megabyte."""
        entry = self.entry
        if self._data is not None or entry.method != zips.DEFLATED:
            return self.data()
        try:  # (as the bytes come: the more inflated at a time, the more to look at)
            head = zips.head(self.compressed, entry.method, entry.crc, entry.size,
                             lambda read: until in read, piece=None)  # fmt: skip
        except zips.Damaged as err:
            raise ArchiveError(f"its part {entry.name} is {err}") from None
        if until not in head:
            self._data = head  # (read to its end, and checked)
        return head


def read(path: Path) -> dict[str, Member]:
    """Every member of the zip at ``path``, by name, in the archive's order. Each member's
    compressed bytes are a view of the file as read, not a copy of them."""
    blob = Path(path).read_bytes()
    listed = zips.directory(blob)
    if listed is not None and not any(entry.extra for entry in listed.entries):
        entries = listed.entries
    else:  # (anything unusual: as ``zipfile`` reads it, and refuses it)
        entries = _directory(blob)
    members = {}
    for entry in entries:
        name = entry.name
        if entry.flags & zips.ENCRYPTED:
            raise ArchiveError(f"its part {name} is encrypted")
        found = zips.packed(blob, entry.offset, entry.compressed_size)
        if found is None:
            raise ArchiveError(f"its part {name} has no proper header or is cut short")
        raw_name, _, compressed = found
        needs = 20 if entry.method in _PLAIN else entry.needs & 0xFF
        if raw_name != entry.raw_name or needs != entry.needs or entry.internal or entry.disk:
            entry = entry._replace(raw_name=raw_name, needs=needs, internal=0, disk=0)
        members[name] = Member(entry, compressed)
    return members


def _directory(blob: bytes) -> list[zips.Entry]:
    """Each member as the zip's central directory lists it, read by ``zipfile``, which refuses
    what is not a zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:  # (read once, not opened again)
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as err:
        raise ArchiveError(f"it is not a zip file we can read ({err})") from None
    return [zips.Entry(info.filename, b"", info.flag_bits, info.compress_type,
                       *reversed(zips.dos_stamp(info.date_time)), info.CRC, info.file_size,
                       info.compress_size, info.external_attr,
                       info.create_version | info.create_system << 8, info.extract_version,
                       offset=info.header_offset) for info in infos]  # fmt: skip


def packed(name: str, data: bytes, when: datetime, stable: bool = False) -> Member:
    """A new member holding ``data``, deflated, dated ``when``: by ISA-L, or where ``stable``
    by zlib, whose bytes are the same on every machine (ISA-L's may differ with the processor
    it runs on), as a template shipped in the repository must be."""
    compressed, crc = _deflated(data, stable)
    try:
        raw_name, flags = name.encode("ascii"), 0
    except UnicodeEncodeError:
        raw_name, flags = name.encode("utf-8"), zips.UTF8
    date, time = zips.dos_stamp(when.timetuple()[:6])
    entry = zips.Entry(name, raw_name, flags, zips.DEFLATED, time, date, crc, len(data),
                       len(compressed), 0o600 << 16)  # fmt: skip
    return Member(entry, compressed, _data=data)


def _deflated(data: bytes, stable: bool) -> tuple[bytes, int]:
    """``data`` deflated, and its CRC-32: remembered where it is small, as the same small part
    comes again in the next copy of the same template (deflating is a function of the bytes)."""
    if len(data) > _DEFLATED_SIZE:
        return (zlib if stable else isal_zlib).compress(data, LEVEL, -15), isal_zlib.crc32(data)
    key = (stable, data)
    with _DEFLATED_LOCK:
        done = _DEFLATED.get(key)
        if done is not None:
            _DEFLATED.move_to_end(key)
            return done
    done = (zlib if stable else isal_zlib).compress(data, LEVEL, -15), isal_zlib.crc32(data)
    with _DEFLATED_LOCK:
        _DEFLATED[key] = done
        if len(_DEFLATED) > _DEFLATED_KEPT:
            _DEFLATED.popitem(last=False)
    return done


def write(path: Path, members: list[Member]) -> None:
    """Write ``members`` as a zip at ``path``, in the order given (gathered, and written in one
    call: a copy's sixty-odd pieces written one by one cost more than joining them)."""
    pieces, central = [], []
    offset = 0
    for m in members:
        if max(m.entry.size, len(m.compressed), offset) >= _LIMIT:
            raise ArchiveError("it is too large to be written again")
        local, listing = zips.headers(m.entry, offset)
        pieces += (local, m.compressed)
        central.append(listing)
        offset += len(local) + len(m.compressed)
    directory = b"".join(central)
    pieces += (directory, zips.end_record(len(central), len(directory), offset))
    with open(path, "wb") as out:
        out.write(b"".join(pieces))
