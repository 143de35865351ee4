"""A return as loaded: plain dataclasses and one DataFrame, with provenance for every value.

These are what each stage hands the next: the loader makes them from a path, the checker
adds findings and blanks out values that failed, consolidation reads them. They pickle, so a
file can be loaded in a worker process.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from .declare.findings import Finding, cell_address
from .declare.formulas import PREFIX
from .declare.rows import Block, Names, Row
from .declare.rules import TURNING_DOWN
from .declare.severity import RED

if TYPE_CHECKING:
    import pandas as pd

ROW = "_row"  # provenance column: the zero-based sheet row each table row came from


@dataclass
class PlainRows:
    """A return's rows before they become its DataFrame: how a worker process sends them back
    (so workers never import pandas, and plain lists unpickle quickly). Each row is a tuple
    of its values in the order of ``columns`` (a large round holds a few hundred thousand
    rows at once: as dicts they took three times the memory)."""

    columns: list[str]
    values: list[tuple[Any, ...]]

    @classmethod
    def of_records(cls, columns: list[str], records: list[dict[str, Any]]) -> PlainRows:
        """Rows given as dicts, each holding every one of ``columns``."""
        return cls(columns, [tuple(record[c] for c in columns) for record in records])


def as_frame(loaded: LoadedReturn) -> LoadedReturn:
    """The return with its rows as a DataFrame of Python objects; returns ``loaded``."""
    if isinstance(loaded.rows, PlainRows):
        import pandas as pd

        plain = loaded.rows
        columns = _index(tuple(plain.columns))
        loaded.rows = pd.DataFrame(plain.values, columns=columns, dtype=object)
    return loaded


@functools.lru_cache(maxsize=64)
def _index(columns: tuple[str, ...]) -> pd.Index:
    """The frames' column labels, made once per shape of return and shared (an index never
    changes): a third of making a return's frame was making its labels again."""
    import pandas as pd

    return pd.Index(list(columns))


def table_rows(rows: pd.DataFrame | PlainRows | None) -> Sequence[Row]:
    """A frame's rows (or rows not yet made a frame) as rows sharing one ``Names`` (a
    ``Block``), values as stored (None stays None): what a plan's rows are worked out from."""
    if rows is None:
        return []
    names = Names.of(tuple(rows.columns))
    if isinstance(rows, PlainRows):
        return Block(names, [tuple(values) for values in rows.values])
    return Block(names, list(zip(*_columns(rows))))


def _columns(rows: pd.DataFrame) -> list[list[Any]]:
    """Each column's values as stored. A frame of Python objects (``as_frame``'s) is read in
    one piece: a column at a time costs a Series each, most of the time of a large round."""
    if all(dtype == "object" for dtype in rows.dtypes):  # (quicker than str(dtype))
        return rows.to_numpy(dtype=object).T.tolist() if len(rows.columns) else []
    return [rows[c].tolist() for c in rows.columns]


def records(rows: pd.DataFrame | PlainRows | None) -> list[dict[str, Any]]:
    """A frame's rows as dicts, values as stored (None stays None); much faster than
    ``DataFrame.to_dict("records")`` on object columns. Rows not yet made a frame
    (``PlainRows``) are given as dicts too."""
    if rows is None:
        return []
    if isinstance(rows, PlainRows):
        return [dict(zip(rows.columns, values)) for values in rows.values]
    columns = list(rows.columns)
    return [dict(zip(columns, values)) for values in zip(*_columns(rows))]


@dataclass(frozen=True)
class Envelope:
    """The email message a file arrived attached to (see ``pipeline.inbox.messages``): the message
    file's name as shown, who sent it (their address as written), when, and its subject."""

    message: str
    sender: str | None = None
    sent: datetime | None = None  # local time, without a time zone
    subject: str | None = None

    def sent_by(self, address: str | None) -> bool:
        """Whether the message came from ``address`` (addresses compared ignoring case)."""
        return bool(self.sender and address) and self.sender.casefold() == address.casefold()


SEPARATOR = " › "  # between a message's name and its attachment's, in the name shown
CANNOT_BE_USED = "This file cannot be used: "  # how the sentence begins when it cannot be read


