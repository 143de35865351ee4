"""The zip format as a workbook's package uses it: its records read and written, a member's
packed bytes found, inflated and checked, straight from the package's bytes.

``zipfile`` opens an object per member and inflates with zlib; a return's dozen parts are each
read, and a marked-up copy of it written, so here a member is found in the bytes themselves and
inflated and summed (CRC-32) by ISA-L (``isal``), several times quicker. Only the usual shape
of zip is read here (see ``directory``); each caller says what becomes of anything else
(``reading.parts`` hands it to ``zipfile``, which says what is wrong in its own words;
``xlsx.archive`` lists it with ``zipfile`` and refuses what that cannot read).
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable, Iterator
from typing import NamedTuple

from isal import isal_zlib

# The records (APPNOTE 4.3.7, 4.3.12, 4.3.16), each before the name and fields that follow it
LOCAL = struct.Struct("<4s5H3L2H")  # a member's own header
CENTRAL = struct.Struct("<4s6H3L5H2L")  # a member's entry in the central directory
END = struct.Struct("<4s4H2LH")  # the end of the central directory
LOCAL_SIGNATURE, CENTRAL_SIGNATURE, END_SIGNATURE = b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"  # just before the end record of a ZIP64 archive
_WIDE = 0xFFFFFFFF  # a size or place given in a ZIP64 extra field instead
STORED, DEFLATED = 0, 8  # the methods read and written here
# flags: encrypted; sizes and CRC after the data (never, as written here); the name in UTF-8
ENCRYPTED, DESCRIPTOR, UTF8 = 0x1, 0x8, 0x800
PIECE = 4096  # bytes of a member's head inflated at a time (``head``)


class Entry(NamedTuple):
    """One member as the central directory lists it: all that a copy of it writes again."""

    name: str
    raw_name: bytes
    flags: int
    method: int
    time: int  # (DOS time and date, as ``dos_stamp`` gives them)
    date: int
    crc: int
    size: int
    compressed_size: int
    external: int = 0  # its file attributes, as the system that made it put them
    made_by: int = 20 | 3 << 8  # zip version 2.0, on Unix (as zipfile writes)
    needs: int = 20  # the zip version needed to extract it
    internal: int = 0  # (bit 0: text, says the system that made it)
    disk: int = 0
    offset: int = 0  # where its own header starts
    extra: int = 0  # its extra field's length, in the directory
    record: slice = slice(0)  # where its entry lies in the package read


class Directory(NamedTuple):
    """A zip's central directory as read: its entries, where it starts (the members' end) and
    the archive's comment."""

    entries: list[Entry]
    start: int
    comment: bytes


class Damaged(Exception):
    """A member's bytes do not unpack to what its entry says: the sentence ends "its part …
    is" followed by it."""


def directory(data: bytes) -> Directory | None:
    """The central directory of the zip ``data``, where it is in the usual shape, as
    ``zipfile`` would read it: one disk, no ZIP64, nothing before the first member or between
    the directory and its end, names as written (no NUL, no system separator); else None."""
    end = _end(data)
    if end is None:
        return None
    _, disk, first, here, count, listed, start, _ = END.unpack_from(data, end)
    if (disk, first, here) != (0, 0, count) or start + listed != end or _WIDE in (listed, start):
        return None
    if data[end - 20 : end - 16] == _ZIP64_LOCATOR:
        return None
    entries, at = [], start
    while at < end:
        if at + CENTRAL.size > end:
            return None
        (signature, made_by, needs, flags, method, time, date, crc, compressed_size, size,
         name_length, extra, comment, disk, internal, external,
         offset) = CENTRAL.unpack_from(data, at)  # fmt: skip
        name_at = at + CENTRAL.size
        after = name_at + name_length + extra + comment
        if signature != CENTRAL_SIGNATURE or needs & 0xFF > 63 or after > end:
            return None  # (a version ``zipfile`` refuses to read)
        if _WIDE in (compressed_size, size, offset):
            return None
        raw_name = data[name_at : name_at + name_length]
        name = named(raw_name, flags)
        if name is None or "\x00" in name or (os.sep != "/" and os.sep in name):
            return None  # (``zipfile`` would read another name)
        entries.append(Entry(name, raw_name, flags, method, time, date, crc, size,
                             compressed_size, external, made_by, needs, internal, disk, offset,
                             extra, slice(at, after)))  # fmt: skip
        at = after
    if len(entries) != count:
        return None
    return Directory(entries, start, data[end + END.size :])


def _end(data: bytes) -> int | None:
    """Where the end record of the zip ``data`` is: last, its comment after it (if any)."""
    end = len(data) - END.size
    if data[end : end + 4] == END_SIGNATURE and data[-2:] == b"\0\0":
        return end
    end = data.rfind(END_SIGNATURE, max(0, len(data) - END.size - 2**16))
    if end < 0 or end + END.size > len(data):
        return None
    remark = END.unpack_from(data, end)[-1]
    return end if end + END.size + remark == len(data) else None


def named(raw_name: bytes, flags: int) -> str | None:
    """A member's name as its record's bytes and ``flags`` give it: in UTF-8 where its flag
    says so, else in cp437 (as ``zipfile`` reads it); None where it does not decode."""
    try:  # (an ASCII name reads the same in cp437, and decodes far quicker so)
        return raw_name.decode(
            "utf-8" if flags & UTF8 else "ascii" if raw_name.isascii() else "cp437"
        )
    except UnicodeDecodeError:
        return None


