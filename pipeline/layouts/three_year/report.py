"""What the three-year plan adds to the reports: its Tasks sheet's columns, its own flag
rules, the Cabinet's Council Plan Progress, the Contract Register and Efficiency sheets, and
its tasks-by-status chart."""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import replace
from typing import Any

from ...declare.quarters import quarter_label
from ...declare.reporting import DerivedSheet, LayoutReport
from ...declare.rows import field_values, picked
from ...report.charts import COLOURS, ChartSpec, progress_chart
from ...report.tables import (
    ABOVE_ZERO,
    CHANGED,
    INT,
    LONG,
    OVERDUE,
    SOURCE,
    STATUS_LAST_ROUND,
    TEXT,
    Col,
    Table,
    column_of,
    field_col,
    rows_of,
)
from ...report.widths import heading_width
from ...round.plans import Consolidation
from . import COUNCIL_PLAN_PRIORITIES, LAYOUT, PLAN_QUARTERS, QUARTERS, TASK_STATUS
from .progress import NOT_UPDATED
from .rules import SIGNIFICANT

COLOURS_HERE = {**COLOURS, "Completed": "#70AD47", "In progress": "#4472C4", "Delayed": "#C00000",
                "Not yet due": "#A6A6A6", "No longer relevant": "#D9D9D9",
                NOT_UPDATED: "#FFC000"}  # fmt: skip
FIRST = ("ref", "task", "service_team", "task_officer", "completion_quarter")
BUSINESS_UNIT = Col("Business unit", 30, TEXT, lambda item: item[0].organisation)
# coloured as the quarters' statuses are, by their closed list
LATEST = Col("Latest status", 14, TEXT, field="status_now", colours=TASK_STATUS.rag)
THIS_QUARTER = Col("Status this quarter", 14, TEXT, field="status_this_quarter",
                   colours=TASK_STATUS.rag)  # fmt: skip


def _months(item: tuple[Any, dict[str, Any]]) -> str | None:
    """The months of a task's quarter for completion, by its plan's start: ``Jul–Sep 28``."""
    return _label(item[0].value(QUARTERS.start), item[1].get("completion_quarter"))


@functools.lru_cache(maxsize=1024, typed=True)  # (asked for each of a round's tasks)
def _label(start: Any, quarter: Any) -> str | None:
    if isinstance(start, int) and isinstance(quarter, int) and 1 <= quarter <= PLAN_QUARTERS:
        return quarter_label(start, quarter)
    return None


# each Council Plan priority's column of a task (cp1 for the first), saying how much it matters
PRIORITY_FIELDS = tuple(f"cp{n}" for n in range(1, len(COUNCIL_PLAN_PRIORITIES) + 1))

# a quarter for completion is a number of the plan's twelve: its months beside it say when
MONTHS = Col("Its months", 10, TEXT, _months)


def _quarter_due(item: tuple[Any, dict[str, Any]]) -> str | int | None:
    """A task's quarter for completion as the pack prints it: ``Q7 (Oct–Dec 26)`` (the number
    alone where its months cannot be told)."""
    quarter, months = item[1].get("completion_quarter"), _months(item)
    return f"Q{quarter} ({months})" if months else quarter


# on paper, the quarter and its months in one column
QUARTER_DUE = Col(LAYOUT.field("completion_quarter").reported_as, 16, TEXT, _quarter_due)


def _field(name: str) -> Col:
    return field_col(LAYOUT.field(name))


def task_columns() -> list[Col]:
    """The Tasks sheet: what the task is and when it is due, then where it stands (this
    quarter, latest, overdue), its progress report and outcomes; then, on screen only, its
    change since last round, every quarter's status and the impact assessment (which the
    Council Plan, Contract Register and Efficiency sheets print), and its source."""
    return [
        *map(_field, FIRST),
        MONTHS,
        THIS_QUARTER,
        LATEST,
        OVERDUE,
        STATUS_LAST_ROUND,
        CHANGED,
        *(column_of(LAYOUT, f) for f in LAYOUT.columns if f.name not in FIRST),
        SOURCE,
    ]  # fmt: skip


def council_plan_progress(c: Consolidation) -> Table:
    """The Cabinet report (seed 001): every task significant for a Council Plan priority,
    grouped by priority, with its status this quarter."""
    tasks = rows_of(c, LAYOUT)
    marks = list(picked((row for _, row in tasks), PRIORITY_FIELDS))
    # (plan, row, priority): a task's own columns read it as they read (plan, row), its row's
    # fields by their place (``Table``)
    items = []
    for n, name in enumerate(COUNCIL_PLAN_PRIORITIES):
        said = f"{n + 1} {name}"
        items += [(plan, row, said) for (plan, row), marked in zip(tasks, marks)
                  if marked[n] == SIGNIFICANT]  # fmt: skip
    columns = [
        Col("Council Plan priority", 28, TEXT, lambda i: i[2]),
        *(replace(col, colours=None, alarm=None)  # (uncoloured here)
          for col in (BUSINESS_UNIT, _field("ref"), _field("task"), _field("task_officer"),
                      _field("completion_quarter"), MONTHS, THIS_QUARTER, LATEST, OVERDUE,
                      _field("progress_report"))),
    ]  # fmt: skip
    return Table.of(COUNCIL_PLAN_PROGRESS, columns, items)


