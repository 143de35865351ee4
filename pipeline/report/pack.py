"""The meeting pack: what the fortnightly meeting reads on paper, as one PDF, every page
portrait.

First the round's figures and who needs attention, in the Needs attention order; then a page
for each organisation needing attention that sent a return (why, how old its return is, its
position and trail, its header, its flags, and its rows still to deliver); then the
organisations with no return, together on one page; then those with nothing to discuss, as one
table. Names are full everywhere (a page's footer too), wrapped where long: plain text, not
links, since LibreOffice prints a link on one line, cut at its column's edge (the PDF's
bookmarks, one a sheet, lead to each organisation's page). Every figure and reason is the
consolidated workbook's, got by the same functions (``tables``, ``attention``). Everything
prints at 8 pt or more on A4. A pack may be for one group of organisations (a region: see
``Consolidation.of_group``).

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

from ..errors import PipelineError
from ..naming import safe_sheet_name, safe_stem
from ..paper import workbook_options
from ..round import attention
from ..round.contacts import Person
from ..round.plans import TRAIL_ROUNDS, Consolidation, Plan
from ..system.files import atomic_path
from ..system.libreoffice import to_pdf
from ..values import LINE_HEIGHT, shown_number, uk, wrapped_lines
from . import round_figures, tables
from .sheetwriter import DEFAULT_WIDTH, SheetWriter
from .tables import DATE, EMAIL, LONG, RAG, TEXT, Col, Table, source
from .writer import Writer

NO_RETURN, NOTHING = "No return", "Nothing to discuss"


@dataclass(frozen=True)
class Pack:
    """What ``write_pack`` made: the pack's workbook, its PDF, or why there is no PDF."""

    workbook: Path
    pdf: Path | None
    no_pdf: str | None = None


def pack_names(folder: Path, as_of: date, group: str | None = None) -> tuple[Path, Path]:
    """Where a round's pack goes in ``folder`` (a group's has its name): (workbook, PDF)."""
    named = f"-{safe_stem(group, set())}" if group else ""
    stem = folder / f"meeting-pack-{as_of.isoformat()}{named}"
    return stem.with_suffix(".xlsx"), stem.with_suffix(".pdf")


def write_pack(c: Consolidation, folder: Path, group: str | None = None) -> Pack:
    """Write the meeting pack for ``c`` into ``folder`` (for one ``group`` of organisations
    alone, a region say, where given: a ``UsageError`` names the groups when none matches):
    its workbook, and its PDF when LibreOffice can print it (else ``Pack.no_pdf`` says why)."""
    shown = c.of_group(group) if group else c
    workbook, pdf = pack_names(Path(folder), c.as_of, group)
    write_pack_workbook(shown, workbook, group)
    try:
        return Pack(workbook, to_pdf(workbook, pdf))
    except PipelineError as err:
        return Pack(workbook, None, str(err))


def write_pack_workbook(c: Consolidation, path: Path, group: str | None = None) -> Path:
    """The pack as a workbook, every sheet set to print readably; returns ``path``."""
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), workbook_options())
        made = datetime(c.as_of.year, c.as_of.month, c.as_of.day)
        book.set_properties({"title": f"Meeting pack, {uk(c.as_of)}", "created": made})
        _PackWriter(book, c, group).write()
        book.close()
    return Path(path)


