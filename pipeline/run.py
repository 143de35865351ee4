"""The library's entry points that mirror the commands ``check`` and ``run``.

Data flows one way: files -> loaded returns -> checked, matched receipts -> plans with flags ->
the store -> the consolidated workbook. These functions take paths and plain values, return
plain objects, and never print: the CLI renders what they return.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from . import feedback
from .declare import LAYOUTS
from .declare.rounds import Round
from .errors import UsageError
from .inbox.intake import UNCOUNTED, Receipt, receive, settle
from .inbox.messages import unpack
from .inbox.periods import count_once, in_play, round_for_files
from .inbox.registers import organisation_key, read_registers
from .inbox.walk import Entry, read_file, walk
from .outputs import Outputs, write_and_record
from .round.consolidation import consolidate
from .round.due import Dues, due_dates
from .round.notices import NOTICE, notice_of
from .round.plans import TRAIL_ROUNDS, Consolidation
from .round.records import round_records
from .store.shown import REGISTER
from .system.children import collection_paused, frozen_heap, start_method
from .system.files import scratch_folder
from .system.isolation import ISOLATED, Isolation
from .system.progress import Progress
from .system.timing import stage

if TYPE_CHECKING:
    from .demo.generate import DemoRound


@dataclass
class RunResult:
    """What a run produced: the workbook's path and everything shown in it."""

    path: Path
    consolidation: Consolidation
    store: Path
    feedback: list[Path]
    feedback_unwritten: list[Path] = field(default_factory=list)  # could not be written


def check_files(
    paths: Iterable[Path],
    register_paths: Iterable[Path | tuple[str, Path]] = (),
    isolation: Isolation = ISOLATED,
    copies: Path | None = None,
) -> list[Receipt]:
    """Load and check files as a run would, writing nothing. Each file is read into a copy in
    the folder ``copies`` (which marking it up needs: ``Receipt.copy``); without one, the
    copies are made in a temporary folder and removed, and no receipt has a copy."""
    registers = read_registers(list(register_paths))
    start_method()  # a PIPELINE_START_METHOD this system does not have is said first

    def receive_into(folder: Path) -> list[Receipt]:
        entries = unpack([read_file(p, folder) for p in paths], folder, isolation)
        return receive(entries, registers, isolation=isolation)

    if copies is not None:
        return receive_into(copies)
    with tempfile.TemporaryDirectory(prefix=".pipeline-check-") as folder:
        receipts = receive_into(Path(folder))
    for receipt in receipts:
        receipt.copy = None
    return receipts


def run_rounds(
    rounds: Iterable[DemoRound], store_path: Path
) -> Iterator[tuple[DemoRound, RunResult]]:
    """Run each of ``rounds`` (an inbox, its day, its registers and due date: the demo's rounds
    before this one) into the store at ``store_path``, one after the other, the workbook
    beside its inbox; yielding each round with its run's result as it is done."""
    for round_ in rounds:
        yield round_, run(round_.inbox, round_.inbox.parent, round_.registers, round_.as_of,
                          store_path=store_path, due=round_.due)  # fmt: skip


