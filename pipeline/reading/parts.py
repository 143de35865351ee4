"""A return's parts unpacked straight from its bytes, where ``zipfile`` has read its directory.

``zipfile`` costs tens of microseconds a part before it unpacks a byte (an object per part
opened, a header read through a file) and inflates and sums with zlib; a return's dozen parts
are each looked at, so a part in the usual shape (stored or deflated, not encrypted, whole, its
own header naming it as the directory does) is unpacked here instead, by ``zips``. A part in any
other shape, or whose bytes do not unpack to its size and checksum, gets None, and the caller
reads it with ``zipfile`` as before, which says what is wrong with it in its own words.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable

from .. import zips

# the flags of a part unpacked here: deflate's level, sizes after it, a UTF-8 name
_PLAIN = 0x2 | 0x4 | zips.DESCRIPTOR | zips.UTF8


def packed(data: bytes, info: zipfile.ZipInfo) -> memoryview | None:
    """The packed bytes of the part ``info`` of the package ``data``, or None where it is not
    in the usual shape (see the module's docstring)."""
    if info.flag_bits & ~_PLAIN or info.compress_type not in (zips.STORED, zips.DEFLATED):
        return None
    found = zips.packed(data, info.header_offset, info.compress_size)
    if found is None:
        return None
    raw_name, flags, raw = found
    return raw if zips.named(raw_name, flags) == info.orig_filename else None


def unpacked(data: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """The whole part, its size and checksum as the directory says; None where ``zipfile``
    must read it."""
    raw = packed(data, info)
    if raw is None:
        return None
    try:
        return zips.unpacked(raw, info.compress_type, info.CRC, info.file_size)
    except zips.Damaged:
        return None


def head(data: bytes, info: zipfile.ZipInfo, done: Callable[[bytes], bool]) -> bytes | None:
    """The part's first bytes, read in pieces of 4 KB until ``done(read so far)`` or its end
    (once read to its end, it must match its size and checksum, as ``zipfile`` then checks);
    None where ``zipfile`` must read it."""
    raw = packed(data, info)
    if raw is None:
        return None
    try:
        return zips.head(raw, info.compress_type, info.CRC, info.file_size, done)
    except zips.Damaged:
        return None
