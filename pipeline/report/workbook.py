"""Write the consolidated progress workbook: the picture at a glance, then every detail.

Sheet by sheet: the Overview (a title block, then one row per organisation with RAG colours
and a link to its sheet), who needs attention, native charts, the returns tracker, the
layouts' sheets that come first (the Calendar of Events and its grid), Gap Flags, each
layout's rows (every action, every task), the layouts' other sheets (the three-year
derivations for Cabinet, procurement and efficiency), the Returns Log, every finding, the
Guidance, and one sheet per organisation, top to bottom (``organisation``). Only the layouts
in the round (``Consolidation.layouts``) get sheets, charts and Overview columns. What a
layout adds is its ``LayoutReport``; nothing here names one. Every sheet opens with a title
and a line saying what it holds, and prints one page wide (see ``paper``), its header row
repeated, with a footer.

Values are written with typed methods and the workbook is told never to turn strings into
formulas or links. The file is written beside its destination and renamed into place. Which
path writes the cells (fast, or xlsxwriter's public API only) is ``writer``'s business: the
layout here is the same either way.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from ..declare import LAYOUTS, Layout
from ..declare.measures import union
from ..declare.severity import RED
from ..errors import UsageError
from ..naming import plain, safe_sheet_name, sheet_ref
from ..paper import points
from ..round import attention
from ..round.flags import every_rule
from ..round.plans import Consolidation
from ..system.files import OUTPUT_MARK, atomic_path
from ..system.timing import stage
from ..values import uk
from . import round_figures, tables
from .charts import DATA_SHEET, add_charts
from .engine import choose
from .guidance_sheet import write_guidance
from .organisation import write_organisation
from .sheetwriter import SheetWriter
from .tables import Table
from .writer import SheetJob, Writer

# The characters of headline figures on a line of the Overview: a landscape page's width
# of them in bold (the line is one cell's text, which would run off the page, not wrap).
HEADLINE_WIDTH = 130
ORGANISATION_SHEETS = 100  # a larger round gets no sheet per organisation (and less memory)


# the sheets every workbook has, whatever its layouts
OWN_SHEETS = ("Overview", "Needs attention", "Charts", "Returns", "Gap Flags", "Returns Log",
              "Findings", "Guidance", DATA_SHEET)  # fmt: skip


def check_layouts() -> None:
    """A UsageError, before a round is read, if the registered layouts cannot share one
    workbook: two sheets of one name, two measures of one name, two flag rules of one id."""
    named: dict[str, str] = {name.lower(): "the workbook's own" for name in OWN_SHEETS}
    for layout in LAYOUTS.values():
        own = (s.name for s in layout.hooks.report().sheets)
        for sheet in (layout.hooks.rows().sheet_name, *own):
            if (other := named.setdefault(sheet.lower(), layout.title)) != layout.title:
                raise UsageError(f"The {layout.title} layout names a sheet {sheet!r}, as "
                                 f"{other} does: give one of them another name.")  # fmt: skip
    try:
        union(layout.hooks.measures() for layout in LAYOUTS.values())
        every_rule()
    except ValueError as err:
        raise UsageError(f"The layouts cannot be reported together: {err}.") from None


def write_consolidated(
    c: Consolidation,
    path: Path,
    organisation_sheets: int = ORGANISATION_SHEETS,
    parallel: bool = True,
    tmpdir: Path | None = None,
    engine: str | None = None,
) -> Path:
    """Write the consolidated workbook for ``c`` to ``path`` atomically; returns ``path``.

    A round of more than ``organisation_sheets`` organisations is large: no sheet per
    organisation (the Overview then links each organisation to its first row on its layout's
    rows sheet), and every sheet written row by row, to keep memory low. ``engine``
    chooses the path that writes the cells, "fast" or "plain" (by default, the environment
    variable ``PIPELINE_WRITER``'s, else fast: see ``report.writer``); the fast path uses a
    second core unless ``parallel`` is False. Temporary files go in ``tmpdir`` (by default the
    system's).
    """
    large = len(c.plans) > organisation_sheets
    writer = choose(engine, parallel)
    with atomic_path(path, scratch=tmpdir) as tmp:
        book = writer.open(tmp, large, tmpdir)
        book.set_properties(
            {
                "title": f"Action plans progress report, {uk(c.as_of)}",
                "created": datetime(c.as_of.year, c.as_of.month, c.as_of.day),
            }
        )
        book.set_custom_property(*OUTPUT_MARK)
        _Workbook(book, c, writer, with_sheets=not large).write()
        with stage("write, zipping"):
            writer.close(book)
    return Path(path)


def _cells(table: Table, sample: int = 200) -> int:
    """About how much writing ``table`` takes, in cells: a blank is not written but its value
    is still got, so it counts as a quarter of a cell. From its first ``sample`` rows."""
    rows = list(itertools.islice(table.iter_rows(), sample))
    filled = sum(value is not None for row in rows for value in row)
    blank = len(rows) * len(table.columns) - filled
    return (filled + blank // 4) * len(table) // max(len(rows), 1)


def _linked(table: Table) -> Table:
    """``table`` whose first column, each cell a link, shows names ``plain``: xlsxwriter
    writes a link's text into the sheet's XML as it is, where a control character a partner
    put in an organisation's name would leave a workbook Excel calls damaged."""
    first = table.columns[0]
    get = first.get
    assert get is not None  # (an item table)
    table.columns[0] = replace(first, get=lambda item: plain(get(item)))
    return table


class _Workbook:
    def __init__(self, book: Any, c: Consolidation, writer: Writer, with_sheets: bool) -> None:
        self.book, self.c, self.writer, self.with_sheets = book, c, writer, with_sheets
        self.w = SheetWriter(book, c.as_of, writer)
        self.sheet_of: dict[int, str] = {}

    def sheet(self, name: str, in_order: bool = False, full_name: str | None = None) -> Any:
        """A new sheet, printed as every sheet is (its footer naming it ``full_name``, where
        its name is cut short); ``in_order``: it is written top to bottom."""
        sheet = self.writer.sheet(self.book, name, in_order)
        self.w.print_setup(sheet, full_name or name)
        return sheet

    def write(self) -> None:
        """Every sheet, in order; the plain tables are jobs that touch nothing but their own
        sheet (the writer may run them on another core)."""
        layouts = self.c.layouts
        rows_sheets = {layout.hooks.rows().sheet_name for layout in layouts}
        derived = [sheet for layout in layouts for sheet in layout.hooks.report().sheets]
        main = [
            *((sheet, sheet.table(self.c)) for sheet in derived if sheet.first),
            (None, tables.gap_flags(self.c)),
            *((None, tables.row_table(self.c, layout)) for layout in layouts),
            *((sheet, sheet.table(self.c)) for sheet in derived if not sheet.first),
            (None, tables.returns_log(self.c)),
            (None, tables.findings(self.c)),
        ]
        taken = {name.lower() for name in OWN_SHEETS} | {t.sheet.lower() for _, t in main}
        if self.with_sheets:
            for plan in self.c.plans:
                self.sheet_of[id(plan)] = safe_sheet_name(plan.organisation, taken)
        here: list[Callable[[], Any]] = []  # work that touches the workbook, not just a sheet
        jobs: list[SheetJob] = []
        links = dict(zip(map(id, self.c.plans), self._links()))
        worried = attention.needs_attention(self.c)
        here.append(self._printed(self._overview, self.sheet("Overview"), links, worried))
        here.append(self._printed(self._needs_attention, self.sheet("Needs attention"), links,
                                  worried))  # fmt: skip
        charts = self.sheet("Charts")
        here.append(self._printed(self._returns, self.sheet("Returns")))
        for derived_sheet, table in main:
            if derived_sheet is not None and derived_sheet.write is not None:
                write = partial(derived_sheet.write, self.w)
                here.append(self._printed(write, self.sheet(table.sheet), table, self.c))
                continue
            sheet = self.sheet(table.sheet, in_order=True)
            named = self.w.table_name(table.sheet)
            title, what = sheet_lines(table.sheet, derived_sheet, layouts)
            if table.sheet in rows_sheets and self.with_sheets:
                # each organisation's sheet prints these rows, with its header and flags:
                # printed here as well, every row would be on paper twice
                what += f" {ROWS_ON_PAPER}"
                self.w.print_rows[id(sheet)] = 1
            write = partial(self._plain_table, table=table, name=named, said=(title, what))
            jobs.append(SheetJob(sheet, _cells(table), self._printed(write, sheet)))
        here.append(self._printed(partial(write_guidance, self.w), self.sheet("Guidance"),
                                  self.c))  # fmt: skip
        if self.with_sheets:
            width = {x.name: len(tables.row_columns(x)) for x in layouts}
            for plan in self.c.plans:
                name = self.sheet_of[id(plan)]
                sheet = self.sheet(name, in_order=True, full_name=plan.organisation)
                named = self.w.table_name(f"{plan.layout.hooks.rows().sheet_name} {name}")
                cells = len(plan.items) * width[plan.layout.name] + 40
                write = partial(write_organisation, self.w, self.c, plan, name=named)
                jobs.append(SheetJob(sheet, cells, self._printed(write, sheet)))
        data = self.book.add_worksheet(DATA_SHEET)

        def meanwhile() -> None:
            for work in here:
                work()
            self.w.title(charts, "Charts")
            charts.write_string(1, 0, "What each chart counts is in its title; the figures are "
                                "the Overview's.", self.w.fmt["subtitle"])  # fmt: skip
            add_charts(self.book, charts, data, self.c, self.w.fmt["plain"])
            self.w.readable(charts)
            data.hide()

        self.writer.write_sheets(jobs, meanwhile, self.w.fmt.values(), self.w.rag.values())

    def _printed(self, write: Callable[..., Any], sheet: Any, *args: Any) -> Callable[[], Any]:
        """``write(sheet, *args)``, then the sheet's print set to be readable (``readable``: it
        needs the sheet's widths, so it comes last)."""

        def work() -> None:
            write(sheet, *args)
            self.w.readable(sheet)

        return work

    def _plain_table(self, sheet: Any, table: Table, name: str, said: tuple[str, str]) -> None:
        """A sheet that is one table, under its title and a line saying what it holds."""
        title, what = said
        table = self.w.fitted(sheet, table)
        self.w.title(sheet, title)
        self.w.lead(sheet, 1, what, table.printed)
        self.w.table(sheet, table, TABLE_TOP, name=name, widths=False)

    # --- the Overview ----------------------------------------------------------------------

    def _overview(self, sheet: Any, links: dict[int, str | None], worried: list) -> None:
        """The title block and headline figures, then every organisation."""
        sheet.activate()
        fmt = self.w.fmt
        self.w.title(sheet, "Action plans: progress report")
        sheet.write_string(1, 0, f"As of {uk(self.c.as_of)}: the round's figures, then every "
                           "organisation (each name links to its own sheet).",
                           fmt["subtitle"])  # fmt: skip
        row = 2
        for line in round_figures.returns_lines(self.c):
            sheet.write_string(row, 0, line, fmt["subtitle"])
            row += 1
        flags = self.c.flags
        red = sum(f.severity is RED for f in flags)
        sheet.write_string(row, 0, f"Red flags: {red}", fmt["red"])
        sheet.write_string(row, 1, f"Amber flags: {len(flags) - red}", fmt["amber"])
        for line in round_figures.headline_lines(self.c, "Organisations", HEADLINE_WIDTH):
            row += 1
            sheet.write_string(row, 0, line, fmt["bold"])
        sheet.write_url(row + 1, 0, "internal:'Needs attention'!A1", fmt["link"],
                        string=f"Needs attention: {len(worried)}, most serious first, and why "
                        "(the next sheet)")  # fmt: skip
        sheet.write_string(row + 3, 0, "Every organisation", fmt["bold"])
        top = row + 4
        self.w.table(sheet, _linked(tables.overview(self.c)), top, freeze=False,
                     link=lambda i: links[id(self.c.plans[i])])  # fmt: skip
        sheet.repeat_rows(top)
        sheet.freeze_panes(top + 1, 1)  # the header and the names stay in view

    def _needs_attention(self, sheet: Any, links: dict[int, str | None], worried: list) -> None:
        """Who needs attention, in the order its caption says, each with its reasons."""
        table = self.w.fitted(sheet, _linked(tables.needs_attention(worried)))
        self.w.title(sheet, f"Needs attention ({len(worried)})")
        self.w.lead(sheet, 1, f"Sorted by the most serious reason: {attention.ORDER}. Each name "
                    "links to the organisation's own sheet; the Gap Flags sheet has the detail.",
                    table.printed)  # fmt: skip
        self.w.table(sheet, table, TABLE_TOP, widths=False,
                     link=lambda i: links[id(worried[i].plan)])  # fmt: skip

    def _links(self) -> list[str | None]:
        """Where each Overview row links: the organisation's own sheet, or (in a round too
        large for a sheet each) its first row on its layout's rows sheet."""
        if self.with_sheets:
            return [sheet_ref(self.sheet_of[id(p)]) for p in self.c.plans]
        row = dict.fromkeys(LAYOUTS, TABLE_TOP + 2)  # each rows sheet's first row below its header
        links: list[str | None] = []
        for plan in self.c.plans:
            name, sheet = plan.layout.name, plan.layout.hooks.rows().sheet_name
            links.append(f"'{sheet}'!A{row[name]}" if plan.items else None)
            row[name] += len(plan.items)
        return links

    # --- the returns tracker -----------------------------------------------------------------

    def _returns(self, sheet: Any) -> None:
        """The tracker (a small table of counts: no filter buttons), then the chase list,
        below it in the same columns: each column as wide as the wider of the two needs it,
        the chase list's texts narrowed to fit the page beside the tracker's further columns."""
        counts, chase = round_figures.tracker(self.c), round_figures.chase_list(self.c)
        figures = dict.fromkeys(range(1, len(counts.columns)), COUNTS)
        counts = self.w.fitted(sheet, counts, at_least=figures, filters=False)
        tracked = dict(self.w.widths[id(sheet)])
        more = [col for col in tracked if col >= len(chase.columns)]  # the tracker's alone
        chase = self.w.fitted(sheet, chase, at_least={**tracked, 0: max(tracked[0], 24)},
                              reserve=sum(points(tracked[col]) for col in more))  # fmt: skip
        self.w.title(sheet, "Returns this round")
        self.w.lead(sheet, 1, "Each layout's returns, and what became of every file; then who "
                    "to chase, and for what.", max(len(counts.columns), chase.printed))  # fmt: skip
        below = self.w.table(sheet, counts, 3, freeze=False, widths=False, filters=False)
        sheet.write_string(below + 1, 0, "Chase list", self.w.fmt["bold"])
        self.w.table(sheet, chase, below + 2, freeze=False, widths=False)
        sheet.repeat_rows(below + 2)


COUNTS = 8  # the tracker's columns are this wide at the least (a count apart from the next)
TABLE_TOP = 3  # a sheet of one table: its title, a line saying what it holds, then the table
ROWS_ON_PAPER = (
    "It is for filtering on screen: on paper, each organisation's rows print on its own sheet "
    "(to print them all here, clear this sheet's print area)."
)


def sheet_lines(name: str, derived: Any, layouts: list[Layout]) -> tuple[str, str]:
    """A plain table sheet's title and the line under it saying what it holds."""
    if derived is not None:
        return derived.title or derived.name, derived.shows[:1].upper() + derived.shows[1:] + "."
    for layout in layouts:
        if name == layout.hooks.rows().sheet_name:
            noun = layout.hooks.rows().noun
            return (f"{layout.short_title}: every {noun}",
                    f"Every {noun} of every {layout.short_title} plan returned this "
                    f"round: what it says, whether it is overdue, and (on screen) how it "
                    f"changed since last round and where it came from.")  # fmt: skip
    return name, SHEET_LINES.get(name, "")


SHEET_LINES = {
    "Gap Flags": "Every flag, red first, each pointing at the file, sheet and cell to fix, "
    "with what to do.",
    "Returns Log": "Every file seen this round: accepted, with findings, rejected (and why), "
    "duplicate or superseded.",
    "Findings": "Every finding about every file, as its partner is told it.",
}