def run(
    inbox: Path,
    outbox: Path,
    register_paths: Iterable[Path | tuple[str, Path]] = (),
    as_of: date | None = None,
    on_file: Callable[[int, int], None] | None = None,
    store_path: Path | None = None,
    due: date | Dues | None = None,
    isolation: Isolation = ISOLATED,
    progress: Progress | None = None,
    *,
    file_times: bool = False,
) -> RunResult:
    """Read every return in ``inbox``, record the run in the store, and write
    ``outbox/consolidated-<as-of>.xlsx``.

    The round's picture includes returns read by earlier runs in the same round, even if
    their files have since left the inbox; a file counted in an earlier round is listed as
    such and counted again in none (``pipeline.inbox.periods``). ``due`` is when returns were due
    (for the tracker): a date for every layout, or rules giving each layout's date in its
    round. A return is late only when evidence says it arrived after it (``pipeline.inbox.arrival``;
    ``file_times``: the team's rule that file times are arrival times).
    ``on_file(done, total)`` is called after each file is read; ``progress`` is told of each
    stage's work as it goes (see ``pipeline.system.progress``). Files are read in isolated
    worker processes (see ``isolation``). The inbox is only read; the pipeline's own outputs
    are never read from it.

    The store records the run if and only if its workbook is written (see
    ``pipeline.outputs``). A failure to write anything is a ``PipelineError`` saying what,
    where and that nothing was changed; no temporary file is left behind, and what an earlier
    run that was killed left is tidied away.
    """
    from .report.engine import choose
    from .report.workbook import check_layouts, write_consolidated
    from .store import DEFAULT_STORE

    as_of = as_of or date.today()
    progress = progress or Progress(quiet=True)
    on_file = on_file or progress.on_file
    registers = read_registers(list(register_paths))
    inbox, outbox = Path(inbox), Path(outbox)
    if not inbox.is_dir():
        raise UsageError(
            f"The inbox folder {inbox} does not exist: create it and put the returned files in it."
        )
    store_path = Path(store_path) if store_path else outbox / DEFAULT_STORE.name
    outputs = Outputs(outbox, store_path, outbox / f"consolidated-{as_of.isoformat()}.xlsx")
    outputs.check()
    choose()  # a mistyped PIPELINE_WRITER is said before the round is read
    start_method()  # as is a PIPELINE_START_METHOD this system does not have
    check_layouts()  # as are layouts that cannot share a workbook
    with collection_paused(), scratch_folder(outbox, "The outbox") as scratch:
        ready = feedback.ready(isolation)  # (its workers started while this process is small)
        try:
            consolidation, files, plans, shown, jobs = _read_round(
                inbox, outputs, scratch, registers, as_of, due, isolation, on_file, file_times
            )
        except BaseException:
            if ready is not None:
                ready.stop()
            raise

        def write(path: Path, tmpdir: Path) -> Path:
            return write_consolidated(consolidation, path, tmpdir=tmpdir)

        with frozen_heap():  # the round as read lives until the end, never collected
            jobs = [job for job in jobs if not job.written_before]  # (kept as they were)
            # Feedback is written meanwhile, on a core the workbook leaves free, into the
            # scratch folder: put in place once the run is recorded, gone with it if not.
            writing = threading.Event()
            writing.set()
            drafts = scratch / "feedback"
            drafts.mkdir()
            marking = feedback.start_all(jobs, drafts, isolation, progress.feedback(len(jobs)),
                                         writing, ready)  # fmt: skip
            try:
                with progress.writing():
                    write_and_record(write, outputs, scratch,
                                     (as_of, registers, files, plans, shown))  # fmt: skip
            except BaseException:
                marking.stop()
                raise
            finally:
                writing.clear()
            with stage("feedback"):
                written = feedback.finish_all(marking, jobs)
                progress.close()
    done = set(written)  # (a list: a thousand paths compared with a thousand took seconds)
    unwritten = [job.target for job in jobs if job.target not in done]
    return RunResult(outputs.workbook, consolidation, store_path, written, unwritten)


@dataclass
class TakenIn:
    """What taking in a few files outside a run found (``take_in``): each file's receipt,
    the round as it now stands with them, and the feedback written for them."""

    receipts: list[Receipt]
    consolidation: Consolidation
    feedback: dict[str, Path]  # by the file's SHA-256


