"""Find a layout's labels and table on a sheet by their titles, never by cell address.

Titles are matched ignoring case, spacing and punctuation (``normalise_title``), then by each
field's aliases and title patterns, and last by a close spelling, which is reported as a guess.
A header field's value is the first non-empty cell to the right of its label; for a long text
box with nothing to its right, the first non-empty cell below it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..declare import Field, Kind, Layout, normalise_title, squash
from .workbook import Sheet

SEARCH_ROWS = 80  # labels and the table header are looked for this far below the data's start
MIN_COLUMNS = 3  # a row is a table header when it names at least this many columns
CLOSE_ENOUGH = 0.82  # difflib ratio for a title with a small spelling change
LABEL_LENGTH = 80  # longer texts are content, not labels


class Title(NamedTuple):
    """A text cell that might be a label or column title. (A named tuple: a sheet's first rows
    hold hundreds, and a tuple is made several times faster than a frozen dataclass.)"""

    row: int
    col: int
    text: str
    folded: str  # normalise_title(text)


@dataclass
class TableHeader:
    """Where a layout's table starts and which column holds each field."""

    row: int
    columns: dict[str, int]
    written: dict[str, str]  # field name -> the title as the partner wrote it
    guessed: dict[str, str] = field(default_factory=dict)  # field name -> title read loosely
    leftovers: dict[int, str] = field(default_factory=dict)  # col -> title matching nothing


@dataclass(frozen=True)
class Label:
    """A header field's label, and the cell its value was found in (if any)."""

    field: Field
    row: int
    col: int
    value: Any = None
    value_at: tuple[int, int] | None = None
    guessed_from: str | None = None


def search_end(sheet: Sheet, rows: int = SEARCH_ROWS) -> int:
    """One past the last row searched for labels and the table header: ``rows`` rows counted
    from the sheet's first row holding anything, wherever that is on the sheet."""
    return sheet.top + rows


def titles(sheet: Sheet, rows: int = SEARCH_ROWS) -> list[Title]:
    """Text cells short enough to be labels, in the first ``rows`` rows of the sheet's data."""
    found: list[Title] = []
    add, top, left = found.append, sheet.top, sheet.left
    for i, cells in enumerate(sheet.cells[: max(0, search_end(sheet, rows) - top)]):
        for j, value in enumerate(cells):
            if isinstance(value, str) and value and len(value) <= LABEL_LENGTH:
                folded = normalise_title(value)
                if folded:  # (made as namedtuple's own _make makes one: a sheet holds hundreds)
                    add(_tuple(Title, (top + i, left + j, value, folded)))
    return found


_tuple = tuple.__new__


def closest(text: str, candidates: dict[str, Field], cutoff: float = CLOSE_ENOUGH) -> Field | None:
    """The candidate whose squashed title is spelled most like ``text``, if close enough."""
    squashed = squash(text)
    hit = difflib.get_close_matches(squashed, list(candidates), n=1, cutoff=cutoff)
    return candidates[hit[0]] if hit else None


def find_table_header(layout: Layout, cells: list[Title]) -> TableHeader | None:
    """The row naming the most of ``layout``'s columns (at least ``MIN_COLUMNS``)."""
    by_row: dict[int, list[tuple[Title, Field]]] = {}
    match = layout.column_index.match
    for title in cells:
        hit = match(title.folded)
        if hit is not None:
            by_row.setdefault(title.row, []).append((title, hit))
    if not by_row:
        return None
    row = max(by_row, key=lambda r: (len({f.name for _, f in by_row[r]}), -r))
    if len({f.name for _, f in by_row[row]}) < MIN_COLUMNS:
        return None
    header = TableHeader(row=row, columns={}, written={})
    for title, hit in sorted(by_row[row], key=lambda pair: pair[0].col):
        header.columns.setdefault(hit.name, title.col)
        header.written.setdefault(hit.name, title.text)
    matched_cols = set(header.columns.values())
    unmatched = layout.column_index.titles_of(
        {f.name for f in layout.columns} - set(header.columns)
    )
    for title in cells:
        if title.row != row or title.col in matched_cols:
            continue
        guess = closest(title.text, unmatched)
        if guess is not None and guess.name not in header.columns:
            header.columns[guess.name] = title.col
            header.written[guess.name] = title.text
            header.guessed[guess.name] = title.text
        else:
            header.leftovers[title.col] = title.text
    return header


def find_labels(
    layout: Layout, sheet: Sheet, cells: list[Title], stop_row: int, near_misses: bool = True
) -> list[Label]:
    """Each header field's label above ``stop_row`` and the value beside or below it; with
    ``near_misses``, labels spelled only close to a title are read too (reported as guesses)."""
    above = [t for t in cells if t.row < stop_row]
    label_at: dict[tuple[int, int], Field] = {}
    inline: dict[Field, tuple[Title, str]] = {}
    placed: set[str] = set()
    for title in above:
        hit = layout.header_index.match(title.folded)
        if hit is not None and hit.name not in placed:
            # only a field's first label counts: a later cell with the same text is a value
            # (a Region value "Government Office" is not a second Region label)
            label_at[(title.row, title.col)] = hit
            placed.add(hit.name)
        elif hit is None and ":" in title.text:
            before, after = title.text.split(":", 1)
            hit = layout.header_index.match(normalise_title(before))
            if hit is not None and after.strip():
                inline.setdefault(hit, (title, after.strip()))
    found: dict[str, Label] = {}
    for (row, col), hit in sorted(label_at.items()):
        if hit.name not in found:
            found[hit.name] = _label_with_value(sheet, hit, row, col, label_at, stop_row)
    for hit, (title, text) in inline.items():
        if hit.name not in found:
            found[hit.name] = Label(hit, title.row, title.col, text, (title.row, title.col))
    missing = layout.header_index.titles_of({f.name for f in layout.header} - set(found))
    if missing and near_misses:
        for title in above:
            if (title.row, title.col) in label_at:
                continue
            guess = closest(title.text, missing)
            if guess is not None and guess.name not in found:
                label = _label_with_value(sheet, guess, title.row, title.col, label_at, stop_row)
                found[guess.name] = Label(
                    guess, label.row, label.col, label.value, label.value_at, title.text
                )
    return list(found.values())


def _label_with_value(
    sheet: Sheet,
    hit: Field,
    row: int,
    col: int,
    label_at: dict[tuple[int, int], Field],
    stop_row: int,
) -> Label:
    for c, value in sheet.row(row):
        if c <= col:
            continue
        if (row, c) in label_at:
            break
        return Label(hit, row, col, value, (row, c))
    if hit.kind is Kind.LONG_TEXT:
        for r in range(row + 1, stop_row):
            if (r, col) in label_at:
                break
            value = sheet.value(r, col)
            if value != "" and value is not None:
                return Label(hit, row, col, value, (r, col))
    return Label(hit, row, col)
