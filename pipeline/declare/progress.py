"""Where each row stands at the as-of date: the row measures, defined once per layout.

Each layout names one of these rules in its declaration. ``annotate`` adds the same values
(below) to every row, for actions and tasks alike, and everything downstream (the
plan measures in ``measures.py``, the gap flags, the charts, the Actions and Tasks sheets)
reads those values rather than looking at statuses again:

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

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .quarters import PLAN_QUARTERS, quarter_end, quarter_of

COMPLETE = "Complete"
NOT_UPDATED = "Not updated"
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
            f"Each {noun} counts once: {COMPLETE} ({_either(self.statuses, self.complete)}), "
            f"else {OVERDUE} (past its {due}, not finished), else its status, else "
            f"{NO_STATUS}."
        )

    def complete_means(self, noun: str) -> str:
        """Which rows count as complete, in words."""
        return f"{noun}s whose status is {_either(self.statuses, self.complete)}"

    def overdue_means(self, noun: str, due: str) -> str:
        """Which rows count as overdue, in words."""
        return f"{noun}s past their {due} and not {_listed(self.statuses, self.finished)}"

    def annotate(
        self, items: list[dict[str, Any]], header: Mapping[str, Any], as_of: date
    ) -> list[dict[str, Any]]:
        """Copies of the row dicts ``items`` with the row measures added."""
        out = []
        for row in items:
            status, due = _value(row.get(self.status)), row.get(self.due)
            due = due if isinstance(due, date) else None
            complete, finished = status in self.complete, status in self.finished
            overdue = due is not None and due < as_of and not finished
            bucket = COMPLETE if complete else OVERDUE if overdue else status or NO_STATUS
            out.append({**row, "status_now": status, "complete": complete, "finished": finished,
                        "closed": finished and not complete, "live": status in self.live,
                        "delayed": False, "due": due, "overdue": overdue, "not_updated": False,
                        "progress": bucket})  # fmt: skip
        return out


@dataclass(frozen=True)
class TaskProgress:
    """Rows with one status column per plan quarter (three_year tasks).

    The status now is the latest one given up to the current quarter; a task is due at the end
    of its completion quarter.
    """

    plan_start: str
    completion_quarter: str
    quarter_prefix: str
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
            f"({_either(self.statuses, self.finished)}), else {NOT_UPDATED} when it has no "
            f"status for the current quarter, else its status this quarter. Outside the plan's "
            f"twelve quarters (or with no plan start), its latest status, else {NO_STATUS}."
        )

    def complete_means(self, noun: str) -> str:
        """Which rows count as complete, in words."""
        return f"{noun}s whose latest status is {_either(self.statuses, self.complete)}"

    def overdue_means(self, noun: str, due: str) -> str:
        """Which rows count as overdue, in words."""
        return (f"{noun}s past the end of their {due} and not "
                f"{_listed(self.statuses, self.finished)}")  # fmt: skip

    def current_quarter(self, header: Mapping[str, Any], as_of: date) -> int | None:
        """The plan quarter ``as_of`` falls in, or None when the plan start is unknown."""
        start = header.get(self.plan_start)
        return quarter_of(start, as_of) if isinstance(start, int) else None

    def annotate(
        self, items: list[dict[str, Any]], header: Mapping[str, Any], as_of: date
    ) -> list[dict[str, Any]]:
        """Copies of the row dicts ``items`` with the row measures and ``status_this_quarter``
        added."""
        start = header.get(self.plan_start)
        now = self.current_quarter(header, as_of)
        last = PLAN_QUARTERS if now is None else max(0, min(now, PLAN_QUARTERS))
        names = [f"{self.quarter_prefix}{n}" for n in range(1, last + 1)]
        this_quarter = names[now - 1] if now is not None and 1 <= now <= last else None
        out = []
        for row in items:
            given = [_value(row.get(name)) for name in names]
            latest = next((s for s in reversed(given) if s), None)
            q = row.get(self.completion_quarter)
            due = quarter_end(start, q) if isinstance(start, int) and isinstance(q, int) else None
            finished = latest in self.finished
            current = _value(row.get(this_quarter)) if this_quarter else None
            not_updated = this_quarter is not None and not finished and not current
            if finished or this_quarter is None:
                bucket = latest or NO_STATUS
            else:
                bucket = current or NOT_UPDATED
            complete = latest in self.complete
            out.append({**row, "status_now": latest, "status_this_quarter": current,
                        "complete": complete, "finished": finished,
                        "closed": finished and not complete,
                        "live": latest in self.live, "delayed": latest in self.delayed,
                        "due": due, "overdue": due is not None and due < as_of and not finished,
                        "not_updated": not_updated, "progress": bucket})  # fmt: skip
        return out


def _either(order: tuple[str, ...], statuses: frozenset[str]) -> str:
    """``statuses`` in their declared ``order``, as words: "Complete or Evaluation"."""
    return " or ".join(s for s in order if s in statuses)


def _listed(order: tuple[str, ...], statuses: frozenset[str]) -> str:
    """``statuses`` in their declared ``order``, as a list: "Complete, Evaluation or
    Cancelled"."""
    words = [s for s in order if s in statuses]
    return ", ".join(words[:-1]) + f" or {words[-1]}" if len(words) > 1 else "".join(words)


def _value(value: Any) -> Any:
    """None for a blank (pandas' NaN included)."""
    return None if value is None or (isinstance(value, float) and value != value) else value
