"""Partner feedback: the partner's own workbook back, marked up where something is wrong.

Each cell with a finding or a gap flag (an overdue action, a stale date of update: the plan is
off track) is filled Red (put it right) or Amber (check it), in the words and colours of the
managers' workbook (``severity``), and carries a comment saying what to put there or do. A first
sheet, ``Fix list``, lists them all, Red first, a line for each cell (what was found in it and
what is off track there together), with a link to each cell. The partner's
values, formatting and other sheets are kept, so the copy reads back through the loader with
the same data. Where the original cannot be marked up (a rejected file, a .xls or .ods), the
feedback is the Fix list alone, and says why.

A copy is the partner's file with its XML parts edited (``pipeline.xlsx``): a few milliseconds,
and whatever the pipeline does not touch (images, charts, print settings) is kept as it was.
It still parses a partner's file, so it runs in an isolated worker.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .declare.findings import TOO_LONG, Finding
from .declare.rules import TURNING_DOWN, finding_rule
from .declare.severity import AMBER, RED, SEVERITIES
from .inbox.intake import ACCEPTED, REJECTED, WITH_FINDINGS
from .inbox.messages import SEPARATOR as ATTACHED
from .inbox.registers import organisation_key
from .naming import safe_stem, sheet_ref, visible_lines
from .paper import DEFAULT_FONT
from .round.flags import FROM_FINDINGS, NO_RETURN, TURNED_DOWN
from .system.files import FEEDBACK_MARK
from .system.isolation import ISOLATED, Isolation, Ready, Running, run_isolated, start_isolated
from .system.timing import count
from .values import LINE_HEIGHT, fit_cell, uk, wrapped_lines

if TYPE_CHECKING:  # (workers import this module: it stays light)
    from .round.plans import Flag

FIX_LIST = "Fix list"
USED = (ACCEPTED, WITH_FINDINGS)  # a file whose return the round uses
FILLS = {s.word: s.fill for s in SEVERITIES}
# The Fix list's columns: title, width (characters), whether its text wraps. Fitted to a
# landscape A4 page they print at about 9 pt.
FIX_LIST_COLUMNS = (
    ("Sheet", 14, False), ("Cell", 7, False), ("Field", 22, True), ("Severity", 11, False),
    ("Problem", 55, True), ("What to do", 40, True),
)  # fmt: skip
SEVERITY_COLUMN = 4  # the Fix list's column (1-based) saying Red or Amber
COLOURS_SAID = (
    "Each cell to act on is coloured, with a note: "
    + "; ".join(f"{s.word.lower()}, {s.asks.lower()}" for s in SEVERITIES)
    + "."
)
# The Fix list's order: Red, then Amber.
ORDER = {RED.word: 0, AMBER.word: 1}
# Flags a partner's own file cannot act on, or that say again what a finding says.
NOT_FOR_THE_FILE = FROM_FINDINGS | {NO_RETURN, TURNED_DOWN}


@dataclass(frozen=True)
class FixItem:
    """One line of a Fix list and the note on its cell: a finding about the file, or a gap
    flag on the plan it holds."""

    level: str  # how much it matters: Red or Amber (``severity``)
    sheet: str | None
    cell: str | None
    field: str | None
    problem: str
    to_do: str
    rule: str = ""
    read_as: Any = None  # what we read the cells as, where we guessed: written back there
    cells: tuple[str, ...] = ()  # every cell it is about, where more than one

    @classmethod
    def of_finding(cls, f: Finding) -> FixItem:
        """A finding's line: its level, its message, its rule's what-to-do."""
        return cls(f.severity.word, f.sheet, f.cell, f.field, f.message,
                   finding_rule(f.rule).to_do, f.rule, f.read_as, f.cells)  # fmt: skip

    @classmethod
    def of_flag(cls, flag: Flag) -> FixItem:
        """A gap flag's line: its level, its rule's title, its message and what to do."""
        return cls(flag.severity.word, flag.sheet, flag.cell, flag.rule_title,
                   flag.message, flag.to_do, flag.rule)  # fmt: skip

    @property
    def words(self) -> str:
        """How much it matters, in the workbook's words: Red or Amber."""
        return self.level

    def with_(self, other: FixItem) -> FixItem:
        """This line and ``other``, about the same cell, as one: the louder level, both
        problems and both things to do."""
        louder = min(self.level, other.level, key=ORDER.__getitem__)
        to_do = self.to_do if other.to_do in self.to_do else f"{self.to_do} {other.to_do}"
        return replace(self, level=louder, problem=f"{self.problem} Also: {other.problem}",
                       to_do=to_do.strip(), read_as=self.read_as if self.read_as is not None
                       else other.read_as)  # fmt: skip


