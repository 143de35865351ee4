"""The library's entry points that mirror the commands ``check`` and ``run``.

Data flows one way: files -> loaded returns -> checked, matched receipts -> plans with flags ->
the store -> the consolidated workbook. These functions take paths and plain values, return
plain objects, and never print: the CLI renders what they return.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import feedback
from .background import Background
from .errors import PipelineError, UsageError
from .files import (
    need_file_place,
    need_folder,
    remove_stale,
    scratch_folder,
    write_problem,
)
from .inbox import read_file, walk
from .intake import DUPLICATE, Receipt, arrival, receive, settle, sources_of
from .isolation import ISOLATED, Isolation
from .layouts import LAYOUTS
from .layouts.rounds import Round, round_of
from .plans import Consolidation, consolidate
from .registers import read_registers
from .timing import stage


@dataclass
class RunResult:
    """What a run produced: the workbook's path and everything shown in it."""

    path: Path
    consolidation: Consolidation
    store: Path
    feedback: list[Path]
    feedback_unwritten: list[Path] = field(default_factory=list)  # could not be written


def check_files(
    paths: Iterable[Path], register_paths: Iterable[Path] = (), isolation: Isolation = ISOLATED
) -> list[Receipt]:
    """Load and check files as a run would, without writing anything."""
    registers = read_registers(list(register_paths))
    return receive(sources_of(read_file(p) for p in paths), registers, isolation=isolation)


def rounds_at(as_of: date) -> dict[str, Round]:
    """Each layout's round at ``as_of``."""
    return {name: round_of(layout.cadence, as_of) for name, layout in LAYOUTS.items()}


def run(
    inbox: Path,
    outbox: Path,
    register_paths: Iterable[Path] = (),
    as_of: date | None = None,
    on_file: Callable[[int, int], None] | None = None,
    store_path: Path | None = None,
    due: date | None = None,
    isolation: Isolation = ISOLATED,
) -> RunResult:
    """Read every return in ``inbox``, record the run in the store, and write
    ``outbox/consolidated-<as-of>.xlsx``.

    The round's picture includes returns read by earlier runs in the same round, even if
    their files have since left the inbox. ``due`` is when returns were due (for the tracker).
    ``on_file(done, total)`` is called after each file is read. Files are read in isolated
    worker processes (see ``isolation``). The inbox is only read; the pipeline's own outputs
    are never read from it.

    The store records the run if and only if its workbook is written: the workbook is written
    under a temporary name, the store's transaction is made ready, the workbook is renamed
    into place and only then is the transaction committed (if that fails, the workbook that
    was there before is put back). A failure to write anything is a ``PipelineError`` saying
    what, where and that nothing was changed; no temporary file is left behind, and those of
    an earlier run that was killed are removed.
    """
    from .store import DEFAULT_STORE

    as_of = as_of or date.today()
    registers = read_registers(list(register_paths))
    inbox, outbox = Path(inbox), Path(outbox)
    if not inbox.is_dir():
        raise UsageError(
            f"The inbox folder {inbox} does not exist: create it and put the returned files in it."
        )
    store_path = Path(store_path) if store_path else outbox / DEFAULT_STORE.name
    path = outbox / f"consolidated-{as_of.isoformat()}.xlsx"
    outputs = _Outputs(outbox, store_path, path)
    outputs.check()
    with scratch_folder(outbox, "The outbox") as scratch:
        consolidation, files, plans = _read_round(inbox, outputs, registers, as_of, due,
                                                  isolation, on_file)  # fmt: skip
        _write_and_record(consolidation, path, scratch,
                          (store_path, as_of, registers, files, plans))  # fmt: skip
    with stage("feedback"):
        jobs = feedback.jobs_for(consolidation.receipts, outputs.feedback, again=False)
        written = feedback.write_all(jobs, isolation)
    unwritten = [job.target for job in jobs if job.target not in written]
    return RunResult(path, consolidation, store_path, written, unwritten)


def _read_round(inbox, outputs, registers, as_of, due, isolation, on_file):
    """Read the inbox and put the round together with what the store knows: the
    consolidation, and the file and plan records to save."""
    from .store import Store

    rounds = rounds_at(as_of)
    with Store.open(outputs.store) as store:
        with stage("scan"):
            found = sources_of(walk(inbox, leave=outputs.not_inputs()))
            known = store.known(s.sha256 for s, _ in found if s.sha256)
        receipts = receive(found, registers, known, isolation, on_file)
        with stage("consolidate"):
            read_now = {r.source.sha256 for r in receipts if r.status != DUPLICATE}
            earlier = _earlier_in_round(store, rounds, read_now)
            settle(earlier, registers)
            previous = {name: store.previous_plans(name, r.id) for name, r in rounds.items()}
            consolidation = consolidate(receipts + earlier, registers, as_of, previous)
            consolidation.rounds, consolidation.due = rounds, due
    return consolidation, _file_records(receipts, rounds), _plan_records(consolidation, rounds)


