"""The words a rule's in-template form is written in (``rules.Rule.in_template``): a ``Check``
on one field, references to a template's cells, and the few spreadsheet functions every check
is made of.

A check is a formula that is TRUE where its rule is broken. It is written once, as a Python
function of ``Terms``, and read twice: for the conditional format that colours the cell (on the
plan sheet, relative to the first row of the table: ``$B20``) and for the Ready to send box's
list (on the checks sheet, one row of the table at a time, named with its sheet:
``'Action Plan'!$B23``). So the colour and the count cannot say different things.

Only functions Excel 2016 and LibreOffice both compute, with no array entered by hand:
AND, OR, NOT, IF, IFERROR, ISNUMBER, ISNA, ISLOGICAL, LEN, TRIM, EXACT, LEFT, MID, RIGHT,
FIND, SUBSTITUTE, LOWER, CHAR, ROW, COLUMN, INT, MOD, ROUND, MAX, MIN, DATE, YEAR, MONTH,
TODAY, MATCH, INDEX, LOOKUP and SUMPRODUCT (the last two take arrays of their own, as they do
in every version). No dynamic arrays, no LET, LAMBDA, FILTER or TEXTJOIN, no reference to
another workbook. A conditional format may not name another sheet in Excel's file format, so
whatever a check needs from the checks sheet (a list, a total) it reaches by a defined name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .findings import cell_address, column_letter

if TYPE_CHECKING:
    from .model import Layout

PREFIX = "chk_"  # every defined name the checks make (a template's own: ``returns.CHECK_NAMES``)
LIMIT = 255  # the longest formula Excel's conditional formatting takes


@dataclass(frozen=True)
class Place:
    """Where a template puts its cells: each header field's value (zero-based row and column),
    each table column, the row of the column titles, the table's first and last rows, and the
    rows between them that are headings (``Layout.heading``), which nothing checks."""

    sheet: str
    header: dict[str, tuple[int, int]]
    columns: dict[str, int]
    titles: int
    first: int
    last: int
    headings: frozenset[int] = frozenset()

    @property
    def rows(self) -> list[int]:
        """The table's rows that are checked: all from its first to its last, but headings."""
        return [r for r in range(self.first, self.last + 1) if r not in self.headings]

    def runs(self) -> list[tuple[int, int]]:
        """The table's checked rows as runs of adjacent rows: (first, last) each."""
        runs: list[tuple[int, int]] = []
        for r in self.rows:
            if runs and runs[-1][1] == r - 1:
                runs[-1] = (runs[-1][0], r)
            else:
                runs.append((r, r))
        return runs

    @property
    def qualifier(self) -> str:
        """The sheet's name as a formula names it: ``'Action Plan'!``."""
        return "'" + self.sheet.replace("'", "''") + "'!"


@dataclass(frozen=True)
class Check:
    """One rule's in-template form on one field (``field``: a header field, or a table column
    checked row by row; None for the plan as a whole): the formula TRUE where the rule is
    broken (``when``, of ``Terms``), and what is wrong (``says``, ``{title}`` standing for the
    field's title). With ``at_title``, it colours the column's title cell, once, rather than
    its rows. ``rule`` is the ``rules.Rule`` whose form made it (set by whoever collects the
    forms: a form is written before its rule)."""

    field: str | None
    when: Callable[[Terms], str]
    says: str
    at_title: bool = False
    rule: Any = None


# A rule's in-template form: (the layout, whether the template is made for one organisation)
# -> the checks a template of it makes of itself
Form = Callable[["Layout", bool], Iterable[Check]]


@dataclass
class Workings:
    """What the checks of one template need beside them on the checks sheet: closed lists
    (values -> defined name), facts worked out for every row of the table and added up (name
    -> formula of one row), and plan-wide formulas (name -> formula)."""

    lists: dict[tuple[str, ...], str] = field(default_factory=dict)
    facts: dict[str, Callable[[Terms], str]] = field(default_factory=dict)
    named: dict[str, Callable[[Terms], str]] = field(default_factory=dict)

    def list_name(self, values: Sequence[str]) -> str:
        """The defined name of a closed list (made the first time it is asked for)."""
        return self.lists.setdefault(tuple(values), f"{PREFIX}list{len(self.lists) + 1}")


