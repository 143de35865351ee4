"""What each kind of field means, in one table: how a value is read, when it is valid, how a
problem with it is put to a partner, and the example the template shows.

Reading is generous and checking is exact: ``read`` turns whatever a partner typed into the
value it most likely means and says what it guessed; a value it cannot read is passed on
untouched, so that the pandera check (``valid``) fails on it and the partner is told why.
"""

from __future__ import annotations

import calendar
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from .findings import shown
from .layouts.model import ClosedList, Field, Kind, normalise_title
from .layouts.quarters import PLAN_QUARTERS, financial_quarter_period, quarter_label


@dataclass(frozen=True)
class Reading:
    """A value as read: the value to use and, when we had to guess, what we guessed."""

    value: Any
    guess: str | None = None


Reader = Callable[[Any, Field], Reading]


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
    # what a template's cell for it accepts (an xlsxwriter data validation, without its error
    # message: that is the rule's "what to do"), given the plan's first year where that matters
    accepts: Callable[[int | None], dict[str, Any]] | None = None


def _between(kind: str, low: Any, high: Any) -> Callable[[int | None], dict[str, Any]]:
    return lambda _: {"validate": kind, "criteria": "between", "minimum": low, "maximum": high}


def _quarters(plan_start: int | None) -> dict[str, Any]:
    accepts = _between("integer", 1, PLAN_QUARTERS)(plan_start)
    if isinstance(plan_start, int):  # each quarter's months, as the partner knows them
        quarters = range(1, PLAN_QUARTERS + 1)
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


def reader(field: Field) -> Callable[[Any], Reading]:
    """``read_value`` for one field, looked up once (for reading many rows); the raw value
    must not be None or ""."""
    read = KINDS[field.kind].read

    def read_one(raw: Any) -> Reading:
        if type(raw) is str and not raw.strip():
            return Reading(None)
        return read(raw, field)

    return read_one


# --- text -----------------------------------------------------------------------------------

CELL_LIMIT = 32_767  # the most text a spreadsheet cell holds (Excel's limit)


def cell_length(text: str) -> int:
    """How long ``text`` is as Excel counts: in UTF-16 units, so an emoji counts as two."""
    if len(text) <= CELL_LIMIT // 2:  # cannot be over the limit: skip the slower count
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def fits_cell(text: str) -> bool:
    """Whether ``text`` fits in one spreadsheet cell."""
    return len(text) <= CELL_LIMIT // 2 or cell_length(text) <= CELL_LIMIT


def fit_cell(text: str) -> str:
    """``text`` cut to fit one spreadsheet cell, ending in "…" when it was cut."""
    if fits_cell(text):
        return text
    if cell_length(text) == len(text):  # no character counts twice
        return text[: CELL_LIMIT - 1] + "…"
    length = 0
    for index, char in enumerate(text):
        length += 2 if ord(char) > 0xFFFF else 1
        if length > CELL_LIMIT - 1:  # room is left for the "…"
            return text[:index] + "…"
    return text  # (not reached: the text does not fit)


_UNTIDY = re.compile(r"\s\s|[^\S ]")  # two spaces running, or a tab, newline, nbsp...


def _read_text(raw: Any, field: Field) -> Reading:
    if type(raw) is str:  # the usual case, first
        text = raw.strip()
        if field.kind is Kind.LONG_TEXT or not _UNTIDY.search(text):
            return Reading(text)
        return Reading(" ".join(text.split()))
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        return Reading(raw.strftime("%d/%m/%Y"))
    text = str(raw).strip()
    return Reading(text if field.kind is Kind.LONG_TEXT else " ".join(text.split()))


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


# --- dates ------------------------------------------------------------------------------------

_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL_RANGE = (18264, 73051)  # 1950-01-01 .. 2099-12-31
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_FY_QUARTER = re.compile(r"^q(?:uarter)?\s*([1-4])\s*(\d{4})\s*[/\-]\s*(\d{2}|\d{4})$")
_FY_QUARTER_AFTER = re.compile(r"^(\d{4})\s*[/\-]\s*(\d{2}|\d{4})\s*q(?:uarter)?\s*([1-4])$")
_NAMED_DAY_FORMATS = ("%d %b %Y", "%d %B %Y", "%d %b %y", "%d %B %y", "%b %d %Y", "%B %d %Y")
_MONTH_FORMATS = ("%b %Y", "%B %Y", "%b %y", "%B %y")


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _period(first: date, last: date, field: Field) -> date:
    return last if field.period_end else first


def _parse_date_text(text: str, field: Field) -> date | None:
    """A UK-style date written as text, or None when it is not one (31/02/2008 is not)."""
    folded = " ".join(text.lower().replace(",", " ").split())
    if m := _DMY.match(folded):
        return _safe_date(_year(m[3]), int(m[2]), int(m[1]))
    if m := _ISO.match(folded):
        return _safe_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _FY_QUARTER.match(folded):
        return _fy_quarter(int(m[2]), int(m[1]), field)
    if m := _FY_QUARTER_AFTER.match(folded):
        return _fy_quarter(int(m[1]), int(m[3]), field)
    stripped = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", folded).title()
    for fmt in _NAMED_DAY_FORMATS:
        try:
            return datetime.strptime(stripped, fmt).date()
        except ValueError:
            pass
    for fmt in _MONTH_FORMATS:
        try:
            first = datetime.strptime(stripped, fmt).date()
        except ValueError:
            continue
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        return _period(first, last, field)
    return None