@dataclass(frozen=True)
class _Outputs:
    """Where a run writes: checked before any work, and never read as inputs."""

    outbox: Path
    store: Path
    workbook: Path

    @property
    def archive(self) -> Path:
        return self.store.parent / "archive"

    @property
    def feedback(self) -> Path:
        return self.outbox / "feedback"

    def check(self) -> None:
        """Raise a sentence for each place that cannot be written before anything is read;
        remove what killed runs left behind."""
        need_folder(self.outbox, "The outbox")
        need_folder(self.store.parent, "The store's folder")
        need_folder(self.archive, "The store's archive")
        need_file_place(self.workbook, "The workbook's path")
        if self.feedback.exists() and not self.feedback.is_dir():
            need_folder(self.feedback, "The feedback folder")
        for folder in (self.outbox, self.archive, self.feedback):
            remove_stale(folder)

    def not_inputs(self) -> list[Path]:
        """Everything the pipeline writes, wherever it is (inside the inbox or not)."""
        sidecars = [self.store.with_name(self.store.name + end) for end in _STORE_SIDECARS]
        return [
            self.outbox, self.store, *sidecars, self.archive, self.feedback,
            *self.outbox.glob("consolidated-*.xlsx"),
        ]  # fmt: skip


_STORE_SIDECARS = ("-journal", "-wal", "-shm")


def _write_and_record(consolidation: Consolidation, path: Path, scratch: Path, saving) -> None:
    """Write the workbook and record the run, both or neither (see ``run``).

    The store is saved on the other core while the workbook is written (its own connection:
    one must not cross a fork)."""
    import multiprocessing

    from .report.workbook import write_consolidated

    ours, theirs = multiprocessing.get_context("fork").Pipe()
    with stage("store"):
        saver = Background(_save_run, *saving, theirs)
    theirs.close()
    try:
        with stage("write"):
            written = write_consolidated(consolidation, scratch / path.name, tmpdir=scratch)
    except OSError as err:
        _abandon(ours, saver)
        raise PipelineError(write_problem(err, "The outbox", path.parent)) from None
    except BaseException:
        _abandon(ours, saver)
        raise
    with stage("store"):
        try:
            ready = ours.recv()
        except EOFError:
            ready = False
        if not ready:  # the store could not be saved: its reason is raised by result()
            ours.close()
            saver.result()
            raise PipelineError("The store could not be saved; nothing was changed.")
        with _replacing(path) as put_back:
            try:
                os.replace(written, path)
            except OSError as err:
                _abandon(ours, saver)
                raise PipelineError(write_problem(err, "The workbook", path)) from None
            ours.send(True)
            ours.close()
            try:
                saver.result()
            except BaseException:
                put_back()
                raise


def _abandon(conn, saver: Background) -> None:
    """Tell the store's saver not to commit, and wait until it has rolled back."""
    from .store import RunAbandoned

    with contextlib.suppress(OSError, EOFError):
        conn.send(False)
    conn.close()
    with contextlib.suppress(RunAbandoned, PipelineError):
        saver.result()


@contextlib.contextmanager
def _replacing(path: Path):
    """While a new file takes ``path``'s place: yields a function that puts back what was
    there before (or removes the new file when nothing was)."""
    backup = None
    if path.exists():
        backup = path.with_name(f".pipeline-{os.getpid()}-previous-{path.name}")
        os.link(path, backup)

    def put_back() -> None:
        if backup is not None:
            os.replace(backup, path)
        else:
            with contextlib.suppress(OSError):
                os.unlink(path)

    try:
        yield put_back
    finally:
        if backup is not None and backup.exists():
            backup.unlink()


def _save_run(store_path: Path, as_of: date, registers, files, plans, conn) -> None:
    from .store import Store

    def ready() -> bool:
        conn.send(True)  # everything is written: the workbook may now be put in place
        try:
            return bool(conn.recv())
        except EOFError:  # the run has gone
            return False

    try:
        with Store.open(store_path) as store:
            store.save_run(as_of, registers, files, plans, ready)
    except OSError as err:  # keeping a file in the archive
        raise PipelineError(
            write_problem(err, "The archive", store_path.parent / "archive")
        ) from None
    finally:
        with contextlib.suppress(OSError):
            conn.send(False)  # tells the run, if it still waits, that nothing is coming
        conn.close()


def _earlier_in_round(store, rounds: dict[str, Round], in_run: set[str]) -> list[Receipt]:
    """Files read by earlier runs of this round that are not in the inbox now."""
    seen = set(in_run)
    earlier = []
    for name, round_ in rounds.items():
        for stored in store.round_files(name, round_):
            if stored.sha256 in seen:
                continue
            seen.add(stored.sha256)
            source = stored.checked.source
            earlier.append(
                Receipt(source, "rejected", stored.checked, modified=stored.modified, new=False,
                        received=arrival(stored.first_seen, stored.modified),
                        first_seen=stored.first_seen)
            )  # fmt: skip
    return earlier


def _file_records(receipts: list[Receipt], rounds: dict[str, Round]):
    from .store import FileRecord

    # a duplicate's sighting refers to its twin's record, which may come after it in name order
    for r in sorted(receipts, key=lambda r: r.status == DUPLICATE):
        if not r.source.sha256:  # not read (a folder, a link, a file being copied): not kept
            continue
        layout = r.checked.layout if r.checked else None
        yield FileRecord(
            path=r.source.path,
            name=r.source.name,
            sha256=r.source.sha256,
            size=r.source.size,
            modified=r.modified,
            first_seen=r.first_seen,
            status=r.status,
            reason=r.note,
            round=rounds[layout].id if layout in rounds else None,
            checked=None if r.status == DUPLICATE else r.checked,
            data=r.data,
        )


def _plan_records(c: Consolidation, rounds: dict[str, Round]):
    from .store import PlanRecord

    for plan in c.plans:
        sha = plan.loaded.source.sha256 if plan.loaded else None
        yield PlanRecord(plan.layout.name, rounds[plan.layout.name].id, plan.organisation, sha,
                         plan.summary())  # fmt: skip
