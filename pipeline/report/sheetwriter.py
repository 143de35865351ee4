"""The toolkit every sheet of the consolidated workbook is written with: formats, typed
values, Excel tables, widths that fit their content, and print set-up."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from ..timing import count
from ..values import uk
from .tables import DATE, INT, LONG, NUMBER, RAG, TEXT, Col, Table

RAG_COLOURS = {"Red": "#F4B6B6", "Amber": "#FFE199", "Green": "#B7E1B0"}
WIDEST = {TEXT: 50, LONG: 70, DATE: 11, INT: 14, NUMBER: 14, RAG: 12}
WIDTH_SAMPLE = 2_000  # rows looked at to fit a column's width
_EXCEL_DAY_ZERO = date(1899, 12, 30).toordinal()  # Excel's serial 0 (1900 date system)


class SheetWriter:
    """Writes tables and values onto sheets of one xlsxwriter workbook.

    A streamed sheet (xlsxwriter's constant_memory mode: every sheet of a very large round,
    and those made by ``parallel.streamed_sheet``) writes each row out as soon as the next
    begins, so rows must come in order, and its tables are plain ranges with a filter (Excel
    tables need the whole sheet in memory).
    """

    def __init__(self, book: Any, as_of: date) -> None:
        self.book, self.as_of = book, as_of
        base = {"font_name": "Arial", "font_size": 10, "valign": "top"}
        self.fmt = {
            "plain": book.add_format(base),
            "wrap": book.add_format({**base, "text_wrap": True}),
            DATE: book.add_format({**base, "num_format": "dd/mm/yyyy"}),
            INT: book.add_format({**base, "num_format": "0"}),
            NUMBER: book.add_format({**base, "num_format": "0.##"}),
            "title": book.add_format({**base, "bold": True, "font_size": 16}),
            "subtitle": book.add_format({**base, "font_size": 11, "font_color": "#404040"}),
            "bold": book.add_format({**base, "bold": True, "font_size": 11}),
            "label": book.add_format(
                {**base, "bold": True, "bg_color": "#D9E1F2", "text_wrap": True}
            ),
            "link": book.add_format({**base, "font_color": "#0563C1", "underline": 1}),
            "red": book.add_format({**base, "bold": True, "bg_color": RAG_COLOURS["Red"]}),
            "amber": book.add_format({**base, "bold": True, "bg_color": RAG_COLOURS["Amber"]}),
            "heading": book.add_format(
                {
                    **base,
                    "bold": True,
                    "text_wrap": True,
                    "font_color": "#FFFFFF",
                    "bg_color": "#4472C4",
                }
            ),
        }
        self.rag = {k: book.add_format({"bg_color": v}) for k, v in RAG_COLOURS.items()}
        self.table_names: set[str] = set()

    def _writer(self, sheet: Any, kind: str) -> Callable[[int, int, Any], Any]:
        """The quickest way to write a column's values: its usual type directly, anything
        else through ``value``. (Hot: a large round writes millions of cells.)"""
        general = self.value
        if kind in (TEXT, LONG, RAG):
            write, fmt = sheet.write_string, self.fmt["wrap" if kind == LONG else "plain"]

            def text(row: int, col: int, value: Any) -> None:
                if type(value) is str:
                    write(row, col, value, fmt)
                else:
                    general(sheet, row, col, value, kind)

            return text
        if kind == DATE:
            number, fmt = sheet.write_number, self.fmt[DATE]

            def day(row: int, col: int, value: Any) -> None:
                if type(value) is date:  # written as its Excel serial: much quicker
                    number(row, col, value.toordinal() - _EXCEL_DAY_ZERO, fmt)
                else:
                    general(sheet, row, col, value, kind)

            return day
        number, fmt = sheet.write_number, self.fmt[INT if kind == INT else NUMBER]

        def num(row: int, col: int, value: Any) -> None:
            if type(value) is int or type(value) is float:
                number(row, col, value, fmt)
            else:
                general(sheet, row, col, value, kind)

        return num

    def title(self, sheet: Any, text: str) -> None:
        """A sheet's title, in its first row."""
        sheet.write_string(0, 0, text, self.fmt["title"])
        sheet.set_row(0, 24)

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
            sheet.write_number(row, col, value, self.fmt[INT if kind == INT else NUMBER])
        else:
            sheet.write_string(row, col, str(value), self.fmt["wrap" if kind == LONG else "plain"])

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
        filtered: bool = True,
    ) -> int:
        """Write ``table`` with its header at row ``top``, as an Excel table (on a streamed
        sheet, a range with a filter unless not ``filtered``); the main table of a sheet has
        its header frozen and repeated on every printed page. ``link(i)`` may give an internal
        link for row ``i``'s first cell. ``beside[r]()`` writes whatever else is on row ``r``
        (a streamed sheet must be written row by row). Returns the row after the table."""
        streamed = sheet.constant_memory
        beside = dict(beside or {})
        if any(len(c.title) > 12 for c in table.columns):
            sheet.set_row(top, 30)
        if top in beside:
            beside.pop(top)()
        if streamed:
            for col, column in enumerate(table.columns, start=left):
                sheet.write_string(top, col, column.title, self.fmt["heading"])
        link_format = self.fmt["link"]
        writers = [self._writer(sheet, c.kind) for c in table.columns]
        columns = range(left, left + len(writers))
        longest = [0] * len(writers)
        for i, row in enumerate(table.iter_rows()):
            r = top + 1 + i
            if r in beside:
                beside.pop(r)()
            for col, value, write in zip(columns, row, writers):
                if value is not None:
                    write(r, col, value)
            if widths and i < WIDTH_SAMPLE:
                longest = [max(n, len(_shown(v))) for n, v in zip(longest, row)]
            target = link(i) if link else None
            if target:
                sheet.write_url(r, left, f"internal:{target}", link_format, string=str(row[0]))
        for r in sorted(beside):
            beside[r]()
        if widths:
            self.fit(sheet, table.columns, longest, left)
        count("cells", len(table) * len(table.columns))
        last = top + max(len(table), 1)
        right = left + len(table.columns) - 1
        if streamed:
            if filtered:
                sheet.autofilter(top, left, last, right)
        else:
            sheet.add_table(top, left, last, right, {
                "name": self._table_name(name or table.sheet),
                "style": "Table Style Light 9",
                "columns": [{"header": c.title, "header_format": self.fmt["heading"]}
                            for c in table.columns],
            })  # fmt: skip
        if freeze:
            sheet.freeze_panes(top + 1, 0)
            sheet.repeat_rows(top)
        for col, column in enumerate(table.columns, start=left):
            if column.kind == RAG:
                for word, fmt in self.rag.items():
                    sheet.conditional_format(top + 1, col, last, col, {
                        "type": "cell", "criteria": "==", "value": f'"{word}"', "format": fmt,
                    })  # fmt: skip
        return last + 1

    def fit(self, sheet: Any, columns: list[Col], longest: list[int], left: int = 0) -> None:
        """Column widths that fit the title and the longest value shown (``longest``, one per
        column); long texts wrap at a set width."""
        for col, (column, length) in enumerate(zip(columns, longest), start=left):
            if column.kind == LONG:
                sheet.set_column(col, col, column.width)
                continue
            # titles wrap onto two lines; the header also holds the filter button
            width = max(length + 2, min(len(column.title) // 2 + 5, 24), 7)
            sheet.set_column(col, col, min(width, WIDEST[column.kind]))

    def print_setup(self, sheet: Any, name: str) -> None:
        """Landscape A4, one page wide, and a footer with sheet name, page and as-of date."""
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
        sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
        footer = f"&L&8{name.replace('&', '&&')}&C&8Page &P of &N&R&8As of {uk(self.as_of)}"
        sheet.set_footer(footer)

    def _table_name(self, wanted: str) -> str:
        """An Excel table name: letters, digits and underscores, unique in the workbook."""
        stem = "".join(ch if ch.isalnum() else "_" for ch in wanted)[:200]
        stem = stem if stem[:1].isalpha() else f"T_{stem}"
        name, n = stem, 1
        while name.lower() in self.table_names:
            n += 1
            name = f"{stem}_{n}"
        self.table_names.add(name.lower())
        return name


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return "00/00/0000"
    return str(value)
