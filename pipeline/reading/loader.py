"""Load one returned file: a pure function from a path to a ``LoadedReturn``.

Be generous, then be exact: find the sheet even if renamed, the labels and columns by their
titles, read values as the partner most likely meant them and say what was guessed. Whether
the values are acceptable is the checker's job (``pipeline.checking``). A file that cannot be
used at all comes back rejected with one sentence; nothing here raises for bad input.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from pathlib import Path
from typing import Any

from ..declare import Field, Layout, normalise_title, squash
from ..declare.findings import Finding, cell_address, shown
from ..declare.severity import AMBER, RED, Severity
from ..returns import (
    CANNOT_BE_USED,
    ROW,
    HeaderValue,
    LoadedReturn,
    PlainRows,
    SourceFile,
    as_frame,
)
from ..values import advice, read_value
from .choose import Candidate, choose, no_layout, stamp_of, worth_reading
from .csvfile import not_a_plan, open_book, value_gaps
from .locate import (
    SEARCH_ROWS,
    TableHeader,
    find_labels,
    search_end,
)
from .merges import for_reader
from .rows import read_rows
from .safety import LIMITS, Limits, inspect
from .workbook import Sheet, Unreadable, too_large


def _parse_address(address: str) -> tuple[int, int]:
    """``H14`` -> (13, 7), zero-based."""
    letters = address.rstrip("0123456789")
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(address[len(letters) :]) - 1, col - 1


def load(path: Path, name: str | None = None, limits: Limits = LIMITS) -> LoadedReturn:
    """Read the file at ``path`` into a ``LoadedReturn`` (``name`` is how to show it)."""
    return as_frame(load_plain(path, name, limits))


def load_plain(path: Path, name: str | None = None, limits: Limits = LIMITS) -> LoadedReturn:
    """``load``, but with the rows left as ``PlainRows`` (what a worker process sends back)."""
    data = Path(path).read_bytes()
    return load_source(data, SourceFile.of(path, name or Path(path).name, data), limits)


def load_source(data: bytes, source: SourceFile, limits: Limits = LIMITS) -> LoadedReturn:
    """Read ``data``, the bytes of ``source``, into a ``LoadedReturn`` with its rows left as
    ``PlainRows``."""
    loaded = LoadedReturn(source)
    if not data:
        return loaded.reject("empty-file", "The file is empty (0 bytes): send it again.")
    try:
        inspection = inspect(data, source.name, limits)
        readable = for_reader(data, inspection, worth_reading)
        book = open_book(readable, inspection.kind, source.own_name, limits.cells)
        worth = worth_reading(book.names)
        # a sheet too large to lay out in memory is not read at all; it is only the reason for
        # refusing the file when no other sheet holds a plan
        oversized = {n: inspection.oversized[n] for n in worth if n in inspection.oversized}
        heads = [book.head(sheet, SEARCH_ROWS) for sheet in worth if sheet not in oversized]
        loaded.stamp = stamp_of(heads)
        best = choose(heads, loaded.stamp)
        if best is None and oversized:
            name, (rows, columns) = next(iter(oversized.items()))
            raise Unreadable(too_large(name, rows, columns))
        refused = not_a_plan(heads, best is not None) if book.kind == "csv" else None
        if refused is not None:
            return loaded.reject("csv-not-a-plan", refused)
        if best is None:
            return loaded.reject("no-layout", no_layout(heads))
        best.sheet = book.sheet(best.sheet.name, merged_rows=SEARCH_ROWS)  # labels' merges
    except Unreadable as err:
        return loaded.reject("unreadable", f"{CANNOT_BE_USED}{err}.")
    _read_into(loaded, best, inspection.unsaved_formulas(best.sheet.name))
    return loaded


def _read_into(loaded: LoadedReturn, best: Candidate, unsaved: list[str]) -> None:
    layout, sheet, table = best.layout, best.sheet, best.table
    loaded.layout, loaded.sheet = layout.name, sheet.name
    notes = _Notes(loaded)
    if not sheet.text_only and normalise_title(sheet.name) != normalise_title(layout.sheet):
        notes.warn(
            "renamed-sheet",
            f'The sheet "{sheet.name}" was read as the "{layout.sheet}" sheet: please keep the '
            f'name "{layout.sheet}".',
        )
    _check_stamp(loaded, layout, notes)
    if unsaved:
        listed = ", ".join(unsaved[:5]) + (", …" if len(unsaved) > 5 else "")
        notes.warn(
            "unsaved-formula",
            f"{len(unsaved)} cell(s) hold a formula whose result was not saved, so they read as "
            f"empty ({listed}): open the file in Excel, let it calculate, and save it again, or "
            f"type the values in.",
            cell=_parse_address(unsaved[0]),
        )
    stop = table.row if table else search_end(sheet)
    # (labels found all as spelled when the sheet was chosen are all there are to find)
    every = best.labels == len(layout.header)
    labels = best.found if every else find_labels(layout, sheet, best.cells, stop)
    _read_header(loaded, layout, sheet, labels, notes)
    rows: list[tuple[Any, ...]] = []
    names = [f.name for f in layout.columns if table is not None and f.name in table.columns]
    heading = layout.heading
    if table is not None and heading is not None and heading.name not in table.columns:
        names.append(heading.name)  # given by the heading rows over the rows (``rows._headed``)
    if table is None:
        plural = layout.hooks.rows().plural
        notes.error(
            "missing-table",
            f"No table of {plural} was found: keep the header row of the {plural} table "
            f"({', '.join(f.title for f in layout.columns[:4])}, ...).",
            gap="red",
        )
    else:
        loaded.header_row = table.row
        loaded.columns = dict(table.columns)
        _report_columns(layout, table, notes)
        rows = read_rows(layout, sheet, table, names, notes.guess)
    loaded.rows = PlainRows([*names, ROW], rows)
    notes.flush_guesses()
    key = loaded.value(layout.key)
    if key is None and layout.code_key:
        key = loaded.value(layout.code_key)
    if key is None and loaded.stamp and loaded.stamp.organisation:
        key = loaded.stamp.organisation
    if key is None:
        loaded.reject(
            "no-organisation",
            f'The "{layout.key_field.title}" is empty, so we cannot tell whose plan this is: '
            f"fill it in and send the file again.",
        )
    loaded.organisation = key


def _check_stamp(loaded: LoadedReturn, layout: Layout, notes: _Notes) -> None:
    stamp = loaded.stamp
    if stamp is None or stamp.layout != layout.name:
        return
    if stamp.version is not None and stamp.version < layout.template_version:
        notes.warn(
            "old-template",
            f"This is version {stamp.version} of the {layout.title} template; the current one "
            f"is version {layout.template_version}. Please use the latest template next time.",
        )


def _read_header(
    loaded: LoadedReturn, layout: Layout, sheet: Sheet, labels: list, notes: _Notes
) -> None:
    by_name = {label.field.name: label for label in labels}
    gaps = value_gaps(labels) if sheet.text_only else {}  # (a CSV knows no merged cells)
    above = None  # the label of the field declared before, found on the sheet
    for f in layout.header:
        label = by_name.get(f.name)
        if label is None:
            loaded.header[f.name] = HeaderValue(None)
            if f.required:
                where = _where_to_add(above, sheet)
                notes.error(
                    "missing-label",
                    f'The label "{f.title}" was not found on the sheet: add it{where}, with the '
                    f"value in the cell to its right.",
                    field=f,
                )
            continue
        above = label
        if label.guessed_from is not None:
            notes.warn(
                "guessed-label",
                f'Read the label "{label.guessed_from}" as "{f.title}": please use the label '
                f"as written in the template.",
                cell=(label.row, label.col),
                field=f,
            )
        beside = gaps.get(label.col, sheet.span_end(label.row, label.col) + 1 - label.col)
        row, col = label.value_at or (label.row, label.col + beside)
        reading = read_value(label.value, f)
        loaded.header[f.name] = HeaderValue(reading.value, label.value, row, col)
        if reading.guess:
            notes.guess(f, reading.guess, row, col, label.value, reading.value)


def _where_to_add(above: Any, sheet: Sheet) -> str:
    """Where a missing label goes: below the label of the field before it (and the cells it
    is merged over), as the template has it; nothing where no label before it was found."""
    if above is None:
        return ""
    below = cell_address(sheet.span_bottom(above.row, above.col) + 1, above.col)
    return (f' in cell {below}, below "{above.field.title}" (insert a row there if it is '
            f"taken)")  # fmt: skip


def _report_columns(layout: Layout, table: TableHeader, notes: _Notes) -> None:
    for name, written in table.guessed.items():
        f = layout.field(name)
        notes.warn(
            "guessed-column",
            f'Read the column "{written}" as "{f.title}": please use the column title as written '
            f"in the template.",
            cell=(table.row, table.columns[name]),
            field=f,
        )
    leftovers = {squash(t): t for t in table.leftovers.values()}
    for f in layout.columns:
        if f.name in table.columns or not f.required:
            continue
        near = difflib.get_close_matches(squash(f.title), list(leftovers), n=1, cutoff=0.5)
        suggestion = f' Did you mean "{leftovers[near[0]]}"?' if near else ""
        notes.error(
            "missing-column",
            f'The column "{f.title}" was not found in the header row (row {table.row + 1}): add '
            f"it, or rename the column that holds it.{suggestion}",
            cell=(table.row, None),
            field=f,
        )


class _Notes:
    """Collects a return's findings; identical guesses in one column become one finding."""

    def __init__(self, loaded: LoadedReturn) -> None:
        self.loaded = loaded
        self.guesses: dict[str, list[tuple[Field, int, int, Any, Any]]] = defaultdict(list)

    def _add(
        self,
        severity: Severity,
        rule: str,
        message: str,
        cell: tuple[int, int | None] | None = None,
        field: Field | None = None,
        value: Any = None,
        gap: str | None = None,
        read_as: Any = None,
        cells: tuple[str, ...] = (),
    ) -> None:
        address, row = None, None
        if cell is not None:
            row, col = cell
            address = cell_address(row, col) if col is not None else f"{row + 1}:{row + 1}"
        self.loaded.findings.append(
            Finding(
                severity,
                rule,
                message,
                file=self.loaded.source.name,
                sheet=self.loaded.sheet,
                cell=address,
                field=field.title if field else None,
                value=shown(value),
                gap=gap,
                row=row,
                read_as=read_as,
                cells=cells,
            )
        )

    def warn(self, rule: str, message: str, **where: Any) -> None:
        self._add(AMBER, rule, message, **where)

    def error(self, rule: str, message: str, field: Field | None = None, **where: Any) -> None:
        gap = where.pop("gap", None) or (field.gap.value if field and field.required else None)
        self._add(RED, rule, message, field=field, gap=gap, **where)

    def guess(self, f: Field, guess: str, row: int, col: int, raw: Any, read: Any) -> None:
        """We guessed that ``raw`` at (``row``, ``col``) meant ``read``: ``guess`` says so."""
        self.guesses[guess].append((f, row, col, raw, read))

    def flush_guesses(self) -> None:
        """One finding per distinct guess (one value read one way), listing the cells it was
        made in."""
        for guess, cells in self.guesses.items():
            f, row, col, raw, read = cells[0]
            titles = list(dict.fromkeys(c[0].title for c in cells))
            addresses = tuple(cell_address(r, c) for _, r, c, _, _ in cells)
            where = ""
            if len(cells) > 1:
                more = ", …" if len(cells) > 5 else ""
                where = f" in {len(cells)} cells ({', '.join(addresses[:5])}{more})"
            self.warn(
                "guessed-value",
                f"{', '.join(titles[:4])}{', …' if len(titles) > 4 else ''}: {guess}{where}. "
                f"{advice(f)}",
                cell=(row, col),
                field=f,
                value=raw,
                read_as=read,
                cells=addresses,
            )
