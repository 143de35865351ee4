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
import os
import struct
import threading
import zipfile
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from isal import isal_zlib

LEVEL = 1  # ISA-L's level (0 to 3) for what is written anew: quick, and the parts are small
_LOCAL = struct.Struct("<4s5H3L2H")  # a local file header, before its name and extra field
_LOCAL_SIGNATURE = b"PK\x03\x04"
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_PLAIN = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # what a member is read and written as
_LOCATOR = b"PK\x06\x07"  # a ZIP64 end record's locator, just before the end record
_DESCRIPTOR = 0x08  # flag: sizes and CRC follow the data (we write them in the header)
_UTF8 = 0x800  # flag: the member's name is UTF-8
_ENCRYPTED = 0x01
_LIMIT = 0xFFFFFFFF
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
    """One member as read: its name, its compressed bytes and what its header says."""

    name: str
    raw_name: bytes
    flags: int
    method: int
    dos_time: int
    dos_date: int
    crc: int
    size: int
    compressed: bytes | memoryview  # (a view of the archive as read, where read)
    external: int = 0  # the file's attributes, as the system that made it put them
    made_by: int = 20 | 3 << 8  # zip version 2.0, on Unix (as zipfile writes)
    needs: int = 20  # the zip version needed to extract it
    _data: bytes | None = field(default=None, repr=False)

    def data(self) -> bytes:
        """Its contents, inflated (once), checked against its CRC."""
        if self._data is None:
            if self.method == zipfile.ZIP_STORED:
                data = bytes(self.compressed)
            elif self.method == zipfile.ZIP_DEFLATED:
                try:
                    data = isal_zlib.decompressobj(-15).decompress(self.compressed)
                except (zlib.error, isal_zlib.error) as err:
                    raise ArchiveError(f"its part {self.name} is damaged ({err})") from None
            else:
                raise ArchiveError(f"its part {self.name} is compressed in a way we do not read")
            if isal_zlib.crc32(data) != self.crc or len(data) != self.size:
                raise ArchiveError(f"its part {self.name} is damaged (its checksum is wrong)")
            self._data = data
        return self._data

    def head(self, until: bytes, step: int = 1 << 9) -> bytes:
        """Its contents inflated as far as the first ``until`` (the whole, if it never comes):
        what comes before a sheet's cells, say, without inflating a sheet of a megabyte. Its
        compressed bytes are given to the inflater ``step`` bytes at first, then twice as many
        each time: a sheet's views come in its first kilobyte or two. (Asking the inflater for
        so many bytes out instead copied the rest of a 2 MB sheet's input at every step.)"""
        if self._data is not None or self.method != zipfile.ZIP_DEFLATED:
            return self.data()
        inflate, head, given = zlib.decompressobj(-15), b"", 0
        compressed = memoryview(self.compressed)
        try:
            while given < len(compressed) and until not in head:
                head += inflate.decompress(compressed[given : given + step])
                given += step
                step *= 2
        except zlib.error as err:
            raise ArchiveError(f"its part {self.name} is damaged ({err})") from None
        return head if until in head else self.data()


def read(path: Path) -> dict[str, Member]:
    """Every member of the zip at ``path``, by name, in the archive's order. Each member's
    compressed bytes are a view of the file as read, not a copy of them."""
    blob = Path(path).read_bytes()
    listed = _usual_directory(blob)
    if listed is None:  # (anything unusual: as ``zipfile`` reads it, and refuses it)
        listed = _directory(blob)
    members = {}
    view = memoryview(blob)
    for name, start, flags, method, time, date, crc, size, compressed_size, *rest in listed:
        header = blob[start : start + _LOCAL.size]
        if len(header) < _LOCAL.size or header[:4] != _LOCAL_SIGNATURE:
            raise ArchiveError(f"its part {name} has no proper header")
        *_, name_length, extra_length = _LOCAL.unpack(header)
        begin = start + _LOCAL.size
        raw_name = blob[begin : begin + name_length]
        begin += name_length + extra_length
        compressed = view[begin : begin + compressed_size]
        if flags & _ENCRYPTED or len(compressed) != compressed_size:
            raise ArchiveError(f"its part {name} is encrypted or cut short")
        members[name] = Member(name, raw_name, flags & ~_DESCRIPTOR, method, time, date, crc,
                               size, compressed, *rest)  # fmt: skip
    return members


