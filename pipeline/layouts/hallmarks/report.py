"""What the self-assessment adds to the reports: its own flag rules, the Hallmarks matrix
(partnerships down, the six Hallmarks across, the share in place, statutory gaps red, and each
partnership's summary in seed 003's words), every further action in one table, and a chart of
the assessments per Hallmark."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ...plans import Consolidation, Plan
from ...report.charts import COLOURS, ChartSpec
from ...report.tables import (
    DATE,
    INT,
    LONG,
    OVERDUE,
    PERCENT,
    SOURCE,
    TEXT,
    Col,
    Table,
    field_col,
    rows_of,
)
from ..reporting import DerivedSheet, LayoutReport
from . import ASSESSMENT, HALLMARK, LAYOUT
from .measures import GAP, IN_PLACE, adopted, has_action, is_statutory_gap, share, summary
from .rules import RULES

MATRIX, FURTHER_ACTIONS = "Hallmarks Matrix", "Further Actions"
NOT_ASSESSED = "Not assessed"
COLOURS_HERE = {**COLOURS, IN_PLACE: "#70AD47", "Working towards": "#FFC000", GAP: "#C00000",
                NOT_ASSESSED: "#A6A6A6"}  # fmt: skip
MATRIX_TOP = 3  # the matrix's header row, below its title and key


def _in_hallmark(plan: Plan, hallmark: str) -> list[dict[str, Any]]:
    return [row for row in plan.items if row.get("hallmark") == hallmark]


def statutory_gap_in(plan: Plan, hallmark: str) -> bool:
    """True when one of the Hallmark's Statutory requirements is a Gap in ``plan``."""
    return any(map(is_statutory_gap, _in_hallmark(plan, hallmark)))


def matrix(c: Consolidation) -> Table:
    """One row per partnership: each Hallmark's share of requirements In place, the share in
    place or working towards, statutory gaps, action points and the review's summary."""

    def in_place(hallmark: str) -> Any:
        return lambda p: share(_in_hallmark(p, hallmark), lambda row: row["complete"])

    columns = [
        Col("Partnership", 26, TEXT, lambda p: p.organisation),
        Col("Date of review", 11, DATE, lambda p: p.updated),
        *(Col(h, 14, PERCENT, in_place(h)) for h in HALLMARK.values),
        Col("In place or working towards", 14, PERCENT, lambda p: share(p.items, adopted)),
        Col("Statutory gaps", 10, INT, lambda p: p.figure("statutory_gaps")),
        Col("Action points", 10, INT, lambda p: p.figure("action_points")),
        Col("Summary", 50, LONG,
            lambda p: summary(p) if p.has_return else "No usable return received."),
    ]  # fmt: skip
    return Table.of(MATRIX, columns, c.plans_of(LAYOUT.name))


def write_matrix(w: Any, sheet: Any, table: Table, c: Consolidation) -> None:
    """The matrix under its title and key, each Hallmark's cell red where one of its Statutory
    requirements is a Gap."""
    w.title(sheet, "The Hallmarks of Effective Partnerships: where each partnership stands")
    sheet.write_string(1, 0, "Each Hallmark's cell is the share of its requirements In place; "
                       "red where one of its Statutory requirements is a Gap.",
                       w.fmt["subtitle"])  # fmt: skip
    tall_heading = {MATRIX_TOP: lambda: sheet.set_row(MATRIX_TOP, 56)}  # the Hallmarks' names
    w.table(sheet, table, MATRIX_TOP, wrap_in=[c.width for c in table.columns], beside=tall_heading)
    red = w.book.add_format({"bg_color": "#F4B6B6", "font_color": "#9C0006", "bold": True})
    first = [c.title for c in table.columns].index(HALLMARK.values[0])
    for r, plan in enumerate(c.plans_of(LAYOUT.name), start=MATRIX_TOP + 1):
        for col, hallmark in enumerate(HALLMARK.values, start=first):
            if statutory_gap_in(plan, hallmark):
                always = {"type": "formula", "criteria": "=TRUE", "format": red}
                sheet.conditional_format(r, col, r, col, always)


def further_actions(c: Consolidation) -> Table:
    """Every further action of every partnership, and every Gap still without one, with its
    owner and target date, partnership by partnership in the guidance's order."""
    items = [(p, row) for p, row in rows_of(c, LAYOUT)
             if has_action(row) or row["status_now"] == GAP]  # fmt: skip
    columns = [
        Col("Partnership", 24, TEXT, lambda i: i[0].organisation),
        *(field_col(LAYOUT.field(n)) for n in ("ref", "hallmark", "type", "requirement")),
        Col("Assessment", 14, TEXT, lambda i: i[1]["status_now"]),
        *(field_col(LAYOUT.field(n)) for n in ("further_action", "owner", "target_date")),
        OVERDUE,
        SOURCE,
    ]
    return Table.of(FURTHER_ACTIONS, columns, items)


def write_wrapped(w: Any, sheet: Any, table: Table, c: Consolidation) -> None:
    """The table with each row as tall as its long texts need (so that it reads on paper)."""
    w.table(sheet, table, 0, wrap_in=[c.width for c in table.columns])


def by_hallmark(c: Consolidation) -> Table:
    """How many requirements of each Hallmark are in each assessment, over every partnership
    with a return (the chart)."""
    tallies = {h: Counter() for h in HALLMARK.values}
    for _, row in rows_of(c, LAYOUT):
        if row.get("hallmark") in tallies:
            status = row["status_now"] if row["status_now"] in ASSESSMENT.values else NOT_ASSESSED
            tallies[row["hallmark"]][status] += 1
    shown = [*ASSESSMENT.values, NOT_ASSESSED]
    columns = [Col("Hallmark", 30, TEXT, lambda t: t[0])]
    columns += [Col(s, 10, INT, lambda t, s=s: t[1][s]) for s in shown]
    return Table.of("hallmarks by assessment", columns, list(tallies.items()))


REPORT = LayoutReport(
    rules=RULES,
    on_paper=("ref", "requirement", "further_action", "owner", "target_date"),
    sheets=(
        DerivedSheet(MATRIX, "per partnership: each Hallmark's share of requirements in place "
                     "(red where a Statutory one is a Gap), statutory gaps, action points and "
                     "the review's summary", matrix, write=write_matrix),
        DerivedSheet(FURTHER_ACTIONS, "every further action of the self-assessments, and every "
                     "Gap without one, with its owner and target date", further_actions,
                     write=write_wrapped),
    ),
    charts=(
        ChartSpec("Hallmarks requirements by assessment, over every partnership",
                  "requirements by assessment per Hallmark", by_hallmark, "bar", "stacked",
                  COLOURS_HERE),
    ),
    figures=(
        ("Hallmark share in place", MATRIX,
         "Of the Hallmark's requirements in the partnership's return, the share assessed In "
         "place."),
        ("In place or working towards", MATRIX,
         "Of all the requirements in the return, the share assessed In place or Working "
         "towards (what a review counts as adopted)."),
        ("Summary", MATRIX,
         "The review as partnerships sum up their own (\"115 items, 90 in place or working "
         "towards (78%), 25 action points\"): requirements in the return (items), how many are "
         "In place or Working towards, with their share, and how many have a further action "
         "(action points)."),
    ),
)  # fmt: skip
