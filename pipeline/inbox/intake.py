"""Take in a batch of returned files: find them, recognise repeats, load and check the new
ones, and match each to its register entry. The result is one ``Receipt`` per file.

A file the store has already read under the same name is not read again: its stored return
is used. The same bytes under another name are a duplicate: of identical files, the one that
arrived first is counted (see ``likely_arrival`` and ``counted_first``). How each file's
arrival is known is ``pipeline.inbox.arrival``'s. Nothing here writes anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from ..declare import LAYOUTS
from ..declare.findings import REQUIRED, Finding
from ..declare.severity import AMBER
from ..reading.workers import load_all
from ..returns import HeaderValue, LoadedReturn, SourceFile
from ..system.isolation import ISOLATED, Isolation
from ..system.timing import stage
from ..values import shown_number, uk
from .arrival import RECEIVED_MEANS as RECEIVED_MEANS  # what Received means, for the Guidance
from .arrival import Arrival, Clues, arrival_of, moment
from .owners import Owner, owner_of
from .registers import Register
from .walk import Entry

ACCEPTED = "accepted"
WITH_FINDINGS = "accepted with findings"
REJECTED = "rejected"
DUPLICATE = "duplicate"
SUPERSEDED = "superseded"
TAKEN_FROM_REGISTER = "taken-from-register"  # the rule of a finding: a field from the register

EARLIER_PERIOD = "for an earlier period"  # its own date is last period's: not this round's
ALREADY_COUNTED = "already counted"  # first arrived in an earlier round, and counted there
UNCOUNTED = (DUPLICATE, ALREADY_COUNTED)  # statuses of files whose return is recorded elsewhere


def likely_arrival(first_seen: datetime, modified: float | None) -> datetime:
    """The earliest a file can be taken to have been in the inbox: when the pipeline first saw
    it, or its modified time if that is earlier (to the whole second). Only for putting
    identical files in order; it never makes a return late (see ``pipeline.inbox.arrival``)."""
    seen = first_seen.replace(microsecond=0)
    saved = moment(modified)
    return min(seen, saved) if saved else seen


# What copying a file does to its name: Windows ("Copy of x", "Copy (2) of x", "x - Copy",
# "x - Copy (2)"), macOS ("x copy", "x copy 2") and browsers saving a download again ("x (1)").
_COPY_MARKS = (
    re.compile(r"^copy(?: \(\d+\))? of ", re.IGNORECASE),
    re.compile(r" - copy(?: \(\d+\))?$", re.IGNORECASE),
    re.compile(r" copy(?: \d+)?$", re.IGNORECASE),
    re.compile(r" ?\(\d+\)$"),
)


def copy_marks(name: str) -> int:
    """How many marks of copying a file name bears ("Copy of x (1).xlsx" bears two; the
    folder and the extension are not looked at)."""
    stem = PurePosixPath(name).stem.strip()
    marks = 0
    while True:
        for mark in _COPY_MARKS:
            plainer = mark.sub("", stem, count=1).strip()
            if plainer != stem and plainer:
                stem, marks = plainer, marks + 1
                break
        else:
            return marks


def counted_first(arrived: datetime, name: str) -> tuple[datetime, int, int, str, str]:
    """Sort key of identical files: the first is the one counted, the others are its
    duplicates. The one that arrived first; then the plainer name (fewer marks of copying:
    "leeds.xlsx" before "leeds (1).xlsx" or "Copy of leeds.xlsx"); then the shorter name;
    then alphabetical order."""
    return (arrived, copy_marks(name), len(name), name.casefold(), name)


class Known(Protocol):
    """What intake needs to know of a file read in an earlier run (a ``store.StoredFile``)."""

    name: str
    first_seen: datetime
    modified: float | None
    checked: LoadedReturn
    arrival: Arrival


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
    arrival: Arrival | None = None  # when it arrived, and how that is known
    modified: float | None = None
    new: bool = True
    first_seen: datetime | None = None  # when the pipeline first saw these bytes
    copy: Path | None = None  # the run's own copy of the bytes read (see ``pipeline.inbox.walk``)
    # for a file that came attached to a message: a sentence when its sender is not the
    # organisation's contact on the register (see ``sender_note``)
    sender_note: str | None = None
    # of a rejected file: whose it is, where its name, sender or contents say (see
    # ``pipeline.inbox.owners``), and how it was matched or why not, in words
    owner: Owner | None = None
    matched: str | None = None

    @property
    def findings(self) -> list[Finding]:
        """The return's findings (none for a duplicate, or a file counted in an earlier
        round: they were reported there)."""
        if self.loaded is None or self.status == ALREADY_COUNTED:
            return []
        return self.loaded.findings

    @property
    def organisation(self) -> str | None:
        """Whose the file is: its return's organisation, or whose a rejected file says it is
        (``owner``)."""
        if self.owner is not None:
            return self.owner.organisation
        return self.loaded.organisation if self.loaded else None

    @property
    def received(self) -> datetime | None:
        """When the file is known to have arrived (None: not known; see
        ``pipeline.inbox.arrival``)."""
        return self.arrival.received if self.arrival else None

    @property
    def arrived_by(self) -> datetime:
        """When it arrived as far as can be told, for putting files in order (never to judge
        lateness): the evidence's time, else ``likely_arrival``."""
        if self.arrival is not None and self.arrival.known:
            return self.arrival.at
        return likely_arrival(self.first_seen or datetime.now(), self.modified)


