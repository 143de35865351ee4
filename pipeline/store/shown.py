"""Each layout's round as its last run showed it, kept so that a past round can be read back as
its workbook showed it (``pipeline export``): the round itself (its period, the as-of date of
its last run, its due date, how many returns were expected), its Returns Log (every file, with
its status, whose it is, its arrival and its findings) and its gap flags.

These are kept because they depend on more than the stored returns: the register and the
options of the run, the other files of the round, the files turned down and whose they are.
What is a function of the stored returns alone (each row's progress at the as-of date, what
changed since the round before, the plan's figures) is not kept: it is worked out again, by
the same functions, from the returns and the as-of date kept here.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..declare import LAYOUTS
from ..declare.findings import Finding, Flag
from ..declare.rounds import Round
from ..inbox.arrival import Arrival
from ..inbox.registers import RegisterEntry
from ..returns import LoadedReturn
from ..values import read_value
from . import codec
from .codec import finding_from_dict, finding_to_dict

REGISTER = "register"  # the key, in a plan's stored summary, of the register entry it used


@dataclass(frozen=True)
class LoggedFile:
    """One line of a round's Returns Log: a file, what became of it and why."""

    name: str
    sha256: str | None
    status: str
    reason: str | None = None
    layout: str | None = None  # its return's layout, or (a rejected file) its owner's
    organisation: str | None = None  # its return's, or whose a rejected file is
    matched: str | None = None  # how a rejected file was matched to its owner, or why not
    arrival: Arrival | None = None
    sender: str | None = None  # the message it came attached to: who sent it, and when
    sent: datetime | None = None
    sender_note: str | None = None
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class RoundRecord:
    """One layout's round as a run showed it: the round, the run's as-of date, when returns
    were due (None: not said), how many were expected (None: no register), its Returns Log and
    its gap flags (red first, as the Gap Flags sheet lists them)."""

    layout: str
    round: Round
    as_of: date
    due: date | None
    expected: int | None
    files: tuple[LoggedFile, ...] = ()
    flags: tuple[Flag, ...] = ()


def save_shown(db: sqlite3.Connection, records: Iterable[RoundRecord]) -> None:
    """Record each round as this run showed it, in the run's transaction, in place of what an
    earlier run of the same round recorded."""
    for kept in records:
        key = (kept.layout, kept.round.id)
        db.execute("DELETE FROM round_files WHERE layout = ? AND round = ?", key)
        db.execute("DELETE FROM flags WHERE layout = ? AND round = ?", key)
        db.execute(
            "INSERT OR REPLACE INTO rounds VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (*key, kept.round.start.isoformat(), kept.round.end.isoformat(), kept.round.label,
             kept.as_of.isoformat(), _iso(kept.due), kept.expected),
        )  # fmt: skip
        db.executemany(
            "INSERT INTO round_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*key, n, f.name, f.sha256, f.status, f.reason, f.layout, f.organisation,
              f.matched, *(f.arrival.stored() if f.arrival else (None, None, None)),
              f.sender, _iso(f.sent), f.sender_note,
              json.dumps([finding_to_dict(x) for x in f.findings], ensure_ascii=False))
             for n, f in enumerate(kept.files)],
        )  # fmt: skip
        db.executemany(
            "INSERT INTO flags VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*key, n, f.organisation, f.severity, f.rule, f.rule_title, f.file, f.sheet,
              f.cell, f.message, f.to_do) for n, f in enumerate(kept.flags)],
        )  # fmt: skip


def rounds_kept(db: sqlite3.Connection) -> list[RoundRecord]:
    """Every round kept, by layout and then in time order, without its files and flags
    (``with_files_and_flags`` adds them)."""
    rows = db.execute(
        "SELECT layout, round, start, end, label, as_of, due, expected FROM rounds "
        "ORDER BY layout, start"
    ).fetchall()
    return [
        RoundRecord(layout, Round(round_id, date.fromisoformat(start), date.fromisoformat(end),
                                  label), date.fromisoformat(as_of), _day(due), expected)
        for layout, round_id, start, end, label, as_of, due, expected in rows
    ]  # fmt: skip


