"""The one seam between the workbook's layout and xlsxwriter: which path writes the cells.

The layout (``workbook``, ``sheetwriter``) asks a ``Writer`` for a workbook, its sheets, an
Excel table, the quickest way to write a column's values, and to run the sheets' work and
close the book. It never knows which path it has:

- ``"fast"`` (the default; ``report.fast``): relies on xlsxwriter's internals. Table sheets
  are streamed with their rows rendered as XML directly (``report.streaming``), half of them
  written by a forked child (``report.parallel``), tables stretched over streamed rows, and
  the zip deflated at level 1.
- ``"plain"`` (this module's ``Writer``): xlsxwriter's public API only, in one process; every
  sheet is held in memory until the book is closed. Slower, and larger in memory for a large
  round, but it cannot break when xlsxwriter changes what it keeps to itself.

``engine.choose`` makes the choice, in one place: ``write_consolidated(engine=...)``, else
the environment variable ``PIPELINE_WRITER``, else fast. A test writes the demo round both
ways and compares every cell, merged range, link, width and height.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError

from ..paper import workbook_options

EXCEL_DAY_ZERO = date(1899, 12, 30).toordinal()  # Excel's serial 0 (1900 date system)


@dataclass(eq=False)
class SheetJob:
    """Writing one sheet: the sheet, about how many cells, and the work itself (which must
    touch nothing but its own sheet, so that it can run in another process)."""

    sheet: Any
    cells: int
    write: Callable[[], Any]


class Writer:
    """Writes the workbook with xlsxwriter's public API only: the plain path, and the
    interface every path has."""

    name = "plain"

    def open(self, path: Path, large: bool, tmpdir: Path | None) -> Any:
        """A new workbook at ``path``. A ``large`` round keeps its parts in temporary files
        (in ``tmpdir``, by default the system's) rather than in memory."""
        options: dict[str, Any] = workbook_options(in_memory=not large)
        if tmpdir is not None:
            options["tmpdir"] = str(tmpdir)
        return xlsxwriter.Workbook(str(path), options)

    def sheet(self, book: Any, name: str, in_order: bool = False) -> Any:
        """A new worksheet. ``in_order``: the caller promises to write it row by row, top to
        bottom (which lets a writer stream it)."""
        return book.add_worksheet(name)

    def cell_writers(self, sheet: Any) -> tuple[Callable[..., Any], Callable[..., Any]]:
        """(write a text, write a number), each called ``(row, col, value, format)`` with a
        value of that type, as quickly as the path allows."""
        return sheet.write_string, sheet.write_number

    def row_writer(self, sheet: Any, left: int, kinds: list[str], formats: dict) -> Any:
        """Something whose ``write(r, values)`` writes a whole table row from column ``left``
        and returns True, or returns False having written nothing (the caller then writes the
        row cell by cell); or None, when this path has no such thing."""
        return None

    def add_table(
        self, sheet: Any, top: int, left: int, last: int, right: int, options: dict
    ) -> None:
        """An Excel table over rows ``top`` (its header) to ``last``, added before its cells
        are written, which the caller then writes (header included) in row order."""
        refused = sheet.add_table(top, left, last, right, options)
        if refused:  # (it warns why: e.g. two columns with one title)
            raise ValueError(f"xlsxwriter refused the table {options['name']!r} ({refused})")

    def write_sheets(
        self,
        jobs: list[SheetJob],
        meanwhile: Callable[[], Any],
        meanwhile_cells: int,
        formats: Iterable[Any] = (),
        conditional_formats: Iterable[Any] = (),
    ) -> None:
        """Run ``meanwhile()`` (work that touches the whole workbook, of about
        ``meanwhile_cells`` cells) and every job. ``formats`` and ``conditional_formats``:
        every format the jobs use (a path that writes sheets elsewhere must index them)."""
        meanwhile()
        for job in jobs:
            job.write()

    def close(self, book: Any) -> None:
        """Write the workbook's file."""
        with file_errors():
            book.close()


@contextmanager
def file_errors() -> Iterator[None]:
    """xlsxwriter's failure to write its file (a full disk, say) raised as the OSError it
    wraps, so that it is said as every other failure to write is."""
    try:
        yield
    except FileCreateError as err:
        cause = err.args[0] if err.args else None
        raise cause if isinstance(cause, OSError) else OSError(str(err)) from None
