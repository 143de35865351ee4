"""Write the consolidated progress workbook: the picture at a glance, then every detail.

Sheet by sheet: the Overview (a title block, then one row per organisation with RAG colours
and a link to its sheet), native charts, the returns tracker, the layouts' sheets that come
first (the Calendar of Events and its grid), Gap Flags, each layout's rows (every action,
every task), the layouts' other sheets (the three-year derivations for Cabinet, procurement
and efficiency), the Returns Log, every finding, the Guidance, and one sheet per
organisation laid out like its plan. What a layout adds is its ``LayoutReport``; nothing
here names one. Every sheet prints landscape, one page wide, with its header row repeated
and a footer.

Values are written with typed methods and the workbook is told never to turn strings into
formulas or links. The file is written beside its destination and renamed into place. Which
path writes the cells (fast, or xlsxwriter's public API only) is ``writer``'s business: the
layout here is the same either way.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from .. import attention
from ..catalogue import FINDINGS
from ..errors import UsageError
from ..files import OUTPUT_MARK, atomic_path
from ..flags import every_rule
from ..guidance import GUIDANCE_COLUMNS, GUIDANCE_WIDTHS, guidance_rows
from ..intake import RECEIVED_MEANS
from ..layouts import LAYOUTS, Layout
from ..layouts.measures import RETURN_MEASURES, union
from ..messages import ENVELOPE_MEANS
from ..naming import plain, safe_sheet_name, sheet_ref
from ..plans import TRAIL_ROUNDS, Consolidation, Plan
from ..timing import stage
from ..values import uk
from . import tables
from .charts import DATA_SHEET, add_charts, every_chart
from .sheetwriter import SheetWriter
from .tables import LONG, Col, Table, field_col, source
from .writer import SheetJob, Writer, choose

# the widths an organisation sheet's header block and flags need (labels, values; the flags'
# severity, rule, cell and message); its rows table is at least as wide, column by column
BLOCK = {0: 30, 1: 60, 3: 10, 4: 28, 5: 8, 6: 70}
ORGANISATION_SHEETS = 100  # a larger round gets no sheet per organisation (and less memory)


# the sheets every workbook has, whatever its layouts
OWN_SHEETS = ("Overview", "Charts", "Returns", "Gap Flags", "Returns Log", "Findings", "Guidance",
              DATA_SHEET)  # fmt: skip


def check_layouts() -> None:
    """A UsageError, before a round is read, if the registered layouts cannot share one
    workbook: two sheets of one name, two measures of one name, two flag rules of one id."""
    named: dict[str, str] = {name.lower(): "the workbook's own" for name in OWN_SHEETS}
    for layout in LAYOUTS.values():
        for sheet in (layout.rows_sheet, *(s.name for s in layout.report.sheets)):
            if (other := named.setdefault(sheet.lower(), layout.title)) != layout.title:
                raise UsageError(f"The {layout.title} layout names a sheet {sheet!r}, as "
                                 f"{other} does: give one of them another name.")  # fmt: skip
    try:
        union(layout.measures for layout in LAYOUTS.values())
        every_rule()
    except ValueError as err:
        raise UsageError(f"The layouts cannot be reported together: {err}.") from None


def sheet_notes() -> list[tuple[str, str]]:
    """(sheet, what it shows) for every sheet, in the workbook's order, for the Guidance."""
    layouts = list(LAYOUTS.values())
    derived = [sheet for layout in layouts for sheet in layout.report.sheets]
    charts = ", ".join(spec.short for spec, _ in every_chart())
    nouns = " and ".join(layout.row_noun for layout in layouts)
    return [
        ("Overview", "headline figures; who needs attention, most serious first, and why; then "
         "one row per organisation, trouble coloured; each name links to its own sheet"),
        ("Charts", charts),
        ("Returns", "the round's tracker, and the chase list with contacts"),
        *((sheet.name, sheet.shows) for sheet in derived if sheet.first),
        ("Gap Flags", "every flag, red first, pointing at the file, sheet and cell"),
        (", ".join(layout.rows_sheet for layout in layouts),
         f"every {nouns}, what changed since last round, and its source"),
        *((sheet.name, sheet.shows) for sheet in derived if not sheet.first),
        ("Returns Log, Findings", "every file read and what was found in it"),
        ("one sheet per organisation", "its plan as returned, with its flags beside it"),
    ]  # fmt: skip


