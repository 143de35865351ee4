"""Fill a generated template the way a partner would: in openpyxl, by label and column title,
never by cell address. The demo uses it to make realistic returns and the tests use it to
build fixture workbooks in code.

It finds labels and titles by their exact text as the template writes them, independently of
the loader's own matching, so that a test of the loader is not a test of itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..declare import Field, Layout


class PartnerWorkbook:
    """A template opened for filling in."""

    def __init__(self, path: Path, layout: Layout) -> None:
        import openpyxl

        self.layout = layout
        self.book = openpyxl.load_workbook(path)
        self.sheet = self.book[layout.sheet]
        self._table_row, self._columns = self._find_table()
        self._typed: set[int] = set()  # rows typed into since opening

    # --- header fields -----------------------------------------------------------------------

    def label_cell(self, field_name: str) -> Any:
        """The cell holding a header field's label."""
        title = self.layout.field(field_name).title
        for row in self.sheet.iter_rows(max_row=self._table_row):
            for cell in row:
                if cell.value == title:
                    return cell
        raise KeyError(f"label {title!r} not on the sheet")

    def value_cell(self, field_name: str) -> Any:
        """The cell a partner types a header field's value into (right of its label)."""
        from openpyxl.cell.cell import MergedCell

        label = self.label_cell(field_name)
        col = label.column + 1
        while isinstance(self.sheet.cell(label.row, col), MergedCell):
            col += 1
        return self.sheet.cell(label.row, col)

    def set(self, field_name: str, value: Any) -> PartnerWorkbook:
        """Type a header field's value."""
        _type_into(self.value_cell(field_name), value)
        return self

    def fill_header(self, values: Mapping[str, Any]) -> PartnerWorkbook:
        """Type several header values."""
        for name, value in values.items():
            self.set(name, value)
        return self

    # --- the table ---------------------------------------------------------------------------

    def _find_table(self) -> tuple[int, dict[str, int]]:
        fields = self.layout.sheet_columns
        quarters = self.layout.hooks.quarters()
        dated = quarters.columns if quarters else ()
        for row in self.sheet.iter_rows():
            columns = {}
            for cell in row:
                f = _titled(fields, dated, cell.value)
                if f is not None:
                    columns[f.name] = cell.column
            if len(columns) == len(fields):
                return row[0].row, columns
        raise KeyError("the table header row is not on the sheet")

    @property
    def table_row(self) -> int:
        """The 1-based row of the table's header."""
        return self._table_row

    def column(self, field_name: str) -> int:
        """The 1-based column of a table field."""
        return self._columns[field_name]

    def rows(self) -> list[int]:
        """1-based rows of the table that hold anything, but its heading rows (a heading of
        the list the template starts with, alone in its first column: ``Layout.heading``)."""
        heading = self.layout.heading
        listed = self.layout.hooks.starting_rows() if heading else ()
        headings = {row.get(heading.name) for row in listed} - {None} if heading else set()
        first = min(self._columns.values())
        found = []
        for r in range(self._table_row + 1, self.sheet.max_row + 1):
            values = {c: self.sheet.cell(r, c).value for c in self._columns.values()}
            if values[first] in headings and not any(v for c, v in values.items() if c != first):
                continue
            if any(v not in (None, "") for v in values.values()):
                found.append(r)
        return found

    def add_row(self, values: Mapping[str, Any]) -> int:
        """Type one action or task into the first empty row; returns its 1-based row."""
        used = self.rows()
        r = (used[-1] if used else self._table_row) + 1
        self.set_row(r, values)
        return r

    def put_row(self, values: Mapping[str, Any]) -> int:
        """Type one row where a partner would: over the row the template already holds for its
        reference (pre-filled from a list, or carried forward), else into the first empty row;
        returns its 1-based row."""
        ref = values.get(self.layout.reference or "")
        if ref is not None:
            col = self._columns[self.layout.reference or ""]
            for r in self.rows():
                if r not in self._typed and self.sheet.cell(r, col).value == ref:
                    self.set_row(r, values)
                    return r
        return self.add_row(values)

    def set_row(self, row: int, values: Mapping[str, Any]) -> PartnerWorkbook:
        """Type values into a table row (but its heading, which the heading row over it
        shows: ``Layout.heading``)."""
        self._typed.add(row)
        heading = self.layout.heading.name if self.layout.heading else None
        for name, value in values.items():
            if name != heading:
                _type_into(self.sheet.cell(row, self._columns[name]), value)
        return self

    def row_of(self, ref: str) -> int:
        """The 1-based row whose reference (the layout's ``reference`` column) is ``ref``."""
        col = self._columns[self.layout.reference or ""]
        for r in self.rows():
            if self.sheet.cell(r, col).value == ref:
                return r
        raise KeyError(f"no row with reference {ref!r}")

    # --- the file ----------------------------------------------------------------------------

    def rename_sheet(self, title: str) -> PartnerWorkbook:
        """Rename the plan's sheet, as partners do."""
        self.sheet.title = title
        return self

    def save(self, path: Path) -> Path:
        """Save the filled workbook."""
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.book.save(path)
        return Path(path)

    def save_csv(self, path: Path, encoding: str = "utf-8-sig") -> Path:
        """Save the plan's sheet as Excel's "Save as CSV" does (see ``write_csv``)."""
        return write_csv(self.sheet.iter_rows(min_row=1, min_col=1, values_only=True), path,
                         encoding)  # fmt: skip


def write_csv(rows: Iterable[Iterable[Any]], path: Path, encoding: str = "utf-8-sig") -> Path:
    """Write a sheet's ``rows`` (every row from A1 to the last cell used) as Excel's "Save as
    CSV" writes them: each value as the cell shows it (a date day first, as our templates
    show dates; a whole number without a point), in ``encoding`` (Excel's "CSV UTF-8" writes
    the byte-order mark; its plain "CSV (Comma delimited)" is Windows text, cp1252)."""
    import csv
    import io

    def shown(value: Any) -> str:
        if isinstance(value, datetime | date):
            return value.strftime("%d/%m/%Y")
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return "" if value is None else str(value)

    text = io.StringIO(newline="")
    csv.writer(text, lineterminator="\r\n").writerows([shown(v) for v in row] for row in rows)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(text.getvalue().encode(encoding))
    return Path(path)


def _titled(fields: tuple[Field, ...], dated: tuple[str, ...], text: Any) -> Field | None:
    """The column a title of the template names (one of the ``dated`` columns, a plan
    quarter's, with its months after it)."""
    if not isinstance(text, str):
        return None
    for f in fields:
        if text == f.title or (f.name in dated and text.startswith(f"{f.title} ")):
            return f
    return None


def _type_into(cell: Any, value: Any) -> None:
    """Put a value in a cell as typing it would: text starting with ``=`` stays text (as in
    Excel after a leading apostrophe), dates are dates."""
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
