"""How every workbook the pipeline writes looks, on screen and on paper: the house font and
xlsxwriter's options (``workbook_options``), how wide a column prints, and the one rule every
sheet (the workbook's and the templates') is printed by, so that A4 can be read.

Our text is 10 pt, so a sheet printed at 80% or more shows nothing under 8 pt. A sheet that
fits one page wide at that scale is fitted to it: portrait where it fits portrait (a page
holds half as many rows again), else landscape. The consolidated workbook's sheets are made
to fit (``narrowed`` wraps their long texts in narrower columns, and the columns kept for the
screen alone are left out of the print area). A sheet that still cannot fit (a partner's
template, whose every column is to be filled) prints at 80% over several pages across, read
across then down, with the columns that name a row repeated on each page, so that every
value is printed beside what it is about.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

_OPTIONS = {
    # Values are written with typed methods; text must never turn into a formula or a link.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
# Column widths are counted in the default font's characters: Arial's, which LibreOffice has
# everywhere (as Liberation Sans), where Calibri's stand-in there is far wider and would
# shrink every printed page.
DEFAULT_FONT = {"font_name": "Arial", "font_size": 10}


def workbook_options(**more: object) -> dict[str, object]:
    """xlsxwriter's options for every workbook we write, and ``more``: a new dict each time
    (xlsxwriter adds to the default font's)."""
    return {**_OPTIONS, "default_format_properties": dict(DEFAULT_FONT), **more}


# The width inside the margins (0.4 inch each side), in points.
A4_WIDTH = {"landscape": 842 - 2 * 0.4 * 72, "portrait": 595 - 2 * 0.4 * 72}
SMALLEST_SCALE = 0.8
FITS_AT = 0.83  # fitted to a page, LibreOffice rounds the scale down to a whole per cent
# printed across at SMALLEST_SCALE, a page holds columns narrowed to fit at this scale (a
# little over it: LibreOffice's columns are a shade wider than Excel's, ``points``)
ACROSS_AT = 0.81
REPEATED_AT_MOST = 1 / 3  # of a page: wider naming columns leave too little for the rest


def points(width: float) -> float:
    """How wide a column ``width`` characters wide prints at full size, in points, at most.
    (Excel counts 7 pixels a character of Arial 10 and 5 of padding, at 96 pixels an inch;
    LibreOffice counts the character a little wider, about 7.5.)"""
    return (width * 7.5 + 5) * 0.75


def fits(columns: Sequence[float], portrait: bool = False) -> bool:
    """Whether columns this wide (in points) fit one page wide at 8 pt or more."""
    return sum(columns) * FITS_AT <= A4_WIDTH["portrait" if portrait else "landscape"]


def width_of(points_wide: float) -> float:
    """The column width (in characters) that prints ``points_wide`` points wide: ``points``
    turned round."""
    return (points_wide / 0.75 - 5) / 7.5


def narrowed(widths: Sequence[float], wrappable: Sequence[bool], floors: Sequence[float],
             portrait: bool = False, reserve: float = 0, at: float = FITS_AT
             ) -> list[float]:  # fmt: skip
    """Column widths (in characters) that fit one page wide at 8 pt or more (printed at scale
    ``at``: fitted to the page, by default), beside other columns ``reserve`` points wide: the
    ``wrappable`` columns (those whose text may wrap) narrowed, each by the same share of its
    width above its ``floor`` (so a wide text stays the widest), none below its floor; as they
    were where they fit already, and at their floors where even that does not fit."""
    page = A4_WIDTH["portrait" if portrait else "landscape"] / at - reserve
    per_character = points(1) - points(0)
    fixed = sum(points(w) for w, can in zip(widths, wrappable) if not can)
    slack = [max(w - f, 0) if can else 0 for w, f, can in zip(widths, floors, wrappable)]
    floor = sum(points(w - s) for w, s, can in zip(widths, slack, wrappable) if can)
    room = (page - fixed - floor) / per_character  # characters left above the floors
    if room >= sum(slack):
        return list(widths)
    share = max(room, 0) / sum(slack)
    return [w - s + int(s * share) if can else w
            for w, s, can in zip(widths, slack, wrappable)]  # fmt: skip


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


def print_readably(sheet: Any, columns: Sequence[float], portrait: bool | None = None,
                   repeat: int | None = None) -> None:  # fmt: skip
    """Set an xlsxwriter ``sheet`` whose columns are ``columns`` points wide to print by the
    rule (see the module): portrait where it fits (or where asked, ``portrait=True``; never,
    ``False``), else landscape; the first ``repeat`` columns (by default ``naming_columns``'
    first) repeated on each page across."""
    portrait = portrait is not False and fits(columns, portrait=True)
    sheet.set_portrait() if portrait else sheet.set_landscape()
    if fits(columns, portrait):
        sheet.fit_to_pages(1, 0)
        return
    sheet.set_print_scale(round(SMALLEST_SCALE * 100))
    sheet.print_across()
    repeat = naming_columns(columns) if repeat is None else repeat
    if repeat:
        sheet.repeat_columns(0, repeat - 1)
