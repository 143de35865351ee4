"""The round as the central team's pages show it: put together in a worker from what the
store holds (``run.round_now``, as a run would), then handed to the web process as plain
data. Every figure is the pipeline's own: each layout's returns counted as the Overview
counts them (``Consolidation.returns``), the Needs attention list as the workbook's
(``attention.needs_attention``), each organisation's Fix list as its feedback's."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..feedback import jobs_for
from ..inbox.intake import DUPLICATE, REJECTED, SUPERSEDED
from ..naming import safe_stem
from ..round.attention import needs_attention
from ..round.notices import to_fix
from ..round.plans import Consolidation, Plan
from .intake import FixLine
from .settings import ServeSettings


@dataclass(frozen=True)
class LayoutCount:
    """One layout's round: expected, received, missing, late (None: not judged)."""

    layout: str
    title: str
    round: str
    due: date | None
    expected: int | None
    received: int
    missing: int | None
    late: int | None
    unknown: int


@dataclass(frozen=True)
class FileLine:
    """One file of an organisation's this round, and what became of it."""

    name: str
    status: str
    note: str | None
    arrival: str | None


@dataclass(frozen=True)
class FlagLine:
    """One gap flag on an organisation's plan."""

    severity: str  # its word, lower case: red, amber
    title: str
    message: str
    cell: str | None


@dataclass(frozen=True)
class Organisation:
    """One organisation's line on the dashboard and its own page."""

    slug: str  # its page's address under /team/organisations/
    layout: str
    layout_title: str
    name: str
    state: str  # Received, Late, Missing, Rejected
    file: str | None = None
    received: str | None = None  # when, and how that is known
    position: str | None = None
    red: int = 0
    amber: int = 0
    contact: str | None = None
    to_fix: tuple[str, ...] = ()
    flags: tuple[FlagLine, ...] = ()
    fix: tuple[FixLine, ...] = ()
    files: tuple[FileLine, ...] = ()


@dataclass(frozen=True)
class Concern:
    """One organisation on the Needs attention list."""

    slug: str
    name: str
    layout_title: str
    why: str


@dataclass(frozen=True)
class RoundView:
    """The round, as the dashboard shows it."""

    as_of: date
    made_at: datetime
    stamp: Any  # the store's state it was made from (see ``state``)
    counts: tuple[LayoutCount, ...] = ()
    attention: tuple[Concern, ...] = ()
    organisations: tuple[Organisation, ...] = ()
    by_slug: dict[str, Organisation] = field(default_factory=dict)


def round_view(settings: ServeSettings, stamp: Any) -> RoundView:
    """In a worker: the round now, as the dashboard shows it (``stamp``: the store's state
    it is made from, to tell when it is out of date)."""
    from ..run import round_now

    c = round_now(settings.outbox, settings.registers, settings.today(), settings.store,
                  settings.due)  # fmt: skip
    return view_of(c, stamp)


def view_of(c: Consolidation, stamp: Any = None) -> RoundView:
    """The dashboard's view of a round put together."""
    counts = []
    for name, round_ in c.rounds.items():
        if not c.plans_of(name):
            continue
        count = c.returns(name)
        title = c.plans_of(name)[0].layout.title
        counts.append(LayoutCount(name, title, round_.label, c.due_of(name), count.expected,
                                  count.received, count.missing, count.late,
                                  count.unknown))  # fmt: skip
    taken: set[str] = set()
    slugs = {id(plan): safe_stem(f"{plan.layout.name}-{plan.organisation}", taken).lower()
             for plan in c.plans}  # fmt: skip
    organisations = tuple(_organisation(c, plan, slugs[id(plan)]) for plan in c.plans)
    attention = tuple(
        Concern(slugs[id(a.plan)], a.plan.organisation, a.plan.layout.title, a.why)
        for a in needs_attention(c)
    )
    return RoundView(c.as_of, datetime.now().replace(microsecond=0), stamp, tuple(counts),
                     attention, organisations, {o.slug: o for o in organisations})  # fmt: skip


def _received(plan: Plan) -> str | None:
    """When its return arrived, and how that is known ("25/11/2026 at 14:05, uploaded")."""
    if plan.arrival is None:
        return None
    if plan.received is None:
        return plan.arrival.said
    return f"{plan.received:%d/%m/%Y at %H:%M}, {plan.arrival.said}"


def _state(c: Consolidation, plan: Plan) -> str:
    if not plan.has_return:
        return "Rejected" if plan.rejected else "Missing"
    return "Late" if c.late(plan) else "Received"


def _organisation(c: Consolidation, plan: Plan, slug: str) -> Organisation:
    used = plan.loaded.source if plan.loaded else None
    receipt = next((r for r in c.receipts if used and r.source.sha256 == used.sha256), None)
    fix: tuple[FixLine, ...] = ()
    if receipt is not None:
        jobs = jobs_for([receipt], Path("feedback"), c.flags)  # (its Fix list: none written)
        fix = tuple(FixLine(i.words, i.sheet, i.cell, i.field, i.problem, i.to_do)
                    for job in jobs[:1] for i in job.fix_items())  # fmt: skip
    return Organisation(
        slug, plan.layout.name, plan.layout.title, plan.organisation, _state(c, plan),
        file=used.name if used else None,
        received=_received(plan),
        position=plan.position if plan.has_return else None,
        red=plan.red_flags, amber=plan.amber_flags, contact=plan.contact,
        to_fix=tuple(to_fix(c, plan)),
        flags=tuple(FlagLine(f.severity, f.rule_title, f.message, f.cell) for f in plan.flags),
        fix=fix, files=_files(c, plan),
    )  # fmt: skip


def _files(c: Consolidation, plan: Plan) -> tuple[FileLine, ...]:
    """The organisation's files this round: its return, those it replaced or repeated, and
    those turned down that are its."""
    mine = []
    for r in c.receipts:
        owner = r.owner if r.status == REJECTED else None
        loaded = r.loaded
        whose = (owner.layout, owner.organisation) if owner else (
            (loaded.layout, loaded.organisation) if loaded else None)  # fmt: skip
        if whose != (plan.layout.name, plan.organisation) and r.status != DUPLICATE:
            continue
        if r.status == DUPLICATE and not _twin_is(c, r, plan):
            continue
        arrival = r.arrival.said if r.arrival else None
        mine.append(FileLine(r.source.name, r.status, r.note, arrival))
    order = {SUPERSEDED: 1, DUPLICATE: 2, REJECTED: 3}
    return tuple(sorted(mine, key=lambda f: (order.get(f.status, 0), f.name)))


def _twin_is(c: Consolidation, duplicate, plan: Plan) -> bool:
    for r in c.receipts:
        if r is not duplicate and r.source.sha256 == duplicate.source.sha256 and r.loaded:
            return (r.loaded.layout, r.loaded.organisation) == (plan.layout.name,
                                                                plan.organisation)  # fmt: skip
    return False
