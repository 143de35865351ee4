"""The delivery plan's own figures: how many actions are Red, and the direction of travel of
each action's RAG status, worked out from last quarter's return of the same action (by its
Ref) and compared with the direction the lead states."""

from __future__ import annotations

from typing import Any

from ...declare.measures import BASIC, Measure, count_where
from ...round import travel

RANK = {"Red": 0, "Amber": 1, "Green": 2, "Complete": 3}
LIVE = ("Red", "Amber", "Green")
IMPROVING, NO_CHANGE, WORSENING, NEW = "Improving", "No change", "Worsening", "New"
ARROWS = {way: travel.ARROWS[way.lower()] for way in (IMPROVING, NO_CHANGE, WORSENING, NEW)}


def direction(now: Any, before: Any) -> str | None:
    """How a RAG status moved from ``before`` (last quarter's) to ``now``: Improving, No
    change or Worsening; New when there was none before; None when ``now`` is not a RAG."""
    if now not in RANK:
        return None
    if before not in RANK:
        return NEW
    change = RANK[now] - RANK[before]
    return IMPROVING if change > 0 else WORSENING if change < 0 else NO_CHANGE


def worst_live(items: list[dict[str, Any]]) -> str | None:
    """A plan's RAG: the worst status among its actions not yet Complete (Green when all are
    Complete; None without actions)."""
    live = [row["status_now"] for row in items if row.get("status_now") in LIVE]
    return min(live, key=RANK.__getitem__) if live else ("Green" if items else None)


def computed(row: dict[str, Any]) -> str | None:
    """An action's direction of travel since last quarter, from its statuses (None where
    there was no return last quarter to compare with)."""
    if not row.get("compared"):
        return None
    return direction(row.get("status_now"), row.get("status_last_round"))


def worse_twice(row: dict[str, Any]) -> bool:
    """True when the action's status fell this quarter and the quarter before."""
    now, last, before = (row.get(k) for k in ("status_now", "status_last_round",
                                              "status_before_last"))  # fmt: skip
    return direction(now, last) == WORSENING and direction(last, before) == WORSENING


MEASURES: tuple[Measure, ...] = (
    *BASIC,
    Measure("red", "Red", "Actions whose RAG status is Red.",
            count_where(lambda row: row.get("status_now") == "Red"), alarm=True),
    Measure("improved", "Improved", "Actions whose RAG status rose since last quarter's return "
            "(Red to Amber, Amber to Green, anything to Complete).",
            count_where(lambda row: computed(row) == IMPROVING)),
    Measure("worsened", "Worsened", "Actions whose RAG status fell since last quarter's return.",
            count_where(lambda row: computed(row) == WORSENING), alarm=True),
)  # fmt: skip
