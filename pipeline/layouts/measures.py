"""Every figure the reports show, defined once.

Row measures (complete, finished, live, delayed, overdue, not updated this quarter, and the
progress bucket a row counts in) are worked out by each layout's progress rule
(``progress.py``) and stored on the row. The plan measures (``MEASURES``: how many rows are
complete, overdue or not updated; live impact, delivered impact, reduction needed) and the
round measures (``ReturnsCount``: expected, received, missing, late) are computed here from
those and nowhere else. The Overview, the Charts, the Returns tracker, the Gap Flags, the
organisation sheets, the terminal summary and the Guidance sheet all read them from here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol


class PlanLike(Protocol):
    """What a measure reads of one organisation's plan (``plans.Plan``)."""

    items: list[dict[str, Any]]  # its rows, with the row measures
    received: datetime | None  # when the return used arrived

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
    """One figure per organisation: its column title, a sentence saying exactly what it
    counts (shown on the Guidance sheet), and how it is worked out (None: not applicable,
    e.g. no return). Each layout names the measures it has (``Layout.measures``)."""

    name: str
    title: str
    means: str
    of: Callable[[PlanLike], int | None]


def _count(key: str) -> Callable[[PlanLike], int | None]:
    def count(plan: PlanLike) -> int | None:
        return sum(bool(row[key]) for row in plan.items) if plan.has_rows else None

    return count


def _impact(key: str) -> Callable[[PlanLike], int | None]:
    def total(plan: PlanLike) -> int | None:
        if not plan.has_rows:
            return None
        return sum(row["estimated_impact"] for row in plan.items
                   if row[key] and isinstance(row.get("estimated_impact"), int))  # fmt: skip

    return total


def rows_total(plan: PlanLike) -> int | None:
    """How many actions or tasks the return holds (None without a return or its table)."""
    return len(plan.items) if plan.has_rows else None


def reduction_needed(plan: PlanLike) -> int | None:
    """Crimes the target needs prevented (baseline × target %, rounded), when both are
    known."""
    baseline, target = plan.value("baseline"), plan.value("reduction_target")
    if isinstance(baseline, int) and isinstance(target, int | float):
        return round(baseline * target / 100)
    return None


live_impact = _impact("live")
delivered_impact = _impact("complete")


def impact_shortfall(plan: PlanLike) -> int | None:
    """How many crimes short of the reduction needed the plan's live and delivered impact
    fall (0 when it is enough; None when it cannot be told)."""
    needed, live, delivered = reduction_needed(plan), live_impact(plan), delivered_impact(plan)
    if needed is None or live is None or delivered is None:
        return None
    return max(needed - live - delivered, 0)


MEASURES: tuple[Measure, ...] = (
    Measure("rows", "Actions / tasks", "How many actions (or tasks) the return holds.",
            rows_total),
    Measure("complete", "Complete", "Actions whose status is Complete or Evaluation; tasks "
            "whose latest status is Completed.", _count("complete")),
    Measure("overdue", "Overdue", "Actions past their end date, and tasks past the end of "
            "their completion quarter, that are not finished (Complete, Evaluation or "
            "Cancelled; Completed or No longer relevant).", _count("overdue")),
    Measure("not_updated", "Not updated", "Open tasks (not Completed or No longer relevant) "
            "with no status for the current quarter.", _count("not_updated")),
    Measure("live_impact", "Live impact", "Estimated impact (crimes) of live actions: those "
            "Planned or Ongoing.", live_impact),
    Measure("delivered_impact", "Delivered impact", "Estimated impact (crimes) of actions "
            "already delivered: those Complete or Evaluation.", delivered_impact),
    Measure("reduction_needed", "Reduction needed", "Crimes the target needs prevented: the "
            "baseline times the reduction target %, rounded.", reduction_needed),
    Measure("impact_shortfall", "Short by", "How many crimes the live and delivered impact "
            "together fall short of the reduction needed (0 when they are enough; an Impact "
            "shortfall flag when they are not).", impact_shortfall),
)  # fmt: skip
MEASURE = {m.name: m for m in MEASURES}


def figure(name: str, plan: PlanLike, measures: tuple[str, ...]) -> int | None:
    """Measure ``name`` of ``plan`` (None where it is not among the plan's layout's
    ``measures``)."""
    return MEASURE[name].of(plan) if name in measures else None


# --- the round: expected, received, missing, late ------------------------------------------

RETURN_MEASURES = (
    ("Expected", "Organisations on the layout's register."),
    ("Received", "Organisations with a usable return this round (accepted, with or without "
     "findings). A rejected file, or one from an organisation not on the register, is not a "
     "return received."),
    ("Missing", "Organisations on the register with no usable return: Expected − Received."),
    ("Late", "Returns received after the round's due date (given to the run as --due), by when "
     "their file arrived; blank when no due date was given."),
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


def returns_count(
    plans: Iterable[PlanLike], expected: int | None, due: date | None
) -> ReturnsCount:
    """Expected, received, missing and late for one layout's plans (every organisation on its
    register has a plan, returned or not)."""
    plans = list(plans)
    received = [p for p in plans if p.has_return]
    missing = sum(not p.has_return for p in plans) if expected is not None else None
    late = sum(is_late(p.received, due) for p in received) if due else None
    return ReturnsCount(expected, len(received), missing, late)
