"""Safe names for the files and sheets we write, whatever an organisation is called."""

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
    stem = _UNSAFE.sub("-", ascii_name).strip("-")[:FILE_STEM_LIMIT].strip("-") or "organisation"
    if stem.lower() in _WINDOWS_RESERVED:
        stem = f"{stem}-org"
    return _unique(stem, taken, FILE_STEM_LIMIT, "-{n}")


def safe_sheet_name(name: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts (31 characters, no ``[]:*?/\\``, not starting or ending
    with an apostrophe), unique ignoring case within ``taken`` (which is updated)."""
    cleaned = " ".join(_SHEET_UNSAFE.sub(" ", str(name)).split()).strip("'")
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
