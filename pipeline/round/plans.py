"""One organisation's plan for the round: its return (if any), its rows with progress worked
out at the as-of date, its register entry and its flags; and the round's consolidation, all
plans together. These hold data and what follows from it; ``consolidation`` builds them,
``flags`` finds the flags, ``travel`` compares values across rounds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ..declare import LAYOUTS, Layout, measures
from ..declare.findings import Finding, Flag, cell_address
from ..declare.rounds import Round
from ..declare.rows import Row
from ..declare.severity import AMBER, RED
from ..errors import UsageError
from ..inbox.arrival import Arrival
from ..inbox.intake import Receipt
from ..inbox.registers import Register, RegisterEntry, organisation_key
from ..returns import ROW, LoadedReturn, table_rows
from . import travel
from .contacts import Recipients, recipients

if TYPE_CHECKING:
    import pandas as pd

    from ..store import PlanRecord


TRAIL_ROUNDS = 6  # the rounds an organisation's trail shows, this one included


@dataclass(frozen=True)
class Rejected:
    """A file of the organisation's this round that could not be used, and why."""

    file: str  # its name as shown
    why: str  # the reason, as a clause: "it is not a spreadsheet: save it ..."

    @property
    def sentence(self) -> str:
        """``Leeds.csv could not be used: …; send the workbook itself.``"""
        return f"{self.file} could not be used: {self.why}"


