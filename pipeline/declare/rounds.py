"""Reporting rounds: which fortnight or quarter a date belongs to.

A round is named so that names sort in time order: a fortnight by its first day
(``2026-11-16``), a quarter by its financial year and number (``2026-27 Q3``), a year by its
financial year (``2026-27``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from .quarters import (
    financial_quarter_name,
    financial_quarter_of,
    quarter_end,
    quarter_label,
    quarter_start,
)

FORTNIGHT_ANCHOR = date(2024, 1, 1)  # a Monday: fortnights run Monday to the Sunday week after


class Cadence(Enum):
    """How often a layout's returns are due."""

    FORTNIGHT = "fortnight"
    QUARTER = "quarter"
    YEAR = "financial year"  # April to March

    @property
    def noun(self) -> str:
        """One period in a sentence: "not this fortnight's", "not this year's"."""
        return self.value.rsplit(" ", 1)[-1]

    @property
    def days(self) -> int:
        """How many days a plan stays up to date: a round's length, about."""
        return _DAYS[self]


_DAYS = {Cadence.FORTNIGHT: 14, Cadence.QUARTER: 91, Cadence.YEAR: 365}


# How many whole rounds before its own a return's own date may fall and the return still be
# for the round. Partners work to a due date, not to the pipeline's fortnights (which start
# on a Monday it chose): a fortnightly plan brought up to date in the fortnight before is this
# round's (flagged stale when more than 14 days old). A quarter and a financial year are
# periods partners name on the return: last quarter's plan is last quarter's.
LEEWAY = {Cadence.FORTNIGHT: 1, Cadence.QUARTER: 0, Cadence.YEAR: 0}


@dataclass(frozen=True, order=True)
class Round:
    """One reporting round: its sortable id, first and last day, and a label for people."""

    id: str
    start: date
    end: date
    label: str


def round_of(cadence: Cadence, day: date) -> Round:
    """The round ``day`` falls in."""
    if cadence is Cadence.FORTNIGHT:
        start = FORTNIGHT_ANCHOR + timedelta(days=(day - FORTNIGHT_ANCHOR).days // 14 * 14)
        end = start + timedelta(days=13)
        label = f"fortnight {start:%d/%m/%Y} to {end:%d/%m/%Y}"
        return Round(start.isoformat(), start, end, label)
    year, q = financial_quarter_of(day)
    if cadence is Cadence.YEAR:
        name = f"{year}-{(year + 1) % 100:02d}"
        return Round(name, quarter_start(year, 1), quarter_end(year, 4),
                     f"financial year {year}/{(year + 1) % 100:02d}")  # fmt: skip
    return Round(
        f"{year}-{(year + 1) % 100:02d} Q{q}",
        quarter_start(year, q),
        quarter_end(year, q),
        f"{quarter_label(year, q)} ({financial_quarter_name(year, q)})",
    )


def round_before(cadence: Cadence, round_: Round) -> Round:
    """The round just before ``round_``."""
    return round_of(cadence, round_.start - timedelta(days=1))


def earlier_round(cadence: Cadence, day: date, round_: Round) -> Round | None:
    """The round ``day`` (a return's own date, or the first day of the period it states)
    falls in, when that is too early for the return to be ``round_``'s (see ``LEEWAY``);
    else None."""
    earliest = round_
    for _ in range(LEEWAY[cadence]):
        earliest = round_before(cadence, earliest)
    return round_of(cadence, day) if day < earliest.start else None