def take_in(
    entries_of: Callable[[Path], list[Entry]],
    outbox: Path,
    register_paths: Iterable[Path | tuple[str, Path]] = (),
    as_of: date | None = None,
    store_path: Path | None = None,
    due: date | Dues | None = None,
    isolation: Isolation = ISOLATED,
    vet: Callable[[list[Receipt], dict], None] | None = None,
) -> TakenIn:
    """Take in the files ``entries_of(copies)`` reads into the folder ``copies`` (an upload
    through ``pipeline serve``) exactly as a run takes in its inbox's: checked, put together
    with the round's earlier returns, their records kept in the store (a later run of the
    round counts them once, as read by an earlier run) and their feedback written. No
    workbook is written and no plan recorded: the next run does that. ``vet(receipts,
    registers)`` may turn down a return once read, before the round is put together (a
    file uploaded on one organisation's page that holds another's plan)."""
    from .store import Store

    as_of = as_of or date.today()
    registers = read_registers(list(register_paths))
    outbox = Path(outbox)
    outputs = _checked_outputs(outbox, store_path, as_of)
    paths: set[Path] = set()  # (a message's attachments have the message's path)

    def read(copies: Path) -> list[Entry]:
        entries = entries_of(copies)
        paths.update(entry.path for entry in entries)
        return entries

    with scratch_folder(outbox, "The outbox") as scratch:
        found = _read_round(None, outputs, scratch, registers, as_of, due, isolation, None,
                            False, read, vet)  # fmt: skip
        consolidation, files, _, _, jobs = found
        with Store.open(outputs.store) as store:
            store.save_run(as_of, registers, list(files), [])
        receipts = [r for r in consolidation.receipts if r.source.path in paths]
        names = {r.source.name for r in receipts}
        jobs = [job for job in jobs if job.name in names and job.new]
        written = set(feedback.write_all(jobs, isolation))
        by_name = {r.source.name: r.source.sha256 for r in receipts}
        made = {by_name[job.name]: job.target for job in jobs if job.target in written}
    return TakenIn(receipts, consolidation, made)


def _checked_outputs(outbox: Path, store_path: Path | None, as_of: date) -> Outputs:
    """What a taking-in writes to (the store by default in ``outbox``), checked writable."""
    from .store import DEFAULT_STORE

    store_path = Path(store_path) if store_path else outbox / DEFAULT_STORE.name
    outputs = Outputs(outbox, store_path, outbox / f"consolidated-{as_of.isoformat()}.xlsx")
    outputs.check()
    return outputs


def round_now(
    outbox: Path,
    register_paths: Iterable[Path | tuple[str, Path]] = (),
    as_of: date | None = None,
    store_path: Path | None = None,
    due: date | Dues | None = None,
) -> Consolidation:
    """The round as the store holds it now (every file earlier runs and uploads took in),
    put together as a run would, reading no inbox and recording nothing."""
    as_of = as_of or date.today()
    registers = read_registers(list(register_paths))
    outbox = Path(outbox)
    outputs = _checked_outputs(outbox, store_path, as_of)
    with scratch_folder(outbox, "The outbox") as scratch:
        found = _read_round(None, outputs, scratch, registers, as_of, due, ISOLATED, None,
                            False, lambda copies: [])  # fmt: skip
    return found[0]


def _read_round(inbox, outputs, scratch, registers, as_of, due, isolation, on_file, file_times,
                entries_of=None, vet=None):  # fmt: skip
    """Read the inbox (each file copied into ``scratch``; or what ``entries_of(copies)``
    reads) and put the round together with what the store knows: the consolidation, and the
    file and plan records to save."""
    from .store import Store
    from .store.ahead import Ahead

    rounds = LAYOUTS.rounds_at(as_of)
    copies = scratch / "copies"
    copies.mkdir()
    with Store.open(outputs.store) as store:
        outputs.tidy(store.latest_workbook)
        with stage("scan"):
            room = ("The outbox", outputs.outbox)
            if entries_of is None:
                entries = walk(inbox, copies, outputs.not_inputs(), room=room)
            else:
                entries = entries_of(copies)
            entries = unpack(entries, copies, isolation, room=room)
            known = store.known(e.sha256 for e in entries if e.sha256)
        receipts = receive(entries, registers, known, isolation, on_file, file_times)
        if vet is not None:
            vet(receipts, registers)
        new = {r.source.sha256: r.checked for r in receipts if r.new and r.checked is not None}
        with Ahead(new, scratch / "returns.json") as ahead, stage("consolidate"):
            count_once(receipts, known, rounds, registers)
            read_now = {r.source.sha256 for r in receipts if r.status not in UNCOUNTED}
            earlier = _earlier_in_round(store, rounds, in_play(rounds, registers), read_now)
            settle(earlier, registers)
            previous = {name: store.previous_plans(name, r.id) for name, r in rounds.items()}
            recent = {name: store.recent_plans(name, r.id, TRAIL_ROUNDS - 1)
                      for name, r in rounds.items()}  # fmt: skip
            consolidation = consolidate(receipts + earlier, registers, as_of, previous, recent)
            for name in rounds:  # what those missing last said, for their own sheets
                missing = [p for p in consolidation.missing if p.layout.name == name]
                last = store.latest_returns_of(name, [p.organisation for p in missing])
                for plan in missing:
                    plan.last_return = last.get(organisation_key(plan.organisation))
            consolidation.rounds, consolidation.dues = rounds, due_dates(due, rounds)
    # The round's feedback, this run's and earlier runs': each plan's record names its files.
    jobs = feedback.jobs_for(consolidation.receipts, outputs.feedback, consolidation.flags)
    plans = _plan_records(consolidation, rounds, jobs)
    shown = list(round_records(consolidation, registers))
    return consolidation, _file_records(receipts, rounds, ahead), plans, shown, jobs


