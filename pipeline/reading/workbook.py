"""Open a spreadsheet file as plain grids of cell values, whatever its format.

python-calamine reads .xlsx, .xlsm, .xlsb, .xls and .ods quickly and hands back cached values
for formula cells. The format is told from the file's bytes, not its name, so a file saved as
.xls and renamed .xlsx is still read. Problems become ``Unreadable`` with a sentence to show.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


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


def sniff(data: bytes) -> str | None:
    """The spreadsheet format the bytes hold (xlsx, xlsb, ods, xls), or None."""
    if data.startswith(_ZIP):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return "broken zip"
        if "xl/workbook.bin" in names:
            return "xlsb"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names:
            return "ods"
        return None
    if data.startswith(_OLE):
        return "xls"
    return None


def open_sheets(data: bytes) -> list[Sheet]:
    """Every sheet of a spreadsheet file's bytes, hidden ones included."""
    import python_calamine as calamine

    kind = sniff(data)
    if kind is None:
        raise Unreadable("it is not a spreadsheet: save it from Excel as .xlsx and send it again")
    if kind == "broken zip":
        raise Unreadable("the file is damaged or was not fully copied: send it again")
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for meta in book.sheets_metadata:
            sheet = book.get_sheet_by_name(meta.name)
            top, left = sheet.start or (0, 0)
            sheets.append(
                Sheet(
                    name=meta.name,
                    visible=meta.visible == calamine.SheetVisibleEnum.Visible,
                    cells=sheet.to_python() if sheet.height else [],
                    top=top,
                    left=left,
                    merged=tuple(sheet.merged_cell_ranges or ()),
                )
            )
        return sheets
    except calamine.PasswordError:
        raise Unreadable(
            "it is password protected: save it without a password and send it again"
        ) from None
    except (calamine.CalamineError, ValueError, OSError) as err:
        reason = " ".join(str(err).split())[:120]
        raise Unreadable(f"it could not be read as a {kind} spreadsheet ({reason})") from None
