"""Open a spreadsheet file as plain grids of cell values, whatever its format.

python-calamine reads .xlsx, .xlsm, .xls and .ods quickly and hands back cached values for
formula cells. The format is told from the file's bytes, not its name, so a file saved as .xls
and renamed .xlsx is still read. Only the first rows of each sheet are turned into Python
values to find the layout; the chosen sheet is read in full. Problems become ``Unreadable``
with a sentence to show.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


class Unreadable(Exception):
    """The file cannot be read as a spreadsheet; ``str(err)`` is a sentence for a person."""


@dataclass(frozen=True)
class Sheet:
    """One sheet's cell values. ``cells[i][j]`` is at zero-based row ``top + i``, column
    ``left + j``; blank cells are ``""``."""

    name: str
    visible: bool
    cells: list[list[Any]]
    top: int = 0
    left: int = 0
    merged: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = ()

    @property
    def bottom(self) -> int:
        """One past the last row index holding data."""
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

        self._calamine = calamine
        self.kind, self.max_cells = kind, max_cells
        with _translated(calamine, kind):
            self._book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            self.visible = {
                meta.name: meta.visible == calamine.SheetVisibleEnum.Visible
                for meta in self._book.sheets_metadata
            }
        self._parsed: dict[str, Any] = {}

    def _sheet(self, name: str) -> Any:
        """A sheet parsed once, however often it is asked for."""
        if name not in self._parsed:
            self._parsed[name] = self._book.get_sheet_by_name(name)
        return self._parsed[name]

    @property
    def names(self) -> list[str]:
        """Sheet names, in workbook order."""
        return list(self.visible)

    def head(self, name: str, rows: int) -> Sheet:
        """The first ``rows`` rows of a sheet (counting from the top of the sheet)."""
        with _translated(self._calamine, self.kind):
            sheet = self._sheet(name)
            top, left = sheet.start or (0, 0)
            cells = list(itertools.islice(sheet.iter_rows(), max(rows - top, 0)))
            merged = tuple(sheet.merged_cell_ranges or ())
        return Sheet(name, self.visible[name], cells, top, left, merged)

    def sheet(self, name: str) -> Sheet:
        """A whole sheet; Unreadable when it holds more cells than any plan."""
        with _translated(self._calamine, self.kind):
            sheet = self._sheet(name)
            if sheet.height * sheet.width > self.max_cells:
                raise Unreadable(
                    f'its sheet "{name}" spans {sheet.height:,} rows by {sheet.width:,} columns, '
                    f"far more than a plan: delete what is not the plan and send it again"
                )
            top, left = sheet.start or (0, 0)
            cells = sheet.to_python() if sheet.height else []
            merged = tuple(sheet.merged_cell_ranges or ())
        return Sheet(name, self.visible[name], cells, top, left, merged)


class _translated:
    """Turn a reader library's errors into ``Unreadable`` sentences."""

    def __init__(self, calamine: Any, kind: str) -> None:
        self.calamine, self.kind = calamine, kind

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
            raise Unreadable(
                f"it could not be read as an {self.kind} spreadsheet ({reason}): save it again "
                f"from Excel and send it again"
            ) from None
        return False
