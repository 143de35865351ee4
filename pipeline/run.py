"""The library's entry points that mirror the commands ``check`` and ``run``.

Data flows one way: files -> loaded returns -> checked, matched receipts -> plans with flags ->
the store -> the consolidated workbook. These functions take paths and plain values, return
plain objects, and never print: the CLI renders what they return.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import feedback
from .background import Background
from .errors import PipelineError
from .intake import DUPLICATE, Receipt, arrival, inbox_files, receive, scan, settle
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


def check_files(
    paths: Iterable[Path], register_paths: Iterable[Path] = (), isolation: Isolation = ISOLATED
) -> list[Receipt]:
    """Load and check files as a run would, without writing anything."""
    registers = read_registers(list(register_paths))
    return receive(scan(paths), registers, isolation=isolation)


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
    worker processes (see ``isolation``). The inbox is only read.
    """
    from .report.workbook import write_consolidated
    from .store import DEFAULT_STORE, Store

    as_of = as_of or date.today()
    registers = read_registers(list(register_paths))
    inbox, outbox = Path(inbox), Path(outbox)
    if not inbox.is_dir():
        raise PipelineError(
            f"The inbox folder {inbox} does not exist: create it and put the returned files in it."
        )
    store_path = Path(store_path) if store_path else outbox / DEFAULT_STORE.name
    rounds = rounds_at(as_of)
    with Store.open(store_path) as store:
        with stage("scan"):
            sources = scan(inbox_files(inbox), root=inbox)
            known = store.known(s.sha256 for s in sources)
        receipts = receive(sources, registers, known, isolation, on_file)
        with stage("consolidate"):
            read_now = {r.source.sha256 for r in receipts if r.status != DUPLICATE}
            earlier = _earlier_in_round(store, rounds, read_now)
            settle(earlier, registers)
            previous = {name: store.previous_plans(name, r.id) for name, r in rounds.items()}
            consolidation = consolidate(receipts + earlier, registers, as_of, previous)
            consolidation.rounds, consolidation.due = rounds, due
    # The store is saved on the other core while the workbook is written (its own connection:
    # one must not cross a fork); a failure there is raised here once the workbook is done.
    files = _file_records(receipts, rounds)
    plans = _plan_records(consolidation, rounds)
    with stage("store"):
        saving = Background(_save_run, store_path, as_of, registers, files, plans)
    with stage("write"):
        path = outbox / f"consolidated-{as_of.isoformat()}.xlsx"
        write_consolidated(consolidation, path)
    with stage("store"):
        saving.result()
    with stage("feedback"):
        jobs = feedback.jobs_for(consolidation.receipts, outbox / "feedback", again=False)
        written = feedback.write_all(jobs, isolation)
    return RunResult(path, consolidation, store_path, written)


def _save_run(store_path: Path, as_of: date, registers, files, plans) -> None:
    from .store import Store

    with Store.open(store_path) as store:
        store.save_run(as_of, registers, files, plans)


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
        )


def _plan_records(c: Consolidation, rounds: dict[str, Round]):
    from .store import PlanRecord

    for plan in c.plans:
        sha = plan.loaded.source.sha256 if plan.loaded else None
        yield PlanRecord(plan.layout.name, rounds[plan.layout.name].id, plan.organisation, sha,
                         plan.summary())  # fmt: skip