def cabinet_summary(c: Consolidation) -> Table:
    """Per Council Plan priority: how many tasks are significant for it, and how many of them
    are in each status this quarter (each task once, as the chart counts it: its bucket) and
    overdue; then a line adding the priorities up (``ALL_PRIORITIES``: a task significant for
    two priorities is counted under each, so twice)."""
    buckets = LAYOUT.progress.buckets
    tallies = []
    tasks = list(picked((row for _, row in rows_of(c, LAYOUT)),
                        ("progress", "overdue", *PRIORITY_FIELDS)))  # fmt: skip
    for n, name in enumerate(COUNCIL_PLAN_PRIORITIES):
        rows = [task for task in tasks if task[2 + n] == SIGNIFICANT]
        tally = Counter(task[0] for task in rows)
        tally["Tasks"], tally["Overdue"] = len(rows), sum(bool(task[1]) for task in rows)
        tallies.append((f"{n + 1} {name}", tally))
    tallies.append((ALL_PRIORITIES, sum((t for _, t in tallies), Counter())))
    shown = [b for b in buckets if any(t[b] for _, t in tallies)]
    # (its columns are the task list's below it: its priorities wrap, as the list's do)
    columns = [Col("Council Plan priority", 28, LONG, lambda t: t[0]),
               Col("Significant tasks", 12, INT, lambda t: t[1]["Tasks"]),
               *(Col(b, 11, INT, lambda t, b=b: t[1][b]) for b in shown),
               Col("Overdue", 10, INT, lambda t: t[1]["Overdue"], ABOVE_ZERO)]  # fmt: skip
    return Table(CABINET_SUMMARY, columns, [tuple(col.get(t) for col in columns)
                                            for t in tallies])  # fmt: skip


# the Cabinet summary's last line, adding the priorities up (it says what it counts)
ALL_PRIORITIES = "All priorities (a task once per priority)"


def write_council_plan_progress(w: Any, sheet: Any, table: Table, c: Consolidation) -> None:
    """The Cabinet summary (tasks per priority by status this quarter), then every task."""
    summary = cabinet_summary(c)
    # the task list's columns are wide enough for the summary's headings above them, whole
    whole = {j: heading_width(col.title, 1) for j, col in enumerate(summary.columns) if j}
    table = w.fitted(sheet, table, at_least=whole)
    w.title(sheet, "Council Plan progress: tasks significant for a priority")
    w.lead(sheet, 1, "Per Council Plan priority, its significant tasks by status this quarter "
           "(each task counts once per priority, a finished task by its closing status); then "
           "every such task.", table.printed)  # fmt: skip
    below = w.table(sheet, summary, 3, freeze=False, widths=False, filters=False,
                    name=w.table_name(CABINET_SUMMARY))  # fmt: skip
    sheet.write_string(below + 1, 0, "Every task", w.fmt["bold"])
    w.table(sheet, table, below + 2, freeze=False, widths=False)
    sheet.repeat_rows(below + 2)


def _tasks_marked(c: Consolidation, sheet: str, name: str) -> Table:
    columns = [BUSINESS_UNIT, *map(_field, FIRST), LATEST, _field("outcomes"), SOURCE]
    items = rows_of(c, LAYOUT)
    marked = field_values((row for _, row in items), name)
    return Table.of(sheet, columns, [i for i, mark in zip(items, marked) if mark == "Yes"])


def contract_register(c: Consolidation) -> Table:
    """Tasks delivered under a formal contract, for the Corporate Contract Register."""
    return _tasks_marked(c, CONTRACT_REGISTER, "contract")


def efficiency(c: Consolidation) -> Table:
    """Tasks that will bring a Gershon efficiency, for the Annual Efficiency Statement."""
    return _tasks_marked(c, EFFICIENCY, "efficiency")


# every quarter's status (this quarter's and the latest print) and the impact assessment (the
# Council Plan, Contract Register and Efficiency sheets print it) are for the screen alone
SCREEN_ONLY = tuple(f.name for f in LAYOUT.columns
                    if f.name not in (*FIRST, "progress_report", "outcomes"))  # fmt: skip
COUNCIL_PLAN_PROGRESS, CONTRACT_REGISTER, EFFICIENCY = (
    "Council Plan Progress", "Contract Register", "Efficiency")  # fmt: skip
CABINET_SUMMARY = "Cabinet summary"

REPORT = LayoutReport(
    on_paper=("ref", "task", "task_officer", QUARTER_DUE),
    row_columns=task_columns,
    screen_only=SCREEN_ONLY,
    sheets=(
        DerivedSheet(COUNCIL_PLAN_PROGRESS, "per Council Plan priority, its significant tasks "
                     "by status this quarter (the Cabinet summary), then every such task",
                     council_plan_progress, write=write_council_plan_progress),
        DerivedSheet(CONTRACT_REGISTER, "tasks under a formal contract, for the Corporate "
                     "Contract Register", contract_register,
                     title="Contract Register: three-year tasks under a formal contract"),
        DerivedSheet(EFFICIENCY, "tasks that will bring a Gershon efficiency, for the Annual "
                     "Efficiency Statement", efficiency,
                     title="Efficiency: three-year tasks that bring a Gershon efficiency"),
    ),
    charts=(
        ChartSpec("Three-year tasks by status this quarter, per business unit", "tasks by status",
                  progress_chart(LAYOUT, "Business unit"), "bar", "stacked", COLOURS_HERE,
                  stacks_progress=True),
    ),
)  # fmt: skip
