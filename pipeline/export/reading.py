"""Reading the store's rounds back as their workbooks showed them.

What the round's last run recorded is read as it was (``store.shown``: the round, its Returns
Log with each file's findings, its gap flags, each plan's register entry). What is a function
of the stored returns is worked out again by the functions the run used: each plan's rows,
where each stands at the round's as-of date and how it changed since the round before
(``consolidation.follow_rows``, against what the store remembers of that round), and from
them the plan's figures, position and direction (``plans.Plan``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from ..declare import LAYOUTS
from ..errors import UsageError
from ..inbox.intake import ACCEPTED, WITH_FINDINGS
from ..inbox.registers import organisation_key
from ..round.consolidation import follow_rows
from ..round.plans import Plan
from ..store import Store
from ..store.shown import (
    RoundRecord,
    plans_of_round,
    rounds_kept,
    rounds_not_kept,
    with_files_and_flags,
)
from .columns import Item


@dataclass(frozen=True)
class Chosen:
    """The rounds to export, oldest first within each layout, and the rounds among those
    asked for that the store did not keep whole (run before it kept them), as (layout,
    round)."""

    rounds: list[RoundRecord]
    not_kept: list[tuple[str, str]]


def choose_rounds(db: sqlite3.Connection, layout: str | None, last: int | None) -> Chosen:
    """Every round in the store, or only ``layout``'s, or only each layout's ``last``
    rounds."""
    if last is not None and last < 1:
        raise UsageError(f"--rounds {last}: give how many of each layout's last rounds, 1 or "
                         f"more.")  # fmt: skip
    kept = {(r.layout, r.round.id): r for r in rounds_kept(db)}
    every = sorted({*kept, *rounds_not_kept(db)}, key=lambda k: (_order(k[0]), k[1]))
    by_layout: dict[str, list[tuple[str, str]]] = {}
    for key in every:
        if layout is None or key[0] == layout:
            by_layout.setdefault(key[0], []).append(key)
    every = [key for keys in by_layout.values() for key in keys[-last if last else 0 :]]
    return Chosen([kept[k] for k in every if k in kept], [k for k in every if k not in kept])


def _order(layout: str) -> int:
    names = list(LAYOUTS)
    return names.index(layout) if layout in names else len(names)


def round_plans(store: Store, kept: RoundRecord) -> list[Plan]:
    """Each organisation's plan in a round kept, as its workbook showed it: its rows worked
    out again at the round's as-of date, its flags as recorded."""
    layout = LAYOUTS[kept.layout]
    previous = store.previous_plans(kept.layout, kept.round.id)
    arrivals = {f.sha256: f.arrival for f in kept.files if f.status in (ACCEPTED, WITH_FINDINGS)}
    flags: dict[str, list] = {}
    for flag in kept.flags:
        flags.setdefault(organisation_key(flag.organisation), []).append(flag)
    plans = []
    for stored in plans_of_round(store.db, kept):
        arrival = arrivals.get(stored.sha256)
        plan = Plan(stored.organisation, layout, stored.entry, stored.loaded,
                    received=arrival.received if arrival else None, arrival=arrival)  # fmt: skip
        key = organisation_key(stored.organisation)
        plan.previous = previous.get(key)
        follow_rows(plan, kept.as_of)
        plan.flags = flags.get(key, [])
        plans.append(plan)
    plans.sort(key=lambda p: p.organisation.lower())
    return plans


def round_items(store: Store, kept: RoundRecord) -> dict[str, list[Item]]:
    """What each table's rows for one round are made from, by table name."""
    kept = with_files_and_flags(store.db, kept)
    plans = round_plans(store, kept)
    return {
        "rounds": [Item(kept, plans=plans)],
        "returns": [Item(kept, file=f) for f in kept.files],
        "plans": [Item(kept, plan=p) for p in plans],
        "rows": [Item(kept, plan=p, row=r) for p in plans for r in p.items],
        "flags": [Item(kept, flag=f) for f in kept.flags],
        "findings": [Item(kept, file=f, finding=x) for f in kept.files for x in f.findings],
    }


def said(rounds: Iterable[tuple[str, str]]) -> str:
    """Rounds named for a sentence: ``p44 2026-11-02, three_year 2026-27 Q2``."""
    return ", ".join(f"{layout} {round_id}" for layout, round_id in rounds)
