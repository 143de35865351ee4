"""The Calendar of Events and its week-by-week grid, as tables.

What counts as an event, and as a clash, is ``EVENTS_MEAN``: the grid counts events week by
week, and long-running or open-ended work apart (it is not an event in every week it runs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

from ...declare.rows import picked
from ...report.sheetwriter import SheetWriter
from ...report.tables import DATE, INT, LONG, TEXT, Col, Table, field_col, source
from ...returns import ROW
from ...round.plans import Consolidation, Plan
from ...values import uk
from . import LAYOUT

EVENT_DAYS = 14  # an event lasts two weeks at most (a Week of Action, seven days)
WEEK_OF_ACTION = "Week of Action"
# the grid shows some half a year of weeks around the as-of (as many as a page holds)
GRID_WEEKS_BEFORE, GRID_WEEKS = 4, 24
EVENT, LONG_RUNNING, CANCELLED = "Event", "Long-running", "Cancelled"
EVENTS_MEAN = (
    f"An event is a dated {WEEK_OF_ACTION} or a row marked as a calendar event, on from its "
    f"start date to its end date (a {WEEK_OF_ACTION} with no end date, for seven days). A row "
    f"lasting more than {EVENT_DAYS} days, or with no end date, is long-running work: counted "
    f"apart, not as an event in every week it runs. Cancelled rows are listed but not counted. "
    f"A clash is two or more events in one week for one partnership."
)
NO_RETURN = "No return"
CALENDAR, GRID = "Calendar of Events", "Calendar Grid"


class Dated(NamedTuple):
    """One calendar row of a plan: its first and last day (None: open-ended) and its kind
    (Event, Long-running or Cancelled). A (plan, row) item, as the tables of rows have
    theirs, so the calendar reads its fields as they do (``Col.field``)."""

    plan: Plan
    row: dict[str, Any]
    start: date
    end: date | None
    kind: str


# what tells a calendar row, its days and its kind: read by their places in each row
_READ = ("category", "calendar_event", "start_date", "end_date", "closed")


def dated_rows(plan: Plan) -> list[Dated]:
    """The plan's calendar rows that have a start date: each a dated Week of Action or a row
    marked as a calendar event (worked out once for its rows: the calendar and its grid both
    ask)."""
    return plan.worked_out(("dated",), lambda: _dated(plan))


def _dated(plan: Plan) -> list[Dated]:
    found = []
    for row, (category, event, start, end, closed) in zip(plan.items, picked(plan.items, _READ)):
        if (category != WEEK_OF_ACTION and event != "Yes") or not isinstance(start, date):
            continue
        if not isinstance(end, date) or end < start:
            end = start + timedelta(days=6) if category == WEEK_OF_ACTION else None
        if closed:
            kind = CANCELLED
        elif end is None or (end - start).days + 1 > EVENT_DAYS:
            kind = LONG_RUNNING
        else:
            kind = EVENT
        found.append(Dated(plan, row, start, end, kind))
    return found


def _plans(c: Consolidation) -> list[Plan]:
    return c.plans_of(LAYOUT.name)


ON_NOW, COMING, PAST = "On now", "Coming", "Past"


def when(d: Dated, as_of: date) -> str:
    """Whether a calendar row is on at ``as_of``, still to come, or over."""
    if d.start > as_of:
        return COMING
    return PAST if d.end is not None and d.end < as_of else ON_NOW


def calendar(c: Consolidation) -> Table:
    """Every dated event and long-running calendar row: what is on now and coming first, by
    start date, then what is over, the most recent first."""

    def order(d: Dated) -> tuple[bool, int, str, str]:
        past = when(d, c.as_of) == PAST
        day = d.start.toordinal()
        return past, -day if past else day, d.plan.organisation.lower(), str(d.row.get("ref"))

    rows = sorted((d for plan in _plans(c) for d in dated_rows(plan)), key=order)
    columns = [
        Col("When", 9, TEXT, lambda d: when(d, c.as_of)),
        Col("Date", 12, DATE, lambda d: d.start),
        Col("End date", 12, DATE, field="end_date"),
        Col("Kind", 13, TEXT, lambda d: d.kind),
        Col("Organisation", 30, TEXT, lambda d: d.plan.organisation),
        field_col(LAYOUT.field("ref")),
        Col("Action", 50, LONG, field="action"),
        field_col(LAYOUT.field("category")),
        field_col(LAYOUT.field("status")),
        Col("Source", 40, TEXT, lambda d: source(d.plan, d.row[ROW])),
    ]
    return Table.of(CALENDAR, columns, rows)


def calendar_weeks(as_of: date) -> list[date]:
    """The Mondays the grid shows: four weeks back, then the next twenty."""
    monday = as_of - timedelta(days=as_of.weekday())
    first = monday - timedelta(weeks=GRID_WEEKS_BEFORE)
    return [first + timedelta(weeks=n) for n in range(GRID_WEEKS)]


@dataclass(frozen=True)
class GridRow:
    """One partnership's line of the grid."""

    plan: Plan
    events: list[int]  # events on in each week of the grid
    long_running: int  # long-running calendar rows running at some point of the grid


