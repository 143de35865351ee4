"""Write a workbook's streamed sheets on two cores (part of the fast path: see ``fast``).

xlsxwriter writes a workbook in one process, so a large round would spend most of its time
there while the second core waits. Streamed worksheets (xlsxwriter's ``constant_memory``:
every sheet of a large round, and every table sheet in any other: see ``streaming``) share
almost nothing: each writes its rows to its own temporary file, with strings inline, and the
only workbook-wide things a cell needs are its format's index. So a forked child can write
some streamed sheets while this process writes the others, each taking the next as it is free:

1. every cell and conditional format is given its index here first, so both processes agree;
2. the child takes jobs, largest first, writes each, flushes its sheet's rows (see
   ``streaming``), and notes what writing changed in its worksheet object (its dimensions,
   the pending last row, widths, filter, panes and so on: whatever changed, found by comparing
   before and after), which it sends back at the end;
3. this process runs the work that must stay here meanwhile, then takes the jobs left, one
   at a time as the child does (a counter both share says which is next); then it takes over
   the child's changes, and the workbook is closed as usual.

The split relies on xlsxwriter's internals (a worksheet's attributes, its ``_opt_close``), so a
test checks the workbook written this way is byte for byte the one a single process writes.
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..system.background import Background
from ..system.children import context, forks
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


def write_sheets(jobs: list[SheetJob], meanwhile: Callable[[], Any], parallel: bool = True) -> None:
    """Run every job and ``meanwhile()`` (the work that must stay in this process). With
    ``parallel``, where processes fork, a child process takes jobs from the start, largest
    first, while this process runs ``meanwhile()`` and then takes jobs too: each takes the next
    as it is free, so both finish about together, whatever each job costs (a spawned child
    could not be handed the workbook's objects: there, all are written here).

    The sheets of ``jobs`` must be streamed (constant_memory) and not yet written to, and their
    formats indexed (``index_formats``).
    """
    jobs = sorted(jobs, key=lambda job: -job.cells)
    if not (parallel and forks() and jobs):
        with stage("write, in this process"):
            meanwhile()
            for job in jobs:
                job.write()
        return
    taken = context().Value("i", 0)  # how many jobs either process has taken
    child = Background(_write_in_child, jobs, taken)
    with stage("write, in this process"):
        meanwhile()
        for job in _taking(jobs, taken):
            job.write()
    with stage("write, waiting for the other core"):  # how well the work was shared
        changes, counted, elapsed = child.result()
    add_seconds("write, on the other core", elapsed)
    for job in jobs:
        if job.sheet.index in changes:
            _take_over(job.sheet, changes[job.sheet.index])
    for name, amount in counted.items():
        count(name, amount)


def _taking(jobs: list[SheetJob], taken: Any) -> Iterator[SheetJob]:
    """The jobs not yet taken by either process, one at a time, each taken as it is given."""
    while True:
        with taken.get_lock():
            n = taken.value
            taken.value = n + 1
        if n >= len(jobs):
            return
        yield jobs[n]


def _write_in_child(
    jobs: list[SheetJob], taken: Any
) -> tuple[dict[int, dict[str, Any]], dict, float]:
    counted = counts()
    started = time.perf_counter()  # (this process's stage times are a copy of the parent's)
    changes = {}
    for job in _taking(jobs, taken):
        before = _state(job.sheet)
        job.write()
        _flush(job.sheet)
        changes[job.sheet.index] = _changed(before, job.sheet)
    elapsed = time.perf_counter() - started
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