class Terms:
    """References and tests for one cell of a template: a header field's, or one row's of the
    table (``row``); on the plan sheet itself (``qualified=False``) or from another sheet."""

    def __init__(self, place: Place, workings: Workings, row: int | None = None,
                 qualified: bool = False) -> None:  # fmt: skip
        self.place, self.workings, self.row = place, workings, row
        self.prefix = place.qualifier if qualified else ""

    # --- cells ---------------------------------------------------------------------------------

    def __call__(self, name: str) -> str:
        """The reference to field ``name``: its header cell (``$C$7``), or its cell in this
        row (``$B23``)."""
        if name in self.place.header:
            row, col = self.place.header[name]
            return f"{self.prefix}${column_letter(col)}${row + 1}"
        return f"{self.prefix}${column_letter(self.place.columns[name])}{self._row() + 1}"

    def span(self, first: str, last: str) -> str:
        """This row's cells from column ``first`` to column ``last``: ``$F23:$Q23``."""
        row = self._row() + 1
        a, b = (column_letter(self.place.columns[n]) for n in (first, last))
        return f"{self.prefix}${a}{row}:${b}{row}"

    def column(self, name: str) -> int:
        """Column ``name``'s number, from 1 (as COLUMN() gives it: partners insert rows, never
        columns)."""
        return self.place.columns[name] + 1

    def title(self, name: str) -> str:
        """The address of column ``name``'s title cell: ``Q12``."""
        return cell_address(self.place.titles, self.place.columns[name])

    def where(self, name: str) -> str:
        """The address a finding names for field ``name`` here: ``C7``, ``B23``."""
        if name in self.place.header:
            return cell_address(*self.place.header[name])
        return cell_address(self._row(), self.place.columns[name])

    def _row(self) -> int:
        if self.row is None:
            raise ValueError("a table column is only named in one of the table's rows")
        return self.row

    # --- tests -----------------------------------------------------------------------------------

    def blank(self, name: str) -> str:
        """TRUE where field ``name`` holds nothing but spaces."""
        return f"LEN(TRIM({self(name)}))=0"

    def filled(self, name: str) -> str:
        """TRUE where field ``name`` holds something."""
        return f"LEN(TRIM({self(name)}))>0"

    @property
    def used(self) -> str:
        """TRUE where this row of the table holds anything (the loader skips a blank row)."""
        columns = list(self.place.columns)
        return f"SUMPRODUCT(LEN(TRIM({self.span(columns[0], columns[-1])})))>0"

    def one_of(self, name: str, values: Sequence[str]) -> str:
        """TRUE where field ``name`` is one of ``values`` (ignoring case and outer spaces)."""
        return self.among(f"TRIM({self(name)})", values)

    def among(self, text: str, values: Sequence[str]) -> str:
        """TRUE where the formula ``text`` gives one of ``values``."""
        if len(values) == 1:
            return f"{text}={quoted(values[0])}"
        # (a comparison, not MATCH: MATCH reads * and ? in what was typed as wildcards)
        return f"SUMPRODUCT(--({text}={self.workings.list_name(values)}))>0"

    def is_date(self, name: str) -> str:
        """TRUE where field ``name`` holds a date (a number, as a date cell holds one)."""
        return f"ISNUMBER({self(name)})"

    def list_of(self, values: Sequence[str]) -> str:
        """The defined name of a closed list."""
        return self.workings.list_name(values)

    # --- what the checks sheet works out -------------------------------------------------------

    def total(self, fact: str, of_row: Callable[[Terms], str]) -> str:
        """The defined name of a fact added up over the table's rows: ``of_row`` gives it for
        one row (a number, or TRUE counted as 1)."""
        self.workings.facts.setdefault(fact, of_row)
        return f"{PREFIX}{fact}"

    def named(self, key: str, formula: Callable[[Terms], str]) -> str:
        """The defined name of a plan-wide formula (of header cells and totals)."""
        self.workings.named.setdefault(key, formula)
        return f"{PREFIX}{key}"


def quoted(text: str) -> str:
    """``text`` as a formula's string: ``"Red"``."""
    return '"' + text.replace('"', '""') + '"'


def both(*tests: str) -> str:
    """TRUE where every one of ``tests`` is."""
    return tests[0] if len(tests) == 1 else f"AND({','.join(tests)})"


def either(*tests: str) -> str:
    """TRUE where any of ``tests`` is."""
    return tests[0] if len(tests) == 1 else f"OR({','.join(tests)})"
