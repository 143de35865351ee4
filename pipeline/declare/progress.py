"""Where each row stands at the as-of date: the row measures, defined once per layout.

Each layout names its rule in its declaration (``ActionProgress`` here, for rows with one
status column and a due date; a layout may bring its own, as the three-year plan does for its
quarters). ``annotate`` adds the same values (below) to every row, for every layout alike,
and everything downstream (the plan measures in ``measures.py``, the gap flags, the charts,
the rows sheets) reads those values rather than looking at statuses again:

- ``status_now``: the row's status now (a task's latest status given up to this quarter);
- ``complete``: done (p44: Complete or Evaluation; three-year: Completed);
- ``finished``: complete, or otherwise closed (Cancelled; No longer relevant): never overdue;
- ``closed``: finished without being complete (Cancelled; No longer relevant);
- ``live``: still to deliver (p44: Planned or Ongoing; three-year: In progress, Delayed or
  Not yet due);
- ``delayed``: reported as Delayed (three-year only: p44 has no such status);
- ``due`` and ``overdue``: when it is due, and whether that date has passed unfinished;
- ``not_updated``: an open task with no status for the current quarter (three-year only);
- ``progress``: the one bucket the row counts in on the status charts (see ``buckets``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .rows import Row, extended, picked

COMPLETE = "Complete"
OVERDUE = "Overdue"
NO_STATUS = "No status"


@dataclass(frozen=True)
class ActionProgress:
    """Rows with one status column and an end date (p44 actions)."""

    status: str
    due: str
    statuses: tuple[str, ...]  # the closed list, in its declared order
    complete: frozenset[str]
    finished: frozenset[str]  # complete, or otherwise closed (never overdue)
    live: frozenset[str]

    @property
    def buckets(self) -> tuple[str, ...]:
        """The progress buckets, in the order charts stack them: complete, live, overdue,
        closed."""
        live = [s for s in self.statuses if s in self.live]
        closed = [s for s in self.statuses if s in self.finished - self.complete]
        return (COMPLETE, *live, OVERDUE, *closed, NO_STATUS)

    @property
    def due_field(self) -> str:
        """The column saying when a row is due."""
        return self.due

    def means(self, noun: str, due: str) -> str:
        """How a row's progress bucket is chosen, for the Guidance sheet (``noun``: what a
        row is called; ``due``: what its due column is called)."""
        return (
            f"Each {noun} counts once: {COMPLETE} ({either(self.statuses, self.complete)}), "
            f"else {OVERDUE} (past its {due}, not finished), else its status, else "
            f"{NO_STATUS}."
        )

    def complete_means(self, noun: str) -> str:
        """Which rows count as complete, in words."""
        return f"{noun}s whose status is {either(self.statuses, self.complete)}"

    def overdue_means(self, noun: str, due: str) -> str:
        """Which rows count as overdue, in words."""
        return f"{noun}s past their {due} and not {listed(self.statuses, self.finished)}"

    def annotate(
        self, items: Sequence[Mapping[str, Any]], header: Mapping[str, Any], as_of: date
    ) -> Sequence[Row]:
        """The rows ``items`` with the row measures added, as new rows (``extended``)."""
        worked = []
        for status, due in picked(items, (self.status, self.due)):
            status = value_of(status)
            due = due if isinstance(due, date) else None
            complete, finished = status in self.complete, status in self.finished
            overdue = due is not None and due < as_of and not finished
            bucket = COMPLETE if complete else OVERDUE if overdue else status or NO_STATUS
            worked.append((status, complete, finished, finished and not complete,
                           status in self.live, False, due, overdue, False, bucket))  # fmt: skip
        return extended(items, _MEASURES, worked)


_MEASURES = ("status_now", "complete", "finished", "closed", "live", "delayed", "due",
             "overdue", "not_updated", "progress")  # fmt: skip


def either(order: tuple[str, ...], statuses: frozenset[str]) -> str:
    """``statuses`` in their declared ``order``, as words: "Complete or Evaluation"."""
    return " or ".join(s for s in order if s in statuses)


def listed(order: tuple[str, ...], statuses: frozenset[str]) -> str:
    """``statuses`` in their declared ``order``, as a list: "Complete, Evaluation or
    Cancelled"."""
    words = [s for s in order if s in statuses]
    return ", ".join(words[:-1]) + f" or {words[-1]}" if len(words) > 1 else "".join(words)


def value_of(value: Any) -> Any:
    """None for a blank (pandas' NaN included)."""
    return None if value is None or (isinstance(value, float) and value != value) else value