def grid_rows(c: Consolidation) -> list[GridRow]:
    """A line for every partnership (on the register or returned), by name."""
    weeks = calendar_weeks(c.as_of)
    first, last = weeks[0], weeks[-1] + timedelta(days=6)
    lines = []
    for plan in sorted(_plans(c), key=lambda p: p.organisation.lower()):
        dated = dated_rows(plan)
        events = [(d.start, d.end) for d in dated if d.kind == EVENT]
        long_running = sum(d.kind == LONG_RUNNING and d.start <= last
                           and (d.end is None or d.end >= first) for d in dated)  # fmt: skip
        lines.append(GridRow(plan, events_per_week(events, first, len(weeks)), long_running))
    return lines


def events_per_week(spans: list[tuple[date, date]], first: date, weeks: int) -> list[int]:
    """For each of ``weeks`` weeks from Monday ``first``, how many (start, end) spans meet it."""
    counts = [0] * weeks
    for start, end in spans:
        # week n runs from first + 7n to first + 7n + 6: a span meets weeks from the one its
        # start falls in to the one its end falls in
        for n in range(max(0, (start - first).days // 7), min(weeks, (end - first).days // 7 + 1)):
            counts[n] += 1
    return counts


def calendar_grid(c: Consolidation) -> Table:
    """Partnerships down, weeks across: how many events each has on in each week, so clashes
    (two or more) and gaps (none) show at a glance; long-running work counted apart."""
    weeks = calendar_weeks(c.as_of)
    columns = [*GRID_LEADING] + [
        Col(f"{monday:%d %b}", 4, INT, lambda g, n=n: g.events[n] or None)
        for n, monday in enumerate(weeks)
    ]
    return Table.of(GRID, columns, grid_rows(c))


GRID_LEADING = (  # the grid's columns before its weeks
    Col("Partnership", 30, TEXT, lambda g: g.plan.organisation),
    Col("Return", 10, TEXT, lambda g: None if g.plan.has_return else NO_RETURN),
    Col("Long-running", 9, INT, lambda g: g.long_running or None),
)
GRID_FIRST_WEEK = len(GRID_LEADING)  # the column of the grid's first week


def grid_note(c: Consolidation) -> str:
    """The sentence above the grid saying how to read it."""
    monday = calendar_weeks(c.as_of)[GRID_WEEKS_BEFORE]
    return (
        f"Events each partnership has on in each week (week commencing). Two or more is a clash "
        f"(red); a blank stretch is a gap. Long-running counts calendar rows lasting more than "
        f"{EVENT_DAYS} days or open-ended, shown apart. The as-of week (w/c {uk(monday)}) is "
        f"outlined."
    )


def write_grid(w: SheetWriter, sheet: Any, table: Table, c: Consolidation) -> None:
    """The grid with its note above, the as-of week outlined, and colours that show clashes,
    busy weeks and partnerships with no return."""
    table = w.fitted(sheet, table, filters=False)  # (narrow weeks: no filter buttons)
    w.title(sheet, "Calendar Grid: Priority 44 events by week")
    w.lead(sheet, 1, grid_note(c), table.printed)
    top, first = 3, GRID_FIRST_WEEK
    now = first + GRID_WEEKS_BEFORE
    sheet.write_string(top - 1, now, "As of ▼", w.fmt["bold"])
    w.table(sheet, table, top, freeze=False, widths=False, filters=False)
    sheet.freeze_panes(top + 1, first)
    sheet.repeat_rows(top)
    last = top + max(len(table), 1)
    weeks = (top + 1, first, last, len(table.columns) - 1)
    formats = {
        "clash": {"bg_color": "#C00000", "font_color": "#FFFFFF", "bold": True},
        "busy": {"bg_color": "#9BC2E6"},
        "no return": {"font_color": "#808080", "italic": True, "bg_color": "#F2F2F2"},
        "now": {"left": 2, "right": 2, "left_color": "#000000", "right_color": "#000000"},
    }
    fmt = {k: w.book.add_format(v) for k, v in formats.items()}
    sheet.conditional_format(*weeks, {"type": "cell", "criteria": ">=", "value": 2,
                                      "format": fmt["clash"]})  # fmt: skip
    sheet.conditional_format(*weeks, {"type": "cell", "criteria": "==", "value": 1,
                                      "format": fmt["busy"]})  # fmt: skip
    sheet.conditional_format(top + 1, 0, last, first - 1, {
        "type": "formula", "criteria": f'=$B{top + 2}="{NO_RETURN}"',
        "format": fmt["no return"]})  # fmt: skip
    sheet.conditional_format(top, now, last, now, {"type": "formula", "criteria": "=TRUE",
                                                   "format": fmt["now"]})  # fmt: skip
