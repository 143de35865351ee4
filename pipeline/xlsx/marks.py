"""Cells of a worksheet marked where they stand: a fill, a note (a comment), and where asked a
value written in. Everything else in the sheet stays as it was: a sheet written the usual way
is edited in its bytes (``cells``), any other is parsed (``grid``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from xml.sax.saxutils import quoteattr

from lxml import etree

from .cells import SheetBytes
from .grid import XmlGrid, position, write_value
from .package import MAIN, Package, SheetPart, Unmarkable, q
from .package_parts import date1904
from .remembered import read_part
from .styles import Styles
from .values import letters, text_xml

__all__ = ["KEEP", "Mark", "letters", "mark_sheet", "position", "write_value"]

KEEP = object()  # a mark's value when the cell's own value stays
AUTHOR = "Action plan pipeline"
DATE_FORMAT = "dd/mm/yyyy"
SHAPES_PER_BLOCK = 1024  # a drawing's shapes are numbered in blocks of this many
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
    grid = _grid(package, sheet.part, cells)
    hidden = grid.merged_away()
    date1904 = _date1904(package)
    notes = {}
    for (row, col), at in sorted(cells.items()):
        if any(r0 <= row <= r1 and c0 <= col <= c1 and (row, col) != (r0, c0)
               for r0, c0, r1, c1 in hidden):  # fmt: skip
            continue
        cell = grid.cell(row, col)
        # A formula's cell keeps its formula (others may share it): it is coloured and noted.
        typed = not cell.has_formula
        number_format = DATE_FORMAT if isinstance(at.value, date) and typed else None
        cell.set_style(styles.marked(cell.style, at.fill, number_format))
        if typed and at.fit is not None and at.value is KEEP:
            text = cell.text(package)
            if text is not None and at.fit(text) != text:
                cell.write(at.fit(text), date1904)
        if typed and at.value is not KEEP:
            cell.write(at.value, date1904)
        notes[(row, col)] = "\n\n".join(at.notes)
    grid.cover(cells)
    threaded = _threaded(package, sheet.part)
    notes = {at: note for at, note in notes.items() if at not in threaded}
    if notes:
        _comment(package, sheet.part, notes, grid)
    grid.save(package, sheet.part)


def _grid(package: Package, part: str, cells: dict[tuple[int, int], _Cell]) -> Any:
    """The sheet's cells to edit: in its bytes where it is written the usual way and no cell
    is to be cut to fit (which needs its text), else parsed."""
    if not package.parsed(part) and not any(at.fit for at in cells.values()):
        editor = SheetBytes.of(package.raw(part))
        if editor is not None and editor.usable(cells):
            return editor
    return XmlGrid(package, part)


def _date1904(package: Package) -> bool:
    return read_part(package, package.workbook, date1904)


def _comment(package: Package, part: str, notes: dict[tuple[int, int], str], grid: Any) -> None:
    """Add each note to its cell's comment (after what the comment said already), and draw
    every comment of the sheet again (Excel shows a comment through its drawing)."""
    comments_part = package.related(part, "comments")
    if comments_part is None:  # (written as text: most copies' sheets have no comments yet)
        comments_part = package.free_name("xl/comments{}.xml")
        package.put(comments_part, _new_comments(notes), "comments")
        package.relate(part, "comments", comments_part)
        _draw(package, part, sorted(notes), grid)
        return
    comments = package.xml(comments_part)
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
    _draw(package, part, sorted(existing), grid)


def _new_comments(notes: dict[tuple[int, int], str]) -> bytes:
    """A comments part holding ``notes``, as lxml writes the same made as a tree."""
    listed = "".join(f'<comment ref="{letters(col)}{row}" authorId="0"><text>'
                     f'<t xml:space="preserve">{text_xml(note)}</t></text></comment>'
                     for (row, col), note in notes.items())  # fmt: skip
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<comments xmlns="{MAIN}"><authors><author>{AUTHOR}</author></authors>'
        f"<commentList>{listed}</commentList></comments>"
    ).encode()


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


def _draw(package: Package, part: str, cells: list[tuple[int, int]], grid: Any) -> None:
    """The sheet's comment drawing (VML, the one its ``legacyDrawing`` names; a picture in its
    header or footer is another), made again for ``cells``. A drawing that holds anything but
    comments (a button, a check box, a picture) cannot be made again, so the file cannot be
    marked up."""
    rid = grid.legacy_drawing()
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
        grid.add_legacy_drawing(rid, _AFTER_LEGACY_DRAWING)
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
