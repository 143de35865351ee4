"""The store's tables, and the migrations that build them up one version at a time.

``PRAGMA user_version`` holds the version a store is at. Opening a store applies every
migration after it, in one transaction; nothing is ever dropped, so an old store is upgraded,
never wiped. To change the schema, append a migration: never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

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
        layout TEXT,
        organisation TEXT,
        round TEXT,
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
)
SCHEMA_VERSION = len(MIGRATIONS)


def version(db: sqlite3.Connection) -> int:
    """The schema version a store is at (0 for a new, empty one)."""
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite3.Connection, upto: int = SCHEMA_VERSION) -> int:
    """Apply the migrations a store lacks, up to ``upto``, in one transaction."""
    current = version(db)
    if current > SCHEMA_VERSION:
        from ..errors import PipelineError

        raise PipelineError(
            f"The store is at version {current}, newer than this pipeline knows "
            f"({SCHEMA_VERSION}): update the pipeline."
        )
    if current >= upto:
        return current
    with transaction(db):
        for number in range(current + 1, upto + 1):
            for statement in statements(MIGRATIONS[number - 1]):
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {upto}")
    return upto


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
    """One all-or-nothing transaction (the connection is in autocommit mode otherwise)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
