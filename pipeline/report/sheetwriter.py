"""The toolkit every sheet of the consolidated workbook is written with: formats, typed
values, Excel tables, widths that fit their content, and print set-up.

No text written through it is longer than a cell holds (``values.CELL_LIMIT``): a longer one
is cut to fit, ending in "…", where xlsxwriter would cut it silently.

It writes through a ``writer.Writer`` and does not know which one: the fast path streams
sheets and renders rows itself, the plain one uses xlsxwriter's public API (see ``writer``)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from ..declare.severity import RAG_FILLS
from ..naming import plain
from ..paper import DEFAULT_FONT, points, print_readably
from ..system.timing import count
from ..values import CELL_LIMIT, LINE_HEIGHT, fit_cell, is_email, uk, wrapped_lines
from .engine import choose
from .tables import (
    DATE,
    EMAIL,
    INT,
    LONG,
    NUMBER,
    NUMERIC,
    PERCENT,
    RAG,
    TEXT,
    TRAIL,
    Col,
    Table,
)  # fmt: skip
from .widths import FILTER_BUTTON, fit_columns, heading_lines, row_heights
from .writer import EXCEL_DAY_ZERO, Writer

HEADING = {"bold": True, "text_wrap": True, "font_color": "#FFFFFF", "bg_color": "#4472C4"}
RAG_COLOURS = {word: f"#{fill}" for word, fill in RAG_FILLS.items()}
OWN_COLOURS = {word: word for word in RAG_COLOURS}  # a RAG column's values: their own colour
# a trail's letters in their RAG's colour (dark enough to read on paper, in grey too)
TRAIL_COLOURS = {"R": "#C00000", "A": "#B07800", "G": "#2E7D32"}
WIDTH_SAMPLE = 2_000  # rows looked at to fit a column's width
DEFAULT_WIDTH = 8.43  # a column whose width was never set
FORMULA_TEXT = 255  # characters a formula's text may have (Excel's limit)
FOOTER_NAME = 120  # characters of a name a footer shows (Excel allows 255 in all)
_SURELY_FITS = CELL_LIMIT // 2  # a text no longer than this fits a cell, however it is counted


class SheetWriter:
    """Writes tables and values onto sheets of one xlsxwriter workbook, through ``writer``
    (by default, ``engine.choose()``'s); its tables are fitted to a landscape page, or to a
    ``portrait`` one.

    Rows are written in order, top to bottom: a sheet may be streamed (see ``writer``), and a
    streamed sheet writes each row out as soon as the next begins. Every table is an Excel
    table.
    """

    def __init__(
        self, book: Any, as_of: date, writer: Writer | None = None, portrait: bool = False
    ) -> None:
        self.book, self.as_of, self.portrait = book, as_of, portrait
        self.writer = writer or choose()
        base = {**DEFAULT_FONT, "valign": "top"}
        specs = {
            "plain": base,
            "rag": {**base, "align": "left", "indent": 1},  # clear of a number beside it
            "wrap": {**base, "text_wrap": True},
            DATE: {**base, "num_format": "dd/mm/yyyy"},
            INT: {**base, "num_format": "0"},
            NUMBER: {**base, "num_format": "General"},  # 6 as 6, 6.5 as 6.5 (not "6.")
            PERCENT: {**base, "num_format": "0%"},
            "title": {**base, "bold": True, "font_size": 16},
            "subtitle": {**base, "font_size": 11, "font_color": "#404040"},
            "bold": {**base, "bold": True, "font_size": 11},
            "label": {**base, "bold": True, "bg_color": "#D9E1F2", "text_wrap": True},
            "link": {**base, "font_color": "#0563C1", "underline": 1},
            "figure": {**base, "bold": True, "num_format": "0", "align": "left"},
            "date left": {**base, "num_format": "dd/mm/yyyy", "align": "left"},
            "red": {**base, "bold": True, "bg_color": RAG_COLOURS["Red"]},
            "amber": {**base, "bold": True, "bg_color": RAG_COLOURS["Amber"]},
            "heading": HEADING | base,
            "heading right": HEADING | base | {"align": "right"},  # over numbers
        }
        for word, colour in RAG_COLOURS.items():  # a key to the colours a sheet uses
            specs[f"band {word}"] = {**base, "bg_color": colour}
        # a share with the sign that one of its Statutory requirements is a Gap
        specs["gap"] = {**base, "bold": True, "font_color": "#9C0006", "num_format": '0%" (gap)"'}
        # a line of text across a page, wrapped (the meeting pack's)
        for style in ("plain", "subtitle", "bold", "red", "amber", "link"):
            specs[f"{style} wrapped"] = {**specs[style], "text_wrap": True}
        self.fmt = {name: book.add_format(spec) for name, spec in specs.items()}
        self.rag = {k: book.add_format({"bg_color": v}) for k, v in RAG_COLOURS.items()}
        # a value that means trouble (``Col.alarm``): the Red fill, in dark red
        self.trouble = book.add_format({"bg_color": RAG_COLOURS["Red"], "font_color": "#9C0006"})
        fmt = self.fmt
        self.of_kind = {TEXT: fmt["plain"], LONG: fmt["wrap"], RAG: fmt["rag"], DATE: fmt[DATE],
                        INT: fmt[INT], NUMBER: fmt[NUMBER], PERCENT: fmt[PERCENT],
                        TRAIL: fmt["plain"], EMAIL: fmt["link"]}  # fmt: skip
        self.trail = {letter: book.add_format({**base, "bold": True, "font_color": colour})
                      for letter, colour in TRAIL_COLOURS.items()}  # fmt: skip
        self.trail_other = book.add_format({**base, "font_color": "#808080"})
        self.table_names: set[str] = set()
        self.widths: dict[int, dict[int, float]] = {}  # each sheet's column widths, as set
        self.printed_through: dict[int, int] = {}  # each sheet's last printed column
        self.print_rows: dict[int, int] = {}  # a sheet that prints only its first rows: the last

    def _column_writer(self, sheet: Any, kind: str) -> Callable[[int, int, Any], Any]:
        """The quickest way to write a column's values: its usual type directly (through the
        writer's ``cell_writers``), anything else through ``value``. (Hot: a large round writes
        millions of cells.)"""
        general = self.value
        write, number = self.writer.cell_writers(sheet)
        if kind == TRAIL:
            return lambda row, col, value: self._trail(sheet, row, col, str(value))
        if kind == EMAIL:
            return lambda row, col, value: self._email(sheet, row, col, value)
        if kind in (TEXT, LONG, RAG):
            fmt = self.of_kind[kind]

            def text(row: int, col: int, value: Any) -> None:
                if type(value) is str:
                    write(row, col, value if len(value) <= _SURELY_FITS else fit_cell(value), fmt)
                else:
                    general(sheet, row, col, value, kind)

            return text
        if kind == DATE:
            fmt = self.of_kind[DATE]

            def day(row: int, col: int, value: Any) -> None:
                if type(value) is date:  # written as its Excel serial: much quicker
                    number(row, col, value.toordinal() - EXCEL_DAY_ZERO, fmt)
                else:
                    general(sheet, row, col, value, kind)

            return day
        fmt = self.of_kind[kind]

        def num(row: int, col: int, value: Any) -> None:
            if type(value) is int or type(value) is float:
                number(row, col, value, fmt)
            else:
                general(sheet, row, col, value, kind)

        return num

    def _trail(self, sheet: Any, row: int, col: int, text: str) -> None:
        """A trail (``A A G R``), each letter in its RAG's colour, the rest grey."""
        letters = text.split(" ")
        if getattr(sheet, "constant_memory", False):
            # a streamed sheet writes its strings inline, where other readers (openpyxl) take
            # rich text for its XML: a large round's trails are plain
            sheet.write_string(row, col, text, self.fmt["plain"])
            return
        pieces: list[Any] = []
        for n, letter in enumerate(letters):
            pieces += [self.trail.get(letter, self.trail_other), (" " if n else "") + letter]
        if len(letters) == 1:  # (a rich string needs two pieces)
            sheet.write_string(row, col, text, pieces[0])
        else:
            sheet.write_rich_string(row, col, *pieces, self.fmt["plain"])

    def _email(self, sheet: Any, row: int, col: int, value: Any) -> None:
        """An email address as a link that starts a message to it; anything else as text."""
        if not is_email(value) or sheet.write_url(
            row, col, f"mailto:{value}", self.fmt["link"], string=value
        ):  # (a link xlsxwriter refuses, such as one too long, is written as text)
            self.value(sheet, row, col, value)

    def _link(self, sheet: Any, row: int, col: int, target: str, text: str, fmt: Any,
              wraps_in: float | None) -> None:  # fmt: skip
        """A link to ``target`` (in the workbook) showing ``text``: a HYPERLINK formula where it
        wraps in ``wraps_in`` (LibreOffice wraps its result; a cell's link, it cuts at one line)."""
        if wraps_in is None or len(text) > FORMULA_TEXT or wrapped_lines(text, wraps_in) == 1:
            sheet.write_url(row, col, f"internal:{target}", fmt, string=text)
        else:
            quoted = [f'"{part.replace(chr(34), chr(34) * 2)}"' for part in (f"#{target}", text)]
            sheet.write_formula(row, col, f"=HYPERLINK({quoted[0]},{quoted[1]})", fmt, text)

    def title(self, sheet: Any, text: str) -> None:
        """A sheet's title, in its first row."""
        sheet.write_string(0, 0, fit_cell(text), self.fmt["title"])
        sheet.set_row(0, 24)

    def lead(self, sheet: Any, row: int, text: str, span: int, style: str = "subtitle") -> int:
        """``text`` across the sheet's first ``span`` columns (their widths set by now),
        merged and wrapped, as tall as it needs: a line that prints whole inside the page
        rather than running off it. Returns the next row."""
        widths = self.widths.get(id(sheet), {})
        wide = sum(widths.get(col, DEFAULT_WIDTH) for col in range(span))
        fmt = self.fmt[f"{style} wrapped"]
        if span > 1:
            sheet.merge_range(row, 0, row, span - 1, "", fmt)
        sheet.write_string(row, 0, fit_cell(text), fmt)
        lines = wrapped_lines(text, wide / (1.0 if style == "plain" else 1.15))
        if lines > 1:
            sheet.set_row(row, min(LINE_HEIGHT * lines + 3, 409))
        return row + 1

    def value(self, sheet: Any, row: int, col: int, value: Any, kind: str = TEXT) -> None:
        """Write one value by its type; strings always as text, never as formulas."""
        if value is None or (isinstance(value, float) and value != value):
            return
        if isinstance(value, date):
            day = value if isinstance(value, datetime) else datetime(*value.timetuple()[:3])
            sheet.write_datetime(row, col, day, self.fmt[DATE])
        elif isinstance(value, bool):
            sheet.write_string(row, col, "Yes" if value else "No", self.fmt["plain"])
        elif isinstance(value, int | float):
            number_format = self.fmt[kind if kind in (INT, PERCENT) else NUMBER]
            sheet.write_number(row, col, value, number_format)
        else:
            text, fmt = fit_cell(str(value)), self.fmt["wrap" if kind == LONG else "plain"]
            sheet.write_string(row, col, text, fmt)

    def table(
        self,
        sheet: Any,
        table: Table,
        top: int,
        left: int = 0,
        name: str | None = None,
        freeze: bool = True,
        widths: bool = True,
        link: Callable[[int], str | None] | None = None,
        beside: dict[int, Callable[[], Any]] | None = None,
        wrap_in: Sequence[float] | None = None,
        at_least: Mapping[int, float] | None = None,
        filters: bool = True,
    ) -> int:
        """Write ``table`` as an Excel table with its header at row ``top``, named ``name``
        (made by ``table_name``; by default, one is made from the sheet's name). The main table
        of a sheet has its header frozen and repeated on every printed page. ``link(i)`` may
        give an internal link for row ``i``'s first cell. ``beside[r]()`` writes whatever else
        is on row ``r`` (rows are written in order: the sheet may be streamed). Its columns'
        widths fit it (``fit``: its printed columns one page wide, long texts wrapped), and are
        ``at_least[col]`` wide where something else on the sheet needs that. Its long texts
        wrap, each row as tall as its longest, in ``wrap_in``'s widths (the sheet's, by column)
        where given, else in their column's; its headings wrap whole. Only its printed columns
        (``Table.printed``) are in the sheet's print area. ``filters``: False for a table
        without filter buttons (its headings then have their whole width). Returns the next row."""
        beside = dict(beside or {})
        last = top + max(len(table), 1)
        right = left + len(table.columns) - 1
        rows = table.iter_rows()
        sample = list(itertools.islice(rows, WIDTH_SAMPLE)) if widths else []
        columns = table.columns
        if widths:
            columns = self.fit(sheet, columns, sample, left, at_least, table.printed, filters)
        self._prints_through(sheet, left + table.printed - 1)
        button = FILTER_BUTTON if filters else 1
        set_widths = self.widths.get(id(sheet), {})
        shown = [wrap_in[left + j] if wrap_in else set_widths.get(left + j, c.width)
                 for j, c in enumerate(columns)]  # fmt: skip
        lines = max(heading_lines(c.title, w, button) for c, w in zip(columns, shown))
        if lines > 1:
            sheet.set_row(top, LINE_HEIGHT * lines + 4)
        if top in beside:
            beside.pop(top)()
        name = name or self.table_name(table.sheet)
        self.writer.add_table(sheet, top, left, last, right, {
            "name": name,
            "style": "Table Style Light 9",
            "columns": [{"header": c.title} for c in columns],
            **({} if filters else {"autofilter": False}),
        })  # fmt: skip
        # Headings over numbers align with them, except under filter buttons, which would
        # cover a right-aligned heading's end and crowd the next column's start.
        over_numbers = "heading" if filters else "heading right"
        for col, column in enumerate(columns, start=left):
            heading = self.fmt[over_numbers if column.kind in NUMERIC else "heading"]
            sheet.write_string(top, col, column.title, heading)
        link_format = self.fmt["link wrapped" if columns[0].kind == LONG else "link"]
        kinds = [c.kind for c in columns]
        writers = [self._column_writer(sheet, kind) for kind in kinds]
        direct = self.writer.row_writer(sheet, left, kinds, self.of_kind)
        places = range(left, left + len(writers))
        # long texts wrap: each row is as tall as its longest, in its column's width
        height_of = row_heights([(j, shown[j]) for j, c in enumerate(columns) if c.kind == LONG])
        name_in = shown[0] if columns[0].kind == LONG else None  # (a linked name wraps)
        for i, row in enumerate(itertools.chain(sample, rows)):
            r = top + 1 + i
            target = link(i) if link else None
            height = height_of(row)
            if direct and not target and r not in beside and direct.write(r, row, height):
                continue
            if r in beside:
                beside.pop(r)()
            if height is not None:
                sheet.set_row(r, height)
            for col, value, write in zip(places, row, writers):
                if value is not None:
                    write(r, col, value)
            if target:
                self._link(sheet, r, left, target, fit_cell(str(row[0])), link_format, name_in)
        for r in sorted(beside):
            beside[r]()
        count("cells", len(table) * len(columns))
        if freeze:
            sheet.freeze_panes(top + 1, 0)
            sheet.repeat_rows(top)
        for col, column in enumerate(columns, start=left):
            colours = column.colours or (OWN_COLOURS if column.kind == RAG else {})
            for word, colour in colours.items():
                quoted = '"' + word.replace('"', '""') + '"'
                sheet.conditional_format(top + 1, col, last, col, {
                    "type": "cell", "criteria": "==", "value": quoted, "format": self.rag[colour],
                })  # fmt: skip
        for col, column in enumerate(columns, start=left):
            if column.alarm is not None:
                sheet.conditional_format(top + 1, col, last, col,
                                         {**column.alarm, "format": self.trouble})  # fmt: skip
        return last + 1

    def fit(
        self,
        sheet: Any,
        columns: list[Col],
        sample: list[tuple[Any, ...]],
        left: int = 0,
        at_least: Mapping[int, float] | None = None,
        printed: int | None = None,
        filters: bool = True,
        reserve: float = 0,
    ) -> list[Col]:
        """Set the widths ``widths.fit_columns`` gives ``columns`` on ``sheet`` (from column
        ``left``); returns the columns as they are to be written (a text narrowed to fit the
        page, wrapped)."""
        widths, written = fit_columns(columns, sample, left, at_least, printed, filters, reserve,
                                      self.portrait)  # fmt: skip
        for j, width in enumerate(widths):
            self.width(sheet, left + j, width)
        return written

    def fitted(
        self,
        sheet: Any,
        table: Table,
        left: int = 0,
        at_least: Mapping[int, float] | None = None,
        filters: bool = True,
        reserve: float = 0,
    ) -> Table:
        """``table`` with its columns fitted (``fit``) and their widths set on ``sheet``, to be
        written later with ``table(..., widths=False)``: for a sheet whose other rows need
        the widths first. ``reserve``: points of the page other columns take."""
        sample = list(itertools.islice(table.iter_rows(), WIDTH_SAMPLE))
        columns = self.fit(sheet, table.columns, sample, left, at_least, table.printed, filters,
                           reserve)  # fmt: skip
        return table.with_columns(columns)

    def _prints_through(self, sheet: Any, col: int) -> None:
        """Column ``col`` (and those left of it) of ``sheet`` is printed."""
        sheets = self.printed_through
        sheets[id(sheet)] = max(sheets.get(id(sheet), -1), col)

    def width(self, sheet: Any, col: int, width: float) -> None:
        """Set column ``col``'s width (in characters), remembered for ``readable``."""
        self.widths.setdefault(id(sheet), {})[col] = width
        sheet.set_column(col, col, width)

    def print_setup(self, sheet: Any, name: str) -> None:
        """A4 with a footer (sheet name, page, as-of date); once written, ``readable``
        chooses how it fits the page."""
        sheet.set_paper(9)
        sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
        named = plain(name)[:FOOTER_NAME].replace("&", "&&")
        footer = f"&L&10{named}&C&10Page &P of &N&R&10As of {uk(self.as_of)}"
        sheet.set_footer(footer)

    def readable(self, sheet: Any, portrait: bool | None = None) -> None:
        """Print ``sheet`` (its columns as set by now) by ``paper``'s rule: its printed columns
        (all but those its tables keep for the screen alone) one page wide, portrait where
        they fit it (unless ``portrait`` says otherwise)."""
        widths = self.widths.get(id(sheet), {})
        every = max(widths, default=-1) + 1
        through = self.printed_through.get(id(sheet), every - 1)
        columns = [points(widths.get(col, DEFAULT_WIDTH)) for col in range(through + 1)]
        if columns:  # (a text running on to the right is cut at the page, not printed smaller)
            last_row = sheet.dim_rowmax if sheet.dim_rowmax is not None else 0
            sheet.print_area(0, 0, self.print_rows.get(id(sheet), last_row), len(columns) - 1)
        print_readably(sheet, columns, portrait)

    def table_name(self, wanted: str) -> str:
        """An Excel table name made from ``wanted``: letters, digits and underscores, unique
        among those this writer has made. (A sheet written in another process must have its
        tables' names made here, before: see ``writer``.)"""
        stem = "".join(ch if ch.isalnum() else "_" for ch in wanted)[:200]
        stem = stem if stem[:1].isalpha() else f"T_{stem}"
        name, n = stem, 1
        while name.lower() in self.table_names:
            n += 1
            name = f"{stem}_{n}"
        self.table_names.add(name.lower())
        return name
