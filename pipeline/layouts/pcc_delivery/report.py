"""What the delivery plan adds to the reports: the Delivery Plan sheet
(every action grouped by theme, RAG coloured, its direction of travel worked out beside the
one stated), the Board summary (per theme: actions by RAG; improved, worsened, no change,
new) and a chart of RAG by theme."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ...declare.reporting import DerivedSheet, LayoutReport
from ...report.charts import COLOURS, ChartSpec
from ...report.tables import INT, RAG, SOURCE, TEXT, Col, Table, field_col, rows_of
from ...round.plans import Consolidation
from . import LAYOUT, RAG_STATUS, THEME
from .measures import ARROWS, IMPROVING, NEW, NO_CHANGE, WORSENING, computed

DELIVERY_PLAN, BOARD_SUMMARY = "Delivery Plan", "Board Summary"
WORKED_OUT = "Direction (from last quarter's RAG)"
COLOURS_HERE = {**COLOURS, "Complete": "#5B9BD5"}


def _field(name: str, get: Any = None) -> Col:
    return field_col(LAYOUT.field(name), get)


def _arrow(row: dict[str, Any]) -> str | None:
    way = computed(row)
    return f"{ARROWS[way]} {way}" if way else None


def delivery_plan(c: Consolidation) -> Table:
    """Every action of every delivery plan, theme by theme (in the Plan's order), then by
    organisation and Ref: its RAG status, last quarter's, the direction worked out from the
    two and the one the lead states."""
    order = {theme: n for n, theme in enumerate(THEME.values)}
    items = sorted(rows_of(c, LAYOUT), key=lambda i: (
        order.get(i[1].get("theme"), len(order)), i[0].organisation.lower(),
        str(i[1].get("ref") or "")))  # fmt: skip
    columns = [
        _field("theme"),
        Col("Organisation", 24, TEXT, lambda i: i[0].organisation),
        *map(_field, ("ref", "objective", "action", "lead_organisation", "lead_officer",
                      "target_date")),
        Col("RAG status", 10, RAG, lambda i: i[1]["status_now"]),
        Col("Last quarter", 10, RAG, field="status_last_round"),
        Col(WORKED_OUT, 14, TEXT, lambda i: _arrow(i[1])),
        Col("Direction (as its lead states it)", 14, TEXT, field="direction",
            on_paper=False),
        _field("commentary"),
        SOURCE,
    ]  # fmt: skip
    return Table.of(DELIVERY_PLAN, columns, items)


NO_THEME, NO_STATUS = "Theme not given or not readable", "No status"
NOT_KNOWN = "Not known"  # no return last quarter to compare with, or no readable status


def board_summary(c: Consolidation) -> Table:
    """Per theme: how many actions, how many of each RAG status, and how many improved,
    worsened, stayed the same or are new since last quarter (for the Board's quarterly
    report). Actions with no readable theme have a line of their own, and actions with no
    readable status, or none to compare with last quarter, a column, where there are any, so
    that every action is counted once in each part."""
    tallies = {theme: Counter() for theme in THEME.values}
    for _, row in rows_of(c, LAYOUT):
        theme = row.get("theme") if row.get("theme") in THEME.values else NO_THEME
        tally = tallies.setdefault(theme, Counter())
        tally["Actions"] += 1
        tally[row["status_now"] if row["status_now"] in RAG_STATUS.values else NO_STATUS] += 1
        tally[computed(row) or NOT_KNOWN] += 1
    used = {name for tally in tallies.values() for name, n in tally.items() if n}
    counted = [*RAG_STATUS.values, NO_STATUS, IMPROVING, WORSENING, NO_CHANGE, NEW, NOT_KNOWN]
    shown = [n for n in counted if n not in (NO_STATUS, NOT_KNOWN) or n in used]
    columns = [Col("Theme", 16, TEXT, lambda t: t[0]),
               Col("Actions", 9, INT, lambda t: t[1]["Actions"])]  # fmt: skip
    columns += [Col(name, 10, INT, lambda t, name=name: t[1][name]) for name in shown]
    total = sum(tallies.values(), Counter())
    return Table.of(BOARD_SUMMARY, columns, [*tallies.items(), (ALL_THEMES, total)])


ALL_THEMES = "All themes"  # the Board summary's last line: every action, added up


def rag_by_theme(c: Consolidation) -> Table:
    """Actions by RAG status per theme (the chart; not the line that adds them up)."""
    summary = board_summary(c)
    keep = [0, *(n for n, col in enumerate(summary.columns) if col.title in RAG_STATUS.values)]
    return Table(summary.sheet, [summary.columns[k] for k in keep],
                 [tuple(row[k] for k in keep) for row in summary.iter_rows()
                  if row[0] != ALL_THEMES])  # fmt: skip


REPORT = LayoutReport(
    on_paper=("ref", "action", "lead_officer", "target_date"),
    # on screen only, so that the rest print a page wide: the shared outcome, and the
    # direction its lead states (beside the one worked out, on the Delivery Plan)
    screen_only=("shared_outcome", "direction"),
    sheets=(
        DerivedSheet(DELIVERY_PLAN, "every delivery-plan action by theme, RAG coloured, with "
                     "its direction of travel worked out from last quarter's RAG beside the one "
                     "its lead states", delivery_plan,
                     title="Police and Crime Plan: every action, theme by theme"),
        DerivedSheet(BOARD_SUMMARY, "per theme: actions by RAG status, then how many improved, "
                     "worsened, stayed the same or are new since last quarter (for the Board's "
                     "quarterly report); the last line adds them up", board_summary,
                     title="Board summary: Police and Crime Plan actions per theme"),
    ),
    charts=(
        ChartSpec("Police and Crime Plan actions by RAG status, per theme", "actions by RAG per "
                  "theme", rag_by_theme, "bar", "stacked", COLOURS_HERE),
    ),
    figures=(
        (WORKED_OUT, "Delivery Plan, Board Summary",
         "An action's RAG status this quarter against last quarter's return of the same Ref: "
         "Improving if it rose (Red, Amber, Green, Complete), Worsening if it fell, No change, "
         "or New when last quarter's return did not have it."),
    ),
)  # fmt: skip
