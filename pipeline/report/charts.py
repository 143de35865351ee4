"""Native Excel charts for the managers' workbook (xlsxwriter charts, not pictures).

Each chart is a ``ChartSpec`` in its layout's ``LayoutReport``: the table of counts it plots,
its kind, its title and the colour of each series. The counts are written on a hidden ``Chart Data``
sheet and the charts on the ``Charts`` sheet, so they stay live Excel charts that print.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..declare import LAYOUTS, Layout
from ..declare.progress import COMPLETE, NO_STATUS, OVERDUE
from ..declare.rows import field_values
from ..round.plans import Consolidation
from .tables import INT, TEXT, Col, Table

DATA_SHEET = "Chart Data"
MOST_CATEGORIES = 60  # a bar chart of more organisations than this cannot be read
WIDTH, TALLEST = 700, 960  # pixels: a chart fits a portrait A4 page, whole
ROW = 20  # pixels a row of the Charts sheet is tall
PAGE = 1000  # pixels of rows a portrait A4 page holds (inside its margins, above its footer)


@dataclass(frozen=True)
class ChartSpec:
    """What one chart shows and how."""

    title: str
    short: str  # what it shows in a few words, for the Guidance
    data: Callable[[Consolidation], Table]
    kind: str  # xlsxwriter chart type
    subtype: str | None
    colours: dict[str, str]
    stacks_progress: bool = False  # it stacks its layout's rows by their progress bucket


COLOURS = {  # the progress buckets and confidences every layout has; a layout adds its own
    COMPLETE: "#70AD47", OVERDUE: "#C00000", NO_STATUS: "#7F7F7F",
    "Red": "#C00000", "Amber": "#FFC000", "Green": "#70AD47",
}  # fmt: skip


def progress_chart(layout: Layout, title: str) -> Callable[[Consolidation], Table]:
    """The table a layout's progress chart plots: how many rows of each organisation with a
    return are in each progress bucket (the row measure ``progress``), a column per bucket
    some row is in; ``title`` heads the organisations' column."""

    def progress(c: Consolidation) -> Table:
        plans = [p for p in c.plans_of(layout.name) if p.has_rows]
        tallies = [(p, Counter(field_values(p.items, "progress"))) for p in plans]
        buckets = [b for b in layout.progress.buckets if any(t[b] for _, t in tallies)]
        columns = [Col(title, 30, TEXT, lambda t: t[0].organisation)] + [
            Col(b, 10, INT, lambda t, b=b: t[1][b]) for b in buckets
        ]
        return Table.of(f"{layout.name} progress", columns, tallies)

    return progress


def every_chart(layouts: list[Layout] | None = None) -> list[tuple[ChartSpec, Layout]]:
    """The charts of ``layouts`` (by default, every registered one), with their layout, in
    the registry's order."""
    chosen = list(LAYOUTS.values()) if layouts is None else layouts
    return [(spec, layout) for layout in chosen for spec in layout.hooks.report().charts]


def add_charts(book: Any, charts_sheet: Any, data_sheet: Any, c: Consolidation, fmt: Any) -> int:
    """Write each chart's counts on the data sheet and the chart on the charts sheet, a page
    break before any chart that would otherwise be cut in two; returns how many charts had
    something to show."""
    data_row, chart_row, shown = 0, 3, 0
    breaks: list[int] = []
    used = chart_row * ROW  # pixels of the printed page taken so far
    for spec, _ in every_chart(c.layouts):
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
        height = 320 if spec.kind == "doughnut" else min(max(320, 18 * len(rows) + 120), TALLEST)
        chart.set_size({"width": WIDTH, "height": height})
        if used and used + height > PAGE:  # a chart that would be cut starts a page
            breaks.append(chart_row - 1)
            used = 0
        charts_sheet.insert_chart(chart_row, 0, chart)
        chart_row += height // ROW + 3
        used += (height // ROW + 3) * ROW
        data_row = last + 3
        shown += 1
    if breaks:
        charts_sheet.set_h_pagebreaks(breaks)
    if not shown:
        charts_sheet.write_string(3, 0, "No returns with actions or tasks yet: nothing to chart.",
                                  fmt)  # fmt: skip
    return shown
