"""Gap flags: what a manager should look at, each pointing at the exact place to fix.

Every rule is one row of ``RULES``: an id, a title, a severity, the layouts it applies to, a
sentence for the Guidance sheet, and a function from one organisation's plan to its flags.
Adding a rule is adding a row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .findings import REQUIRED
from .layouts.quarters import quarter_label
from .plans import Flag, Plan
from .returns import ROW
from .travel import RANK, delivery
from .values import uk

RED, AMBER = "red", "amber"
EVERY = None  # a rule for every layout
# the layouts' own rules (to move into their packages: issue 13)
P44, THREE_YEAR = ("p44",), ("three_year",)
LOOK_AHEAD_DAYS = 28
_MISSING_PARTS = {REQUIRED, "missing-label", "missing-column", "missing-table"}


@dataclass(frozen=True)
class Rule:
    """A gap-flag rule: what it is called, how loud, where it applies, how it is found."""

    id: str
    title: str
    severity: str | None  # None: the field's own level (required fields)
    layouts: tuple[str, ...] | None  # None: every layout
    explains: str  # when it fires
    to_do: str  # what the organisation does about it
    find: Callable[[Plan, date], Iterator[Flag]]


def _flag(plan: Plan, rule: str, severity: str, message: str, cell: str | None = None) -> Flag:
    loaded = plan.loaded
    words = RULES_BY_ID[rule]
    return Flag(
        plan.organisation,
        plan.layout.name,
        severity,
        rule,
        message,
        file=loaded.source.name if loaded else None,
        sheet=loaded.sheet if loaded else None,
        cell=cell,
        rule_title=words.title,
        to_do=words.to_do,
    )


def _ref(row: dict[str, Any], plan: Plan) -> str:
    """How a sentence starts about one row: ``Action A03``, or ``The action in row 23``."""
    ref = row.get("ref")
    noun = plan.layout.row_noun
    return f"{noun.title()} {ref}" if ref else f"The {noun} in row {row[ROW] + 1}"


# --- the rules -------------------------------------------------------------------------------


def required_empty(plan: Plan, as_of: date) -> Iterator[Flag]:
    refs = {row[ROW]: _ref(row, plan) for row in plan.items}
    for finding in plan.findings:
        if finding.gap and finding.rule in _MISSING_PARTS:
            what = f"{finding.field or 'A required part'} is missing"
            if finding.row is not None and finding.row in refs:
                what = f"{refs[finding.row]}: {finding.field} is empty"
            elif finding.rule == "missing-table":
                what = f"No {plan.layout.row_noun}s table was found"
            yield _flag(plan, "required-empty", finding.gap, f"{what}.", finding.cell)


def invalid_value(plan: Plan, as_of: date) -> Iterator[Flag]:
    for finding in plan.findings:
        if finding.gap and finding.rule not in _MISSING_PARTS:
            yield _flag(plan, "invalid-value", AMBER, finding.message, finding.cell)


def return_missing(plan: Plan, as_of: date) -> Iterator[Flag]:
    if not plan.has_return:
        contact = plan.contact
        chase = f" Chase {contact}." if contact else ""
        yield _flag(plan, "return-missing", RED, f"No return received.{chase}")


def return_stale(plan: Plan, as_of: date) -> Iterator[Flag]:
    updated = plan.value("date_of_update")
    interval = plan.layout.interval_days
    if isinstance(updated, date) and (as_of - updated).days > interval:
        yield _flag(
            plan,
            "return-stale",
            AMBER,
            f"Last updated {uk(updated)}, {(as_of - updated).days} days before {uk(as_of)}; "
            f"updates are due every {interval} days.",
            plan.cell("date_of_update"),
        )


def action_overdue(plan: Plan, as_of: date) -> Iterator[Flag]:
    for row in plan.items:
        if row["overdue"]:
            yield _flag(
                plan,
                "action-overdue",
                AMBER,
                f"{_ref(row, plan)} ({row.get('action') or 'no description'}) "
                f"ended {uk(row['due'])} but is {row['status_now'] or 'without a status'}.",
                plan.cell_in_row("end_date", row),
            )


def task_overdue(plan: Plan, as_of: date) -> Iterator[Flag]:
    start = plan.value("plan_start")
    for row in plan.items:
        if row["overdue"]:
            q = row["completion_quarter"]
            yield _flag(
                plan,
                "task-overdue",
                AMBER,
                f"{_ref(row, plan)} ({row.get('task') or 'no description'}) was "
                f"due in quarter {q} ({quarter_label(start, q)}) but its latest status is "
                f"{row['status_now'] or 'blank'}.",
                plan.cell_in_row("completion_quarter", row),
            )


def quarter_not_updated(plan: Plan, as_of: date) -> Iterator[Flag]:
    stale = [row.get("ref") or f"row {row[ROW] + 1}" for row in plan.items if row["not_updated"]]
    if stale:
        now = plan.current_quarter(as_of)
        listed = ", ".join(stale[:8]) + (", …" if len(stale) > 8 else "")
        label = quarter_label(plan.value("plan_start"), now)
        yield _flag(
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
            yield _flag(
                plan,
                "delayed-without-report",
                AMBER,
                f"{_ref(row, plan)} is {row['status_now']} but has no progress report saying why.",
                plan.cell_in_row("progress_report", row),
            )


def significant_delayed(plan: Plan, as_of: date) -> Iterator[Flag]:
    for row in plan.items:
        priorities = [n for n in range(1, 5) if row.get(f"cp{n}") == "Significant"]
        if row["delayed"] and priorities:
            listed = ", ".join(str(n) for n in priorities)
            yield _flag(
                plan,
                "significant-delayed",
                RED,
                f"{_ref(row, plan)} is Delayed and significant for Council Plan "
                f"priority {listed}: escalate to Cabinet.",
                plan.cell_in_row("ref", row),
            )


def red_without_contingency(plan: Plan, as_of: date) -> Iterator[Flag]:
    if plan.value("confidence") == "Red" and not plan.value("risks"):
        yield _flag(
            plan,
            "red-without-contingency",
            RED,
            "Overall confidence is Red but Risks and contingency is empty: say how the plan "
            "will move from red to amber to green.",
            plan.cell("risks"),
        )


def confidence_check(plan: Plan, as_of: date) -> Iterator[Flag]:
    stated, computed = plan.value("confidence"), delivery(plan.items)
    if stated in RANK and computed in RANK and RANK[stated] > RANK[computed]:
        overdue = plan.figure("overdue")
        yield _flag(
            plan,
            "confidence-check",
            AMBER,
            f"Confidence is {stated}, but {overdue} of {len(plan.items)} actions are overdue, "
            f"which reads as {computed}: check the confidence, or bring the actions up to date.",
            plan.cell("confidence"),
        )


def impact_shortfall(plan: Plan, as_of: date) -> Iterator[Flag]:
    short = plan.figure("impact_shortfall")
    if short:
        live, delivered = plan.figure("live_impact"), plan.figure("delivered_impact")
        yield _flag(
            plan,
            "impact-shortfall",
            AMBER,
            f"Live actions are estimated to prevent {live} crimes and delivered ones {delivered} "
            f"({live + delivered} in all); the target needs {plan.figure('reduction_needed')} "
            f"({plan.value('reduction_target'):g}% of {plan.value('baseline')}): {short} short.",
            plan.cell("reduction_target"),
        )


def nothing_planned_ahead(plan: Plan, as_of: date) -> Iterator[Flag]:
    if not plan.has_return:
        return
    horizon = as_of + timedelta(days=LOOK_AHEAD_DAYS)
    for row in plan.items:
        start, end = row.get("start_date"), row.get("end_date")
        if row["live"] and (start is None or start <= horizon) and (end is None or end >= as_of):
            return
    yield _flag(
        plan,
        "nothing-planned-ahead",
        AMBER,
        f"No Planned or Ongoing action falls in the next four weeks ({uk(as_of)} to "
        f"{uk(horizon)}).",
    )


RULES: tuple[Rule, ...] = (
    Rule("return-missing", "Return missing", RED, EVERY,
         "On the register, but no return was received this round.",
         "Send this round's return.", return_missing),
    Rule("required-empty", "Required field empty", None, EVERY,
         "A required field, column or table is empty or missing (red for the problem "
         "definition, risks, confidence and dates; amber otherwise).",
         "Fill in what is missing, and send the plan again.", required_empty),
    Rule("invalid-value", "Value not readable", AMBER, EVERY,
         "A value could not be read as what the field needs (a date, a number, one of "
         "the list) and has been left out of the counts.",
         "Correct the value in the form the template asks for.", invalid_value),
    Rule("return-stale", "Return stale", AMBER, EVERY,
         "The date of update is older than the reporting interval (14 days for Priority 44, "
         "one quarter for three-year plans).",
         "Update the plan and its date of update, and send it.", return_stale),
    Rule("red-without-contingency", "Red confidence without contingency", RED, P44,
         "Overall confidence is Red and no risks and contingency are given.",
         "Say what the risks are and what the contingency is.", red_without_contingency),
    Rule("confidence-check", "Confidence check", AMBER, P44,
         "The stated confidence is better than the plan's own rows suggest (more than a "
         "quarter of actions overdue reads as Red, any overdue as Amber).",
         "Check the overall confidence against the plan's own actions.", confidence_check),
    Rule("action-overdue", "Action overdue", AMBER, P44,
         "The end date has passed and the action is not Complete, Evaluation or Cancelled.",
         "Update the action: complete it, give a new end date, or cancel it.", action_overdue),
    Rule("impact-shortfall", "Impact shortfall", AMBER, P44,
         "The estimated impact of live actions (Planned, Ongoing) and delivered ones "
         "(Complete, Evaluation) adds up to less than the reduction the target needs "
         "(baseline × target %).",
         "Add or extend actions until their impact meets the reduction needed.",
         impact_shortfall),
    Rule("nothing-planned-ahead", "Nothing planned ahead", AMBER, P44,
         "No Planned or Ongoing action falls in the next four weeks.",
         "Plan the next four weeks' actions.", nothing_planned_ahead),
    Rule("task-overdue", "Task overdue", AMBER, THREE_YEAR,
         "The task's completion quarter has passed and it is neither Completed nor No "
         "longer relevant.",
         "Update the task: complete it, reschedule it, or mark it no longer relevant.",
         task_overdue),
    Rule("quarter-not-updated", "Current quarter not updated", AMBER, THREE_YEAR,
         "Open tasks have no status for the current quarter.",
         "Give every open task its status for this quarter.", quarter_not_updated),
    Rule("delayed-without-report", "Delayed without progress report", AMBER, THREE_YEAR,
         "A task is Delayed or No longer relevant and its progress report is empty.",
         "Say in the progress report why the task is delayed or dropped.",
         delayed_without_report),
    Rule("significant-delayed", "Council Plan task delayed", RED, THREE_YEAR,
         "A task significant for a Council Plan priority is Delayed: escalate to Cabinet.",
         "Report the delay, and what is being done about it, to the Council Plan lead.",
         significant_delayed),
)  # fmt: skip
RULES_BY_ID = {rule.id: rule for rule in RULES}
_ORDER = {rule.id: n for n, rule in enumerate(RULES)}


def flags_for(plan: Plan, as_of: date) -> list[Flag]:
    """Every flag the rules raise for one organisation's plan."""
    return [
        flag
        for rule in RULES
        if rule.layouts is None or plan.layout.name in rule.layouts
        for flag in rule.find(plan, as_of)
    ]


def sort_flags(flags: list[Flag]) -> list[Flag]:
    """Red first, then by rule, organisation and place."""
    return sorted(
        flags,
        key=lambda f: (f.severity != RED, _ORDER[f.rule], f.organisation.lower(), f.cell or ""),
    )
