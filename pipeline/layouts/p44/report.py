"""What the Priority 44 plan adds to the reports: the Calendar of Events
and its week-by-week grid, and its charts (confidence mix, actions by progress, impact
against need)."""

from __future__ import annotations

from ...declare.reporting import DerivedSheet, LayoutReport
from ...report.charts import COLOURS, ChartSpec, progress_chart
from ...report.tables import INT, TEXT, Col, Table
from ...round.plans import Consolidation
from . import LAYOUT, RAG
from .calendar import CALENDAR, EVENTS_MEAN, GRID, calendar, calendar_grid, write_grid

COLOURS_HERE = {**COLOURS, "Planned": "#A6A6A6", "Ongoing": "#4472C4", "Cancelled": "#D9D9D9",
                "Live impact": "#4472C4", "Delivered impact": "#70AD47",
                "Short by": "#C00000"}  # fmt: skip


def confidence_mix(c: Consolidation) -> Table:
    """How many partnerships stated each confidence (for the RAG chart)."""
    stated = [p.position for p in c.plans_of(LAYOUT.name) if p.has_return]
    columns = [Col("Confidence", 12, TEXT, lambda rag: rag),
               Col("Partnerships", 12, INT, lambda rag: stated.count(rag))]  # fmt: skip
    return Table.of("Confidence mix", columns, list(RAG.values))


def impact_against_need(c: Consolidation) -> Table:
    """Delivered and live impact, and how far short of the reduction needed they fall, stacked:
    each bar reaches the reduction needed, or beyond it (the Overview's figures)."""
    plans = [p for p in c.plans_of(LAYOUT.name) if p.has_rows and p.figure("reduction_needed")]
    measures = [LAYOUT.measure(n) for n in ("delivered_impact", "live_impact", "impact_shortfall")]
    columns = [Col("Partnership", 30, TEXT, lambda p: p.organisation)] + [
        Col(m.heading([LAYOUT]), 14, INT, lambda p, n=m.name: p.figure(n)) for m in measures if m
    ]
    return Table.of("Impact against need", columns, plans)


REPORT = LayoutReport(
    on_paper=("ref", "action", "lead_officer", "end_date"),
    screen_only=("impact_basis", "calendar_event"),  # (the Calendar of Events prints events)
    sheets=(
        DerivedSheet(CALENDAR, "every Week of Action and calendar event: on now and coming "
                     "first, then past", calendar, first=True,
                     title="Calendar of Events: every Priority 44 partnership"),
        DerivedSheet(GRID, "partnerships down, weeks across: clashes and gaps at a glance",
                     calendar_grid, first=True, write=write_grid),
    ),
    charts=(
        ChartSpec("Priority 44 partnerships only: how many state Red, Amber or Green confidence",
                  "confidence mix (Priority 44)",
                  confidence_mix, "doughnut", None, COLOURS_HERE),
        ChartSpec("Priority 44 actions by progress, per partnership (Complete includes "
                  "Evaluation)",
                  "actions by progress", progress_chart(LAYOUT, "Partnership"), "bar",
                  "stacked", COLOURS_HERE, stacks_progress=True),
        ChartSpec("Priority 44 estimated impact in crimes, delivered and live, and how far short "
                  "of the reduction needed (red)", "impact against need", impact_against_need,
                  "bar", "stacked", COLOURS_HERE),
    ),
    figures=(("Event, clash", "Calendar", EVENTS_MEAN),),
)  # fmt: skip
