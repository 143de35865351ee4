"""Take in a batch of returned files: find them, recognise repeats, load and check the new
ones, and match each to its register entry. The result is one ``Receipt`` per file.

A file the store has already read under the same name is not read again: its stored return
is used. The same bytes under another name are a duplicate. Nothing here writes anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Protocol

from .findings import Finding, Severity
from .isolation import ISOLATED, Isolation
from .layouts import LAYOUTS
from .reading.workers import load_all
from .registers import Register
from .returns import LoadedReturn, SourceFile
from .timing import stage

ACCEPTED = "accepted"
WITH_FINDINGS = "accepted with findings"
REJECTED = "rejected"
DUPLICATE = "duplicate"
SUPERSEDED = "superseded"


class Known(Protocol):
    """What intake needs to know of a file read in an earlier run (a ``store.StoredFile``)."""

    name: str
    first_seen: datetime
    modified: float | None
    checked: LoadedReturn


@dataclass
class Receipt:
    """What became of one file: its status, the return read from it, and why.

    ``checked`` is the return as loaded and checked (what the store keeps); ``loaded`` is the
    same matched to its register entry (what the round uses). ``new`` is True when this run
    read the file for the first time.
    """

    source: SourceFile
    status: str
    checked: LoadedReturn | None = None
    loaded: LoadedReturn | None = None
    note: str | None = None  # the rejection reason, or which file it repeats or gave way to
    received: datetime | None = None
    modified: float | None = None
    new: bool = True

    @property
    def findings(self) -> list[Finding]:
        """The return's findings (none for a duplicate)."""
        return self.loaded.findings if self.loaded else []


def inbox_files(inbox: Path) -> list[Path]:
    """Every file under ``inbox``, recursively, in name order; lock files (``~$x.xlsx``) and
    hidden files and folders are left alone."""
    inbox = Path(inbox)
    found = []
    for path in inbox.rglob("*"):
        parts = path.relative_to(inbox).parts
        if any(p.startswith(".") for p in parts) or path.name.startswith("~$"):
            continue
        if path.is_file():
            found.append(path)
    return sorted(found, key=lambda p: p.relative_to(inbox).as_posix().lower())


def scan(paths: Iterable[Path], root: Path | None = None) -> list[SourceFile]:
    """Hash each file; names are shown relative to ``root`` when given."""
    sources = []
    for path in paths:
        path = Path(path)
        data = path.read_bytes()
        name = path.relative_to(root).as_posix() if root else path.name
        sources.append(SourceFile.of(path, name, data))
    return sources


def receive(
    sources: list[SourceFile],
    registers: Mapping[str, Register] | None = None,
    known: Mapping[str, Known] | None = None,
    isolation: Isolation = ISOLATED,
    on_file: Callable[[int, int], None] | None = None,
) -> list[Receipt]:
    """Turn a batch of files into receipts: duplicates recognised, new files loaded (in
    isolated worker processes) and checked, every return matched to its register.
    ``on_file(done, total)`` reports progress."""
    known = known or {}
    receipts: list[Receipt] = []
    batch: dict[str, Receipt] = {}
    fresh: list[Receipt] = []
    now = datetime.now().replace(microsecond=0)
    progress = _Progress(len(sources), on_file)
    for source in sources:
        earlier = known.get(source.sha256)
        twin = batch.get(source.sha256)
        if twin is not None or (earlier is not None and earlier.name != source.name):
            # a repeat is dated as its twin was, so that running again changes nothing
            if twin is not None:
                note, received = f"identical to {twin.source.name}; counted once", twin.received
            else:
                note = (f"identical to {earlier.name}, first received "
                        f"{earlier.first_seen:%d/%m/%Y}; counted once")  # fmt: skip
                received = earlier.first_seen
            receipts.append(Receipt(source, DUPLICATE, note=note, received=received, new=False))
            progress.step()
            continue
        if earlier is not None:
            receipts.append(
                Receipt(source, REJECTED, earlier.checked, received=earlier.first_seen,
                        modified=earlier.modified, new=False)
            )  # fmt: skip
            progress.step()
        else:
            fresh.append(Receipt(source, REJECTED, received=now, modified=_mtime(source.path)))
            receipts.append(fresh[-1])
        batch[source.sha256] = receipts[-1]
    jobs = [(r.source.path, r.source.name) for r in fresh]
    with stage("load"):
        loaded = load_all(jobs, isolation, on_done=progress.step, meanwhile=_import_checker)
    with stage("check"):
        from .checking import check_returns

        for receipt, checked in zip(fresh, check_returns(loaded)):
            receipt.checked = checked
        settle(receipts, registers or {})
    return receipts


def _import_checker() -> None:
    # pandas and pandera take about half a second to import: done while the workers read
    import pipeline.checking  # noqa: F401


class _Progress:
    def __init__(self, total: int, report: Callable[[int, int], None] | None) -> None:
        self.done, self.total, self.report = 0, total, report

    def step(self) -> None:
        self.done += 1
        if self.report is not None:
            self.report(self.done, self.total)


def settle(receipts: Iterable[Receipt], registers: Mapping[str, Register]) -> None:
    """Match each receipt's return to its register and give the receipt its status."""
    for receipt in receipts:
        if receipt.checked is None:
            continue
        receipt.loaded = match_register(receipt.checked, registers)
        receipt.status, receipt.note = _status(receipt.loaded)


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def _status(loaded: LoadedReturn) -> tuple[str, str | None]:
    if loaded.rejected:
        return REJECTED, loaded.reason
    if loaded.findings:
        return WITH_FINDINGS, None
    return ACCEPTED, None


def match_register(checked: LoadedReturn, registers: Mapping[str, Register]) -> LoadedReturn:
    """A copy of the return with its organisation's name as the register spells it, or
    rejected when its layout has a register and the organisation is not on it."""
    loaded = replace(checked, findings=list(checked.findings))
    if loaded.rejected or loaded.layout not in registers:
        return loaded
    layout = LAYOUTS[loaded.layout]
    register = registers[loaded.layout]
    code = loaded.value(layout.code_key) if layout.code_key else None
    stamped = loaded.stamp.organisation if loaded.stamp else None
    entry = register.find(loaded.organisation, code)
    if entry is None and stamped:
        entry = register.find(stamped)
    if entry is None:
        return loaded.reject(
            "not-on-register",
            f'"{loaded.organisation}" is not on the {layout.title} register '
            f"({register.path.name}): check the {layout.key_field.title} against the register, "
            f"or add the organisation to it.",
        )
    meant = register.find(stamped) if stamped else None
    if meant is not None and meant is not entry:
        loaded.findings.append(
            Finding(
                Severity.WARNING,
                "wrong-organisation",
                f"This template was made for {meant.organisation} but the plan says "
                f"{entry.organisation}: it has been read as {entry.organisation}'s.",
                file=loaded.source.name,
                sheet=loaded.sheet,
            )
        )
    loaded.organisation = entry.organisation
    return loaded
