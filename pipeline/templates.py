"""Write the templates partners fill in, one per organisation on a register.

Everything on the sheet comes from the layout declaration: labels, column titles, dropdowns
for every closed list, date and number validation, help shown when a cell is selected, and the
Guidance sheet. Input cells are unlocked and the rest protected (no password), so the template
is hard to fill wrongly. A very hidden stamp sheet records layout, template version and
organisation for the loader.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .catalogue import finding_words
from .contacts import completer_prefill
from .files import atomic_path
from .guidance import GUIDANCE_COLUMNS, GUIDANCE_WIDTHS, guidance_rows
from .layouts import Field, Kind, Layout
from .layouts.quarters import quarter_label, quarter_of
from .naming import safe_stem
from .paper import points, print_readably
from .registers import Register, RegisterEntry, organisation_key
from .returns import ROW, STAMP_SHEET, LoadedReturn, Stamp, records, stamp_rows
from .severity import RAG_FILLS
from .template_checks.guidance import input_message, write_check_rows
from .template_checks.sheet import ChecksWriter, place_of
from .template_paper import (
    BOX_ROWS,
    boxes_beside,
    first_page,
    header_columns,
    header_places,
    heading_row,
    template_paper,
    value_last,
)
from .values import KINDS, LINE_HEIGHT, wrapped_lines

# Empty rows offered below any carried-forward ones: a page's worth or so (a partner may
# insert more); a few below a list the template starts with (the Hallmarks requirements)
BLANK_ROWS, BLANK_ROWS_BELOW_A_LIST = 20, 5
BOX_ROW = 2  # the Ready to send box's row: between the note and the header fields
LONG_TEXT_HEIGHT = 90  # a long text box's height, where it has a row of its own
ROW_HEIGHT = 12.75  # points: Arial 10's own row height
TITLE_HEIGHT = 18  # the title's row (14 pt), a line of it
TITLE_WIDER = 1.5  # the title's characters are this much wider than the text's
BOLD = 1.1  # and a label's
REPRODUCIBLE = datetime(2000, 1, 1)  # fixed document dates, so regenerating gives equal bytes
_OPTIONS = {
    # Values are written with typed methods; text must never turn into a formula or a link.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
# Column widths are counted in the default font's characters: Arial's, which LibreOffice has
# everywhere (as Liberation Sans), where Calibri's stand-in there is far wider and would
# shrink every printed page.
DEFAULT_FONT = {"font_name": "Arial", "font_size": 10}


def workbook_options(**more: object) -> dict[str, object]:
    """xlsxwriter's options for every workbook we write, and ``more``: a new dict each time
    (xlsxwriter adds to the default font's)."""
    return {**_OPTIONS, "default_format_properties": dict(DEFAULT_FONT), **more}


def make_templates(
    layout: Layout,
    out_dir: Path,
    register: Register | None = None,
    previous: Mapping[str, LoadedReturn] | None = None,
    as_of: date | None = None,
    links: Callable[[str, str, date], str] | None = None,
) -> list[Path]:
    """Write one template per register entry into ``out_dir`` (a blank one with no register).

    ``previous`` (organisation key -> its latest return, from the store) pre-fills next
    round: the header as last returned and every action or task, so that a partner only
    changes what changed. Register values win for the fields the register owns. ``as_of``:
    the day of the round the templates are for (see ``write_template``); ``links(layout,
    organisation, day)``, where given, each organisation's upload link for that round (its
    Guidance names it). Returns the paths written.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if register is None:
        path = out_dir / f"{layout.name}-template.xlsx"
        write_template(path, layout, as_of=as_of)
        return [path]
    previous = previous or {}
    taken: set[str] = set()
    paths = []
    for entry in register.entries:
        last = previous.get(organisation_key(entry.organisation))
        path = out_dir / template_name(layout, entry.organisation, taken)
        link = links(layout.name, entry.organisation, as_of or date.today()) if links else None
        paths.append(write_prefilled(path, layout, entry, last, as_of, link))
    return paths


def template_name(layout: Layout, organisation: str, taken: set[str] | None = None) -> str:
    """The file name of an organisation's template: ``p44-Leeds.xlsx`` (made unique among
    ``taken``)."""
    return f"{layout.name}-{safe_stem(organisation, taken)}.xlsx"


def write_prefilled(
    path: Path,
    layout: Layout,
    entry: RegisterEntry,
    last: LoadedReturn | None = None,
    as_of: date | None = None,
    link: str | None = None,
) -> Path:
    """Write one register entry's template to ``path``, pre-filled from its ``last`` return
    (see ``carried_forward``) and its register values, which win for the fields the register
    owns; whoever completes it is one person, the last return's or the register's contact
    (``contacts.completer_prefill``)."""
    header, rows = carried_forward(layout, last) if last else ({}, [])
    header = {**header, **entry.prefill, **completer_prefill(layout, entry, last)}
    return write_template(path, layout, {k: v for k, v in header.items() if v is not None},
                          rows, entry.organisation, as_of, link)  # fmt: skip


def carried_forward(
    layout: Layout, last: LoadedReturn
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The header values and rows of a return that next round's template starts from."""
    header = {f.name: last.value(f.name) for f in layout.header if f.carried}
    rows = [{k: v for k, v in row.items() if k != ROW} for row in records(last.rows)]
    return {k: v for k, v in header.items() if v is not None}, rows


