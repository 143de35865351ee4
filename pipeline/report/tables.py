"""The consolidated workbook's tables as plain data, computed once from a ``Consolidation``.

Each table is a list of columns, each column a title, a width, a kind and how to get its value
from one item (a plan, a row, a flag, a receipt). The workbook writer renders these; tests and
other renderers can read them without opening a spreadsheet. Columns for actions and tasks
come from the layout declarations.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .. import travel
from ..findings import cell_address
from ..intake import DUPLICATE, REJECTED
from ..layouts import LAYOUTS, Field, Kind
from ..plans import Consolidation, Plan
from ..returns import ROW

TEXT, LONG, DATE, INT, NUMBER, RAG = "text", "long", "date", "int", "number", "rag"
_KIND_OF = {
    Kind.DATE: DATE,
    Kind.WHOLE_NUMBER: INT,
    Kind.QUARTER: INT,
    Kind.YEAR: INT,
    Kind.PERCENT: NUMBER,
    Kind.LONG_TEXT: LONG,
}


@dataclass(frozen=True)
class Col:
    """A column: its title, how wide, what kind of value, and how to get it from an item."""

    title: str
    width: float = 14
    kind: str = TEXT
    get: Callable[[Any], Any] | None = None


class Table:
    """A sheet's table: its name, its columns, and its rows, either given as tuples or got
    from ``items`` one at a time as they are written (so a large round is never held twice)."""

    def __init__(
        self,
        sheet: str,
        columns: Sequence[Col],
        rows: Sequence[tuple[Any, ...]] = (),
        items: Sequence[Any] | None = None,
    ) -> None:
        self.sheet, self.columns = sheet, list(columns)
        self._rows, self._items = list(rows), items

    @classmethod
    def of(cls, sheet: str, columns: Sequence[Col], items: Iterable[Any]) -> Table:
        """A table with one row per item, each value got by its column."""
        return cls(sheet, columns, items=list(items))

    def __len__(self) -> int:
        return len(self._items) if self._items is not None else len(self._rows)

    def iter_rows(self) -> Iterator[tuple[Any, ...]]:
        """The rows, in order, each a tuple in column order."""
        if self._items is None:
            return iter(self._rows)
        getters = [c.get for c in self.columns]
        return (tuple([get(item) for get in getters]) for item in self._items)

    @property
    def rows(self) -> list[tuple[Any, ...]]:
        """All the rows (built on each call for item tables: fine for small ones)."""
        return list(self.iter_rows())

    def records(self) -> list[dict[str, Any]]:
        """Rows as dicts keyed by column title."""
        titles = [c.title for c in self.columns]
        return [dict(zip(titles, row)) for row in self.iter_rows()]


def source(plan: Plan, sheet_row: int | None = None, name: str | None = None) -> str:
    """Where something came from: ``file · Sheet!A21``."""
    loaded = plan.loaded
    if loaded is None:
        return ""
    if sheet_row is None:
        return loaded.source.name
    col = loaded.columns.get(name or "ref", min(loaded.columns.values(), default=0))
    return f"{loaded.source.name} · {loaded.sheet}!{cell_address(sheet_row, col)}"


def field_col(f: Field, get: Callable[[Any], Any] | None = None) -> Col:
    """The consolidated workbook's column for a declared field (of a row dict by default)."""
    return Col(
        f.reported_as,
        max(f.width, len(f.reported_as) * 0.9 + 3),
        _KIND_OF.get(f.kind, TEXT),
        get or (lambda item, name=f.name: item[1].get(name)),
    )


def _yes(value: Any) -> str | None:
    return "Yes" if value else None


# --- Overview --------------------------------------------------------------------------------


def _count(plan: Plan, key: str) -> int | None:
    return sum(bool(r[key]) for r in plan.items) if plan.rows is not None else None


