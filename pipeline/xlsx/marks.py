"""Cells of a worksheet marked where they stand: a fill, a note (a comment), and where asked a
value written in, in the sheet's own XML. Everything else in the sheet stays as it was."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import quoteattr

from lxml import etree

from ..findings import column_letter, column_number
from .package import DOC_REL, MAIN, Package, SheetPart, Unmarkable, q
from .styles import Styles

KEEP = object()  # a mark's value when the cell's own value stays
AUTHOR = "Action plan pipeline"
DATE_FORMAT = "dd/mm/yyyy"
SHAPES_PER_BLOCK = 1024  # a drawing's shapes are numbered in blocks of this many
_ADDRESS = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
# Where a worksheet's legacy drawing (its comments' shapes) goes: before any of these.
_AFTER_LEGACY_DRAWING = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
                         "webPublishItems", "tableParts", "extLst")  # fmt: skip


@dataclass(frozen=True)
class Mark:
    """What to do to one cell: fill it, say ``note`` in its comment, and write ``value`` in
    it (``KEEP``: leave its value) or cut its text to fit a cell (``fit``, a function)."""

    cell: str
    fill: str  # RGB, e.g. FFC7CE
    note: str
    value: Any = KEEP
    fit: Any = None


@dataclass
class _Cell:
    fill: str = ""
    notes: list[str] = field(default_factory=list)
    value: Any = KEEP
    fit: Any = None


def mark_sheet(package: Package, sheet: SheetPart, marks: Iterable[Mark], styles: Styles) -> None:
    """Apply ``marks`` to ``sheet``, in order: where a cell has several, the last fill shows,
    every note is kept, and the last value is written. A cell inside a merged range, not its
    first, cannot show anything and is passed over."""
    cells: dict[tuple[int, int], _Cell] = {}
    for mark in marks:
        at = cells.setdefault(position(mark.cell), _Cell())
        at.fill = mark.fill
        at.notes.append(mark.note)
        at.value = mark.value if mark.value is not KEEP else at.value
        at.fit = mark.fit or at.fit
    root = package.xml(sheet.part)
    grid = _Grid(root)
    hidden = _merged_away(root)
    date1904 = _date1904(package)
    notes = {}
    for (row, col), at in sorted(cells.items()):
        if any(r0 <= row <= r1 and c0 <= col <= c1 and (row, col) != (r0, c0)
               for r0, c0, r1, c1 in hidden):  # fmt: skip
            continue
        cell = grid.cell(row, col)
        # A formula's cell keeps its formula (others may share it): it is coloured and noted.
        typed = cell.find(q("f")) is None
        number_format = DATE_FORMAT if isinstance(at.value, date) and typed else None
        cell.set("s", str(styles.marked(int(cell.get("s", "0")), at.fill, number_format)))
        if typed and at.fit is not None and at.value is KEEP:
            text = _text(package, cell)
            if text is not None and at.fit(text) != text:
                write_value(cell, at.fit(text), date1904)
        if typed and at.value is not KEEP:
            write_value(cell, at.value, date1904)
        notes[(row, col)] = "\n\n".join(at.notes)
    grid.cover(cells)
    threaded = _threaded(package, sheet.part)
    notes = {at: note for at, note in notes.items() if at not in threaded}
    if notes:
        _comment(package, sheet.part, notes)


def position(address: str) -> tuple[int, int]:
    """``H14`` as (row 14, column 8), both from 1."""
    found = _ADDRESS.match(address.strip())
    if not found:
        raise ValueError(f"not a cell address: {address!r}")
    return int(found.group(2)), column_number(found.group(1))


def letters(column: int) -> str:
    """Column 8 (from 1) as ``H``."""
    return column_letter(column - 1)


class _Grid:
    """A worksheet's rows and cells, found and made by position (a row or cell without its
    ``r`` is numbered from the one before, as the format allows; it is given one)."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
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

    def cell(self, row: int, col: int) -> etree._Element:
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
                return cell
            if number > col:
                made = self._new(line, row, col)
                cell.addprevious(made)
                return made
        made = self._new(line, row, col)
        line.append(made)
        return made

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


