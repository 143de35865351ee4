"""Streamed sheets: written row by row, with their table rows rendered as XML directly (part
of the fast path: see ``fast``).

A streamed worksheet (xlsxwriter's ``constant_memory`` mode) writes each row to its own
temporary file as soon as the next row begins. xlsxwriter spends about 6 microseconds on each
cell there: its public writer, its checks, a cell tuple, then the XML in a dozen small calls.
The body of one of our tables is plainer than that: each column holds one kind of value with
one format. So ``RowWriter`` renders each such row as one string, with xlsxwriter's own
escaping and its exact markup (a test compares the bytes with what xlsxwriter writes), several
times quicker. Any row it was not made for (a link on it, cells written beside the table, a
value of another type) it leaves to xlsxwriter, which then writes that row as usual.

``Worksheet`` mends one thing in xlsxwriter's streamed mode: it writes a text that looks like
``<r>...</r>`` into the sheet's XML as it stands (taking it for a rich string), so a partner's
text could inject markup, formulas included. Here every text is text.

And its rows are deflated as they are written (``DeflatedRows``), by whichever process writes
them, rather than written out as text, read back and copied into the sheet's part when the
workbook is closed, and only then deflated, in one process: a large round's rows are 250 MB of
XML. The sheet's part holds a marker where its rows go (``rows_marker``), and the zip puts the
deflated rows there (``fast``).
"""

from __future__ import annotations

import re
from datetime import date
from math import isfinite
from typing import Any, ClassVar

import xlsxwriter
from xlsxwriter.utility import _preserve_whitespace, xl_col_to_name
from xlsxwriter.worksheet import Worksheet as _XlsxWorksheet

from .deflated import ZIP_LEVEL, DeflatedRows, forget, rows_mark, zipped_at
from .tables import DATE, LONG, NUMERIC, RAG, TEXT
from .writer import EXCEL_DAY_ZERO

# Anything in a text that xlsxwriter would escape or mark (control characters, XML's special
# characters, "_xHHHH_" sequences, whitespace at either end): such texts take the long way.
_NEEDS_ESCAPING = re.compile(r"[\x00-\x08\x0b-\x1f&<>\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s\Z")
_LONGEST_PLAIN = 16_383  # xlsxwriter checks longer texts against Excel's limit, and cuts them
# the types of value a row writer keeps rendered: no two values of them are equal but of one
# type (a float is not kept: 0 and -0.0 are equal, but render as "0" and "-0")
_KEYED = frozenset({str, int, date})
_CACHED = 2**14  # values a row writer keeps rendered, a column
_KEPT = dict.get
# where a kept cell's markup has its row's number: no cell's markup holds it otherwise (a
# control character in a text is escaped, "_x0000_")
_ROW = b"\x00"


def _plain(text: str) -> bool:
    """Whether ``text`` surely needs no escaping (``_NEEDS_ESCAPING``): printable (so its only
    whitespace is a space), not at either end, and nothing XML or Excel would mark. (Quicker
    than the expression, and most texts are plainly plain.)"""
    return (text.isprintable() and not text.startswith(" ") and not text.endswith(" ")
            and "&" not in text and "<" not in text and ">" not in text
            and "_x" not in text)  # fmt: skip


def _row_start(height: float | None) -> bytes:
    """A row's start tag, ``height`` points tall (as xlsxwriter's ``set_row`` gives it: in
    whole pixels, written in points), its number ``_ROW``."""
    if height is None:
        return b'<row r="\x00">'
    points = int(height * 4.0 / 3.0 + 0.5) * 0.75
    return f'<row r="\x00" ht="{points:.16g}" customHeight="1">'.encode()