def _earlier_in_round(store, rounds: dict[str, Round], playing: list[str], in_run: set[str]):
    """Files read by earlier runs of this round that are not in the inbox now (``rounds``:
    each layout's round; a file of no known layout by ``round_for_files`` of the layouts
    ``playing``), as receipts."""
    seen = set(in_run)
    earlier: list[Receipt] = []
    files = [
        stored
        for name, round_ in rounds.items()
        for stored in store.round_files(name, round_, in_run)
    ]
    files += store.unplaced_files(round_for_files({n: rounds[n] for n in playing})[1], in_run)
    for stored in files:
        if stored.sha256 in seen:
            continue
        seen.add(stored.sha256)
        source = stored.checked.source
        earlier.append(
            Receipt(source, "rejected", stored.checked, modified=stored.modified, new=False,
                    arrival=stored.arrival, first_seen=stored.first_seen, copy=stored.archived)
        )  # fmt: skip
    return earlier


def _file_records(receipts: list[Receipt], rounds: dict[str, Round], ahead):
    from .store import FileRecord

    # a duplicate's sighting refers to its twin's record, which may come after it in name order
    for r in sorted(receipts, key=lambda r: r.status in UNCOUNTED):
        if not r.source.sha256:  # not read (a folder, a link, a file being copied): not kept
            continue
        # a rejected file belongs to its owner's round, where its owner is told of it
        layout = r.owner.layout if r.owner else r.checked.layout if r.checked else None
        checked = None if r.status in UNCOUNTED else r.checked
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
            checked=checked,
            copy=r.copy,
            arrival=r.arrival,
            layout=layout,
            encoded=None if checked is None else ahead.encoded(r.source.sha256, checked),
        )


def _plan_records(c: Consolidation, rounds: dict[str, Round], jobs: list[feedback.FeedbackJob]):
    """Each plan's record, its summary with what the organisation is told (its notice, for
    ``pipeline mail``, naming its feedback files: a file's is named from the file, not from
    the organisation, so it is recorded here)."""
    from .store import PlanRecord

    names: dict[tuple[str, str], list[feedback.FeedbackJob]] = {}
    for job in jobs:
        if job.owner:
            names.setdefault(job.owner, []).append(job)
    for plan in c.plans:
        sha = plan.loaded.source.sha256 if plan.loaded else None
        key = (plan.layout.name, organisation_key(plan.organisation))
        # a file turned down is told of only where it left the organisation no usable return
        mine = [job for job in names.get(key, []) if not (job.turned_down and plan.has_return)]
        told = notice_of(c, plan, tuple(job.target.name for job in mine),
                         tuple(job.target.name for job in mine if job.turned_down))  # fmt: skip
        # the register's entry as the round used it, to read the round back as it was
        register = plan.entry.prefill if plan.entry else None
        yield PlanRecord(plan.layout.name, rounds[plan.layout.name].id, plan.organisation, sha,
                         {**plan.summary(), NOTICE: told.stored(), REGISTER: register})  # fmt: skip
