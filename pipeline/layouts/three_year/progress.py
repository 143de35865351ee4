"""Where a three-year plan's task stands: its rule of row measures (``declare.progress``'
vocabulary), for rows with one status column per plan quarter."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ...declare.hooks import PlanQuarters
from ...declare.progress import NO_STATUS, either, listed, value_of
from ...declare.quarters import quarter_end
from ...declare.rows import Row, extended, picked

PLAN_QUARTERS = 12  # a three-year plan: quarter 1 is its first April to June
QUARTERS = PlanQuarters("plan_start", tuple(f"q{n}" for n in range(1, PLAN_QUARTERS + 1)))
NOT_UPDATED = "Not updated"  # an open task with no status for the current quarter
_NUMBERS = {12: "twelve"}  # (the Guidance says the plan's quarters in words)


@dataclass(frozen=True)
class TaskProgress:
    """Rows with one status column per plan quarter (its ``quarters``).

    The status now is the latest one given up to the current quarter; a task is due at the end
    of its completion quarter.
    """

    quarters: PlanQuarters
    completion_quarter: str
    complete: frozenset[str]
    finished: frozenset[str]  # complete, or otherwise closed (never overdue)
    live: frozenset[str]
    delayed: frozenset[str]
    statuses: tuple[str, ...]  # the closed list, in the order charts stack them

    @property
    def buckets(self) -> tuple[str, ...]:
        """The progress buckets, in the order charts stack them."""
        return (*self.statuses, NOT_UPDATED, NO_STATUS)

    @property
    def due_field(self) -> str:
        """The column saying when a row is due (its quarter: due at the quarter's end)."""
        return self.completion_quarter

    def means(self, noun: str, due: str) -> str:
        """How a row's progress bucket is chosen, for the Guidance sheet (``noun``: what a
        row is called)."""
        return (
            f"Each {noun} counts once: a finished {noun} by its closing status "
            f"({either(self.statuses, self.finished)}), else {NOT_UPDATED} when it has no "
            f"status for the current quarter, else its status this quarter. Outside the plan's "
            f"{_NUMBERS.get(self.quarters.count, self.quarters.count)} quarters (or with no plan "
            f"start), its latest status, else {NO_STATUS}."
        )

    def complete_means(self, noun: str) -> str:
        """Which rows count as complete, in words."""
        return f"{noun}s whose latest status is {either(self.statuses, self.complete)}"

    def overdue_means(self, noun: str, due: str) -> str:
        """Which rows count as overdue, in words."""
        return (f"{noun}s past the end of their {due} and not "
                f"{listed(self.statuses, self.finished)}")  # fmt: skip

    def current_quarter(self, header: Mapping[str, Any], as_of: date) -> int | None:
        """The plan quarter ``as_of`` falls in, or None when the plan start is unknown."""
        return self.quarters.now(header.get(self.quarters.start), as_of)

    def annotate(
        self, items: Sequence[Mapping[str, Any]], header: Mapping[str, Any], as_of: date
    ) -> Sequence[Row]:
        """The rows ``items`` with the row measures and ``status_this_quarter`` added, as new
        rows."""
        start = header.get(self.quarters.start)
        now = self.current_quarter(header, as_of)
        count = self.quarters.count
        last = count if now is None else max(0, min(now, count))
        names = list(self.quarters.columns[:last])
        this_quarter = names[now - 1] if now is not None and 1 <= now <= last else None
        finished_, complete_ = self.finished, self.complete
        read = (*names, self.completion_quarter, this_quarter or self.completion_quarter)
        worked = []
        for *statuses, q, now_given in picked(items, read):
            latest = next(filter(None, map(value_of, reversed(statuses))), None)
            due = quarter_end(start, q) if isinstance(start, int) and isinstance(q, int) else None
            finished = latest in finished_
            current = value_of(now_given) if this_quarter else None
            not_updated = this_quarter is not None and not finished and not current
            if finished or this_quarter is None:
                bucket = latest or NO_STATUS
            else:
                bucket = current or NOT_UPDATED
            complete = latest in complete_
            worked.append((latest, current, complete, finished, finished and not complete,
                           latest in self.live, latest in self.delayed, due,
                           due is not None and due < as_of and not finished, not_updated,
                           bucket))  # fmt: skip
        return extended(items, _MEASURES, worked)


_MEASURES = ("status_now", "status_this_quarter", "complete", "finished", "closed", "live",
             "delayed", "due", "overdue", "not_updated", "progress")  # fmt: skip
