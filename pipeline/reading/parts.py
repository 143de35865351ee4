"""A package's parts unpacked straight from its bytes.

``zipfile`` costs tens of microseconds a part before it unpacks a byte (an object per part
opened, a header read through a file), and a return's dozen parts are each looked at; it also
inflates and checks sums with zlib, where ISA-L (``isal``, already used to write) does both
several times faster. A part in the usual shape (stored or deflated, not encrypted, whole, its
own header naming it as the directory does) is unpacked here instead; one in any other shape,
or whose bytes do not unpack to its size and checksum, gets None, and the caller reads it with
``zipfile`` as before, which says what is wrong with it in its own words.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable, Iterator

from isal import isal_zlib

LOCAL = struct.Struct("<4s2B4HL2L2H")  # a part's own header (APPNOTE 4.3.7), as zipfile reads it
LOCAL_SIGNATURE = b"PK\x03\x04"
UTF8 = 0x800  # the flag saying a name is UTF-8
_PLAIN = 0x2 | 0x4 | 0x8 | UTF8  # flags of a part unpacked here: deflate's level, sizes after it
_FLAGS, _NAME = 3, 10  # places in a part's own header


def packed(data: bytes, info: zipfile.ZipInfo) -> memoryview | None:
    """The packed bytes of the part ``info`` of the package ``data``, or None where it is not
    in the usual shape (see the module's docstring)."""
    if info.flag_bits & ~_PLAIN or info.compress_type not in (zipfile.ZIP_STORED, 8):
        return None
    at = info.header_offset
    if at < 0 or at + LOCAL.size > len(data):
        return None
    header = LOCAL.unpack_from(data, at)
    start = at + LOCAL.size + header[_NAME] + header[_NAME + 1]
    name = data[at + LOCAL.size : at + LOCAL.size + header[_NAME]]
    try:
        named = name.decode("utf-8" if header[_FLAGS] & UTF8 else "cp437")
    except UnicodeDecodeError:
        return None
    if header[0] != LOCAL_SIGNATURE or named != info.orig_filename:
        return None
    if start + info.compress_size > len(data):
        return None
    return memoryview(data)[start : start + info.compress_size]


def unpacked(data: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """The whole part, its size and checksum as the directory says; None where ``zipfile``
    must read it."""
    raw = packed(data, info)
    if raw is None:
        return None
    try:
        out = bytes(raw) if info.compress_type == zipfile.ZIP_STORED else inflate(raw)
    except isal_zlib.error:
        return None
    return out if _whole(out, info) else None


def inflate(raw: memoryview) -> bytes:
    """Deflated bytes (raw, as in a zip) unpacked."""
    return isal_zlib.decompress(raw, -15)


def head(data: bytes, info: zipfile.ZipInfo, done: Callable[[bytes], bool]) -> bytes | None:
    """The part's first bytes, read in chunks of 4 KB until ``done(read so far)`` or its end
    (once read to its end, it must match its size and checksum, as ``zipfile`` then checks);
    None where ``zipfile`` must read it."""
    raw = packed(data, info)
    if raw is None:
        return None
    read, left = b"", info.file_size
    try:
        for chunk in _chunks(raw, info.compress_type):
            read += chunk[:left]
            left -= len(chunk)
            if left <= 0 and not _whole(read, info):
                return None  # (read to its end, as zipfile then checks it)
            if done(read) or left <= 0:
                return read
    except isal_zlib.error:
        return None
    return read if _whole(read, info) else None


def _chunks(raw: memoryview, method: int, size: int = 4096) -> Iterator[bytes]:
    if method == zipfile.ZIP_STORED:
        for at in range(0, len(raw), size):
            yield bytes(raw[at : at + size])
        return
    inflating = isal_zlib.decompressobj(-15)
    while chunk := inflating.decompress(raw, size):
        yield chunk
        raw = inflating.unconsumed_tail


def _whole(read: bytes, info: zipfile.ZipInfo) -> bool:
    return len(read) == info.file_size and isal_zlib.crc32(read) == info.CRC