def starting_rows(layout: Layout, rows: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The rows a template starts with: the layout's listed rows (``Layout.starting_rows``,
    e.g. every Hallmarks requirement), each with what was returned for it before (matched by
    reference; the list's own columns stay as listed), then the other rows returned before."""
    listed = layout.starting_rows
    if not listed:
        return list(rows)
    ref = layout.reference or ""

    def key(row: Mapping[str, Any]) -> str:
        return str(row.get(ref) or "").strip().casefold()

    before = {key(row): row for row in rows if key(row)}
    merged = [{**before.pop(key(row), {}), **row} for row in listed]
    return merged + [row for row in rows if not key(row) or key(row) in before]


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
    return Path(path)


class _TemplateWriter:
    link: str | None = None  # the organisation's upload link, named on its Guidance

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
        self.ncols = len(layout.columns)
        self.paper = template_paper(layout)
        self.widths = self.paper.widths
        self.printed = [points(w) for w in self.widths]
        self.value_last = value_last(layout)
        self.naming = self.paper.naming  # columns kept in view
        self.plan_start = header.get(layout.plan_start) if layout.plan_start else None
        # the plan's quarter the round falls in, for a plan by quarters
        started = isinstance(self.plan_start, int) and as_of is not None
        self.this_quarter = quarter_of(self.plan_start, as_of) if started else None
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
        self._guidance()
        sheet = self.book.add_worksheet(self.layout.sheet)
        sheet.activate()
        heading = heading_row(self.layout)
        # the template's own checks: their colours before any other's (see ``template_checks``)
        checks = ChecksWriter(self.book, sheet, self.layout,
                              place_of(self.layout, heading, self._last_row(heading)),
                              stamped=self.organisation is not None)  # fmt: skip
        checks.colour()
        # Rows as tall as Arial 10 needs (not Calibri 11's 15 pt): the top that stays frozen
        # over the table is a sixth shorter.
        sheet.set_default_row(ROW_HEIGHT)
        title = self.layout.title + (f" — {self.organisation}" if self.organisation else "")
        for col, width in enumerate(self.widths):
            sheet.set_column(col, col, width)
        # the title and the note over the first printed page's columns (over those every page
        # repeats, on a plan printed across), wrapped: whole on every page
        last = self.naming - 1 if self.paper.breaks else first_page(self.layout) - 1
        wide = sum(self.widths[: last + 1])
        self._across(sheet, 0, last, title, self.fmt["title"], wide / TITLE_WIDER, TITLE_HEIGHT)
        note = ("Fill in the white cells; grey cells are pre-filled. The Guidance sheet says "
                "what to put in each field, and each cell shows a tip when selected.")  # fmt: skip
        self._across(sheet, 1, last, note, self.fmt["note"], wide, ROW_HEIGHT)
        self._header(sheet)
        self._table(sheet, heading)
        checks.write(BOX_ROW, first_page(self.layout) - 1, DEFAULT_FONT)
        sheet.protect(
            "",
            {"insert_rows": True, "format_columns": True, "format_rows": True, "autofilter": True},
        )
        sheet.freeze_panes(heading + 1, self.naming)
        self._print_setup(sheet, heading, self.printed, self.naming)
        if self.paper.breaks:  # a band a page across (see ``template_paper``)
            sheet.set_v_pagebreaks(list(self.paper.breaks))
        self._stamp()

    @staticmethod
    def _across(sheet: Any, row: int, last: int, text: str, fmt: Any, wide: float,
                height: float) -> None:  # fmt: skip
        """``text`` over columns 0 to ``last`` of ``row``, merged and wrapped (``wide``
        characters across), as tall as it needs."""
        if last > 0:
            sheet.merge_range(row, 0, row, last, "", fmt)
        sheet.write_string(row, 0, text, fmt)
        sheet.set_row(row, height * wrapped_lines(text, wide))

    def _print_setup(self, sheet: Any, heading_row: int, columns: list[float],
                     naming: int | None = None) -> None:  # fmt: skip
        """A4 by ``paper``'s rule (nothing under 8 pt: a wide sheet prints across pages, its
        first ``naming`` columns on each), ``heading_row`` repeated on every page, and a
        footer naming the plan and the page."""
        sheet.set_paper(9)
        print_readably(sheet, columns, repeat=naming)
        sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
        sheet.repeat_rows(heading_row)
        named = (self.organisation or self.layout.title)[:100].replace("&", "&&")  # (255 at most)
        sheet.set_footer(f"&L&10{named}&C&10Page &P of &N")

    def _guidance(self) -> None:
        sheet = self.book.add_worksheet("Guidance")
        title, wide = f"{self.layout.title}: guidance", sum(GUIDANCE_WIDTHS) / TITLE_WIDER
        self._across(sheet, 0, len(GUIDANCE_COLUMNS) - 1, title, self.fmt["title"], wide,
                     TITLE_HEIGHT)  # fmt: skip
        sheet.merge_range(1, 0, 1, len(GUIDANCE_COLUMNS) - 1, "", self.fmt["wrap"])
        sheet.write_string(1, 0, self.layout.guidance, self.fmt["wrap"])
        said = wrapped_lines(self.layout.guidance, sum(GUIDANCE_WIDTHS))
        sheet.set_row(1, max(60, LINE_HEIGHT * said + 4))
        if self.link:  # where to send it: the organisation's own upload page
            sheet.merge_range(2, 0, 2, len(GUIDANCE_COLUMNS) - 1, "", self.fmt["wrap"])
            sheet.set_row(2, LINE_HEIGHT * 2 + 4)
            sheet.write_url(2, 0, self.link, self.fmt["wrap"],
                            f"Send your return by uploading it at {self.link}: you will see at "
                            f"once whether it is accepted and what to fix.")  # fmt: skip
        for col, (title, width) in enumerate(zip(GUIDANCE_COLUMNS, GUIDANCE_WIDTHS)):
            sheet.set_column(col, col, width)
            sheet.write_string(3, col, title, self.fmt["heading"])
        for r, values in enumerate(guidance_rows(self.layout, self.as_of), start=4):
            for col, value in enumerate(values):
                sheet.write_string(r, col, str(value), self.fmt["wrap"])
            self._fit_height(sheet, r, zip(values, GUIDANCE_WIDTHS))
        write_check_rows(sheet, r + 2, self.layout, self.fmt, self._fit_height)
        sheet.freeze_panes(4, 0)
        self._print_setup(sheet, 3, [points(width) for width in GUIDANCE_WIDTHS])

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
        label_lines = wrapped_lines(f.title, sum(self.widths[: label_last + 1]) / BOLD)
        if f.kind is Kind.LONG_TEXT:
            sheet.set_row(row, LONG_TEXT_HEIGHT)
        elif label_lines > 1:  # (a label in one narrow column wraps)
            sheet.set_row(row, ROW_HEIGHT * label_lines)
        if not locked:
            self._validate(sheet, row, first, row, f)
        self._coloured(sheet, row, first, row, f)

    def _box(self, sheet: Any, top: int, label_col: int, last: int, f: Field) -> None:
        """A long text field beside the others: its label in column ``label_col``, its box
        to the right of it through column ``last``, ``BOX_ROWS`` rows tall (taller rows where
        the text carried forward needs them)."""
        bottom = top + BOX_ROWS - 1
        sheet.merge_range(top, label_col, bottom, label_col, "", self.fmt["label"])
        sheet.write_string(top, label_col, f.title, self.fmt["label"])
        value = self.header.get(f.name)
        locked = f.locked and value is not None
        cell_format = self._format(f, locked)
        sheet.merge_range(top, label_col + 1, bottom, last, "", cell_format)
        self._write(sheet, top, label_col + 1, value, f, cell_format)
        width = sum(self.widths[label_col + 1 : last + 1])
        lines = wrapped_lines(value, width) if isinstance(value, str) else 1
        if lines > BOX_ROWS:
            for row in range(top, bottom + 1):
                sheet.set_row(row, LINE_HEIGHT * lines / BOX_ROWS + 1)
        if not locked:
            self._validate(sheet, top, label_col + 1, top, f)

    def _table(self, sheet: Any, table_row: int) -> None:
        names = [f.name for f in self.layout.columns]
        for band in self.layout.bands:
            first, last = names.index(band.first), names.index(band.last)
            if self.paper.breaks:  # (printed across: not over the columns each page repeats)
                first = max(first, self.naming)
            if last > first:
                sheet.merge_range(table_row - 1, first, table_row - 1, last, "", self.fmt["band"])
            sheet.write_string(table_row - 1, first, band.title, self.fmt["band"])
        for col, f in enumerate(self.layout.columns):
            heading = self.fmt["heading now" if self._is_this_quarter(f) else "heading"]
            sheet.write_string(table_row, col, self._column_title(f), heading)
        lines = max(wrapped_lines(self._column_title(f), (width - 2) / TITLE_WIDER * 1.3)
                    for f, width in zip(self.layout.columns, self.widths))  # fmt: skip
        sheet.set_row(table_row, max(42, ROW_HEIGHT * lines + 4))
        last_row = self._last_row(table_row)
        for col, f in enumerate(self.layout.columns):
            formats = {locked: self._format(f, locked) for locked in (False, True)}
            lock = f.locked or self._reported(f)  # (a cell is locked only with a value in it)
            for r in range(table_row + 1, last_row + 1):
                values = self.rows[r - table_row - 1] if r - table_row - 1 < len(self.rows) else {}
                value = values.get(f.name)
                self._write(sheet, r, col, value, f, formats[lock and value is not None])
            self._validate(sheet, table_row + 1, col, last_row, f)
            self._coloured(sheet, table_row + 1, col, last_row, f)
        for r, values in enumerate(self.rows, start=table_row + 1):
            cells = zip((values.get(f.name) for f in self.layout.columns), self.widths)
            self._fit_height(sheet, r, cells)
        sheet.autofilter(table_row, 0, last_row, self.ncols - 1)

    def _last_row(self, table_row: int) -> int:
        """The table's last row: the rows it starts with, and blank ones below them."""
        blank = BLANK_ROWS_BELOW_A_LIST if self.layout.starting_rows else BLANK_ROWS
        return table_row + len(self.rows) + blank

    @staticmethod
    def _fit_height(sheet: Any, row: int, cells: Iterable[tuple[Any, float]]) -> None:
        """Make ``row`` tall enough for its texts, each wrapped in its column's width."""
        lines = max((wrapped_lines(value, width) for value, width in cells
                     if isinstance(value, str)), default=1)  # fmt: skip
        if lines > 1:
            sheet.set_row(row, LINE_HEIGHT * lines + 2)

    def _column_title(self, f: Field) -> str:
        if f.quarter is not None and isinstance(self.plan_start, int):
            months = quarter_label(self.plan_start, f.quarter)
            now = " (this quarter)" if self._is_this_quarter(f) else ""
            return f"{f.title} {months}{now}"
        return f.title

    def _is_this_quarter(self, f: Field) -> bool:
        """Whether ``f`` is the status of the quarter the round falls in."""
        return f.quarter is not None and f.quarter == self.this_quarter

    def _reported(self, f: Field) -> bool:
        """Whether ``f`` is a quarter before this one: its statuses were reported then."""
        return (
            f.quarter is not None
            and self.this_quarter is not None
            and f.quarter < self.this_quarter
        )

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
        rule = self._validation(f) or {"validate": "any"}  # (any: for its input message)
        rule.update({"input_title": f.title[:32], "input_message": input_message(self.layout, f)})
        if rule["validate"] != "any":
            rule.update({"error_title": f.title[:32], "show_error": True})
        sheet.data_validation(first, col, last, col, rule)

    def _validation(self, f: Field) -> dict[str, Any] | None:
        """What the cell accepts: one of its closed list, else what its kind accepts
        (``values.KINDS``), and what to do otherwise (the rule's words, ``catalogue``)."""
        kind = KINDS[f.kind]
        if f.choices is not None:
            accepts = {"validate": "list", "source": list(f.choices.values)}
            to_do = f"Choose one of: {', '.join(f.choices.values)}."
        elif kind.accepts is not None:
            accepts, to_do = kind.accepts(self.plan_start), finding_words(kind.rule).to_do
        else:
            return None
        return {"error_message": to_do[:255], **accepts}

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
