"""The Priority 44 plan's own gap-flag rules (the rules every layout has are in
``pipeline.round.flags``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from ...declare.rules import Rule
from ...declare.severity import AMBER, RED
from ...round.flags import flag, row_ref
from ...round.plans import Flag, Plan
from ...round.travel import RANK, delivery
from ...values import uk

LOOK_AHEAD_DAYS = 28


def red_without_contingency(plan: Plan, as_of: date) -> Iterator[Flag]:
    if plan.value("confidence") == "Red" and not plan.value("risks"):
        yield flag(
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
        yield flag(
            plan,
            "confidence-check",
            AMBER,
            f"Confidence is {stated}, but {overdue} of {len(plan.items)} actions are overdue, "
            f"which reads as {computed}: check the confidence, or bring the actions up to date.",
            plan.cell("confidence"),
        )


def action_overdue(plan: Plan, as_of: date) -> Iterator[Flag]:
    for row in plan.items:
        if row["overdue"]:
            yield flag(
                plan,
                "action-overdue",
                AMBER,
                f"{row_ref(row, plan)} ({row.get('action') or 'no description'}) "
                f"ended {uk(row['due'])} but is {row['status_now'] or 'without a status'}.",
                plan.cell_in_row("end_date", row),
            )


def impact_shortfall(plan: Plan, as_of: date) -> Iterator[Flag]:
    short = plan.figure("impact_shortfall")
    if short:
        live, delivered = plan.figure("live_impact"), plan.figure("delivered_impact")
        yield flag(
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
    yield flag(
        plan,
        "nothing-planned-ahead",
        AMBER,
        f"No Planned or Ongoing action falls in the next four weeks ({uk(as_of)} to "
        f"{uk(horizon)}).",
    )


RULES: tuple[Rule, ...] = (
    Rule("red-without-contingency", "Red confidence without contingency", RED,
         "Overall confidence is Red and no risks and contingency are given.",
         "Say what the risks are and what the contingency is.", red_without_contingency,
         brief=lambda plan: "Red with no contingency given"),
    Rule("confidence-check", "Confidence check", AMBER,
         "The stated confidence is better than the plan's own rows suggest (more than a "
         "quarter of actions overdue reads as Red, any overdue as Amber).",
         "Check the overall confidence against the plan's own actions.", confidence_check,
         brief=lambda plan: f"says {plan.value('confidence')}, its actions say "
         f"{delivery(plan.items)}"),
    Rule("action-overdue", "Action overdue", AMBER,
         "The end date has passed and the action is not Complete, Evaluation or Cancelled.",
         "Update the action: complete it, give a new end date, or cancel it.", action_overdue),
    Rule("impact-shortfall", "Impact shortfall", AMBER,
         "The estimated impact of live actions (Planned, Ongoing) and delivered ones "
         "(Complete, Evaluation) adds up to less than the reduction the target needs "
         "(baseline × target %).",
         "Add or extend actions until their impact meets the reduction needed.",
         impact_shortfall,
         brief=lambda plan: f"{plan.figure('impact_shortfall')} crimes short of its target"),
    Rule("nothing-planned-ahead", "Nothing planned ahead", AMBER,
         "No Planned or Ongoing action falls in the next four weeks.",
         "Plan the next four weeks' actions.", nothing_planned_ahead),
)  # fmt: skip
