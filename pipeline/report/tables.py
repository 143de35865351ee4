"""The consolidated workbook's tables as plain data, computed once from a ``Consolidation``.

The workbook writer renders these; tests and other renderers can read them without opening a
spreadsheet. Column lists for actions and tasks come from the layout declarations.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..findings import cell_address
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
    """A column: its title, how wide, and what kind of value it holds."""

    title: str
    width: float = 14
    kind: str = TEXT


@dataclass
class Table:
    """A sheet's table: its name, columns and rows (tuples in column order)."""

    sheet: str
    columns: list[Col]
    rows: list[tuple[Any, ...]] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        """Rows as dicts keyed by column title."""
        titles = [c.title for c in self.columns]
        return [dict(zip(titles, row)) for row in self.rows]


def source(plan: Plan, sheet_row: int | None = None, name: str | None = None) -> str:
    """Where something came from: ``file · Sheet!A21``."""
    loaded = plan.loaded
    if loaded is None:
        return ""
    if sheet_row is None:
        return loaded.source.name
    col = loaded.columns.get(name or "ref", min(loaded.columns.values(), default=0))
    return f"{loaded.source.name} · {loaded.sheet}!{cell_address(sheet_row, col)}"


def field_col(f: Field) -> Col:
    """The consolidated workbook's column for a declared field."""
    return Col(
        f.reported_as, max(f.width, len(f.reported_as) * 0.9 + 3), _KIND_OF.get(f.kind, TEXT)
    )


def overview(c: Consolidation) -> Table:
    """One row per organisation: returned or not, currency, confidence, counts, flags."""
    table = Table(
        "Overview",
        [
            Col("Organisation", 34),
            Col("Layout", 22),
            Col("Returned", 10),
            Col("Date of update", 14, DATE),
            Col("Days since update", 12, INT),
            Col("Confidence", 12, RAG),
            Col("Actions", 10, INT),
            Col("Complete", 10, INT),
            Col("Overdue", 10, INT),
            Col("Red flags", 10, INT),
            Col("Amber flags", 10, INT),
            Col("File", 40),
        ],
    )
    for plan in c.plans:
        updated = plan.value("date_of_update") if plan.loaded else None
        rows = plan.rows
        table.rows.append(
            (
                plan.organisation,
                plan.layout.title,
                "Yes" if plan.loaded else "No",
                updated,
                (c.as_of - updated).days if isinstance(updated, date) else None,
                plan.value("confidence") if plan.loaded else None,
                len(rows) if rows is not None else None,
                int(rows["complete"].sum()) if rows is not None else None,
                int(rows["overdue"].sum()) if rows is not None else None,
                plan.red_flags,
                plan.amber_flags,
                source(plan),
            )
        )
    return table


def _is_event(row: dict[str, Any]) -> bool:
    return row.get("category") == "Week of Action" or row.get("calendar_event") == "Yes"


def calendar(c: Consolidation) -> Table:
    """Every dated p44 event (Weeks of Action and rows marked as calendar events), by date."""
    table = Table(
        "Calendar of Events",
        [
            Col("Date", 12, DATE),
            Col("End date", 12, DATE),
            Col("Organisation", 30),
            Col("Ref", 8),
            Col("Action", 50, LONG),
            Col("Category", 22),
            Col("Status", 12),
            Col("Source", 40),
        ],
    )
    events = []
    for plan in _plans(c, "p44"):
        for row in plan.items:
            if _is_event(row) and isinstance(row.get("start_date"), date):
                events.append(
                    (
                        row["start_date"],
                        row.get("end_date"),
                        plan.organisation,
                        row.get("ref"),
                        row.get("action"),
                        row.get("category"),
                        row.get("status"),
                        source(plan, row[ROW]),
                    )
                )
    table.rows = sorted(events, key=lambda e: (e[0], e[2].lower(), str(e[3])))
    return table


