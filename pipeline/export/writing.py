"""Writing the tables: CSV for Excel and anything else, Parquet for analysts' tools, each
table written a round at a time (so a year of rounds is never held at once), its values typed
by its columns' declared types (``columns.TYPES``).

CSV: UTF-8 with a byte-order mark (so that Excel reads it as UTF-8), a header row, commas,
CRLF line ends; dates as ISO dates (2026-11-20), date-times as 2026-11-20 14:03:00, numbers
plain, true and false as TRUE and FALSE: what Excel and LibreOffice read as dates, numbers and
booleans. Text that a spreadsheet would take for a formula (beginning with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is written with an apostrophe before it, as OWASP
advises for CSV files: Excel and LibreOffice show it as the text it is and never run it.

Parquet (with pyarrow): dates as date32, date-times as timestamps to the millisecond (local
time, no time zone), integers as int64, numbers as float64, booleans as bool, text as UTF-8
strings.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from .columns import BOOLEAN, DATE, DATETIME, INTEGER, NUMBER, TEXT, Item, Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what Excel or LibreOffice may run
YES, NO = "Yes", "No"

# Each column type: how a CSV cell of it looks, and its Parquet (Arrow) type.
FORMS: dict[str, tuple[str, str]] = {
    TEXT: ("the text (one a spreadsheet would take for a formula after an apostrophe: '=…)",
           "string"),
    DATE: ("2026-11-20", "date32"),
    DATETIME: ("2026-11-20 14:03:00 (local time)", "timestamp[ms]"),
    INTEGER: ("25", "int64"),
    NUMBER: ("6.5", "double"),
    BOOLEAN: ("TRUE or FALSE", "bool"),
}  # fmt: skip


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else str(value)


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _datetime(value: Any) -> datetime | None:
    return value.replace(microsecond=0) if isinstance(value, datetime) else None


def _integer(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if float(value).is_integer() else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return None
    return float(value)


def _boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    return {YES: True, NO: False}.get(value)


# A value as its column's type (None where it is empty, or is not of that type: the checks
# blank out values that are not, so this is only a guard).
TYPED: dict[str, Callable[[Any], Any]] = {TEXT: _text, DATE: _date, DATETIME: _datetime,
                                          INTEGER: _integer, NUMBER: _number,
                                          BOOLEAN: _boolean}  # fmt: skip


def typed(table: Table) -> Callable[[Item], list[Any]]:
    """What makes one row of ``table`` from an item: each column's value, typed."""
    getters = [(column.get, TYPED[column.type]) for column in table.columns]

    def row(item: Item) -> list[Any]:
        return [None if (v := get(item)) is None else convert(v) for get, convert in getters]

    return row


class Sink(Protocol):
    """Where one table's rows go, a batch at a time."""

    def add(self, items: Sequence[Item]) -> int:
        """Write a row for each item; how many were written."""
        ...

    def close(self) -> None:
        """Finish the file."""
        ...


def csv_cell(value: Any) -> str:
    """A typed value as a CSV cell that Excel and LibreOffice read as its type."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return f"'{value}" if value.startswith(FORMULA_STARTS) else value
    return str(value)


class CsvSink:
    """A table written as CSV (see the module)."""

    def __init__(self, path: Path, table: Table) -> None:
        self.row = typed(table)
        self.file = open(path, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115
        self.writer = csv.writer(self.file, lineterminator="\r\n")
        self.writer.writerow([c.name for c in table.columns])

    def add(self, items: Sequence[Item]) -> int:
        self.writer.writerows([csv_cell(v) for v in self.row(i)] for i in items)
        return len(items)

    def close(self) -> None:
        self.file.close()


class ParquetSink:
    """A table written as Parquet, one row group per batch (see the module)."""

    def __init__(self, path: Path, table: Table) -> None:
        from ..system.imports import wanted

        pa, pq = wanted("pyarrow"), wanted("pyarrow.parquet")
        self.pa, self.row = pa, typed(table)
        self.schema = pa.schema([pa.field(c.name, pa.type_for_alias(FORMS[c.type][1]))
                                 for c in table.columns])  # fmt: skip
        self.writer = pq.ParquetWriter(path, self.schema)

    def add(self, items: Sequence[Item]) -> int:
        if not items:
            return 0
        rows = [self.row(item) for item in items]
        columns = [self.pa.array([row[n] for row in rows], type=field.type)
                   for n, field in enumerate(self.schema)]  # fmt: skip
        self.writer.write_batch(self.pa.record_batch(columns, schema=self.schema))
        return len(items)

    def close(self) -> None:
        self.writer.close()


FORMATS: dict[str, type] = {"csv": CsvSink, "parquet": ParquetSink}
