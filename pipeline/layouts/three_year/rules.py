"""The three-year plan's own gap-flag rules (the rules every layout has are in
``pipeline.round.flags``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ...declare import Layout
from ...declare.forms import statuses
from ...declare.formulas import Check, Terms, both, quoted
from ...declare.quarters import quarter_label
from ...declare.rows import field_values, picked
from ...declare.rules import Rule
from ...declare.severity import AMBER, RED
from ...returns import ROW
from ...round.flags import flag, row_ref
from ...round.plans import Flag, Plan
from . import QUARTERS

SIGNIFICANT = "Significant"  # a priority's word for a task that matters most to it


def _current_quarter(plan: Plan, as_of: date) -> int | None:
    """The plan quarter of the as-of date (None without a plan start)."""
    return QUARTERS.now(plan.value(QUARTERS.start), as_of)


def task_overdue(plan: Plan, as_of: date) -> Iterator[Flag]:
    start = plan.value("plan_start")
    for row, overdue in zip(plan.items, field_values(plan.items, "overdue")):
        if overdue:
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
    read = picked(plan.items, ("delayed", "closed", "progress_report"))
    for row, (delayed, closed, report) in zip(plan.items, read):
        if (delayed or closed) and not report:
            yield flag(
                plan,
                "delayed-without-report",
                AMBER,
                f"{row_ref(row, plan)} is {row['status_now']} but has no progress report "
                "saying why.",
                plan.cell_in_row("progress_report", row),
            )


def significant_delayed(plan: Plan, as_of: date) -> Iterator[Flag]:
    for row, delayed in zip(plan.items, field_values(plan.items, "delayed")):
        if not delayed:
            continue
        priorities = [n for n in range(1, 5) if row.get(f"cp{n}") == SIGNIFICANT]
        if priorities:
            listed = ", ".join(str(n) for n in priorities)
            yield flag(
                plan,
                "significant-delayed",
                RED,
                f"{row_ref(row, plan)} is Delayed and significant for Council Plan "
                f"priority {listed}: escalate to Cabinet.",
                plan.cell_in_row("ref", row),
            )


# --- their in-template forms (``declare.formulas``): each rule's test as a formula, its
# quarters and statuses read from the declaration ----------------------------------------------


def _start(t: Terms) -> tuple[str, str]:
    """The defined names of (TRUE where the plan start is a year, the quarter of the plan
    today falls in: 0 where the plan start is not known)."""

    def known(u: Terms) -> str:
        s = u(QUARTERS.start)
        return f"IF(ISNUMBER({s}),AND({s}=INT({s}),{s}>=1990,{s}<=2100),FALSE)"

    def now(u: Terms) -> str:
        s = u(QUARTERS.start)
        return f"IF({u.named('known', known)},INT(((YEAR(TODAY())-{s})*12+MONTH(TODAY())-4)/3)+1,0)"

    return t.named("known", known), t.named("now", now)


def _span(t: Terms) -> str:
    return t.span(QUARTERS.columns[0], QUARTERS.columns[-1])


def latest(layout: Layout, t: Terms) -> str:
    """This row's latest status given, of the quarters up to today's (all twelve where the plan
    start is not known); "" where none is. An unreadable status is not given."""

    def upto(u: Terms) -> str:  # the column after the last quarter given so far
        known, now = _start(u)
        n = QUARTERS.count
        return f"{u.column(QUARTERS.columns[0])}+IF({known},MAX(0,MIN({now},{n})),{n})"

    given = t.list_of(layout.progress.statuses)
    return (f"IFERROR(LOOKUP(2,1/(COUNTIF({given},TRIM({_span(t)}))*(COLUMN({_span(t)})<"
            f'{t.named("upto", upto)})),{_span(t)}),"")')  # fmt: skip


def _latest_in(layout: Layout, t: Terms, which: str) -> str:
    """TRUE where this row's latest status is one of its progress rule's set ``which``."""
    return f"COUNTIF({t.list_of(statuses(layout, which))},TRIM({latest(layout, t)}))>0"


def overdue_form(layout: Layout, stamped: bool) -> Iterator[Check]:
    """A task whose completion quarter has ended and whose latest status is not finished."""
    q = layout.progress.due_field

    def when(t: Terms) -> str:
        known, now = _start(t)
        due = f"IF(ISNUMBER({t(q)}),AND({t(q)}>=1,{t(q)}<13,INT({t(q)})<{now}),FALSE)"
        return f"AND({known},{due},NOT({_latest_in(layout, t, 'finished')}))"

    yield Check(q, when, "{title} has passed and the task is not finished")


def not_updated_form(layout: Layout, stamped: bool) -> Iterator[Check]:
    """Open tasks with no status for this quarter: the quarter's title cell, as the flag
    points at it."""

    def not_updated(t: Terms) -> str:
        _, now = _start(t)
        this = f"INDEX({_span(t)},{now})"
        given = f"COUNTIF({t.list_of(layout.progress.statuses)},TRIM({this}))>0"
        return (f"IF(AND({now}>=1,{now}<={QUARTERS.count}),IF(AND({t.used},NOT("
                f"{_latest_in(layout, t, 'finished')}),NOT({given})),1,0),0)")  # fmt: skip

    for n, name in enumerate(QUARTERS.columns, start=1):

        def when(t: Terms, n: int = n) -> str:
            _, now = _start(t)
            return f"AND({now}={n},{t.total('not_updated', not_updated)}>0)"

        yield Check(name, when, "{title} has no status for some open tasks", at_title=True)


def report_form(layout: Layout, stamped: bool) -> Iterator[Check]:
    """A task Delayed or No longer relevant (delayed, or finished but not complete) with no
    progress report."""
    delayed = statuses(layout, "delayed")
    closed = tuple(s for s in statuses(layout, "finished") if s not in layout.progress.complete)

    def when(t: Terms) -> str:
        given = f"COUNTIF({t.list_of(delayed + closed)},TRIM({latest(layout, t)}))>0"
        return both(t.blank("progress_report"), given)

    yield Check(
        "progress_report",
        when,
        f"{{title}} is empty while the task is {' or '.join(delayed + closed)}",
    )


def significant_form(layout: Layout, stamped: bool) -> Iterator[Check]:
    """A Delayed task significant for a Council Plan priority."""
    priorities = [f.name for f in layout.columns if f.name.startswith("cp")]

    def when(t: Terms) -> str:
        span = t.span(priorities[0], priorities[-1])
        marked = f"SUMPRODUCT(--(TRIM({span})={quoted(SIGNIFICANT)}))>0"
        return both(_latest_in(layout, t, "delayed"), marked)

    yield Check(layout.reference, when, "is Delayed and significant for a Council Plan priority")


RULES: tuple[Rule, ...] = (
    Rule("task-overdue", "Task overdue", AMBER,
         "The task's completion quarter has passed and it is neither Completed nor No "
         "longer relevant.",
         "Update the task: complete it, reschedule it, or mark it no longer relevant.",
         task_overdue, in_template=overdue_form),
    Rule("quarter-not-updated", "Current quarter not updated", AMBER,
         "Open tasks have no status for the current quarter.",
         "Give every open task its status for this quarter.", quarter_not_updated,
         in_template=not_updated_form),
    Rule("delayed-without-report", "Delayed without progress report", AMBER,
         "A task is Delayed or No longer relevant and its progress report is empty.",
         "Say in the progress report why the task is delayed or dropped.",
         delayed_without_report, in_template=report_form),
    Rule("significant-delayed", "Council Plan task delayed", RED,
         "A task significant for a Council Plan priority is Delayed: escalate to Cabinet.",
         "Report the delay, and what is being done about it, to the Council Plan lead.",
         significant_delayed, in_template=significant_form),
)  # fmt: skip
