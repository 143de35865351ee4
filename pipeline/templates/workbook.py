"""One template's workbook, written: its plan sheet (header fields and the table of rows), its
Guidance sheet and its very hidden stamp.

Everything on the sheet comes from the layout declaration: labels, column titles, dropdowns
for every closed list, date and number validation, help shown when a cell is selected, and the
Guidance sheet. Input cells are unlocked and the rest protected (no password), so the template
is hard to fill wrongly. A very hidden stamp sheet records layout, template version and
organisation for the loader.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..declare import Field, Kind, Layout
from ..declare.severity import RAG_FILLS
from ..paper import DEFAULT_FONT, points, print_readably, workbook_options
from ..returns import STAMP_SHEET, Stamp, stamp_rows
from ..system.files import atomic_path
from ..values import KINDS, wrapped_lines
from .checks import ChecksWriter, place_of
from .guidance_sheet import across, write_guidance
from .heights import (
    MARGINS,
    NOTE,
    ROW_HEIGHT,
    TITLE_HEIGHT,
    TITLE_WIDER,
    fitted,
    page_height,
    room_below,
    title_last,
    title_of,
    top_heights,
)
from .how_checked import validation, write_how_checked
from .paper import (
    BOX_ROW,
    box_place,
    box_rows,
    boxes_beside,
    first_page,
    header_columns,
    header_places,
    heading_row,
    table_lines,
    template_paper,
    value_last,
)
from .rows import grow_as_typed
from .starting import starting_rows

# Empty rows offered below any carried-forward ones: a page's worth or so (a partner may
# insert more); a few below a list the template starts with (the Hallmarks requirements). Below
# rows a template starts with, only those that fit on its last printed page (``_last_row``).
BLANK_ROWS, A_FEW_BLANK_ROWS = 20, 5
REPRODUCIBLE = datetime(2000, 1, 1)  # fixed document dates, so regenerating gives equal bytes


def write_template(
    path: Path,
    layout: Layout,
    header: Mapping[str, Any] | None = None,
    rows: Sequence[Mapping[str, Any]] = (),
    organisation: str | None = None,
    as_of: date | None = None,
    link: str | None = None,
) -> Path:
    """Write one template to ``path``, pre-filled with ``header`` values and ``rows``.

    With ``as_of``, the day of the round it is for: the Guidance's examples are near that day,
    and a plan by quarters marks the quarter it falls in and locks the statuses already
    reported for the quarters before. ``link``: the organisation's upload link for the round
    (``pipeline serve``), which its Guidance names. Written to a temporary file beside
    ``path`` and renamed into place.
    """
    import xlsxwriter

    header = dict(header or {})
    rows = starting_rows(layout, rows)
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), workbook_options())
        book.set_properties(
            {"title": layout.title, "subject": organisation or "", "created": REPRODUCIBLE}
        )
        writer = _TemplateWriter(book, layout, header, rows, organisation, as_of)
        writer.link = link
        writer.write()
        book.close()
        grow_as_typed(tmp, writer.plan_sheet, writer.typed_rows, REPRODUCIBLE)
    return Path(path)


class _TemplateWriter:
    link: str | None = None  # the organisation's upload link, named on its Guidance
    plan_sheet = 1  # the plan sheet's place among the worksheets (after the Guidance)
    typed_rows: range = range(0)  # the table's rows, that grow as a partner types

    def __init__(
        self,
        book: Any,
        layout: Layout,
        header: dict[str, Any],
        rows: Sequence[Mapping[str, Any]],
        organisation: str | None,
        as_of: date | None,
    ) -> None:
        self.book, self.layout, self.header = book, layout, header
        self.rows, self.organisation, self.as_of = rows, organisation, as_of
        self.rag: dict[str, Any] = {}  # a RAG word's conditional format
        self.columns = layout.sheet_columns
        self.ncols = len(self.columns)
        self.lines = table_lines(layout, rows)  # the table's rows, and headings over them
        self.heights = top_heights(layout, header, organisation)  # (where not the default)
        self.paper = template_paper(layout)
        self.widths = self.paper.widths
        self.printed = [points(w) for w in self.widths]
        self.value_last = value_last(layout)
        self.naming = self.paper.naming  # columns kept in view
        # a plan by quarters: its first year, and its quarter the round falls in
        self.quarters = layout.hooks.quarters()
        self.plan_start = header.get(self.quarters.start) if self.quarters else None
        self.this_quarter = self.quarters.now(self.plan_start, as_of) if self.quarters else None
        base = {**DEFAULT_FONT, "valign": "top"}
        self.fmt = {
            "title": book.add_format({**base, "bold": True, "font_size": 14, "text_wrap": True}),
            "note": book.add_format(
                {**base, "italic": True, "font_color": "#555555", "text_wrap": True}
            ),
            "label": book.add_format(
                {**base, "bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True}
            ),
            "band": book.add_format(
                {**base, "bold": True, "bg_color": "#B4C6E7", "border": 1, "align": "center"}
            ),
            "heading": book.add_format(
                {**base, "bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True}
            ),
            "heading now": book.add_format(  # this quarter's column: the one to fill in
                {**base, "bold": True, "bg_color": "#FFE699", "border": 2, "text_wrap": True}
            ),
            "wrap": book.add_format({**base, "text_wrap": True}),
            # a heading row over its rows: its text runs on across the row (not wrapped)
            "section": book.add_format(
                {**base, "bold": True, "bg_color": "#DDEBF7", "top": 1, "bottom": 1}
            ),
        }
        for locked in (True, False):
            fill = {"bg_color": "#EDEDED"} if locked else {}
            common = {**base, **fill, "border": 1, "locked": locked}
            self.fmt[("text", locked)] = book.add_format({**common, "text_wrap": True})
            self.fmt[("date", locked)] = book.add_format({**common, "num_format": "dd/mm/yyyy"})
            self.fmt[("number", locked)] = book.add_format({**common, "num_format": "0"})
            # as typed: 6 shows 6 (Excel shows "0.##" as "6.")
            self.fmt[("decimal", locked)] = book.add_format({**common, "num_format": "General"})

    def write(self) -> None:
        write_guidance(self.book, self.layout, self.fmt, self._fit_height, self._print_setup,
                       self.as_of, self.link)  # fmt: skip
        sheet = self.book.add_worksheet(self.layout.sheet)
        sheet.activate()
        heading = heading_row(self.layout)
        self.plan_sheet = self.book.worksheets().index(sheet)
        self.breaks: list[int] = []  # rows that begin a printed page (``_last_row``)
        self.last = self._last_row(heading)
        self.typed_rows = range(heading + 1, self.last + 1)
        # the template's own checks: their colours before any other's (see ``checks``)
        place = place_of(self.layout, heading, self.last, self._headings(heading))
        checks = ChecksWriter(self.book, sheet, self.layout, place,
                              stamped=self.organisation is not None)  # fmt: skip
        checks.colour()
        # Rows as tall as Arial 10 needs (not Calibri 11's 15 pt): the top that stays frozen
        # over the table is a sixth shorter.
        sheet.set_default_row(ROW_HEIGHT)
        for col, width in enumerate(self.widths):
            sheet.set_column(col, col, width)
        # the title and the note over the first printed page's columns (over those every page
        # repeats, on a plan printed across), wrapped: whole on every page
        last = title_last(self.layout)
        wide = sum(self.widths[: last + 1])
        title = title_of(self.layout, self.organisation)
        across(sheet, 0, last, title, self.fmt["title"], wide / TITLE_WIDER, TITLE_HEIGHT)
        across(sheet, 1, last, NOTE, self.fmt["note"], wide, ROW_HEIGHT)
        self._header(sheet)
        self._table(sheet, heading)
        sheet.protect(
            "",
            {"insert_rows": True, "format_columns": True, "format_rows": True, "autofilter": True},
        )
        sheet.freeze_panes(heading + 1, self.naming)
        self._print_setup(sheet, heading, self.printed, self.naming)
        if self.paper.breaks:  # a band a page across (see ``template_paper``)
            sheet.set_v_pagebreaks(list(self.paper.breaks))
        if self.breaks:  # (see ``_last_row``)
            sheet.set_h_pagebreaks(self.breaks)
        write_how_checked(self.book, self.layout, self.fmt, self._fit_height, self._print_setup,
                          stamped=self.organisation is not None)  # fmt: skip
        sheet.set_row(BOX_ROW, self.heights[BOX_ROW])  # (as tall as the box needs)
        checks.write(box_place(self.layout), DEFAULT_FONT)  # (and the _checks sheet)
        self._stamp()

    def _print_setup(self, sheet: Any, heading_row: int, columns: list[float],
                     naming: int | None = None) -> None:  # fmt: skip
        """A4 by ``paper``'s rule (nothing under 8 pt: a wide sheet prints across pages, its
        first ``naming`` columns on each), ``heading_row`` repeated on every page, and a
        footer naming the plan and the page."""
        sheet.set_paper(9)
        print_readably(sheet, columns, repeat=naming)
        sheet.set_margins(**MARGINS)
        sheet.repeat_rows(heading_row)
        named = (self.organisation or self.layout.title)[:100].replace("&", "&&")  # (255 at most)
        sheet.set_footer(f"&L&10{named}&C&10Page &P of &N")

    def _header(self, sheet: Any) -> None:
        """Write the header fields, each label beside its value (see ``header_places``)."""
        beside, places = boxes_beside(self.layout), header_places(self.layout)
        for f in self.layout.header:
            row, col = places[f.name]
            if beside and f.kind is Kind.LONG_TEXT:
                self._box(sheet, row, col - 1, beside[1], f)
            else:
                self._header_field(sheet, row, f)

    def _header_field(self, sheet: Any, row: int, f: Field) -> None:
        label_last, first = header_columns(self.layout)
        if label_last:
            sheet.merge_range(row, 0, row, label_last, "", self.fmt["label"])
        sheet.write_string(row, 0, f.title, self.fmt["label"])
        value = self.header.get(f.name)
        locked = f.locked and value is not None
        last = first_page(self.layout) - 1 if f.kind is Kind.LONG_TEXT else self.value_last
        cell_format = self._format(f, locked)
        if last > first:  # (a narrow table leaves the value one cell)
            sheet.merge_range(row, first, row, last, "", cell_format)
        self._write(sheet, row, first, value, f, cell_format)
        if row in self.heights:  # (a label that wraps, a long text: ``top_heights``)
            sheet.set_row(row, self.heights[row])
        if not locked:
            self._validate(sheet, row, first, row, f)
        self._coloured(sheet, row, first, row, f)

    def _box(self, sheet: Any, top: int, label_col: int, last: int, f: Field) -> None:
        """A long text field beside the others: its label in column ``label_col``, its box
        to the right of it through column ``last``, ``box_rows`` tall (taller rows where the
        text carried forward needs them)."""
        tall = box_rows(self.layout)
        bottom = top + tall - 1
        sheet.merge_range(top, label_col, bottom, label_col, "", self.fmt["label"])
        sheet.write_string(top, label_col, f.title, self.fmt["label"])
        value = self.header.get(f.name)
        locked = f.locked and value is not None
        cell_format = self._format(f, locked)
        sheet.merge_range(top, label_col + 1, bottom, last, "", cell_format)
        self._write(sheet, top, label_col + 1, value, f, cell_format)
        for row in range(top, bottom + 1):  # (taller where its text needs: ``top_heights``)
            if row in self.heights:
                sheet.set_row(row, self.heights[row])
        if not locked:
            self._validate(sheet, top, label_col + 1, top, f)

    def _table(self, sheet: Any, table_row: int) -> None:
        names = [f.name for f in self.columns]
        for band in self.layout.bands:
            first, last = names.index(band.first), names.index(band.last)
            if self.paper.breaks:  # (printed across: not over the columns each page repeats)
                first = max(first, self.naming)
            if last > first:
                sheet.merge_range(table_row - 1, first, table_row - 1, last, "", self.fmt["band"])
            sheet.write_string(table_row - 1, first, band.title, self.fmt["band"])
        for col, f in enumerate(self.columns):
            heading = self.fmt["heading now" if self._is_this_quarter(f) else "heading"]
            sheet.write_string(table_row, col, self._column_title(f), heading)
        sheet.set_row(table_row, self._titles_height())
        last_row = self.last
        rows = {r: line for r, line in enumerate(self.lines, start=table_row + 1)}
        for col, f in enumerate(self.columns):
            formats = {locked: self._format(f, locked) for locked in (False, True)}
            lock = f.locked or self._reported(f)  # (a cell is locked only with a value in it)
            for r in range(table_row + 1, last_row + 1):
                values = rows.get(r, {})
                if isinstance(values, str):
                    continue  # (a heading row: below)
                value = values.get(f.name)
                self._write(sheet, r, col, value, f, formats[lock and value is not None])
            self._validate(sheet, table_row + 1, col, last_row, f)
            self._coloured(sheet, table_row + 1, col, last_row, f)
        for r, values in rows.items():
            if isinstance(values, str):  # a heading, across the row, locked
                sheet.write_string(r, 0, values, self.fmt["section"])
                for col in range(1, self.ncols):
                    sheet.write_blank(r, col, None, self.fmt["section"])
                continue
            self._fit_height(sheet, r, self._cells(values))
        sheet.autofilter(table_row, 0, last_row, self.ncols - 1)

    def _titles_height(self) -> float:
        """How tall the row of column titles is: as its titles need (it is repeated on every
        printed page: no taller)."""
        lines = max(wrapped_lines(self._column_title(f), (width - 2) / TITLE_WIDER * 1.3)
                    for f, width in zip(self.columns, self.widths))  # fmt: skip
        return ROW_HEIGHT * lines + 4

    def _last_row(self, table_row: int) -> int:
        """The table's last row: the rows it starts with (and headings over them), and blank
        ones below them: a page's worth, or a few below a list (``heights.room_below``)."""
        blank = A_FEW_BLANK_ROWS if self.layout.hooks.starting_rows() else BLANK_ROWS
        if self.rows:
            tall = [self.heights.get(r, ROW_HEIGHT) for r in range(table_row)]
            tall.append(self._titles_height())
            for line in self.lines:
                cells = () if isinstance(line, str) else self._cells(line)
                tall.append(fitted(cells) or ROW_HEIGHT)
            blank, self.breaks = room_below(tall, self._titles_height(), page_height(self.layout),
                                            blank, A_FEW_BLANK_ROWS)  # fmt: skip
        return table_row + len(self.lines) + blank

    def _cells(self, values: Mapping[str, Any]) -> Iterable[tuple[Any, float]]:
        """A row's values, each with its column's width."""
        return zip((values.get(f.name) for f in self.columns), self.widths)

    def _headings(self, table_row: int) -> frozenset[int]:
        """The table's heading rows (``paper.table_lines``)."""
        return frozenset(r for r, line in enumerate(self.lines, start=table_row + 1)
                         if isinstance(line, str))  # fmt: skip

    @staticmethod
    def _fit_height(sheet: Any, row: int, cells: Iterable[tuple[Any, float]]) -> None:
        """Make ``row`` tall enough for its texts, each wrapped in its column's width."""
        height = fitted(cells)
        if height is not None:
            sheet.set_row(row, height)

    def _quarter(self, f: Field) -> int | None:
        """Which of the plan's quarters ``f`` is the status of (None: no quarter's)."""
        return self.quarters.number(f.name) if self.quarters else None

    def _column_title(self, f: Field) -> str:
        quarter = self._quarter(f)
        if quarter is not None and isinstance(self.plan_start, int):
            months = self.quarters.label(self.plan_start, quarter)
            now = " (this quarter)" if self._is_this_quarter(f) else ""
            return f"{f.title} {months}{now}"
        return f.title

    def _is_this_quarter(self, f: Field) -> bool:
        """Whether ``f`` is the status of the quarter the round falls in."""
        quarter = self._quarter(f)
        return quarter is not None and quarter == self.this_quarter

    def _reported(self, f: Field) -> bool:
        """Whether ``f`` is a quarter before this one: its statuses were reported then."""
        quarter = self._quarter(f)
        return quarter is not None and self.this_quarter is not None and quarter < self.this_quarter

    def _coloured(self, sheet: Any, first: int, col: int, last: int, f: Field) -> None:
        """A value of ``f``'s closed list that has a RAG colour (Red, a Gap, Completed...) is
        coloured as it is chosen, as the managers' workbook colours it."""
        rag = f.choices.rag if f.choices is not None else {}
        for value, colour in rag.items():
            if colour not in self.rag:
                self.rag[colour] = self.book.add_format({"bg_color": f"#{RAG_FILLS[colour]}"})
            quoted = '"' + value.replace('"', '""') + '"'
            sheet.conditional_format(first, col, last, col, {
                "type": "cell", "criteria": "==", "value": quoted, "format": self.rag[colour],
            })  # fmt: skip

    def _format(self, f: Field, locked: bool) -> Any:
        return self.fmt[(KINDS[f.kind].cell_format, locked)]

    def _write(self, sheet: Any, row: int, col: int, value: Any, f: Field, fmt: Any) -> None:
        if value is None or value == "":
            sheet.write_blank(row, col, None, fmt)
        elif isinstance(value, date):
            day = (
                value
                if isinstance(value, datetime)
                else datetime(value.year, value.month, value.day)
            )
            sheet.write_datetime(row, col, day, fmt)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            sheet.write_number(row, col, value, fmt)
        else:
            sheet.write_string(row, col, str(value), fmt)

    def _validate(self, sheet: Any, first: int, col: int, last: int, f: Field) -> None:
        sheet.data_validation(first, col, last, col, validation(self.layout, f, self.plan_start))

    def _stamp(self) -> None:
        sheet = self.book.add_worksheet(STAMP_SHEET)
        stamp = Stamp(self.layout.name, self.layout.template_version, self.organisation)
        for r, (key, value) in enumerate(stamp_rows(stamp)):
            sheet.write_string(r, 0, key)
            if isinstance(value, int):
                sheet.write_number(r, 1, value)
            else:
                sheet.write_string(r, 1, str(value))
        sheet.very_hidden()