class _PackWriter:
    def __init__(self, book: Any, c: Consolidation, group: str | None) -> None:
        self.book, self.c, self.group = book, c, group
        self.w = SheetWriter(book, c.as_of, Writer(), portrait=True)
        self.worried = attention.needs_attention(c)
        listed = {id(a.plan) for a in self.worried}
        self.pages = [a.plan for a in self.worried if a.plan.has_return]  # a page each
        self.missing = [p for p in c.plans if not p.has_return]
        self.quiet = [p for p in c.plans if p.has_return and id(p) not in listed]
        taken = {"needs attention", NO_RETURN.lower(), NOTHING.lower()}
        self.sheet_of = {id(p): safe_sheet_name(p.organisation, taken) for p in self.pages}
        self.why = {id(a.plan): a.why for a in self.worried}

    def sheet(self, name: str, full_name: str | None = None) -> Any:
        sheet = self.book.add_worksheet(name)
        self.w.print_setup(sheet, full_name or name)
        return sheet

    def write(self) -> None:
        self._needs_attention(self.sheet("Needs attention"))
        for plan in self.pages:
            sheet = self.sheet(self.sheet_of[id(plan)], plan.organisation)
            self._organisation(sheet, plan)
            self.w.readable(sheet, portrait=True)
        if self.missing:
            self._no_return(self.sheet(NO_RETURN))
        if self.quiet:
            self._nothing_to_discuss(self.sheet(NOTHING))

    def _needs_attention(self, sheet: Any) -> None:
        found = self.w.fitted(sheet, tables.needs_attention(self.worried))
        span = found.printed
        of = f", {self.group}" if self.group else ""
        self.w.title(sheet, f"Meeting pack, as of {uk(self.c.as_of)}{of}")
        row = 1
        for line in [*round_figures.returns_lines(self.c), round_figures.headline_figures(self.c)]:
            row = self._line(sheet, row, line, "subtitle", span)
        row = self._line(sheet, row + 1, f"Needs attention ({len(self.worried)}): sorted by the "
                         f"most serious reason ({attention.ORDER})", "bold", span)  # fmt: skip
        self.w.table(sheet, found, row, freeze=False, widths=False)
        sheet.repeat_rows(row)
        self.w.readable(sheet, portrait=True)

    def _no_return(self, sheet: Any) -> None:
        """Every organisation with no usable return, on one page: who to chase, and what it
        last sent."""
        columns = [
            Col("Organisation", 26, TEXT, lambda p: p.organisation),
            Col("Layout", 12, TEXT, lambda p: p.layout.short_title),
            Col("Why", 30, LONG, lambda p: attention.no_return(p)),
            Col("Last return", 11, DATE, lambda p: _last_updated(p)),
            Col("Contact", 20, LONG, lambda p: _chase(p).name),
            Col("Email", 30, EMAIL, lambda p: _chase(p).email),
        ]
        table = self.w.fitted(sheet, Table.of(NO_RETURN, columns, self.missing))
        self.w.title(sheet, f"No return this round ({len(self.missing)})")
        said = (
            "Chase each: the Returns sheet of the workbook has the chase list, and the mail a "
            "message for each."
        )
        row = self._line(sheet, 1, said, "subtitle", table.printed)
        self.w.table(sheet, table, row + 1, freeze=False, widths=False)
        sheet.repeat_rows(row + 1)
        self.w.readable(sheet, portrait=True)

    def _nothing_to_discuss(self, sheet: Any) -> None:
        """The organisations whose return raises nothing for the meeting, as one table."""
        columns = [
            Col("Organisation", 26, TEXT, lambda p: p.organisation),
            Col("Layout", 12, TEXT, lambda p: p.layout.short_title),
            Col("Date of update", 11, DATE, lambda p: p.updated),
            Col(
                tables.position_title([p.layout for p in self.quiet]), 11, RAG, lambda p: p.position
            ),
            Col("Direction", 13, TEXT, lambda p: tables.arrowed(p.direction)),
            Col(f"Last {TRAIL_ROUNDS} rounds", 12, TEXT, tables.position_trail),
            Col("Amber flags", 9, tables.INT, lambda p: p.amber_flags),
        ]
        table = self.w.fitted(sheet, Table.of(NOTHING, columns, self.quiet))
        self.w.title(sheet, f"Nothing to discuss ({len(self.quiet)})")
        row = self._line(sheet, 1, "Returned, and nothing that needs the meeting's attention "
                         "(their sheets in the workbook have every detail).", "subtitle",
                         table.printed)  # fmt: skip
        self.w.table(sheet, table, row + 1, freeze=False, widths=False)
        sheet.repeat_rows(row + 1)
        self.w.readable(sheet, portrait=True)

    def _organisation(self, sheet: Any, plan: Plan) -> None:
        """The organisation's page: what the meeting asks of it, top to bottom."""
        columns = [_wrapped(col) for col in tables.paper_columns(plan.layout)]
        rows = [(plan, r) for r in plan.items if not r.get("finished")]
        table = self.w.fitted(sheet, Table.of(plan.layout.hooks.rows().sheet_name, columns, rows))
        span = table.printed
        self.w.title(sheet, plan.organisation)
        row = self._line(sheet, 1, f"{plan.layout.title} · as of {uk(self.c.as_of)} · "
                         f"{source(plan)}", "subtitle", span)  # fmt: skip
        row = self._line(sheet, row, f"Needs attention: {self.why[id(plan)]}", "red", span)
        updated = plan.updated
        age = "The return gives no date of update"
        if updated:
            days = (self.c.as_of - updated).days
            age = f"Return dated {uk(updated)}: {days} days old on {uk(self.c.as_of)}"
        row = self._line(sheet, row, age, "bold", span)
        row = self._line(sheet, row, "   ·   ".join((
            f"{tables.position_title([plan.layout])}: {plan.position or '–'}",
            f"Direction: {tables.arrowed(plan.direction) or '–'}",
            f"Last {TRAIL_ROUNDS} rounds: {tables.position_trail(plan)}",
            f"Overdue, last {TRAIL_ROUNDS} rounds: {tables.overdue_trail(plan)}",
        )), "bold", span)  # fmt: skip
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
            text = f"{flag.severity.word} · {flag.cell or '–'} · {flag.message}"
            row = self._line(sheet, row, text, flag.severity.value, span)
        if plan.rows is None:
            return
        noun = plan.layout.hooks.rows().noun
        row = self._line(sheet, row + 1, f"{noun.capitalize()}s still to deliver ({len(rows)} of "
                         f"{len(plan.items)})", "bold", span)  # fmt: skip
        if rows:
            self.w.table(sheet, table, row, freeze=False, widths=False)
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


def _wrapped(col: Col) -> Col:
    """``col`` wrapped on paper (a text column becomes a long one)."""
    return replace(col, kind=LONG) if col.kind == TEXT else col


def _chase(plan: Plan) -> Person:
    """Whom to chase about the plan (as the chase list and the mail write to them)."""
    return plan.recipients.chase or Person()


def _last_updated(plan: Plan) -> date | None:
    """The date of update of an organisation's latest return, from an earlier round."""
    last = plan.last_return
    return plan.layout.date_of_update(last) if last is not None else None


def _text(value: Any) -> str:
    """A header value as the page shows it."""
    if isinstance(value, date):
        return uk(value)
    if isinstance(value, float):
        return shown_number(value)
    return str(value)
