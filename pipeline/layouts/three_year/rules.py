"""The three-year plan's own gap-flag rules (the rules every layout has are in
``pipeline.round.flags``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ...declare.quarters import quarter_label
from ...declare.rules import Rule
from ...declare.severity import AMBER, RED
from ...returns import ROW
from ...round.flags import flag, row_ref
from ...round.plans import Flag, Plan
from . import QUARTERS


def _current_quarter(plan: Plan, as_of: date) -> int | None:
    """The plan quarter of the as-of date (None without a plan start)."""
    return QUARTERS.now(plan.value(QUARTERS.start), as_of)


def task_overdue(plan: Plan, as_of: date) -> Iterator[Flag]:
    start = plan.value("plan_start")
    for row in plan.items:
        if row["overdue"]:
            q = row["completion_quarter"]
            yield flag(
                plan,
                "task-overdue",
                AMBER,
                f"{row_ref(row, plan)} ({row.get('task') or 'no description'}) was "
                f"due in quarter {q} ({quarter_label(start, q)}) but its latest status is "
                f"{row['status_now'] or 'blank'}.",
                plan.cell_in_row("completion_quarter", row),
            )


def quarter_not_updated(plan: Plan, as_of: date) -> Iterator[Flag]:
    stale = [row.get("ref") or f"row {row[ROW] + 1}" for row in plan.items if row["not_updated"]]
    if stale:
        now = _current_quarter(plan, as_of)
        listed = ", ".join(stale[:8]) + (", …" if len(stale) > 8 else "")
        label = quarter_label(plan.value("plan_start"), now)
        yield flag(
            plan,
            "quarter-not-updated",
            AMBER,
            f"Q{now} ({label}) has no status for {len(stale)} of {len(plan.items)} tasks: "
            f"{listed}.",
            plan.header_cell(f"q{now}"),
        )


def delayed_without_report(plan: Plan, as_of: date) -> Iterator[Flag]:
    for row in plan.items:
        if (row["delayed"] or row["closed"]) and not row.get("progress_report"):
            yield flag(
                plan,
                "delayed-without-report",
                AMBER,
                f"{row_ref(row, plan)} is {row['status_now']} but has no progress report "
                "saying why.",
                plan.cell_in_row("progress_report", row),
            )


def significant_delayed(plan: Plan, as_of: date) -> Iterator[Flag]:
    for row in plan.items:
        priorities = [n for n in range(1, 5) if row.get(f"cp{n}") == "Significant"]
        if row["delayed"] and priorities:
            listed = ", ".join(str(n) for n in priorities)
            yield flag(
                plan,
                "significant-delayed",
                RED,
                f"{row_ref(row, plan)} is Delayed and significant for Council Plan "
                f"priority {listed}: escalate to Cabinet.",
                plan.cell_in_row("ref", row),
            )


RULES: tuple[Rule, ...] = (
    Rule("task-overdue", "Task overdue", AMBER,
         "The task's completion quarter has passed and it is neither Completed nor No "
         "longer relevant.",
         "Update the task: complete it, reschedule it, or mark it no longer relevant.",
         task_overdue),
    Rule("quarter-not-updated", "Current quarter not updated", AMBER,
         "Open tasks have no status for the current quarter.",
         "Give every open task its status for this quarter.", quarter_not_updated),
    Rule("delayed-without-report", "Delayed without progress report", AMBER,
         "A task is Delayed or No longer relevant and its progress report is empty.",
         "Say in the progress report why the task is delayed or dropped.",
         delayed_without_report),
    Rule("significant-delayed", "Council Plan task delayed", RED,
         "A task significant for a Council Plan priority is Delayed: escalate to Cabinet.",
         "Report the delay, and what is being done about it, to the Council Plan lead.",
         significant_delayed),
)  # fmt: skip
