"""The analysts' tables, declared once: each table's columns, with their names, types, what they
hold and how each value is got from the item a row is made from. The writers (``writing``) and
the README's data dictionary (``dictionary``) read this declaration; ``reading`` makes the
items from the store.

Column names are stable and lower case. The columns for the layouts' own fields and figures
come from the layouts' declarations (header fields, table columns, measures), so a field
added to a layout is a column at once: a field several layouts share by name is one column,
and must be of one type there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from ..declare import LAYOUTS, Field, Layout
from ..declare.findings import Finding
from ..declare.measures import RETURN_MEASURES, ReturnsCount, is_late, returns_count, union
from ..declare.rules import TURNING_DOWN, finding_rule
from ..declare.severity import AMBER, RED, Severity
from ..inbox.arrival import EVIDENCE
from ..inbox.intake import (
    ACCEPTED,
    ALREADY_COUNTED,
    DUPLICATE,
    EARLIER_PERIOD,
    REJECTED,
    SUPERSEDED,
    WITH_FINDINGS,
)
from ..returns import ROW
from ..round import travel
from ..round.plans import Flag, Plan
from ..store.shown import LoggedFile, RoundRecord
from ..values import KINDS

TEXT, DATE, DATETIME, INTEGER, NUMBER, BOOLEAN = (
    "text", "date", "datetime", "integer", "number", "boolean"
)  # fmt: skip
TYPES = (TEXT, DATE, DATETIME, INTEGER, NUMBER, BOOLEAN)


@dataclass
class Item:
    """What one row of a table is made from: a round as it was kept, and the plan, file, row
    of a plan, flag or finding the row is about (the round's plans, for the rounds table)."""

    kept: RoundRecord
    plans: Sequence[Plan] = ()
    plan: Plan | None = None
    file: LoggedFile | None = None
    row: dict[str, Any] | None = None
    flag: Flag | None = None
    finding: Finding | None = None


@dataclass(frozen=True)
class Column:
    """One column: its name, its type (one of ``TYPES``), what it holds (the data
    dictionary's words), how its value is got from an ``Item``, and, for a layout's own
    field or figure, the layouts that have it (empty: every layout)."""

    name: str
    type: str
    means: str
    get: Callable[[Item], Any]
    layouts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.type not in TYPES or self.name != self.name.lower():
            raise ValueError(f"column {self.name!r}: a lower-case name, a type of {TYPES}")


@dataclass(frozen=True)
class Table:
    """One table: its name (the file's, ``rows.csv``), what one row is, and its columns."""

    name: str
    one_row: str
    columns: tuple[Column, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"the {self.name} table has two columns called {', '.join(twice)}: "
                             f"give a layout's field or figure another name")  # fmt: skip


def tables() -> tuple[Table, ...]:
    """Every table, in the order they are written, for the layouts registered now."""
    layouts = list(LAYOUTS.values())
    return (ROUNDS, RETURNS, plans_table(layouts), rows_table(layouts), FLAGS, FINDINGS)


# --- what every table starts with ----------------------------------------------------------

LAYOUT = Column("layout", TEXT, "The layout's name: " + ", ".join(LAYOUTS) + ".",
                lambda i: i.kept.layout)  # fmt: skip
ROUND = Column("round", TEXT, "The round's name, which sorts in time order: a fortnight by "
               "its first day (2026-11-16), a quarter by its financial year and number "
               "(2026-27 Q3), a year by its financial year (2026-27). (A spreadsheet opening "
               "the CSV reads a fortnight's as the date it is.)",
               lambda i: i.kept.round.id)  # fmt: skip
ORGANISATION = Column("organisation", TEXT, "The organisation, as its register spells it.",
                      lambda i: i.plan.organisation)  # fmt: skip


def _counted(attribute: str) -> Callable[[Item], Any]:
    def get(item: Item) -> Any:
        count = returns_count(item.plans, item.kept.expected, item.kept.due)
        return getattr(count, attribute)

    return get


def _snake(title: str) -> str:
    return "_".join(title.lower().split())


_COUNTS = [f.name for f in fields(ReturnsCount)]  # in the order RETURN_MEASURES says them
if len(_COUNTS) != len(RETURN_MEASURES):
    raise ValueError("each of a round's returns figures (ReturnsCount) needs its sentence")

ROUNDS = Table("rounds", "each layout's round in the store", (
    LAYOUT, ROUND,
    Column("label", TEXT, "The round as people read it: fortnight 16/11/2026 to 29/11/2026.",
           lambda i: i.kept.round.label),
    Column("period_start", DATE, "The round's first day.", lambda i: i.kept.round.start),
    Column("period_end", DATE, "The round's last day.", lambda i: i.kept.round.end),
    Column("due_date", DATE, "When its returns were due (empty when the run was not told).",
           lambda i: i.kept.due),
    Column("as_of", DATE, "The as-of date of the round's last run: the day its progress, "
           "staleness and overdue rows were judged at.", lambda i: i.kept.as_of),
    *(Column(_snake(title), INTEGER, means, _counted(attribute))
      for (title, means), attribute in zip(RETURN_MEASURES, _COUNTS)),
))  # fmt: skip


# --- returns: the Returns Log ----------------------------------------------------------------

STATUSES = (ACCEPTED, WITH_FINDINGS, REJECTED, DUPLICATE, SUPERSEDED, EARLIER_PERIOD,
            ALREADY_COUNTED)  # fmt: skip


def _count(severity: Severity) -> Callable[[Item], int]:
    """How many of its findings are of ``severity`` (a file's being turned down not among
    them: that is its status)."""
    return lambda i: sum(f.severity is severity and f.rule not in TURNING_DOWN
                         for f in i.file.findings)  # fmt: skip


RETURNS = Table("returns", "each file of each round, as its Returns Log listed it", (
    Column("layout", TEXT, "The layout whose round lists the file (a file of no layout that "
           "can be told: the layout with the shortest rounds).", lambda i: i.kept.layout),
    ROUND,
    Column("file", TEXT, "Its name in the inbox (one that came by email: the message's name, "
           "› and the attachment's).", lambda i: i.file.name),
    Column("sha256", TEXT, "The SHA-256 of its bytes: its name in the archive.",
           lambda i: i.file.sha256),
    Column("status", TEXT, "What became of it: " + ", ".join(STATUSES) + ".",
           lambda i: i.file.status),
    Column("reason", TEXT, "Why it was rejected, which file it repeats or gave way to, why it "
           "is for an earlier period, or where it was counted.", lambda i: i.file.reason),
    Column("file_layout", TEXT, "The layout of its return (of a rejected file, its "
           "organisation's; of a duplicate, its twin's); empty when none can be told.",
           lambda i: i.file.layout),
    Column("organisation", TEXT, "Whose it is: its return's organisation as the register "
           "spells it, or the one a rejected file was matched to.",
           lambda i: i.file.organisation),
    Column("matched_by", TEXT, "How a rejected file was matched to its organisation (its "
           "name, its sender, its contents), or why it could not be.",
           lambda i: i.file.matched),
    Column("received", DATETIME, "When it is known to have arrived (local time); empty when "
           "that is not known.", lambda i: i.file.arrival and i.file.arrival.received),
    Column("arrival_known_from", TEXT, "How its arrival is known, as the Returns Log says it.",
           lambda i: i.file.arrival and i.file.arrival.said),
    Column("arrival_evidence", TEXT, "The kind of evidence: " + ", ".join(
           e.key for e in EVIDENCE) + " (first-seen: not known).",
           lambda i: i.file.arrival and i.file.arrival.how),
    Column("sender", TEXT, "For a file that came attached to an email: who sent it (From).",
           lambda i: i.file.sender),
    Column("sent", DATETIME, "When that email was sent (local time).", lambda i: i.file.sent),
    Column("sender_check", TEXT, "Said when the sender is not the organisation's contact on "
           "the register.", lambda i: i.file.sender_note),
    Column("errors", INTEGER, "Its findings that must be fixed.", _count(RED)),
    Column("warnings", INTEGER, "Its findings to check (values read by guess).",
           _count(AMBER)),
))  # fmt: skip


# --- plans: one row per organisation per round -----------------------------------------------


def _merged(pairs: Iterable[tuple[Layout, Field]]) -> dict[str, tuple[Field, list[str]]]:
    """Fields by name, each with the layouts that have it; one name, one type."""
    found: dict[str, tuple[Field, list[str]]] = {}
    for layout, f in pairs:
        first, having = found.setdefault(f.name, (f, []))
        mine, theirs = KINDS[f.kind].exported_as, KINDS[first.kind].exported_as
        if mine != theirs:
            raise ValueError(f"the field {f.name!r} is {theirs} in {having[0]} but {mine} in "
                             f"{layout.name}: give one of them another name")  # fmt: skip
        having.append(layout.name)
    return found


_SENTENCE_END = re.compile(r"(?<!e\.g)(?<!i\.e)\.\s+(?=[A-Z])")


def _first_sentence(text: str) -> str:
    """The first sentence of a field's help (an "e.g." does not end one), without its stop."""
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0].rstrip(".")


