"""The store: an embedded SQLite database of everything every run has seen.

It holds the registers, every file read (with a content-addressed copy in the archive), every
return as loaded and checked, and each organisation's position in each round. A run writes in
one transaction, so a run killed half-way leaves the store as it was; running again on the
same inbox changes nothing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..declare import LAYOUTS
from ..declare.rounds import Round
from ..errors import PipelineError
from ..inbox.arrival import FIRST_SEEN, Arrival
from ..inbox.registers import Register, RegisterEntry, organisation_key
from ..returns import LoadedReturn
from . import codec
from .archive import keep
from .opening import DEFAULT_STORE, check_place, open_fault, reading
from .records import FileRecord, MailRecord, PlanRecord, RunAbandoned, StoredFile
from .schema import (
    SCHEMA_VERSION,
    WAIT,
    check_writable,
    connect,
    migrate,
    transaction,
    version,
)
from .shown import RoundRecord, prefill_kept, save_shown

__all__ = ["DEFAULT_STORE", "FileRecord", "MailRecord", "PlanRecord", "RunAbandoned", "Store",
           "StoredFile"]  # fmt: skip


class Store:
    """An open store. Use ``Store.open(path)``; close it when done (or use ``with``)."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self.db, self.path = db, path
        self.archive = path.parent / "archive"

    @classmethod
    def open(cls, path: Path = DEFAULT_STORE, *, write: bool = True, wait: float = WAIT) -> Store:
        """Open the store at ``path``: to record runs in (``write``: created or upgraded as
        needed, and a read-only store said at once, not when the run ends), or only to read
        (a read-only store will do; nothing is created). While another run is using the store
        this waits for it, up to ``wait`` seconds. Whatever is in the way (a damaged file, a
        folder, a read-only disk, a run that does not finish) is a ``PipelineError`` naming
        the store and saying what to do."""
        path = Path(path)
        check_place(path, write)
        try:
            db = connect(path, wait)
        except sqlite3.Error as err:
            raise open_fault(err, path) from None
        try:
            db.execute("PRAGMA foreign_keys = ON")
            if write or version(db) < SCHEMA_VERSION:
                migrate(db)
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # a damaged first page
            if write:
                check_writable(db)
        except sqlite3.Error as err:
            db.close()
            raise open_fault(err, path) from None
        except BaseException:
            db.close()
            raise
        return cls(db, path)

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reading -----------------------------------------------------------------------------

    @reading
    def _stored(self, where: str, params: tuple[Any, ...], but: Collection[str] = ()) -> list:
        rows = self.db.execute(
            "SELECT f.sha256, f.name, f.first_seen, f.first_as_of, f.modified, f.archived, "
            "r.round, r.loaded, f.arrived, f.arrived_how, f.arrived_detail, f.status, f.reason, "
            "r.layout FROM files f JOIN returns r USING (sha256) WHERE " + where,
            params,
        ).fetchall()
        found = []
        for (sha, name, seen, as_of, modified, archived, round_id, loaded, *arrived, status,
             reason, layout) in rows:  # fmt: skip
            if sha in but:  # (its return is not read: most of the work)
                continue
            first_seen = datetime.fromisoformat(seen)
            found.append(
                StoredFile(sha, name, first_seen, date.fromisoformat(as_of), modified,
                           self.archive / archived, round_id,
                           codec.loads(loaded, self.archive / archived, plain=True),
                           Arrival.from_stored(*arrived, first_seen), status, reason, layout)
            )  # fmt: skip
        return found

    def known(self, shas: Iterable[str]) -> dict[str, StoredFile]:
        """The files among ``shas`` the store has seen before."""
        shas = list(dict.fromkeys(shas))
        found: dict[str, StoredFile] = {}
        for start in range(0, len(shas), 500):
            chunk = shas[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                {s.sha256: s for s in self._stored(f"f.sha256 IN ({marks})", tuple(chunk))}
            )
        return found

    def round_files(self, layout: str, round_: Round, but: Collection[str] = ()) -> list:
        """Every file of ``layout``'s round (``StoredFile``s) but those ``but`` names (SHA-256s)."""
        return self._stored("r.layout = ? AND r.round = ? ORDER BY f.name", (layout, round_.id),
                            but)  # fmt: skip

    def unplaced_files(self, round_: Round, but: Collection[str] = ()) -> list[StoredFile]:
        """Every file of no known layout first seen in a run dated within ``round_``, but
        those ``but`` names."""
        return self._stored(
            "r.layout IS NULL AND f.first_as_of BETWEEN ? AND ? ORDER BY f.name",
            (round_.start.isoformat(), round_.end.isoformat()),
            but,
        )

    @reading
    def previous_plans(self, layout: str, before_round: str) -> dict[str, PlanRecord]:
        """Each organisation's last position with a return in a round before ``before_round``,
        keyed by ``organisation_key``."""
        rows = self.db.execute(
            "SELECT layout, round, organisation, sha256, summary FROM plans WHERE layout = ? "
            "AND round < ? AND sha256 IS NOT NULL ORDER BY round",
            (layout, before_round),
        ).fetchall()
        return {
            organisation_key(org): PlanRecord(lay, rnd, org, sha, json.loads(summary))
            for lay, rnd, org, sha, summary in rows
        }

    @reading
    def recent_plans(
        self, layout: str, before_round: str, rounds: int
    ) -> dict[str, list[PlanRecord]]:
        """Each organisation's positions in the last ``rounds`` rounds of ``layout`` before
        ``before_round`` (returned or not), oldest first, keyed by ``organisation_key``."""
        rows = self.db.execute(
            "SELECT layout, round, organisation, sha256, summary FROM plans WHERE layout = ? "
            "AND round IN (SELECT DISTINCT round FROM plans WHERE layout = ? AND round < ? "
            "ORDER BY round DESC LIMIT ?) ORDER BY round",
            (layout, layout, before_round, rounds),
        ).fetchall()
        found: dict[str, list[PlanRecord]] = {}
        for lay, rnd, org, sha, summary in rows:
            record = PlanRecord(lay, rnd, org, sha, json.loads(summary))
            found.setdefault(organisation_key(org), []).append(record)
        return found

    @reading
    def latest_returns(self, layout: str) -> dict[str, LoadedReturn]:
        """Each organisation's latest return used in a round, keyed by ``organisation_key``."""
        rows = self.db.execute(
            "SELECT p.organisation, r.loaded FROM plans p JOIN returns r USING (sha256) "
            "WHERE p.layout = ? ORDER BY p.round",
            (layout,),
        ).fetchall()
        return {organisation_key(org): codec.loads(loaded, plain=True) for org, loaded in rows}

    @reading
    def latest_returns_of(
        self, layout: str, organisations: Iterable[str]
    ) -> dict[str, LoadedReturn]:
        """The latest return of ``layout`` used in a round of each of ``organisations`` that
        has one, keyed by ``organisation_key``: one pass over the rounds, and only those
        returns' JSON read (``latest_returns`` reads every organisation's)."""
        wanted = {organisation_key(org) for org in organisations}
        if not wanted:
            return {}
        rows = self.db.execute(
            "SELECT p.organisation, p.sha256 FROM plans p JOIN returns r USING (sha256) "
            "WHERE p.layout = ? ORDER BY p.round DESC",
            (layout,),
        ).fetchall()
        latest: dict[str, str] = {}
        for org, sha in rows:
            if (key := organisation_key(org)) in wanted:
                latest.setdefault(key, sha)
        found = {}
        for key, sha in latest.items():
            loaded = self.db.execute("SELECT loaded FROM returns WHERE sha256 = ?", (sha,))
            found[key] = codec.loads(loaded.fetchone()[0], plain=True)
        return found

    @reading
    def organisations(self) -> list[str]:
        """Every organisation with a round in the store, by name."""
        rows = self.db.execute("SELECT DISTINCT organisation FROM plans ORDER BY organisation")
        return [org for (org,) in rows]

    @reading
    def history(self, organisation: str) -> list[dict[str, Any]]:
        """An organisation's rounds, oldest first: round, file, status and summary."""
        rows = self.db.execute(
            "SELECT p.organisation, p.layout, p.round, f.name, f.status, p.summary FROM plans p "
            "LEFT JOIN files f USING (sha256) ORDER BY p.round, p.layout"
        ).fetchall()
        key = organisation_key(organisation)
        return [
            {"organisation": org, "layout": lay, "round": rnd, "file": name,
             "status": status or "missing", **json.loads(summary)}
            for org, lay, rnd, name, status, summary in rows
            if organisation_key(org) == key
        ]  # fmt: skip

    @reading
    def latest_run(self) -> date | None:
        """The as-of date of the last run recorded (None when none is)."""
        row = self.db.execute("SELECT as_of FROM workbooks ORDER BY rowid DESC LIMIT 1")
        found = row.fetchone()
        return date.fromisoformat(found[0]) if found else None

    @reading
    def round_summaries(self, layout: str, round_id: str) -> list[tuple[str, dict[str, Any]]]:
        """Each organisation's plan summary in one round of ``layout``, by name order."""
        rows = self.db.execute(
            "SELECT organisation, summary FROM plans WHERE layout = ? AND round = ? "
            "ORDER BY organisation",
            (layout, round_id),
        ).fetchall()
        return [(org, json.loads(summary)) for org, summary in rows]

    @reading
    def register_entry(self, layout: str, organisation: str) -> RegisterEntry | None:
        """The organisation's entry on ``layout``'s register as last recorded, its values
        read again as their fields' kinds (the store keeps them as text)."""
        row = self.db.execute(
            "SELECT organisation, code, prefill FROM registers WHERE layout = ? AND "
            "organisation = ?",
            (layout, organisation),
        ).fetchone()
        if row is None:
            return None
        return RegisterEntry(row[0], row[1], prefill_kept(layout, json.loads(row[2])), line=0)

    @reading
    def mailed(self, layout: str, round_id: str) -> dict[str, tuple[str, datetime]]:
        """Who was last sent each organisation's message for a round of ``layout`` and when,
        keyed by ``organisation_key``."""
        rows = self.db.execute(
            "SELECT organisation, recipient, sent_at FROM mail WHERE layout = ? AND round = ? "
            "ORDER BY sent_at",
            (layout, round_id),
        ).fetchall()
        return {organisation_key(org): (to, datetime.fromisoformat(at)) for org, to, at in rows}

    # --- writing -----------------------------------------------------------------------------

    def record_mail(self, sent: MailRecord) -> None:
        """Record one message the mail server accepted, in a transaction of its own."""
        with transaction(self.db) as db:
            db.execute(
                "INSERT OR REPLACE INTO mail VALUES (?, ?, ?, ?, ?, ?, ?)",
                (sent.message_id, sent.layout, sent.round, sent.organisation, sent.recipient,
                 sent.subject, sent.sent_at.isoformat(timespec="seconds")),
            )  # fmt: skip

    def save_run(
        self,
        as_of: date,
        registers: dict[str, Register],
        files: Iterable[FileRecord],
        plans: Iterable[PlanRecord],
        ready: Callable[[], tuple[str, str] | None] | None = None,
        shown: Iterable[RoundRecord] = (),
    ) -> None:
        """Record one run in one transaction: all of it, or (if anything fails or the process
        dies part-way) none of it. New files are kept in the archive first (and removed from
        it again when the run is not recorded). ``shown``: each layout's round as the run
        showed it (``store.shown``), in place of what an earlier run of the round recorded.

        ``ready()``, if given, is asked once everything is written but not yet committed: it
        answers with the run's workbook, written in full under a temporary name, as (its file
        name, its SHA-256), which is recorded with the run; or None, and the run is abandoned,
        leaving the store as it was, and ``RunAbandoned`` raised."""
        now = datetime.now().isoformat(timespec="seconds")
        kept: list[Path] = []
        try:
            with transaction(self.db) as db:
                for layout, register in registers.items():
                    for entry in register.entries:
                        db.execute(
                            "INSERT OR REPLACE INTO registers VALUES (?, ?, ?, ?, ?)",
                            (layout, entry.organisation, entry.code,
                             json.dumps(entry.prefill, default=str), str(register.path)),
                        )  # fmt: skip
                for record in files:
                    self._save_file(db, record, as_of, now, kept)
                for plan in plans:
                    db.execute(
                        "INSERT OR REPLACE INTO plans VALUES (?, ?, ?, ?, ?)",
                        (plan.layout, plan.round, plan.organisation, plan.sha256,
                         json.dumps(plan.summary, default=str, sort_keys=True)),
                    )  # fmt: skip
                save_shown(db, shown)
                workbook = ready() if ready is not None else None
                if ready is not None and workbook is None:
                    raise RunAbandoned
                if workbook is not None:
                    db.execute(
                        # REPLACE: the row moves to the end, so the last row of a name is
                        # the last run that wrote it (``latest_workbook``)
                        "INSERT OR REPLACE INTO workbooks VALUES (?, ?, ?)",
                        (workbook[1], workbook[0], as_of.isoformat()),
                    )
        except BaseException:
            for path in kept:  # what this run put in the archive, now recorded nowhere
                path.unlink(missing_ok=True)
            raise

    @reading
    def latest_workbook(self, name: str) -> str | None:
        """The SHA-256 of the workbook called ``name`` that the last run to write one recorded
        (None when no run has)."""
        row = self.db.execute(
            "SELECT sha256 FROM workbooks WHERE name = ? ORDER BY rowid DESC LIMIT 1", (name,)
        ).fetchone()
        return row[0] if row else None

    def _archived(self, db: sqlite3.Connection, record: FileRecord, kept: list[Path]) -> str:
        """Where the record's file is kept in the archive, keeping it there if it is new
        (and adding it to ``kept`` when this put it there)."""
        row = db.execute("SELECT archived FROM files WHERE sha256 = ?", (record.sha256,))
        found = row.fetchone()
        if found is not None:
            return found[0]
        if record.copy is None:
            raise PipelineError(f"The bytes of {record.name} are not at hand to archive.")
        name, made = keep(self.archive, record.name, record.sha256, record.copy)
        if made:
            kept.append(self.archive / name)
        return name

    def _save_file(
        self, db: sqlite3.Connection, record: FileRecord, as_of: date, now: str, kept: list[Path]
    ) -> None:
        if record.checked is not None:
            seen = record.first_seen.isoformat(timespec="seconds") if record.first_seen else now
            archived = self._archived(db, record, kept)
            arrived = record.arrival.stored() if record.arrival else (None, None, None)
            db.execute(
                "INSERT OR IGNORE INTO files (sha256, name, size, modified, first_seen, "
                "first_as_of, archived, status, reason, arrived, arrived_how, arrived_detail) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (record.sha256, record.name, record.size, record.modified, seen,
                 as_of.isoformat(), archived, record.status, record.reason, *arrived),
            )  # fmt: skip
            # What became of it is said again by each run of its own round, never by a later
            # round's (whose runs record no return for it: see ``run``): its round's history
            # stays as it was.
            db.execute(
                "UPDATE files SET status = ?, reason = ? WHERE sha256 = ? AND NOT EXISTS "
                "(SELECT 1 FROM returns r WHERE r.sha256 = files.sha256 AND r.round IS NOT ?)",
                (record.status, record.reason, record.sha256, record.round),
            )
            if record.arrival is not None and record.arrival.known:  # known at last
                db.execute(
                    "UPDATE files SET arrived = ?, arrived_how = ?, arrived_detail = ? WHERE "
                    "sha256 = ? AND (arrived_how IS NULL OR arrived_how = ?)",
                    (*arrived, record.sha256, FIRST_SEEN),
                )
            self._save_return(db, record)
        db.execute("INSERT OR IGNORE INTO sightings VALUES (?, ?)", (record.sha256, record.name))

    def _save_return(self, db: sqlite3.Connection, record: FileRecord) -> None:
        """Keep the return read from the record's file, unless it is kept already (its JSON,
        most of a save's work, is then not made)."""
        if db.execute("SELECT 1 FROM returns WHERE sha256 = ?", (record.sha256,)).fetchone():
            return
        checked = record.checked
        layout = LAYOUTS.get(checked.layout or "")
        updated = layout.date_of_update(checked) if layout else None
        db.execute(
            "INSERT OR IGNORE INTO returns VALUES (?, ?, ?, ?, ?, ?)",
            (record.sha256, record.layout or checked.layout, checked.organisation, record.round,
             updated.isoformat() if updated else None, record.encoded or codec.dumps(checked)),
        )  # fmt: skip