def layouts_of(receipts: Iterable[Receipt]) -> Callable[[Receipt], str | None]:
    """Which layout each file of a round is of: its return's (a rejected file's, its
    owner's); a duplicate's is its twin's; None where none can be told."""
    by_hash = {r.source.sha256: r.owner.layout if r.owner else r.loaded.layout
               for r in receipts if r.loaded}  # fmt: skip

    def layout_of(receipt: Receipt) -> str | None:
        return by_hash.get(receipt.source.sha256)

    return layout_of


def receive(
    entries: list[Entry],
    registers: Mapping[str, Register] | None = None,
    known: Mapping[str, Known] | None = None,
    isolation: Isolation = ISOLATED,
    on_file: Callable[[int, int], None] | None = None,
    file_times: bool = False,
) -> list[Receipt]:
    """Turn a batch of inbox entries (``inbox.walk``) into receipts: duplicates recognised,
    new files loaded (in isolated worker processes) and checked, every return matched to its
    register; an entry that could not be read is rejected with its sentence. Each receipt
    says how its file's arrival is known (``pipeline.inbox.arrival``; ``file_times``: the team's
    rule that file times are arrival times); a file the store knows keeps the arrival found
    first, unless that was not known. ``on_file(done, total)`` reports progress."""
    known = known or {}
    now = datetime.now().replace(microsecond=0)
    read = [entry for entry in entries if entry.copy is not None]
    modified = {entry.path: entry.modified for entry in read}
    counted = _counted([entry.source for entry in read], known, now, modified)
    receipts: list[Receipt] = []
    fresh: list[Receipt] = []
    progress = _Progress(len(entries), on_file)
    for entry in entries:
        source = entry.source
        earlier = known.get(source.sha256)
        twin = counted.get(source.sha256)
        # the pipeline first saw these bytes in an earlier run, or in this one
        seen = earlier.first_seen if earlier is not None else now
        mtime = entry.modified
        arrived = arrival_of(
            Clues(entry.name, seen, entry.envelope, mtime, entry.uploaded, file_times)
        )
        if entry.copy is None:
            checked = LoadedReturn(source).reject("unreadable", entry.problem or "")
            receipts.append(
                Receipt(source, REJECTED, checked, arrival=arrived, modified=mtime, first_seen=now)
            )
            progress.step()
        elif twin is not source:
            if twin is not None:
                note = f"identical to {twin.name}; counted once"
            else:
                first = earlier.arrival
                when = "first received" if first.known else "first seen"
                note = f"identical to {earlier.name}, {when} {first.at:%d/%m/%Y}; counted once"
            receipts.append(
                Receipt(source, DUPLICATE, note=note, arrival=arrived, modified=mtime, new=False,
                        first_seen=seen)
            )  # fmt: skip
            progress.step()
        elif earlier is not None:
            kept = earlier.arrival if earlier.arrival.known else arrived
            receipts.append(
                Receipt(source, REJECTED, earlier.checked, modified=earlier.modified, new=False,
                        arrival=kept, first_seen=seen, copy=entry.copy)
            )  # fmt: skip
            progress.step()
        else:
            fresh.append(
                Receipt(source, REJECTED, arrival=arrived, modified=mtime, first_seen=seen,
                        copy=entry.copy)
            )  # fmt: skip
            receipts.append(fresh[-1])
    jobs = [(r.copy, r.source) for r in fresh]
    with stage("load"):
        loaded = load_all(jobs, isolation, on_done=progress.step, meanwhile=_import_checker)
    with stage("check"):
        from ..checking import check_returns

        for receipt, checked in zip(fresh, check_returns(loaded)):
            receipt.checked = checked
        settle(receipts, registers or {})
    return receipts


