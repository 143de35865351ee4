"""A worksheet's cells edited in its bytes, without parsing the sheet: the rows and cells a
mark touches are found by their references and spliced; every other byte stays as it was.

Parsing a 200-row sheet and writing it out again costs a few milliseconds; a partner's file
is marked in a handful of cells. This editor serves sheets written the usual way (the main
namespace as the default, every touched row and cell with its reference, and every row where
one is made, UTF-8, no comments, CDATA or DTD); for any other ``SheetBytes.of`` gives None, or
``usable`` False, and the sheet is parsed (``grid``). Both do the same to a cell, which a test
checks on generated sheets. Nothing is looked for across the whole sheet that need not be: one
search through a sheet of 200 kB costs a tenth of a millisecond.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .outline import ROOT, outline
from .package import DOC_REL
from .values import cell_xml, letters

_ROW_NUMBER = re.compile(rb'<row r="(\d+)"')
_CELL_TAG = re.compile(rb"<c(?=[\s/>])([^>]*?)(/?)>")
_R = re.compile(rb"""\sr=["']([^"']*)["']""")
_S = re.compile(rb"""\ss=["']([^"']*)["']""")
_T = re.compile(rb"""\st=["'][^"']*["']""")
_SPANS = re.compile(rb"""\sspans=["'][^"']*["']""")
_CUSTOM_FORMAT = re.compile(rb"""\scustomFormat=["'](?:1|true)["']""")
_REF = re.compile(rb"^([A-Z]{1,3})(\d+)$")
_VALUE = re.compile(rb"<f\b[^>]*/>|<f\b.*?</f>|<v\b[^>]*/>|<v\b.*?</v>|<is\b.*?</is>", re.S)
_MERGED = re.compile(rb"""<mergeCell\b[^>]*\bref=["']([A-Z]+\d+):([A-Z]+\d+)["']""")
_BOM = b"\xef\xbb\xbf"
_ENCODING = re.compile(rb"""^<\?xml[^>]*encoding=["']([^"']*)["']""")


@dataclass
class _Row:
    number: int
    start: int  # where its start tag begins
    open_end: int  # where its start tag ends
    end: int  # where it ends (after </row>)
    tag: bytes  # its start tag's attributes
    cells: dict[int, _Cell] | None = None
    touched: bool = False  # a cell of it has been asked for
    whole: bool = False  # its cells are all found, in order, up to those asked for and the next


@dataclass
class _Cell:
    """A cell found (or made) in the sheet's bytes."""

    row: int
    col: int
    attributes: bytes  # its start tag's attributes
    inner: bytes  # what it holds
    made: bool = False
    changed: bool = False
    span: tuple[int, int] = (-1, -1)  # where it stands in the sheet's bytes (if not made)

    @property
    def style(self) -> int:
        """Its style's index (0 where it names none)."""
        found = _S.search(self.attributes)
        return int(found.group(1)) if found else 0

    @property
    def has_formula(self) -> bool:
        """Whether it holds a formula (which others may share)."""
        return re.search(rb"<f\b", self.inner) is not None

    def set_style(self, style: int) -> None:
        """Give it style ``style``."""
        attributes = _S.sub(b"", self.attributes)
        self.attributes = attributes + b' s="%d"' % style
        self.changed = True

    def write(self, value: Any, date1904: bool) -> None:
        """Put ``value`` in it, as ``grid.write_value`` does."""
        kind, held = cell_xml(value, date1904)
        self.attributes = _T.sub(b"", self.attributes) + kind.encode()
        self.inner = held.encode() + _VALUE.sub(b"", self.inner)
        self.changed = True

    def text(self, package: Any) -> str | None:
        """Never asked for: a sheet with a cell to cut to fit is parsed."""
        raise NotImplementedError

    def xml(self) -> bytes:
        """The cell's XML as it now stands."""
        return (
            b"<c%s>%s</c>" % (self.attributes, self.inner)
            if self.inner
            else (b"<c%s/>" % self.attributes)
        )


@dataclass
class SheetBytes:
    """A worksheet's bytes with an index of its rows, and the edits made to them."""

    data: bytes
    rows: dict[int, _Row]  # those found so far
    data_begin: int  # where <sheetData> begins
    data_end: int  # where </sheetData> begins
    relationships: bytes | None  # the prefix the root gives the relationships namespace
    drawing: str | None  # the id its legacy drawing has, if it has one
    columns: list[tuple[int, int, bytes | None]] = field(default_factory=list)
    new_rows: dict[int, _Row] = field(default_factory=dict)
    dimension: tuple[int, int, bytes] | None = None
    legacy: bytes | None = None  # a legacy drawing element to add
    before: tuple[str, ...] = ()  # the elements it goes before
    named: bool | None = None  # whether every row has its reference (None: not looked at)
    last: int | None = None  # the number of its last row (None: not looked at)

    @classmethod
    def of(cls, data: bytes) -> SheetBytes | None:
        """The editor for ``data``, or None where the sheet is not written the usual way."""
        encoding = _ENCODING.match(data[:200])
        if encoding and encoding.group(1).lower().replace(b"-", b"") != b"utf8":
            return None
        if data.startswith(_BOM) or _declares(data):  # a comment, CDATA or a DTD
            return None
        root = ROOT.search(data, 0, 4096)
        if root is None:
            return None
        begin = data.find(b"<sheetData>", root.end())
        end = data.rfind(b"</sheetData>")  # (from the end: what follows the cells is short)
        if begin < 0 or end < begin:
            return None
        found = outline(data[:begin], data[end:])
        if found is None:
            return None
        prefix, legacy, columns, dimension = found
        return cls(data, {}, begin, end, prefix, legacy, list(columns), dimension=dimension)

    def merged_away(self) -> list[tuple[int, int, int, int]]:
        """Each merged range, as (first row, first column, last row, last column)."""
        at = self.data.find(b"<mergeCells", self.data_end)  # (looked for in their list only)
        end = self.data.find(b"</mergeCells>", at) if at > 0 else -1
        found = _MERGED.findall(self.data, at, end) if end > 0 else []
        return [(*_position(first), *_position(last)) for first, last in found]

    def usable(self, cells: Iterable[tuple[int, int]]) -> bool:
        """Whether the sheet's cells can be found and placed around these (row, column)s by
        this editor: each cell of their rows up to them, and the next, has its reference; and
        where a row is to be made, every row of the sheet names itself first (as every
        program we know writes them), so that a row is found by its number alone."""
        wanted: dict[int, set[int]] = {}
        for row, col in cells:
            wanted.setdefault(row, set()).add(col)
        after, known = self.data_begin, 0  # rows come in order: each looked for after the last
        for row, cols in sorted(wanted.items()):
            line = self._row(row, after, known)
            if line is None:
                if not self._rows_named() or self._row(row, self.data_begin) is not None:
                    return False  # (found before a row after it: the rows are out of order)
                continue
            after, known = max(after, line.end), row
            if line.cells is None or not (line.whole or cols <= line.cells.keys()):
                # each found by its reference; where one is missing, the row read in order
                line.cells = self._named(line, cols)
                if line.cells is None:
                    line.cells, line.whole = self._cells(line, max(cols)), True
                if line.cells is None:
                    return False
        return True

    def _rows_named(self) -> bool:
        """Whether every row of the sheet has its reference, first (looked at once)."""
        if self.named is None:
            begin, end = self.data_begin, self.data_end
            self.named = self.data.count(b"<row", begin, end) == self.data.count(
                b'<row r="', begin, end)  # fmt: skip
        return self.named

    def _row(self, number: int, after: int, known: int | None = None) -> _Row | None:
        """Row ``number``, found by its reference after ``after`` (where row ``known`` ends,
        if known: then looked for from about where it should be), if the sheet has it."""
        if number in self.rows:
            return self.rows[number]
        data = self.data
        at = -1 if known is None else self._near(number, after, known)
        if at < 0:
            at = data.find(b'<row r="%d"' % number, after, self.data_end)
        if at < 0:
            return None
        open_end = data.find(b">", at) + 1
        tag = data[at + 4 : open_end - 1]
        if tag.endswith(b"/"):
            tag, close = tag[:-1], open_end
        else:
            close = data.find(b"</row>", open_end, self.data_end) + 6
        if close < 6 or b"<row" in data[open_end:close]:
            return None
        self.rows[number] = _Row(number, at, open_end, close, tag)
        return self.rows[number]

    def _near(self, number: int, after: int, known: int) -> int:
        """Where row ``number`` starts, looked for from about where it should be: between row
        ``known``, which ends at ``after``, and the sheet's last row, rows taken as long as
        one another, less a tenth. (Scanning to it from ``after`` took a tenth of a copy's
        time.) From the first row there, where it is not past ``number``: a sheet's rows
        come in order, so none before it is ``number``. -1 where it is not found so."""
        data, end = self.data, self.data_end
        if self.last is None:  # (the last row's number, read once)
            start = data.rfind(b'<row r="', self.data_begin, end) + 8
            digits = data[start : data.find(b'"', start, end)] if start >= 8 else b""
            self.last = int(digits) if digits.isdigit() else 0
        if not known < number < self.last:
            return -1
        guess = after + int((number - known - 1) * (end - after) / (self.last - known) * 0.9)
        first = data.find(b'<row r="', guess, end)
        digits = data[first + 8 : data.find(b'"', first + 8, end)] if first >= 0 else b""
        if not digits.isdigit() or int(digits) > number:
            return -1
        return data.find(b'<row r="%d"' % number, first, end)

    def cell(self, row: int, col: int) -> _Cell:
        """The cell at (row, col), made (with the row's or column's style) where missing (its
        row has been found ``usable``)."""
        line = self.rows.get(row) or self.new_rows.get(row)
        if line is None:
            line = self.new_rows[row] = _Row(row, -1, -1, -1, b' r="%d"' % row, {}, whole=True)
        if line.cells is None or not (line.whole or col in line.cells):
            raise ValueError(f"cell {letters(col)}{row} was not checked as usable")
        line.touched = True
        cell = line.cells.get(col)
        if cell is None:
            style = None
            if _CUSTOM_FORMAT.search(line.tag):
                style = _S.search(line.tag)
                style = style.group(1) if style else None
            for low, high, column_style in self.columns:
                if style is None and low <= col <= high:
                    style = column_style
            reference = f"{letters(col)}{row}".encode()
            attributes = b' r="%s"' % reference + (b' s="%s"' % style if style else b"")
            cell = line.cells[col] = _Cell(row, col, attributes, b"", made=True)
        return cell

    def _named(self, line: _Row, cols: set[int]) -> dict[int, _Cell] | None:
        """The row's cells in columns ``cols``, each found by its reference, or None where
        one is not there so (missing, or not written the usual way)."""
        cells: dict[int, _Cell] = {}
        for col in cols:
            at = self.data.find(b'<c r="%s%d"' % (letters(col).encode(), line.number),
                                line.open_end, line.end)  # fmt: skip
            found = _CELL_TAG.match(self.data, at) if at >= 0 else None
            held = self._held(found, line) if found else None
            if held is None:
                return None
            cells[col] = _Cell(line.number, col, found.group(1), held[0], span=(at, held[1]))
        return cells

    def _held(self, found: re.Match[bytes], line: _Row) -> tuple[bytes, int] | None:
        """What the cell whose start tag is ``found`` holds, and where it ends (None: its end
        is not in its row)."""
        if found.group(2):  # (<c .../>)
            return b"", found.end()
        close = self.data.find(b"</c>", found.end(), line.end)
        return (self.data[found.end() : close], close + 4) if close >= 0 else None

    def _cells(self, line: _Row, upto: int) -> dict[int, _Cell] | None:
        """The row's cells up to column ``upto`` and the first after it (which any cell made
        goes before), or None where one of them is not as this editor expects."""
        cells: dict[int, _Cell] = {}
        position = line.open_end
        if line.end == line.open_end:  # a row with no cells, <row .../>
            return cells
        for found in _CELL_TAG.finditer(self.data, line.open_end, line.end):
            if found.start() < position:  # (inside a cell before: cannot be)
                return None
            reference = _R.search(found.group(1))
            ref = _REF.match(reference.group(1)) if reference else None
            if ref is None or int(ref.group(2)) != line.number:
                return None
            held = self._held(found, line)
            if held is None:
                return None
            inner, position = held
            col = _column(ref.group(1))
            if col in cells:
                return None
            cells[col] = _Cell(line.number, col, found.group(1), inner,
                               span=(found.start(), position))  # fmt: skip
            if col > upto:
                break
        return cells

    def cover(self, cells: Any) -> None:
        """Widen the sheet's stated extent (``dimension``) to take in ``cells``."""
        if self.dimension is None:
            return
        start, end, ref = self.dimension
        corners = [_position(p) for p in ref.split(b":") if p]
        rows = [r for r, _ in corners] + [r for r, _ in cells]
        cols = [c for _, c in corners] + [c for _, c in cells]
        top, bottom = f"{letters(min(cols))}{min(rows)}", f"{letters(max(cols))}{max(rows)}"
        self.dimension = (start, end, (top if top == bottom else f"{top}:{bottom}").encode())

    def legacy_drawing(self) -> str | None:
        """The relationship id of the sheet's legacy drawing (its comments' shapes), if any."""
        return self.drawing

    def add_legacy_drawing(self, rid: str, before: tuple[str, ...]) -> None:
        """Name ``rid`` as the sheet's legacy drawing, before the first of ``before``."""
        if self.relationships is not None:
            self.legacy = b'<legacyDrawing %s:id="%s"/>' % (self.relationships, rid.encode())
        else:
            self.legacy = b'<legacyDrawing xmlns:r="%s" r:id="%s"/>' % (
                DOC_REL.encode(), rid.encode())  # fmt: skip
        self.before = before

    def bytes(self) -> bytes:
        """The sheet's bytes with every edit made."""
        edits: list[tuple[int, int, bytes]] = []
        if self.dimension is not None:
            edits.append(self.dimension)
        for line in self.rows.values():
            if line.cells is None or not line.touched:
                continue
            tag = _SPANS.sub(b"", line.tag)
            made = sorted((c for c in line.cells.values() if c.made), key=lambda c: c.col)
            if line.end == line.open_end:  # <row .../>: whatever it holds now is new
                cells = b"".join(c.xml() for c in made)
                row = b"<row%s>%s</row>" % (tag, cells) if cells else b"<row%s/>" % tag
                edits.append((line.start, line.end, row))
                continue
            edits.append((line.start, line.open_end, b"<row%s>" % tag))
            kept = sorted((c for c in line.cells.values() if not c.made), key=lambda c: c.col)
            for cell in kept:
                if cell.changed:
                    edits.append((*cell.span, cell.xml()))
            for cell in made:  # before the first cell to its right, else at the row's end
                at = next((c.span[0] for c in kept if c.col > cell.col), line.end - 6)
                edits.append((at, at, cell.xml()))
        for number, line in sorted(self.new_rows.items()):
            at = next((found.start() for found in _ROW_NUMBER.finditer(self.data,
                       self.data_begin, self.data_end) if int(found.group(1)) > number),
                      self.data_end)  # fmt: skip
            cells = sorted(line.cells.values(), key=lambda c: c.col) if line.cells else []
            held = b"".join(c.xml() for c in cells)
            edits.append((at, at, b"<row%s>%s</row>" % (line.tag, held)))
        if self.legacy is not None:
            at = self._legacy_place()
            edits.append((at, at, self.legacy))
        out, last = [], 0
        for start, end, text in sorted(edits, key=lambda e: (e[0], e[1])):  # (stable)
            out.append(self.data[last:start])
            out.append(text)
            last = end
        out.append(self.data[last:])
        return b"".join(out)

    def save(self, package: Any, part: str) -> None:
        """Put the edited sheet in ``package`` as ``part``."""
        package.put(part, self.bytes())

    def _legacy_place(self) -> int:
        tags = b"|".join(tag.encode() for tag in self.before)
        found = re.search(rb"<(?:%s)[\s/>]" % tags, self.data[self.data_end :])
        if found is not None:
            return self.data_end + found.start()
        return self.data.rindex(b"</worksheet>")


def _declares(data: bytes) -> bool:
    """Whether ``data`` holds a comment, CDATA or a DTD (``<!``), looked for at each ``!`` (a
    sheet seldom holds one: looking for the pair costs as much as reading it all)."""
    at = data.find(b"!", 1)  # (never first: a "<" comes before it)
    while at > 0 and data[at - 1] != 0x3C:  # ("<")
        at = data.find(b"!", at + 1)
    return at > 0


def _column(name: bytes) -> int:
    number = 0
    for letter in name:
        number = number * 26 + letter - 64
    return number


def _position(reference: bytes) -> tuple[int, int]:
    found = _REF.match(reference.replace(b"$", b""))
    if found is None:
        raise ValueError(f"not a cell address: {reference!r}")
    return int(found.group(2)), _column(found.group(1))
