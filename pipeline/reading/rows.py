"""Read a plan's table: every row under its header row that holds anything, field by field.

(Hot: a large round reads a few million cells. The rows worth reading are picked first, by
the values in the table's columns; then each column is read at once, a value met before in
the file costing one dict lookup (``values.Readings``).)
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any

from ..declare import Field, Layout, normalise_title
from ..values import Readings, reader
from .locate import TableHeader
from .workbook import Sheet

Guess = Callable[[Field, str, int, int, Any, Any], None]  # field, guess, row, col, raw, read


def read_rows(
    layout: Layout, sheet: Sheet, table: TableHeader, names: list[str], guess: Guess
) -> list[tuple[Any, ...]]:
    """Every non-blank row under the table's header, read field by field, as a tuple of the
    values of ``names`` and then its sheet row. Each value read by a guess is told to
    ``guess(field, guess, row, column, raw value, value read)``, row by row, left to right."""
    at = {name: i for i, name in enumerate(names)}
    fields = [(layout.field(name), col - sheet.left, at[name])
              for name, col in table.columns.items()]  # fmt: skip
    kept, rows_at, headings = _rows_worth_reading(layout, sheet, table, names, fields)
    if not kept:
        return []
    read: list[Any] = [headings] * len(names)  # (the headings' place keeps them)
    guessed = []
    for k, ((f, j, i), column) in enumerate(zip(fields, zip(*kept))):
        readings = reader(f)
        # (a text is its own key: see ``values.Readings``)
        read[i] = [None if v == "" or v is None else readings[v if type(v) is str else (type(v), v)]
                   for v in column]  # fmt: skip
        if readings.guessed:
            guessed += _guesses(readings, column, read[i], rows_at, k, j + sheet.left)
    for r, _, f, said, c, raw, value in sorted(guessed, key=itemgetter(0, 1)):
        guess(f, said, r, c, raw, value)
    return list(zip(*read, rows_at))


def _guesses(
    readings: Readings, column: tuple, read: list, rows_at: list[int], k: int, col: int
) -> list[tuple[int, int, Field, str, int, Any, Any]]:
    """(row, ``k``, field, guess, ``col``, raw, value read) of each value of ``column`` read by
    a guess."""
    found = []
    for n, v in enumerate(column):
        if v == "" or v is None:
            continue
        said = readings.guessed.get(v if type(v) is str else (type(v), v))
        if said:
            found.append((rows_at[n], k, readings.field, said, col, v, read[n]))
    return found


def _rows_worth_reading(
    layout: Layout, sheet: Sheet, table: TableHeader, names: list[str], fields: list
) -> tuple[list[tuple[Any, ...]], list[int], list[str | None]]:
    """The rows under the header holding anything (each as its values in the columns of
    ``fields``), but the header row repeated and heading rows; the sheet row of each; and the
    heading over each (None where the table has no heading rows)."""
    leftmost, first_col, _ = min(fields, key=lambda field: field[1])
    lead = [j for _, j, _ in fields].index(first_col)  # where the first column is in a row read
    first_title = table.written[leftmost.name]
    columns = [(f, j) for f, j, _ in fields]
    reach = max(j for _, j, _ in fields) + 1
    padding = ("",) * reach
    take = itemgetter(*(j for _, j, _ in fields))
    if len(fields) == 1:  # (itemgetter of one index gives the value, not a tuple)
        take = lambda cells, one=take: (one(cells),)  # noqa: E731
    headed = _headed(layout, names, fields)
    above = None  # the heading over the rows read (its text)
    kept, rows_at, headings = [], [], []
    for r, cells in enumerate(sheet.cells[table.row + 1 - sheet.top :], table.row + 1):
        raw = take(cells if len(cells) >= reach else (*cells, *padding[len(cells) :]))
        for v in raw:  # the first value that is not blank makes the row worth reading
            if v != "" and v is not None and (type(v) is not str or v.strip()):
                break
        else:
            continue
        if raw[lead] == first_title and _repeats_header(cells, columns, table):
            continue  # the header row repeated (e.g. above a page break)
        if headed and _is_heading(layout, raw, lead):
            above = raw[lead].strip()
            continue
        kept.append(raw)
        rows_at.append(r)
        headings.append(above)
    return kept, rows_at, headings


def _headed(layout: Layout, names: list[str], fields: list) -> bool:
    """True for a table whose rows sit under heading rows (``Layout.heading``, read as its
    column is not on the sheet): the heading over a row is its value of that field."""
    heading = layout.heading
    if heading is None or not layout.headings or heading.name not in names:
        return False
    return all(f.name != heading.name for f, _, _ in fields)  # (its own column: the old shape)


def _is_heading(layout: Layout, raw: tuple[Any, ...], lead: int) -> bool:
    """True for a heading row: one of the layout's headings alone, in the first column."""
    text = raw[lead]
    if type(text) is not str or normalise_title(text) not in layout.headings:
        return False
    return all(v == "" or v is None or (type(v) is str and not v.strip())
               for n, v in enumerate(raw) if n != lead)  # fmt: skip


def _repeats_header(cells: list, fields: list, table: TableHeader) -> bool:
    """True for a row that is the header row again: its first column holds that column's
    title (as the caller has seen), and so do most of the others."""
    same = sum(j < len(cells) and cells[j] == table.written[f.name] for f, j in fields)
    return same * 2 > len(fields)
