"""The meeting pack: what the fortnightly meeting reads on paper, as one PDF.

First who needs attention, most serious first, under the headline figures; then the
Overview's columns that fit a page; then a page for each organisation (those needing
attention first): its position and trail, its header, its flags, and its rows still to
deliver. Every figure and reason is the consolidated workbook's, got by the same functions
(``tables``, ``attention``). Everything prints at 8 pt or more on A4.

The pack is written as a workbook (``meeting-pack-<as-of>.xlsx``), which LibreOffice prints to
``meeting-pack-<as-of>.pdf``; without LibreOffice, the workbook is the pack and a sentence
says why there is no PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from .. import attention
from ..errors import PipelineError
from ..files import atomic_path
from ..libreoffice import to_pdf
from ..naming import safe_sheet_name, sheet_ref
from ..plans import TRAIL_ROUNDS, Consolidation, Plan
from ..templates import workbook_options
from ..values import LINE_HEIGHT, shown_number, uk, wrapped_lines
from . import tables
from .sheetwriter import DEFAULT_WIDTH, SheetWriter
from .tables import LONG, TEXT, Col, Table, source
from .writer import Writer

# the Overview's columns that go on paper (the rest are on screen)
ON_PAPER = ("Organisation", "Layout", "Received", "Confidence", "Direction",
            f"Last {TRAIL_ROUNDS} rounds", f"Overdue, last {TRAIL_ROUNDS} rounds", "Red flags",
            "Amber flags")  # fmt: skip


@dataclass(frozen=True)
class Pack:
    """What ``write_pack`` made: the pack's workbook, its PDF, or why there is no PDF."""

    workbook: Path
    pdf: Path | None
    no_pdf: str | None = None


def pack_names(folder: Path, as_of: date) -> tuple[Path, Path]:
    """Where a round's pack goes in ``folder``: (its workbook, its PDF)."""
    stem = folder / f"meeting-pack-{as_of.isoformat()}"
    return stem.with_suffix(".xlsx"), stem.with_suffix(".pdf")


def write_pack(c: Consolidation, folder: Path) -> Pack:
    """Write the meeting pack for ``c`` into ``folder``: its workbook, and its PDF when
    LibreOffice can print it (else ``Pack.no_pdf`` says why)."""
    workbook, pdf = pack_names(Path(folder), c.as_of)
    write_pack_workbook(c, workbook)
    try:
        return Pack(workbook, to_pdf(workbook, pdf))
    except PipelineError as err:
        return Pack(workbook, None, str(err))


def write_pack_workbook(c: Consolidation, path: Path) -> Path:
    """The pack as a workbook, every sheet set to print readably; returns ``path``."""
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), workbook_options())
        made = datetime(c.as_of.year, c.as_of.month, c.as_of.day)
        book.set_properties({"title": f"Meeting pack, {uk(c.as_of)}", "created": made})
        _PackWriter(book, c).write()
        book.close()
    return Path(path)