def overview(c: Consolidation) -> Table:
    """One row per organisation: returned or not, currency, confidence and its direction of
    travel, counts, flags."""

    def updated(p: Plan) -> date | None:
        value = p.value("date_of_update") if p.loaded else None
        return value if isinstance(value, date) else None

    def days(p: Plan) -> int | None:
        return (c.as_of - updated(p)).days if updated(p) else None

    columns = [
        Col("Organisation", 34, TEXT, lambda p: p.organisation),
        Col("Layout", 12, TEXT, lambda p: p.layout.short_title),
        Col("Returned", 10, TEXT, lambda p: "Yes" if p.loaded else "No"),
        Col("Date of update", 14, DATE, updated),
        Col("Days since update", 12, INT, days),
        Col("Confidence", 12, RAG, lambda p: p.position if p.loaded else None),
        Col("Confidence check", 12, RAG, lambda p: travel.delivery(p.items) if p.loaded else None),
        Col("Previous confidence", 12, RAG, lambda p: p.previous_position),
        Col("Direction", 12, TEXT, lambda p: p.direction),
        Col("Actions", 10, INT, lambda p: len(p.items) if p.rows is not None else None),
        Col("Complete", 10, INT, lambda p: _count(p, "complete")),
        Col("Overdue", 10, INT, lambda p: _count(p, "overdue")),
        Col("Live impact", 10, INT, lambda p: p.live_impact if p.rows is not None else None),
        Col("Reduction needed", 10, INT, lambda p: p.reduction_needed),
        Col("Red flags", 10, INT, lambda p: p.red_flags),
        Col("Amber flags", 10, INT, lambda p: p.amber_flags),
        Col("File", 40, TEXT, source),
    ]
    return Table.of("Overview", columns, c.plans)


# --- rows of plans -----------------------------------------------------------------------------


def _rows(c: Consolidation, layout: str) -> list[tuple[Plan, dict[str, Any]]]:
    return [(p, row) for p in c.plans if p.layout.name == layout for row in p.items]


ORGANISATION = Col("Organisation", 30, TEXT, lambda item: item[0].organisation)
SOURCE = Col("Source", 40, TEXT, lambda item: source(item[0], item[1][ROW]))
STATUS_LAST_ROUND = Col("Status last round", 14, TEXT, lambda i: i[1].get("status_last_round"))
CHANGED = Col("Changed", 22, TEXT, lambda item: item[1].get("changed"))
OVERDUE = Col("Overdue", 10, TEXT, lambda item: _yes(item[1]["overdue"]))


def _is_event(row: dict[str, Any]) -> bool:
    return row.get("category") == "Week of Action" or row.get("calendar_event") == "Yes"


def calendar(c: Consolidation) -> Table:
    """Every dated p44 event (Weeks of Action and rows marked as calendar events), by date."""
    p44 = LAYOUTS["p44"]
    events = [
        (plan, row)
        for plan, row in _rows(c, "p44")
        if _is_event(row) and isinstance(row.get("start_date"), date)
    ]
    events.sort(key=lambda e: (e[1]["start_date"], e[0].organisation.lower(), str(e[1]["ref"])))
    columns = [
        Col("Date", 12, DATE, lambda item: item[1]["start_date"]),
        Col("End date", 12, DATE, lambda item: item[1].get("end_date")),
        ORGANISATION,
        field_col(p44.field("ref")),
        Col("Action", 50, LONG, lambda item: item[1].get("action")),
        field_col(p44.field("category")),
        field_col(p44.field("status")),
        SOURCE,
    ]
    return Table.of("Calendar of Events", columns, events)


def _action_columns() -> list[Col]:
    layout = LAYOUTS["p44"]
    return [*map(field_col, layout.columns), OVERDUE, STATUS_LAST_ROUND, CHANGED, SOURCE]


def _task_columns() -> list[Col]:
    layout = LAYOUTS["three_year"]
    first = ("ref", "task", "service_team", "task_officer", "completion_quarter")
    return [
        *(field_col(layout.field(name)) for name in first),
        Col("Status this quarter", 14, TEXT, lambda item: item[1].get("status_this_quarter")),
        Col("Latest status", 14, TEXT, lambda item: item[1]["status_now"]),
        OVERDUE,
        STATUS_LAST_ROUND,
        CHANGED,
        *(field_col(f) for f in layout.columns if f.name not in first),
        SOURCE,
    ]


ROW_COLUMNS = {"p44": _action_columns, "three_year": _task_columns}


def actions(c: Consolidation) -> Table:
    """Every p44 action: its organisation, what it says, whether it is overdue, how it changed
    since last round, and where it came from."""
    return Table.of("Actions", [ORGANISATION, *_action_columns()], _rows(c, "p44"))


def tasks(c: Consolidation) -> Table:
    """Every three_year task: status this quarter, latest status, overdue, change, source."""
    return Table.of("Tasks", [ORGANISATION, *_task_columns()], _rows(c, "three_year"))


def _task_field(name: str) -> Col:
    return field_col(LAYOUTS["three_year"].field(name))