def figure_notes() -> Iterator[tuple[str, str, str, str]]:
    """(figure, layouts, where it is shown, what it counts) for the Guidance: every plan
    measure, every returns measure, the progress buckets the charts stack, and what each
    layout adds."""
    layouts = list(LAYOUTS.values())
    for m in union(layout.measures for layout in layouts):
        having = [x for x in layouts if x.measure(m.name) is m]
        titles = ", ".join(x.short_title for x in having)
        yield m.title, titles, "Overview, organisation sheets", m.meaning(having)
    every = ", ".join(layout.short_title for layout in layouts)
    yield "Needs attention", every, "Overview", attention.means()
    yield (f"Last {TRAIL_ROUNDS} rounds", every, "Overview",
           "The organisation's position round by round, oldest first, this round last: R, A "
           "or G (stated, or as its rows judge it), – for a round with no return; beside it, "
           "how many of its rows were overdue each round.")  # fmt: skip
    for title, means in RETURN_MEASURES:
        yield title, every, "Overview, Returns", means
    yield "Received (date), Arrival known from", every, "Returns Log", RECEIVED_MEANS
    yield "From, Sent, Sender check", every, "Returns Log", ENVELOPE_MEANS
    for spec, layout in every_chart():
        if spec.stacks_progress:
            means = layout.progress.means(layout.row_noun, layout.due_title)
            yield spec.title, layout.short_title, "Charts", means
    for layout in layouts:
        for figure, shown, means in layout.report.figures:
            yield figure, layout.short_title, shown, means