@dataclass
class Plan:
    """One organisation's position this round."""

    organisation: str
    layout: Layout
    entry: RegisterEntry | None = None
    loaded: LoadedReturn | None = None
    rows: pd.DataFrame | None = None  # the rows as returned and checked (None: no return)
    items: list[Row] = field(default_factory=list)  # them, with progress (each a ``Row``)
    flags: list[Flag] = field(default_factory=list)
    previous: PlanRecord | None = None  # its last round with a return, from the store
    trail: list[PlanRecord] = field(default_factory=list)  # its rounds before this, oldest first
    received: datetime | None = None  # when the return used is known to have arrived (or None)
    # when it arrived, and how that is known (``pipeline.inbox.arrival``)
    arrival: Arrival | None = None
    # with no usable return: its files turned down this round (matched to it by what they
    # say, ``pipeline.inbox.owners``), and why
    rejected: list[Rejected] = field(default_factory=list)
    # with no return this round: its files this round whose return is for an earlier period,
    # each (its name, why: "dated 14/11/2025: a return for financial year 2025/26, not ...")
    out_of_period: list[tuple[str, str]] = field(default_factory=list)

    @property
    def out_of_period_said(self) -> list[str]:
        """Its files for an earlier period, each as a sentence naming the file."""
        return [f"{name}, {why}." for name, why in self.out_of_period]

    last_return: LoadedReturn | None = None  # with no return this round: its latest, if any
    # what is worked out from its rows, kept while they are the same rows (``worked_out``);
    # not copied by ``replace``, so a copy with other rows works its own out
    _worked: dict[tuple, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def worked_out(self, what: tuple, work: Callable[[], Any]) -> Any:
        """``work()``, done once for these rows, this return and its arrival: the reports ask
        for a plan's figures and confidence many times over (a sheet each), and each is a
        pass over every row."""
        key = (*what, id(self.items), len(self.items), id(self.loaded), self.received)
        if key not in self._worked:
            self._worked[key] = work()
        return self._worked[key]

    @property
    def findings(self) -> list[Finding]:
        """Findings of the return used (none when missing)."""
        return self.loaded.findings if self.loaded else []

    def value(self, name: str) -> Any:
        """A header value from the return, else from the register, else None."""
        if self.loaded is not None and self.loaded.value(name) is not None:
            return self.loaded.value(name)
        return self.entry.prefill.get(name) if self.entry else None

    def cell(self, name: str) -> str | None:
        """Where a header field's value is (or should be) in the return."""
        held = self.loaded.header.get(name) if self.loaded else None
        return held.cell if held else None

    def cell_in_row(self, name: str, row: dict[str, Any]) -> str | None:
        """Where field ``name`` of one table row is."""
        return self.loaded.cell_of(name, row[ROW]) if self.loaded else None

    def header_cell(self, name: str) -> str | None:
        """The title cell of table column ``name``."""
        loaded = self.loaded
        if loaded is None or loaded.header_row is None or name not in loaded.columns:
            return None
        return cell_address(loaded.header_row, loaded.columns[name])

    @property
    def recipients(self) -> Recipients:
        """Whom its messages go to: its register's contact, copying whoever completed its
        return when that is someone else (``contacts.recipients``)."""
        return recipients(self.layout, self.entry, self.loaded)

    @property
    def contact(self) -> str | None:
        """Whom to chase, ``Name <email>``: the register's contact, else whoever completed
        the return."""
        person = self.recipients.chase
        return str(person) if person else None

    def last_plan(self, as_of: date) -> Plan | None:
        """With no return this round, its latest return as a plan of its own, its rows
        measured at ``as_of``: to show what it last said (None with a return, or none ever)."""
        last = self.last_return
        if self.has_return or last is None or last.rows is None:
            return None
        shown = replace(self, loaded=last, rows=last.rows, flags=[])
        header = {name: shown.value(name) for name in last.header}
        shown.items = list(self.layout.progress.annotate(table_rows(last.rows), header, as_of))
        return shown

    @property
    def updated(self) -> date | None:
        """The return's date of update (None without a return, or one it does not give)."""
        return self.layout.date_of_update(self) if self.has_return else None

    @property
    def has_return(self) -> bool:
        """True when a usable return was received this round."""
        return self.loaded is not None

    @property
    def has_rows(self) -> bool:
        """True when its return has a table of actions or tasks (even an empty one)."""
        return self.loaded is not None and self.loaded.header_row is not None

    def figure(self, name: str) -> int | None:
        """Plan measure ``name`` (see ``declare.measures``), None where it does not apply."""
        measure = self.layout.measure(name)
        return self.worked_out(("figure", name), lambda: measure.of(self)) if measure else None

    @property
    def stated_confidence(self) -> str | None:
        """The overall confidence its return states (None where its layout asks for none)."""
        key = self.layout.confidence_key
        return self.value(key) if key else None

    @property
    def rows_confidence(self) -> str | None:
        """The RAG its rows bear out: by its layout's ``judgement``, else by how many are
        overdue (``travel.delivery``)."""
        judgement = self.layout.hooks.judgement()
        judge = judgement.judge if judgement else travel.delivery
        return self.worked_out(("rows confidence",), lambda: judge(self.items))

    @property
    def position(self) -> str | None:
        """Stated confidence, or where the layout asks for none, the RAG its rows say: what
        direction of travel is judged on."""
        return self.stated_confidence if self.layout.confidence_key else self.rows_confidence

    @property
    def group(self) -> str | None:
        """The register's grouping of it (its region, theme or directorate: the layout's
        ``group_field``), from its return or its register entry; None where there is none."""
        f = self.layout.group_field
        value = self.value(f.name) if f is not None else None
        return str(value) if value not in (None, "") else None

    @property
    def previous_position(self) -> str | None:
        """The position at the last round with a return."""
        return self.previous.summary.get("position") if self.previous else None

    @property
    def direction(self) -> str | None:
        """improving / no change / worsening / new, against the last round."""
        if not self.has_return:
            return None
        return travel.direction(self.position, self.previous_position, self.previous is not None)

    def summary(self) -> dict[str, Any]:
        """What the store keeps of this plan for later rounds and for history."""
        updated, confidence = self.updated, self.layout.confidence_key
        return {
            "confidence": self.value(key) if self.has_return and (key := confidence) else None,
            "position": self.position if self.has_return else None,
            "date_of_update": updated.isoformat() if isinstance(updated, date) else None,
            "rows_total": self.figure("rows") or 0,
            "complete": self.figure("complete") or 0,
            "overdue": self.figure("overdue") or 0,
            "red_flags": self.red_flags,
            "amber_flags": self.amber_flags,
            "rows": travel.row_memory(self.items, self.layout),
        }

    def rounds(self) -> list[tuple[bool, str | None, int | None]]:
        """Round by round, oldest first, this round last (over its ``trail``): whether a
        return came, and its position and overdue count."""
        past = [(bool(r.sha256), r.summary.get("position"), r.summary.get("overdue"))
                for r in self.trail]  # fmt: skip
        now = (self.has_return, self.position if self.has_return else None,
               self.figure("overdue") if self.has_return else None)  # fmt: skip
        return [*past, now]

    @property
    def red_flags(self) -> int:
        """How many red flags."""
        return sum(f.severity is RED for f in self.flags)

    @property
    def amber_flags(self) -> int:
        """How many amber flags."""
        return sum(f.severity is AMBER for f in self.flags)


@dataclass
class Consolidation:
    """Everything the consolidated workbook shows for one run."""

    as_of: date
    receipts: list[Receipt]
    plans: list[Plan]
    registers: dict[str, Register] = field(default_factory=dict)
    rounds: dict[str, Round] = field(default_factory=dict)  # each layout's round
    dues: dict[str, date] = field(default_factory=dict)  # each layout's due date this round
    flags: list[Flag] = field(default_factory=list)  # every plan's flags, red first

    def count(self, status: str) -> int:
        """How many files ended with ``status``."""
        return sum(r.status == status for r in self.receipts)

    @property
    def missing(self) -> list[Plan]:
        """Organisations on a register with no usable return."""
        return [p for p in self.plans if not p.has_return]

    @property
    def layouts(self) -> list[Layout]:
        """The layouts in this round: those with an organisation on a register or a usable
        return, in the registry's order. Only these get sheets, charts and Overview columns."""
        present = {p.layout.name for p in self.plans}
        return [layout for name, layout in LAYOUTS.items() if name in present]

    def groups(self) -> list[str]:
        """The registers' groups of this round's organisations (regions, themes...), by name."""
        return sorted({p.group for p in self.plans if p.group}, key=str.lower)

    def of_group(self, group: str) -> Consolidation:
        """This round for the organisations of one group (a region, a theme, a directorate:
        ``Plan.group``, matched as organisations' names are) alone: their plans, flags,
        files, and registers cut to them. A ``UsageError`` names the groups there are when
        none matches."""
        key = organisation_key(group)
        plans = [p for p in self.plans if p.group and organisation_key(p.group) == key]
        if not plans:
            known = ", ".join(self.groups()) or "none: no register has a grouping column"
            raise UsageError(f"No organisation is in {group!r}: the groups are {known}.")
        kept = {(p.layout.name, organisation_key(p.organisation)) for p in plans}

        def mine(layout: str | None, organisation: Any) -> bool:
            return (layout, organisation_key(organisation or "")) in kept

        registers = {
            name: replace(r, entries=tuple(e for e in r.entries if mine(name, e.organisation)))
            for name, r in self.registers.items()
        }
        receipts = [r for r in self.receipts
                    if r.loaded and mine(r.loaded.layout, r.loaded.organisation)]  # fmt: skip
        flags = [f for f in self.flags if mine(f.layout, f.organisation)]
        return replace(self, plans=plans, registers=registers, receipts=receipts, flags=flags)

    def plans_of(self, layout: str) -> list[Plan]:
        """The plans of the layout called ``layout``, in order."""
        return [p for p in self.plans if p.layout.name == layout]

    def returns(self, layout: str) -> measures.ReturnsCount:
        """Expected, received, missing and late for one layout this round."""
        register = self.registers.get(layout)
        plans = self.plans_of(layout)
        expected = len(register.entries) if register else None
        return measures.returns_count(plans, expected, self.due_of(layout))

    def due_of(self, layout: str) -> date | None:
        """When the layout called ``layout``'s returns were due this round (None: not said)."""
        return self.dues.get(layout)

    def late(self, plan: Plan) -> bool:
        """True when ``plan``'s return arrived after its layout's due date this round."""
        return plan.has_return and measures.is_late(plan.received, self.due_of(plan.layout.name))
