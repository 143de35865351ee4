"""Plans built in memory, as the pipeline builds them after reading a return, without files.

``plan_in_memory("p44", header, rows, as_of)`` makes the ``LoadedReturn`` the loader would
make from our template filled in with those values, then goes the pipeline's own way from
there: the rows become a DataFrame (``as_frame``), the return is checked against its layout
(``check_returns``: required values, closed lists, dates, numbers), matched to its register
(``settle``) and put together with the round (``consolidate``), which works out each row's
progress at ``as_of`` and the plan's flags. So ``plan.figure(name)``, ``plan.flags`` and
``pipeline.flags.flags_for(plan, as_of)`` are what the consolidated workbook would show, in
milliseconds instead of the second a real file takes to write, read and report.

Values are keyed by field name and read as the loader reads a cell (``read_value``): a date
may be given as a ``date`` or as ``"31/10/2008"``, a status as ``"Complete"`` or ``"done"``, a
percentage as ``6`` (read as 6.0). A value that cannot be what its field needs (``"On hold"``
as a status, ``"next week"`` as a date) stays as given, and the checker treats it as it would.
(What the loader only warns about, such as a guessed spelling, is not repeated here.)

Cells are where our template puts them (``templates.header_places`` and ``heading_row``):
header labels from row 4 with their values in column C (a long text box beside them), then
the table's titles (below a band row for a layout with bands) and one row per action or
task, its columns in the declared order. For p44 that is values C4:C15, Definition of
problem H4 and Risks H11, titles on row 19 and the first action on row 20; for three_year
values C4:C9, titles on row 12 and the first task on row 13. ``test_flags`` checks that a
real return gives the same flags, cells and figures as the same return built here.

What this does not build is what only the loader finds: a label, column or table missing from
the sheet, guessed spellings, a renamed sheet. Those are tested through real files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.checking import check_returns
from pipeline.declare import LAYOUTS
from pipeline.inbox.intake import Receipt, settle
from pipeline.inbox.registers import Register, RegisterEntry
from pipeline.returns import ROW, HeaderValue, LoadedReturn, PlainRows, SourceFile, as_frame
from pipeline.round.consolidation import consolidate
from pipeline.round.plans import Consolidation, Plan
from pipeline.templates.paper import header_places, heading_row
from pipeline.values import read_value


def loaded_return(
    layout_name: str,
    header: Mapping[str, Any],
    rows: Sequence[Mapping[str, Any]] = (),
    file_name: str | None = None,
) -> LoadedReturn:
    """The return the loader would hand on from our template filled in with ``header`` and
    ``rows`` (every label and column present; a field not given is a blank cell)."""
    layout = LAYOUTS[layout_name]
    unknown = [n for n in header if n not in {f.name for f in layout.header}]
    unknown += [n for row in rows for n in row if n not in {f.name for f in layout.columns}]
    if unknown:
        raise KeyError(f"{layout_name} has no fields {sorted(set(unknown))}")
    organisation = header.get(layout.key)
    if organisation is None and layout.code_key:
        organisation = header.get(layout.code_key)
    if organisation is None:
        raise ValueError(f"give the {layout.key_field.title}: the loader rejects a plan without")
    name = file_name or f"{organisation} return.xlsx"
    data = name.encode()
    source = SourceFile(Path(name), name, hashlib.sha256(data).hexdigest(), len(data))
    places = header_places(layout)
    values = {
        f.name: HeaderValue(read_value(header.get(f.name), f).value, header.get(f.name),
                            *places[f.name])
        for f in layout.header
    }  # fmt: skip
    top = heading_row(layout)
    records = [
        {ROW: top + 1 + n, **{f.name: read_value(row.get(f.name), f).value for f in layout.columns}}
        for n, row in enumerate(rows)
    ]
    names = [f.name for f in layout.columns]
    return LoadedReturn(
        source,
        layout=layout_name,
        sheet=layout.sheet,
        header=values,
        rows=PlainRows.of_records([*names, ROW], records),
        columns={name: col for col, name in enumerate(names)},
        header_row=top,
        organisation=organisation,
    )


def register_of(layout_name: str, *entries: Mapping[str, Any]) -> Register:
    """A register of ``layout_name`` with one organisation per mapping of header field name to
    value, as ``read_register`` reads it: only the fields a register pre-fills are kept, and
    its key field names the organisation."""
    layout = LAYOUTS[layout_name]
    kept = {f.name for f in layout.register_fields}
    rows = []
    for line, given in enumerate(entries, start=2):
        prefill = {k: v for k, v in given.items() if k in kept and v not in (None, "")}
        code = prefill.get(layout.code_key) if layout.code_key else None
        rows.append(RegisterEntry(str(prefill[layout.key]), code, prefill, line))
    return Register(layout, Path(f"{layout_name}.csv"), tuple(rows))


def round_in_memory(
    as_of: date,
    returns: Sequence[LoadedReturn] = (),
    registers: Sequence[Register] = (),
) -> Consolidation:
    """The round of ``returns`` (from ``loaded_return``), checked, matched to ``registers``
    and consolidated at ``as_of``: one plan per organisation, with progress and flags."""
    checked = check_returns([as_frame(r) for r in returns])
    receipts = [Receipt(r.source, "rejected", r) for r in checked]
    by_layout = {register.layout.name: register for register in registers}
    settle(receipts, by_layout)
    refused = [r.loaded.reason for r in receipts if r.loaded.rejected]
    if refused:
        raise ValueError(f"the return would be rejected: {refused}")
    return consolidate(receipts, by_layout, as_of)


def plan_in_memory(
    layout_name: str,
    header: Mapping[str, Any],
    rows: Sequence[Mapping[str, Any]] = (),
    as_of: date | None = None,
    *,
    register: Mapping[str, Any] | None = None,
    returned: bool = True,
    file_name: str | None = None,
) -> Plan:
    """One organisation's plan at ``as_of``, as the pipeline would make it from a return of
    ``header`` values and ``rows`` (see the module's docstring).

    ``register`` is what the organisation's register entry pre-fills (none: no register);
    with ``returned=False`` the organisation is on that register and sent nothing, and
    ``header`` only names it."""
    if as_of is None:
        raise TypeError("give the as-of date")
    layout = LAYOUTS[layout_name]
    names = {k: header[k] for k in (layout.key, layout.code_key) if k and header.get(k)}
    registers = [register_of(layout_name, {**names, **register})] if register is not None else []
    if not returned and not registers:
        raise ValueError("a plan with no return comes from a register: give one")
    returns = [loaded_return(layout_name, header, rows, file_name)] if returned else []
    [plan] = round_in_memory(as_of, returns, registers).plans
    return plan