def _merged_away(root: etree._Element) -> list[tuple[int, int, int, int]]:
    ranges = []
    for merged in root.iterfind(f"{q('mergeCells')}/{q('mergeCell')}"):
        ends = (merged.get("ref") or "").split(":")
        if len(ends) == 2:
            (r0, c0), (r1, c1) = position(ends[0]), position(ends[1])
            ranges.append((r0, c0, r1, c1))
    return ranges


def _date1904(package: Package) -> bool:
    properties = package.xml(package.workbook).find(q("workbookPr"))
    return properties is not None and properties.get("date1904") in ("1", "true")


def write_value(cell: etree._Element, value: Any, date1904: bool = False) -> None:
    """Put ``value`` in ``cell`` in place of what it held: a date as a date serial, a number as
    a number, anything else as text (never a formula)."""
    for child in list(cell):
        if etree.QName(child).localname in ("f", "v", "is"):
            cell.remove(child)
    cell.attrib.pop("t", None)
    held = etree.Element(q("v"))
    if isinstance(value, date):
        start = date(1904, 1, 1) if date1904 else date(1899, 12, 30)
        day = value.date() if isinstance(value, datetime) else value
        held.text = str((day - start).days)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        held.text = repr(value)
    else:
        cell.set("t", "inlineStr")
        held = etree.Element(q("is"))
        text = etree.SubElement(held, q("t"))
        text.text = str(value)
        text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    cell.insert(0, held)  # (before any extLst, as the schema orders a cell)


def _text(package: Package, cell: etree._Element) -> str | None:
    """The text a cell holds (shared, inline or a formula's), or None for anything else."""
    kind = cell.get("t")
    if kind == "inlineStr":
        return "".join(cell.find(q("is")).itertext()) if cell.find(q("is")) is not None else None
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


def _comment(package: Package, part: str, notes: dict[tuple[int, int], str]) -> None:
    """Add each note to its cell's comment (after what the comment said already), and draw
    every comment of the sheet again (Excel shows a comment through its drawing)."""
    comments_part = package.related(part, "comments")
    if comments_part is not None:
        comments = package.xml(comments_part)
    else:
        comments_part = package.free_name("xl/comments{}.xml")
        comments = etree.fromstring(f'<comments xmlns="{MAIN}"><authors/><commentList/></comments>')
        package.put(comments_part, comments, "comments")
        package.relate(part, "comments", comments_part)
    author = _author(comments)
    listed = comments.find(q("commentList"))
    if listed is None:
        listed = etree.SubElement(comments, q("commentList"))
    existing = {position(c.get("ref", "A1")): c for c in listed.iterfind(q("comment"))}
    for (row, col), note in notes.items():
        comment = existing.get((row, col))
        if comment is None:
            comment = etree.SubElement(listed, q("comment"), ref=f"{letters(col)}{row}",
                                       authorId=str(author))  # fmt: skip
            existing[(row, col)] = comment
            said = note
        else:
            old = comment.find(q("text"))
            said = f"{''.join(old.itertext()).strip()}\n\n{note}" if old is not None else note
            if old is not None:
                comment.remove(old)
        text = etree.Element(q("text"))
        comment.insert(0, text)  # (before any commentPr, as the schema orders a comment)
        body = etree.SubElement(text, q("t"))
        body.text = said
        body.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    _draw(package, part, sorted(existing))


def _author(comments: etree._Element) -> int:
    authors = comments.find(q("authors"))
    if authors is None:
        authors = etree.Element(q("authors"))
        comments.insert(0, authors)
    names = [a.text for a in authors.iterfind(q("author"))]
    if AUTHOR in names:
        return names.index(AUTHOR)
    etree.SubElement(authors, q("author")).text = AUTHOR
    return len(names)


