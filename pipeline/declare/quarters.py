"""UK financial-year quarters: Q1 is April to June.

A three-year plan starting in financial year 2006 runs from April 2006;
its quarter 1 is Apr–Jun 06 and quarter 12 is Jan–Mar 09 (seed 001).
"""

from __future__ import annotations

import calendar
import functools
from datetime import date

PLAN_QUARTERS = 12
_MONTH = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def quarter_start(plan_start: int, quarter: int) -> date:
    """First day of ``quarter`` (1-based; may run past 12) of a plan from April ``plan_start``."""
    months = 3 + (quarter - 1) * 3  # months after January of plan_start
    return date(plan_start + months // 12, months % 12 + 1, 1)


@functools.lru_cache(maxsize=1024)  # (asked for each of a large round's 100,000 tasks)
def quarter_end(plan_start: int, quarter: int) -> date:
    """Last day of ``quarter`` of a plan starting in April ``plan_start``."""
    first = quarter_start(plan_start, quarter)
    last_month = first.month + 2
    return date(first.year, last_month, calendar.monthrange(first.year, last_month)[1])


def quarter_of(plan_start: int, day: date) -> int:
    """Which quarter of the plan ``day`` falls in (0 or less before the plan starts)."""
    months = (day.year - plan_start) * 12 + day.month - 4
    return months // 3 + 1


def quarter_label(plan_start: int, quarter: int) -> str:
    """Months of a quarter as partners write them, e.g. ``Apr–Jun 06``."""
    first = quarter_start(plan_start, quarter)
    return f"{_MONTH[first.month - 1]}–{_MONTH[first.month + 1]} {first.year % 100:02d}"


def financial_quarter_name(year: int, quarter: int) -> str:
    """A financial year's quarter as the Board writes it: ``2017/18 Q3``."""
    return f"{year}/{(year + 1) % 100:02d} Q{quarter}"


def financial_quarter_of(day: date) -> tuple[int, int]:
    """The financial year (by its first calendar year) and quarter ``day`` falls in."""
    year = day.year if day.month >= 4 else day.year - 1
    return year, (day.month - 4) % 12 // 3 + 1


def financial_quarter_period(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of ``Q<quarter> <year>/<year+1>`` (financial-year quarters)."""
    return quarter_start(year, quarter), quarter_end(year, quarter)
