"""A new worksheet, written as XML: rows of text in given styles, column widths, links to
cells elsewhere in the workbook, a frozen heading, and printed fitted to one page wide."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import quoteattr

from .package import DOC_REL, MAIN
from .values import cell_xml, letters


@dataclass(frozen=True)
class Row:
    """One row of a new sheet: its number, its cells from column A as (value, style), and
    its height in points (None: the usual)."""

    number: int
    cells: Sequence[tuple[Any, int]]
    height: float | None = None


def worksheet(
    rows: Sequence[Row],
    widths: Sequence[float],
    links: Mapping[str, str],
    frozen_rows: int,
    margin: float = 0.4,
) -> bytes:
    """The sheet's XML: ``links`` go from a cell (``B5``) to a place (``'Plan'!H14``); the top
    ``frozen_rows`` stay in view; it prints landscape on A4, fitted one page wide. (Written
    as text: a Fix list is made for every partner's file, and this is several times quicker
    than building it as a tree.)"""
    view = ""
    if frozen_rows:
        below = f"A{frozen_rows + 1}"
        view = (f'<pane ySplit="{frozen_rows}" topLeftCell="{below}" activePane="bottomLeft" '
                f'state="frozen"/><selection pane="bottomLeft" activeCell="{below}" '
                f'sqref="{below}"/>')  # fmt: skip
    cols = "".join(f'<col min="{n}" max="{n}" width="{width:g}" customWidth="1"/>'
                   for n, width in enumerate(widths, start=1))  # fmt: skip
    lines = []
    for row in rows:
        height = f' ht="{row.height:g}" customHeight="1"' if row.height else ""
        cells = "".join(_cell(f"{letters(col)}{row.number}", value, style)
                        for col, (value, style) in enumerate(row.cells, start=1))  # fmt: skip
        lines.append(f'<row r="{row.number}"{height}>{cells}</row>' if cells else
                     f'<row r="{row.number}"{height}/>')  # fmt: skip
    listed = "".join(f'<hyperlink ref="{cell}" location={quoteattr(place)}/>'
                     for cell, place in links.items())  # fmt: skip
    cols = f"<cols>{cols}</cols>" if cols else "<cols/>"
    data = f"<sheetData>{''.join(lines)}</sheetData>" if lines else "<sheetData/>"
    listed = f"<hyperlinks>{listed}</hyperlinks>" if listed else ""
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<worksheet xmlns="{MAIN}" xmlns:r="{DOC_REL}"><sheetPr><pageSetUpPr fitToPage="1"/>'
        f'</sheetPr><sheetViews><sheetView tabSelected="1" workbookViewId="0">{view}'
        f'</sheetView></sheetViews><sheetFormatPr defaultRowHeight="12.75"/>{cols}{data}'
        f"{listed}"
        f'<pageMargins left="{margin:g}" right="{margin:g}" top="0.75" bottom="0.75" '
        f'header="0.3" footer="0.3"/><pageSetup paperSize="9" orientation="landscape" '
        f'fitToWidth="1" fitToHeight="0"/></worksheet>'
    ).encode()


def _cell(ref: str, value: Any, style: int) -> str:
    if value is None or value == "":
        return f'<c r="{ref}" s="{style}"/>'
    kind, held = _held(value)
    return f'<c r="{ref}" s="{style}"{kind}>{held}</c>'


# (most of a Fix list's cells say what others said: its headings, sheet, field, what to do)
_held = functools.lru_cache(maxsize=4096, typed=True)(cell_xml)