def _directory(blob: bytes) -> list[tuple]:
    """Each member as the zip's central directory lists it (as ``_usual_directory``), read by
    ``zipfile``, which refuses what is not a zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:  # (read once, not opened again)
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as err:
        raise ArchiveError(f"it is not a zip file we can read ({err})") from None
    return [(info.filename, info.header_offset, info.flag_bits, info.compress_type,
             *reversed(_dos(info.date_time)), info.CRC, info.file_size, info.compress_size,
             info.external_attr, info.create_version | info.create_system << 8,
             _needs(info.compress_type, info.extract_version)) for info in infos]  # fmt: skip


def _usual_directory(blob: bytes) -> list[tuple] | None:
    """Each member as the zip's central directory lists it — its name, where its header is,
    its flags, method, time, date, CRC, size, compressed size, attributes, the versions that
    made it and that it needs — read here where the zip is as usual (no comment, no ZIP64, no
    extra fields, nothing before it), as ``zipfile`` would read it, four times quicker; else
    None."""
    end = blob[-_END.size :]
    if len(end) < _END.size or end[:4] != b"PK\x05\x06" or blob[-_END.size - 20 :][:4] == _LOCATOR:
        return None
    _, disk, _, _, _, directory_size, offset, comment = _END.unpack(end)
    if disk or comment or offset + directory_size != len(blob) - _END.size:
        return None
    listed, at, stop = [], offset, offset + directory_size
    while at < stop:
        if at + _CENTRAL.size > stop:
            return None
        (signature, made_by, needs, flags, method, time, date, crc, compressed_size, size,
         name_length, extra_length, comment_length, _, _, external,
         start) = _CENTRAL.unpack_from(blob, at)  # fmt: skip
        at += _CENTRAL.size
        raw_name = blob[at : at + name_length]
        at += name_length + extra_length + comment_length
        if signature != b"PK\x01\x02" or extra_length or needs & 0xFF > 63 or at > stop:
            return None
        try:  # (an ASCII name reads the same in cp437, and decodes quicker so)
            name = raw_name.decode("utf-8" if flags & _UTF8 else "ascii")
        except UnicodeDecodeError:
            return None
        if "\x00" in name or (os.sep != "/" and os.sep in name):
            return None
        listed.append((name, start, flags, method, time, date, crc, size, compressed_size,
                       external, made_by, 20 if method in _PLAIN else needs & 0xFF))  # fmt: skip
    return listed


def _needs(method: int, version: int) -> int:
    """The zip version a member needs, as written again: 2.0 where it is stored or deflated."""
    return 20 if method in _PLAIN else version


def packed(name: str, data: bytes, when: datetime, stable: bool = False) -> Member:
    """A new member holding ``data``, deflated, dated ``when``: by ISA-L, or where ``stable``
    by zlib, whose bytes are the same on every machine (ISA-L's may differ with the processor
    it runs on), as a template shipped in the repository must be."""
    compressed, crc = _deflated(data, stable)
    try:
        raw_name, flags = name.encode("ascii"), 0
    except UnicodeEncodeError:
        raw_name, flags = name.encode("utf-8"), _UTF8
    date, time = _dos(when.timetuple()[:6])
    return Member(name, raw_name, flags, zipfile.ZIP_DEFLATED, time, date, crc,
                  len(data), compressed, 0o600 << 16, _data=data)  # fmt: skip


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
        if max(m.size, len(m.compressed), offset) >= _LIMIT:
            raise ArchiveError("it is too large to be written again")
        pieces += (_LOCAL.pack(_LOCAL_SIGNATURE, m.needs, m.flags, m.method, m.dos_time,
                               m.dos_date, m.crc, len(m.compressed), m.size,
                               len(m.raw_name), 0), m.raw_name, m.compressed)  # fmt: skip
        central.append(_CENTRAL.pack(b"PK\x01\x02", m.made_by, m.needs, m.flags, m.method,
                                     m.dos_time, m.dos_date, m.crc, len(m.compressed),
                                     m.size, len(m.raw_name), 0, 0, 0, 0, m.external,
                                     offset) + m.raw_name)  # fmt: skip
        offset += _LOCAL.size + len(m.raw_name) + len(m.compressed)
    directory = b"".join(central)
    pieces += (directory, _END.pack(b"PK\x05\x06", 0, 0, len(central), len(central),
                                    len(directory), offset, 0))  # fmt: skip
    with open(path, "wb") as out:
        out.write(b"".join(pieces))


def _dos(stamp: tuple[int, ...]) -> tuple[int, int]:
    """(date, time) as a zip header holds them (years before 1980 are 1980)."""
    year, month, day, hour, minute, second = stamp
    year = max(year, 1980)
    return (year - 1980) << 9 | month << 5 | day, hour << 11 | minute << 5 | second // 2


def crc32_combine(first: int, second: int, length: int) -> int:
    """The CRC-32 of two pieces of data one after the other, from the first's CRC, the
    second's and the second's ``length`` (zlib's ``crc32_combine``, which Python's zlib does not
    offer): for a zip member deflated in pieces by different processes. As zlib does it: the
    first CRC times x to the power of the second's length in bits, modulo the polynomial."""
    if length <= 0:
        return first
    power, k = _ONE, 3  # x^(8 * length): a table's powers x^(2^k) for the length's bits
    while length:
        if length & 1:
            power = _times(_POWERS[k & 31], power)
        length >>= 1
        k += 1
    return _times(power, first) ^ second


_POLYNOMIAL = 0xEDB88320  # CRC-32's, its bits reflected (as is every polynomial here)
_ONE = 1 << 31  # x^0


def _times(a: int, b: int) -> int:
    """``a`` times ``b`` modulo CRC-32's polynomial."""
    product, bit = 0, _ONE
    while a:
        if a & bit:
            product ^= b
            a ^= bit
        bit >>= 1
        b = (b >> 1) ^ _POLYNOMIAL if b & 1 else b >> 1
    return product


def _powers() -> list[int]:
    """x^(2^k) modulo the polynomial, for k from 0 to 31."""
    powers = [1 << 30]  # x^1
    for _ in range(31):
        powers.append(_times(powers[-1], powers[-1]))
    return powers


_POWERS = _powers()
