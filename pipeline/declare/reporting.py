"""What a layout adds to the reports, declared in its own package (``<name>/report.py``).

The generic reports (Overview, Gap Flags, the rows sheets, Charts, Guidance, the organisation
sheets) loop over the registered layouts and take from each its ``LayoutReport``: they never
name a layout. The declaration sits here, below the reports it feeds, so its parts are typed
loosely (the types they are named in comments live in the modules that import this one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DerivedSheet:
    """A sheet a layout adds to the consolidated workbook: its name, what it shows (for the
    Guidance), its table, whether it comes before the Gap Flags, and its own way of writing
    the table where a plain table will not do."""

    name: str
    shows: str  # what it holds, in a phrase (for the Guidance, and under its title)
    table: Callable[[Any], Any]  # (a Consolidation) -> its report.tables.Table
    first: bool = False  # shown before the Gap Flags (as the Calendar is), else after the rows
    # (a report.sheetwriter.SheetWriter, the sheet, the Table, the Consolidation) -> None
    write: Callable[[Any, Any, Any, Any], None] | None = None
    title: str | None = None  # the title at its top (by default, its name)


@dataclass(frozen=True)
class LayoutReport:
    """A layout's own part of the reports (its ``hooks.report``): the columns of its rows
    sheet (by default every column, then the overdue, change and source columns every rows
    sheet has), its derived sheets and charts, and what the Guidance says of them. (Its own
    gap-flag rules are a hook of their own, ``rules``.)"""

    row_columns: Callable[[], list[Any]] | None = None  # -> report.tables.Col
    sheets: tuple[DerivedSheet, ...] = ()
    charts: tuple[Any, ...] = ()  # report.charts.ChartSpec
    figures: tuple[tuple[str, str, str], ...] = ()  # (figure, shown on, what it counts)
    notes: tuple[str, ...] = ()  # sentences for the Guidance sheet
    # the fields an organisation's rows still to deliver show in the meeting pack, on paper
    # (then its status and whether overdue); by default its reference and first column
    on_paper: tuple[str, ...] = ()
    # the columns its rows sheets keep for the screen alone (printed elsewhere, or of little
    # use on paper), so that the rest print one page wide at a size that can be read
    screen_only: tuple[str, ...] = ()
