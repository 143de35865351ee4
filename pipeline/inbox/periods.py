"""Which round a file, and the return in it, belong to.

A file belongs to the round it first arrived in. Left in the inbox, or sent again, it is seen
by later rounds' runs: each lists it as already counted there (``count_once``), and it
changes nothing in any round: it is not received, supersedes nothing, is not rejected again,
and no feedback is written for it. The store records nothing new about it but that it was
seen again.

A return belongs to the period its own date says: the period it states (a layout's
``period`` field, such as a quarter), else its date of update. One whose period is before
the run's round (allowing the layout's cadence its ``LEEWAY``) is last period's: it is not
received for this round, and its organisation counts as missing (``earlier_period``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Protocol

from ..declare import LAYOUTS, Layout
from ..declare.quarters import quarter_start
from ..declare.rounds import Round, earlier_round, round_of
from ..returns import LoadedReturn
from ..values.dates import financial_quarter
from .intake import ALREADY_COUNTED, Receipt, settle
from .registers import Register


class Stored(Protocol):
    """What is needed of a file the store knows (a ``store.StoredFile``)."""

    first_as_of: date  # the as-of date of the run that first read it
    round: str | None  # the round its return was counted in (None: of no known layout)
    status: str
    checked: LoadedReturn
    layout: str | None  # its return's layout, or a rejected file's owner's


def in_play(rounds: Mapping[str, Round], registers: Iterable[str]) -> list[str]:
    """The run's layouts: those with a register, or every layout of ``rounds`` when none has
    one."""
    named = set(registers)
    return [name for name in rounds if name in named] or list(rounds)


def round_for_files(rounds: Mapping[str, Round]) -> tuple[str, Round]:
    """The round a file of no known layout belongs to: the shortest of ``rounds`` (the one
    starting last), with its layout's name."""
    return max(rounds.items(), key=lambda item: (item[1].start, item[0]))


def counted_in(stored: Stored, rounds: Mapping[str, Round], playing: Iterable[str]) -> Round | None:
    """The round a file the store knows was counted in, when that is not this run's; else
    None. ``rounds`` is each layout's round of this run; a file of no known layout is of the
    round ``round_for_files`` gives for the layouts ``playing`` (see ``in_play``)."""
    layout = stored.layout or stored.checked.layout
    if layout in rounds and stored.round is not None:
        if stored.round == rounds[layout].id:
            return None
        return round_of(LAYOUTS[layout].cadence, stored.first_as_of)
    name, this = round_for_files({n: rounds[n] for n in playing})
    then = round_of(LAYOUTS[name].cadence, stored.first_as_of)
    return None if then.id == this.id else then


def count_once(
    receipts: Iterable[Receipt],
    known: Mapping[str, Stored],
    rounds: Mapping[str, Round],
    registers: Mapping[str, Register],
) -> None:
    """Mark each receipt of a file counted in an earlier round (``counted_in``; ``rounds``:
    each layout's round of this run) as already counted there, naming the round and what
    became of it; its return is as it was read then (shown, never counted again)."""
    playing = in_play(rounds, registers)
    for receipt in receipts:
        stored = known.get(receipt.source.sha256)
        where = counted_in(stored, rounds, playing) if stored is not None else None
        if where is None:
            continue
        receipt.checked = stored.checked
        settle([receipt], registers)
        receipt.status, receipt.sender_note = ALREADY_COUNTED, None
        was = f" ({stored.status})" if stored.status else ""
        receipt.note = f"counted in {where.label}{was}"


def own_period(layout: Layout, loaded: LoadedReturn) -> tuple[date, str] | None:
    """The first day of the period a return says it is for, and how it says it: the period
    it states (``Layout.period``, "Quarter 2026/27 Q2"), else its date of update ("dated
    14/11/2025"); None when it says neither."""
    if layout.period:
        stated = loaded.value(layout.period)
        found = financial_quarter(stated) if isinstance(stated, str) else None
        if isinstance(stated, date):
            return stated, f"{layout.field(layout.period).title} {stated:%d/%m/%Y}"
        if found is not None:
            return quarter_start(*found), f"{layout.field(layout.period).title} {stated}"
    updated = layout.date_of_update(loaded)
    return (updated, f"dated {updated:%d/%m/%Y}") if updated else None


def earlier_period(loaded: LoadedReturn, as_of: date) -> str | None:
    """Why a return is not this round's, when its own period is an earlier one ("dated
    14/11/2025: a return for financial year 2025/26, not this year's"); else None."""
    layout = LAYOUTS.get(loaded.layout or "")
    own = own_period(layout, loaded) if layout else None
    if own is None:
        return None
    this = round_of(layout.cadence, as_of)
    then = earlier_round(layout.cadence, own[0], this)
    if then is None:
        return None
    return f"{own[1]}: a return for {then.label}, not this {layout.cadence.noun}'s"