@dataclass(frozen=True)
class SourceFile:
    """A file as found in the inbox: where, what name to show, and its content hash; for an
    attachment of a message, the message's envelope (``path`` is then the message's)."""

    path: Path
    name: str  # relative to the inbox, as shown to people
    sha256: str
    size: int
    envelope: Envelope | None = None

    @property
    def own_name(self) -> str:
        """The file's own name: without its folders, or the message it came attached to."""
        if self.envelope is not None and self.name.startswith(self.envelope.message + SEPARATOR):
            return self.name[len(self.envelope.message + SEPARATOR) :]
        return PurePosixPath(self.name).name

    @classmethod
    def of(cls, path: Path, name: str, data: bytes) -> SourceFile:
        """The file at ``path``, whose bytes are ``data``."""
        return cls(Path(path), name, hashlib.sha256(data).hexdigest(), len(data))


@dataclass(frozen=True)
class HeaderValue:
    """One header field's value, the raw text it was read from, and the cell it came from."""

    value: Any
    raw: Any = None
    row: int | None = None
    col: int | None = None

    @property
    def cell(self) -> str | None:
        """Spreadsheet address of the value (or of its label when the value was blank)."""
        if self.row is None or self.col is None:
            return None
        return cell_address(self.row, self.col)


@dataclass(frozen=True)
class Stamp:
    """The hidden mark our templates carry: which layout, which version, whose."""

    layout: str
    version: int | None
    organisation: str | None


@dataclass
class LoadedReturn:
    """Everything read from one file.

    ``rows`` holds one row per action or task: a column per field found (normalised values)
    plus ``_row``; ``columns`` maps each field found to its zero-based sheet column, so any
    value's cell can be named. A rejected return has a finding of a rule that turns a file
    down (``rules.Rule.rejects``), Red, and no data.
    """

    source: SourceFile
    layout: str | None = None
    sheet: str | None = None
    header: dict[str, HeaderValue] = field(default_factory=dict)
    rows: pd.DataFrame | None = None
    columns: dict[str, int] = field(default_factory=dict)
    header_row: int | None = None
    stamp: Stamp | None = None
    findings: list[Finding] = field(default_factory=list)
    organisation: str | None = None

    @property
    def rejected(self) -> bool:
        """True when the file cannot be used at all."""
        return any(f.rule in TURNING_DOWN for f in self.findings)

    @property
    def reason(self) -> str | None:
        """Why the file was rejected, as a sentence."""
        return next((f.message for f in self.findings if f.rule in TURNING_DOWN), None)

    def value(self, name: str) -> Any:
        """A header field's normalised value, or None."""
        held = self.header.get(name)
        return None if held is None else held.value

    def cell_of(self, name: str, row: int) -> str | None:
        """Address of field ``name`` in sheet row ``row`` (zero-based), if the column was found."""
        col = self.columns.get(name)
        return None if col is None else cell_address(row, col)

    def reject(self, rule: str, message: str) -> LoadedReturn:
        """Mark the return unusable with a one-sentence reason, a finding of ``rule`` (one that
        turns a file down); returns self."""
        if rule not in TURNING_DOWN:
            raise ValueError(f"{rule!r} is not a rule that turns a file down (rules.FINDINGS)")
        self.findings.append(Finding(RED, rule, message, file=self.source.name, sheet=self.sheet))
        return self


STAMP_SHEET = "_pipeline"  # very hidden sheet in our templates holding the stamp
# very hidden sheet in our templates working out their own checks (``templates.checks``): never
# a plan; and the prefix of the defined names its formulas use, which marks them as ours
CHECKS_SHEET, CHECK_NAMES = "_checks", PREFIX
HOW_CHECKED_SHEET = "How your plan is checked"  # our templates' list of the rules: no plan


def stamp_rows(stamp: Stamp) -> list[tuple[str, Any]]:
    """The key/value rows the template writer puts on the stamp sheet."""
    return [
        ("layout", stamp.layout),
        ("template_version", stamp.version),
        ("organisation", stamp.organisation or ""),
    ]


def stamp_from_rows(rows: list[list[Any]]) -> Stamp | None:
    """Read a stamp back from the stamp sheet's cells; None when it is not ours."""
    values = {str(r[0]).strip(): r[1] for r in rows if len(r) >= 2 and r[0] not in ("", None)}
    layout = values.get("layout")
    if not layout:
        return None
    version = values.get("template_version")
    try:
        version = int(version) if version not in ("", None) else None
    except (TypeError, ValueError):
        version = None
    organisation = values.get("organisation")
    return Stamp(str(layout), version, str(organisation) if organisation else None)
