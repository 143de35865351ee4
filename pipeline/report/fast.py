"""The fast path of ``report.writer``: everything that relies on xlsxwriter's internals.

- Every sheet the layout writes in row order is streamed (``constant_memory``, sheet by
  sheet), and a table's plain rows are rendered as XML directly (``streaming.RowWriter``).
- Cells are written through xlsxwriter's own typed writers, skipping the public ones' check
  for "A1" notation (a large round writes millions of cells).
- Excel tables are added over streamed sheets (which xlsxwriter refuses) and stretched.
- Half the streamed sheets are written by a forked child, where processes fork (``parallel``).
- The zip is deflated at level 1 (xlsxwriter has no option for it).

Tests pin each of these: rows rendered are byte for byte what xlsxwriter writes, two processes
write byte for byte what one does, and the workbook has every cell the plain path writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any
from zipfile import ZipFile

from xlsxwriter.utility import xl_range

from ..paper import workbook_options
from . import parallel
from .streaming import RowWriter, Workbook, streamed_sheet
from .writer import SheetJob, Writer, file_errors

ZIP_LEVEL = 1


class FastWriter(Writer):
    """Writes the workbook streamed, on two cores (unless not ``parallel``), zipped quickly."""

    name = "fast"

    def __init__(self, parallel: bool = True) -> None:
        self.parallel = parallel

    def open(self, path: Path, large: bool, tmpdir: Path | None) -> Any:
        """A new workbook whose worksheets mend xlsxwriter's streamed text (``streaming``);
        a ``large`` round's sheets are all streamed."""
        # A normal round's ~300 parts are put together in memory (by default xlsxwriter makes
        # a temporary file for each); a large round's are too big for that, and it is streamed.
        options = workbook_options(constant_memory=large, in_memory=not large)
        if tmpdir is not None:
            options["tmpdir"] = str(tmpdir)
        return Workbook(str(path), options)

    def sheet(self, book: Any, name: str, in_order: bool = False) -> Any:
        """A new worksheet, streamed if it is written ``in_order`` (or the book is large)."""
        return streamed_sheet(book, name) if in_order else book.add_worksheet(name)

    def cell_writers(self, sheet: Any) -> tuple[Callable[..., Any], Callable[..., Any]]:
        """xlsxwriter's own typed writers, as its public ones call them once they have
        checked for "A1" notation."""
        return sheet._write_string, sheet._write_number

    def row_writer(self, sheet: Any, left: int, kinds: list[str], formats: dict) -> Any:
        """A ``streaming.RowWriter`` on a streamed sheet it can write, else None."""
        return RowWriter(sheet, left, kinds, formats) if RowWriter.usable(sheet) else None

    def add_table(
        self, sheet: Any, top: int, left: int, last: int, right: int, options: dict
    ) -> None:
        """The table, on a streamed sheet too.

        xlsxwriter refuses tables on streamed sheets because it writes the header cells
        itself, out of row order there; so the sheet is briefly not streamed and those writes
        are dropped. And it records every cell of a table's range in a dict (to refuse
        overlaps): a round's Actions table alone would be a hundred thousand entries, each to
        be made, and passed between processes. So the table is added over its header and first
        row, then stretched to ``last``."""
        streamed = sheet.constant_memory
        sheet.constant_memory = False
        sheet._write_string = _unwritten
        try:
            super().add_table(sheet, top, left, top + 1, right, options)
        finally:
            del sheet._write_string
            sheet.constant_memory = streamed
        added = sheet.tables[-1]
        added["range"] = added["a_range"] = xl_range(top, left, last, right)
        if added.get("autofilter"):  # (a table may have its filter buttons off)
            added["autofilter"] = added["range"]

    def write_sheets(
        self,
        jobs: list[SheetJob],
        meanwhile: Callable[[], Any],
        meanwhile_cells: int,
        formats: Iterable[Any] = (),
        conditional_formats: Iterable[Any] = (),
    ) -> None:
        """The jobs shared with a forked child, when ``parallel`` (see ``parallel``)."""
        parallel.index_formats(formats, conditional_formats)
        parallel.write_sheets(jobs, meanwhile, meanwhile_cells, self.parallel)

    def close(self, book: Any) -> None:
        """Close the book, zipped at ``ZIP_LEVEL``."""
        with file_errors(), _zip_level(ZIP_LEVEL):
            book.close()


def _unwritten(*args: Any) -> int:
    return 0


@contextmanager
def _zip_level(level: int) -> Iterator[None]:
    """Zip at ``level`` (xlsxwriter has no option for it and uses zlib's default, 6): at 1, a
    large round's 250 MB of XML takes 1 s to deflate instead of 3, for a file a third larger."""
    import xlsxwriter.workbook

    original = xlsxwriter.workbook.ZipFile
    xlsxwriter.workbook.ZipFile = partial(_Zip, compresslevel=level)
    try:
        yield
    finally:
        xlsxwriter.workbook.ZipFile = original


class _Zip(ZipFile):
    """A zip file whose compression level holds for every part (the standard one leaves
    parts given with their own ``ZipInfo``, as xlsxwriter's in-memory parts are, at zlib's
    default)."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        level = self.compresslevel if compresslevel is None else compresslevel
        super().writestr(zinfo_or_arcname, data, compress_type, level)
