"""Tidy tables for analysts: every round in the store as one table per kind of thing (rounds,
returns, plans, rows, flags, findings), one row each, as CSV or Parquet.

``columns`` declares the tables (the README's data dictionary is made from it:
``dictionary``), ``reading`` reads each round back from the store as its workbook showed it,
``writing`` writes the files. The tables are written into a scratch folder beside ``out`` and
moved into place together when all are done, so a failed export leaves what was there.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from ..errors import PipelineError, UsageError
from ..store import DEFAULT_STORE, Store
from ..store.schema import damaged, fault
from ..system.files import need_folder, scratch_folder, write_problem
from .columns import tables
from .reading import choose_rounds, round_items, said
from .writing import FORMATS


@dataclass(frozen=True)
class Written:
    """One table written: its name, its file and how many rows it has."""

    table: str
    path: Path
    rows: int


@dataclass(frozen=True)
class Exported:
    """What an export wrote: the store it read, each table, the rounds in them (layout,
    round), and the rounds asked for that the store did not keep whole (run before it kept
    them: not exported)."""

    store: Path
    out: Path
    tables: list[Written]
    rounds: list[tuple[str, str]]
    not_kept: list[tuple[str, str]]


def export(
    store_path: Path | None,
    out: Path,
    format: str = "csv",
    *,
    layout: str | None = None,
    rounds: int | None = None,
) -> Exported:
    """Write every round in the store at ``store_path`` (default: ``outbox/pipeline.sqlite``;
    or only ``layout``'s rounds, or only each layout's last ``rounds``) into the folder ``out``
    as one file per table, ``<table>.csv`` or ``<table>.parquet`` (``format``), replacing
    those of an earlier export."""
    if format not in FORMATS:
        raise UsageError(f"--format {format}: use one of {', '.join(FORMATS)}.")
    store_path, out = Path(store_path or DEFAULT_STORE), Path(out)
    need_folder(out, "The export folder")
    declared = tables()
    with (
        Store.open(store_path, write=False) as store,
        scratch_folder(out, "The export folder") as scratch,
    ):
        paths = {t.name: scratch / f"{t.name}.{format}" for t in declared}
        counts = dict.fromkeys(paths, 0)
        try:
            # one read transaction: a run ending meanwhile is in the tables whole, or not at all
            store.db.execute("BEGIN")
            chosen = choose_rounds(store.db, layout, rounds)
            with ExitStack() as open_files:
                sinks = {}
                for table in declared:
                    sinks[table.name] = FORMATS[format](paths[table.name], table)
                    open_files.callback(sinks[table.name].close)
                for kept in chosen.rounds:
                    items = round_items(store, kept)
                    for name, sink in sinks.items():
                        counts[name] += sink.add(items[name])
            for path in paths.values():
                os.replace(path, out / path.name)
        except OSError as err:
            raise PipelineError(write_problem(err, "The export folder", out)) from None
        except sqlite3.Error as err:  # damage deep in the store shows when it is read
            raise fault(err, store_path) or damaged(store_path, err) from None
    return Exported(
        store_path,
        out,
        [Written(name, out / paths[name].name, counts[name]) for name in paths],
        [(r.layout, r.round.id) for r in chosen.rounds],
        chosen.not_kept,
    )


def exported_text(made: Exported) -> str:
    """What an export wrote, for the terminal: each table's file and rows, and the rounds
    asked for that could not be exported."""
    lines = [f"Exported {len(made.rounds)} round(s) from {made.store} to {made.out}:"]
    lines += [f"  {t.path.name:<18} {t.rows:>8} row(s)" for t in made.tables]
    if not made.rounds and not made.not_kept:
        lines.append("The store has no rounds yet: run `pipeline run` first.")
    if made.not_kept:
        lines.append(
            f"Not exported: {len(made.not_kept)} round(s) recorded by an earlier version of the "
            f"pipeline, before the store kept each round's flags and Returns Log "
            f"({said(made.not_kept)}). Every round run from now on is exported."
        )
    return "\n".join(lines)
