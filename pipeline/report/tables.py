"""The consolidated workbook's tables as plain data, computed once from a ``Consolidation``.

Each table is a list of columns, each column a title, a width, a kind and how to get its value
from one item (a plan, a row, a flag, a receipt). The workbook writer renders these; tests and
other renderers can read them without opening a spreadsheet. Columns for actions and tasks
come from the layout declarations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .. import travel
from ..findings import cell_address
from ..intake import ACCEPTED, DUPLICATE, REJECTED, SUPERSEDED, WITH_FINDINGS
from ..layouts import LAYOUTS, Field, Kind
from ..layouts.measures import MEASURES
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


def overview(c: Consolidation) -> Table:
    """One row per organisation: returned or not, currency, confidence and its direction of
    travel, every plan measure (``layouts.measures.MEASURES``), flags."""

    def updated(p: Plan) -> date | None:
        value = p.value("date_of_update") if p.has_return else None
        return value if isinstance(value, date) else None

    def days(p: Plan) -> int | None:
        return (c.as_of - updated(p)).days if updated(p) else None

    columns = [
        Col("Organisation", 34, TEXT, lambda p: p.organisation),
        Col("Layout", 12, TEXT, lambda p: p.layout.short_title),
        Col("Received", 10, TEXT, lambda p: "Yes" if p.has_return else "No"),
        Col("Date of update", 14, DATE, updated),
        Col("Days since update", 12, INT, days),
        Col("Confidence", 12, RAG, lambda p: p.position if p.has_return else None),
        Col("Confidence check", 12, RAG,
            lambda p: travel.delivery(p.items) if p.has_return else None),
        Col("Previous confidence", 12, RAG, lambda p: p.previous_position),
        Col("Direction", 12, TEXT, lambda p: p.direction),
        *(Col(m.title, 10, INT, lambda p, name=m.name: p.figure(name)) for m in MEASURES),
        Col("Red flags", 10, INT, lambda p: p.red_flags),
        Col("Amber flags", 10, INT, lambda p: p.amber_flags),
        Col("File", 40, TEXT, source),
    ]  # fmt: skip
    return Table.of("Overview", columns, c.plans)


# --- rows of plans -----------------------------------------------------------------------------


def _rows(c: Consolidation, layout: str) -> list[tuple[Plan, dict[str, Any]]]:
    return [(p, row) for p in c.plans if p.layout.name == layout for row in p.items]


ORGANISATION = Col("Organisation", 30, TEXT, lambda item: item[0].organisation)
SOURCE = Col("Source", 40, TEXT, lambda item: source(item[0], item[1][ROW]))
STATUS_LAST_ROUND = Col("Status last round", 14, TEXT, lambda i: i[1].get("status_last_round"))
CHANGED = Col("Changed", 22, TEXT, lambda item: item[1].get("changed"))
OVERDUE = Col("Overdue", 10, TEXT, lambda item: _yes(item[1]["overdue"]))


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
        Col("What to do", 50, LONG, lambda f: f.to_do),
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


FILE_OUTCOMES = (("Accepted", ACCEPTED), ("Accepted with findings", WITH_FINDINGS),
                 ("Rejected", REJECTED), ("Duplicate", DUPLICATE),
                 ("Superseded", SUPERSEDED))  # fmt: skip
TRACKER_ROWS = ("Round", "Due", "Expected", "Received", "Missing", "Late", "Files",
                *(title for title, _ in FILE_OUTCOMES))  # fmt: skip
NOT_RECOGNISED = "Not recognised"


def tracker(c: Consolidation) -> Table:
    """The round's returns, a column per layout: expected, received, missing and late (one
    definition: ``layouts.measures``), then what became of the files; files of no known
    layout in a column of their own."""
    layout_of = _layouts_of(c.receipts)
    shown: dict[str, dict[str, Any]] = {}
    for name, layout in LAYOUTS.items():
        plans = [p for p in c.plans if p.layout.name == name]
        files = [r for r in c.receipts if layout_of(r) == name]
        if not plans and not files:
            continue
        count, round_ = c.returns(name), c.rounds.get(name)
        shown[layout.title] = {
            "Round": round_.label if round_ else None, "Due": c.due,
            "Expected": count.expected, "Received": count.received, "Missing": count.missing,
            "Late": count.late, **_file_outcomes(files),
        }  # fmt: skip
    unknown = [r for r in c.receipts if layout_of(r) is None]
    if unknown:
        shown[NOT_RECOGNISED] = _file_outcomes(unknown)
    columns = [Col("Returns", 22, TEXT, lambda row: row[0])] + [
        Col(title, 34, INT, lambda row, title=title: shown[title].get(row[0])) for title in shown
    ]
    return Table.of("Returns", columns, [(figure,) for figure in TRACKER_ROWS])


def _file_outcomes(files: list[Any]) -> dict[str, int]:
    """How many files, and how many of them ended each way."""
    outcomes = {title: sum(r.status == status for r in files) for title, status in FILE_OUTCOMES}
    return {"Files": len(files), **outcomes}


def returns_lines(c: Consolidation) -> list[str]:
    """Each layout's round in words (expected, received, missing, late), for the layouts with
    organisations this round, as the Overview and the terminal summary show it."""
    lines = []
    for name, layout in LAYOUTS.items():
        if not any(p.layout.name == name for p in c.plans):
            continue
        count, round_ = c.returns(name), c.rounds.get(name)
        parts = [f"expected {count.expected}" if count.expected is not None else None,
                 f"received {count.received}",
                 f"missing {count.missing}" if count.missing is not None else None,
                 f"late {count.late}" if count.late is not None else None]  # fmt: skip
        when = f", {round_.label}" if round_ else ""
        lines.append(f"{layout.title}{when}: {', '.join(p for p in parts if p)}")
    return lines


def _layouts_of(receipts: list[Any]) -> Callable[[Any], str | None]:
    """The layout of a file's return; a duplicate's is its twin's."""
    by_hash = {r.source.sha256: r.loaded.layout for r in receipts if r.loaded}

    def layout_of(receipt: Any) -> str | None:
        return by_hash.get(receipt.source.sha256)

    return layout_of


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
        if not plan.has_return:
            wanted.append("No usable return this round.")
            wanted += rejected.get((plan.layout.name, plan.organisation.casefold()), [])
        else:
            empty = [f.field for f in plan.findings if f.rule in ("required", "missing-label")]
            if empty:
                wanted.append("Please fill in: " + ", ".join(dict.fromkeys(empty)) + ".")
            if c.late(plan):
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
