"""A new worksheet, written as XML: rows of text in given styles, column widths, links to
cells elsewhere in the workbook, a frozen heading, and printed fitted to one page wide."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree

from .marks import letters, write_value
from .package import DOC_REL, MAIN, q


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
) -> etree._Element:
    """The sheet's XML: ``links`` go from a cell (``B5``) to a place (``'Plan'!H14``); the top
    ``frozen_rows`` stay in view; it prints landscape on A4, fitted one page wide."""
    root = etree.Element(q("worksheet"), nsmap={None: MAIN, "r": DOC_REL})
    etree.SubElement(etree.SubElement(root, q("sheetPr")), q("pageSetUpPr"), fitToPage="1")
    view = etree.SubElement(etree.SubElement(root, q("sheetViews")), q("sheetView"),
                            tabSelected="1", workbookViewId="0")  # fmt: skip
    if frozen_rows:
        below = f"A{frozen_rows + 1}"
        etree.SubElement(view, q("pane"), ySplit=str(frozen_rows), topLeftCell=below,
                         activePane="bottomLeft", state="frozen")  # fmt: skip
        etree.SubElement(view, q("selection"), pane="bottomLeft", activeCell=below, sqref=below)
    etree.SubElement(root, q("sheetFormatPr"), defaultRowHeight="12.75")
    cols = etree.SubElement(root, q("cols"))
    for n, width in enumerate(widths, start=1):
        etree.SubElement(cols, q("col"), min=str(n), max=str(n), width=f"{width:g}",
                         customWidth="1")  # fmt: skip
    data = etree.SubElement(root, q("sheetData"))
    for row in rows:
        line = etree.SubElement(data, q("row"), r=str(row.number))
        if row.height:
            line.set("ht", f"{row.height:g}")
            line.set("customHeight", "1")
        for col, (value, style) in enumerate(row.cells, start=1):
            _cell(line, f"{letters(col)}{row.number}", value, style)
    if links:
        listed = etree.SubElement(root, q("hyperlinks"))
        for cell, place in links.items():
            etree.SubElement(listed, q("hyperlink"), ref=cell, location=place)
    etree.SubElement(root, q("pageMargins"), left=f"{margin:g}", right=f"{margin:g}",
                     top="0.75", bottom="0.75", header="0.3", footer="0.3")  # fmt: skip
    etree.SubElement(root, q("pageSetup"), paperSize="9", orientation="landscape",
                     fitToWidth="1", fitToHeight="0")  # fmt: skip
    return root


def _cell(line: etree._Element, ref: str, value: Any, style: int) -> None:
    cell = etree.SubElement(line, q("c"), r=ref, s=str(style))
    if value is not None and value != "":
        write_value(cell, value)
