"""What a report's table is, as plain data: the kinds of value a column holds, a column (its
title, width, kind and how to get its value from one item), the criteria that colour a value
meaning trouble, and a table of such columns and its rows."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..declare.rows import Names, Row
from ..round import travel

TEXT, LONG, DATE, INT, NUMBER, RAG = "text", "long", "date", "int", "number", "rag"
PERCENT = "percent"  # a share from 0 to 1, shown as 78%
TRAIL = "trail"  # positions round by round, "A A G R", each letter in its RAG colour
EMAIL = "email"  # an email address, written as a mailto: link
NOT_SENT = "–"  # a round with no return, in a trail
NUMERIC = (INT, NUMBER, PERCENT)


@dataclass(frozen=True)
class Col:
    """A column: its title, how wide, what kind of value, and how to get it from an item."""

    title: str
    width: float = 14
    kind: str = TEXT
    get: Callable[[Any], Any] | None = None
    # when a value means trouble, as an xlsxwriter conditional format's criteria: coloured
    alarm: dict[str, Any] | None = None
    # a value's RAG colour (a RAG column's values are their own), from its closed list
    colours: Mapping[str, str] | None = None
    # False: kept on screen but not printed (where a row came from, how it changed): such
    # columns go last in their table, and the print area stops before them
    on_paper: bool = True
    # the field of a row it shows, of an item (plan, row): its ``get`` is then, unless given,
    # ``item[1].get(field)``, and a table of rows reads it by its place in the row
    field: str | None = None

    def __post_init__(self) -> None:
        if self.get is None and self.field is not None:
            object.__setattr__(self, "get", _field_getter(self.field))

    @property
    def by_place(self) -> str | None:
        """The field whose place in a row gives its value (None: got by its ``get``)."""
        field = self.field
        return field if field is not None and self.get is _field_getter(field) else None


@functools.cache
def _field_getter(name: str) -> Callable[[Any], Any]:
    return lambda item: item[1].get(name)


ABOVE_ZERO = {"type": "cell", "criteria": ">", "value": 0}
WORSENING = {"type": "text", "criteria": "containing", "value": travel.WORSENING}
SAYS_NO = {"type": "cell", "criteria": "==", "value": '"No"'}
SAYS_YES = {"type": "cell", "criteria": "==", "value": '"Yes"'}


class Table:
    """A sheet's table: its name, its columns, and its rows, either given as tuples or got
    from ``items`` one at a time as they are written (so a large round is never held twice).
    The columns printed come first, those kept for the screen alone (``Col.on_paper``) last,
    whatever order they are given in."""

    def __init__(
        self,
        sheet: str,
        columns: Sequence[Col],
        rows: Sequence[tuple[Any, ...]] = (),
        items: Sequence[Any] | None = None,
    ) -> None:
        order = [j for j, c in enumerate(columns) if c.on_paper]
        order += [j for j, c in enumerate(columns) if not c.on_paper]
        self.sheet, self.columns = sheet, [columns[j] for j in order]
        if order != sorted(order):
            rows = [tuple(row[j] for j in order) for row in rows]
        self._rows, self._items = list(rows), items

    def with_columns(self, columns: Sequence[Col]) -> Table:
        """This table with ``columns`` in place of its own (as many, in the same order)."""
        return Table(self.sheet, columns, self._rows, self._items)

    @property
    def printed(self) -> int:
        """How many of its columns, from the first, are printed."""
        return sum(c.on_paper for c in self.columns)

    @classmethod
    def of(cls, sheet: str, columns: Sequence[Col], items: Iterable[Any]) -> Table:
        """A table with one row per item, each value got by its column."""
        return cls(sheet, columns, items=list(items))

    def __len__(self) -> int:
        return len(self._items) if self._items is not None else len(self._rows)

    def iter_rows(self) -> Iterator[tuple[Any, ...]]:
        """The rows, in order, each a tuple in column order."""
        if self._items is None:
            return iter(self._rows)
        if not any(c.by_place for c in self.columns):
            return map(_row_maker(self.columns), self._items)
        return _rows_by_shape(self.columns, self._items)

    @property
    def rows(self) -> list[tuple[Any, ...]]:
        """All the rows (built on each call for item tables: fine for small ones)."""
        return list(self.iter_rows())

    def records(self) -> list[dict[str, Any]]:
        """Rows as dicts keyed by column title."""
        titles = [c.title for c in self.columns]
        return [dict(zip(titles, row)) for row in self.iter_rows()]


def _rows_by_shape(columns: Sequence[Col], items: Iterable[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of items (plan, row), made by one function for each shape of row met
    (``_row_maker``); an item whose row is not a ``Row`` has each value got by its column."""
    makers: dict[Names, Callable[[Any, tuple[Any, ...]], tuple[Any, ...]]] = {}
    plainly = _row_maker(columns)
    for item in items:
        row = item[1]
        if type(row) is not Row:
            yield plainly(item)
            continue
        make = makers.get(row.names)
        if make is None:
            make = makers[row.names] = _row_maker(columns, row.names)
        yield make(item, row.held)


def _row_maker(
    columns: Sequence[Col], names: Names | None = None
) -> Callable[..., tuple[Any, ...]]:
    """A function making a table's row from an item (plan, row) whose row has ``names``, and
    that row's values: a field's value taken by its place, any other got by its column (with
    no ``names``, from the item alone, each value got by its column).

    (Hot: a national round's rows sheets are a few million cells. Written out as one
    expression, as ``dataclasses`` writes its methods, a row is a single call; got column by
    column, it was a call and a lookup by name for every cell.)"""
    parts, getters = [], {}
    for j, column in enumerate(columns):
        field = column.by_place if names is not None else None
        if field is None:
            getters[f"get{j}"] = column.get
            parts.append(f"get{j}(item)")
        else:
            place = names.places.get(field)
            parts.append("None" if place is None else f"held[{place}]")
    arguments = "item" if names is None else "item, held"
    source = f"lambda {arguments}: ({''.join(f'{part}, ' for part in parts)})"
    return eval(_compiled(source), getters)


@functools.cache
def _compiled(source: str) -> Any:
    """``source`` compiled once: a small round's sheet per organisation each has a table of
    the same few shapes, and compiling was most of making a row maker."""
    return compile(source, "<row maker>", "eval")