@dataclass(frozen=True)
class FeedbackJob:
    """What one feedback copy needs: the original, what to say, and where to write."""

    original: Path | None  # the run's copy of the file as read (None: not at hand)
    name: str  # the file's name as shown (relative to the inbox)
    findings: tuple[Finding, ...]
    target: Path
    markup: bool  # False: the original cannot be marked up (rejected, .xls, .ods)
    flags: tuple[Flag, ...] = ()  # the gap flags on its plan that its file can act on
    # the layout and organisation of its return, if read; of a file rejected, whose it is
    # where it says (``Receipt.owner``)
    owner: tuple[str, str] | None = None
    new: bool = True  # first read by this run (else an earlier run of the round read it)
    # its target is a draft in the run's scratch folder, which only a whole copy leaves
    # (``finish_all``): written there directly, not by way of a temporary file of its own
    draft: bool = False

    @property
    def turned_down(self) -> bool:
        """Whether its file could not be used at all (its feedback is the Fix list alone)."""
        return any(f.rule in TURNING_DOWN for f in self.findings)

    @property
    def written_before(self) -> bool:
        """Whether an earlier run read its file and wrote this feedback already."""
        return not self.new and self.target.is_file()

    def fix_items(self) -> list[FixItem]:
        """Every line of its Fix list, Red first: a line for each cell, what was found in it
        and what is off track there together (a cell is never told twice, at two levels)."""
        items = [FixItem.of_finding(f) for f in self.findings]
        items += [FixItem.of_flag(f) for f in self.flags]
        lines: list[FixItem] = []
        at: dict[tuple[str, str], int] = {}
        for item in items:
            where = (item.sheet or "", item.cell or "")
            if item.cell and not item.cells and where in at:
                lines[at[where]] = lines[at[where]].with_(item)
                continue
            if item.cell and not item.cells:
                at[where] = len(lines)
            lines.append(item)
        return sorted(lines, key=lambda item: ORDER[item.level])


def jobs_for(
    receipts: Iterable[Any], out_dir: Path, flags: Iterable[Flag] = ()
) -> list[FeedbackJob]:
    """A feedback job for each receipt with findings, rejected, or used with gap flags on its
    plan (``flags``: the round's; duplicates and superseded returns get none: their twin or
    successor does; nor does an inbox entry never read)."""
    on_file: dict[str, list[Flag]] = {}
    for f in flags:
        if f.file and f.rule not in NOT_FOR_THE_FILE:
            on_file.setdefault(f.file, []).append(f)
    taken: set[str] = set()
    jobs = []
    for receipt in receipts:
        flagged = tuple(on_file.get(receipt.source.name, ())) if receipt.status in USED else ()
        said = receipt.status in (REJECTED, WITH_FINDINGS) or flagged
        if not said or not receipt.loaded:
            continue
        if not receipt.source.sha256:  # never read (a link, a pipe, a folder): no partner's file
            continue
        name = receipt.source.name
        # (a return that came by email is named after its attachment: the partner's own file)
        own = Path(name.rsplit(ATTACHED, 1)[-1] if ATTACHED in name else name)
        stem = safe_stem(own.with_suffix("").as_posix(), taken)
        markup = (
            not receipt.loaded.rejected
            and Path(name).suffix.lower() in (".xlsx", ".xlsm")
            and receipt.copy is not None
        )
        loaded = receipt.loaded
        owner = None
        if receipt.status == REJECTED:  # whose it is, where it says (``pipeline.inbox.owners``)
            matched = receipt.owner
            owner = (matched.layout, organisation_key(matched.organisation)) if matched else None
        elif loaded.layout and loaded.organisation:
            owner = (loaded.layout, organisation_key(loaded.organisation))
        target = Path(out_dir) / f"{stem}-feedback.xlsx"
        jobs.append(FeedbackJob(receipt.copy if markup else None, name, tuple(receipt.findings),
                                target, markup, flagged, owner, receipt.new))  # fmt: skip
    return jobs


