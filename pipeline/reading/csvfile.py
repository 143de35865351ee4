"""A CSV file read as the one sheet it is: what Excel's "Save as CSV" of our template's plan
sheet gives (its label/value pairs, then the table's title row and rows).

A CSV holds one sheet's values as text, and no sheet name: its sheet is named after the file
("Leeds.csv"), so a finding names a cell as ``Leeds.csv!H20``. Its text is UTF-8 (with or
without the byte-order mark Excel's "CSV UTF-8" writes), else Windows text (cp1252, what
Excel's plain "CSV (Comma delimited)" writes). A date is saved as the cell showed it; our
template shows dates day first (``20/11/2026``), so such a text is read back as that date, as
the workbook holds it; every other value is left as text for the loader to read, as it reads
a workbook's.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import replace
from datetime import datetime
from typing import Any

from ..declare import LAYOUTS, Layout
from ..declare.findings import shown
from ..guidance import GUIDANCE_COLUMNS
from .locate import SEARCH_ROWS, Label
from .workbook import Book, Sheet, Unreadable, too_large

SAVE_THE_WORKBOOK = "save the workbook itself (.xlsx) and send that."
_DAY_FIRST = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")  # how our template shows a date


def decoded(data: bytes) -> str:
    """The text of a CSV file: UTF-8, else Windows text (cp1252). ``UnicodeDecodeError``
    when it is neither (a byte Windows text does not use)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def is_csv(name: str) -> bool:
    """Whether a file is called a CSV (by its name: text has no signature of its own)."""
    return name.casefold().endswith(".csv")


def open_book(data: bytes, kind: str, name: str, max_cells: int) -> Book | CsvBook:
    """The file as a book of sheets: a CSV as the one sheet it is, named after the file
    (``name``: its own name), else every sheet of the spreadsheet."""
    if kind == CsvBook.kind:
        return CsvBook(data, name, max_cells)
    return Book(data, kind, max_cells)


class CsvBook:
    """A CSV file as a book of one sheet, with ``workbook.Book``'s ways of reading it."""

    kind = "csv"

    def __init__(self, data: bytes, sheet_name: str, max_cells: int) -> None:
        try:
            if b"\x00" in data:  # (no text holds one; Python's csv reader would take it)
                raise UnicodeDecodeError("cp1252", data, data.index(b"\x00"), 0, "NUL")
            text = decoded(data)
        except UnicodeDecodeError as err:
            raise Unreadable(
                f"it is not text (byte {err.start + 1:,} is 0x{data[err.start]:02X}, which "
                f"text does not hold), so it is no CSV: save the workbook itself (.xlsx) and "
                f"send that"
            ) from None
        rows = _rows(text)
        width = max((len(row) for row in rows), default=0)
        if len(rows) * width > max_cells:
            raise Unreadable(too_large(sheet_name, len(rows), width))
        cells = [[_value(text) for text in row] + [""] * (width - len(row)) for row in rows]
        self._sheet = _trimmed(sheet_name, cells)
        self.visible = {sheet_name: True}

    @property
    def names(self) -> list[str]:
        """Its one sheet's name (the file's)."""
        return list(self.visible)

    def head(self, name: str, rows: int) -> Sheet:
        """The first ``rows`` rows of its data."""
        sheet = self._sheet
        return replace(sheet, cells=sheet.cells[:rows], used_rows=len(sheet.cells))

    def sheet(self, name: str, merged_rows: int | None = None) -> Sheet:
        """The whole sheet (a CSV has no merged cells)."""
        return self._sheet


def _rows(text: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as err:  # a cell longer than any (the reader's own limit)
        raise Unreadable(
            f"it cannot be read as a CSV ({err}): save the workbook itself (.xlsx) and send that"
        ) from None


def _value(text: str) -> Any:
    """A cell as the workbook held it: a date our template showed day first, else the text
    (blank when only spaces)."""
    if not text.strip():
        return ""
    found = _DAY_FIRST.match(text.strip())
    if found:
        day, month, year = (int(part) for part in found.groups())
        try:
            return datetime(year, month, day)
        except ValueError:
            return text
    return text


def _trimmed(name: str, cells: list[list[Any]]) -> Sheet:
    """The sheet of ``cells`` from its first row and column holding anything, as a
    workbook's sheet is read (``Sheet.top``, ``Sheet.left``)."""
    used = [i for i, row in enumerate(cells) if any(v != "" for v in row)]
    if not used:
        return Sheet(name, True, [], text_only=True)
    top, bottom = used[0], used[-1] + 1
    columns = [j for row in cells[top:bottom] for j, v in enumerate(row) if v != ""]
    left, right = min(columns), max(columns) + 1
    return Sheet(name, True, [row[left:right] for row in cells[top:bottom]], top, left,
                 text_only=True)  # fmt: skip


def not_a_plan(heads: list[Sheet], found: bool) -> str | None:
    """Why a CSV is no plan (``found``: whether a layout's labels or columns were found in
    it), saying what it holds; None when it may be one. A CSV of the template's Guidance
    sheet, or a register, names fields too, so each is told apart by its own columns."""
    cells = heads[0].cells if heads else []
    rows = [[str(v) for v in row if v != ""] for row in cells]
    first = next((row for row in rows if row), [])
    if any(row[: len(GUIDANCE_COLUMNS)] == list(GUIDANCE_COLUMNS) for row in rows):
        return (
            "This CSV holds the template's Guidance sheet, not the plan: a CSV keeps one "
            f"sheet's values and nothing else: {SAVE_THE_WORKBOOK}"
        )
    if first and any(_register_columns(first, layout) for layout in LAYOUTS.values()):
        return (
            "This CSV is a register (the list of who is to return), not a return: take it out "
            "of the inbox, and give it to the run as a register."
        )
    if found:
        return None
    layouts = [layout.short_title for layout in LAYOUTS.values()]
    known = ", ".join(layouts[:-1]) + f" or {layouts[-1]}" if len(layouts) > 1 else layouts[0]
    begins = f' (it begins "{shown(", ".join(first))}")' if first else " (it is empty)"
    return (
        f"This CSV does not hold a {known} plan: none of our templates' labels or column "
        f"titles are in its first {SEARCH_ROWS} rows{begins}. A CSV keeps one sheet's values "
        f"and nothing else: {SAVE_THE_WORKBOOK}"
    )


def _register_columns(row: list[str], layout: Layout) -> bool:
    """Whether ``row`` is the header row of a ``layout`` register (its columns, its required
    ones among them)."""
    columns = {c.strip() for c in row}
    known = {f.register_column for f in layout.register_fields}
    needed = {f.register_column for f in layout.register_fields if f.register_required}
    return needed <= columns <= known


def value_gaps(labels: list[Label]) -> dict[int, int]:
    """Of a sheet whose merged cells are not known (a CSV), how far right of a label in each
    column its value is, as most of the values found show (a template's label spans two
    columns, and a long text's box begins beside its label): where a value left blank would
    be."""
    seen: dict[int, list[int]] = defaultdict(list)
    for label in labels:
        if label.value_at is not None and label.value_at[0] == label.row:
            seen[label.col].append(label.value_at[1] - label.col)
    return {col: max(set(gaps), key=gaps.count) for col, gaps in seen.items()}
