"""The store's tables, the migrations that build them up one version at a time, and how
the store is shared between runs.

``PRAGMA user_version`` holds the version a store is at. Opening a store applies every
migration after it, in one transaction; nothing is ever dropped, so an old store is upgraded,
never wiped. To change the schema, append a migration: never edit one that has shipped.

Two runs may use one store at once. Every write is one ``BEGIN IMMEDIATE`` transaction, which
takes the store's write lock first; a run that finds the lock taken waits for it (up to
``WAIT`` seconds, saying so after a moment) rather than failing. The SQLite errors that mean
"in use", "read-only", "damaged" or "disk full" become a sentence saying what to do.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import PipelineError

MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema
    """
    CREATE TABLE registers (
        layout TEXT NOT NULL,
        organisation TEXT NOT NULL,
        code TEXT,
        prefill TEXT NOT NULL,          -- JSON: header values the register pre-fills
        register_file TEXT NOT NULL,
        PRIMARY KEY (layout, organisation)
    );
    CREATE TABLE files (
        sha256 TEXT PRIMARY KEY,
        name TEXT NOT NULL,             -- as first seen, relative to the inbox
        size INTEGER NOT NULL,
        modified REAL,                  -- the file's own modification time (seconds)
        first_seen TEXT NOT NULL,       -- when the pipeline first read it (ISO, local time)
        first_as_of TEXT NOT NULL,      -- the as-of date of that run
        archived TEXT NOT NULL,         -- its copy, relative to the archive folder
        status TEXT NOT NULL,           -- its status when last reported
        reason TEXT
    );
    CREATE TABLE sightings (
        sha256 TEXT NOT NULL REFERENCES files (sha256),
        name TEXT NOT NULL,
        PRIMARY KEY (sha256, name)
    );
    CREATE TABLE returns (
        sha256 TEXT PRIMARY KEY REFERENCES files (sha256),
        layout TEXT,                    -- its layout, or a rejected file's owner's
        organisation TEXT,
        round TEXT,                     -- the round it belongs to (NULL: of no layout)
        date_of_update TEXT,
        loaded TEXT NOT NULL            -- JSON: the checked return (see store.codec)
    );
    CREATE TABLE plans (
        layout TEXT NOT NULL,
        round TEXT NOT NULL,
        organisation TEXT NOT NULL,
        sha256 TEXT REFERENCES files (sha256),  -- the return used; NULL when none came
        summary TEXT NOT NULL,          -- JSON: confidence, delivery, counts, flags
        PRIMARY KEY (layout, round, organisation)
    );
    """,
    # 2: find a round's returns and an organisation's history without scanning
    """
    CREATE INDEX returns_by_round ON returns (layout, round);
    CREATE INDEX plans_by_organisation ON plans (organisation, layout, round);
    """,
    # 3: each run's workbook, recorded in the run's own transaction, so that a workbook a
    # killed run finished but did not put in place is put there only if its run was recorded
    """
    CREATE TABLE workbooks (
        sha256 TEXT PRIMARY KEY,
        name TEXT NOT NULL,             -- its file name in the outbox
        as_of TEXT NOT NULL
    );
    """,
    # 4: each message ``pipeline mail`` sent, recorded as soon as the mail server accepted it,
    # so that no organisation is sent its round's message twice
    """
    CREATE TABLE mail (
        message_id TEXT PRIMARY KEY,
        layout TEXT NOT NULL,
        round TEXT NOT NULL,
        organisation TEXT NOT NULL,
        recipient TEXT NOT NULL,
        subject TEXT NOT NULL,
        sent_at TEXT NOT NULL           -- when the server accepted it (ISO, local time)
    );
    CREATE INDEX mail_by_round ON mail (layout, round);
    """,
    # 5: how each file's arrival is known (``pipeline.inbox.arrival``), kept as first found so that
    # later runs and history agree; a file kept before this has no arrival known
    """
    ALTER TABLE files ADD COLUMN arrived TEXT;         -- when it arrived (ISO, local time)
    ALTER TABLE files ADD COLUMN arrived_how TEXT;     -- how that is known (arrival.EVIDENCE)
    ALTER TABLE files ADD COLUMN arrived_detail TEXT;  -- such as the dated folder's name
    """,
    # 6: each layout's round as its last run showed it (``store.shown``), for reading a past
    # round back as its workbook showed it (``pipeline export``): the round, its Returns Log
    # (each file's status, whose it is, its arrival and findings: a duplicate's and a file
    # counted in an earlier round's are kept nowhere else) and its gap flags (which depend
    # on the whole round: the register, the as-of date, the files turned down). Each run of
    # a round replaces that round's rows, as it replaces its plans.
    """
    CREATE TABLE rounds (
        layout TEXT NOT NULL,
        round TEXT NOT NULL,
        start TEXT NOT NULL,            -- its first day (ISO)
        end TEXT NOT NULL,              -- its last day (ISO)
        label TEXT NOT NULL,            -- as people read it: "fortnight 16/11/2026 to ..."
        as_of TEXT NOT NULL,            -- the as-of date of its last run
        due TEXT,                       -- when its returns were due (NULL: not said)
        expected INTEGER,               -- organisations on its register (NULL: no register)
        PRIMARY KEY (layout, round)
    );
    CREATE TABLE round_files (
        layout TEXT NOT NULL,           -- the round it is listed in (a file of no layout:
        round TEXT NOT NULL,            --   the round of the layout with the shortest rounds)
        position INTEGER NOT NULL,      -- its place in the Returns Log
        name TEXT NOT NULL,
        sha256 TEXT,
        status TEXT NOT NULL,
        reason TEXT,
        file_layout TEXT,               -- its return's layout, or its owner's (NULL: not told)
        organisation TEXT,              -- its return's, or whose a rejected file is
        matched TEXT,                   -- how a rejected file was matched to it, or why not
        arrived TEXT,                   -- when it arrived (ISO), how that is known, and a
        arrived_how TEXT,               --   detail (see ``pipeline.inbox.arrival``)
        arrived_detail TEXT,
        sender TEXT,                    -- the message it came attached to: From, Sent
        sent TEXT,
        sender_note TEXT,
        findings TEXT NOT NULL,         -- JSON: its findings, as the Findings sheet showed
        PRIMARY KEY (layout, round, position)
    );
    CREATE TABLE flags (
        layout TEXT NOT NULL,
        round TEXT NOT NULL,
        position INTEGER NOT NULL,      -- its place on the Gap Flags sheet
        organisation TEXT NOT NULL,
        severity TEXT NOT NULL,
        rule TEXT NOT NULL,
        rule_title TEXT NOT NULL,
        file TEXT,
        sheet TEXT,
        cell TEXT,
        message TEXT NOT NULL,
        to_do TEXT NOT NULL,
        PRIMARY KEY (layout, round, position)
    );
    """,
    # 7: ``pipeline serve``: each organisation's private upload link for a round, kept only
    # as the SHA-256 of its token; every file uploaded through one; the team's sign-in
    # passwords, kept only as Argon2 hashes
    """
    CREATE TABLE links (
        token_sha256 TEXT PRIMARY KEY,
        layout TEXT NOT NULL,
        organisation TEXT NOT NULL,
        round TEXT NOT NULL,
        generation INTEGER NOT NULL,    -- 0, then one more each time it is revoked
        made_at TEXT NOT NULL,
        revoked_at TEXT
    );
    CREATE INDEX links_by_organisation ON links (layout, organisation, round);
    CREATE TABLE uploads (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL,
        layout TEXT NOT NULL,           -- the link's: whose page it was uploaded on
        organisation TEXT NOT NULL,
        round TEXT NOT NULL,
        name TEXT NOT NULL,             -- as the store's files table shows it
        uploaded_at TEXT NOT NULL,
        client TEXT,                    -- the address it came from
        status TEXT NOT NULL,           -- what became of it
        feedback TEXT                   -- its feedback workbook's name in outbox/feedback
    );
    CREATE INDEX uploads_by_organisation ON uploads (layout, organisation, round);
    CREATE TABLE accounts (
        name TEXT PRIMARY KEY,          -- "team" for the one team password
        hash TEXT NOT NULL,             -- Argon2
        set_at TEXT NOT NULL
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

WAIT = 600.0
"""How long (seconds) a run waits for another run to finish with the store: a large round's
save takes several seconds, a run's reading many minutes with the store free throughout."""
NOTICE_AFTER = 1.0
"""How long (seconds) a run waits for the store's write lock before saying it is waiting."""


class Connection(sqlite3.Connection):
    """A connection to a store that knows the store's path as the user gave it (for
    sentences about it)."""

    store: Path | None = None


def connect(path: Path, wait: float = WAIT) -> Connection:
    """A connection to the store at ``path``, in autocommit mode, that waits up to ``wait``
    seconds for another run to finish with the store (SQLite's error when it cannot open the
    file at all is raised as it is)."""
    db = sqlite3.connect(path, timeout=wait, isolation_level=None, factory=Connection)
    db.store = Path(path)
    return db


def version(db: sqlite3.Connection) -> int:
    """The schema version a store is at (0 for a new, empty one)."""
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite3.Connection, upto: int = SCHEMA_VERSION) -> int:
    """Apply the migrations a store lacks, up to ``upto``, in one transaction.

    Safe when two processes do it at once: the version is read again once this one holds the
    write lock, so the second to get there finds the work done and does nothing."""
    current = _known_version(db)
    if current >= upto:
        return current
    with transaction(db):
        current = _known_version(db)
        if current == 0 and db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise PipelineError(
                f"The file {database_file(db)} is a database, but not a pipeline store: point "
                f"--store at another file (a new one is created)."
            )
        for number in range(current + 1, upto + 1):
            for statement in statements(MIGRATIONS[number - 1]):
                db.execute(statement)
        if current < upto:
            db.execute(f"PRAGMA user_version = {upto}")
    return max(current, upto)


