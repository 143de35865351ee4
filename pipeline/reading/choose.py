"""Which sheet of a returned file holds which layout's plan: the sheets worth reading, the
stamp our template left, each sheet read as each layout and the best found chosen, and why
none was where no layout's labels and columns were found."""

from __future__ import annotations

from dataclasses import dataclass

from ..declare import LAYOUTS, Layout, normalise_title
from ..returns import CHECKS_SHEET, HOW_CHECKED_SHEET, STAMP_SHEET, Stamp, stamp_from_rows
from .locate import (
    SEARCH_ROWS,
    Label,
    TableHeader,
    Title,
    find_labels,
    find_table_header,
    search_end,
    titles,
)
from .workbook import Sheet

# our own sheets that repeat the plan's titles or its rules
NOT_PLANS = {"guidance", "fix list", normalise_title(HOW_CHECKED_SHEET)}


@dataclass
class Candidate:
    """A sheet read as one layout: the titles found on it, its table's header, the layout's
    labels found on it (none by a near spelling)."""

    layout: Layout
    sheet: Sheet
    cells: list[Title]
    table: TableHeader | None
    found: list[Label]

    @property
    def labels(self) -> int:
        """How many of the layout's labels were found."""
        return len(self.found)

    @property
    def score(self) -> int:
        """How well the layout was found: a label counts one, a table column two."""
        return self.labels + 2 * (len(self.table.columns) if self.table else 0)

    @property
    def complete(self) -> bool:
        """Every label and column of the layout found, none of them by a near spelling."""
        table, layout = self.table, self.layout
        return (
            table is not None
            and not table.guessed
            and len(table.columns) == len(layout.columns)
            and self.labels == len(layout.header)
        )


def no_layout(heads: list[Sheet]) -> str:
    """Why no plan was found: none of our layouts' labels and columns were where we looked."""
    titles = [layout.title for layout in LAYOUTS.values()]
    known = ", ".join(titles[:-1]) + f" or {titles[-1]}" if len(titles) > 1 else titles[0]
    cut = [
        s
        for s in sorted(heads, key=lambda s: not s.visible)
        if s.name != STAMP_SHEET and s.runs_to > search_end(s)
    ]
    if not cut:
        return (
            f"This is not one of our action plans: no {known} was found in it. Fill in the "
            f"template we sent and send it back."
        )
    sheet = cut[0]
    return (
        f"This is not one of our action plans: no {known} was found in the first "
        f'{SEARCH_ROWS} rows of its sheet "{sheet.name}" (rows {sheet.top + 1:,} to '
        f"{search_end(sheet):,}), which runs on to row {sheet.runs_to:,}. If the plan is further "
        f"down, delete what is above it so that its title and labels come first, and send it "
        f"again; if not, fill in the template we sent and send it back."
    )


def worth_reading(names: list[str]) -> list[str]:
    """The sheets that may hold the plan, and the stamp; our own Guidance and Fix list only
    when there is nothing else."""
    names = [n for n in names if n != CHECKS_SHEET]  # (a template's own checks: no plan)
    plans = [n for n in names if normalise_title(n) not in NOT_PLANS]
    return plans if any(n != STAMP_SHEET for n in plans) else names


def stamp_of(sheets: list[Sheet]) -> Stamp | None:
    """The stamp our template left on its very hidden sheet, if one of ``sheets`` is it."""
    for sheet in sheets:
        if sheet.name == STAMP_SHEET:
            return stamp_from_rows(sheet.cells)
    return None


def choose(sheets: list[Sheet], stamp: Stamp | None) -> Candidate | None:
    """The (layout, sheet) pair whose labels and columns are best found; a sheet with all of
    the stamped layout's labels and columns is taken at once (the usual return)."""
    readable = [s for s in sheets if s.name != STAMP_SHEET and s.cells]
    content = [s for s in readable if normalise_title(s.name) not in NOT_PLANS] or readable
    layouts = list(LAYOUTS.values())
    if stamp is not None and stamp.layout in LAYOUTS:
        layouts.sort(key=lambda layout: layout.name != stamp.layout)
    best: Candidate | None = None
    for sheet in sorted(content, key=lambda s: not s.visible):
        cells = titles(sheet)
        for layout in layouts:
            table = find_table_header(layout, cells)
            stop = table.row if table else search_end(sheet)
            found = find_labels(layout, sheet, cells, stop, near_misses=False)
            candidate = Candidate(layout, sheet, cells, table, found)
            if stamp is not None and layout.name == stamp.layout and candidate.complete:
                return candidate
            if candidate.table is None and candidate.labels < 3:
                continue
            if best is None or candidate.score > best.score:
                best = candidate
    return best
