"""Check loaded returns against pandera schemas derived from the layout declarations.

Each layout is validated once over all its returns (headers stacked into one frame, rows into
another, with provenance columns), not once per file. Every pandera failure case becomes a
``Finding`` naming file, sheet, cell and field in words a partner understands; raw pandera
output never reaches a user. Values that fail are blanked in the rows passed on, so that
counts and flags downstream only ever see values that mean what they say. A text longer than a
spreadsheet cell holds is cut to fit (and the partner told), so that no workbook made from it
ever holds one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from .declare import LAYOUTS, Field, Layout
from .declare.findings import REQUIRED, TOO_LONG, Finding, shown
from .declare.severity import RED
from .returns import ROW, HeaderValue, LoadedReturn
from .values import (
    CELL_LIMIT,
    KINDS,
    cell_length,
    fit_cell,
    fits_cell,
    is_date,
    is_text,
    problem_sentence,
    valid_check,
)

_RETURN = "_return"  # provenance column: which return (position in the batch) a row is from


def _checks(field: Field) -> list[pa.Check]:
    # Blanks are passed by the check itself (``ignore_na=False``): pandera's own dropping of
    # them looked at every value of every column twice more, a fifth of a large round's check.
    return [pa.Check(_each(valid_check(field)), ignore_na=False, name=KINDS[field.kind].rule)]


def _each(valid: Callable[[Any], bool]) -> Callable[[pd.Series], bool | pd.Series]:
    """``valid`` of each value that is not blank, as pandera's element-wise check gives it
    (True where every value passes), but tested as seldom as it can be: a column holding only
    values of a type always valid (text, say) is not tested value by value, and a column of
    one type is tested once per distinct value (a large round holds a few dates or quarters
    many times over)."""
    always = _ALWAYS_VALID.get(valid, frozenset())

    def check(values: pd.Series) -> bool | pd.Series:
        items = values.tolist()
        kinds = set(map(type, items))
        kinds.discard(type(None))
        if kinds <= always:
            return True
        # (one type only: ``True == 1`` and ``1.0 == 1``, but neither is a whole number)
        if len(kinds) == 1 and kinds.isdisjoint(_UNHASHABLE):
            bad = {v for v in set(items) if not _passes(valid, v)}
            if not bad:
                return True
            return pd.Series([v not in bad for v in items], index=values.index, dtype=bool)
        return values.map(lambda v: _passes(valid, v)).astype(bool)

    return check


def _passes(valid: Callable[[Any], bool], value: Any) -> bool:
    return value is None or bool(pd.isna(value)) or bool(valid(value))


_ALWAYS_VALID: dict[Callable[[Any], bool], frozenset[type]] = {
    is_text: frozenset((str,)),
    is_date: frozenset((date, datetime)),
}
_UNHASHABLE = frozenset((list, dict, set))
_TEXT_OR_BLANK = frozenset((str, type(None)))


_BUILT: dict[str, tuple[Layout, tuple[pa.DataFrameSchema, pa.DataFrameSchema]]] = {}


def schemas(layout_name: str) -> tuple[pa.DataFrameSchema, pa.DataFrameSchema]:
    """The (header, rows) schemas for a layout, derived from its declaration (built once for
    each declaration registered under the name)."""
    layout = LAYOUTS[layout_name]
    built = _BUILT.get(layout_name)
    if built is None or built[0] is not layout:
        built = _BUILT[layout_name] = (layout, _schemas(layout))
    return built[1]


def _schemas(layout: Layout) -> tuple[pa.DataFrameSchema, pa.DataFrameSchema]:

    def schema(fields: tuple[Field, ...]) -> pa.DataFrameSchema:
        return pa.DataFrameSchema(
            {
                f.name: pa.Column(None, checks=_checks(f), nullable=not f.required, required=False)
                for f in fields
            },
            strict=False,
            name=layout.title,
        )

    return schema(layout.header), schema(layout.columns)


def check_returns(returns: list[LoadedReturn]) -> list[LoadedReturn]:
    """Check every usable return; return copies with findings added and failed values blanked.

    Rejected returns pass through unchanged.
    """
    out = list(returns)
    for name, layout in LAYOUTS.items():
        batch = [i for i, r in enumerate(out) if r.layout == name and not r.rejected]
        if not batch:
            continue
        header_schema, row_schema = schemas(name)
        checked = [_copy(out[i]) for i in batch]
        _cut_long_headers(layout, checked)
        _check_headers(layout, header_schema, checked)
        _check_rows(layout, row_schema, checked)
        for i, loaded in zip(batch, checked):
            out[i] = loaded
    return out


def _copy(loaded: LoadedReturn) -> LoadedReturn:
    # (copied on write, pandas 3's way: only a return with a value blanked or cut pays)
    rows = loaded.rows.copy(deep=False) if loaded.rows is not None else None
    return replace(loaded, header=dict(loaded.header), rows=rows, findings=list(loaded.findings))


def _failures(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame:
    try:
        schema.validate(frame, lazy=True, inplace=True)  # (read only: no copy made)
    except SchemaErrors as err:
        cases = err.failure_cases
        return cases[cases["index"].notna() & cases["column"].isin(frame.columns)]
    return pd.DataFrame(columns=["column", "check", "failure_case", "index"])


def _check_headers(layout: Layout, schema: pa.DataFrameSchema, batch: list[LoadedReturn]) -> None:
    present = [f for f in layout.header if any(f.name in r.header for r in batch)]
    frame = pd.DataFrame(
        [[r.value(f.name) for f in present] for r in batch],
        columns=[f.name for f in present],
        dtype=object,
    )
    for case in _failures(schema, frame).itertuples(index=False):
        loaded = batch[int(case.index)]
        f = layout.field(case.column)
        held = loaded.header.get(f.name)
        if held is None or (held.row is None and case.check == "not_nullable"):
            continue  # the label itself is missing: the loader has said so once
        loaded.findings.append(_finding(loaded, f, case.check, held.raw, held.cell))
        loaded.header[f.name] = HeaderValue(None, held.raw, held.row, held.col)


def _check_rows(layout: Layout, schema: pa.DataFrameSchema, batch: list[LoadedReturn]) -> None:
    tables = [(i, r.rows) for i, r in enumerate(batch) if r.rows is not None and len(r.rows)]
    if not tables:
        return
    frame = pd.concat([rows for _, rows in tables], ignore_index=True)
    frame[_RETURN] = np.repeat([i for i, _ in tables], [len(rows) for _, rows in tables])
    _cut_long_cells(layout, frame, batch)
    failures = _failures(schema, frame)
    for case in failures.itertuples(index=False):
        position = int(case.index)
        loaded = batch[int(frame.at[position, _RETURN])]
        sheet_row = int(frame.at[position, ROW])
        f = layout.field(case.column)
        value = None if case.check == "not_nullable" else case.failure_case
        cell = loaded.cell_of(f.name, sheet_row)
        loaded.findings.append(_finding(loaded, f, case.check, value, cell, sheet_row))
        if case.check != "not_nullable":
            local = loaded.rows.index[loaded.rows[ROW] == sheet_row]
            loaded.rows.loc[local, f.name] = None


def _cut_long_headers(layout: Layout, batch: list[LoadedReturn]) -> None:
    """Cut each header text longer than a cell holds to fit, with a finding."""
    for loaded in batch:
        for name, held in list(loaded.header.items()):
            value, raw = held.value, held.raw
            if _fits(value) and _fits(raw):
                continue
            f = layout.field(name)
            cut = fit_cell(value) if isinstance(value, str) else value
            loaded.header[name] = HeaderValue(
                cut, fit_cell(raw) if isinstance(raw, str) else raw, held.row, held.col
            )
            if loaded.organisation is not None and loaded.organisation == value:
                loaded.organisation = cut
            if not _fits(value) and valid_check(f)(cut):
                # (a cut value that is still not valid is blanked and reported by its check)
                loaded.findings.append(_too_long(loaded, f, value, held.cell))


def _cut_long_cells(layout: Layout, frame: pd.DataFrame, batch: list[LoadedReturn]) -> None:
    """Cut each table text longer than a cell holds to fit, in ``frame`` and in its return's
    rows, with a finding."""
    for f in layout.columns:
        if f.name not in frame.columns:
            continue
        values = frame[f.name].tolist()
        # only a text over half the limit can be over it (quick tests first, as tables are long:
        # a column with no text, or only short text and blanks, has none)
        kinds = set(map(type, values))
        if str not in kinds or (
            kinds <= _TEXT_OR_BLANK
            and max(map(len, filter(None, values)), default=0) <= CELL_LIMIT // 2
        ):
            continue
        long = [i for i, v in enumerate(values) if type(v) is str and len(v) > CELL_LIMIT // 2]
        for position in long:
            value = values[position]
            if fits_cell(value):
                continue
            cut = fit_cell(value)
            frame.at[position, f.name] = cut
            loaded = batch[int(frame.at[position, _RETURN])]
            sheet_row = int(frame.at[position, ROW])
            local = loaded.rows.index[loaded.rows[ROW] == sheet_row]
            loaded.rows.loc[local, f.name] = cut
            if valid_check(f)(cut):
                cell = loaded.cell_of(f.name, sheet_row)
                loaded.findings.append(_too_long(loaded, f, value, cell, sheet_row))


def _fits(value: Any) -> bool:
    return not isinstance(value, str) or fits_cell(value)


def _too_long(
    loaded: LoadedReturn, field: Field, value: str, cell: str | None, sheet_row: int | None = None
) -> Finding:
    where = "" if sheet_row is None else f" (row {sheet_row + 1})"
    return Finding(
        RED,
        TOO_LONG,
        f"{field.title}{where} is {cell_length(value):,} characters long, more than a cell "
        f"can hold: shorten it (a cell holds at most {CELL_LIMIT:,} characters). Until then it "
        f"is cut short to fit, ending in …",
        file=loaded.source.name,
        sheet=loaded.sheet,
        cell=cell,
        field=field.title,
        value=shown(value),
        row=sheet_row,
    )


def _finding(
    loaded: LoadedReturn,
    field: Field,
    check: str,
    value: Any,
    cell: str | None,
    sheet_row: int | None = None,
) -> Finding:
    if check == "not_nullable":
        where = "" if sheet_row is None else f" (row {sheet_row + 1})"
        return Finding(
            RED,
            REQUIRED,
            f"{field.title} is required but empty{where}: {field.help}",
            file=loaded.source.name,
            sheet=loaded.sheet,
            cell=cell,
            field=field.title,
            gap=field.gap.value,
            row=sheet_row,
        )
    return Finding(
        RED,
        check,
        problem_sentence(field, value),
        file=loaded.source.name,
        sheet=loaded.sheet,
        cell=cell,
        field=field.title,
        value=shown(value),
        gap="amber",
        row=sheet_row,
    )
