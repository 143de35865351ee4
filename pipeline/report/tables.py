"""The consolidated workbook's tables as plain data, computed once from a ``Consolidation``.

Each table is a list of columns, each column a title, a width, a kind and how to get its value
from one item (a plan, a row, a flag, a receipt). The workbook writer renders these; tests and
other renderers can read them without opening a spreadsheet. Columns for actions and tasks
come from the layout declarations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from ..declare import LAYOUTS, Field, Layout
from ..declare.findings import column_letter
from ..declare.measures import OVERDUE as OVERDUE_NOW
from ..declare.measures import union
from ..declare.severity import AMBER, RED
from ..returns import ROW, Envelope
from ..round import attention, travel
from ..round.plans import TRAIL_ROUNDS, Consolidation, Plan
from ..values import KINDS

# (the tables' own vocabulary, in columns.py: the layouts' reports and the writers import it
# from here, beside the tables)
from .columns import (  # noqa: F401  # isort: skip
    ABOVE_ZERO, DATE, EMAIL, INT, LONG, NOT_SENT, NUMBER, NUMERIC, PERCENT, RAG, SAYS_NO,
    SAYS_YES, TEXT, TRAIL, WORSENING, Col, Table,
)  # fmt: skip


def source(plan: Plan, sheet_row: int | None = None, name: str | None = None) -> str:
    """Where something came from: ``file · Sheet!A21``."""
    global _last_source
    loaded = plan.loaded
    if loaded is None:
        return ""
    if sheet_row is None:
        return loaded.source.name
    key, last = name or plan.layout.reference or "", _last_source
    if last[0] is not loaded or last[1] != key:  # (a plan's rows come one after another)
        col = loaded.columns.get(key)
        if col is None:  # (its first column)
            col = min(loaded.columns.values(), default=0)
        letters = column_letter(col)
        last = _last_source = (loaded, key, f"{loaded.source.name} · {loaded.sheet}!{letters}")
    return f"{last[2]}{sheet_row + 1}"


# the return, the field and what comes before the row's number of the last source told
_last_source: tuple[Any, str, str] = (None, "", "")


def field_col(f: Field, get: Callable[[Any], Any] | None = None) -> Col:
    """The consolidated workbook's column for a declared field (of a row dict by default)."""
    return Col(
        f.reported_as,
        max(f.width, len(f.reported_as) * 0.9 + 3),
        KINDS[f.kind].written_as,
        get,
        colours=(f.choices.rag or None) if f.choices else None,
        field=f.name,
    )


def _yes(value: Any) -> str | None:
    return "Yes" if value else None


# --- Overview --------------------------------------------------------------------------------


def group_title(plans: Sequence[Plan]) -> str | None:
    """The title of the column of the registers' grouping of ``plans`` (``Plan.group``): each
    of their layouts' own (``Layout.group_field``) that some plan has, joined ("Region /
    Directorate"); None where none has one."""
    grouped = {p.layout.name for p in plans if p.group}
    titles = dict.fromkeys(x.group_field.reported_as for name, x in LAYOUTS.items()
                           if name in grouped and x.group_field)  # fmt: skip
    return " / ".join(titles) or None


def confidence_title(layouts: Sequence[Layout]) -> str:
    """The title of the confidence a plan's rows bear out: ``Confidence (from its
    actions, requirements)``, by the layouts' rows."""
    nouns = dict.fromkeys(x.hooks.rows().plural for x in layouts) or {"rows": None}
    return f"Confidence (from its {', '.join(nouns)})"


OWN_CONFIDENCE = "Confidence (its own)"


def position_title(layouts: Sequence[Layout]) -> str:
    """The title of the confidence a plan's direction of travel is judged on (``Plan.position``),
    saying whose it is: its own where its layout asks for one, else as its rows bear it out
    (``Confidence (from its tasks)``); of layouts of both kinds, ``MIXED_CONFIDENCE``."""
    judged = [x for x in dict.fromkeys(layouts) if not x.confidence_key]
    if not judged:
        return OWN_CONFIDENCE
    return confidence_title(judged) if len(judged) == len(set(layouts)) else MIXED_CONFIDENCE


MIXED_CONFIDENCE = "Confidence (its own, or from its plan)"  # (short: a narrow column's title)


ON_PAPER = (OVERDUE_NOW,)  # the Overview's measures printed (with who, how and its flags)


