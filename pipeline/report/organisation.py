"""One sheet per organisation, laid out top to bottom so that it prints as pages of one column
of content: its title and what the sheet holds, where its return came from, each header field
beside its label, its figures, its flags, then its rows as returned.

Everything shares the rows table's columns (its printed ones, which fit a page wide): a label
spans the first of them, its value the rest, merged and wrapped, so nothing sits beside
anything else that a page could cut off. A sheet with no rows has three columns of its own.
The sheet is written row by row, top to bottom (it may be streamed).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ..round.plans import Consolidation, Plan
from ..values import LINE_HEIGHT, uk, wrapped_lines
from . import tables
from .sheetwriter import SheetWriter
from .tables import source

LABEL_WIDTH = 22  # the labels take the first columns that are together at least this wide
NO_ROWS = (10, 24, 80)  # the columns of a sheet with no rows: severity, labels and rules, values
SEVERITY_WIDTH = 9  # the first column holds a flag's severity: "Severity", "Amber"
TALLEST = 409  # points: the tallest a row may be (Excel's limit)
BOLD = 1.1  # bold text is about this much wider
HALVED_FROM = 6  # printed columns, at least, for two labels and their values side by side
HALF_LABEL_WIDTH = 30  # the right half's labels: most header labels on a line


def write_organisation(w: SheetWriter, c: Consolidation, plan: Plan, sheet: Any,
                       name: str) -> None:  # fmt: skip
    """Write ``plan``'s sheet on ``sheet``; ``name``: its rows table's name."""
    last = plan.last_plan(c.as_of)
    rows = tables.plan_rows(last or plan) if plan.rows is not None or last is not None else None
    if rows is not None:
        rows = w.fitted(sheet, rows, at_least={0: SEVERITY_WIDTH})
        widths = [w.widths[id(sheet)][col] for col in range(rows.printed)]
    else:
        widths = list(NO_ROWS)
        for col, width in enumerate(widths):
            w.width(sheet, col, width)
    page = _Page(w, sheet, widths)
    noun = f"{plan.layout.hooks.rows().noun}s"
    w.title(sheet, plan.organisation)
    said = (f"{plan.layout.title}, as of {uk(c.as_of)}: what its return says at the top of its "
            f"plan, its figures and flags, then its {noun} as returned.")  # fmt: skip
    page.line(1, said, "subtitle")
    sheet.write_url(2, 0, "internal:'Overview'!A1", w.fmt["link"], string="Back to Overview")
    row = 3
    if plan.has_return:
        row = page.line(row, f"From {source(plan)}", "subtitle")
        row = page.pairs(row, [(f.title, plan.value(f.name)) for f in plan.layout.header])
    else:
        row = page.line(row, "No return received this round.", "bold")
        if plan.contact:
            row = page.line(row, f"Contact: {plan.contact}", "plain")
    figures = tables.plan_figures(plan)
    if figures:
        row = page.line(row + 1, "Figures", "bold")
        row = page.pairs(row, figures)
    flags = plan.flags
    row = page.line(row + 1, f"Flags ({len(flags)})" if flags else "No flags", "bold")
    if flags:
        row = page.flag_heading(row)
        for flag in flags:
            row = page.flag(row, flag)
    if rows is None:
        return
    said = rows.sheet
    if last is not None:
        said = (f"{rows.sheet} as its last return gave them, not this round's ({source(last)}, "
                f"updated {uk(last.updated) if last.updated else '?'})")  # fmt: skip
    row = page.line(row + 1, said, "bold")
    w.table(sheet, rows, row, name=name, freeze=False, widths=False)
    sheet.repeat_rows(row)


def _labels(widths: list[float], first: int, last: int, least: int,
            enough: float = LABEL_WIDTH) -> int:  # fmt: skip
    """How many columns from ``first`` a label takes: together ``enough`` wide, at least
    ``least`` of them, leaving one for its value before ``last``."""
    labels, wide = 0, 0.0
    while first + labels < last and (wide < enough or labels < least):
        wide += widths[first + labels]
        labels += 1
    return max(labels, 1)


class _Page:
    """Writes the lines above the rows table across the printed columns ``widths``: a label
    over the first columns (``labels`` of them), its value over the rest; or, where the page
    is wide enough, two such pairs side by side (``halves``), each over half the page."""

    def __init__(self, w: SheetWriter, sheet: Any, widths: list[float]) -> None:
        self.w, self.sheet, self.widths = w, sheet, widths
        self.span = len(widths)
        self.labels = _labels(widths, 0, self.span - 1, 2)
        self.label_width = sum(widths[: self.labels])
        self.value_width = sum(widths[self.labels :]) or self.label_width
        # the halves: (first column, first value column, last column) of each
        middle = next(k for k in range(1, self.span + 1) if sum(widths[:k]) >= sum(widths) / 2)
        right = middle + _labels(widths, middle, self.span - 1, 1, HALF_LABEL_WIDTH)
        self.halves = None
        if self.labels < middle and right < self.span and self.span >= HALVED_FROM:
            self.halves = ((0, self.labels, middle - 1), (middle, right, self.span - 1))

    def _across(self, row: int, first: int, last: int, value: Any, fmt: Any) -> None:
        """``value`` in row ``row`` over columns ``first`` to ``last``, merged."""
        if last > first:
            self.sheet.merge_range(row, first, row, last, "", fmt)
        if isinstance(value, date):
            self.sheet.write_datetime(row, first, _day(value), fmt)
        elif isinstance(value, bool):
            self.sheet.write_string(row, first, "Yes" if value else "No", fmt)
        elif isinstance(value, int | float):
            self.sheet.write_number(row, first, value, fmt)
        elif value is not None:
            self.sheet.write_string(row, first, str(value), fmt)

    def _tall(self, row: int, lines: int) -> None:
        if lines > 1:
            self.sheet.set_row(row, min(LINE_HEIGHT * lines + 2, TALLEST))

    def line(self, row: int, text: str, style: str) -> int:
        """``text`` across the page, wrapped; returns the next row."""
        self._across(row, 0, self.span - 1, text, self.w.fmt[f"{style} wrapped"])
        bold = BOLD if style in ("bold", "subtitle") else 1
        self._tall(row, wrapped_lines(text, sum(self.widths) / bold))
        return row + 1

    def pair(self, row: int, label: str, value: Any) -> int:
        """A label and its value across the page; returns the next row."""
        self._tall(row, self._pair(row, label, value, (0, self.labels, self.span - 1)))
        return row + 1

    def pairs(self, row: int, pairs: list[tuple[str, Any]]) -> int:
        """Labels and their values in order, two to a line where the page has ``halves`` and
        both values fit half of it on one line (a longer one has a line of its own); returns
        the next row."""
        waiting: list[tuple[str, Any]] = []
        for label, value in pairs:
            if self.halves is None or not self._short(value):
                if waiting:
                    row = self._side_by_side(row, waiting)
                    waiting = []
                row = self.pair(row, label, value)
                continue
            waiting.append((label, value))
            if len(waiting) == 2:
                row = self._side_by_side(row, waiting)
                waiting = []
        return self._side_by_side(row, waiting) if waiting else row

    def _short(self, value: Any) -> bool:
        """Whether ``value`` fits on one line of either half's value columns."""
        assert self.halves is not None
        narrowest = min(sum(self.widths[v : last + 1]) for _, v, last in self.halves)
        return wrapped_lines(_text(value), narrowest) == 1

    def _side_by_side(self, row: int, pairs: list[tuple[str, Any]]) -> int:
        """One or two pairs on a line, each in its half; returns the next row."""
        assert self.halves is not None
        lines = [self._pair(row, label, value, half)
                 for (label, value), half in zip(pairs, self.halves)]  # fmt: skip
        self._tall(row, max(lines))
        return row + 1

    def _pair(self, row: int, label: str, value: Any, place: tuple[int, int, int]) -> int:
        """A label over columns ``place[0]`` up to ``place[1]``, its value from there to
        ``place[2]``; returns how many lines the taller takes."""
        first, values, last = place
        fmt = self.w.fmt
        self._across(row, first, values - 1, label, fmt["label"])
        if isinstance(value, date):
            value_fmt = fmt["date left"]
        elif isinstance(value, int | float) and not isinstance(value, bool):
            value_fmt = fmt["figure"]
        else:
            value_fmt = fmt["wrap"]
        if isinstance(value, str) and not value.strip():
            value = None
        self._across(row, values, last, value, value_fmt)
        return max(wrapped_lines(label, sum(self.widths[first:values]) / BOLD),
                   wrapped_lines(_text(value), sum(self.widths[values : last + 1])))  # fmt: skip

    @property
    def _rule_columns(self) -> tuple[int, int] | None:
        """The columns a flag's rule takes (None: too few columns, it goes with the message)."""
        return (1, self.labels - 1) if self.labels >= 2 else None

    def flag_heading(self, row: int) -> int:
        """The headings over the flags: severity, rule, where and what."""
        heading = self.w.fmt["heading"]
        self._across(row, 0, 0, "Severity", heading)
        if self._rule_columns:
            self._across(row, *self._rule_columns, "Rule", heading)
        self._across(row, max(self.labels, 1), self.span - 1, "Where, and what is wrong", heading)
        return row + 1

    def flag(self, row: int, flag: Any) -> int:
        """One flag: its severity in its colour, its rule, its cell and message."""
        fmt = self.w.fmt
        self._across(row, 0, 0, flag.severity.word, fmt[flag.severity.value])
        said = f"{flag.cell}: {flag.message}" if flag.cell else flag.message
        lines = 1
        if self._rule_columns:
            self._across(row, *self._rule_columns, flag.rule_title, fmt["wrap"])
            lines = wrapped_lines(flag.rule_title, sum(self.widths[1 : self.labels]))
        else:
            said = f"{flag.rule_title}. {said}"
        self._across(row, max(self.labels, 1), self.span - 1, said, fmt["wrap"])
        self._tall(row, max(lines, wrapped_lines(said, self.value_width)))
        return row + 1


def _text(value: Any) -> str:
    """A value as its cell shows it, for counting its lines (a date as dd/mm/yyyy)."""
    return "00/00/0000" if isinstance(value, date) else str(value if value is not None else "")


def _day(value: date) -> datetime:
    return value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
