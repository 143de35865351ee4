"""The self-assessment's own gap-flag rules (the rules every layout has are in
``pipeline.round.flags``; a review older than a year is the ``return-stale`` one, the layout's
interval being 365 days)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

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


RULES: tuple[Rule, ...] = (
    Rule("statutory-gap-no-action", "Statutory requirement not in place, no action", RED,
         "A Statutory requirement is a Gap or Working towards, and no further action says "
         "what will be done.",
         "Give the further action, its owner and target date.", statutory_gap_without_action),
    Rule("gap-without-action", "Gap without further action", AMBER,
         "An Advice requirement is assessed as a Gap and no further action says what will be "
         "done.",
         "Give the further action, its owner and target date, or say why none is needed.",
         gap_without_action),
    Rule("statutory-without-position", "Statutory requirement without position", AMBER,
         "A Statutory requirement has no partnership position (what the partnership does "
         "now).",
         "Say what the partnership does now, and since when.", statutory_without_position),
    Rule("action-without-owner", "Further action without owner or date", AMBER,
         "A further action has no owner or no target date.",
         "Name who owns the further action and when it will be done.", action_without_owner),
    Rule("action-past-target", "Further action past target date", AMBER,
         "A further action's target date has passed and the requirement is not yet in place.",
         "Update the assessment, or agree a new target date.", action_past_target),
)  # fmt: skip