BUSINESS_UNIT = Col("Business unit", 30, TEXT, lambda item: item[0].organisation)
LATEST = Col("Latest status", 14, TEXT, lambda item: item[1]["status_now"])
THIS_QUARTER = Col("Status this quarter", 14, TEXT, lambda item: item[1].get("status_this_quarter"))


def council_plan_progress(c: Consolidation) -> Table:
    """The Cabinet report (seed 001): every task significant for a Council Plan priority,
    grouped by priority, with its status this quarter."""
    from ..layouts.three_year import COUNCIL_PLAN_PRIORITIES

    items = [
        (n, name, plan, row)
        for n, name in enumerate(COUNCIL_PLAN_PRIORITIES, start=1)
        for plan, row in _rows(c, "three_year")
        if row.get(f"cp{n}") == "Significant"
    ]
    columns = [
        Col("Council Plan priority", 28, TEXT, lambda i: f"{i[0]} {i[1]}"),
        *(Col(col.title, col.width, col.kind, lambda i, col=col: col.get(i[2:]))
          for col in (BUSINESS_UNIT, _task_field("ref"), _task_field("task"),
                      _task_field("task_officer"), _task_field("completion_quarter"),
                      THIS_QUARTER, LATEST, OVERDUE, _task_field("progress_report"))),
    ]  # fmt: skip
    return Table.of("Council Plan Progress", columns, items)


def _tasks_marked(c: Consolidation, sheet: str, name: str) -> Table:
    columns = [BUSINESS_UNIT, *map(_task_field, ("ref", "task", "service_team", "task_officer",
               "completion_quarter")), LATEST, _task_field("outcomes"), SOURCE]  # fmt: skip
    return Table.of(sheet, columns, [i for i in _rows(c, "three_year") if i[1].get(name) == "Yes"])


def contract_register(c: Consolidation) -> Table:
    """Tasks delivered under a formal contract, for the Corporate Contract Register."""
    return _tasks_marked(c, "Contract Register", "contract")


def efficiency(c: Consolidation) -> Table:
    """Tasks that will bring a Gershon efficiency, for the Annual Efficiency Statement."""
    return _tasks_marked(c, "Efficiency", "efficiency")


def plan_rows_title(plan: Plan) -> str:
    """What a plan's rows are called: Actions or Tasks."""
    return f"{plan.layout.row_noun.title()}s"


def plan_rows(plan: Plan) -> Table:
    """One organisation's actions or tasks, as on the Actions or Tasks sheet."""
    rows = [(plan, r) for r in plan.items]
    return Table.of(plan_rows_title(plan), ROW_COLUMNS[plan.layout.name](), rows)


# --- flags, files, findings ----------------------------------------------------------------------


FLAG_COLUMNS = [
    Col("Severity", 10, RAG, lambda f: f.severity.title()),
    Col("Rule", 30, TEXT, lambda f: f.rule_title),
    Col("Cell", 8, TEXT, lambda f: f.cell),
    Col("Message", 90, LONG, lambda f: f.message),
]


def plan_flags(plan: Plan) -> Table:
    """One organisation's flags."""
    return Table.of("Flags", FLAG_COLUMNS, plan.flags)


def gap_flags(c: Consolidation) -> Table:
    """Every flag, red first."""
    columns = [
        Col("Organisation", 30, TEXT, lambda f: f.organisation),
        Col("Severity", 10, RAG, lambda f: f.severity.title()),
        Col("Rule", 30, TEXT, lambda f: f.rule_title),
        Col("File", 34, TEXT, lambda f: f.file),
        Col("Sheet", 14, TEXT, lambda f: f.sheet),
        Col("Cell", 8, TEXT, lambda f: f.cell),
        Col("Message", 90, LONG, lambda f: f.message),
    ]
    return Table.of("Gap Flags", columns, c.flags)


def _layout_title(receipt: Any) -> str | None:
    loaded = receipt.loaded
    layout = LAYOUTS.get(loaded.layout) if loaded and loaded.layout else None
    return layout.title if layout else None


def returns_log(c: Consolidation) -> Table:
    """Every file of the round, what became of it and why."""
    columns = [
        Col("File", 40, TEXT, lambda r: r.source.name),
        Col("SHA-256", 20, TEXT, lambda r: r.source.sha256),
        Col("Status", 22, TEXT, lambda r: r.status),
        Col("Organisation", 30, TEXT, lambda r: r.loaded.organisation if r.loaded else None),
        Col("Layout", 22, TEXT, _layout_title),
        Col("Received", 17, DATE, lambda r: r.received),
        Col("Errors", 8, INT, lambda r: sum(f.severity == "error" for f in r.findings)),
        Col("Warnings", 9, INT, lambda r: sum(f.severity == "warning" for f in r.findings)),
        Col("Reason", 80, LONG, lambda r: r.note),
    ]
    return Table.of("Returns Log", columns, c.receipts)