def _fy_quarter(year: int, quarter: int, field: Field) -> date:
    first, last = financial_quarter_period(year, quarter)
    return _period(first, last, field)


def _read_date(raw: Any, field: Field) -> Reading:
    if isinstance(raw, datetime):
        return Reading(raw.date())
    if isinstance(raw, date):
        return Reading(raw)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if _SERIAL_RANGE[0] <= raw <= _SERIAL_RANGE[1]:
            day = _EXCEL_EPOCH + timedelta(days=int(raw))
            return Reading(day, f"read the number {shown_number(raw)} as the date {uk(day)}")
        return Reading(raw)
    text = str(raw).strip()
    parsed = _parse_date_text(text, field)
    if parsed is None:
        return Reading(text)
    return Reading(parsed, f'read the text "{text}" as the date {uk(parsed)}')


def uk(day: date) -> str:
    """A date as partners write it: 31/10/2008."""
    return day.strftime("%d/%m/%Y")


def shown_number(value: float) -> str:
    """A number without a needless ``.0``."""
    return str(int(value)) if float(value).is_integer() else str(value)


def _is_date(value: Any) -> bool:
    return isinstance(value, date)


# --- numbers ---------------------------------------------------------------------------------

_LEADING_NUMBER = re.compile(
    r"^(?P<hedge>c\.?|ca\.?|circa|approx\.?|approximately|about|around|~)?\s*"
    r"(?P<number>-?\d[\d,]*(?:\.\d+)?)\s*%?(?P<rest>.*)$"
)


def _number_in(text: str) -> tuple[float, bool] | None:
    """The number a text starts with, and whether it came with words around it."""
    m = _LEADING_NUMBER.match(text.strip().lower())
    if m is None:
        return None
    number = float(m["number"].replace(",", ""))
    return number, bool(m["hedge"]) or bool(m["rest"].strip())


def _read_whole(raw: Any, field: Field) -> Reading:
    if isinstance(raw, bool):
        return Reading(raw)
    if isinstance(raw, int):
        return Reading(raw)
    if isinstance(raw, float):
        return Reading(int(raw)) if raw.is_integer() else Reading(raw)
    text = str(raw).strip()
    found = _number_in(text)
    if found is None or not found[0].is_integer():
        return Reading(text)
    number, extra = found
    guess = f'read "{shown(text)}" as {int(number)}' if extra else None
    return Reading(int(number), guess)


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _read_percent(raw: Any, field: Field) -> Reading:
    if isinstance(raw, bool):
        return Reading(raw)
    if isinstance(raw, int | float):
        if 0 < raw < 1:
            pct = round(raw * 100, 6)
            return Reading(pct, f"read {shown_number(raw)} as {shown_number(pct)}%")
        return Reading(float(raw))
    text = str(raw).strip()
    found = _number_in(text)
    if found is None:
        return Reading(text)
    number, extra = found
    guess = f'read "{shown(text)}" as {shown_number(number)}%' if extra else None
    return Reading(number, guess)