def rounds_not_kept(db: sqlite3.Connection) -> list[tuple[str, str]]:
    """The (layout, round) of each round with plans in the store but no record here: rounds
    run before the store kept them."""
    rows = db.execute(
        "SELECT DISTINCT p.layout, p.round FROM plans p LEFT JOIN rounds r "
        "ON r.layout = p.layout AND r.round = p.round WHERE r.round IS NULL "
        "ORDER BY p.layout, p.round"
    )
    return [(layout, round_id) for layout, round_id in rows]


def with_files_and_flags(db: sqlite3.Connection, kept: RoundRecord) -> RoundRecord:
    """``kept`` with its Returns Log and its gap flags."""
    key = (kept.layout, kept.round.id)
    files = db.execute(
        "SELECT name, sha256, status, reason, file_layout, organisation, matched, arrived, "
        "arrived_how, arrived_detail, sender, sent, sender_note, findings FROM round_files "
        "WHERE layout = ? AND round = ? ORDER BY position",
        key,
    ).fetchall()
    flags = db.execute(
        "SELECT organisation, layout, severity, rule, message, file, sheet, cell, rule_title, "
        "to_do FROM flags WHERE layout = ? AND round = ? ORDER BY position",
        key,
    ).fetchall()
    return RoundRecord(
        kept.layout, kept.round, kept.as_of, kept.due, kept.expected,
        tuple(_logged(*row) for row in files), tuple(Flag(*row) for row in flags),
    )  # fmt: skip


def _logged(name, sha, status, reason, layout, organisation, matched, arrived, how, detail,
            sender, sent, note, findings) -> LoggedFile:  # fmt: skip
    arrival = None
    if arrived is not None:
        arrival = Arrival.from_stored(arrived, how, detail, datetime.fromisoformat(arrived))
    return LoggedFile(
        name, sha, status, reason, layout, organisation, matched, arrival, sender,
        datetime.fromisoformat(sent) if sent else None, note,
        tuple(finding_from_dict(f) for f in json.loads(findings)),
    )  # fmt: skip


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def prefill_kept(layout: str, prefill: dict[str, Any]) -> dict[str, Any]:
    """A register entry's values as the store keeps them (as text), read again as their
    fields' kinds."""
    fields = {f.name: f for f in LAYOUTS[layout].header}
    return {name: read_value(value, fields[name]).value if name in fields else value
            for name, value in prefill.items()}  # fmt: skip


def plans_of_round(db: sqlite3.Connection, kept: RoundRecord) -> list[KeptPlan]:
    """Each organisation's plan in a round kept, with its return (None when it sent none)."""
    rows = db.execute(
        "SELECT p.organisation, p.sha256, p.summary, r.loaded FROM plans p LEFT JOIN returns r "
        "USING (sha256) WHERE p.layout = ? AND p.round = ? ORDER BY p.organisation",
        (kept.layout, kept.round.id),
    ).fetchall()
    found = []
    for organisation, sha, summary, loaded in rows:
        summary = json.loads(summary)
        prefill = summary.get(REGISTER)
        entry = None
        if prefill is not None:
            entry = RegisterEntry(organisation, None, prefill_kept(kept.layout, prefill), 0)
        loaded = codec.loads(loaded, plain=True) if loaded else None  # (rows left plain)
        found.append(KeptPlan(organisation, sha, entry, loaded))
    return found


@dataclass(frozen=True)
class KeptPlan:
    """One organisation's plan in a round, as the store keeps it: its register entry as the
    round used it, and its return (None: it sent none)."""

    organisation: str
    sha256: str | None
    entry: RegisterEntry | None
    loaded: LoadedReturn | None