def _field_columns(pairs: Iterable[tuple[Layout, Field]], get) -> list[Column]:
    """A column for each field of ``pairs`` (one for a name several layouts share), what it
    holds in the words of its title and help (each layout's, where they differ)."""
    pairs = list(pairs)
    columns = []
    for name, (f, having) in _merged(pairs).items():
        said = {x.name: f"{g.title}: {_first_sentence(g.help)}" for x, g in pairs
                if g.name == name}  # fmt: skip
        means = (
            next(iter(said.values()))
            if len(set(said.values())) == 1
            else "; ".join(f"{layout}: {words}" for layout, words in said.items())
        )
        columns.append(Column(name, KINDS[f.kind].exported_as, f"{means}.",
                              lambda i, name=name: get(i, name), tuple(having)))  # fmt: skip
    return columns


def _days_since(item: Item) -> int | None:
    updated = item.plan.updated
    return (item.kept.as_of - updated).days if updated else None


def plans_table(layouts: Sequence[Layout]) -> Table:
    """One row per organisation per round, returned or not: its position as the Overview
    shows it, every figure of its layout (``Layout.measures``, worked out by the same
    functions) and every header field but the one naming it (from its return, else its
    register, as its sheet shows them)."""
    measures = union(layout.hooks.measures() for layout in layouts)
    having = {m.name: tuple(x.name for x in layouts if x.measure(m.name)) for m in measures}
    header = [(x, f) for x in layouts for f in x.header if f.name != x.key]
    return Table("plans", "each organisation on a register, or with a return, in each round", (
        LAYOUT, ROUND, ORGANISATION,
        Column("returned", BOOLEAN, "A usable return was received this round.",
               lambda i: i.plan.has_return),
        Column("file", TEXT, "The return used (the latest; earlier ones were superseded).",
               lambda i: i.plan.loaded and i.plan.loaded.source.name),
        Column("sha256", TEXT, "The SHA-256 of that file.",
               lambda i: i.plan.loaded and i.plan.loaded.source.sha256),
        Column("received", DATETIME, "When that file is known to have arrived (local time).",
               lambda i: i.plan.received),
        Column("late", BOOLEAN, "It arrived after the round's due date.",
               lambda i: (i.plan.has_return and is_late(i.plan.received, i.kept.due))
               if i.kept.due else None),
        Column("updated", DATE, "The plan's own date of update (of review, for a "
               "self-assessment).", lambda i: i.plan.updated),
        Column("days_since_update", INTEGER, "Days from that date to the round's as-of date.",
               _days_since),
        Column("position", TEXT, "Its confidence (Red, Amber, Green): as stated, or where the "
               "layout asks for none, as its rows say; what direction of travel is judged on.",
               lambda i: i.plan.position if i.plan.has_return else None),
        Column("stated_confidence", TEXT, "The overall confidence its return states (the "
               "Overview's Confidence (its own)); none where its layout asks for none.",
               lambda i: i.plan.stated_confidence if i.plan.has_return else None),
        Column("rows_confidence", TEXT, "The confidence its rows bear out (the Overview's "
               "Confidence (from its ...)): its layout's own judgement where it has one, else "
               "more than a quarter overdue is Red, any overdue or delayed Amber.",
               lambda i: i.plan.rows_confidence if i.plan.has_return else None),
        Column("previous_position", TEXT, "Its position at its last round with a return.",
               lambda i: i.plan.previous_position),
        Column("direction", TEXT, "Its direction of travel since that round: "
               f"{travel.IMPROVING}, {travel.NO_CHANGE}, {travel.WORSENING} or {travel.NEW}.",
               lambda i: i.plan.direction),
        Column("red_flags", INTEGER, "Its red gap flags.", lambda i: i.plan.red_flags),
        Column("amber_flags", INTEGER, "Its amber gap flags.", lambda i: i.plan.amber_flags),
        *(Column(m.name, INTEGER, m.meaning([x for x in layouts if x.name in having[m.name]]),
                 lambda i, name=m.name: i.plan.figure(name), having[m.name])
          for m in measures),
        *_field_columns(header, lambda i, name: i.plan.value(name)),
    ))  # fmt: skip


