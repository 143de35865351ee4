"""What the self-assessment adds to the reports: the Hallmarks matrix
(partnerships down, the six Hallmarks across, the share in place, statutory gaps red, and each
partnership's summary in seed 003's words), every further action in one table, and a chart of
the assessments per Hallmark."""

from __future__ import annotations

from collections import Counter
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from ...declare.reporting import DerivedSheet, LayoutReport
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
from ...round.plans import Consolidation, Plan
from . import ASSESSMENT, HALLMARK, LAYOUT
from .measures import GAP, IN_PLACE, adopted, has_action, is_statutory_gap, share, summary

MATRIX, FURTHER_ACTIONS = "Hallmarks Matrix", "Further Actions"
NOT_ASSESSED = "Not assessed"
COLOURS_HERE = {**COLOURS, IN_PLACE: "#70AD47", "Working towards": "#FFC000", GAP: "#C00000",
                NOT_ASSESSED: "#A6A6A6"}  # fmt: skip
MATRIX_TOP = 4  # the matrix's header row, below its title, what it shows and its legend


def _in_hallmark(plan: Plan, hallmark: str) -> list[dict[str, Any]]:
    return [row for row in plan.items if row.get("hallmark") == hallmark]


def statutory_gap_in(plan: Plan, hallmark: str) -> bool:
    """True when one of the Hallmark's Statutory requirements is a Gap in ``plan``."""
    return any(map(is_statutory_gap, _in_hallmark(plan, hallmark)))


# Each Hallmark's column is headed by a few words of its name (the Guidance has them whole)
SHORT = dict(zip(HALLMARK.values, ("Leadership", "Accountability", "Business processes",
                                   "Delivery structures", "Communities",
                                   "Skills and knowledge")))  # fmt: skip
# the share of a Hallmark's requirements In place: its band's colour, from the highest
BANDS = ((0.75, "Green", "75% or more"), (0.5, "Amber", "50% to 74%"), (0.0, "Red", "under 50%"))
GAP_SIGN = "(gap)"  # after a Hallmark's share: one of its Statutory requirements is a Gap


def matrix(c: Consolidation) -> Table:
    """One row per partnership: each Hallmark's share of requirements In place, then of all
    its requirements the share in place or working towards, statutory gaps, action points;
    the review's summary on screen."""

    def in_place(hallmark: str) -> Any:
        return lambda p: share(_in_hallmark(p, hallmark), lambda row: row["complete"])

    columns = [
        Col("Partnership", 26, TEXT, lambda p: p.organisation),
        Col("Date of review", 11, DATE, lambda p: p.updated),
        *(Col(SHORT[h], 11, PERCENT, in_place(h)) for h in HALLMARK.values),
        Col("All: in place or working towards", 14, PERCENT, lambda p: share(p.items, adopted)),
        Col("Statutory gaps", 10, INT, lambda p: p.figure("statutory_gaps")),
        Col("Action points", 10, INT, lambda p: p.figure("action_points")),
        Col("Summary", 50, LONG,
            lambda p: summary(p) if p.has_return else "No usable return received.",
            on_paper=False),
    ]  # fmt: skip
    return Table.of(MATRIX, columns, c.plans_of(LAYOUT.name))


def write_matrix(w: Any, sheet: Any, table: Table, c: Consolidation) -> None:
    """The matrix under its title and legend: each Hallmark's share In place coloured by its
    band, with the sign of a statutory gap beside it."""
    table = w.fitted(sheet, table)
    w.title(sheet, "Hallmarks Matrix: where each partnership stands")
    w.lead(sheet, 1, "Each Hallmark's cell is the share of its requirements assessed In place, "
           f"coloured by band; {GAP_SIGN} beside it: one of its Statutory requirements is a Gap. "
           "The last columns count all the requirements of the return.", table.printed)  # fmt: skip
    sheet.write_string(2, 0, "Bands:", w.fmt["bold"])
    for col, (_, colour, said) in enumerate(BANDS, start=1):
        sheet.write_string(2, col, said, w.fmt[f"band {colour}"])
    sheet.write_string(2, len(BANDS) + 1, f"35% {GAP_SIGN}: a Statutory gap", w.fmt["gap"])
    w.table(sheet, table, MATRIX_TOP, widths=False)
    first = [col.title for col in table.columns].index(SHORT[HALLMARK.values[0]])
    last_col, last_row = first + len(HALLMARK.values) - 1, MATRIX_TOP + max(len(table), 1)
    cell = f"{xl_col_to_name(first)}{MATRIX_TOP + 2}"  # the top left cell, as formulas see it
    upper = None
    for low, colour, _ in BANDS:
        below = f",{cell}<{upper}" if upper is not None else ""
        rule = {"type": "formula", "criteria": f"=AND(ISNUMBER({cell}),{cell}>={low}{below})",
                "format": w.rag[colour]}  # fmt: skip
        sheet.conditional_format(MATRIX_TOP + 1, first, last_row, last_col, rule)
        upper = low
    for r, plan in enumerate(c.plans_of(LAYOUT.name), start=MATRIX_TOP + 1):
        for col, hallmark in enumerate(HALLMARK.values, start=first):
            value = table.columns[col].get(plan)
            if value is not None and statutory_gap_in(plan, hallmark):
                sheet.write_number(r, col, value, w.fmt["gap"])


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
    """The table under its title, each row as tall as its long texts need."""
    w.title(sheet, "Further actions: the self-assessments' gaps and what will be done")
    said = (
        "Every further action of every partnership, and every Gap still without one, with "
        "its owner and target date."
    )
    sheet.write_string(1, 0, said, w.fmt["subtitle"])
    w.table(sheet, table, 3)


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
    screen_only=("section",),  # (the Hallmark says where a requirement belongs)
    on_paper=("ref", "requirement", "further_action", "owner", "target_date"),
    sheets=(
        DerivedSheet(MATRIX, "per partnership: each Hallmark's share of requirements in place, "
                     f"coloured by band, {GAP_SIGN} where a Statutory one is a Gap; statutory "
                     "gaps, action points and the review's summary", matrix, write=write_matrix),
        DerivedSheet(FURTHER_ACTIONS, "every further action of the self-assessments, and every "
                     "Gap without one, with its owner and target date", further_actions,
                     write=write_wrapped),
    ),
    charts=(
        ChartSpec("Hallmarks self-assessments: requirements by assessment, every partnership's "
                  "together",
                  "requirements by assessment per Hallmark", by_hallmark, "bar", "stacked",
                  COLOURS_HERE),
    ),
    figures=(
        ("Hallmark share in place", MATRIX,
         "Of the Hallmark's requirements in the partnership's return, the share assessed In "
         "place: " + ", ".join(f"{colour.lower()} {said}" for _, colour, said in BANDS) +
         "; " + GAP_SIGN + " when one "
         "of its Statutory requirements is a Gap. The columns are headed by a few words of each "
         "Hallmark's name: " + "; ".join(f"{v}: {k}" for k, v in SHORT.items()) + "."),
        ("All: in place or working towards", MATRIX,
         "Of all the requirements in the return, the share assessed In place or Working "
         "towards (what a review counts as adopted)."),
        ("Summary", MATRIX,
         "The review as partnerships sum up their own (\"115 items, 90 in place or working "
         "towards (78%), 25 action points\"): requirements in the return (items), how many are "
         "In place or Working towards, with their share, and how many have a further action "
         "(action points)."),
    ),
)  # fmt: skip
