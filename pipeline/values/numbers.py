"""Reading whole numbers, percentages, financial years and plan quarters, and showing a number
as a partner would write it."""

from __future__ import annotations

import re
from typing import Any

from ..declare.findings import shown
from ..declare.model import Field
from .reading import Reading


def shown_number(value: float) -> str:
    """A number without a needless ``.0``."""
    return str(int(value)) if float(value).is_integer() else str(value)


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


def read_whole(raw: Any, field: Field) -> Reading:
    """A whole number, from a number or the number a text starts with ("approx 40")."""
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


def is_whole(value: Any) -> bool:
    """True for a whole number of 0 or more."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def read_percent(raw: Any, field: Field) -> Reading:
    """A percentage as a number (6 for 6%), whether typed as 6, 6%, or 0.06."""
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


def is_percent(value: Any) -> bool:
    """True for a number from 0 to 100."""
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 100


def read_year(raw: Any, field: Field) -> Reading:
    """A financial year as the year it starts (2006 for 2006/07)."""
    if isinstance(raw, int | float) and not isinstance(raw, bool) and float(raw).is_integer():
        return Reading(int(raw))
    text = str(raw).strip()
    if m := re.match(r"^(\d{4})(?:\s*[/\-]\s*(\d{2}|\d{4}))?$", text):
        return Reading(int(m[1]))
    return Reading(text)


def is_year(value: Any) -> bool:
    """True for a year from 1990 to 2100."""
    return isinstance(value, int) and not isinstance(value, bool) and 1990 <= value <= 2100


def read_quarter(raw: Any, field: Field) -> Reading:
    """A plan quarter (from 7, Q7 or quarter 7)."""
    if isinstance(raw, int | float) and not isinstance(raw, bool) and float(raw).is_integer():
        return Reading(int(raw))
    text = str(raw).strip()
    if m := re.match(r"^(?:q|quarter)?\s*(\d{1,2})(?!\d)", text.lower()):
        return Reading(int(m[1]))
    return Reading(text)


def is_quarter(value: Any, last: int | None = None) -> bool:
    """True for a plan quarter: a whole number from 1 (to ``last``, its plan's last, where
    given)."""
    whole = isinstance(value, int) and not isinstance(value, bool)
    return whole and value >= 1 and (last is None or value <= last)