def packed(data: bytes, offset: int, size: int) -> tuple[bytes, int, memoryview] | None:
    """The member whose own header starts at ``offset`` of ``data`` and whose packed bytes
    are ``size`` long: the name and flags its header gives, and those bytes (a view of
    ``data``); None where there is no such header or its bytes are cut short."""
    if offset < 0 or offset + LOCAL.size > len(data):
        return None
    signature, _, flags, _, _, _, _, _, _, name_length, extra = LOCAL.unpack_from(data, offset)
    name_at = offset + LOCAL.size
    start = name_at + name_length + extra
    if signature != LOCAL_SIGNATURE or start + size > len(data):
        return None
    return data[name_at : name_at + name_length], flags, memoryview(data)[start : start + size]


def unpacked(packed: bytes | memoryview, method: int, crc: int, size: int) -> bytes:
    """A member's whole contents, from its packed bytes, its ``method``, and the ``crc`` and
    ``size`` its entry gives; ``Damaged`` where they do not unpack to those."""
    if method == STORED:
        read = bytes(packed)
    elif method == DEFLATED:
        try:
            read = isal_zlib.decompress(packed, -15)
        except isal_zlib.error as err:
            raise Damaged(f"damaged ({err})") from None
    else:
        raise Damaged("compressed in a way we do not read")
    return _checked(read, crc, size)


def head(
    packed: bytes | memoryview,
    method: int,
    crc: int,
    size: int,
    done: Callable[[bytes], bool],
    piece: int | None = PIECE,
) -> bytes:
    """A member's first bytes (as ``unpacked``), inflated until ``done(read so far)`` or its
    end: what comes before a sheet's cells, say, without inflating a sheet of a megabyte.
    ``done`` is asked each ``piece`` bytes (the last piece shorter), or where ``piece`` is None
    as the bytes come. Read to its end, it must be whole (``Damaged`` where it is not)."""
    read, left = b"", size
    try:
        for chunk in _pieces(packed, method, piece):
            read += chunk[:left]
            left -= len(chunk)
            if left <= 0:
                _checked(read, crc, size)
            if done(read) or left <= 0:
                return read
    except isal_zlib.error as err:
        raise Damaged(f"damaged ({err})") from None
    return _checked(read, crc, size)


def _pieces(packed: bytes | memoryview, method: int, piece: int | None) -> Iterator[bytes]:
    """A member's contents in pieces of ``piece`` bytes (the last shorter), or as they come.
    Its packed bytes are given to the inflater 512 bytes at first, then twice as many each
    time: ISA-L costs some microseconds a call, whatever it is given, and asking it for so many
    bytes out instead copies the rest of a large sheet's input at every call."""
    if method == STORED:
        piece = piece or PIECE
        for at in range(0, len(packed), piece):
            yield bytes(packed[at : at + piece])
        return
    if method != DEFLATED:
        raise Damaged("compressed in a way we do not read")
    inflating, held, given, step = isal_zlib.decompressobj(-15), b"", 0, 512
    while given < len(packed) or not given:
        held += inflating.decompress(packed[given : given + step])
        given, step = given + step, step * 2
        if given >= len(packed):
            held += inflating.flush()
        if piece is None:
            yield held
            held = b""
            continue
        at = 0
        while len(held) - at >= piece:
            yield held[at : at + piece]
            at += piece
        held = held[at:]
    if held:
        yield held


def _checked(read: bytes, crc: int, size: int) -> bytes:
    """``read``, where it is ``size`` long and sums to ``crc``; else ``Damaged``."""
    if len(read) != size or isal_zlib.crc32(read) != crc:
        raise Damaged("damaged (its checksum is wrong)")
    return read


def headers(entry: Entry, offset: int) -> tuple[bytes, bytes]:
    """The member ``entry``'s own header and its entry in the central directory (each with its
    name after it, no extra field or comment), for its header written at ``offset``. Its sizes
    and CRC are written in its header, so no descriptor follows its data."""
    (_, name, flags, method, time, date, crc, size, packed_size, external, made_by, needs,
     internal, disk, _, _, _) = entry  # fmt: skip
    flags &= ~DESCRIPTOR
    local = LOCAL.pack(LOCAL_SIGNATURE, needs, flags, method, time, date, crc, packed_size, size,
                       len(name), 0)  # fmt: skip
    central = CENTRAL.pack(CENTRAL_SIGNATURE, made_by, needs, flags, method, time, date, crc,
                           packed_size, size, len(name), 0, 0, disk, internal, external,
                           offset)  # fmt: skip
    return local + name, central + name


def end_record(count: int, size: int, start: int, comment: bytes = b"") -> bytes:
    """The end of a central directory of ``count`` entries and ``size`` bytes starting at
    ``start``, the archive's ``comment`` after it."""
    return END.pack(END_SIGNATURE, 0, 0, count, count, size, start, len(comment)) + comment


def dos_stamp(stamp: tuple[int, ...]) -> tuple[int, int]:
    """(date, time) as a zip's records hold them, of (year, month, day, hour, minute, second)
    (years before 1980 are 1980)."""
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