def _known_version(db: sqlite3.Connection) -> int:
    current = version(db)
    if current > SCHEMA_VERSION:
        raise PipelineError(
            f"The store {database_file(db)} is at version {current}, newer than this pipeline "
            f"knows ({SCHEMA_VERSION}): update the pipeline."
        )
    return current


def check_writable(db: sqlite3.Connection) -> None:
    """Raise the store's "read-only" (or "in use") error now, not when a run ends: write the
    version the store already has, and roll it back."""
    with transaction(db):
        db.execute(f"PRAGMA user_version = {version(db)}")
        db.execute("ROLLBACK")


def statements(script: str) -> Iterator[str]:
    """The complete SQL statements in a script (semicolons in comments are no trouble)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement in a migration: {pending.strip()[:60]}")


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One all-or-nothing transaction (the connection is in autocommit mode otherwise).

    It starts by taking the store's write lock, waiting while another run holds it. An SQLite
    error that means the store is in use, read-only, damaged or on a full disk becomes a
    ``PipelineError`` saying so; the body may end the transaction itself (``ROLLBACK``)."""
    try:
        _begin(db)
        try:
            yield db
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        if db.in_transaction:
            db.execute("COMMIT")
    except sqlite3.Error as err:
        said = fault(err, database_file(db))
        if said is None:
            raise
        raise said from None


