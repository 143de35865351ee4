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
from typing import TYPE_CHECKING, Any

from .quarters import PLAN_QUARTERS, quarter_end, quarter_of

if TYPE_CHECKING:
    import pandas as pd

PROGRESS_COLUMNS = ("status_now", "complete", "finished", "due", "overdue")


@dataclass(frozen=True)
class ActionProgress:
    """Rows with one status column and an end date (p44 actions)."""

    status: str
    due: str
    complete: frozenset[str]
    finished: frozenset[str]  # complete, or otherwise closed (never overdue)

    def annotate(self, rows: pd.DataFrame, header: Mapping[str, Any], as_of: date) -> pd.DataFrame:
        """Return ``rows`` with the standard progress columns added."""
        out = rows.copy()
        status = _column(out, self.status)
        due = [d if isinstance(d, date) else None for d in _column(out, self.due)]
        finished = [s in self.finished for s in status]
        _put(out, "status_now", status)
        _put(out, "complete", [s in self.complete for s in status])
        _put(out, "finished", finished)
        _put(out, "due", due)
        _put(out, "overdue", [d is not None and d < as_of and not f for d, f in zip(due, finished)])
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

    def annotate(self, rows: pd.DataFrame, header: Mapping[str, Any], as_of: date) -> pd.DataFrame:
        """Return ``rows`` with the standard progress columns and ``status_this_quarter``."""
        out = rows.copy()
        start = header.get(self.plan_start)
        now = self.current_quarter(header, as_of)
        last = PLAN_QUARTERS if now is None else max(0, min(now, PLAN_QUARTERS))
        quarters = [_column(out, f"{self.quarter_prefix}{n}") for n in range(1, last + 1)]
        latest = [next((s for s in reversed(row) if s), None) for row in zip(*quarters)]
        if not quarters:
            latest = [None] * len(out)
        this_quarter = quarters[now - 1] if now is not None and 1 <= now <= last else None
        completion = _column(out, self.completion_quarter)
        due = [
            quarter_end(start, q) if isinstance(start, int) and isinstance(q, int) else None
            for q in completion
        ]
        finished = [s in self.finished for s in latest]
        _put(out, "status_now", latest)
        _put(
            out,
            "status_this_quarter",
            this_quarter if this_quarter is not None else [None] * len(out),
        )
        _put(out, "complete", [s in self.complete for s in latest])
        _put(out, "finished", finished)
        _put(out, "due", due)
        _put(out, "overdue", [d is not None and d < as_of and not f for d, f in zip(due, finished)])
        return out


def _put(rows: pd.DataFrame, name: str, values: list[Any]) -> None:
    """Set a column keeping None as None (pandas would otherwise infer a dtype and use NaN)."""
    import pandas as pd

    rows[name] = pd.Series(values, index=rows.index, dtype=object)


def _column(rows: pd.DataFrame, name: str) -> list[Any]:
    """Values of a column as a list, all None when the return did not have it."""
    if name in rows.columns:
        return [None if _blank(v) else v for v in rows[name].tolist()]
    return [None] * len(rows)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)