# --- rows: every action, task and requirement of every return used ----------------------------


def rows_table(layouts: Sequence[Layout]) -> Table:
    """One row per row of each return used in a round: its fields as returned (and checked),
    where it stands at the round's as-of date (its layout's progress rule) and how it changed
    since the organisation's previous round (``travel``), as the rows sheets show them."""
    columns = [(x, f) for x in layouts for f in x.columns]
    return Table("rows", "each action, task or requirement of each return used in a round", (
        LAYOUT, ROUND, ORGANISATION,
        Column("file", TEXT, "The return it is in.", lambda i: i.plan.loaded.source.name),
        Column("sheet", TEXT, "The sheet it is on.", lambda i: i.plan.loaded.sheet),
        Column("row", INTEGER, "Its row on that sheet.", lambda i: i.row[ROW] + 1),
        *_field_columns(columns, lambda i, name: i.row.get(name)),
        Column("status_now", TEXT, "Its status now (a task's: its latest given up to the "
               "round's quarter).", lambda i: i.row.get("status_now")),
        Column("due", DATE, "When it is due (a task: the end of its completion quarter).",
               lambda i: i.row.get("due")),
        Column("complete", BOOLEAN, "It is complete.", lambda i: i.row.get("complete")),
        Column("overdue", BOOLEAN, "Past when it was due and not finished.",
               lambda i: i.row.get("overdue")),
        Column("progress", TEXT, "The one bucket it counts in on the status charts.",
               lambda i: i.row.get("progress")),
        Column("compared", BOOLEAN, "It was compared with the organisation's return of the "
               "round before (false when there was none).", lambda i: i.row.get("compared")),
        Column("status_last_round", TEXT, "Its status in that return (empty: it is new).",
               lambda i: i.row.get("status_last_round")),
        Column("changed", TEXT, "What changed since that return (new; status changed; end "
               "date moved later; a followed field changed); empty when nothing did.",
               lambda i: i.row.get("changed")),
    ))  # fmt: skip