class Worksheet(_XlsxWorksheet):
    """xlsxwriter's worksheet, but a streamed text cell shaped like a rich string is text, and
    each conditional format's formula is prepared once, not once per rule."""

    _prepared: ClassVar[dict[str, str]] = {}

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        # xlsxwriter runs some 150 regular expressions over each formula; a round's RAG rules
        # are the same three ("Red", "Amber", "Green") on every sheet. (Expanded, a formula no
        # longer depends on the sheet.)
        if not expand_future_functions:
            return super()._prepare_formula(formula, expand_future_functions)
        prepared = self._prepared.get(formula)
        if prepared is None:
            prepared = self._prepared[formula] = super()._prepare_formula(formula, True)
        return prepared

    def _xml_rich_inline_string(self, string: str, attributes: Any = ()) -> None:
        # We write no rich strings: this is a text that begins "<r>" and ends "</r>".
        self._xml_inline_string(string, _preserve_whitespace(string), list(attributes))

    # --- rows deflated as they are written (see the module) ---------------------------------

    def _initialize(self, init_data: Any) -> None:
        streamed = init_data["constant_memory"]
        super()._initialize({**init_data, "constant_memory": False})  # (it would make a file)
        self.constant_memory = streamed
        # (file, CRC-32, size, deflated blocks) once its rows are closed
        self.deflated_rows: tuple[str | None, int, int, bytes] | None = None
        if streamed:
            self.row_data_fh = self.fh = DeflatedRows(self.tmpdir)

    def _opt_close(self) -> None:
        rows = self.row_data_fh
        if not isinstance(rows, DeflatedRows):
            super()._opt_close()
            return
        if not rows.closed:  # (a child writing the sheet closes it: this goes back with it)
            rows.close()
            self.deflated_rows = (rows.path, rows.crc, rows.size, rows.blocks)
        self.row_data_fh_closed = True

    def _opt_reopen(self) -> None:
        rows = self.row_data_fh
        if not isinstance(rows, DeflatedRows):
            super()._opt_reopen()
        elif not rows.closed:  # (the last row may be still to write)
            self.fh = rows

    def _write_optimized_sheet_data(self) -> None:
        if not isinstance(self.row_data_fh, DeflatedRows):
            super()._write_optimized_sheet_data()
            return
        self._opt_close()
        rows = self.deflated_rows
        if self.dim_rowmin is None:  # no rows (whatever was written: as xlsxwriter does)
            self._xml_empty_tag("sheetData")
        else:
            self._xml_start_tag("sheetData")
            if rows is not None and rows[2]:
                self.fh.write(rows_mark(rows))
                rows = None  # (the zip takes them)
            self._xml_end_tag("sheetData")
        forget(rows)


class Workbook(xlsxwriter.Workbook):
    """xlsxwriter's workbook, whose worksheets are ``Worksheet``s, zipped at ``ZIP_LEVEL`` with
    its streamed sheets' rows as they were deflated."""

    worksheet_class = Worksheet

    def close(self) -> None:
        with zipped_at(ZIP_LEVEL):
            super().close()


def streamed_sheet(book: Any, name: str) -> Any:
    """A new streamed worksheet, even in a workbook that is not streamed as a whole (xlsxwriter
    takes the mode of each new sheet from the workbook's setting at the time)."""
    whole = book.constant_memory
    book.constant_memory = True
    try:
        return book.add_worksheet(name)
    finally:
        book.constant_memory = whole


