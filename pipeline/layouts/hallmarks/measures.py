"""The self-assessment's own figures, each worked out here once: statutory gaps, action
points, the share in place or working towards, the share in place per Hallmark, the summary
sentence seed 003 states its own review in, and the plan's RAG."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ...declare.measures import BASIC, ROWS, Measure, PlanLike, count_where

IN_PLACE, WORKING_TOWARDS, GAP = "In place", "Working towards", "Gap"
STATUTORY = "Statutory"


def is_statutory_gap(row: dict[str, Any]) -> bool:
    """A Statutory requirement assessed as a Gap."""
    return row.get("type") == STATUTORY and row.get("status_now") == GAP


def adopted(row: dict[str, Any]) -> bool:
    """In place or working towards: what seed 003 counts as adopted."""
    return row.get("status_now") in (IN_PLACE, WORKING_TOWARDS)


def has_action(row: dict[str, Any]) -> bool:
    """A further action is given: one action point."""
    return bool(row.get("further_action"))


STATUTORY_GAPS = Measure(
    "statutory_gaps",
    "Statutory gaps",
    "Statutory requirements assessed as a Gap.",
    count_where(is_statutory_gap),
    alarm=True,
)
ACTION_POINTS = Measure(
    "action_points",
    "Action points",
    "Requirements with a further action given.",
    count_where(has_action),
)
ADOPTED = Measure(
    "adopted",
    "In place or working towards",
    "Requirements assessed In place or Working towards.",
    count_where(adopted),
)
MEASURES: tuple[Measure, ...] = (*BASIC, STATUTORY_GAPS, ACTION_POINTS)  # fmt: skip


def share(rows: Iterable[dict[str, Any]], test: Callable[[dict[str, Any]], bool]) -> float | None:
    """The share of ``rows`` passing ``test``, from 0 to 1 (None without rows)."""
    rows = list(rows)
    return sum(map(test, rows)) / len(rows) if rows else None


def percent(fraction: float) -> int:
    """A share as a whole percentage, halves rounded up (as Excel shows 0%)."""
    return int(fraction * 100 + 0.5)


def summary(plan: PlanLike) -> str | None:
    """The review in seed 003's own words: "115 items, 90 in place or working towards (78%),
    25 action points" (None without a return)."""
    items, adopted_, points = (m.of(plan) for m in (ROWS, ADOPTED, ACTION_POINTS))
    if items is None or adopted_ is None or points is None:
        return None
    share_ = f" ({percent(adopted_ / items)}%)" if items else ""
    return (f"{items} item{'s' * (items != 1)}, {adopted_} in place or working towards{share_}, "
            f"{points} action point{'s' * (points != 1)}")  # fmt: skip


def judged(items: list[dict[str, Any]]) -> str | None:
    """A plan's RAG from its requirements: Red when a Statutory one is a Gap; Amber when
    another is a Gap, a Statutory one is Working towards, or one is not assessed; else Green
    (None without requirements)."""
    if not items:
        return None
    if any(map(is_statutory_gap, items)):
        return "Red"
    if any(
        row.get("status_now") not in (IN_PLACE, WORKING_TOWARDS)
        or (row.get("type") == STATUTORY and row.get("status_now") == WORKING_TOWARDS)
        for row in items
    ):
        return "Amber"
    return "Green"