def _counted(
    sources: list[SourceFile],
    known: Mapping[str, Known],
    now: datetime,
    modified: Mapping[Path, float | None],
) -> dict[str, SourceFile]:
    """Of each set of identical files, the one counted (by ``counted_first``). None is counted
    when the store read the same bytes under a name no longer in the inbox: each is then a
    duplicate of that file."""
    alike: dict[str, list[SourceFile]] = {}
    for source in sources:
        alike.setdefault(source.sha256, []).append(source)
    counted = {}
    for sha, group in alike.items():
        earlier = known.get(sha)
        if earlier is None:
            counted[sha] = min(
                group, key=lambda s: counted_first(likely_arrival(now, modified[s.path]), s.name)
            )
            continue
        # A file read by an earlier run arrived before any file new to this run: it stays
        # counted, and every copy of it is a duplicate.
        stored = [s for s in group if s.name == earlier.name]
        if stored:
            counted[sha] = stored[0]
    return counted


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
        receipt.sender_note = sender_note(receipt.loaded, registers)
        if receipt.status == REJECTED:
            matching = owner_of(receipt.loaded, registers)
            receipt.owner, receipt.matched = matching.owner, matching.said


def sender_note(loaded: LoadedReturn, registers: Mapping[str, Register]) -> str | None:
    """For a return that came attached to a message, a sentence when the message's sender is
    not its organisation's contact on the register; else None (not from a message, no
    register or no address on it to compare, or the contact sent it)."""
    envelope = loaded.source.envelope
    register = registers.get(loaded.layout or "")
    if envelope is None or register is None or loaded.rejected:
        return None
    contact = register.contact_email(loaded.organisation)
    if contact is None or envelope.sent_by(contact):
        return None
    sender = envelope.sender or "an unknown sender"
    return (
        f"Sent by {sender}, who is not {loaded.organisation}'s contact on the register "
        f"({contact}): check that the return is theirs to send."
    )


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
                AMBER,
                "wrong-organisation",
                f"This template was made for {meant.organisation} but the plan says "
                f"{entry.organisation}: it has been read as {entry.organisation}'s.",
                file=loaded.source.name,
                sheet=loaded.sheet,
            )
        )
    loaded.organisation = entry.organisation
    _from_register(loaded, layout, entry, register.path.name)
    return loaded


def _from_register(loaded: LoadedReturn, layout: Any, entry: Any, register: str) -> None:
    """Each header field the return lacks (no label, or an empty value) that the register
    holds and the template pre-fills (``Field.locked``: a target date, a baseline, a plan
    start) taken from the register, and said so: its finding that the field is missing gives
    way to one that it was taken from there."""
    for f in layout.header:
        held = entry.prefill.get(f.name)
        if not f.locked or f.name == layout.key or held in (None, ""):
            continue
        if loaded.value(f.name) is not None:
            continue
        had = loaded.header.get(f.name)
        missing = [x for x in loaded.findings if x.field == f.title and x.row is None
                   and x.rule in ("missing-label", REQUIRED)]  # fmt: skip
        for finding in missing:
            loaded.findings.remove(finding)
        place = had.cell if had is not None else None
        loaded.header[f.name] = HeaderValue(held, None, had.row if had else None,
                                            had.col if had else None)  # fmt: skip
        lacks = "is empty" if place else "is not on the sheet"
        where = next((x.message.split(": add it", 1)[1].split(", with the value")[0]
                      for x in missing if x.rule == "missing-label"), None)  # fmt: skip
        add = "Fill it in" if where is None else f"Add its label{where}, with its value beside it"
        loaded.findings.append(Finding(
            AMBER, TAKEN_FROM_REGISTER,
            f"{f.title} {lacks}: we took {_said(held)} from the register ({register}). {add}, "
            f"to confirm it or correct it.",
            file=loaded.source.name, sheet=loaded.sheet, cell=place, field=f.title,
        ))  # fmt: skip


def _said(value: Any) -> str:
    """A register's value as a sentence gives it: 31/03/2027, 6, "GO East"."""
    if isinstance(value, date):
        return uk(value)
    if isinstance(value, int | float):
        return shown_number(value)
    return f'"{value}"'