def write_all(
    jobs: list[FeedbackJob],
    isolation: Isolation = ISOLATED,
    on_done: Callable[[], None] | None = None,
) -> list[Path]:
    """Write every feedback copy, each in an isolated worker; returns the paths written."""
    _prepare()  # (imported once here: forked workers start with it)

    results = run_isolated(write_feedback, [(job,) for job in jobs], _fix_list_only, isolation,
                           on_done)  # fmt: skip
    written = [path for path in results if path is not None]
    count("feedback copies", len(written))
    return written


def ready(isolation: Isolation = ISOLATED) -> Ready | None:
    """Workers for the round's feedback, started before it is known (while the run's process
    is small and the reading leaves a core free), each importing what marking up needs."""
    from .system.isolation import ready_workers

    return ready_workers(write_feedback, _fix_list_only, isolation, _prepare)


def _prepare() -> None:
    from .xlsx import marks, sheet, styles  # noqa: F401 (marks imports the package's rest)


def start_all(
    jobs: list[FeedbackJob],
    drafts: Path,
    isolation: Isolation = ISOLATED,
    on_done: Callable[[], None] | None = None,
    busy: threading.Event | None = None,
    ready: Ready | None = None,
) -> Running:
    """Begin writing every feedback copy, into the folder ``drafts``, and leave it to go on
    while this process does other work (while ``busy`` is set, only on a core that would
    otherwise wait: see ``isolation.start_isolated``), by the workers ``ready`` if given;
    ``finish_all`` puts them in place."""
    if ready is None:
        _prepare()  # (imported once here: forked workers start with it)
    drafted = [(replace(job, target=drafts / job.target.name, draft=True),) for job in jobs]
    return start_isolated(write_feedback, drafted, _fix_list_only, isolation, on_done, busy, ready)


def finish_all(running: Running, jobs: list[FeedbackJob]) -> list[Path]:
    """Wait for the copies ``start_all`` began, and move each into its place (a copy that
    cannot be written there is left out); returns the paths written."""
    written = []
    for job, draft in zip(jobs, running.result()):
        if draft is None:
            continue
        try:
            job.target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(draft, job.target)
        except OSError:
            continue
        written.append(job.target)
    count("feedback copies", len(written))
    return written


def _fix_list_only(job: tuple[FeedbackJob], reason: str) -> Path | None:
    """When marking up the original failed, the Fix list alone (in this process)."""
    try:
        return write_feedback(
            job[0], markup=False, why=f"We could not mark up your file: {reason}."
        )
    except Exception:
        return None


def write_feedback(job: FeedbackJob, markup: bool | None = None, why: str | None = None) -> Path:
    """Write one feedback copy and return its path: the partner's file with its cells marked
    and the Fix list put first, or the Fix list alone (saying ``why``)."""
    from . import xlsx
    from .system.files import atomic_path

    note = None
    items = job.fix_items()
    if job.markup if markup is None else markup:
        try:
            package = xlsx.Package.open(job.original)
            package.without_macros()  # the copy is a .xlsx
            styles = xlsx.Styles(package)
            sheets = _mark_cells(package, styles, items)
        except xlsx.Unmarkable as err:
            note = f"We could not mark up your file: {err}."
        except Exception:  # a file built unlike any we know: it still gets its list
            note = "We could not mark up your file, so here is the list of fixes, cell by cell."
    else:
        note = why or _why_no_markup(job)
    if note is not None:
        package, sheets = xlsx.Package.blank(), set()
        styles = xlsx.Styles(package)
    _fix_list(package, styles, job.name, items, note, sheets)
    # The mark holds the time saved, which the document's properties hold too: a copy whose
    # times differ has been saved again by the partner, and is their return.
    saved = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    package.set_custom_property(FEEDBACK_MARK[0], FEEDBACK_MARK[1] + saved.isoformat())
    if job.draft:
        package.save(job.target, saved)
    else:
        with atomic_path(job.target) as tmp:
            package.save(tmp, saved)
    return job.target


def _why_no_markup(job: FeedbackJob) -> str:
    if any(f.rule in TURNING_DOWN for f in job.findings):
        return "Your file could not be used at all, so here is what to do about it."
    if not job.findings:
        return (
            "Your file reads as it should. Here is what is off track in the plan it holds, "
            "with the cell each is about in your file."
        )
    if Path(job.name).suffix.lower() == ".csv":
        return (
            "Your file is a CSV, which holds the plan's values only and cannot be marked up, so "
            "here is the list of fixes, cell by cell. Next time, send the workbook itself (.xlsx)."
        )
    return (
        f"Your file is a {Path(job.name).suffix or 'non-Excel'} file, which we cannot mark up, "
        f"so here is the list of fixes, cell by cell."
    )


