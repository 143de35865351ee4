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
        for f in plan.layout.header:
            row = page.pair(row, f.title, plan.value(f.name))
    else:
        row = page.line(row, "No return received this round.", "bold")
        if plan.contact:
            row = page.line(row, f"Contact: {plan.contact}", "plain")
    figures = tables.plan_figures(plan)
    if figures:
        row = page.line(row + 1, "Figures", "bold")
        for title, value in figures:
            row = page.pair(row, title, value)
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


class _Page:
    """Writes the lines above the rows table across the printed columns ``widths``: a label
    over the first columns (``labels`` of them), its value over the rest."""

    def __init__(self, w: SheetWriter, sheet: Any, widths: list[float]) -> None:
        self.w, self.sheet, self.widths = w, sheet, widths
        self.span = len(widths)
        labels, wide = 0, 0.0
        while labels < self.span - 1 and (wide < LABEL_WIDTH or labels < 2):
            wide += widths[labels]
            labels += 1
        self.labels = max(labels, 1)
        self.label_width = sum(widths[: self.labels])
        self.value_width = sum(widths[self.labels :]) or self.label_width

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
        """A label and its value; returns the next row."""
        fmt = self.w.fmt
        self._across(row, 0, self.labels - 1, label, fmt["label"])
        if isinstance(value, date):
            value_fmt = fmt["date left"]
        elif isinstance(value, int | float) and not isinstance(value, bool):
            value_fmt = fmt["figure"]
        else:
            value_fmt = fmt["wrap"]
        if isinstance(value, str) and not value.strip():
            value = None
        self._across(row, self.labels, self.span - 1, value, value_fmt)
        lines = max(wrapped_lines(label, self.label_width / BOLD),
                    wrapped_lines(str(value or ""), self.value_width))  # fmt: skip
        self._tall(row, lines)
        return row + 1

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


def _day(value: date) -> datetime:
    return value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