def _begin(db: sqlite3.Connection) -> None:
    """``BEGIN IMMEDIATE``; if another run holds the lock for more than a moment, say so on
    stderr and go on waiting (the connection's busy timeout, e.g. ``WAIT``)."""
    wait = db.execute("PRAGMA busy_timeout").fetchone()[0]
    notice = int(NOTICE_AFTER * 1000)
    if wait <= notice:
        db.execute("BEGIN IMMEDIATE")
        return
    db.execute(f"PRAGMA busy_timeout = {notice}")
    try:
        db.execute("BEGIN IMMEDIATE")
        return
    except sqlite3.OperationalError as err:
        if not _is(err, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            raise
    finally:
        db.execute(f"PRAGMA busy_timeout = {wait}")
    print(
        f"The store {database_file(db)} is in use by another run: waiting for it to finish "
        f"(up to {_duration(wait / 1000)}).",
        file=sys.stderr,
        flush=True,
    )
    db.execute(f"PRAGMA busy_timeout = {wait - notice}")
    try:
        db.execute("BEGIN IMMEDIATE")
    finally:
        db.execute(f"PRAGMA busy_timeout = {wait}")


def database_file(db: sqlite3.Connection) -> Path | str:
    """The store a connection is to, as the user gave it if it was opened by ``connect``
    ("" for a database in memory)."""
    given = getattr(db, "store", None)
    if given is not None:
        return given
    try:
        for _, name, file in db.execute("PRAGMA database_list"):
            if name == "main":
                return Path(file) if file else ""
    except sqlite3.Error:
        pass
    return ""


def fault(err: sqlite3.Error, path: Path | str) -> PipelineError | None:
    """What an SQLite error means for the store at ``path``, as a sentence saying what to do;
    None for an error that is not about the store itself (a bug)."""
    if _is(err, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return in_use(path)
    if _is(err, sqlite3.SQLITE_READONLY):
        return read_only(path)
    if _is(err, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
        return damaged(path, err)
    if _is(err, sqlite3.SQLITE_FULL):
        return PipelineError(
            f"The disk holding the store {path} is full: free some space and run again."
        )
    if _is(err, sqlite3.SQLITE_IOERR):
        return PipelineError(
            f"The store {path} could not be read or written ({err}): check the disk or network "
            f"drive it is on, and run again."
        )
    return None


def in_use(path: Path | str) -> PipelineError:
    """The store is locked by another run for longer than a run waits."""
    return PipelineError(
        f"The store {path} is in use by another run that has not finished: wait for it and "
        f"run again."
    )


def read_only(path: Path | str) -> PipelineError:
    """The store's file, or its folder (where SQLite writes its journal), cannot be written."""
    return PipelineError(
        f"The store {path} is read-only: make the file and its folder writable, or point "
        f"--store at a file in a writable folder."
    )


def damaged(path: Path | str, err: Exception) -> PipelineError:
    """The store's file is not an SQLite database, or is one that is damaged."""
    return PipelineError(
        f"The store {path} is not a database or is damaged ({err}): point --store at another "
        f"file, or restore this one from a backup."
    )


def _is(err: sqlite3.Error, *codes: int) -> bool:
    """Whether ``err``'s SQLite result code (its primary code, without the extended part) is
    one of ``codes``."""
    code = getattr(err, "sqlite_errorcode", None)
    return code is not None and (code & 0xFF) in codes


def _duration(seconds: float) -> str:
    if seconds >= 120:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds:.0f} seconds"