def _mark_cells(package: Any, styles: Any, items: Iterable[FixItem]) -> set[str]:
    """Colour each item's cells and say what it says in their comments; where we guessed what
    a cell meant, write what we read it as in its place, to be checked. Returns the names of
    the workbook's sheets (what the Fix list can link to)."""
    from .xlsx import KEEP, Mark, mark_sheet

    sheets = {sheet.name: sheet for sheet in package.sheets()}
    marks: dict[str, list[Mark]] = {}
    # the quietest first, so that where a cell has several, the loudest colour is what shows
    for item in sorted(items, key=lambda item: -ORDER[item.level]):
        if not item.sheet or not item.cell or item.sheet not in sheets:
            continue
        said = f"{item.words}: {item.problem} {item.to_do}".strip()
        value = KEEP
        if item.read_as is not None:
            value = _typed(item.read_as)
            said = f"We read this as {_shown(item.read_as)}, and wrote it so: check it. {said}"
        fit = fit_cell if item.rule == TOO_LONG else None  # no output holds more than a cell
        note = visible_lines(said[:2000])
        for address in item.cells or (item.cell,):
            mark = Mark(_first_cell(address), FILLS[item.level], note, value, fit)
            marks.setdefault(item.sheet, []).append(mark)
    for name, on_sheet in marks.items():
        mark_sheet(package, sheets[name], on_sheet, styles)
    return set(sheets)


def _typed(value: Any) -> Any:
    """A value we read, as a cell holds it: a date as a date, yes or no as the word."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value


def _shown(value: Any) -> str:
    """A value we read, as the partner is told it: 01/12/2026, "Ongoing"."""
    return uk(value) if isinstance(value, date) else f'"{value}"'


def _first_cell(address: str) -> str:
    """``H14`` stays; a whole row ``14:14`` becomes its first cell ``A14``."""
    return f"A{address.split(':')[0]}" if ":" in address else address


def _fix_list(package: Any, styles: Any, name: str, items: list[FixItem], note: str | None,
              sheets: set[str]) -> None:  # fmt: skip
    """The Fix list of the file ``name``, first in the workbook: a line for each of ``items``,
    with a link to its cell, fitted one A4 page wide with its long texts wrapped (no smaller
    than 8 pt)."""
    from .xlsx import Row, worksheet

    size = DEFAULT_FONT["font_size"]
    font = {"font": DEFAULT_FONT["font_name"], "size": size}
    plain, wrapped = styles.plain(**font), styles.plain(**font, wrap=True)
    link = styles.plain(**font, colour="0563C1", underline=True)
    rows = [
        Row(1, [(visible_lines(f"What to fix in {name}"), styles.plain(**{**font, "size": 14},
                                                                      bold=True))], 20),
        Row(2, [(visible_lines(note or COLOURS_SAID), plain)]),
        Row(4, [(title, styles.plain(**font, bold=True)) for title, _, _ in FIX_LIST_COLUMNS]),
    ]  # fmt: skip
    links = {}
    for number, item in enumerate(items, start=5):
        values = (item.sheet, item.cell, item.field, item.words, item.problem, item.to_do)
        linked = bool(item.cell) and item.sheet in sheets
        cells, lines = [], 1
        for col, (value, (_, width, wraps)) in enumerate(zip(values, FIX_LIST_COLUMNS), 1):
            text = visible_lines(value) if isinstance(value, str) else value
            style = link if col == 2 and linked else wrapped if wraps else plain
            if col == SEVERITY_COLUMN:  # in its colour, as its cell and the workbook show it
                style = styles.marked(plain, FILLS[item.level])
            cells.append((text, style))
            if wraps and isinstance(text, str):
                lines = max(lines, wrapped_lines(text, width))
        if linked:
            links[f"B{number}"] = sheet_ref(item.sheet, _first_cell(item.cell))
        rows.append(Row(number, cells, LINE_HEIGHT * lines + 2 if lines > 1 else None))
    widths = [width for _, width, _ in FIX_LIST_COLUMNS]
    package.add_sheet_first(FIX_LIST, worksheet(rows, widths, links, frozen_rows=4), "4:4")
