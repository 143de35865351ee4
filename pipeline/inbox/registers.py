"""Registers: the CSV lists of organisations expected to send a return.

A register's columns are the ``register_column`` of its layout's header fields, so the register
format is derived from the layout declaration like everything else. Its layout is told from its
columns. Organisations are matched loosely (case, spacing, punctuation, ``&``), and for layouts
with a code (three_year) by code first.

A register is read as UTF-8 (with or without the byte-order mark Excel's "CSV UTF-8" writes),
or else as Windows text (cp1252, what Excel's plain "CSV (Comma delimited)" writes), and a
quoted cell may hold line breaks, which a free-text value (a name, a contact) keeps: errors
name the line each record starts on in the file.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from ..declare import (
    CONTACT_EMAIL,
    CONTACT_NAME,
    LAYOUTS,
    REGISTER_CONTACT,
    Field,
    Kind,
    Layout,
    squash,
)
from ..errors import RegisterError
from ..values import CELL_LIMIT, cell_length, fits_cell, read_value, valid_check


def organisation_key(name: Any) -> str:
    """How two spellings of one organisation's name are recognised as the same."""
    return squash(name)


@dataclass(frozen=True)
class RegisterEntry:
    """One organisation on a register, with the header values it pre-fills."""

    organisation: str
    code: str | None
    prefill: dict[str, Any]  # header field name -> value read as the field's kind
    line: int


@dataclass(frozen=True)
class Register:
    """A layout's register, read from ``path``."""

    layout: Layout
    path: Path
    entries: tuple[RegisterEntry, ...]

    def find(self, organisation: Any, code: Any = None) -> RegisterEntry | None:
        """The entry for an organisation, by code (when given and known) or by name."""
        by_code, by_name = self._keyed
        if code is not None and (entry := by_code.get(organisation_key(code))) is not None:
            return entry
        return by_name.get(organisation_key(organisation))

    @cached_property
    def _keyed(self) -> tuple[dict[str, RegisterEntry], dict[str, RegisterEntry]]:
        """The entries by ``organisation_key`` of their code and of their name, the first of
        each key (a round finds every organisation's: a scan each was a large round's cost)."""
        by_code: dict[str, RegisterEntry] = {}
        by_name: dict[str, RegisterEntry] = {}
        for entry in self.entries:
            if entry.code:
                by_code.setdefault(organisation_key(entry.code), entry)
            by_name.setdefault(organisation_key(entry.organisation), entry)
        return by_code, by_name

    def contact_email(self, organisation: Any) -> str | None:
        """The email address the register gives for an organisation's contact, or None (not
        on the register, or the layout's register keeps no address)."""
        return contact_of(self.layout, self.find(organisation))[1]


def contact_of(layout: Layout, entry: RegisterEntry | None) -> tuple[str | None, str | None]:
    """The contact name and email address a register entry gives (its ``contact_name`` and
    ``contact_email``, every register's: what a message is addressed to, and who a return's
    sender should be), each None where it gives none. Without a contact name, the layout's
    ``contact_fallback`` field names them (a three-year plan's head of service)."""
    prefill = entry.prefill if entry is not None else {}
    named = (CONTACT_NAME, *((layout.contact_fallback,) if layout.contact_fallback else ()))
    name = next((prefill[n] for n in named if prefill.get(n)), None)
    email = prefill.get(CONTACT_EMAIL)
    return (str(name) if name else None), (str(email).strip() if email else None)


def layout_of_columns(columns: list[str], path: Path) -> Layout:
    """The layout whose register ``columns`` are: of those whose required columns are all
    there, the one that fits best (the fewest of the header's columns it does not know, then
    the most of its own columns present, then the fewest of them missing), the first
    registered on a tie. A register with only the columns two layouts share is read as the
    one that has no others: name the layout (``LAYOUT=PATH``) to read it as the other."""
    contact = {f.register_column for f in REGISTER_CONTACT}  # (every layout's: they tell none)
    present = {c.strip() for c in columns} - contact
    fitting = []
    for layout in LAYOUTS.values():
        known = {f.register_column for f in layout.register_fields} - contact
        needed = {f.register_column for f in layout.register_fields if f.register_required}
        if needed <= present:
            fit = (-len(present - known), len(known & present), -len(known - present))
            fitting.append((fit, -len(fitting), layout))
    if fitting:
        return max(fitting, key=lambda fit: fit[:2])[2]
    raise RegisterError(
        f"{path}: the header row ({','.join(columns)}) is not a register's. "
        f"Expected the columns {_expected(LAYOUTS.values())}."
    )


def _expected(layouts: Iterable[Layout]) -> str:
    return "; ".join(
        f"{layout.name}: " + ",".join(str(f.register_column) for f in layout.register_fields)
        for layout in layouts
    )


def _as(layout: Layout, columns: list[str], path: Path) -> Layout:
    """``layout``, when the register ``columns`` have its required ones."""
    needed = [f.register_column for f in layout.register_fields if f.register_required]
    missing = [c for c in needed if c not in {c.strip() for c in columns}]
    if missing:
        raise RegisterError(
            f"{path}: a {layout.name} register needs the column(s) {', '.join(map(str, missing))}"
            f"; its columns are {_expected([layout])}."
        )
    return layout