class _PackWriter:
    def __init__(self, book: Any, c: Consolidation) -> None:
        self.book, self.c = book, c
        self.w = SheetWriter(book, c.as_of, Writer())
        self.worried = attention.needs_attention(c)
        first = [a.plan for a in self.worried]
        listed = {id(p) for p in first}
        self.plans = [*first, *(p for p in c.plans if id(p) not in listed)]
        taken = {"needs attention", "overview"}
        self.sheet_of = {id(p): safe_sheet_name(p.organisation, taken) for p in self.plans}
        self.why = {id(a.plan): a.why for a in self.worried}

    def sheet(self, name: str) -> Any:
        sheet = self.book.add_worksheet(name)
        self.w.print_setup(sheet, name)
        return sheet

    def link(self, plan: Plan) -> str:
        return sheet_ref(self.sheet_of[id(plan)])

    def write(self) -> None:
        self._needs_attention(self.sheet("Needs attention"))
        self._overview(self.sheet("Overview"))
        for plan in self.plans:
            sheet = self.sheet(self.sheet_of[id(plan)])
            self._organisation(sheet, plan)
            self.w.readable(sheet, portrait=True)

    def _needs_attention(self, sheet: Any) -> None:
        found = tables.needs_attention(self.worried)
        found.columns = [_wrapped(col, 60) if col.title == "Why" else col for col in found.columns]
        widths = [col.width for col in found.columns]
        for col, width in enumerate(widths):
            self.w.width(sheet, col, width)
        self.w.title(sheet, f"Meeting pack, as of {uk(self.c.as_of)}")
        row = 1
        lines = [*tables.returns_lines(self.c), tables.headline_figures(self.c)]
        for line in lines:
            row = self._line(sheet, row, line, "subtitle", len(widths))
        row = self._line(sheet, row + 1, f"Needs attention ({len(self.worried)}), most serious "
                         "first", "bold", len(widths))  # fmt: skip
        links = [self.link(a.plan) for a in self.worried]
        self.w.table(sheet, found, row, freeze=False, widths=False, wrap_in=widths,
                     link=lambda i: links[i])  # fmt: skip
        sheet.repeat_rows(row)
        self.w.readable(sheet)

    def _overview(self, sheet: Any) -> None:
        full = tables.overview(self.c)
        columns = [col for col in full.columns if col.title in ON_PAPER]
        self.w.title(sheet, "Every organisation")
        links = [self.link(p) for p in self.c.plans]
        self.w.table(sheet, Table.of("Overview", columns, self.c.plans), 1, freeze=False,
                     link=lambda i: links[i])  # fmt: skip
        sheet.repeat_rows(1)
        self.w.readable(sheet)

    def _organisation(self, sheet: Any, plan: Plan) -> None:
        """The organisation's page: what the meeting asks of it, top to bottom."""
        last = plan.last_plan(self.c.as_of)
        shown = last or plan
        columns = [_wrapped(col) for col in tables.paper_columns(plan.layout)]
        widths = [col.width for col in columns]
        for col, width in enumerate(widths):
            self.w.width(sheet, col, width)
        span = len(columns)
        self.w.title(sheet, plan.organisation)
        where = source(plan) if plan.has_return else "no return this round"
        row = self._line(sheet, 1, f"{plan.layout.title} · as of {uk(self.c.as_of)} · {where}",
                         "subtitle", span)  # fmt: skip
        if id(plan) in self.why:
            row = self._line(sheet, row, f"Needs attention: {self.why[id(plan)]}", "red", span)
        position = plan.position if plan.has_return else None
        row = self._line(sheet, row, "   ·   ".join((
            f"Confidence: {position or '–'}",
            f"Direction: {tables.arrowed(plan.direction) or '–'}",
            f"Last {TRAIL_ROUNDS} rounds: {tables.position_trail(plan)}",
            f"overdue: {tables.overdue_trail(plan)}",
        )), "bold", span)  # fmt: skip
        if not plan.has_return and plan.contact:
            row = self._line(sheet, row, f"Contact: {plan.contact}", "plain", span)
        if plan.has_return:
            for f in plan.layout.header:
                value = plan.value(f.name)
                if value not in (None, ""):
                    row = self._line(sheet, row, f"{f.title}: {_text(value)}", "plain", span)
        figures = tables.plan_figures(plan)
        said = "   ·   ".join(f"{title}: {value}" for title, value in figures if value is not None)
        if said:
            row = self._line(sheet, row, said, "plain", span)
        flags = plan.flags
        row = self._line(sheet, row + 1, f"Flags ({len(flags)})" if flags else "No flags",
                         "bold", span)  # fmt: skip
        for flag in flags:
            text = f"{flag.severity.title()} · {flag.cell or '–'} · {flag.message}"
            row = self._line(sheet, row, text, "red" if flag.severity == "red" else "amber", span)
        live = [(shown, r) for r in shown.items if not r.get("finished")]
        if shown.rows is None and last is None:
            return
        noun = plan.layout.row_noun
        heading = f"{noun.capitalize()}s still to deliver ({len(live)} of {len(shown.items)})"
        if last is not None:
            heading += (f", as its last return gave them ({source(last)}, updated "
                        f"{uk(last.updated) if last.updated else '?'})")  # fmt: skip
        row = self._line(sheet, row + 1, heading, "bold", span)
        if live:
            table = Table.of(plan.layout.rows_sheet, columns, live)
            self.w.table(sheet, table, row, freeze=False, widths=False, wrap_in=widths)
            sheet.repeat_rows(row)

    def _line(self, sheet: Any, row: int, text: str, style: str, span: int) -> int:
        """``text`` across the page's ``span`` columns, wrapped, as tall as it needs; returns
        the next row."""
        widths = self.w.widths.get(id(sheet), {})
        wide = sum(widths.get(col, DEFAULT_WIDTH) for col in range(span))
        fmt = self.w.fmt[f"{style} wrapped"]
        if span > 1:
            sheet.merge_range(row, 0, row, span - 1, text, fmt)
        else:
            sheet.write_string(row, 0, text, fmt)
        lines = wrapped_lines(text, wide * 0.9)  # bold and larger text is wider
        sheet.set_row(row, LINE_HEIGHT * lines + 2)
        return row + 1


def _wrapped(col: Col, width: float | None = None) -> Col:
    """``col`` wrapped on paper (a text column becomes a long one), ``width`` wide."""
    kind = LONG if col.kind == TEXT else col.kind
    return replace(col, kind=kind, width=width or col.width)


def _text(value: Any) -> str:
    """A header value as the page shows it."""
    if isinstance(value, date):
        return uk(value)
    if isinstance(value, float):
        return shown_number(value)
    return str(value)