def findings(c: Consolidation) -> Table:
    """Every finding about every file of the round, for the central team to pass on."""
    columns = [
        Col("File", 40, TEXT, lambda f: f.file),
        Col("Sheet", 14, TEXT, lambda f: f.sheet),
        Col("Cell", 8, TEXT, lambda f: f.cell),
        Col("Severity", 10, TEXT, lambda f: f.severity.value),
        Col("Field", 24, TEXT, lambda f: f.field),
        Col("Value", 24, TEXT, lambda f: f.value),
        Col("Message", 90, LONG, lambda f: f.message),
    ]
    return Table.of("Findings", columns, [f for r in c.receipts for f in r.findings])


# --- the returns tracker -------------------------------------------------------------------------


def _late(c: Consolidation, plan: Plan) -> bool:
    received = plan.received
    return bool(c.due and received and received.date() > c.due)


def tracker(c: Consolidation) -> Table:
    """For each layout's round: expected, received, accepted, rejected, missing, late."""
    rows = []
    for name, layout in LAYOUTS.items():
        plans = [p for p in c.plans if p.layout.name == name]
        files = [r for r in c.receipts if r.status != DUPLICATE and r.loaded
                 and r.loaded.layout == name]  # fmt: skip
        register = c.registers.get(name)
        round_ = c.rounds.get(name)
        if not plans and not files:
            continue
        rows.append(
            {
                "Layout": layout.title,
                "Round": round_.label if round_ else None,
                "Due": c.due,
                "Expected": len(register.entries) if register else None,
                "Received": len({r.loaded.organisation for r in files if r.loaded.organisation}),
                "Accepted": sum(p.loaded is not None for p in plans),
                "Rejected": sum(r.status == REJECTED for r in files),
                "Missing": sum(p.loaded is None for p in plans),
                "Late": sum(_late(c, p) for p in plans) if c.due else None,
            }
        )
    unknown = [r for r in c.receipts if r.status == REJECTED and not (r.loaded and r.loaded.layout)]
    if unknown:
        rows.append({"Layout": "Not recognised", "Received": len(unknown),
                     "Rejected": len(unknown)})  # fmt: skip
    kinds = {"Due": DATE, "Layout": TEXT, "Round": TEXT}
    widths = {"Layout": 34, "Round": 34}
    titles = ("Layout", "Round", "Due", "Expected", "Received", "Accepted", "Rejected",
              "Missing", "Late")  # fmt: skip
    columns = [Col(t, widths.get(t, 11), kinds.get(t, INT), lambda r, t=t: r.get(t))
               for t in titles]  # fmt: skip
    return Table.of("Returns", columns, rows)


def chase_list(c: Consolidation) -> Table:
    """Who to chase and for what: a line per organisation on a register whose return is
    missing, rejected, incomplete or late, with the contact to write to."""
    rejected: dict[tuple[str | None, str], list[str]] = {}
    for r in c.receipts:
        if r.status == REJECTED and r.loaded and r.loaded.organisation:
            key = (r.loaded.layout, r.loaded.organisation.casefold())
            rejected.setdefault(key, []).append(f"{r.source.name} was rejected: {r.note}")
    lines = []
    for plan in c.plans:
        if plan.entry is None:
            continue
        wanted = []
        if plan.loaded is None:
            wanted.append("No usable return this round.")
            wanted += rejected.get((plan.layout.name, plan.organisation.casefold()), [])
        else:
            empty = [f.field for f in plan.findings if f.rule in ("required", "missing-label")]
            if empty:
                wanted.append("Please fill in: " + ", ".join(dict.fromkeys(empty)) + ".")
            if _late(c, plan):
                wanted.append(f"Returned late ({plan.received:%d/%m/%Y}; due {c.due:%d/%m/%Y}).")
        if wanted:
            lines.append((plan, " ".join(wanted)))
    columns = [
        Col("Organisation", 30, TEXT, lambda line: line[0].organisation),
        Col("Layout", 30, TEXT, lambda line: line[0].layout.title),
        Col("Contact name", 24, TEXT, lambda line: line[0].contact_name),
        Col("Contact email", 34, TEXT, lambda line: line[0].contact_email),
        Col("What is missing", 90, LONG, lambda line: line[1]),
    ]
    return Table.of("Chase list", columns, lines)


