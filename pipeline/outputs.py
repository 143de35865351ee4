"""Where a run writes, and writing its workbook and recording it in the store as one step.

The store records a run if and only if the run's workbook is written:

1. the workbook is written in full under a temporary name in the run's scratch folder, while
   the store's transaction (on the other core) writes everything but does not commit;
2. the workbook's name and SHA-256 are recorded in that transaction, which is committed;
3. the workbook is renamed into place.

If the run is killed between 2 and 3, its scratch folder holds a finished workbook that the
store has recorded: the next run puts it in place (``Outputs.tidy``), unless a later run has
recorded another of that name since, before removing what the killed run left. If anything
fails before 2 the store is as it was, and files the run added to the archive are removed
again; a run killed outright before 2 may leave such files, content-addressed and harmless,
which a later run that reads the same bytes adopts.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .errors import PipelineError
from .system.background import Background
from .system.children import context
from .system.files import need_file_place, need_folder, remove_stale, stale, write_problem
from .system.timing import stage

_STORE_SIDECARS = ("-journal", "-wal", "-shm")


@dataclass(frozen=True)
class Outputs:
    """Where a run writes: checked before any work, and never read as inputs."""

    outbox: Path
    store: Path
    workbook: Path

    @property
    def archive(self) -> Path:
        """The store's archive of every file read."""
        return self.store.parent / "archive"

    @property
    def feedback(self) -> Path:
        """Where partners' marked-up workbooks go."""
        return self.outbox / "feedback"

    def check(self) -> None:
        """Raise a sentence for the first place that cannot be written, before anything is
        read or made."""
        need_file_place(self.workbook, "The workbook's path")
        for folder, what in ((self.feedback, "The feedback folder"), (self.archive, "The archive")):
            if folder.exists() and not folder.is_dir():
                need_folder(folder, what)
        need_folder(self.outbox, "The outbox")
        need_folder(self.store.parent, "The store's folder")

    def tidy(self, latest: Any) -> None:
        """Put in place a workbook a killed run finished and recorded, if it is still the
        latest of its name (``latest(name)``: the SHA-256 of the last one the store recorded),
        then remove what runs no longer running left."""
        for folder in stale(self.outbox):
            for finished in sorted(folder.glob("consolidated-*.xlsx")) if folder.is_dir() else ():
                with contextlib.suppress(OSError):
                    if latest(finished.name) == _sha256(finished):
                        os.replace(finished, self.outbox / finished.name)
        for folder in (self.outbox, self.archive, self.feedback):
            remove_stale(folder)

    def not_inputs(self) -> list[Path]:
        """Everything the pipeline writes, wherever it is (inside the inbox or not)."""
        sidecars = [self.store.with_name(self.store.name + end) for end in _STORE_SIDECARS]
        return [
            self.outbox, self.store, *sidecars, self.archive, self.feedback,
            *self.outbox.glob("consolidated-*.xlsx"),
        ]  # fmt: skip


def write_and_record(write: Any, outputs: Outputs, scratch: Path, saving: tuple) -> None:
    """Write the workbook with ``write(path, tmpdir)`` and record the run (``saving``: the
    arguments of ``Store.save_run`` but ``ready``), both or neither (see the module)."""
    ours, theirs = context().Pipe()
    with stage("store"):
        saver = Background(_save_run, outputs.store, *saving, theirs)
    theirs.close()
    target = outputs.workbook
    try:
        with stage("write"):
            written = write(scratch / target.name, scratch)
            digest = _sha256(written)
    except OSError as err:
        _abandon(ours, saver)
        raise PipelineError(write_problem(err, "The outbox", target.parent)) from None
    except BaseException:
        _abandon(ours, saver)
        raise
    with stage("store"):
        if not _prepared(ours):  # the store could not be saved: result() raises why
            ours.close()
            saver.result()
            raise PipelineError(f"The store {outputs.store} could not be saved; nothing changed.")
        ours.send((target.name, digest))
        ours.close()
        saver.result()
    try:
        os.replace(written, target)
    except OSError as err:
        raise PipelineError(
            write_problem(err, "The workbook", target, after="the store has recorded the run")
            + " Running again writes the workbook."
        ) from None


def _prepared(conn: Any) -> bool:
    try:
        return bool(conn.recv())
    except (EOFError, OSError):
        return False


def _abandon(conn: Any, saver: Background) -> None:
    """Tell the store's saver not to commit, and wait until it has rolled back."""
    from .store import RunAbandoned

    with contextlib.suppress(OSError, EOFError):
        conn.send(None)
    conn.close()
    with contextlib.suppress(RunAbandoned, PipelineError):
        saver.result()


def _save_run(store_path: Path, as_of: date, registers, files, plans, shown, conn) -> None:
    """In the saver's process: write the run, say so, and commit it only with a workbook."""
    from .store import Store

    def ready() -> tuple[str, str] | None:
        conn.send(True)  # everything is written: the workbook may be recorded now
        try:
            return conn.recv()
        except (EOFError, OSError):  # the run has gone
            return None

    try:
        with Store.open(store_path) as store:
            store.save_run(as_of, registers, files, plans, ready, shown)
    except OSError as err:  # keeping a file in the archive
        archive = store_path.parent / "archive"
        raise PipelineError(write_problem(err, "The archive", archive)) from None
    finally:
        with contextlib.suppress(OSError):
            conn.send(False)  # tells the run, if it still waits, that nothing is coming
        conn.close()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(2**20), b""):
            digest.update(chunk)
    return digest.hexdigest()
