"""The delivery plan's own gap-flag rules (the rules every layout has are in
``pipeline.round.flags``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ...declare import Layout
from ...declare.forms import fy_quarter, overdue_form
from ...declare.formulas import Check, Terms, both
from ...declare.quarters import financial_quarter_name, financial_quarter_of
from ...declare.rules import STORE, Rule
from ...declare.severity import AMBER, RED
from ...round.flags import flag, row_ref
from ...round.plans import Flag, Plan
from ...values import uk
from ...values.dates import is_fy_quarter
from .measures import IMPROVING, WORSENING, computed, worse_twice


def quarter_not_this_round(plan: Plan, as_of: date) -> Iterator[Flag]:
    # (an update for an earlier quarter is not this round's at all: ``pipeline.inbox.periods``)
    given = plan.value("quarter")
    this = financial_quarter_name(*financial_quarter_of(as_of))
    if is_fy_quarter(given) and given != this:
        yield flag(plan, "quarter-not-this-round", AMBER,
                   f"The update is for {given}, but this round is {this}: correct the "
                   f"Quarter.", plan.cell("quarter"))  # fmt: skip


def rag_without_commentary(plan: Plan, as_of: date) -> Iterator[Flag]:
    for row in plan.items:
        if row["status_now"] in ("Red", "Amber") and not row.get("commentary"):
            yield flag(plan, "rag-without-commentary", AMBER,
                       f"{row_ref(row, plan)} is {row['status_now']} but has no progress "
                       f"commentary saying why and what is being done.",
                       plan.cell_in_row("commentary", row))  # fmt: skip


def past_target(plan: Plan, as_of: date) -> Iterator[Flag]:
    for row in plan.items:
        if row["overdue"]:
            yield flag(plan, "past-target-date", AMBER,
                       f"{row_ref(row, plan)} ({row.get('action') or 'no description'}) was due "
                       f"{uk(row['due'])} and is still {row['status_now'] or 'without a status'}"
                       f", not Complete.",
                       plan.cell_in_row("target_date", row))  # fmt: skip


def direction_contradicted(plan: Plan, as_of: date) -> Iterator[Flag]:
    for row in plan.items:
        if row.get("direction") == IMPROVING and computed(row) == WORSENING:
            yield flag(plan, "direction-contradicted", AMBER,
                       f"{row_ref(row, plan)} is stated as Improving, but its RAG status fell "
                       f"from {row['status_last_round']} to {row['status_now']} since last "
                       f"quarter.", plan.cell_in_row("direction", row))  # fmt: skip


def worse_two_quarters(plan: Plan, as_of: date) -> Iterator[Flag]:
    for row in plan.items:
        if worse_twice(row):
            yield flag(plan, "worse-two-quarters", RED,
                       f"{row_ref(row, plan)} has worsened two quarters running: "
                       f"{row['status_before_last']}, then {row['status_last_round']}, now "
                       f"{row['status_now']}.", plan.cell_in_row("rag_status", row))  # fmt: skip


# --- their in-template forms (``declare.formulas``): each rule's test as a formula ------------


def _quarter_index(q: str) -> str:
    return f"LEFT({q},4)*4+RIGHT({q},1)"


def quarter_later_form(layout: Layout, stamped: bool) -> Iterator[Check]:
    """A Quarter later than today's (an earlier one is an earlier round's: ``earlier-period``)."""

    def when(t: Terms) -> str:
        q = f"TRIM({t('quarter')})"
        today = "(YEAR(TODAY())-(MONTH(TODAY())<4))*4+INT(MOD(MONTH(TODAY())-4,12)/3)+1"
        return f"IF({fy_quarter(q)},{_quarter_index(q)}>{today},FALSE)"

    yield Check("quarter", when, "{title} is later than this quarter")


def rag_without_commentary_form(layout: Layout, stamped: bool) -> Iterator[Check]:
    """A Red or Amber action with no progress commentary."""
    words = ("Red", "Amber")
    yield Check("commentary",
                lambda t: both(t.one_of(layout.progress.status, words), t.blank("commentary")),
                "{title} is empty while the action is Red or Amber")  # fmt: skip


RULES: tuple[Rule, ...] = (
    Rule("worse-two-quarters", "Worse two quarters running", RED,
         "An action's RAG status fell last quarter and again this quarter.",
         "Tell the Board why, and what will turn the action round.", worse_two_quarters,
         on_return=STORE),
    Rule("quarter-not-this-round", "Update for another quarter", AMBER,
         "The Quarter the update says it is for is a later one than this round's (an "
         "earlier one's update is not this round's return).",
         "Send this quarter's update, with its Quarter, or correct the Quarter.",
         quarter_not_this_round, in_template=quarter_later_form),
    Rule("rag-without-commentary", "Red or Amber without commentary", AMBER,
         "An action is Red or Amber and its progress commentary is empty.",
         "Say in the progress commentary why, and what is being done about it.",
         rag_without_commentary, in_template=rag_without_commentary_form),
    Rule("past-target-date", "Past target date", AMBER,
         "The action's target date has passed and it is not Complete.",
         "Update the action: complete it, or agree a new target date.", past_target,
         in_template=overdue_form("{title} has passed and the action is not Complete")),
    Rule("direction-contradicted", "Direction of travel contradicted", AMBER,
         "The lead states Improving, but the RAG status fell since last quarter's return.",
         "Check the direction of travel against the RAG status.", direction_contradicted,
         on_return=STORE),
)  # fmt: skip