def _draw(package: Package, part: str, cells: list[tuple[int, int]]) -> None:
    """The sheet's comment drawing (VML, the one its ``legacyDrawing`` names; a picture in its
    header or footer is another), made again for ``cells``. A drawing that holds anything but
    comments (a button, a check box, a picture) cannot be made again, so the file cannot be
    marked up."""
    root = package.xml(part)
    legacy = root.find(q("legacyDrawing"))
    rid = legacy.get(q("id", DOC_REL)) if legacy is not None else None
    target = next((t for r, _, t in package.relations(part) if r == rid), None)
    if target is not None:
        old = package.raw(target) if package.has(target) else b""
        if any(kind != b"Note" for kind in re.findall(rb"""ObjectType=["'](\w+)""", old)):
            raise Unmarkable("it has objects drawn on a sheet (buttons, check boxes or pictures) "
                             "that a marked-up copy could not keep")  # fmt: skip
        blocks = _blocks(old) or ()
    else:
        target = package.free_name("xl/drawings/vmlDrawing{}.vml")
        blocks = ()
        rid = package.relate(part, "vmlDrawing", target)
        legacy = etree.Element(q("legacyDrawing"))
        legacy.set(q("id", DOC_REL), rid)
        for element in root:
            if etree.QName(element).localname in _AFTER_LEGACY_DRAWING:
                element.addprevious(legacy)
                break
        else:
            root.append(legacy)
    needed = len(cells) // SHAPES_PER_BLOCK + 1  # (a block numbers 1024 shapes)
    if blocks[:needed] != tuple(range(blocks[0], blocks[0] + needed)) if blocks else True:
        first = _free_block(package)
        blocks = tuple(range(first, first + needed))
    package.put(target, _vml(cells, blocks).encode(), "vmlDrawing")


def _blocks(vml: bytes) -> tuple[int, ...]:
    """The blocks of shape numbers a drawing claims (its ``idmap``)."""
    found = re.search(rb"""idmap\b[^>]*\bdata=["']([\d,\s]+)""", vml)
    return tuple(int(n) for n in found.group(1).split(b",") if n.strip()) if found else ()


def _free_block(package: Package) -> int:
    """The first block of shape numbers after those every drawing in the workbook claims."""
    used = [0]
    for name in package.parts():
        if name.endswith(".vml"):
            used.extend(_blocks(package.raw(name)))
    return max(used) + 1


def _threaded(package: Package, part: str) -> set[tuple[int, int]]:
    """The cells of the sheet with a threaded comment: Excel shows the thread, not the note
    beside it, so they are told in the Fix list alone."""
    found: set[tuple[int, int]] = set()
    for _, kind, target in package.relations(part):
        if kind.endswith("/threadedComment") and package.has(target):
            for comment in package.xml(target).iter():
                if comment.get("ref"):
                    found.add(position(comment.get("ref")))
    return found


def _vml(cells: list[tuple[int, int]], blocks: tuple[int, ...]) -> str:
    shapes = "".join(
        f'<v:shape id="_x0000_s{blocks[0] * SHAPES_PER_BLOCK + n}" type="#_x0000_t202" '
        'style="position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:300pt;'
        'height:150pt;z-index:1;visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">'
        '<v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/>'
        '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto">'
        '<div style="text-align:left"></div></v:textbox><x:ClientData ObjectType="Note">'
        "<x:MoveWithCells/><x:SizeWithCells/>"
        f"<x:Anchor>{col}, 15, {max(row - 2, 0)}, 2, {col + 5}, 15, {row + 8}, 16</x:Anchor>"
        f"<x:AutoFill>False</x:AutoFill><x:Row>{row - 1}</x:Row><x:Column>{col - 1}</x:Column>"
        "</x:ClientData></v:shape>"
        for n, (row, col) in enumerate(cells, start=1)
    )
    return (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:'
        'office" xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit">'
        f'<o:idmap v:ext="edit" data={quoteattr(",".join(map(str, blocks)))}/></o:shapelayout>'
        '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
        'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path '
        'gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
        f"{shapes}</xml>"
    )
