"""What each kind of field means, in one table: how a value is read, when it is valid, how a
problem with it is put to a partner, and the example the template shows. The readers
themselves are by family: ``text`` (text, email addresses, closed lists), ``dates``,
``numbers``.

Reading is generous and checking is exact: ``read`` turns whatever a partner typed into the
value it most likely means and says what it guessed; a value it cannot read is passed on
untouched, so that the pandera check (``valid``) fails on it and the partner is told why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..declare.model import Field, Kind
from ..declare.quarters import quarter_label
from .dates import is_date, is_fy_quarter, read_date, read_fy_quarter, uk
from .numbers import (
    is_percent,
    is_quarter,
    is_whole,
    is_year,
    read_percent,
    read_quarter,
    read_whole,
    read_year,
    shown_number,
)
from .reading import Reader, Reading
from .text import (
    CELL_LIMIT,
    LINE_HEIGHT,
    cell_length,
    choose,
    fit_cell,
    fits_cell,
    in_list,
    is_email,
    is_text,
    read_choice,
    read_email,
    read_text,
    read_yes_no,
    wrapped_lines,
)


@dataclass(frozen=True)
class KindRule:
    """How one kind of field is read, checked and explained."""

    read: Reader
    valid: Callable[[Any], bool]
    rule: str  # the finding's rule id when ``valid`` fails
    problem: str  # completes "<Title> "<value>" ..." when ``valid`` fails
    example: str
    advice: str = "Please check it, and choose from the list next time."  # after a guess
    cell_format: str = "text"  # how a template's cell for it is formatted
    # what a template's cell for a field of it accepts (an xlsxwriter data validation, without
    # its error message: that is the rule's "what to do"), given the plan's first year where
    # that matters
    accepts: Callable[[Field, int | None], dict[str, Any]] | None = None
    # how the consolidated workbook writes it (``report.tables``' column kinds)
    written_as: str = "text"
    # the type of its column in an analyst's table (``pipeline.export``): text, date, integer,
    # number or boolean
    exported_as: str = "text"


def _between(kind: str, low: Any, high: Any) -> Callable[[Field, int | None], dict[str, Any]]:
    return lambda *_: {"validate": kind, "criteria": "between", "minimum": low, "maximum": high}


def _quarters(field: Field, plan_start: int | None) -> dict[str, Any]:
    last = field.most
    accepts = _between("integer", 1, last)(field, plan_start)
    if isinstance(plan_start, int):  # each quarter's months, as the partner knows them
        quarters = range(1, last + 1)
        months = "; ".join(f"{q} {quarter_label(plan_start, q)}" for q in quarters)
        accepts["error_message"] = f"Enter the plan quarter: {months}."[:255]
    return accepts


def is_blank(value: Any) -> bool:
    """True for None, NaN and strings of only white space."""
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    return isinstance(value, str) and not value.strip()


def read_value(raw: Any, field: Field) -> Reading:
    """Read one raw cell value for ``field``; blanks read as None."""
    if is_blank(raw):
        return Reading(None)
    return KINDS[field.kind].read(raw, field)


def reader(field: Field) -> Readings:
    """``read_value`` for one field, looked up once (for reading many rows): see
    ``Readings``."""
    return Readings(field)


class Readings(dict[Any, Any]):
    """One field's values as read from those met in a file: ``readings[raw]`` for a text,
    ``readings[(type(raw), raw)]`` for any other value (1, 1.0 and True are equal, and read
    differently); the raw value must not be None or "". What was guessed reading one is in
    ``guessed``, by the same key. A value met again in a file (a status, a date, a lead
    officer's name) is read once and shared: a reading is the same every time, and a large
    round holds each such value once, not once a row. (A dict: a value met again costs a
    lookup, not a call.) A value met in an earlier file of the same process is not read again
    either (``_met``): the same statuses and dates recur from one return to the next."""

    def __init__(self, field: Field) -> None:
        super().__init__()
        self.field, self.read = field, KINDS[field.kind].read
        self.keep = field.kind is not Kind.LONG_TEXT  # (a paragraph: each its own)
        self.met = _met(field) if self.keep else {}
        self.guessed: dict[Any, str] = {}

    def __missing__(self, key: Any) -> Any:
        reading = self.met.get(key)
        if reading is None:
            raw = key[1] if type(key) is tuple else key
            if type(raw) is str and not raw.strip():
                return None
            reading = self.read(raw, self.field)
            if self.keep and len(self.met) < _MET:
                self.met[key] = reading
        if reading.guess:
            self.guessed[key] = reading.guess
        if self.keep and len(self) < _REMEMBERED:
            self[key] = reading.value
        return reading.value


_REMEMBERED = 1024  # values remembered per field and file
# readings remembered per field across the files one process reads (a worker keeps them all
# the round: bounded, as each holds its raw value and its reading)
_MET = 1024
_MET_BY_FIELD: dict[Field, dict[Any, Reading]] = {}


def _met(field: Field) -> dict[Any, Reading]:
    """The readings of ``field``'s values met in earlier files (equal fields read alike)."""
    met = _MET_BY_FIELD.get(field)
    if met is None:
        if len(_MET_BY_FIELD) >= _MET_FIELDS:
            _MET_BY_FIELD.clear()  # (fields made on the fly, as tests do: keep it bounded)
        met = _MET_BY_FIELD[field] = {}
    return met


_MET_FIELDS = 256


KINDS: dict[Kind, KindRule] = {
    Kind.FY_QUARTER: KindRule(
        read_fy_quarter,
        is_fy_quarter,
        "not-a-financial-quarter",
        "is not a financial year and quarter: enter one such as 2017/18 Q3",
        "2017/18 Q3",
        "Please check it, and write it as 2017/18 Q3 next time.",
    ),
    Kind.TEXT: KindRule(read_text, is_text, "not-text", "is not text", "text"),
    Kind.LONG_TEXT: KindRule(
        read_text, is_text, "not-text", "is not text", "a few sentences", written_as="long"
    ),
    Kind.DATE: KindRule(
        read_date,
        is_date,
        "not-a-date",
        "is not a date: enter a date such as 31/10/2008",
        "31/10/2008",
        "Please check it, and enter dates as dates (e.g. 31/10/2008) so that Excel knows them.",
        "date",
        _between("date", date(1990, 1, 1), date(2100, 12, 31)),
        written_as="date",
        exported_as="date",
    ),
    Kind.WHOLE_NUMBER: KindRule(
        read_whole,
        is_whole,
        "not-a-whole-number",
        "is not a whole number of 0 or more: enter a number such as 25",
        "25",
        "Please check it, and enter just the number next time.",
        "number",
        lambda *_: {"validate": "integer", "criteria": ">=", "value": 0},
        written_as="int",
        exported_as="integer",
    ),
    Kind.PERCENT: KindRule(
        read_percent,
        is_percent,
        "not-a-percentage",
        "is not a percentage: enter a number such as 6 for 6%",
        "6",
        "Please check it, and enter just the number next time.",
        "decimal",
        _between("decimal", 0, 100),
        written_as="number",
        exported_as="number",
    ),
    Kind.EMAIL: KindRule(
        read_email,
        is_email,
        "not-an-email",
        "is not an email address: enter one such as name@example.gov.uk",
        "name@example.gov.uk",
        "Please check it, and enter just the address next time.",
    ),
    Kind.CHOICE: KindRule(
        read_choice,
        lambda v: True,  # membership is tested per field: see valid_check
        "not-in-list",
        "is not one of {choices}: choose one from the list",
        "one from the list",
    ),
    Kind.YES_NO: KindRule(
        read_yes_no,
        lambda v: v in ("Yes", "No"),
        "not-yes-no",
        "is not Yes or No: put Yes, No or leave it blank",
        "Yes",
        accepts=lambda *_: {"validate": "list", "source": ["Yes", "No"]},
        exported_as="boolean",
    ),
    Kind.QUARTER: KindRule(
        read_quarter,
        is_quarter,
        "not-a-quarter",
        "is not a plan quarter: enter a number from 1 to {most}",
        "5",
        cell_format="number",
        accepts=_quarters,
        written_as="int",
        exported_as="integer",
    ),
    Kind.YEAR: KindRule(
        read_year,
        is_year,
        "not-a-year",
        "is not a financial year: enter the year the plan starts, e.g. 2006",
        "2006",
        cell_format="number",
        accepts=_between("integer", 1990, 2100),
        written_as="int",
        exported_as="integer",
    ),
}


def advice(field: Field) -> str:
    """What to tell a partner after we guessed what they meant."""
    return KINDS[field.kind].advice


def valid_check(field: Field) -> Callable[[Any], bool]:
    """The element-wise validity test for ``field`` (closed lists test membership)."""
    if field.kind is Kind.CHOICE:
        return in_list(field)
    if field.kind is Kind.QUARTER:  # one of its plan's quarters
        return lambda value: is_quarter(value, field.most)
    return KINDS[field.kind].valid


def problem_sentence(field: Field, value: Any) -> str:
    """The sentence telling a partner what is wrong with ``value`` and what to put instead."""
    problem = KINDS[field.kind].problem
    if field.choices is not None:
        problem = problem.format(choices=", ".join(field.choices.values))
    elif field.kind is Kind.QUARTER:
        problem = problem.format(most=field.most)
    return f'{field.title} "{" ".join(str(value).split())[:60]}" {problem}.'


__all__ = [
    "CELL_LIMIT",
    "KINDS",
    "LINE_HEIGHT",
    "KindRule",
    "Reader",
    "Reading",
    "Readings",
    "advice",
    "cell_length",
    "choose",
    "fit_cell",
    "fits_cell",
    "is_blank",
    "problem_sentence",
    "read_value",
    "reader",
    "shown_number",
    "uk",
    "valid_check",
    "wrapped_lines",
]
