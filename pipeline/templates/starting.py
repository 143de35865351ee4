"""What a template starts with: the header values and rows of the organisation's last return,
and the rows every template of its layout starts with (the Hallmarks' requirements)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..declare import Layout
from ..returns import ROW, LoadedReturn, records


def carried_forward(
    layout: Layout, last: LoadedReturn
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The header values and rows of a return that next round's template starts from."""
    header = {f.name: last.value(f.name) for f in layout.header if f.carried}
    rows = [{k: v for k, v in row.items() if k != ROW} for row in records(last.rows)]
    return {k: v for k, v in header.items() if v is not None}, rows


def starting_rows(layout: Layout, rows: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The rows a template starts with: the layout's listed rows (``Layout.starting_rows``,
    e.g. every Hallmarks requirement), each with what was returned for it before (matched by
    reference; the list's own columns stay as listed), then the other rows returned before."""
    listed = layout.hooks.starting_rows()
    if not listed:
        return list(rows)
    ref = layout.reference or ""

    def key(row: Mapping[str, Any]) -> str:
        return str(row.get(ref) or "").strip().casefold()

    before = {key(row): row for row in rows if key(row)}
    merged = [{**before.pop(key(row), {}), **row} for row in listed]
    return merged + [row for row in rows if not key(row) or key(row) in before]
