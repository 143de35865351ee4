"""Every figure the reports show, defined once.

Row measures (complete, finished, live, delayed, overdue, not updated this quarter, and the
progress bucket a row counts in) are worked out by each layout's progress rule
(``progress.py``) and stored on the row. The plan measures (``Measure``: how many rows are
complete or overdue here; a layout's own, such as live impact or not updated, in its package,
named by its ``Layout.measures``) and the round measures (``ReturnsCount``: expected,
received, missing, late) are computed from those and nowhere else. The Overview, the Charts,
the Returns tracker, the Gap Flags, the organisation sheets, the terminal summary and the
Guidance sheet all read them from there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from .rows import field_values


class PlanLike(Protocol):
    """What a measure reads of one organisation's plan (``plans.Plan``)."""

    items: list[dict[str, Any]]  # its rows, with the row measures
    received: datetime | None  # when the return used is known to have arrived (None: not known)

    @property
    def has_return(self) -> bool:
        """True when a usable return was received this round."""
        ...

    @property
    def has_rows(self) -> bool:
        """True when its return has a table of actions or tasks (even an empty one)."""
        ...

    def value(self, name: str) -> Any:
        """A header value from the return, else from the register."""
        ...


@dataclass(frozen=True)
class Measure:
    """One figure per organisation: its column title and a sentence saying exactly what it
    counts (shown on the Guidance sheet; for a measure of several layouts, each may be a
    function of those layouts), and how it is worked out (None: not applicable, e.g. no
    return). Each layout names the measures it has (its ``hooks.measures``)."""

    name: str
    title: str | Callable[[Sequence[Any]], str]
    means: str | Callable[[Sequence[Any]], str]
    of: Callable[[PlanLike], int | None]
    alarm: bool = False  # above zero it means trouble (coloured where it is shown)

    def heading(self, layouts: Sequence[Any]) -> str:
        """Its column title, for the ``layouts`` that have it."""
        return self.title if isinstance(self.title, str) else self.title(layouts)

    def meaning(self, layouts: Sequence[Any]) -> str:
        """What it counts, for the ``layouts`` that have it."""
        return self.means if isinstance(self.means, str) else self.means(layouts)


def _each(clause: Callable[[Any], str]) -> Callable[[Sequence[Any]], str]:
    """A sentence of one ``clause`` per layout (given its Layout), joined by semicolons."""

    def sentence(layouts: Sequence[Any]) -> str:
        text = "; ".join(clause(layout) for layout in layouts)
        return f"{text[:1].upper()}{text[1:]}."

    return sentence


def count_where(test: Callable[[dict[str, Any]], bool]) -> Callable[[PlanLike], int | None]:
    """A measure counting the rows that pass ``test`` (None without a table of rows)."""

    def count(plan: PlanLike) -> int | None:
        return sum(bool(test(row)) for row in plan.items) if plan.has_rows else None

    return count


def count(key: str) -> Callable[[PlanLike], int | None]:
    """A measure counting the rows whose row measure ``key`` is true (see ``progress``)."""

    def counted(plan: PlanLike) -> int | None:
        # (read by its place in the row, and counted in C: asked of every row of a round)
        return sum(map(bool, field_values(plan.items, key))) if plan.has_rows else None

    return counted


def rows_total(plan: PlanLike) -> int | None:
    """How many rows the return holds (None without a return or its table)."""
    return len(plan.items) if plan.has_rows else None


def _plurals(layouts: Sequence[Any]) -> list[str]:
    """What the layouts' rows are called, more than one, each once: actions, tasks."""
    return list(dict.fromkeys(layout.hooks.rows().plural for layout in layouts))


def _rows_title(layouts: Sequence[Any]) -> str:
    title = " / ".join(_plurals(layouts)) or "rows"
    return f"{title[:1].upper()}{title[1:]}"


ROWS = Measure("rows", _rows_title,
               lambda layouts: f"How many {' or '.join(_plurals(layouts))} the return holds.",
               rows_total)  # fmt: skip
COMPLETE = Measure("complete", "Complete",
                   _each(lambda x: x.progress.complete_means(x.hooks.rows().noun)),
                   count("complete"))  # fmt: skip
OVERDUE = Measure("overdue", "Overdue",
                  _each(lambda x: x.progress.overdue_means(x.hooks.rows().noun, x.due_title)),
                  count("overdue"), alarm=True)  # fmt: skip
BASIC = (ROWS, COMPLETE, OVERDUE)  # the measures every layout has


def union(measure_lists: Iterable[tuple[Measure, ...]]) -> tuple[Measure, ...]:
    """Every measure of the given layouts' lists, once each, in the order first met: the
    Overview's columns."""
    seen: dict[str, Measure] = {}
    for measures in measure_lists:
        for m in measures:
            if seen.setdefault(m.name, m) is not m:
                raise ValueError(f"two measures are called {m.name!r}: give one another name")
    return tuple(seen.values())


# --- the round: expected, received, missing, late ------------------------------------------

RETURN_MEASURES = (
    ("Expected", "Organisations on the layout's register."),
    ("Received", "Organisations with a usable return this round (accepted, with or without "
     "findings). A rejected file, or one from an organisation not on the register, is not a "
     "return received."),
    ("Missing", "Organisations on the register with no usable return: Expected − Received."),
    ("Late", "Returns known to have arrived after the round's due date (given to the run as "
     "--due): by an email's Sent time, an upload's time, a dated inbox folder, or file times "
     "where the team's rule makes them arrival times (--file-times). A return whose arrival is "
     "not known is never late. Blank when no due date was given."),
    ("Arrival not known", "Returns received with no evidence of when they arrived (saved into "
     "the inbox, outside a dated folder): never counted late."),
)  # fmt: skip


def is_late(received: datetime | None, due: date | None) -> bool:
    """True when a return that arrived at ``received`` came after the ``due`` date."""
    return bool(due and received and received.date() > due)


@dataclass(frozen=True)
class ReturnsCount:
    """One layout's returns this round (see ``RETURN_MEASURES``)."""

    expected: int | None  # None: no register for the layout
    received: int
    missing: int | None
    late: int | None  # None: no due date given
    unknown: int = 0  # received with no evidence of when they arrived


def returns_count(
    plans: Iterable[PlanLike], expected: int | None, due: date | None
) -> ReturnsCount:
    """Expected, received, missing and late for one layout's plans (every organisation on its
    register has a plan, returned or not)."""
    plans = list(plans)
    received = [p for p in plans if p.has_return]
    missing = sum(not p.has_return for p in plans) if expected is not None else None
    late = sum(is_late(p.received, due) for p in received) if due else None
    unknown = sum(p.received is None for p in received)
    return ReturnsCount(expected, len(received), missing, late, unknown)