TABLES = (overview, calendar, gap_flags, actions, tasks, returns_log, findings)


# --- the calendar grid and the charts' data ------------------------------------------------------

GRID_WEEKS_BEFORE, GRID_WEEKS = 4, 26  # the grid shows half a year of weeks around the as-of date


def calendar_weeks(c: Consolidation) -> list[date]:
    """The Mondays the calendar grid shows: four weeks back, then the next half year."""
    from datetime import timedelta

    monday = c.as_of - timedelta(days=c.as_of.weekday())
    first = monday - timedelta(weeks=GRID_WEEKS_BEFORE)
    return [first + timedelta(weeks=n) for n in range(GRID_WEEKS)]


def calendar_grid(c: Consolidation) -> Table:
    """Partnerships down, weeks across: how many events each has on in each week, so clashes
    (two or more) and gaps (none) show at a glance."""
    weeks = calendar_weeks(c)
    items = []
    for plan in c.plans:
        if plan.layout.name == "p44" and plan.loaded is not None:
            spans = [(row["start_date"], row.get("end_date") or row["start_date"])
                     for row in plan.items
                     if _is_event(row) and isinstance(row.get("start_date"), date)]  # fmt: skip
            items.append((plan.organisation, _events_per_week(spans, weeks[0], len(weeks))))
    columns = [Col("Partnership", 30, TEXT, lambda item: item[0])] + [
        Col(f"{monday:%d %b}", 6, INT, lambda item, n=n: item[1][n] or None)
        for n, monday in enumerate(weeks)
    ]
    return Table.of("Calendar Grid", columns, sorted(items, key=lambda i: i[0].lower()))


def _events_per_week(spans: list[tuple[date, date]], first: date, weeks: int) -> list[int]:
    """For each of ``weeks`` weeks from Monday ``first``, how many spans overlap it."""
    counts = [0] * weeks
    for start, end in spans:
        # week n runs from first + 7n to first + 7n + 6: a span meets weeks from the one its
        # start falls in to the one its end falls in
        for n in range(max(0, (start - first).days // 7), min(weeks, (end - first).days // 7 + 1)):
            counts[n] += 1
    return counts


def _counts(c: Consolidation, layout: str, status_of, statuses: Sequence[str], title: str):
    plans = [p for p in c.plans if p.layout.name == layout and p.loaded is not None]
    tallies = [(p, Counter(status_of(r) for r in p.items)) for p in plans]
    columns = [Col(title, 30, TEXT, lambda t: t[0].organisation)] + [
        Col(s, 10, INT, lambda t, s=s: t[1][s]) for s in statuses
    ]
    return Table.of(f"{layout} statuses", columns, tallies)


def action_status_counts(c: Consolidation) -> Table:
    """Actions by status, per partnership (for the stacked bar chart)."""
    statuses = LAYOUTS["p44"].field("status").choices.values
    return _counts(c, "p44", lambda r: r["status_now"], statuses, "Partnership")


NOT_UPDATED = "Not updated"


def task_status_counts(c: Consolidation) -> Table:
    """Tasks by status this quarter, per business unit (for the stacked bar chart)."""
    statuses = (*LAYOUTS["three_year"].field("q1").choices.values, NOT_UPDATED)
    return _counts(c, "three_year", lambda r: r.get("status_this_quarter") or NOT_UPDATED,
                   statuses, "Business unit")  # fmt: skip


def confidence_mix(c: Consolidation) -> Table:
    """How many partnerships stated each confidence (for the RAG chart)."""
    stated = [p.value("confidence") for p in c.plans if p.layout.name == "p44" and p.loaded]
    columns = [Col("Confidence", 12, TEXT, lambda rag: rag),
               Col("Partnerships", 12, INT, lambda rag: stated.count(rag))]  # fmt: skip
    return Table.of("Confidence mix", columns, ["Red", "Amber", "Green"])


def impact_against_need(c: Consolidation) -> Table:
    """Estimated impact of live actions beside the reduction each target needs."""
    plans = [p for p in c.plans if p.layout.name == "p44" and p.loaded and p.reduction_needed]
    columns = [
        Col("Partnership", 30, TEXT, lambda p: p.organisation),
        Col("Estimated impact of live actions", 14, INT, lambda p: p.live_impact),
        Col("Reduction the target needs", 14, INT, lambda p: p.reduction_needed),
    ]
    return Table.of("Impact against need", columns, plans)
