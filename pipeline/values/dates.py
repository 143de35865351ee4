"""Reading dates however they were typed (Excel serials, day/month/year, month names,
financial quarters), and writing them the British way."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from typing import Any

from ..declare.findings import shown
from ..declare.model import Field
from ..declare.quarters import financial_quarter_name, financial_quarter_period
from .numbers import shown_number
from .reading import Reading

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


def financial_quarter(text: str) -> tuple[int, int] | None:
    """The (first year, quarter) that a text such as ``2017/18 Q3``, ``Q3 2017-18`` or
    ``quarter 3 2017/2018`` names, or None (the second year must follow the first)."""
    folded = " ".join(text.lower().replace(",", " ").split())
    if m := _FY_QUARTER.match(folded):
        year, quarter, second = int(m[2]), int(m[1]), m[3]
    elif m := _FY_QUARTER_AFTER.match(folded):
        year, quarter, second = int(m[1]), int(m[3]), m[2]
    else:
        return None
    return (year, quarter) if _year(second) == year + 1 else None


def read_fy_quarter(raw: Any, field: Field) -> Reading:
    """A financial year's quarter, written the Board's way (``2017/18 Q3``)."""
    text = str(raw).strip()
    found = financial_quarter(text)
    if found is None:
        return Reading(text)
    name = financial_quarter_name(*found)
    return Reading(name, None if name == text else f'read "{shown(text)}" as {name}')


def is_fy_quarter(value: Any) -> bool:
    """True for a financial year's quarter written the Board's way (``2017/18 Q3``)."""
    found = financial_quarter(value) if isinstance(value, str) else None
    return found is not None and financial_quarter_name(*found) == value


def _fy_quarter(year: int, quarter: int, field: Field) -> date:
    first, last = financial_quarter_period(year, quarter)
    return _period(first, last, field)


def read_date(raw: Any, field: Field) -> Reading:
    """A date however it was typed (an Excel serial, day/month/year, a month, a quarter)."""
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


def is_date(value: Any) -> bool:
    """True for a date."""
    return isinstance(value, date)