def _notes(layout: Layout) -> list[str]:
    """What the Guidance says of a layout beyond its fields: its own notes, and where its
    plans state no confidence, how their Confidence is worked out."""
    said = list(layout.report.notes)
    if layout.confidence_key is None and layout.judged_by is not None:
        said.append(f"{layout.short_title} plans state no overall confidence: their Confidence "
                    f"on the Overview is {layout.judged_means}.")  # fmt: skip
    elif layout.confidence_key is None:
        said.append(
            f"{layout.short_title} plans state no confidence: their Confidence on the Overview "
            f"is computed from their {layout.row_noun}s (Confidence check)."
        )
    return said


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

    def sheet(self, name: str, in_order: bool = False) -> Any:
        """A new sheet, printed as every sheet is; ``in_order``: it is written top to bottom."""
        sheet = self.writer.sheet(self.book, name, in_order)
        self.w.print_setup(sheet, name)
        return sheet

    def write(self) -> None:
        """Every sheet, in order; the plain tables are jobs that touch nothing but their own
        sheet (the writer may run them on another core)."""
        layouts = list(LAYOUTS.values())
        derived = [sheet for layout in layouts for sheet in layout.report.sheets]
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
        overview = self._printed(self._overview, self.sheet("Overview"), fewer=True)
        here.append(overview)
        charts = self.sheet("Charts")
        here.append(self._printed(self._returns, self.sheet("Returns")))
        for derived_sheet, table in main:
            if derived_sheet is not None and derived_sheet.write is not None:
                write = partial(derived_sheet.write, self.w)
                here.append(self._printed(write, self.sheet(table.sheet), table, self.c))
                continue
            sheet = self.sheet(table.sheet, in_order=True)
            named = self.w.table_name(table.sheet)
            write = partial(self.w.table, table=table, top=0, name=named)
            jobs.append(SheetJob(sheet, _cells(table), self._printed(write, sheet)))
        here.append(self._printed(self._guidance, self.sheet("Guidance")))
        if self.with_sheets:
            width = {x.name: len(tables.row_columns(x)) for x in layouts}
            for plan in self.c.plans:
                name = self.sheet_of[id(plan)]
                sheet = self.sheet(name, in_order=True)
                named = (self.w.table_name(f"Flags {name}"),
                         self.w.table_name(f"{plan.layout.rows_sheet} {name}"))  # fmt: skip
                cells = len(plan.items) * width[plan.layout.name] + 40
                write = partial(self._organisation, plan, named=named)
                jobs.append(SheetJob(sheet, cells, self._printed(write, sheet)))
        data = self.book.add_worksheet(DATA_SHEET)

        def meanwhile() -> None:
            for work in here:
                work()
            self.w.title(charts, "Charts")
            add_charts(self.book, charts, data, self.c, self.w.fmt["plain"])
            self.w.readable(charts)
            data.hide()

        self.writer.write_sheets(jobs, meanwhile, 20 * len(self.c.plans),
                                 self.w.fmt.values(), self.w.rag.values())  # fmt: skip

    def _printed(
        self, write: Callable[..., Any], sheet: Any, *args: Any, fewer: bool = False
    ) -> Callable[[], Any]:
        """``write(sheet, *args)``, then the sheet's print set to be readable (``readable``,
        with ``fewer`` columns if need be: it needs the sheet's widths, so it comes last)."""

        def work() -> None:
            write(sheet, *args)
            self.w.readable(sheet, fewer=fewer)

        return work

    # --- the Overview ----------------------------------------------------------------------

    def _overview(self, sheet: Any) -> None:
        """The title block and headline figures, the Needs attention list, then every
        organisation: what the meeting asks first, first."""
        sheet.activate()
        fmt = self.w.fmt
        self.w.title(sheet, "Action plans: progress report")
        sheet.write_string(1, 0, f"As of {uk(self.c.as_of)}", fmt["subtitle"])
        row = 2
        for line in tables.returns_lines(self.c):
            sheet.write_string(row, 0, line, fmt["subtitle"])
            row += 1
        flags = self.c.flags
        red = sum(f.severity == "red" for f in flags)
        sheet.write_string(row, 0, f"Red flags: {red}", fmt["red"])
        sheet.write_string(row, 1, f"Amber flags: {len(flags) - red}", fmt["amber"])
        figures = tables.headline_figures(self.c)
        sheet.write_string(row + 1, 0, f"Organisations  ·  {figures}", fmt["bold"])
        links = dict(zip(map(id, self.c.plans), self._links()))
        worried = attention.needs_attention(self.c)
        sheet.write_string(row + 3, 0, f"Needs attention ({len(worried)})", fmt["bold"])
        sheet.write_string(row + 4, 0, "Most serious first: no return, Red, worsening, red "
                           "flags. Each name links to the organisation's own sheet; the Gap "
                           "Flags sheet has the detail.", fmt["subtitle"])  # fmt: skip
        below = self.w.table(sheet, _linked(tables.needs_attention(worried)), row + 5,
                             freeze=False, widths=False, name=self.w.table_name("Needs attention"),
                             link=lambda i: links[id(worried[i].plan)])  # fmt: skip
        sheet.write_string(below + 1, 0, "Every organisation", fmt["bold"])
        top = below + 2
        self.w.table(sheet, _linked(tables.overview(self.c)), top, freeze=False,
                     link=lambda i: links[id(self.c.plans[i])])  # fmt: skip
        sheet.repeat_rows(top)
        sheet.freeze_panes(0, 1)  # the names stay in view; the header is far down the sheet

    def _links(self) -> list[str | None]:
        """Where each Overview row links: the organisation's own sheet, or (in a round too
        large for a sheet each) its first row on its layout's rows sheet."""
        if self.with_sheets:
            return [sheet_ref(self.sheet_of[id(p)]) for p in self.c.plans]
        row = dict.fromkeys(LAYOUTS, 2)  # each rows sheet's first row below its header
        links: list[str | None] = []
        for plan in self.c.plans:
            name, sheet = plan.layout.name, plan.layout.rows_sheet
            links.append(f"'{sheet}'!A{row[name]}" if plan.items else None)
            row[name] += len(plan.items)
        return links

    # --- the returns tracker -----------------------------------------------------------------

    def _returns(self, sheet: Any) -> None:
        counts, chase = tables.tracker(self.c), tables.chase_list(self.c)
        for col in range(max(len(counts.columns), len(chase.columns))):
            widths = [t.columns[col].width for t in (counts, chase) if col < len(t.columns)]
            self.w.width(sheet, col, max(widths))
        self.w.title(sheet, "Returns this round")
        below = self.w.table(sheet, counts, 2, freeze=False, widths=False)
        sheet.write_string(below + 1, 0, "Chase list", self.w.fmt["bold"])
        self.w.table(sheet, chase, below + 2, freeze=False, widths=False)
        sheet.repeat_rows(below + 2)

    # --- guidance ----------------------------------------------------------------------------

    def _guidance(self, sheet: Any) -> None:
        fmt = self.w.fmt
        widths = [max(width, 30) for width in GUIDANCE_WIDTHS]
        for col, width in enumerate(widths):
            self.w.width(sheet, col, width)
        self.w.title(sheet, "About this workbook")
        notes = Table("Sheets", [Col("Sheet", 30), Col("What it shows", 90, LONG)],
                      sheet_notes())  # fmt: skip
        row = self.w.table(sheet, notes, 2, freeze=False, widths=False, wrap_in=widths)
        sheet.write_string(row + 1, 0, "Gap flag rules", fmt["bold"])
        rules = Table(
            "Gap flag rules",
            [Col("Rule", 30), Col("Severity", 12), Col("Layouts", 26, LONG),
             Col("What it means", 90, LONG), Col("What to do", 60, LONG)],
            [(r.title, (r.severity or "red or amber").title(),
              ", ".join(layout.title for layout in layouts), r.meaning(layouts), r.to_do)
             for r, layouts in every_rule()],
        )  # fmt: skip
        row = self.w.table(sheet, rules, row + 2, freeze=False, widths=False, wrap_in=widths)
        sheet.write_string(row + 1, 0, "What a partner is told about a file", fmt["bold"])
        told = Table(
            "Findings",
            [Col("Finding", 30), Col("Severity", 12), Col("What it means", 90, LONG),
             Col("What to do", 60, LONG)],
            [(w.title, w.severity.capitalize(), w.explains, w.to_do) for w in FINDINGS],
        )  # fmt: skip
        row = self.w.table(sheet, told, row + 2, freeze=False, widths=False, wrap_in=widths)
        sheet.write_string(row + 1, 0, "What each figure counts", fmt["bold"])
        figures = Table(
            "Figures",
            [
                Col("Figure", 30),
                Col("Layouts", 26),
                Col("Shown on", 26),
                Col("What it counts", 90, LONG),
            ],
            list(figure_notes()),
        )
        row = self.w.table(sheet, figures, row + 2, freeze=False, widths=False, wrap_in=widths)
        for note in (note for layout in LAYOUTS.values() for note in _notes(layout)):
            row += 1
            sheet.write_string(row, 0, note, fmt["plain"])
        row += 1
        for layout in LAYOUTS.values():
            sheet.write_string(row + 1, 0, f"{layout.title}: fields", fmt["bold"])
            fields = Table(
                layout.title,
                [Col(t, w, LONG) for t, w in zip(GUIDANCE_COLUMNS, GUIDANCE_WIDTHS)],
                guidance_rows(layout),
            )
            named = self.w.table_name(f"Fields {layout.name}")
            row = self.w.table(sheet, fields, row + 2, name=named, freeze=False, widths=False,
                               wrap_in=widths)  # fmt: skip

    # --- one sheet per organisation ----------------------------------------------------------

    def _organisation(self, plan: Plan, sheet: Any, named: tuple[str, str]) -> None:
        """The organisation's header block with its flags beside it, then its rows; written
        row by row (the sheet may be streamed). ``named``: its two tables' names."""
        fmt = self.w.fmt
        self.w.title(sheet, plan.organisation)
        sheet.write_string(1, 0, f"{plan.layout.title}, as of {uk(self.c.as_of)}",
                           fmt["subtitle"])  # fmt: skip
        sheet.write_url(1, 3, "internal:'Overview'!A1", fmt["link"], string="Back to Overview")
        sheet.write_string(3, 3, "Flags", fmt["bold"])
        block = self._header_block(plan, sheet)
        block_end = max(block) + 2
        block.pop(3)()  # the row above the flags table; the rest goes beside it
        flag_end = self.w.table(sheet, tables.plan_flags(plan), 4, left=3, name=named[0],
                                freeze=False, widths=False, beside=block)  # fmt: skip
        row = max(block_end, flag_end + 1)
        last = plan.last_plan(self.c.as_of)
        if plan.rows is not None or last is not None:
            items = tables.plan_rows(last or plan)
            said = items.sheet
            if last is not None:
                said = (
                    f"{items.sheet} as its last return gave them, not this round's "
                    f"({source(last)}, updated {uk(last.updated) if last.updated else '?'})"
                )
            sheet.write_string(row, 0, said, fmt["bold"])
            self.w.table(sheet, items, row + 1, name=named[1], freeze=False, at_least=BLOCK)
            sheet.repeat_rows(row + 1)
            rest = {col: w for col, w in BLOCK.items() if col >= len(items.columns)}
        else:
            sheet.repeat_rows(4)  # the flags' header
            rest = BLOCK
        for col, width in rest.items():
            self.w.width(sheet, col, width)

    def _header_block(self, plan: Plan, sheet: Any) -> dict[int, Callable[[], Any]]:
        """What goes on each row of the header block, from row 3: where the return came from
        and each header field with its value, or that no return came."""
        fmt = self.w.fmt
        if not plan.has_return:
            block = {3: partial(sheet.write_string, 3, 0, "No return received this round.",
                                fmt["bold"])}  # fmt: skip
            if plan.contact:
                block[4] = partial(sheet.write_string, 4, 0, f"Contact: {plan.contact}",
                                   fmt["plain"])  # fmt: skip
        else:
            block = {3: partial(sheet.write_string, 3, 0, f"From {source(plan)}",
                                fmt["subtitle"])}  # fmt: skip
            for row, f in enumerate(plan.layout.header, start=4):
                block[row] = partial(self._header_value, sheet, row, f, plan.value(f.name))
        for row, (title, value) in enumerate(tables.plan_figures(plan), start=max(block) + 2):
            block[row] = partial(self._figure, sheet, row, title, value)
        return block

    def _figure(self, sheet: Any, row: int, title: str, value: int | None) -> None:
        sheet.write_string(row, 0, title, self.w.fmt["label"])
        if value is not None:
            sheet.write_number(row, 1, value, self.w.fmt["figure"])

    def _header_value(self, sheet: Any, row: int, f: Any, value: Any) -> None:
        if isinstance(value, str) and len(value) > 60:
            sheet.set_row(row, 13 * (len(value) // 60 + 1))
        sheet.write_string(row, 0, f.title, self.w.fmt["label"])
        self.w.value(sheet, row, 1, value, field_col(f).kind)
