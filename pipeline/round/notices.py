"""What each organisation is told about its round: what is missing or must be fixed, what is
off track, when returns are due, who to write to (and copy: ``pipeline.round.contacts``), and which
feedback workbooks are its.

Worked out once, here, from the round's ``Consolidation``: the consolidated workbook's chase
list shows it to the central team, and ``pipeline mail`` says it to the organisation. A run
keeps each organisation's notice in the store with its plan (``Notice.stored``), so that
mail, run later, says what that run found.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from ..declare.findings import REQUIRED
from ..declare.severity import RED
from .contacts import Person
from .flags import FROM_FINDINGS, NO_RETURN, STALE, TURNED_DOWN
from .plans import Consolidation, Plan

EMPTY = (REQUIRED, "missing-label")  # the findings of a field left empty
NOTICE = "notice"  # the key of a plan's notice in its stored summary
# Gap flags the "off track" part does not say: what the "to fix" part says already (the
# findings behind them, the return missing or rejected, its date of update stale).
SAID_AS_TO_FIX = FROM_FINDINGS | {NO_RETURN, TURNED_DOWN, STALE}


def must_fix(plan: Plan) -> list[str]:
    """What the plan's return must have fixed, in words: the fields left empty, then the
    values that could not be read (each field once, with its cell)."""
    errors = [f for f in plan.findings if f.severity is RED and f.field]
    empty = [f.field for f in errors if f.rule in EMPTY]
    unread = {f.field: f.cell for f in errors if f.rule not in EMPTY}
    said = []
    if empty:
        said.append("Please fill in: " + ", ".join(dict.fromkeys(empty)) + ".")
    if unread:
        where = [f"{field} ({cell})" if cell else field for field, cell in unread.items()]
        said.append("Please correct: " + ", ".join(where) + ".")
    return said


def to_fix(c: Consolidation, plan: Plan) -> list[str]:
    """What is missing or must be fixed, in sentences: no usable return (and why its files
    were rejected, or were for an earlier period), or what its return must have fixed, whether
    it came late (known from evidence: ``pipeline.inbox.arrival``), whether its date of update is
    stale. Empty when nothing is wanted."""
    if not plan.has_return:
        return [
            "No usable return this round.",
            *(r.sentence for r in plan.rejected),
            *plan.out_of_period_said,
        ]
    wanted = must_fix(plan)
    if c.late(plan):
        due = c.due_of(plan.layout.name)
        known = f", known from {plan.arrival.said}" if plan.arrival else ""
        wanted.append(f"Returned late ({plan.received:%d/%m/%Y}{known}; due {due:%d/%m/%Y}).")
    return wanted + [f.message for f in plan.flags if f.rule == STALE]


def off_track(plan: Plan) -> list[str]:
    """What is off track in the plan, in sentences: its gap flags that ``to_fix`` does not
    say already (overdue actions, a plan that says Red with no contingency, ...)."""
    return [f.message for f in plan.flags if f.rule not in SAID_AS_TO_FIX]


@dataclass(frozen=True)
class Notice:
    """What one organisation is told about one round, as a run found it."""

    organisation: str
    layout: str
    round: str  # the round's id
    round_label: str
    as_of: date  # the run's as-of date
    on_register: bool
    has_return: bool
    contact_name: str | None  # whom it goes to: the register's contact
    contact_email: str | None
    to_fix: tuple[str, ...] = ()
    off_track: tuple[str, ...] = ()
    due: date | None = None  # when the round's returns were due, as the run was told
    feedback: tuple[str, ...] = field(default=())  # its feedback files' names
    copy_name: str | None = None  # whom it copies: who completed the return, if someone else
    copy_email: str | None = None
    turned_down: tuple[str, ...] = ()  # of its feedback, that about files it could not use

    def stored(self) -> dict[str, Any]:
        """As JSON-ready values, for the store."""
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        data["due"] = self.due.isoformat() if self.due else None
        return data

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> Notice:
        """A notice kept in the store (``stored``)."""
        values = dict(data)
        values["as_of"] = date.fromisoformat(values["as_of"])
        values["due"] = date.fromisoformat(values["due"]) if values.get("due") else None
        for key in ("to_fix", "off_track", "feedback", "turned_down"):
            values[key] = tuple(values.get(key) or ())
        return cls(**values)


def notice_of(c: Consolidation, plan: Plan, feedback: tuple[str, ...] = (),
              turned_down: tuple[str, ...] = ()) -> Notice:  # fmt: skip
    """The organisation's notice for the round ``c`` is, with its feedback files' names
    (``turned_down``: those of them about files that could not be used)."""
    whom = plan.recipients
    to, copy = whom.to or Person(), whom.copy or Person()
    round_ = c.rounds.get(plan.layout.name)
    return Notice(
        organisation=plan.organisation,
        layout=plan.layout.name,
        round=round_.id if round_ else "",
        round_label=round_.label if round_ else "",
        as_of=c.as_of,
        on_register=plan.entry is not None,
        has_return=plan.has_return,
        contact_name=to.name,
        contact_email=to.email,
        copy_name=copy.name,
        copy_email=copy.email,
        to_fix=tuple(to_fix(c, plan)),
        off_track=tuple(off_track(plan)),
        due=c.due_of(plan.layout.name),
        feedback=tuple(feedback),
        turned_down=tuple(turned_down),
    )