def overview(c: Consolidation) -> Table:
    """One row per organisation: its group, returned or not, currency, confidence (its own,
    and as its rows bear it out) and direction of travel, flags, its positions round by round,
    then every plan measure of the round's layouts (each layout's ``measures``). On paper, one
    page wide, what a manager reads (``ON_PAPER``): who, returned or not, how confident, which
    way, its flags, its trail and what is overdue now; the other figures, the date and
    previous confidence (the trail shows them) and the file stay on screen (each
    organisation's sheet prints its own figures)."""
    layouts = c.layouts
    measures = union(layout.hooks.measures() for layout in layouts)

    def days(p: Plan) -> int | None:
        return (c.as_of - p.updated).days if p.updated else None

    grouped = group_title(c.plans)
    columns = [
        Col("Organisation", 34, TEXT, lambda p: p.organisation),
        *([Col(grouped, 16, TEXT, lambda p: p.group)] if grouped else []),
        Col("Layout", 12, TEXT, lambda p: p.layout.short_title),
        Col("Received", 10, TEXT, lambda p: "Yes" if p.has_return else "No", SAYS_NO),
        Col("Days since update", 12, INT, days),
        Col(OWN_CONFIDENCE, 12, RAG, lambda p: p.stated_confidence if p.has_return else None),
        Col(confidence_title(layouts), 14, RAG,
            lambda p: p.rows_confidence if p.has_return else None),
        Col("Direction", 14, TEXT, lambda p: arrowed(p.direction), WORSENING),
        Col(f"Last {TRAIL_ROUNDS} rounds", 14, TRAIL, position_trail),
        Col("Red flags", 10, INT, lambda p: p.red_flags, ABOVE_ZERO),
        Col("Amber flags", 10, INT, lambda p: p.amber_flags),
        Col(f"Overdue, last {TRAIL_ROUNDS} rounds", 16, TEXT, overdue_trail, on_paper=False),
        *(Col(m.heading(layouts), 10, INT, lambda p, name=m.name: p.figure(name),
              ABOVE_ZERO if m.alarm else None, on_paper=m in ON_PAPER) for m in measures),
        Col("Date of update", 14, DATE, lambda p: p.updated, on_paper=False),
        Col("Previous confidence", 12, RAG, lambda p: p.previous_position, on_paper=False),
        Col("File", 40, TEXT, source, on_paper=False),
    ]  # fmt: skip
    return Table.of("Overview", columns, c.plans)


def needs_attention(found: list[attention.Attention]) -> Table:
    """The organisations needing attention (``attention.needs_attention``), in its order,
    with their main reasons in words."""
    grouped = group_title([a.plan for a in found])
    columns = [
        Col("Organisation", 30, TEXT, lambda a: a.plan.organisation),
        *([Col(grouped, 16, TEXT, lambda a: a.plan.group)] if grouped else []),
        Col("Layout", 12, TEXT, lambda a: a.plan.layout.short_title),
        Col(
            position_title([a.plan.layout for a in found]),
            12,
            RAG,
            lambda a: a.plan.position if a.plan.has_return else None,
        ),
        Col("Direction", 14, TEXT, lambda a: arrowed(a.plan.direction), WORSENING),
        Col("Why", 60, LONG, lambda a: a.why),
    ]
    return Table.of("Needs attention", columns, found)


def position_trail(plan: Plan) -> str:
    """Its position round by round, oldest first: R, A or G, ``–`` with no return, ``?``
    when it could not be told."""
    return " ".join((position or "?")[:1] if sent else NOT_SENT
                    for sent, position, _ in plan.rounds())  # fmt: skip


def overdue_trail(plan: Plan) -> str:
    """How many rows were overdue round by round, oldest first (``–`` with no return)."""
    return " ".join(str(n or 0) if sent else NOT_SENT for sent, _, n in plan.rounds())


def arrowed(direction: str | None) -> str | None:
    """A direction of travel with its arrow: ``▼ worsening``."""
    arrow = travel.ARROWS.get(direction or "")
    return f"{arrow} {direction}" if arrow else direction


# --- rows of plans -----------------------------------------------------------------------------


def rows_of(c: Consolidation, layout: Layout) -> list[tuple[Plan, dict[str, Any]]]:
    """Every (plan, row) of ``layout``'s plans, in the plans' order."""
    return [(p, row) for p in c.plans_of(layout.name) for row in p.items]


ORGANISATION = Col("Organisation", 30, TEXT, lambda item: item[0].organisation)
SOURCE = Col("Source", 40, TEXT, lambda item: source(item[0], item[1][ROW]), on_paper=False)
STATUS_LAST_ROUND = Col("Status last round", 14, TEXT, on_paper=False, field="status_last_round")
CHANGED = Col("Changed", 22, TEXT, on_paper=False, field="changed")
OVERDUE = Col("Overdue", 10, TEXT, lambda item: _yes(item[1]["overdue"]), SAYS_YES)


def row_columns(layout: Layout) -> list[Col]:
    """The columns of a layout's rows sheet: its own choice (``LayoutReport.row_columns``),
    else every column, then whether overdue, last round's status, what changed, and where it
    came from."""
    if layout.hooks.report().row_columns is not None:
        return layout.hooks.report().row_columns()
    return [*(column_of(layout, f) for f in layout.columns), OVERDUE, STATUS_LAST_ROUND, CHANGED,
            SOURCE]  # fmt: skip


def column_of(layout: Layout, f: Field) -> Col:
    """A layout's column on its rows sheets: printed unless the layout keeps it for the
    screen alone (``LayoutReport.screen_only``)."""
    return replace(field_col(f), on_paper=f.name not in layout.hooks.report().screen_only)


