"""A table row as the round holds it (``Plan.items``): a read-only mapping of field names to
values, compact because every row of one shape shares the table of its names' places.

A large round holds a few hundred thousand rows at once, each read by name (``row["status"]``,
``row.get("ref")``) until the workbook is written. As dicts, each row kept its own hash table
of names (a three-year task, 44 names: 1.6 KB); a ``Row`` keeps only its values, a tuple, and
points at its ``Names``, which every row with the same names in the same order shares (the
task: 0.45 KB). Adding to a row (its measures, how it changed since last round) makes a new
row, whose names are worked out once for all the rows that add the same ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import repeat
from operator import itemgetter
from typing import Any, ClassVar


class Names:
    """Field names in order, each with its place in a row's values: one for every row of a
    shape (``Names.of``), never changed."""

    __slots__ = ("_added", "places")
    _made: ClassVar[dict[tuple[str, ...], Names]] = {}

    def __init__(self, names: tuple[str, ...]) -> None:
        self.places = {name: place for place, name in enumerate(names)}
        # by the names added: the names after them, and the place of each added value among
        # them (None where every added name is new, and so goes on the end)
        self._added: dict[tuple[str, ...], tuple[Names, tuple[int, ...] | None]] = {}

    @classmethod
    def of(cls, names: tuple[str, ...]) -> Names:
        """The one ``Names`` for ``names`` in this order (shared by every row that has them)."""
        made = cls._made.get(names)
        if made is None:
            made = cls._made[names] = cls(names)
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return Names.of, (tuple(self.places),)

    def plus(self, added: tuple[str, ...]) -> tuple[Names, tuple[int, ...] | None]:
        """The names with ``added`` set (new ones on the end, as a dict does it), and the place
        of each added value among them (None where every one is new)."""
        found = self._added.get(added)
        if found is None:
            names = Names.of(tuple(dict.fromkeys((*self.places, *added))))
            new = not any(name in self.places for name in added)
            found = (names, None if new else tuple(names.places[n] for n in added))
            self._added[added] = found
        return found


class Row(Mapping[str, Any]):
    """One table row: its values by field name, read as a dict is read (``row["due"]``,
    ``row.get("ref")``, ``"ref" in row``, ``dict(row)``) and equal to the dict it holds."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: Names, values: tuple[Any, ...]) -> None:
        self._names = names
        self._values = values

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Row:
        """``values`` as a row (a row is given back as it is)."""
        if isinstance(values, Row):
            return values
        return cls(Names.of(tuple(values)), tuple(values.values()))

    def __getitem__(self, name: str) -> Any:
        return self._values[self._names.places[name]]

    def get(self, name: str, default: Any = None) -> Any:
        """The value of field ``name``, or ``default`` where the row has no such field."""
        place = self._names.places.get(name)
        return default if place is None else self._values[place]

    def __contains__(self, name: object) -> bool:
        return name in self._names.places

    def __iter__(self) -> Iterator[str]:
        return iter(self._names.places)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Row({dict(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return Row, (self._names, self._values)

    @property
    def names(self) -> Names:
        """Its names and their places (shared by every row of its shape)."""
        return self._names

    @property
    def held(self) -> tuple[Any, ...]:
        """Its values, in its names' order (``names.places`` says where each is)."""
        return self._values

    def plus(self, added: Mapping[str, Any]) -> Row:
        """A new row: this one with the values ``added`` (``{**row, **added}``, as a row)."""
        names, places = self._names.plus(tuple(added))
        if places is None:
            return Row(names, self._values + tuple(added.values()))
        return self._set(names, places, tuple(added.values()))

    def _set(self, names: Names, places: tuple[int, ...], added: tuple[Any, ...]) -> Row:
        """A new row of ``names``: this one's values, with ``added`` at ``places``."""
        values = list(self._values) + [None] * (len(names.places) - len(self._values))
        for place, value in zip(places, added):
            values[place] = value
        return Row(names, tuple(values))


class Block(Sequence[Row]):
    """Rows of one shape held as their values alone (a return's rows as read,
    ``returns.table_rows``, and what is added to them before they are a plan's rows): a
    ``Row`` is made of one only when it is read on its own. What a round works out from them
    (``picked``, ``field_values``, ``extended``) reads their values directly, so rows on their
    way to being a plan's are never made rows at all (a large round has 200,000)."""

    __slots__ = ("names", "values")

    def __init__(self, names: Names, values: list[tuple[Any, ...]]) -> None:
        self.names = names
        self.values = values

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [Row(self.names, values) for values in self.values[i]]
        return Row(self.names, self.values[i])

    def __iter__(self) -> Iterator[Row]:
        return map(Row, repeat(self.names), self.values)


# A large round works out the same few values for each of hundreds of thousands of rows: these
# read and add them a row at a time by place, the places worked out once for each shape of row
# (reading them by name, and adding them as a dict, was most of the time of putting it together).


def picked(rows: Iterable[Mapping[str, Any]], fields: tuple[str, ...]) -> Iterator[tuple]:
    """Each row's values of ``fields``, as a tuple (None for a field a row does not have)."""
    if type(rows) is Block:
        yield from map(_picker(rows.names, fields), rows.values)
        return
    shape: Names | None = None
    pick: Callable[[tuple[Any, ...]], tuple] = tuple
    for row in rows:
        if type(row) is not Row:
            yield tuple(row.get(name) for name in fields)
            continue
        if row._names is not shape:
            shape = row._names
            pick = _picker(shape, fields)
        yield pick(row._values)


def field_values(rows: Iterable[Mapping[str, Any]], name: str) -> Iterator[Any]:
    """Each row's value of field ``name`` (None for a row that does not have it)."""
    if type(rows) is Block:
        place = rows.names.places.get(name)
        yield from (
            repeat(None, len(rows)) if place is None else map(itemgetter(place), rows.values)
        )
        return
    shape: Names | None = None
    place: int | None = None
    for row in rows:
        if type(row) is not Row:
            yield row.get(name)
            continue
        if row._names is not shape:
            shape = row._names
            place = shape.places.get(name)
        yield None if place is None else row._values[place]


def _picker(names: Names, fields: tuple[str, ...]) -> Callable[[tuple[Any, ...]], tuple]:
    places = [names.places.get(name) for name in fields]
    if None in places:
        return lambda values: tuple(None if p is None else values[p] for p in places)
    if len(places) == 1:
        return lambda values: (values[places[0]],)
    return itemgetter(*places) if places else lambda values: ()


def extended(
    rows: Iterable[Mapping[str, Any]], added: tuple[str, ...], values: Iterable[tuple[Any, ...]]
) -> Sequence[Row]:
    """Each row with the fields ``added`` set to its tuple of ``values``, as a new row (as
    ``row.plus(dict(zip(added, its_values)))`` would make it): a list of rows, or for a
    ``Block``, a ``Block`` (still held as values)."""
    if type(rows) is Block:
        names, places = rows.names.plus(added)
        if places is None:  # (the usual case: every name added is new)
            return Block(names, [held + more for held, more in zip(rows.values, values,
                                                                    strict=True)])  # fmt: skip
    out = []
    shape: Names | None = None
    names, places = None, None
    for row, more in zip(rows, values, strict=True):
        if type(row) is not Row:
            row = Row.of(row)
        if row._names is not shape:
            shape = row._names
            names, places = shape.plus(added)
        if places is None:
            out.append(Row(names, row._values + more))
        else:
            out.append(row._set(names, places, more))
    return out
