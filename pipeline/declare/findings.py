"""Findings: what we noticed about a return, as data (never exceptions or warnings).

A finding names the file, sheet and cell, the field by its title as the partner sees it, the
value found, the rule that fired and a sentence a person who fills spreadsheets understands.
The terminal report, ``--json`` and the consolidated workbook all render these same objects.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from .severity import Severity

REQUIRED = "required"  # the code of a finding that a required field is empty
TOO_LONG = "too-long"  # the rule of a finding that a text is longer than a cell holds


@dataclass(frozen=True)
class Finding:
    """One thing to tell a partner about their return.

    ``severity`` is its rule's (Red or Amber; a file its rule turns down is Red, and rejected
    is the file's status). ``gap`` is the flag's severity when the finding is also a gap in the
    plan that managers should see on the Gap Flags sheet, else None.
    """

    severity: Severity
    rule: str
    message: str
    file: str = ""
    sheet: str | None = None
    cell: str | None = None
    field: str | None = None
    value: str | None = None
    gap: Severity | None = None
    row: int | None = None  # zero-based sheet row, for findings about one action or task
    # where we guessed what a value meant: what we read it as (a date, a list's value), and
    # every cell it was written so in (``cell`` is the first)
    read_as: Any = None
    cells: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # (one read back from the store holds the words it was kept in)
        if type(self.severity) is not Severity:
            object.__setattr__(self, "severity", Severity.of(self.severity))
        if self.gap is not None and type(self.gap) is not Severity:
            object.__setattr__(self, "gap", Severity.of(self.gap))

    @property
    def location(self) -> str:
        """``Sheet!H14``, ``Sheet`` or empty, for printing before the message."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or ""

    def as_dict(self) -> dict[str, Any]:
        """A plain dict for JSON."""
        out = asdict(self)
        out["severity"] = self.severity.value
        out["gap"] = None if self.gap is None else self.gap.value
        out["cells"] = list(self.cells)
        if isinstance(self.read_as, date):
            out["read_as"] = self.read_as.isoformat()
        return out


@dataclass(frozen=True)
class Flag:
    """One gap in an organisation's plan, on the Gap Flags sheet, with its rule's words (see
    ``pipeline.round.flags``): what managers see, where a finding is what the partner is told."""

    organisation: str
    layout: str
    severity: Severity
    rule: str
    message: str
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    rule_title: str = ""  # the rule's title as shown to managers
    to_do: str = ""  # what the organisation does about it

    def __post_init__(self) -> None:
        if type(self.severity) is not Severity:  # (read back from the store: its word)
            object.__setattr__(self, "severity", Severity.of(self.severity))


def shown(value: Any, limit: int = 60) -> str | None:
    """A value as it should be quoted back to a partner (short, on one line)."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cell_address(row: int, col: int) -> str:
    """Spreadsheet address of a zero-based (row, column): (13, 7) -> ``H14``."""
    return f"{column_letter(col)}{row + 1}"


def column_number(letters: str) -> int:
    """The one-based column number of spreadsheet column letters: ``A`` -> 1, ``AB`` -> 28."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


@functools.cache  # (a few dozen columns, asked for on every row of a round)
def column_letter(col: int) -> str:
    """Spreadsheet column letters of a zero-based column index: 0 -> ``A``, 27 -> ``AB``."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
