"""How each layout says where a row stands: its status now, whether it is finished, when it
is due and whether it is overdue at the as-of date.

Each layout names one of these in its declaration; the rest of the pipeline only reads the
standard columns they add (``PROGRESS_COLUMNS``), so flags and counts work the same way for
actions and for tasks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .quarters import PLAN_QUARTERS, quarter_end, quarter_of

PROGRESS_COLUMNS = ("status_now", "complete", "finished", "due", "overdue")


@dataclass(frozen=True)
class ActionProgress:
    """Rows with one status column and an end date (p44 actions)."""

    status: str
    due: str
    complete: frozenset[str]
    finished: frozenset[str]  # complete, or otherwise closed (never overdue)

    def annotate(
        self, items: list[dict[str, Any]], header: Mapping[str, Any], as_of: date
    ) -> list[dict[str, Any]]:
        """Copies of the row dicts ``items`` with the standard progress values added."""
        out = []
        for row in items:
            status, due = _value(row.get(self.status)), row.get(self.due)
            due = due if isinstance(due, date) else None
            finished = status in self.finished
            out.append({**row, "status_now": status, "complete": status in self.complete,
                        "finished": finished, "due": due,
                        "overdue": due is not None and due < as_of and not finished})  # fmt: skip
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

    def current_quarter(self, header: Mapping[str, Any], as_of: date) -> int | None:
        """The plan quarter ``as_of`` falls in, or None when the plan start is unknown."""
        start = header.get(self.plan_start)
        return quarter_of(start, as_of) if isinstance(start, int) else None

    def annotate(
        self, items: list[dict[str, Any]], header: Mapping[str, Any], as_of: date
    ) -> list[dict[str, Any]]:
        """Copies of the row dicts ``items`` with the standard progress values and
        ``status_this_quarter``."""
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
            out.append({**row, "status_now": latest, "status_this_quarter": current,
                        "complete": latest in self.complete, "finished": finished, "due": due,
                        "overdue": due is not None and due < as_of and not finished})  # fmt: skip
        return out


def _value(value: Any) -> Any:
    """None for a blank (pandas' NaN included)."""
    return None if value is None or (isinstance(value, float) and value != value) else value
