"""The Priority 44 plan's own gap-flag rules (the rules every layout has are in
``pipeline.round.flags``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from ...declare import Layout
from ...declare.forms import overdue, overdue_form, statuses
from ...declare.formulas import Check, Terms, both, quoted
from ...declare.rows import field_values
from ...declare.rules import Rule
from ...declare.severity import AMBER, RED
from ...round.flags import flag, row_ref
from ...round.plans import Flag, Plan
from ...round.travel import RANK, RED_SHARE_OVERDUE, delivery
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
    for row, late in zip(plan.items, field_values(plan.items, "overdue")):
        if late:
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


# --- their in-template forms (``declare.formulas``): each rule's test as a formula ------------


def contingency_form(layout: Layout, stamped: bool) -> Iterator[Check]:
    """Overall confidence Red, and Risks and contingency empty."""
    yield Check("risks", lambda t: both(f'TRIM({t("confidence")})="Red"', t.blank("risks")),
                "{title} is empty while the confidence is Red")  # fmt: skip


def _rows(t: Terms) -> str:
    return t.total("rows", lambda u: f"IF({u.used},1,0)")


def confidence_form(layout: Layout, stamped: bool) -> Iterator[Check]:
    """A stated confidence better than the actions' own (``travel.delivery``: more than a
    quarter overdue reads as Red, any as Amber)."""

    def when(t: Terms) -> str:
        rows = _rows(t)
        late = t.total("overdue", lambda u: f"IF({overdue(layout, u)},1,0)")
        stated = f"TRIM({t('confidence')})"
        green, amber = (w for w, _ in sorted(RANK.items(), key=lambda i: -i[1])[:2])
        return (f"AND({rows}>0,OR(AND({stated}={quoted(green)},{late}>0),AND({stated}="
                f"{quoted(amber)},{late}>{rows}*{RED_SHARE_OVERDUE})))")  # fmt: skip

    yield Check("confidence", when, "{title} is better than the plan's own actions say")


def shortfall_form(layout: Layout, stamped: bool) -> Iterator[Check]:
    """Live and delivered actions' estimated impact short of baseline x reduction target %
    (halves rounded up, as ``measures.reduction_needed``)."""
    counted = statuses(layout, "live") + statuses(layout, "complete")

    def impact(u: Terms) -> str:
        x = u("estimated_impact")
        return (f"IF(AND({u.one_of(layout.progress.status, counted)},"
                f"IF(ISNUMBER({x}),AND({x}>=0,{x}=INT({x})),FALSE)),{x},0)")  # fmt: skip

    def when(t: Terms) -> str:
        b, p = t("baseline"), t("reduction_target")
        total = t.total("impact", impact)
        return (f"IF(AND(ISNUMBER({b}),ISNUMBER({p})),AND({b}>=0,{b}=INT({b}),{p}>0,{p}<=100,"
                f"ROUND({b}*{p}/100,0)>{total}),FALSE)")  # fmt: skip

    yield Check("reduction_target", when,
                "{title} is more than the actions' estimated impact achieves")  # fmt: skip


def ahead_form(layout: Layout, stamped: bool) -> Iterator[Check]:
    """No live action in the next four weeks (a blank or unreadable date reads as open)."""
    live = statuses(layout, "live")

    def ahead(u: Terms) -> str:
        start, end = u("start_date"), u("end_date")
        return (f"IF(AND({u.one_of(layout.progress.status, live)},IF(ISNUMBER({start}),"
                f"{start}<=TODAY()+{LOOK_AHEAD_DAYS},TRUE),IF(ISNUMBER({end}),{end}>=TODAY(),"
                f"TRUE)),1,0)")  # fmt: skip

    yield Check(None, lambda t: f"{t.total('ahead', ahead)}=0",
                "No Planned or Ongoing action falls in the next four weeks")  # fmt: skip


RULES: tuple[Rule, ...] = (
    Rule("red-without-contingency", "Red confidence without contingency", RED,
         "Overall confidence is Red and no risks and contingency are given.",
         "Say what the risks are and what the contingency is.", red_without_contingency,
         brief=lambda plan: "Red with no contingency given", in_template=contingency_form),
    Rule("confidence-check", "Confidence check", AMBER,
         "The stated confidence is better than the plan's own rows suggest (more than a "
         "quarter of actions overdue reads as Red, any overdue as Amber).",
         "Check the overall confidence against the plan's own actions.", confidence_check,
         brief=lambda plan: f"says {plan.value('confidence')}, its actions say "
         f"{delivery(plan.items)}", in_template=confidence_form),
    Rule("action-overdue", "Action overdue", AMBER,
         "The end date has passed and the action is not Complete, Evaluation or Cancelled.",
         "Update the action: complete it, give a new end date, or cancel it.", action_overdue,
         in_template=overdue_form("{title} has passed and the action is not finished")),
    Rule("impact-shortfall", "Impact shortfall", AMBER,
         "The estimated impact of live actions (Planned, Ongoing) and delivered ones "
         "(Complete, Evaluation) adds up to less than the reduction the target needs "
         "(baseline × target %).",
         "Add or extend actions until their impact meets the reduction needed.",
         impact_shortfall,
         brief=lambda plan: f"{plan.figure('impact_shortfall')} crimes short of its target",
         in_template=shortfall_form),
    Rule("nothing-planned-ahead", "Nothing planned ahead", AMBER,
         "No Planned or Ongoing action falls in the next four weeks.",
         "Plan the next four weeks' actions.", nothing_planned_ahead, in_template=ahead_form),
)  # fmt: skip
