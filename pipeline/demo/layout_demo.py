"""What a layout's demo partners do, declared in its own package (``layouts/<name>/demo.py``):
how a plan is drafted, what its file is called, how it looked a round earlier, and which
organisation makes which mistake. ``generate`` plays every layout that has one."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from fnmatch import fnmatch
from importlib import resources
from pathlib import Path
from typing import Any

from ..declare import Layout
from ..inbox.registers import RegisterEntry


@dataclass
class DemoReturn:
    """One return being made: its header values and rows, and how it will be saved."""

    layout: Layout
    entry: RegisterEntry
    header: dict[str, Any]
    rows: list[dict[str, Any]]
    name: str
    rename_sheet: str | None = None
    built_by_hand: str | None = None  # "xlsx" or "ods": the partner made their own sheet
    saved_as_csv: bool = False  # the plan's sheet saved as CSV, not the workbook


Mistake = Callable[[DemoReturn, random.Random], None]
REGISTER_FILES = "*register.csv"  # a layout package's demo register


def shipped_register(package: str) -> str:
    """The demo register shipped in a layout's package (its one ``*register.csv``), as
    text."""
    [found] = [f for f in resources.files(package).iterdir() if fnmatch(f.name, REGISTER_FILES)]
    return found.read_text("utf-8")


def earlier_by(header: dict[str, Any], layout: Layout, days: int) -> dict[str, Any]:
    """The header's date of update ``days`` earlier (nothing, where it has none)."""
    key = layout.updated
    return {key: header[key] - timedelta(days=days)} if key in header else {}


@dataclass(frozen=True)
class LayoutDemo:
    """A layout's demo partners.

    ``register`` is the demo register's CSV text; ``draft(entry, rng, as_of)`` gives a
    careful partner's header values and rows; ``file_name(entry, day)`` what they call the
    file; ``earlier(r, rng, then)`` changes a return into how it looked a round earlier, at
    ``then``; ``mistakes`` says which organisation makes which mistake. Where given,
    ``stranger(rng, as_of)`` makes the pre-filled values, header and rows of a return from an
    organisation on no register, and ``by_hand(path, values, rows, kind)`` writes a partner's
    own sheet in place of the template. The round's other stories: who sends nothing, who
    sends a draft first (superseded), who saves the same file twice (a duplicate), who sends
    late (the day after the due date), and who sends a Word document instead."""

    register: str
    draft: Callable[[RegisterEntry, random.Random, date], tuple[dict[str, Any], list[dict]]]
    file_name: Callable[[RegisterEntry, date], str]
    earlier: Callable[[DemoReturn, random.Random, date], None]
    mistakes: Mapping[str, Mistake]
    stranger: Callable[[random.Random, date], tuple[dict, dict, list[dict]]] | None = None
    by_hand: Callable[[Path, dict[str, Any], list[dict], str], None] | None = None
    not_returned: frozenset[str] = frozenset()
    sent_twice: str | None = None
    saved_twice: str | None = None
    late: frozenset[str] = frozenset()
    # an organisation that sends, in place of its return, its plan typed up in a Word
    # document named after it (rejected, and matched to it by its name)
    sent_in_word: str | None = None


# --- mistakes any partner makes --------------------------------------------------------------


def hand_typed_statuses(
    names: Callable[[dict[str, Any]], list[str]], typed: Mapping[str, str]
) -> Mistake:
    """Every other row's statuses (the columns ``names`` picks) typed as people say them
    (``typed``: status -> what is typed)."""

    def mistake(r: DemoReturn, rng: random.Random) -> None:
        for row in r.rows[::2]:
            for name in names(row):
                row[name] = typed.get(row[name], row[name])

    return mistake


def text_date_of_update(r: DemoReturn, rng: random.Random) -> None:
    """The date of update typed as words: ``18th Nov 2026``."""
    key = r.layout.updated or ""
    day = r.header[key]
    r.header[key] = f"{day.day}{'th' if day.day not in (1, 2, 3) else 'st'} " + (
        day.strftime("%b %Y")
    )


def renamed_sheet(r: DemoReturn, rng: random.Random) -> None:
    """The plan's sheet renamed after the organisation."""
    r.rename_sheet = f"{r.entry.organisation} plan"[:31]


def stale(days: int) -> Mistake:
    """The plan last brought up to date ``days`` earlier than a careful partner's."""

    def mistake(r: DemoReturn, rng: random.Random) -> None:
        r.header.update(earlier_by(r.header, r.layout, days))

    return mistake


def built_by_hand(kind: str, name: str) -> Mistake:
    """The partner built their own sheet (``kind``: xlsx or ods) and called it ``name``
    (formatted with ``organisation``)."""

    def mistake(r: DemoReturn, rng: random.Random) -> None:
        r.built_by_hand = kind
        r.name = name.format(organisation=r.entry.organisation)

    return mistake


def saved_as_csv(r: DemoReturn, rng: random.Random) -> None:
    """The plan's sheet saved as CSV (Excel's "Save as CSV"), not the workbook."""
    r.saved_as_csv = True
    r.name = str(Path(r.name).with_suffix(".csv"))
