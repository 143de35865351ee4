"""Printing on A4 so that it can be read: how wide a column prints, and the one rule every
sheet the pipeline writes (the workbook's and the templates') is printed by.

Our text is 10 pt, so a sheet printed at 80% or more shows nothing under 8 pt. A sheet that
fits one landscape page wide at that scale is fitted to it; a wider one prints at 80% over
several pages across, read across then down, with the columns that name a row repeated on
each page, so that every value is printed beside what it is about.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# The width inside the margins (0.4 inch each side), in points.
A4_WIDTH = {"landscape": 842 - 2 * 0.4 * 72, "portrait": 595 - 2 * 0.4 * 72}
SMALLEST_SCALE = 0.8
FITS_AT = 0.83  # fitted to a page, LibreOffice rounds the scale down to a whole per cent
REPEATED_AT_MOST = 1 / 3  # of a page: wider naming columns leave too little for the rest


def points(width: float) -> float:
    """How wide a column ``width`` characters wide prints at full size, in points, at most.
    (Excel counts 7 pixels a character of Arial 10 and 5 of padding, at 96 pixels an inch;
    LibreOffice counts the character a little wider, about 7.5.)"""
    return (width * 7.5 + 5) * 0.75


def fits(columns: Sequence[float], portrait: bool = False) -> bool:
    """Whether columns this wide (in points) fit one page wide at 8 pt or more."""
    return sum(columns) * FITS_AT <= A4_WIDTH["portrait" if portrait else "landscape"]


def on_first_page(columns: Sequence[float]) -> int:
    """How many of the leading columns print on a landscape page at the smallest scale."""
    page = A4_WIDTH["landscape"] / SMALLEST_SCALE
    return max((n for n in range(1, len(columns) + 1) if sum(columns[:n]) <= page), default=1)


def naming_columns(columns: Sequence[float], through: int = 0) -> int:
    """How many leading columns to keep in view (repeated on paper, frozen on screen): those
    through column ``through`` (0-based) where they take at most a third of a printed page,
    else the first alone if it does, else none."""
    page = A4_WIDTH["landscape"] / SMALLEST_SCALE
    for count in (through + 1, 1):
        if sum(columns[:count]) <= page * REPEATED_AT_MOST:
            return count
    return 0


def print_readably(sheet: Any, columns: Sequence[float], portrait: bool = False,
                   repeat: int | None = None) -> None:  # fmt: skip
    """Set an xlsxwriter ``sheet`` whose columns are ``columns`` points wide to print by the
    rule (see the module): portrait where asked and it fits, else landscape; the first
    ``repeat`` columns (by default ``naming_columns``' first) repeated on each page across."""
    portrait = portrait and fits(columns, portrait=True)
    sheet.set_portrait() if portrait else sheet.set_landscape()
    if fits(columns, portrait):
        sheet.fit_to_pages(1, 0)
        return
    sheet.set_print_scale(round(SMALLEST_SCALE * 100))
    sheet.print_across()
    repeat = naming_columns(columns) if repeat is None else repeat
    if repeat:
        sheet.repeat_columns(0, repeat - 1)
