"""Direction of travel: how each organisation and each action moved since the last round,
worked out from values (positions, rows), not from plans.

An organisation's position is its stated confidence (p44's RAG) or, where a layout has none,
the delivery status computed from its rows (``delivery``). Rows are matched across rounds by
their Ref.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from ..declare.rows import Row, extended, field_values, picked

if TYPE_CHECKING:
    from ..declare import Layout

RANK = {"Red": 0, "Amber": 1, "Green": 2}
IMPROVING, NO_CHANGE, WORSENING, NEW = "improving", "no change", "worsening", "new"
ARROWS = {IMPROVING: "▲", NO_CHANGE: "►", WORSENING: "▼", NEW: "●"}  # shown beside the word
RED_SHARE_OVERDUE = 0.25  # more than a quarter of rows overdue is Red


def delivery(items: list[dict[str, Any]]) -> str | None:
    """A RAG computed from the rows: Red when more than a quarter are overdue; Amber when any
    is overdue or delayed; Green otherwise; None without rows."""
    if not items:
        return None
    overdue = sum(map(bool, field_values(items, "overdue")))
    if overdue > RED_SHARE_OVERDUE * len(items):
        return "Red"
    if overdue or any(field_values(items, "delayed")):
        return "Amber"
    return "Green"


def direction(now: str | None, before: str | None, had_return_before: bool) -> str | None:
    """improving / no change / worsening against the last round, or new."""
    if not had_return_before:
        return NEW
    if now not in RANK or before not in RANK:
        return None
    change = RANK[now] - RANK[before]
    return IMPROVING if change > 0 else WORSENING if change < 0 else NO_CHANGE


def row_memory(items: list[dict[str, Any]], layout: Layout) -> dict[str, dict[str, Any]]:
    """What next round needs to remember of each row, by the layout's ``reference`` column
    (none when it has none): its status and the status it had the round before, when it is
    due, and the columns it ``follows``."""
    reference = layout.reference
    if reference is None:
        return {}
    follows = layout.hooks.follows()  # (once: a large round remembers 200,000 rows)
    words = [word for _, word in follows]
    read = (reference, "status_now", "status_last_round", "due", *(name for name, _ in follows))
    said: dict[date, str] = {}  # each due date as written (a plan's rows share a few)
    remembered: dict[str, dict[str, Any]] = {}
    for ref, status, before, due, *followed in picked(items, read):
        if ref:
            if isinstance(due, date):
                due = said.get(due) or said.setdefault(due, due.isoformat())
            else:
                due = None
            memory = remembered[str(ref)] = {"status": status, "before": before, "due": due}
            if followed:
                memory.update(zip(words, followed))
    return remembered


def changes(row: dict[str, Any], before: dict[str, Any] | None, layout: Layout) -> list[str]:
    """How a row changed since last round (empty when it did not)."""
    if before is None:
        return ["new"]
    found = []
    if row["status_now"] != before["status"]:
        found.append("status changed")
    due = row["due"].isoformat() if isinstance(row["due"], date) else None
    if due and before["due"] and due > before["due"]:
        found.append(f"{layout.due_title} moved later")
    found += [f"{word} changed" for name, word in layout.hooks.follows()
              if row.get(name) != before.get(word)]  # fmt: skip
    return found


def changes_marked(
    items: Sequence[Mapping[str, Any]], remembered: dict[str, Any] | None, layout: Layout
) -> Sequence[Row]:
    """The rows with ``status_last_round``, ``status_before_last`` and ``changed`` added,
    against what last round's plan ``remembered`` of its rows by their ``reference``
    (``row_memory``; None when there was no return last round), and ``compared``: whether
    each was compared at all (a row not in last round's return is new; with no return last
    round, nothing is)."""
    reference = layout.reference
    if remembered is None or reference is None:
        return extended(items, _COMPARED, [_NOT_COMPARED] * len(items))
    marked = []
    for row in items:
        before = remembered.get(str(row.get(reference)))
        marked.append((True, before["status"] if before else None,
                       before.get("before") if before else None,
                       "; ".join(changes(row, before, layout)) or None))  # fmt: skip
    return extended(items, _COMPARED, marked)


_COMPARED = ("compared", "status_last_round", "status_before_last", "changed")
_NOT_COMPARED = (False, None, None, None)
