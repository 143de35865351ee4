"""Reading the consolidated workbook back with openpyxl (xlsxwriter wrote it)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.cell import range_boundaries


def main_table(ws: Any, name: str = "") -> tuple[int, int, int, int]:
    """(left, top, right, bottom), 1-based, of a worksheet's main Excel table: the one named
    after the sheet where there is one (the Overview's, below its Needs attention list), else
    the first from the top; or the first of those whose name begins with ``name``."""
    own = "".join(ch if ch.isalnum() else "_" for ch in ws.title)
    if not name and own in ws.tables:
        return range_boundaries(ws.tables[own].ref)
    tables = [t for t in ws.tables.values() if t.name.startswith(name)]
    first = min(tables, key=lambda t: range_boundaries(t.ref)[1])
    return range_boundaries(first.ref)


def sheet_records(path: Path, sheet: str, table: str = "") -> list[dict[str, Any]]:
    """A sheet's main (first) Excel table, or its first whose name begins with ``table``, as
    dicts keyed by its header row."""
    ws = saved_book(Path(path))[sheet]
    left, top, right, bottom = main_table(ws, table)
    rows = list(ws.iter_rows(min_row=top, max_row=bottom, min_col=left, max_col=right,
                             values_only=True))  # fmt: skip
    header = rows[0]
    return [dict(zip(header, map(shown, row))) for row in rows[1:]
            if any(v is not None for v in row)]  # fmt: skip


# A name linking to its sheet that wraps is a HYPERLINK formula (LibreOffice wraps its result,
# where it shows a cell's link on one line, cut at the column's edge): its place and its text
_HYPERLINK = re.compile(r'=HYPERLINK\("#((?:[^"]|"")*)","((?:[^"]|"")*)"\)')


def shown(value: Any) -> Any:
    """A cell's value as shown: a HYPERLINK formula's text, else the value."""
    found = _HYPERLINK.fullmatch(value) if isinstance(value, str) else None
    return found[2].replace('""', '"') if found else value


def link_of(cell: Any) -> str | None:
    """Where a cell links in its workbook ("'Leeds'!A1"): its link's place, or its HYPERLINK
    formula's; None where it links nowhere in the workbook."""
    if cell.hyperlink is not None:
        return cell.hyperlink.location
    found = _HYPERLINK.fullmatch(cell.value) if isinstance(cell.value, str) else None
    return found[1].replace('""', '"') if found else None


def saved_book(path: Path) -> Any:
    """The workbook at ``path``, loaded once for as long as the file is unchanged (the demo's
    takes seconds to load, and its tests read a dozen sheets of it). Read it, never change it."""
    stat = path.stat()
    return _loaded(path.resolve(), stat.st_ino, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _loaded(path: Path, inode: int, mtime_ns: int, size: int) -> Any:
    return openpyxl.load_workbook(path)


def flags(path: Path, rule: str | None = None) -> list[dict[str, Any]]:
    """The Gap Flags sheet's rows, optionally only those of one rule (by title)."""
    found = sheet_records(path, "Gap Flags")
    return [f for f in found if rule is None or f["Rule"] == rule]


def tracker(path: Path) -> dict[str, dict[str, Any]]:
    """The Returns sheet's tracker, a column per layout: layout -> figure -> value (its
    column of totals, ``All``, left out: ``tracker_totals``)."""
    rows = sheet_records(path, "Returns")
    layouts = [k for k in rows[0] if k not in ("Returns", "All")]
    return {layout: {row["Returns"]: row[layout] for row in rows} for layout in layouts}


def tracker_totals(path: Path) -> dict[str, Any]:
    """The Returns sheet's column of totals (``All``): figure -> value."""
    return {row["Returns"]: row["All"] for row in sheet_records(path, "Returns")}


LABEL_FILL = "D9E1F2"  # an organisation sheet's labels: bold on this blue


def labelled(ws: Any) -> dict[str, Any]:
    """An organisation sheet's header fields and figures, label -> value: each label (a cell
    filled as labels are), and the first value to its right on its line (the value is merged
    over the columns after its label; two pairs may share a line). The first of each label."""
    found: dict[str, Any] = {}
    for row in ws.iter_rows():
        for j, cell in enumerate(row):
            fill = cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type else None
            if cell.value is None or not str(fill).endswith(LABEL_FILL):
                continue
            value = next((c.value for c in row[j + 1 :] if c.value is not None), None)
            found.setdefault(cell.value, value)
    return found