class RowWriter:
    """Writes a table's rows straight into a streamed sheet's row file, one string a row.

    ``kinds`` are the columns' kinds (from ``tables``), from column ``left``; ``formats`` maps
    each kind to its cell format. A value met again in a column (a status, a name, a date) is
    rendered once: its cell's markup is kept (``_CACHED`` a column), with ``_ROW`` where its
    row's number goes.
    """

    def __init__(self, sheet: Any, left: int, kinds: list[str], formats: dict[str, Any]) -> None:
        self.sheet = sheet
        self.names = [xl_col_to_name(col) for col in range(left, left + len(kinds))]
        self.heads = [f'<c r="{name}\x00'.encode() for name in self.names]
        self.left = left
        self.kinds = kinds
        self.xf = {kind: str(formats[kind]._get_xf_index()) for kind in set(kinds)}
        # each column's cells as rendered and encoded, by value (of ``_KEYED``; an empty cell,
        # None, is nothing)
        self.kept: list[dict[Any, bytes]] = [{None: b""} for _ in kinds]
        # columns of numbers, whose values' type is checked: a float or a yes/no may equal an
        # int kept (-0.0 == 0, True == 1) and still be written otherwise
        self.numbers = [j for j, kind in enumerate(kinds) if kind in NUMERIC]
        self.spans = len(kinds) == 0  # whether a row has spanned every column yet
        self.starts: dict[float | None, bytes] = {}  # rows' start tags, by height
        # a text column's cells' markup before their text (None: not a text column)
        self.texts = [f'<c r="{name}\x00" s="{self.xf[kind]}" t="inlineStr"><is><t>'.encode()
                      if kind in (TEXT, LONG, RAG) else None
                      for name, kind in zip(self.names, kinds)]  # fmt: skip

    @classmethod
    def usable(cls, sheet: Any) -> bool:
        """Whether rows can be written directly on ``sheet``: it is streamed, and its rows
        have the plain markup this writer makes (no default height or Excel 2010 features
        set on the sheet)."""
        return bool(
            sheet.constant_memory
            and sheet.excel_version == 2007
            and sheet.default_row_height == sheet.original_row_height
        )

    def write(self, r: int, values: tuple[Any, ...], height: float | None = None) -> bool:
        """Write ``values`` as row ``r`` (0-based), ``height`` points tall if given, unless
        the row is not one this writer renders: then False, and nothing is written."""
        sheet = self.sheet
        if r in sheet.row_info or r >= sheet.xls_rowmax:
            return False
        xml = self.render(r, values, height)
        if xml is None:
            return False
        last = sheet.previous_row  # xlsxwriter writes any row it holds, and expects row r
        if sheet.table or last in sheet.row_info or last in sheet.comments:
            sheet._write_single_row(r)
        else:  # (it holds none: all it would do)
            sheet.previous_row = r
        if xml:
            rows = sheet.row_data_fh
            if isinstance(rows, DeflatedRows):
                rows.write_encoded(xml)
            else:
                rows.write(xml.decode())
            self._extend(r, values)
        return True

    def render(self, r: int, values: tuple[Any, ...], height: float | None = None
               ) -> bytes | None:  # fmt: skip
        """Row ``r``'s XML as xlsxwriter would write it, encoded (``height`` as ``set_row``
        gives it; nothing for a blank row without one), or None when a value is not of its
        column's kind (or the row is blank but for its height). (Hot: a large round writes
        millions of cells. Each column's kept cells are looked up at once, in C; only a value
        not met before is rendered here, and the row's number put in its cells by one
        replace.)"""
        try:
            cells = list(map(_KEPT, self.kept, values))
        except TypeError:  # (a value that cannot be kept: rendered, or left to xlsxwriter)
            cells = [None] * min(len(self.kinds), len(values))
        for j in self.numbers:
            if j < len(cells) and type(values[j]) is not int and values[j] is not None:
                cells[j] = None
        j = -1
        for _ in range(cells.count(None)):  # (each value not met before)
            j = cells.index(None, j + 1)
            value = values[j]
            head = self.texts[j]
            if (head is not None and type(value) is str and len(value) <= _LONGEST_PLAIN
                    and _plain(value)):  # fmt: skip
                cell = cells[j] = head + value.encode() + b"</t></is></c>"
            elif (markup := self._markup(self.kinds[j], value)) is not None:
                cell = cells[j] = self.heads[j] + markup.encode()
            else:
                return None
            kept = self.kept[j]
            if type(value) in _KEYED and len(kept) <= _CACHED:
                kept[value] = cell
        if not any(cells):
            return b"" if height is None else None
        start = self.starts.get(height)
        if start is None:
            start = self.starts[height] = _row_start(height)
        row = [start]
        row += cells
        row.append(b"</row>")
        return b"".join(row).replace(_ROW, b"%d" % (r + 1))

    def _markup(self, kind: str, value: Any) -> str | None:
        """A cell's markup after its row number, for ``value`` in a column of ``kind``; None
        when the value is not of the column's kind."""
        kind_of_value = type(value)
        if kind_of_value is str:
            if kind not in (TEXT, LONG, RAG) or len(value) > _LONGEST_PLAIN:
                return None
            space = ""
            if not _plain(value) and _NEEDS_ESCAPING.search(value):
                value = self.sheet._escape_control_characters(value)
                if _preserve_whitespace(value):
                    space = ' xml:space="preserve"'
                value = self.sheet._escape_data(value)
            return f'" s="{self.xf[kind]}" t="inlineStr"><is><t{space}>{value}</t></is></c>'
        if kind_of_value is int or kind_of_value is float:
            if kind not in NUMERIC or (kind_of_value is float and not isfinite(value)):
                return None
            return f'" s="{self.xf[kind]}"><v>{value:.16G}</v></c>'
        if kind_of_value is date and kind == DATE:
            return f'" s="{self.xf[DATE]}"><v>{value.toordinal() - EXCEL_DAY_ZERO}</v></c>'
        return None

    def _extend(self, r: int, values: tuple[Any, ...]) -> None:
        """Stretch the sheet's dimensions over row ``r``'s cells, as writing them would."""
        sheet = self.sheet
        if sheet.dim_rowmin is None or r < sheet.dim_rowmin:
            sheet.dim_rowmin = r
        if sheet.dim_rowmax is None or r > sheet.dim_rowmax:
            sheet.dim_rowmax = r
        if self.spans:  # (the columns can stretch no further)
            return
        filled = [j for j, value in enumerate(values) if value is not None]
        first, last = self.left + filled[0], self.left + filled[-1]
        if sheet.dim_colmin is None or first < sheet.dim_colmin:
            sheet.dim_colmin = first
        if sheet.dim_colmax is None or last > sheet.dim_colmax:
            sheet.dim_colmax = last
        self.spans = (
            sheet.dim_colmin <= self.left and sheet.dim_colmax >= self.left + len(self.kinds) - 1
        )
