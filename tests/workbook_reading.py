"""Reading the consolidated workbook back with openpyxl (xlsxwriter wrote it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl


def sheet_records(path: Path, sheet: str) -> list[dict[str, Any]]:
    """A sheet's table as dicts keyed by its header row (the first row)."""
    book = openpyxl.load_workbook(path)
    rows = list(book[sheet].iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, row)) for row in rows[1:] if any(v is not None for v in row)]


def flags(path: Path, rule: str | None = None) -> list[dict[str, Any]]:
    """The Gap Flags sheet's rows, optionally only those of one rule (by title)."""
    found = sheet_records(path, "Gap Flags")
    return [f for f in found if rule is None or f["Rule"] == rule]