def row_table(c: Consolidation, layout: Layout) -> Table:
    """Every row of every plan of ``layout`` (its rows sheet: Actions, Tasks): its organisation,
    what it says, whether it is overdue, how it changed since last round, where it came from."""
    columns = [ORGANISATION, *row_columns(layout)]
    return Table.of(layout.hooks.rows().sheet_name, columns, rows_of(c, layout))


def plan_figures(plan: Plan) -> list[tuple[str, Any]]:
    """(title, value) of each of the Overview's figures for one organisation, its count of
    rows titled as its rows sheet is; without a return, those still known (the reduction
    needed)."""
    layout = plan.layout
    figures = [(layout.hooks.rows().sheet_name if m.name == "rows" else m.heading([layout]),
                m.of(plan)) for m in layout.hooks.measures()]  # fmt: skip
    return [(title, value) for title, value in figures if plan.has_return or value is not None]


STATUS_NOW = Col("Status", 12, RAG, field="status_now")


def paper_columns(layout: Layout) -> list[Col]:
    """The columns of an organisation's rows still to deliver in the meeting pack: the fields
    the layout chose (``LayoutReport.on_paper``), its status now, and whether overdue."""
    names = layout.hooks.report().on_paper or (layout.reference or layout.columns[0].name,)
    colours = {v: c for f in layout.columns if f.choices for v, c in f.choices.rag.items()}
    status = replace(STATUS_NOW, colours=colours or None)
    chosen = [field_col(layout.field(x)) if isinstance(x, str) else x for x in names]
    return [*chosen, status, OVERDUE]


def plan_rows(plan: Plan) -> Table:
    """One organisation's rows, as on its layout's rows sheet."""
    rows = [(plan, r) for r in plan.items]
    return Table.of(plan.layout.hooks.rows().sheet_name, row_columns(plan.layout), rows)


# --- flags, files, findings ----------------------------------------------------------------------


def gap_flags(c: Consolidation) -> Table:
    """Every flag, red first."""
    columns = [
        Col("Organisation", 30, TEXT, lambda f: f.organisation),
        Col("Severity", 10, RAG, lambda f: f.severity.word),
        Col("Rule", 30, TEXT, lambda f: f.rule_title),
        Col("File", 34, TEXT, lambda f: f.file, on_paper=False),
        Col("Sheet", 14, TEXT, lambda f: f.sheet),
        Col("Cell", 8, TEXT, lambda f: f.cell),
        Col("Message", 90, LONG, lambda f: f.message),
        Col("What to do", 50, LONG, lambda f: f.to_do),
    ]
    return Table.of("Gap Flags", columns, c.flags)


def _layout_title(receipt: Any) -> str | None:
    loaded = receipt.loaded
    name = receipt.owner.layout if receipt.owner else loaded.layout if loaded else None
    return LAYOUTS[name].title if name in LAYOUTS else None


_NO_ENVELOPE = Envelope("")


def _envelope(receipt: Any) -> Envelope:
    """The message a file came attached to (an empty one for a file that came on its own)."""
    return receipt.source.envelope or _NO_ENVELOPE


def returns_log(c: Consolidation) -> Table:
    """Every file of the round, what became of it and why."""
    columns = [
        # (wrapped: a return that came by email is named after its message too)
        Col("File", 50, LONG, lambda r: r.source.name),
        Col("SHA-256", 20, TEXT, lambda r: r.source.sha256, on_paper=False),
        Col("Status", 22, TEXT, lambda r: r.status),
        Col("Organisation", 30, TEXT, lambda r: r.organisation),
        Col("Layout", 22, TEXT, _layout_title),
        Col("Matched by", 40, LONG, lambda r: r.matched),  # (a rejected file: see owners)
        Col("Received", 17, DATE, lambda r: r.received),
        Col("Arrival known from", 30, TEXT, lambda r: r.arrival.said if r.arrival else None),
        Col("From", 30, TEXT, lambda r: _envelope(r).sender),
        Col("Sent", 17, DATE, lambda r: _envelope(r).sent),
        Col("Sender check", 60, LONG, lambda r: r.sender_note),
        Col("Red findings", 9, INT, lambda r: sum(f.severity is RED for f in r.findings)),
        Col("Amber findings", 9, INT, lambda r: sum(f.severity is AMBER for f in r.findings)),
        Col("Reason", 80, LONG, lambda r: r.note),
    ]
    return Table.of("Returns Log", columns, c.receipts)


def findings(c: Consolidation) -> Table:
    """Every finding about every file of the round, for the central team to pass on."""
    columns = [
        Col("File", 40, TEXT, lambda f: f.file),
        Col("Sheet", 14, TEXT, lambda f: f.sheet),
        Col("Cell", 8, TEXT, lambda f: f.cell),
        Col("Severity", 10, RAG, lambda f: f.severity.word),
        Col("Field", 24, TEXT, lambda f: f.field),
        Col("Value", 24, TEXT, lambda f: f.value),
        Col("Message", 90, LONG, lambda f: f.message),
    ]
    return Table.of("Findings", columns, [f for r in c.receipts for f in r.findings])
