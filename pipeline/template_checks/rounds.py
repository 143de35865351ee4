"""The in-template forms of the checks on a plan's own date, against the day it is filled in
(``TODAY()``, where the pipeline takes its run's day): a date of update older than the
layout's interval (``return-stale``), and one so old, or a stated period so early, that the
return would be taken as an earlier round's (``pipeline.periods``: ``earlier-period``).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..layouts import Kind, Layout
from ..layouts.rounds import FORTNIGHT_ANCHOR, LEEWAY, Cadence
from .checks import EARLIER_PERIOD, Check
from .terms import Terms, both
from .values import fy_quarter

FORTNIGHT = 14  # days (``rounds.round_of``)


def earliest(cadence: Cadence) -> str:
    """The first day a return's own date may fall on and the return still be this round's
    (``rounds.earlier_round``): the start of this round, or of as many before it as the
    cadence allows (``rounds.LEEWAY``)."""
    back = LEEWAY[cadence]
    if cadence is Cadence.FORTNIGHT:
        a = FORTNIGHT_ANCHOR
        anchor = f"DATE({a.year},{a.month},{a.day})"
        return f"TODAY()-MOD(TODAY()-{anchor},{FORTNIGHT})-{FORTNIGHT * back}"
    if cadence is Cadence.QUARTER:  # (financial quarters start in January, April, July, October)
        return f"DATE(YEAR(TODAY()),INT((MONTH(TODAY())-1)/3)*3+1-{3 * back},1)"
    return f"DATE(YEAR(TODAY())-(MONTH(TODAY())<4)-{back},4,1)"


def _stated(layout: Layout, t: Terms) -> tuple[str, str] | None:
    """(TRUE where the plan states its period, that period's first day) for a layout whose
    plan states one (``Layout.period``)."""
    if layout.period is None:
        return None
    p, kind = t(layout.period), layout.field(layout.period).kind
    if kind is Kind.FY_QUARTER:
        q = f"TRIM({p})"
        return fy_quarter(q), f"DATE(LEFT({q},4),1+3*RIGHT({q},1),1)"
    if kind is Kind.DATE:
        return f"ISNUMBER({p})", p
    raise ValueError(f"{layout.name}: a period of kind {kind.value} is not checked in templates")


def _first_day(layout: Layout, t: Terms) -> str:
    return t.named("earliest", lambda _: earliest(layout.cadence))


def _earlier_by_period(layout: Layout, t: Terms) -> str:
    stated, first = _stated(layout, t) or ("FALSE", "0")
    return f"IF({stated},{first}<{_first_day(layout, t)},FALSE)"


def _earlier_by_date(layout: Layout, t: Terms) -> str:
    d = t(layout.updated or "")
    dated = f"IF(ISNUMBER({d}),{d}<{_first_day(layout, t)},FALSE)"
    stated = _stated(layout, t)
    return both(f"NOT({stated[0]})", dated) if stated else dated


def _earlier(layout: Layout, t: Terms) -> str:
    """The defined name TRUE where the return would be an earlier round's."""

    def either_way(u: Terms) -> str:
        by_date = _earlier_by_date(layout, u) if layout.updated else "FALSE"
        return f"OR({_earlier_by_period(layout, u)},{by_date})" if layout.period else by_date

    return t.named("earlier", either_way)


def earlier_period(layout: Layout) -> Iterator[Check]:
    """The plan's stated period, else its date of update, before this round's."""
    noun = layout.cadence.noun
    if layout.period is not None:
        yield Check(EARLIER_PERIOD.id, layout.period, lambda t: _earlier_by_period(layout, t),
                    f"{{title}} is for an earlier {noun}")  # fmt: skip
    if layout.updated is not None:
        yield Check(EARLIER_PERIOD.id, layout.updated, lambda t: _earlier_by_date(layout, t),
                    f"{{title}} is before this {noun}")  # fmt: skip


def stale(layout: Layout) -> Iterator[Check]:
    """The date of update more than the layout's interval before today, on a return that
    would be this round's (one that would not is said by ``earlier_period``)."""
    if layout.updated is None:
        return
    days = layout.interval_days

    def when(t: Terms) -> str:
        d = t(layout.updated or "")
        return f"IF(ISNUMBER({d}),AND(TODAY()-{d}>{days},NOT({_earlier(layout, t)})),FALSE)"

    yield Check("return-stale", layout.updated, when, f"{{title}} is more than {days} days ago")
