"""Native Excel charts for the managers' workbook (xlsxwriter charts, not pictures).

Each chart is one row of ``CHARTS``: the table of counts it plots (from ``tables``), its kind,
its title and the colour of each series. The counts are written on a hidden ``Chart Data``
sheet and the charts on the ``Charts`` sheet, so they stay live Excel charts that print.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..layouts import LAYOUTS
from ..layouts.measures import MEASURE
from ..layouts.progress import NO_STATUS, NOT_UPDATED, OVERDUE
from ..plans import Consolidation
from .tables import INT, TEXT, Col, Table

DATA_SHEET = "Chart Data"
MOST_CATEGORIES = 60  # a bar chart of more organisations than this cannot be read


@dataclass(frozen=True)
class ChartSpec:
    """What one chart shows and how."""

    title: str
    data: Callable[[Consolidation], Table]
    kind: str  # xlsxwriter chart type
    subtype: str | None
    colours: dict[str, str]
    layout: str | None = None  # whose rows it stacks by their progress bucket


STATUS_COLOURS = {
    "Planned": "#A6A6A6", "Ongoing": "#4472C4", "Complete": "#70AD47",
    "Cancelled": "#D9D9D9", "Completed": "#70AD47", "In progress": "#4472C4",
    "Delayed": "#C00000", "Not yet due": "#A6A6A6", "No longer relevant": "#D9D9D9",
    NOT_UPDATED: "#FFC000", OVERDUE: "#C00000", NO_STATUS: "#7F7F7F", "Red": "#C00000",
    "Amber": "#FFC000", "Green": "#70AD47", "Live impact": "#4472C4",
    "Delivered impact": "#70AD47", "Short by": "#C00000",
}  # fmt: skip


# --- the data each chart plots -----------------------------------------------------------------


def _progress(c: Consolidation, layout: str, title: str) -> Table:
    """How many rows of each organisation with a return are in each progress bucket (the row
    measure ``progress``); buckets no row is in are left out."""
    plans = [p for p in c.plans if p.layout.name == layout and p.has_rows]
    tallies = [(p, Counter(r["progress"] for r in p.items)) for p in plans]
    buckets = [b for b in LAYOUTS[layout].progress.buckets if any(t[b] for _, t in tallies)]
    columns = [Col(title, 30, TEXT, lambda t: t[0].organisation)] + [
        Col(b, 10, INT, lambda t, b=b: t[1][b]) for b in buckets
    ]
    return Table.of(f"{layout} progress", columns, tallies)


def action_progress(c: Consolidation) -> Table:
    """Actions by progress per partnership: Complete (with Evaluation), Overdue, else their
    status."""
    return _progress(c, "p44", "Partnership")


def task_progress(c: Consolidation) -> Table:
    """Tasks by status this quarter per business unit: finished ones by their closing status,
    open ones with no status this quarter as Not updated."""
    return _progress(c, "three_year", "Business unit")


def confidence_mix(c: Consolidation) -> Table:
    """How many partnerships stated each confidence (for the RAG chart)."""
    stated = [p.position for p in c.plans if p.layout.name == "p44" and p.has_return]
    columns = [Col("Confidence", 12, TEXT, lambda rag: rag),
               Col("Partnerships", 12, INT, lambda rag: stated.count(rag))]  # fmt: skip
    return Table.of("Confidence mix", columns, ["Red", "Amber", "Green"])


def impact_against_need(c: Consolidation) -> Table:
    """Delivered and live impact, and how far short of the reduction needed they fall, stacked:
    each bar reaches the reduction needed, or beyond it (the Overview's figures)."""
    plans = [p for p in c.plans if p.layout.name == "p44" and p.has_rows
             and p.figure("reduction_needed")]  # fmt: skip
    names = ("delivered_impact", "live_impact", "impact_shortfall")
    columns = [Col("Partnership", 30, TEXT, lambda p: p.organisation)] + [
        Col(MEASURE[n].title, 14, INT, lambda p, n=n: p.figure(n)) for n in names
    ]
    return Table.of("Impact against need", columns, plans)


CHARTS = (
    ChartSpec("Confidence: how many partnerships say Red, Amber or Green",
              confidence_mix, "doughnut", None, STATUS_COLOURS),
    ChartSpec("Actions by progress, per partnership (Complete includes Evaluation)",
              action_progress, "bar", "stacked", STATUS_COLOURS, "p44"),
    ChartSpec("Estimated impact, delivered and live, and how far short of the reduction needed "
              "(red)", impact_against_need, "bar", "stacked", STATUS_COLOURS),
    ChartSpec("Three-year tasks by status this quarter, per business unit",
              task_progress, "bar", "stacked", STATUS_COLOURS, "three_year"),
)  # fmt: skip


def add_charts(book: Any, charts_sheet: Any, data_sheet: Any, c: Consolidation, fmt: Any) -> int:
    """Write each chart's counts on the data sheet and the chart on the charts sheet; returns
    how many charts had something to show."""
    data_row, chart_row, shown = 0, 2, 0
    for spec in CHARTS:
        table = spec.data(c)
        rows = table.rows[:MOST_CATEGORIES]
        if not rows or not any(any(v for v in row[1:]) for row in rows):
            continue
        for col, column in enumerate(table.columns):
            data_sheet.write_string(data_row, col, column.title)
        for r, row in enumerate(rows, start=data_row + 1):
            data_sheet.write_string(r, 0, str(row[0]))
            for col, value in enumerate(row[1:], start=1):
                data_sheet.write_number(r, col, value or 0)
        chart = book.add_chart({"type": spec.kind, **({"subtype": spec.subtype}
                                                      if spec.subtype else {})})  # fmt: skip
        first, last = data_row + 1, data_row + len(rows)
        categories = [DATA_SHEET, first, 0, last, 0]
        if spec.kind == "doughnut":
            chart.add_series({
                "name": table.columns[1].title, "categories": categories,
                "values": [DATA_SHEET, first, 1, last, 1],
                "points": [{"fill": {"color": spec.colours[str(row[0])]}} for row in rows],
                "data_labels": {"value": True, "category": True},
            })  # fmt: skip
        else:
            for col, column in enumerate(table.columns[1:], start=1):
                chart.add_series({
                    "name": [DATA_SHEET, data_row, col], "categories": categories,
                    "values": [DATA_SHEET, first, col, last, col],
                    "fill": {"color": spec.colours.get(column.title, "#808080")},
                    "gap": 40,
                })  # fmt: skip
            chart.set_y_axis({"reverse": True})  # first organisation at the top
            chart.set_legend({"position": "top"})
        title = spec.title + (f" (first {MOST_CATEGORIES} of {len(table.rows)})"
                              if len(table.rows) > MOST_CATEGORIES else "")  # fmt: skip
        chart.set_title({"name": title, "name_font": {"size": 12}})
        height = 320 if spec.kind == "doughnut" else max(320, 18 * len(rows) + 120)
        chart.set_size({"width": 760, "height": height})
        charts_sheet.insert_chart(chart_row, 0, chart)
        chart_row += height // 20 + 3
        data_row = last + 3
        shown += 1
    if not shown:
        charts_sheet.write_string(2, 0, "No returns with actions or tasks yet: nothing to chart.",
                                  fmt)  # fmt: skip
    return shown
