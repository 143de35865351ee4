"""Safe names for the files and sheets we write, and safe text for the terminal, whatever an
organisation (or a file) is called.

A name read from a partner's file may hold anything: a terminal escape sequence, a bell, a
right-to-left override. Such characters are *not printable* (Python's ``str.isprintable``:
Unicode's control, format, surrogate, private-use, unassigned and separator characters, the
ASCII space apart). A sheet name loses them (the workbook's XML may not hold most of them, and
xlsxwriter writes names as they are); text for the terminal has them written out.
"""

from __future__ import annotations

import re
import unicodedata

_WINDOWS_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}
_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")
FILE_STEM_LIMIT = 80
SHEET_NAME_LIMIT = 31


def safe_stem(name: str, taken: set[str] | None = None) -> str:
    """A file name stem made of letters, digits and hyphens that cannot leave its folder,
    is not a reserved Windows device name, and is unique within ``taken`` (which is updated)."""
    ascii_name = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    stem = _UNSAFE.sub("-", ascii_name).strip("-")
    if len(stem) > FILE_STEM_LIMIT:  # cut between words, not in one
        cut = stem[: FILE_STEM_LIMIT + 1]
        stem = cut[: cut.rfind("-")] if "-" in cut[FILE_STEM_LIMIT // 2 :] else cut[:-1]
    stem = stem.strip("-") or "organisation"
    if stem.lower() in _WINDOWS_RESERVED:
        stem = f"{stem}-org"
    return _unique(stem, taken, FILE_STEM_LIMIT, "-{n}")


def plain(text: str) -> str:
    """``text`` with every character that is not printable (see the module) as a space: safe
    anywhere in a workbook's XML, and showing nothing hidden."""
    text = str(text)
    if text.isprintable():  # the usual case, first
        return text
    return "".join(c if c.isprintable() else " " for c in text)


def sheet_ref(sheet: str, cell: str = "A1") -> str:
    """A reference to ``cell`` on the sheet named ``sheet``, as a link's location holds it:
    ``'O''Brien'!A1``."""
    return f"'{sheet.replace(chr(39), chr(39) * 2)}'!{cell}"


def safe_sheet_name(name: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts (31 characters, nothing that is not printable (see
    ``plain``), no ``[]:*?/\\``, not starting or ending with an apostrophe), unique ignoring
    case within ``taken`` (which is updated).

    Every organisation's sheet name is made here, so this is also what its links, print
    titles and footer hold."""
    cleaned = " ".join(_SHEET_UNSAFE.sub(" ", plain(name)).split()).strip("'")
    cleaned = cleaned[:SHEET_NAME_LIMIT].strip().strip("'") or "Sheet"
    if cleaned.lower() == "history":  # reserved by Excel
        cleaned = "History sheet"
    return _unique(cleaned, taken, SHEET_NAME_LIMIT, " ({n})")


def _unique(stem: str, taken: set[str] | None, limit: int, suffix: str) -> str:
    """``stem``, or ``stem`` cut short with a numbered suffix, not yet in ``taken`` (folded)."""
    if taken is None:
        return stem
    candidate, n = stem, 1
    while candidate.lower() in taken:
        n += 1
        ending = suffix.format(n=n)
        candidate = stem[: limit - len(ending)] + ending
    taken.add(candidate.lower())
    return candidate


def visible(text: str) -> str:
    """``text`` as a terminal can show it: bytes that are not UTF-8 (a file name as an old zip
    tool wrote it) as ``\\xe9``, and every character that is not printable (see the module) as
    ``\\x1b`` or ``\\u202e``, a line break included. (The rule of ``inbox.printable``.)"""
    text = str(text)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escaped(c) for c in text)


def visible_lines(text: str) -> str:
    """``text`` as ``visible`` makes it, but its line breaks and tabs kept: for what a command
    prints, which may be many lines."""
    if type(text) is str and text.isprintable():  # (the usual case: no line break, no tab)
        return text
    return "\n".join(
        "\t".join(visible(part) for part in line.split("\t")) for line in str(text).split("\n")
    )


def _escaped(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, as Python reads such a name
        code -= 0xDC00
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