def gap_flags(c: Consolidation) -> Table:
    """Every flag, red first."""
    table = Table(
        "Gap Flags",
        [
            Col("Organisation", 30),
            Col("Severity", 10, RAG),
            Col("Rule", 30),
            Col("File", 34),
            Col("Sheet", 14),
            Col("Cell", 8),
            Col("Message", 90, LONG),
        ],
    )
    for flag in c.flags:
        table.rows.append(
            (
                flag.organisation,
                flag.severity.title(),
                flag.rule_title,
                flag.file,
                flag.sheet,
                flag.cell,
                flag.message,
            )
        )
    return table


def _plans(c: Consolidation, layout: str) -> Iterable[Plan]:
    return (p for p in c.plans if p.layout.name == layout and p.rows is not None)


def actions(c: Consolidation) -> Table:
    """Every p44 action, with its organisation, whether it is overdue, and its source."""
    layout = LAYOUTS["p44"]
    table = Table(
        "Actions",
        [Col("Organisation", 30), *map(field_col, layout.columns), Col("Overdue", 10),
         Col("Source", 40)],
    )  # fmt: skip
    for plan in _plans(c, "p44"):
        for row in plan.items:
            table.rows.append(
                (
                    plan.organisation,
                    *(row.get(f.name) for f in layout.columns),
                    "Yes" if row["overdue"] else None,
                    source(plan, row[ROW]),
                )
            )
    return table


def tasks(c: Consolidation) -> Table:
    """Every three_year task, with status this quarter, latest status, overdue and source."""
    layout = LAYOUTS["three_year"]
    first = [
        f
        for f in layout.columns
        if f.name in ("ref", "task", "service_team", "task_officer", "completion_quarter")
    ]
    rest = [f for f in layout.columns if f not in first]
    table = Table(
        "Tasks",
        [
            Col("Organisation", 30),
            *map(field_col, first),
            Col("Status this quarter", 14),
            Col("Latest status", 14),
            Col("Overdue", 10),
            *map(field_col, rest),
            Col("Source", 40),
        ],
    )
    for plan in _plans(c, "three_year"):
        for row in plan.items:
            table.rows.append(
                (
                    plan.organisation,
                    *(row.get(f.name) for f in first),
                    row.get("status_this_quarter"),
                    row.get("status_now"),
                    "Yes" if row["overdue"] else None,
                    *(row.get(f.name) for f in rest),
                    source(plan, row[ROW]),
                )
            )
    return table


def returns_log(c: Consolidation) -> Table:
    """Every file seen, what became of it and why."""
    table = Table(
        "Returns Log",
        [
            Col("File", 40),
            Col("SHA-256", 20),
            Col("Status", 22),
            Col("Organisation", 30),
            Col("Layout", 22),
            Col("Errors", 8, INT),
            Col("Warnings", 9, INT),
            Col("Reason", 80, LONG),
        ],
    )
    for receipt in c.receipts:
        loaded = receipt.loaded
        findings = receipt.findings
        layout = LAYOUTS.get(loaded.layout) if loaded and loaded.layout else None
        table.rows.append(
            (
                receipt.source.name,
                receipt.source.sha256,
                receipt.status,
                loaded.organisation if loaded else None,
                layout.title if layout else None,
                sum(f.severity == "error" for f in findings),
                sum(f.severity == "warning" for f in findings),
                receipt.note,
            )
        )
    return table


def findings(c: Consolidation) -> Table:
    """Every finding about every file read, for the central team to pass on."""
    table = Table(
        "Findings",
        [
            Col("File", 40),
            Col("Sheet", 14),
            Col("Cell", 8),
            Col("Severity", 10),
            Col("Field", 24),
            Col("Value", 24),
            Col("Message", 90, LONG),
        ],
    )
    for receipt in c.receipts:
        for f in receipt.findings:
            table.rows.append(
                (f.file, f.sheet, f.cell, f.severity.value, f.field, f.value, f.message)
            )
    return table


TABLES = (overview, calendar, gap_flags, actions, tasks, returns_log, findings)
