"""A worksheet's cells edited in its parsed XML: the way every sheet can be edited (see
``cells`` for the quicker way most can)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from lxml import etree

from ..declare.findings import column_number
from .package import DOC_REL, Package, Unmarkable, q
from .values import held, letters

_ADDRESS = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def position(address: str) -> tuple[int, int]:
    """``H14`` as (row 14, column 8), both from 1."""
    found = _ADDRESS.match(address.strip())
    if not found:
        raise ValueError(f"not a cell address: {address!r}")
    return int(found.group(2)), column_number(found.group(1))


class XmlCell:
    """A cell of a parsed sheet, as the marks see it."""

    def __init__(self, element: etree._Element) -> None:
        self.element = element

    @property
    def style(self) -> int:
        """Its style's index (0 where it names none)."""
        return int(self.element.get("s", "0"))

    @property
    def has_formula(self) -> bool:
        """Whether it holds a formula (which others may share)."""
        return self.element.find(q("f")) is not None

    def set_style(self, style: int) -> None:
        """Give it style ``style``."""
        self.element.set("s", str(style))

    def write(self, value: Any, date1904: bool) -> None:
        """Put ``value`` in it (see ``write_value``)."""
        write_value(self.element, value, date1904)

    def text(self, package: Package) -> str | None:
        """The text it holds (shared, inline or a formula's), or None for anything else."""
        cell = self.element
        kind = cell.get("t")
        if kind == "inlineStr":
            inline = cell.find(q("is"))
            return "".join(inline.itertext()) if inline is not None else None
        value = cell.findtext(q("v"))
        if kind == "str":
            return value
        if kind != "s" or value is None or not value.isdigit():
            return None
        shared = package.related(package.workbook, "sharedStrings")
        items = package.xml(shared).findall(q("si")) if shared else []
        if int(value) >= len(items):
            return None
        return "".join(t.text or "" for t in items[int(value)].iter(q("t"))
                       if etree.QName(t.getparent()).localname != "rPh")  # fmt: skip


class XmlGrid:
    """A worksheet's rows and cells, found and made by position (a row or cell without its
    ``r`` is numbered from the one before, as the format allows; it is given one)."""

    def __init__(self, package: Package, part: str) -> None:
        self.root = root = package.xml(part)
        self.data = root.find(q("sheetData"))
        if self.data is None:
            raise Unmarkable("one of its sheets has no cells part")
        self.rows: dict[int, etree._Element] = {}
        number = 0
        for row in self.data.iterfind(q("row")):
            ref = row.get("r")
            if ref and ref.isdigit():
                number = int(ref)
            else:
                number += 1
                row.set("r", str(number))
            self.rows[number] = row
        self.columns = [(int(c.get("min", "0")), int(c.get("max", "0")), c.get("style"))
                        for c in root.iterfind(f"{q('cols')}/{q('col')}")]  # fmt: skip

    def merged_away(self) -> list[tuple[int, int, int, int]]:
        """Each merged range, as (first row, first column, last row, last column)."""
        ranges = []
        for merged in self.root.iterfind(f"{q('mergeCells')}/{q('mergeCell')}"):
            ends = (merged.get("ref") or "").split(":")
            if len(ends) == 2:
                (r0, c0), (r1, c1) = position(ends[0]), position(ends[1])
                ranges.append((r0, c0, r1, c1))
        return ranges

    def cell(self, row: int, col: int) -> XmlCell:
        """The cell at (row, col), made (with the row's or column's style) where missing."""
        line = self.rows.get(row)
        if line is None:
            line = etree.Element(q("row"), r=str(row))
            later = [n for n in self.rows if n > row]
            if later:
                self.rows[min(later)].addprevious(line)
            else:
                self.data.append(line)
            self.rows[row] = line
        line.attrib.pop("spans", None)  # a hint of which columns it holds, now perhaps wrong
        number = 0
        for cell in line.iterfind(q("c")):
            ref = cell.get("r")
            number = position(ref)[1] if ref else number + 1
            cell.set("r", f"{letters(number)}{row}")
            if number == col:
                return XmlCell(cell)
            if number > col:
                made = self._new(line, row, col)
                cell.addprevious(made)
                return XmlCell(made)
        made = self._new(line, row, col)
        line.append(made)
        return XmlCell(made)

    def _new(self, line: etree._Element, row: int, col: int) -> etree._Element:
        style = line.get("s") if line.get("customFormat") in ("1", "true") else None
        for low, high, column_style in self.columns:
            if style is None and low <= col <= high:
                style = column_style
        made = etree.Element(q("c"), r=f"{letters(col)}{row}")
        if style:
            made.set("s", style)
        return made

    def cover(self, cells: Iterable[tuple[int, int]]) -> None:
        """Widen the sheet's stated extent (``dimension``) to take in ``cells``."""
        dimension = self.root.find(q("dimension"))
        if dimension is None:
            return
        corners = [position(p) for p in (dimension.get("ref") or "A1").split(":") if p]
        rows = [r for r, _ in corners] + [r for r, _ in cells]
        cols = [c for _, c in corners] + [c for _, c in cells]
        top, bottom = f"{letters(min(cols))}{min(rows)}", f"{letters(max(cols))}{max(rows)}"
        dimension.set("ref", top if top == bottom else f"{top}:{bottom}")

    def legacy_drawing(self) -> str | None:
        """The relationship id of the sheet's legacy drawing (its comments' shapes), if any."""
        legacy = self.root.find(q("legacyDrawing"))
        return legacy.get(q("id", DOC_REL)) if legacy is not None else None

    def add_legacy_drawing(self, rid: str, before: tuple[str, ...]) -> None:
        """Name ``rid`` as the sheet's legacy drawing, before the first of ``before``."""
        legacy = etree.Element(q("legacyDrawing"))
        legacy.set(q("id", DOC_REL), rid)
        for element in self.root:
            if etree.QName(element).localname in before:
                element.addprevious(legacy)
                break
        else:
            self.root.append(legacy)

    def save(self, package: Package, part: str) -> None:
        """Nothing to do: the parsed sheet is the package's, and is written with it."""


def write_value(cell: etree._Element, value: Any, date1904: bool = False) -> None:
    """Put ``value`` in ``cell`` in place of what it held: a date as a date serial, a number as
    a number, anything else as text (never a formula)."""
    number, text = held(value, date1904)
    for child in list(cell):
        if etree.QName(child).localname in ("f", "v", "is"):
            cell.remove(child)
    cell.attrib.pop("t", None)
    if number:
        value_element = etree.Element(q("v"))
        value_element.text = text
    else:
        cell.set("t", "inlineStr")
        value_element = etree.Element(q("is"))
        inline = etree.SubElement(value_element, q("t"))
        inline.text = text
        inline.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    cell.insert(0, value_element)  # (before any extLst, as the schema orders a cell)
