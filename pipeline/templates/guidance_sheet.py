"""A template's Guidance sheet: the layout's guidance, where to send the return (the
organisation's upload link, where it has one), and a row per field saying where it goes,
whether it is required, its kind, what to put and what is allowed (``guidance.guidance_rows``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from ..declare import Layout
from ..guidance import GUIDANCE_COLUMNS, GUIDANCE_WIDTHS, guidance_rows
from ..paper import points
from ..values import LINE_HEIGHT, wrapped_lines
from .heights import TITLE_HEIGHT, TITLE_WIDER, across_height


def across(sheet: Any, row: int, last: int, text: str, fmt: Any, wide: float,
           height: float) -> None:  # fmt: skip
    """``text`` over columns 0 to ``last`` of ``row``, merged and wrapped (``wide`` characters
    across, each line ``height`` points), as tall as it needs."""
    if last > 0:
        sheet.merge_range(row, 0, row, last, "", fmt)
    sheet.write_string(row, 0, text, fmt)
    sheet.set_row(row, across_height(text, wide, height))


def write_guidance(book: Any, layout: Layout, formats: dict[str, Any],
                   fit: Callable[[Any, int, Iterable[tuple[Any, float]]], None],
                   print_setup: Callable[[Any, int, list[float]], None],
                   near: date | None, link: str | None) -> None:  # fmt: skip
    """The Guidance sheet (``formats``: "title", "heading", "wrap"; ``fit(sheet, row, cells)``
    makes a row tall enough for its texts; ``print_setup(sheet, heading_row, widths)`` prints
    it on A4, its column titles on each page), its examples near the day ``near``, naming
    ``link`` as where to send the return."""
    sheet = book.add_worksheet("Guidance")
    last = len(GUIDANCE_COLUMNS) - 1
    title, wide = f"{layout.title}: guidance", sum(GUIDANCE_WIDTHS) / TITLE_WIDER
    across(sheet, 0, last, title, formats["title"], wide, TITLE_HEIGHT)
    sheet.merge_range(1, 0, 1, last, "", formats["wrap"])
    sheet.write_string(1, 0, layout.guidance, formats["wrap"])
    said = wrapped_lines(layout.guidance, sum(GUIDANCE_WIDTHS))
    sheet.set_row(1, max(60, LINE_HEIGHT * said + 4))
    if link:  # where to send it: the organisation's own upload page
        sheet.merge_range(2, 0, 2, last, "", formats["wrap"])
        sheet.set_row(2, LINE_HEIGHT * 2 + 4)
        sheet.write_url(2, 0, link, formats["wrap"],
                        f"Send your return by uploading it at {link}: you will see at once "
                        f"whether it is accepted and what to fix.")  # fmt: skip
    for col, (title, width) in enumerate(zip(GUIDANCE_COLUMNS, GUIDANCE_WIDTHS)):
        sheet.set_column(col, col, width)
        sheet.write_string(3, col, title, formats["heading"])
    for r, values in enumerate(guidance_rows(layout, near), start=4):
        for col, value in enumerate(values):
            sheet.write_string(r, col, str(value), formats["wrap"])
        fit(sheet, r, zip(values, GUIDANCE_WIDTHS))
    sheet.freeze_panes(4, 0)
    print_setup(sheet, 3, [points(width) for width in GUIDANCE_WIDTHS])
