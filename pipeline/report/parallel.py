"""Write a workbook's streamed sheets on two cores (part of the fast path: see ``fast``).

xlsxwriter writes a workbook in one process, so a large round would spend most of its time
there while the second core waits. Streamed worksheets (xlsxwriter's ``constant_memory``:
every sheet of a large round, and every table sheet in any other: see ``streaming``) share
almost nothing: each writes its rows to its own temporary file, with strings inline, and the
only workbook-wide things a cell needs are its format's index. So a forked child can write
some streamed sheets while this process writes the others:

1. every cell and conditional format is given its index here first, so both processes agree;
2. the child runs its share of the sheet jobs, flushes those sheets' rows to their files, and
   sends back what writing changed in each worksheet object (its dimensions, the pending last
   row, widths, filter, panes and so on: whatever changed, found by comparing before and after);
3. this process runs its own share meanwhile, then takes over the child's changes, and the
   workbook is closed as usual.

The split relies on xlsxwriter's internals (a worksheet's attributes, its ``_opt_close``), so a
test checks the workbook written this way is byte for byte the one a single process writes.
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Callable, Iterable
from typing import Any

from ..system.background import Background
from ..system.children import forks
from ..system.timing import add_seconds, count, counts, stage
from .writer import SheetJob

PICKLE = pickle.HIGHEST_PROTOCOL
# A worksheet's links to what the whole workbook shares, and its file handles: writing a
# streamed sheet's cells changes none of them, and they are not to be copied back.
NOT_STATE = frozenset({"str_table", "worksheet_meta", "fh", "row_data_fh", "workbook_add_format"})


def index_formats(cell_formats: Iterable[Any], conditional_formats: Iterable[Any]) -> None:
    """Give every format its index up front (xlsxwriter gives them on first use, which in a
    child process would be lost)."""
    for fmt in cell_formats:
        fmt._get_xf_index()
    for fmt in conditional_formats:
        fmt._get_dxf_index()


def write_sheets(
    jobs: list[SheetJob], meanwhile: Callable[[], Any], meanwhile_cells: int, parallel: bool = True
) -> None:
    """Run every job and ``meanwhile()`` (the work that must stay in this process, of about
    ``meanwhile_cells`` cells). With ``parallel``, where processes fork, a child process writes
    some of the jobs at the same time, so that each process has about half the cells (a
    spawned child could not be handed the workbook's objects: there, all are written here).

    The sheets of ``jobs`` must be streamed (constant_memory) and not yet written to, and their
    formats indexed (``index_formats``).
    """
    ours, theirs = _share(jobs, meanwhile_cells) if parallel and forks() else (jobs, [])
    child = Background(_write_in_child, theirs) if theirs else None
    with stage("write, in this process"):
        meanwhile()
        for job in ours:
            job.write()
    if child is None:
        return
    with stage("write, waiting for the other core"):  # how well the work was shared
        changes, counted, elapsed = child.result()
    add_seconds("write, on the other core", elapsed)
    for job in theirs:
        _take_over(job.sheet, changes[job.sheet.index])
    for name, amount in counted.items():
        count(name, amount)


def _share(jobs: list[SheetJob], ours_cells: int) -> tuple[list[SheetJob], list[SheetJob]]:
    """(this process's jobs, the child's): largest first, each to whichever side has fewer
    cells so far; this process starts with ``ours_cells``."""
    ours: list[SheetJob] = []
    theirs: list[SheetJob] = []
    their_cells = 0
    for job in sorted(jobs, key=lambda job: -job.cells):
        if their_cells <= ours_cells:
            theirs.append(job)
            their_cells += job.cells
        else:
            ours.append(job)
            ours_cells += job.cells
    return ours, theirs


def _write_in_child(jobs: list[SheetJob]) -> tuple[dict[int, dict[str, Any]], dict, float]:
    before = {job.sheet.index: _state(job.sheet) for job in jobs}
    counted = counts()
    started = time.perf_counter()  # (this process's stage times are a copy of the parent's)
    for job in jobs:
        job.write()
        _flush(job.sheet)
    elapsed = time.perf_counter() - started
    changes = {job.sheet.index: _changed(before[job.sheet.index], job.sheet) for job in jobs}
    added = {k: v - counted.get(k, 0) for k, v in counts().items() if v != counted.get(k, 0)}
    return changes, added, elapsed


def _flush(sheet: Any) -> None:
    """Write the sheet's last row to its file and close it, as closing the workbook would:
    moving on to a row past the end (where nothing is) writes the pending one."""
    sheet._write_single_row(sheet.xls_rowmax)
    sheet._opt_close()


def _state(sheet: Any) -> dict[str, bytes]:
    """Each attribute of the worksheet, pickled (but for ``NOT_STATE``)."""
    state = {}
    for name, value in vars(sheet).items():
        if name in NOT_STATE:
            continue
        try:
            state[name] = pickle.dumps(value, PICKLE)
        except Exception as err:  # never silently: an attribute left behind could lose data
            raise RuntimeError(
                f"worksheet attribute {name!r} cannot be passed between processes ({err}); "
                'write_consolidated(parallel=False) or engine="plain" avoids this'
            ) from err
    return state


def _changed(before: dict[str, bytes], sheet: Any) -> dict[str, Any]:
    """The worksheet's attributes whose value writing changed."""
    changed = {}
    for name, pickled in _state(sheet).items():
        if before.get(name) != pickled:
            changed[name] = getattr(sheet, name)
    return changed


def _take_over(sheet: Any, changes: dict[str, Any]) -> None:
    """Make this process's worksheet what the child left: its rows are in the file, the rest
    in ``changes`` (including that its file is closed, so the workbook opens it again)."""
    sheet.row_data_fh.close()  # this process never wrote to it: nothing is buffered
    vars(sheet).update(changes)
