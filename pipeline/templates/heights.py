"""How tall the rows of a template's plan are, worked out before it is written: those over the
table (the title, the note, the header fields, the Ready to send box's own) and each row of the
table, as tall as its texts need (``values.wrapped_lines``: wrapped as Excel wraps them).

Knowing them first lets the blank rows below the rows a template starts with (carried forward,
or a list) end where its last printed page ends (``blank_rows_that_fit``): blank rows spilling
over it would print a page of empty grid (one for each band, on a plan printed across).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..declare import Kind, Layout
from ..paper import A4_WIDTH, SMALLEST_SCALE, fits, points
from ..values import LINE_HEIGHT, wrapped_lines
from .checks import box_height
from .paper import (
    BOX_ROW,
    box_place,
    box_rows,
    boxes_beside,
    first_page,
    header_columns,
    header_places,
    template_paper,
)

ROW_HEIGHT = 12.75  # points: Arial 10's own row height
LONG_TEXT_HEIGHT = 90  # a long text box's height, where it has a row of its own
TITLE_HEIGHT = 18  # the title's row (14 pt), a line of it
TITLE_WIDER = 1.5  # the title's characters are this much wider than the text's
BOLD = 1.1  # and a label's
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.5, "bottom": 0.6}  # inches, as templates print
# A4's height inside them, in points
PAGE_HEIGHT = {way: tall - (MARGINS["top"] + MARGINS["bottom"]) * 72
               for way, tall in (("landscape", 595), ("portrait", 842))}  # fmt: skip
NOTE = ("Fill in the white cells; grey cells are pre-filled. The Guidance sheet says what to put "
        "in each field, and each cell shows a tip when selected.")  # fmt: skip


def across_height(text: str, wide: float, line: float) -> float:
    """How tall a row is for ``text`` wrapped ``wide`` characters across, lines ``line`` points
    tall."""
    return line * wrapped_lines(text, wide)


def title_of(layout: Layout, organisation: str | None) -> str:
    """The plan's title: the layout's, and whose plan it is."""
    return layout.title + (f" — {organisation}" if organisation else "")


def title_last(layout: Layout) -> int:
    """The last column of the title and the note: the first printed page's (those every page
    repeats, on a plan printed across: whole on every page)."""
    paper = template_paper(layout)
    return paper.naming - 1 if paper.breaks else first_page(layout) - 1


def top_heights(layout: Layout, header: Mapping[str, Any], organisation: str | None
                ) -> dict[int, float]:  # fmt: skip
    """Each row over the table whose height is not the default, in points: the title's and
    the note's, a header field's whose label wraps (or long text has a row of its own, or
    fills its box beside the others), and the Ready to send box's own row (as tall as the box
    needs beyond the rows beside it: ``paper.box_place``)."""
    widths = template_paper(layout).widths
    wide = sum(widths[: title_last(layout) + 1])
    heights = {0: across_height(title_of(layout, organisation), wide / TITLE_WIDER, TITLE_HEIGHT),
               1: across_height(NOTE, wide, ROW_HEIGHT)}  # fmt: skip
    beside, places = boxes_beside(layout), header_places(layout)
    label_last = header_columns(layout)[0]
    for f in layout.header:
        row, col = places[f.name]
        if beside and f.kind is Kind.LONG_TEXT:
            tall, value = box_rows(layout), header.get(f.name)
            width = sum(widths[col : beside[1] + 1])
            lines = wrapped_lines(value, width) if isinstance(value, str) else 1
            if lines > tall:  # (taller rows where the text carried forward needs them)
                heights.update(
                    dict.fromkeys(range(row, row + tall), LINE_HEIGHT * lines / tall + 1)
                )
        elif f.kind is Kind.LONG_TEXT:
            heights[row] = LONG_TEXT_HEIGHT
        elif (label := wrapped_lines(f.title, sum(widths[: label_last + 1]) / BOLD)) > 1:
            heights[row] = ROW_HEIGHT * label  # (a label in one narrow column wraps)
    top, left, bottom, right = box_place(layout)
    others = sum(heights.get(r, ROW_HEIGHT) for r in range(top, bottom + 1) if r != BOX_ROW)
    needed = box_height(layout, organisation is not None, sum(widths[left : right + 1]))
    heights[BOX_ROW] = max(needed - others, ROW_HEIGHT / 2)
    return heights


def fitted(cells: Iterable[tuple[Any, float]]) -> float | None:
    """How tall a row must be for its texts, each wrapped in its column's width (``cells``:
    value and width each), in points; None where one line is enough (the default height)."""
    lines = max((wrapped_lines(value, width) for value, width in cells
                 if isinstance(value, str)), default=1)  # fmt: skip
    return LINE_HEIGHT * lines + 2 if lines > 1 else None


def page_height(layout: Layout) -> float:
    """How much of a template's plan (in points at full size) a printed page holds at most:
    printed across, at the smallest scale; else fitted to the page's width (``paper``), at the
    scale Excel fits it at (its columns a little narrower than LibreOffice's, its scale the
    larger: the fewer rows a page)."""
    paper = template_paper(layout)
    if paper.breaks:
        return PAGE_HEIGHT["landscape"] / SMALLEST_SCALE
    way = "portrait" if fits([points(w) for w in paper.widths], portrait=True) else "landscape"
    in_excel = sum((w * 7 + 5) * 0.75 for w in paper.widths)  # (7 pixels a character: ``points``)
    return PAGE_HEIGHT[way] / min(1.0, A4_WIDTH[way] / in_excel)


def blank_rows_that_fit(heights: Sequence[float], repeated: float, page: float,
                        most: int) -> int:  # fmt: skip
    """How many blank rows (the default height) fit below rows ``heights`` tall (each row of
    the sheet from its first), on pages holding ``page`` points of it whose every page after
    the first repeats a row ``repeated`` tall; at most ``most``, and a row fewer than the room
    says (a row's height rounds to whole pixels)."""
    used = 0.0
    for height in heights:
        if used + height > page:
            used = repeated
        used += height
    return max(0, min(most, int((page - used) / ROW_HEIGHT) - 1))


def room_below(heights: Sequence[float], repeated: float, page: float, most: int,
               few: int) -> tuple[int, list[int]]:  # fmt: skip
    """How many blank rows go below the rows a template starts with (``heights``, the sheet's
    from its first; see ``blank_rows_that_fit``), and the rows that begin a printed page: those
    that fit its last page, but never fewer than ``few``, for a partner adds actions in blank
    rows (rows they insert are not counted by the Ready to send box); where fewer fit, the last
    row goes over with them to a page of its own, so no page is empty grid."""
    fit = blank_rows_that_fit(heights, repeated, page, most)
    if fit >= few:
        return fit, []
    return min(most, few), [len(heights) - 1]
