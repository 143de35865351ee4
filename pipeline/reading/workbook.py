"""Open a spreadsheet file as plain grids of cell values, whatever its format.

python-calamine reads .xlsx, .xlsm, .xls and .ods quickly and hands back cached values for
formula cells. The format is told from the file's bytes, not its name, so a file saved as .xls
and renamed .xlsx is still read. Only the first rows of each sheet's data are turned into
Python values to find the layout; the chosen sheet is read in full. Problems become
``Unreadable`` with a sentence to show.

A sheet's data need not start in A1 (a title block, an empty first row or column, an export
from another tool). Cells are kept relative to the first used cell (``Sheet.top``,
``Sheet.left``) and every address handed out is absolute: ``_grid`` reads the used range with
``to_python`` (which, as documented, starts at that first cell) and checks the shape it gets
back, so a reader that anchored the grid anywhere else is refused, never misread.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

Merged = tuple[tuple[int, int], tuple[int, int]]  # (first row, column), (last row, column)


class Unreadable(Exception):
    """The file cannot be read as a spreadsheet; ``str(err)`` is a sentence for a person."""


@dataclass(frozen=True)
class Sheet:
    """One sheet's cell values. ``cells[i][j]`` is at zero-based row ``top + i``, column
    ``left + j`` (``top``, ``left``: the first used cell, wherever it is); blank cells are
    ``""``. Every row and column handed in or out is absolute, as in ``merged``."""

    name: str
    visible: bool
    cells: list[list[Any]]
    top: int = 0
    left: int = 0
    merged: tuple[Merged, ...] = ()  # absolute, inclusive
    used_rows: int | None = None  # rows in the whole used range, when only the first were read
    text_only: bool = False  # a CSV's: named after its file, with no merged cells of its own

    @property
    def runs_to(self) -> int:
        """One past the last row holding data, whether or not it was read."""
        return self.top + (len(self.cells) if self.used_rows is None else self.used_rows)

    @property
    def bottom(self) -> int:
        """One past the last row read (of a whole sheet: the last holding data)."""
        return self.top + len(self.cells)

    def value(self, row: int, col: int) -> Any:
        """The value at an absolute zero-based (row, col); ``""`` outside the data."""
        i, j = row - self.top, col - self.left
        if 0 <= i < len(self.cells) and 0 <= j < len(self.cells[i]):
            return self.cells[i][j]
        return ""

    def span_end(self, row: int, col: int) -> int:
        """The last column of the merged range holding (row, col); ``col`` if not merged."""
        for (r1, c1), (r2, c2) in self.merged:
            if r1 <= row <= r2 and c1 <= col <= c2:
                return c2
        return col

    def span_bottom(self, row: int, col: int) -> int:
        """The last row of the merged range holding (row, col); ``row`` if not merged."""
        for (r1, c1), (r2, c2) in self.merged:
            if r1 <= row <= r2 and c1 <= col <= c2:
                return r2
        return row

    def row(self, row: int) -> Iterator[tuple[int, Any]]:
        """(absolute column, value) for the non-blank cells of one row."""
        i = row - self.top
        if 0 <= i < len(self.cells):
            for j, value in enumerate(self.cells[i]):
                if value != "" and value is not None:
                    yield self.left + j, value


class Book:
    """An opened spreadsheet: its sheets' first rows, and any sheet in full on demand."""

    def __init__(self, data: bytes, kind: str, max_cells: int) -> None:
        import python_calamine as calamine

        self._calamine, self._data = calamine, data
        self.kind, self.max_cells = kind, max_cells
        with _translated(calamine, kind):
            self._book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            self.visible = {
                meta.name: meta.visible == calamine.SheetVisibleEnum.Visible
                for meta in self._book.sheets_metadata
            }
        self._parsed: dict[str, Any] = {}
        self._whole: dict[str, tuple[list[list[Any]], int, int]] = {}  # grids read in full

    def _sheet(self, name: str) -> Any:
        """A sheet parsed once, however often it is asked for."""
        if name not in self._parsed:
            self._parsed[name] = self._book.get_sheet_by_name(name)
        return self._parsed[name]

    def _grid(self, name: str) -> tuple[list[list[Any]], int, int]:
        """A sheet's whole grid (see ``_grid``), read once."""
        if name not in self._whole:
            self._whole[name] = _grid(self._sheet(name), name)
        return self._whole[name]

    @property
    def names(self) -> list[str]:
        """Sheet names, in workbook order."""
        return list(self.visible)

    def head(self, name: str, rows: int) -> Sheet:
        """The first ``rows`` rows of a sheet's data, counted from its first row holding
        anything (wherever on the sheet that is)."""
        with _translated(self._calamine, self.kind, name):
            sheet = self._sheet(name)
            if sheet.height * sheet.width <= _READ_WHOLE:  # (the plan's sheet: read once)
                cells, top, left = self._grid(name)
                cells = cells[: max(0, min(rows, sheet.height))]
            else:
                cells, top, left = _grid(sheet, name, rows)
            merged = tuple(sheet.merged_cell_ranges or ())
            used = sheet.height
        return Sheet(name, self.visible[name], cells, top, left, merged, used)

    def sheet(self, name: str, merged_rows: int | None = None) -> Sheet:
        """A whole sheet; Unreadable when it holds more cells than any plan. (Only the used
        range counts: data that starts far down or far right is not a large sheet.) Of an .ods
        file, merged ranges are read from the first ``merged_rows`` rows of data only (all when
        None): python-calamine reports none, and finding them is slow on a large sheet."""
        with _translated(self._calamine, self.kind, name):
            sheet = self._sheet(name)
            if sheet.height * sheet.width > self.max_cells:
                raise Unreadable(too_large(name, sheet.height, sheet.width))
            cells, top, left = self._grid(name)
            merged = tuple(sheet.merged_cell_ranges or ())
        if not merged and self.kind == "ods":
            until = None if merged_rows is None else top + merged_rows
            merged = ods_merged(self._data, name, until)
        return Sheet(name, self.visible[name], cells, top, left, merged)