# --- flags and findings ------------------------------------------------------------------------

FLAGS = Table("flags", "each gap flag of each round, as the Gap Flags sheet showed it", (
    LAYOUT, ROUND,
    Column("organisation", TEXT, "The organisation flagged.", lambda i: i.flag.organisation),
    Column("severity", TEXT, "Red (put it right) or Amber (check it), as the workbook shows "
           "it.", lambda i: i.flag.severity.word),
    Column("rule", TEXT, "The rule's id (the Guidance sheet lists every rule).",
           lambda i: i.flag.rule),
    Column("rule_title", TEXT, "The rule's title.", lambda i: i.flag.rule_title),
    Column("file", TEXT, "The file it points into.", lambda i: i.flag.file),
    Column("sheet", TEXT, "The sheet.", lambda i: i.flag.sheet),
    Column("cell", TEXT, "The cell to fix, such as H14.", lambda i: i.flag.cell),
    Column("message", TEXT, "What is wrong, in a sentence.", lambda i: i.flag.message),
    Column("to_do", TEXT, "What the organisation does about it (the rule's words).",
           lambda i: i.flag.to_do),
))  # fmt: skip

FINDINGS = Table("findings", "each finding about each file of each round, as the Findings "
                 "sheet showed it", (
    LAYOUT, ROUND,
    Column("organisation", TEXT, "Whose file it is (as in returns).",
           lambda i: i.file.organisation),
    Column("file", TEXT, "The file.", lambda i: i.finding.file or i.file.name),
    Column("sha256", TEXT, "The SHA-256 of the file.", lambda i: i.file.sha256),
    Column("sheet", TEXT, "The sheet.", lambda i: i.finding.sheet),
    Column("cell", TEXT, "The cell, such as H14.", lambda i: i.finding.cell),
    Column("severity", TEXT, "Red (the file cannot be used, or a value must be put right) or "
           "Amber (check it: read by guess), as the workbook and the Fix list show it.",
           lambda i: i.finding.severity.word),
    Column("rule", TEXT, "The rule's id.", lambda i: i.finding.rule),
    Column("rule_title", TEXT, "The rule's title (the catalogue's words).",
           lambda i: finding_rule(i.finding.rule).title or None),
    Column("field", TEXT, "The field, by its title on the template.",
           lambda i: i.finding.field),
    Column("value", TEXT, "The value found there.", lambda i: i.finding.value),
    Column("message", TEXT, "What is wrong, in a sentence for the partner.",
           lambda i: i.finding.message),
    Column("to_do", TEXT, "What to do about it (the catalogue's words).",
           lambda i: finding_rule(i.finding.rule).to_do),
    Column("flag", TEXT, "red or amber when it also shows as a gap flag on the plan.",
           lambda i: i.finding.gap),
))  # fmt: skip
