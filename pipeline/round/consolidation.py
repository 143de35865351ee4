"""Putting a round together: one ``Plan`` per organisation from the receipts of a run, with
its progress, flags and direction of travel.

The latest accepted return of each organisation is used and earlier ones are marked
superseded; a return for an earlier period is not this round's (``periods.earlier_period``);
each organisation on a register that sent nothing gets a plan with no return.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ..declare import LAYOUTS
from ..declare.rounds import round_of
from ..inbox.intake import ACCEPTED, EARLIER_PERIOD, REJECTED, SUPERSEDED, WITH_FINDINGS, Receipt
from ..inbox.periods import earlier_period
from ..inbox.registers import Register, organisation_key
from ..returns import CANNOT_BE_USED, table_rows
from . import travel
from .flags import flags_for, sort_flags
from .plans import Consolidation, Plan, Rejected

if TYPE_CHECKING:
    from ..store import PlanRecord


def _recency(receipt: Receipt) -> tuple:
    """Later Date of update first, then the one that arrived later, then name."""
    loaded = receipt.loaded
    layout = LAYOUTS.get(loaded.layout) if loaded and loaded.layout else None
    updated = (layout.date_of_update(loaded) if layout else None) or date.min
    return (updated, receipt.arrived_by, receipt.source.name)


def _rejected(receipts: list[Receipt]) -> dict[tuple[str, str], list[Rejected]]:
    """Each organisation's files rejected this round (matched to it by their name, sender or
    contents: ``Receipt.owner``), with why."""
    found: dict[tuple[str, str], list[Rejected]] = {}
    for r in receipts:
        if r.status == REJECTED and r.owner is not None:
            key = (r.owner.layout, organisation_key(r.owner.organisation))
            found.setdefault(key, []).append(Rejected(r.source.name, reason_clause(r.note or "")))
    return found


def reason_clause(reason: str) -> str:
    """A rejection's reason as a clause to follow "Leeds.csv could not be used: " ("The file
    is empty" -> "the file is empty"; "This file cannot be used: it is ..." -> "it is ...")."""
    reason = reason.removeprefix(CANNOT_BE_USED).strip()
    if reason[:1].isupper() and reason[1:2].islower():
        reason = reason[0].lower() + reason[1:]
    return reason if reason.endswith(".") else f"{reason}."


def _turned_down(receipts: list[Receipt], status: str) -> dict[tuple[str, str], list[Receipt]]:
    """Each organisation's files of ``status`` this round."""
    found: dict[tuple[str, str], list[Receipt]] = {}
    for r in receipts:
        if r.status == status and r.loaded and r.loaded.layout and r.loaded.organisation:
            key = (r.loaded.layout, organisation_key(r.loaded.organisation))
            found.setdefault(key, []).append(r)
    return found


def _set_apart_earlier_periods(receipts: list[Receipt], as_of: date) -> None:
    """Mark each usable return whose own period is before this round's as for an earlier
    period, saying why (it is then not received this round)."""
    for receipt in receipts:
        if receipt.status in (ACCEPTED, WITH_FINDINGS):
            why = earlier_period(receipt.loaded, as_of)
            if why is not None:
                receipt.status, receipt.note = EARLIER_PERIOD, why


def _last_rounds_rows(plan: Plan, as_of: date) -> dict | None:
    """What the store remembers of the plan's rows from the round just before this one (None
    when its last return is older, or it has none: its rows are then not compared)."""
    this = round_of(plan.layout.cadence, as_of)
    before = round_of(plan.layout.cadence, this.start - timedelta(days=1))
    if plan.previous is None or plan.previous.round != before.id:
        return None
    return plan.previous.summary.get("rows", {})


def follow_rows(plan: Plan, as_of: date) -> None:
    """Give a plan with a return its rows (``items``): where each stands at ``as_of`` (its
    layout's progress rule) and how it changed since the round before (against what the
    store remembers of that round's rows: ``plan.previous``)."""
    if plan.loaded is None or plan.loaded.rows is None:
        return
    header = {name: plan.value(name) for name in plan.loaded.header}
    plan.rows = plan.loaded.rows
    items = plan.layout.progress.annotate(table_rows(plan.rows), header, as_of)
    plan.items = list(travel.changes_marked(items, _last_rounds_rows(plan, as_of), plan.layout))


def consolidate(
    receipts: list[Receipt],
    registers: Mapping[str, Register],
    as_of: date,
    previous: Mapping[str, Mapping[str, PlanRecord]] | None = None,
    recent: Mapping[str, Mapping[str, list[PlanRecord]]] | None = None,
) -> Consolidation:
    """Pick each organisation's return, work out progress, flags and direction of travel
    against ``previous`` (layout -> organisation key -> last round's plan), and add a plan for
    everyone on a register who sent nothing. ``recent`` (layout -> organisation key -> its
    plans of the last few rounds, oldest first) is each plan's trail."""
    previous, recent = previous or {}, recent or {}
    _set_apart_earlier_periods(receipts, as_of)
    chosen: dict[tuple[str, str], Receipt] = {}
    for receipt in receipts:
        if receipt.status not in (ACCEPTED, WITH_FINDINGS):
            continue
        loaded = receipt.loaded
        key = (loaded.layout, organisation_key(loaded.organisation))
        held = chosen.get(key)
        if held is None or _recency(receipt) > _recency(held):
            chosen[key] = receipt
    for receipt in receipts:
        loaded = receipt.loaded
        if receipt.status in (ACCEPTED, WITH_FINDINGS):
            winner = chosen[(loaded.layout, organisation_key(loaded.organisation))]
            if winner is not receipt:
                receipt.status = SUPERSEDED
                receipt.note = f"a later return from {loaded.organisation} was used: "
                receipt.note += winner.source.name
    plans = []
    for (layout_name, _), receipt in chosen.items():
        layout = LAYOUTS[layout_name]
        loaded = receipt.loaded
        register = registers.get(layout_name)
        entry = register.find(loaded.organisation) if register else None
        plans.append(Plan(loaded.organisation, layout, entry, loaded, received=receipt.received,
                          arrival=receipt.arrival))  # fmt: skip
    for layout_name, register in registers.items():
        for entry in register.entries:
            if (layout_name, organisation_key(entry.organisation)) not in chosen:
                plans.append(Plan(entry.organisation, LAYOUTS[layout_name], entry))
    turned_down = _rejected(receipts)
    out_of_period = _turned_down(receipts, EARLIER_PERIOD)
    for plan in plans:
        key = organisation_key(plan.organisation)
        if plan.loaded is None:
            plan.rejected = turned_down.get((plan.layout.name, key), [])
            earlier = out_of_period.get((plan.layout.name, key), [])
            plan.out_of_period = [(r.source.name, r.note or "") for r in earlier]
        plan.previous = previous.get(plan.layout.name, {}).get(key)
        plan.trail = recent.get(plan.layout.name, {}).get(key, [])
        follow_rows(plan, as_of)
        plan.flags = flags_for(plan, as_of)
    order = list(LAYOUTS)
    plans.sort(key=lambda p: (order.index(p.layout.name), p.organisation.lower()))
    flags = sort_flags([f for plan in plans for f in plan.flags])
    return Consolidation(as_of, receipts, plans, dict(registers), flags=flags)