def read_register(path: Path, layout: Layout | None = None) -> Register:
    """Read a register CSV; RegisterError (naming file, line and column) when it is unusable."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise RegisterError(f"{path}: cannot read the register ({err}).") from None
    rows = _records(_decoded(data, path), path)
    if not rows:
        raise RegisterError(f"{path}: the register is empty; it needs a header row.")
    columns = [c.strip() for c in rows[0][1]]
    found = layout_of_columns(columns, path) if layout is None else _as(layout, columns, path)
    entries: list[RegisterEntry] = []
    seen: dict[str, int] = {}
    for line, row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        entry = _entry(found, dict(zip(columns, row)), path, line)
        key = organisation_key(entry.organisation)
        if key in seen:
            raise RegisterError(
                f"{path} line {line}: {entry.organisation} is already on line {seen[key]}; "
                f"list each organisation once."
            )
        seen[key] = line
        entries.append(entry)
    return Register(found, path, tuple(entries))


def _decoded(data: bytes, path: Path) -> str:
    """A register's text: UTF-8, else what Excel's plain "CSV (Comma delimited)" writes (as a
    return saved as CSV is read: ``reading.csvfile``)."""
    from ..reading.csvfile import decoded  # (the reading package imports the loader)

    try:
        return decoded(data)
    except UnicodeDecodeError as err:
        line = len(_LINE_BREAK.findall(data[: err.start])) + 1
        raise RegisterError(
            f"{path} line {line}: the register has a character that cannot be read (byte "
            f"0x{data[err.start]:02X}, which is neither UTF-8 nor Windows text); save it from "
            f"Excel as CSV UTF-8 (Comma delimited)."
        ) from None


_LINE_BREAK = re.compile(rb"\r\n|\r|\n")


def _records(text: str, path: Path) -> list[tuple[int, list[str]]]:
    """A register's records, each with the file line it starts on (a quoted cell may hold
    line breaks, so a record can span several lines)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records = []
    start = 1
    try:
        for row in reader:
            records.append((start, row))
            start = reader.line_num + 1
    except csv.Error as err:
        if "field larger than field limit" in str(err):  # a cell is far too long
            raise RegisterError(
                f"{path} line {reader.line_num}: a value is longer than a spreadsheet cell can "
                f"hold: {_SHORTEN}"
            ) from None
        raise RegisterError(
            f"{path} line {reader.line_num}: cannot read the register ({err})."
        ) from None
    if records and _unclosed(records[-1][1], text):
        raise RegisterError(
            f'{path} line {records[-1][0]}: a cell opens with a quote (") that is never closed, '
            f"so the rest of the register would be read as that one cell: add the closing "
            f"quote, or remove the opening one."
        )
    return records


def _unclosed(row: list[str], text: str) -> bool:
    """Whether the last record ran to the end of the file inside a quoted cell: its last
    cell then holds every line after the quote, and the file does not end with a quote."""
    last = row[-1] if row else ""
    return ("\n" in last or "\r" in last) and not text.rstrip("\r\n").endswith('"')


_SHORTEN = f"shorten it (a cell holds at most {CELL_LIMIT:,} characters)."


def _entry(layout: Layout, raw: dict[str, str], path: Path, line: int) -> RegisterEntry:
    prefill: dict[str, Any] = {}
    for f in layout.register_fields:
        text = (raw.get(f.register_column) or "").strip()
        if not fits_cell(text):
            raise RegisterError(
                f"{path} line {line}, column {f.register_column}: the value is "
                f"{cell_length(text):,} characters long, more than a spreadsheet cell can hold: "
                f"{_SHORTEN}"
            )
        if not text:
            if f.register_required:
                raise RegisterError(
                    f"{path} line {line}: the {f.register_column} column is empty; it is required."
                )
            continue
        value = _lines_kept(text, f) if f.kind is Kind.TEXT else read_value(text, f).value
        if not valid_check(f)(value):
            raise RegisterError(
                f'{path} line {line}, column {f.register_column}: "{text}" is not a valid '
                f"{f.title}."
            )
        prefill[f.name] = value
    code = prefill.get(layout.code_key) if layout.code_key else None
    return RegisterEntry(str(prefill[layout.key]), code, prefill, line)


def _lines_kept(text: str, f: Field) -> str:
    """A free-text register value as read, but a line break in the cell (Alt+Enter in Excel)
    kept: each line tidied as a one-line value is, blank ones dropped, the rest joined by
    ``\\n`` as a spreadsheet cell holds them. (Names are still matched as one line: see
    ``organisation_key``.)"""
    lines = (read_value(line, f).value for line in _LINE_BREAK_TEXT.split(text))
    return "\n".join(line for line in lines if line)


_LINE_BREAK_TEXT = re.compile(r"\r\n|\r|\n")


def read_registers(paths: Iterable[Path | tuple[str, Path]]) -> dict[str, Register]:
    """Read several registers, one per layout at most, keyed by layout name; each a path
    (its layout told by its columns) or a (layout name, path) pair."""
    registers: dict[str, Register] = {}
    for given in paths:
        name, path = given if isinstance(given, tuple) else (None, given)
        register = read_register(path, None if name is None else LAYOUTS[name])
        if register.layout.name in registers:
            raise RegisterError(
                f"{path}: a {register.layout.name} register was already given "
                f"({registers[register.layout.name].path}); give one per layout."
            )
        registers[register.layout.name] = register
    return registers