def _is_percent(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 100


def _read_year(raw: Any, field: Field) -> Reading:
    if isinstance(raw, int | float) and not isinstance(raw, bool) and float(raw).is_integer():
        return Reading(int(raw))
    text = str(raw).strip()
    if m := re.match(r"^(\d{4})(?:\s*[/\-]\s*(\d{2}|\d{4}))?$", text):
        return Reading(int(m[1]))
    return Reading(text)


def _is_year(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1990 <= value <= 2100


def _read_quarter(raw: Any, field: Field) -> Reading:
    if isinstance(raw, int | float) and not isinstance(raw, bool) and float(raw).is_integer():
        return Reading(int(raw))
    text = str(raw).strip()
    if m := re.match(r"^(?:q|quarter)?\s*(\d{1,2})(?!\d)", text.lower()):
        return Reading(int(m[1]))
    return Reading(text)


def _is_quarter(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= PLAN_QUARTERS


# --- email -----------------------------------------------------------------------------------

_EMAIL = re.compile(r"^[^@\s<>(),;:\"]+@[^@\s<>(),;:\"]+\.[a-z]{2,}$", re.IGNORECASE)


def _read_email(raw: Any, field: Field) -> Reading:
    text = str(raw).strip()
    if text.lower().startswith("mailto:"):
        address = text[7:].strip()
        return Reading(address, f'read "{shown(text)}" as {shown(address)}')
    return Reading(text)


def _is_email(value: Any) -> bool:
    return isinstance(value, str) and _EMAIL.match(value) is not None


# --- closed lists ----------------------------------------------------------------------------

_YES = {"yes", "y", "x", "true", "1", "ticked", "tick", "✓", "✔", "√"}
_NO = {"no", "n", "false", "0", "none"}


def choose(text: str, choices: ClosedList) -> Reading:
    """The closed-list value a text means: exact (ignoring case), a synonym, or a near miss."""
    key = normalise_title(text)
    exact, synonyms = choices.exact, choices.folded_synonyms
    if key in exact:
        return Reading(exact[key])
    if key in synonyms:
        return Reading(synonyms[key], f'read "{text}" as "{synonyms[key]}"')
    close = difflib.get_close_matches(key, [*exact, *synonyms], n=1, cutoff=0.8)
    if close:
        value = exact.get(close[0]) or synonyms[close[0]]
        return Reading(value, f'read "{text}" as "{value}"')
    return Reading(text)


def _read_choice(raw: Any, field: Field) -> Reading:
    assert field.choices is not None  # guaranteed by Field.__post_init__
    return choose(_read_text(raw, field).value, field.choices)


def _read_yes_no(raw: Any, field: Field) -> Reading:
    if isinstance(raw, bool):
        return Reading("Yes" if raw else "No")
    text = _read_text(raw, field).value
    folded = text.strip().lower()
    if folded in _YES:
        return Reading("Yes", None if folded == "yes" else f'read "{text}" as "Yes"')
    if folded in _NO:
        return Reading("No", None if folded == "no" else f'read "{text}" as "No"')
    return Reading(text)


def _in_list(field: Field) -> Callable[[Any], bool]:
    assert field.choices is not None
    allowed = frozenset(field.choices.values)
    return allowed.__contains__


KINDS: dict[Kind, KindRule] = {
    Kind.TEXT: KindRule(_read_text, _is_text, "not-text", "is not text", "text"),
    Kind.LONG_TEXT: KindRule(_read_text, _is_text, "not-text", "is not text", "a few sentences"),
    Kind.DATE: KindRule(
        _read_date,
        _is_date,
        "not-a-date",
        "is not a date: enter a date such as 31/10/2008",
        "31/10/2008",
        "Please check it, and enter dates as dates (e.g. 31/10/2008) so that Excel knows them.",
        "date",
        _between("date", date(1990, 1, 1), date(2100, 12, 31)),
    ),
    Kind.WHOLE_NUMBER: KindRule(
        _read_whole,
        _is_whole,
        "not-a-whole-number",
        "is not a whole number of 0 or more: enter a number such as 25",
        "25",
        "Please check it, and enter just the number next time.",
        "number",
        lambda _: {"validate": "integer", "criteria": ">=", "value": 0},
    ),
    Kind.PERCENT: KindRule(
        _read_percent,
        _is_percent,
        "not-a-percentage",
        "is not a percentage: enter a number such as 6 for 6%",
        "6",
        "Please check it, and enter just the number next time.",
        "decimal",
        _between("decimal", 0, 100),
    ),
    Kind.EMAIL: KindRule(
        _read_email,
        _is_email,
        "not-an-email",
        "is not an email address: enter one such as name@example.gov.uk",
        "name@example.gov.uk",
        "Please check it, and enter just the address next time.",
    ),
    Kind.CHOICE: KindRule(
        _read_choice,
        lambda v: True,  # membership is tested per field: see valid_check
        "not-in-list",
        "is not one of {choices}: choose one from the list",
        "one from the list",
    ),
    Kind.YES_NO: KindRule(
        _read_yes_no,
        lambda v: v in ("Yes", "No"),
        "not-yes-no",
        "is not Yes or No: put Yes, No or leave it blank",
        "Yes",
        accepts=lambda _: {"validate": "list", "source": ["Yes", "No"]},
    ),
    Kind.QUARTER: KindRule(
        _read_quarter,
        _is_quarter,
        "not-a-quarter",
        "is not a plan quarter: enter a number from 1 to 12",
        "5",
        cell_format="number",
        accepts=_quarters,
    ),
    Kind.YEAR: KindRule(
        _read_year,
        _is_year,
        "not-a-year",
        "is not a financial year: enter the year the plan starts, e.g. 2006",
        "2006",
        cell_format="number",
        accepts=_between("integer", 1990, 2100),
    ),
}


def advice(field: Field) -> str:
    """What to tell a partner after we guessed what they meant."""
    return KINDS[field.kind].advice


def valid_check(field: Field) -> Callable[[Any], bool]:
    """The element-wise validity test for ``field`` (closed lists test membership)."""
    return _in_list(field) if field.kind is Kind.CHOICE else KINDS[field.kind].valid


def problem_sentence(field: Field, value: Any) -> str:
    """The sentence telling a partner what is wrong with ``value`` and what to put instead."""
    problem = KINDS[field.kind].problem
    if field.choices is not None:
        problem = problem.format(choices=", ".join(field.choices.values))
    return f'{field.title} "{" ".join(str(value).split())[:60]}" {problem}.'