# A sheet of no more cells than this is read whole when its first rows are asked for: it is
# most likely the plan, whose whole is asked for next (a plan is a few thousand cells).
_READ_WHOLE = 50_000
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_MERGES_IN_A_ROW_REPEATED = 1_000  # a merged cell in a row repeated more often is not a plan's


def ods_merged(data: bytes, name: str, until: int | None = None) -> tuple[Merged, ...]:
    """The merged ranges of an .ods file's sheet ``name`` starting above row ``until`` (all
    when None), absolute and inclusive like the cells' addresses, read from its content.xml
    (python-calamine reports none for .ods, so an empty value beside a merged label would be
    placed inside the label). Empty if unreadable: merged ranges only place a missing value's
    address."""
    from defusedxml.ElementTree import iterparse

    table, row_tag = f"{_TABLE}table", f"{_TABLE}table-row"
    cell_tags = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")
    merged: list[Merged] = []
    inside, row, col, spans = False, 0, 0, []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("content.xml") as xml:
            for event, element in iterparse(xml, events=("start", "end")):
                tag, at = element.tag, element.get
                if event == "start" and tag == table:
                    inside, row = at(f"{_TABLE}name") == name, 0
                elif not inside:
                    continue
                elif event == "start" and tag == row_tag:
                    col, spans = 0, []
                elif event == "start" and tag in cell_tags:
                    rows = int(at(f"{_TABLE}number-rows-spanned", 1))
                    cols = int(at(f"{_TABLE}number-columns-spanned", 1))
                    if rows > 1 or cols > 1:
                        spans.append((col, rows - 1, cols - 1))
                    col += int(at(f"{_TABLE}number-columns-repeated", 1))
                elif event == "end" and tag == row_tag:
                    repeated = int(at(f"{_TABLE}number-rows-repeated", 1))
                    for r in range(row, row + min(repeated, _MERGES_IN_A_ROW_REPEATED)):
                        merged += [((r, c), (r + down, c + across)) for c, down, across in spans]
                    row += repeated
                    element.clear()
                    if until is not None and row >= until:
                        break
                elif event == "end" and tag == table:
                    break
    except (KeyError, ValueError, SyntaxError, OSError, zipfile.BadZipFile):
        return ()
    return tuple(merged)


def too_large(name: str, height: int, width: int) -> str:
    """The sentence for a sheet whose used range holds far more cells than a plan."""
    return (
        f'its sheet "{name}" spans {height:,} rows by {width:,} columns, far more than a plan: '
        f"delete what is not the plan (and any stray cell far below or to the right of it) and "
        f"send it again"
    )


def _grid(sheet: Any, name: str, rows: int | None = None) -> tuple[list[list[Any]], int, int]:
    """The used range's cells (its first ``rows`` rows when given) and the zero-based (row,
    column) of its first cell, ``cells[0][0]``.

    ``to_python`` skips the empty rows and columns before the data (python-calamine's
    documented ``skip_empty_area``), so the grid starts at ``sheet.start``. (``iter_rows``
    does not: some versions pad it with the empty rows above but not the columns to the
    left.) The shape is checked against the used range, so a grid anchored anywhere else is
    refused rather than read one row or column off.
    """
    if not sheet.height or not sheet.width or sheet.start is None:
        return [], 0, 0
    top, left = sheet.start
    want = sheet.height if rows is None else max(0, min(rows, sheet.height))
    cells = sheet.to_python(skip_empty_area=True, nrows=want) if want else []
    if len(cells) != want or any(len(row) != sheet.width for row in cells):
        got = f"{len(cells)} rows by {max((len(row) for row in cells), default=0)} columns"
        raise Unreadable(
            f'its sheet "{name}" came back from the reader as {got} for a range of {want} '
            f"rows by {sheet.width} columns, so its cells cannot be placed: save it again as "
            f".xlsx and send it again"
        )
    return cells, top, left


class _translated:
    """Turn a reader library's errors into ``Unreadable`` sentences."""

    def __init__(self, calamine: Any, kind: str, sheet: str | None = None) -> None:
        self.calamine, self.kind, self.sheet = calamine, kind, sheet

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type | None, err: BaseException | None, tb: Any) -> bool:
        if err is None or isinstance(err, Unreadable):
            return False
        if isinstance(err, self.calamine.PasswordError):
            raise Unreadable(
                "it is password protected: save it without a password and send it again"
            ) from None
        if isinstance(err, MemoryError):
            raise Unreadable("it is too large to read: send the plan on its own") from None
        if isinstance(err, self.calamine.CalamineError | ValueError | OSError | KeyError):
            reason = " ".join(str(err).split())[:120]
            what = f'its sheet "{self.sheet}"' if self.sheet else "it"
            raise Unreadable(
                f"{what} could not be read as an {self.kind} spreadsheet ({reason}): save it "
                f"again from Excel and send it again"
            ) from None
        return False
