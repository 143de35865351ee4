"""The self-assessment's own gap-flag rules (the rules every layout has are in
``pipeline.round.flags``; a review older than a year is the ``return-stale`` one, the layout's
interval being 365 days)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ...declare import Layout
from ...declare.forms import overdue_form
from ...declare.formulas import Check, Terms, both, quoted
from ...declare.rules import Rule
from ...declare.severity import AMBER, RED
from ...round.flags import flag, row_ref
from ...round.plans import Flag, Plan
from ...values import uk
from .measures import GAP, IN_PLACE, STATUTORY, has_action


def _what(row: dict) -> str:
    return f"({row.get('type') or 'no type'}, {row.get('hallmark') or 'no Hallmark'})"


def statutory_gap_without_action(plan: Plan, as_of: date) -> Iterator[Flag]:
    for row in plan.items:
        status = row["status_now"]
        if row.get("type") == STATUTORY and status and status != IN_PLACE and not has_action(row):
            yield flag(plan, "statutory-gap-no-action", RED,
                       f"{row_ref(row, plan)} {_what(row)} is "
                       f"{'a Gap' if status == GAP else status}, not in place, and has no "
                       f"further action.",
                       plan.cell_in_row("further_action", row))  # fmt: skip


def gap_without_action(plan: Plan, as_of: date) -> Iterator[Flag]:
    for row in plan.items:
        if row.get("type") != STATUTORY and row["status_now"] == GAP and not has_action(row):
            yield flag(plan, "gap-without-action", AMBER,
                       f"{row_ref(row, plan)} {_what(row)} is a Gap with no further action.",
                       plan.cell_in_row("further_action", row))  # fmt: skip


def statutory_without_position(plan: Plan, as_of: date) -> Iterator[Flag]:
    for row in plan.items:
        if row.get("type") == STATUTORY and not row.get("position"):
            yield flag(plan, "statutory-without-position", AMBER,
                       f"{row_ref(row, plan)} is Statutory but the partnership's position on "
                       f"it is empty.", plan.cell_in_row("position", row))  # fmt: skip


def action_without_owner(plan: Plan, as_of: date) -> Iterator[Flag]:
    for row in plan.items:
        missing = [n for n in ("owner", "target_date") if has_action(row) and not row.get(n)]
        if missing:
            said = " or ".join(plan.layout.field(n).title.lower() for n in missing)
            yield flag(plan, "action-without-owner", AMBER,
                       f"{row_ref(row, plan)}'s further action has no {said}.",
                       plan.cell_in_row(missing[0], row))  # fmt: skip


def action_past_target(plan: Plan, as_of: date) -> Iterator[Flag]:
    for row in plan.items:
        if row["overdue"]:
            doing = row.get("further_action") or "no further action given"
            yield flag(plan, "action-past-target", AMBER,
                       f"{row_ref(row, plan)}'s further action ({doing}) was due "
                       f"{uk(row['due'])} and the requirement is still "
                       f"{row['status_now'] or 'not assessed'}.",
                       plan.cell_in_row("target_date", row))  # fmt: skip


# --- their in-template forms (``declare.formulas``): each rule's test as a formula ------------


def _statutory(t: Terms) -> str:
    return f"TRIM({t('type')})={quoted(STATUTORY)}"


def statutory_gap_form(layout: Layout, stamped: bool) -> Iterator[Check]:
    """A Statutory requirement assessed, not in place, with no further action."""
    open_ = tuple(s for s in layout.progress.statuses if s not in layout.progress.finished)
    yield Check("further_action",
                lambda t: both(_statutory(t), t.one_of(layout.progress.status, open_),
                               t.blank("further_action")),
                "{title} is empty for a Statutory requirement not in place")  # fmt: skip


def gap_form(layout: Layout, stamped: bool) -> Iterator[Check]:
    """Another requirement assessed as a Gap with no further action."""
    yield Check("further_action",
                lambda t: both(f"NOT({_statutory(t)})", t.one_of(layout.progress.status,
                               (GAP,)), t.blank("further_action")),
                "{title} is empty for a Gap")  # fmt: skip


def position_form(layout: Layout, stamped: bool) -> Iterator[Check]:
    """A Statutory requirement with no partnership position."""
    yield Check("position", lambda t: both(_statutory(t), t.blank("position")),
                "{title} is empty for a Statutory requirement")  # fmt: skip


def owner_form(layout: Layout, stamped: bool) -> Iterator[Check]:
    """A further action with no owner (said at the owner's cell), else no target date."""
    yield Check("owner", lambda t: both(t.filled("further_action"), t.blank("owner")),
                "{title} is empty for a further action")  # fmt: skip
    yield Check("target_date",
                lambda t: both(t.filled("further_action"), t.filled("owner"),
                               f"NOT({t.is_date('target_date')})"),
                "{title} is not given for a further action")  # fmt: skip


RULES: tuple[Rule, ...] = (
    Rule("statutory-gap-no-action", "Statutory requirement not in place, no action", RED,
         "A Statutory requirement is a Gap or Working towards, and no further action says "
         "what will be done.",
         "Give the further action, its owner and target date.", statutory_gap_without_action,
         in_template=statutory_gap_form),
    Rule("gap-without-action", "Gap without further action", AMBER,
         "An Advice requirement is assessed as a Gap and no further action says what will be "
         "done.",
         "Give the further action, its owner and target date, or say why none is needed.",
         gap_without_action, in_template=gap_form),
    Rule("statutory-without-position", "Statutory requirement without position", AMBER,
         "A Statutory requirement has no partnership position (what the partnership does "
         "now).",
         "Say what the partnership does now, and since when.", statutory_without_position,
         in_template=position_form),
    Rule("action-without-owner", "Further action without owner or date", AMBER,
         "A further action has no owner or no target date.",
         "Name who owns the further action and when it will be done.", action_without_owner,
         in_template=owner_form),
    Rule("action-past-target", "Further action past target date", AMBER,
         "A further action's target date has passed and the requirement is not yet in place.",
         "Update the assessment, or agree a new target date.", action_past_target,
         in_template=overdue_form("{title} has passed and the requirement is not in place")),
)  # fmt: skip
