"""Partner feedback: the partner's own workbook back, marked up where something is wrong.

Each cell with a finding is filled red (must fix) or amber (should check), and each a gap flag
points at (an overdue action, a stale date of update: the plan is off track) orange; each
carries a comment saying what to put there or do. A first sheet, ``Fix list``, lists them all,
must fix first, then off track, then please check, with a link to each cell. The partner's
values, formatting and other sheets are kept, so the copy reads back through the loader with
the same data. Where the original cannot be marked up (a rejected file, a .xls or .ods), the
feedback is the Fix list alone, and says why.

Writing a copy opens the partner's file with openpyxl, so it runs in an isolated worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .catalogue import finding_words
from .files import FEEDBACK_MARK
from .findings import Finding, Severity
from .flags import FROM_FINDINGS, NO_RETURN
from .intake import ACCEPTED, REJECTED, WITH_FINDINGS
from .isolation import ISOLATED, Isolation, run_isolated
from .naming import safe_stem, sheet_ref, visible_lines
from .templates import DEFAULT_FONT
from .values import LINE_HEIGHT, fit_cell, uk, wrapped_lines

if TYPE_CHECKING:  # (workers import this module: it stays light)
    from .plans import Flag

FIX_LIST = "Fix list"
USED = (ACCEPTED, WITH_FINDINGS)  # a file whose return the round uses
OFF_TRACK = "Off track"  # a gap flag's words, where a finding's are its severity's
FILLS = {Severity.ERROR: "FFC7CE", Severity.WARNING: "FFEB9C", Severity.REJECTED: "FFC7CE",
         OFF_TRACK: "F8CBAD"}  # fmt: skip
SEVERITY_WORDS = {
    Severity.REJECTED: "Must fix",
    Severity.ERROR: "Must fix",
    Severity.WARNING: "Please check",
}
# The Fix list's columns: title, width (characters), whether its text wraps. Fitted to a
# landscape A4 page they print at about 9 pt.
FIX_LIST_COLUMNS = (
    ("Sheet", 14, False), ("Cell", 7, False), ("Field", 22, True), ("Severity", 11, False),
    ("Problem", 55, True), ("What to do", 40, True),
)  # fmt: skip
COLOURS_SAID = (
    "Each cell to act on is coloured, with a note: red, must fix; orange, off track; "
    "amber, please check."
)
# The Fix list's order: what must be fixed, what is off track, what to check.
ORDER = {Severity.REJECTED: 0, Severity.ERROR: 0, OFF_TRACK: 1, Severity.WARNING: 2}
# Flags a partner's own file cannot act on, or that say again what a finding says.
NOT_FOR_THE_FILE = FROM_FINDINGS | {NO_RETURN}


@dataclass(frozen=True)
class FixItem:
    """One line of a Fix list and the note on its cell: a finding about the file, or a gap
    flag on the plan it holds."""

    level: Severity | str  # a finding's severity, or OFF_TRACK
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
        """A finding's line: its severity, its message, its rule's what-to-do."""
        return cls(f.severity, f.sheet, f.cell, f.field, f.message, finding_words(f.rule).to_do,
                   f.rule, f.read_as, f.cells)  # fmt: skip

    @classmethod
    def of_flag(cls, flag: Flag) -> FixItem:
        """A gap flag's line: off track, its rule's title, its message and what to do."""
        return cls(OFF_TRACK, flag.sheet, flag.cell, flag.rule_title, flag.message, flag.to_do,
                   flag.rule)  # fmt: skip

    @property
    def words(self) -> str:
        """How loud it is, in words: Must fix, Off track, Please check."""
        return OFF_TRACK if self.level == OFF_TRACK else SEVERITY_WORDS[Severity(self.level)]


@dataclass(frozen=True)
class FeedbackJob:
    """What one feedback copy needs: the original, what to say, and where to write."""

    original: Path | None  # the run's copy of the file as read (None: not at hand)
    name: str  # the file's name as shown (relative to the inbox)
    findings: tuple[Finding, ...]
    target: Path
    markup: bool  # False: the original cannot be marked up (rejected, .xls, .ods)
    flags: tuple[Flag, ...] = ()  # the gap flags on its plan that its file can act on

    def fix_items(self) -> list[FixItem]:
        """Every line of its Fix list, in order: must fix, off track, please check."""
        items = [FixItem.of_finding(f) for f in self.findings]
        items += [FixItem.of_flag(f) for f in self.flags]
        return sorted(items, key=lambda item: ORDER[item.level])


def jobs_for(
    receipts: Iterable[Any], out_dir: Path, again: bool = True, flags: Iterable[Flag] = ()
) -> list[FeedbackJob]:
    """A feedback job for each receipt with findings, rejected, or used with gap flags on its
    plan (``flags``: the round's; duplicates and superseded returns get none: their twin or
    successor does; nor does an inbox entry never read). With ``again`` False, files read by
    an earlier run whose feedback is already written are left as they are."""
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
        stem = safe_stem(Path(name).with_suffix("").as_posix(), taken)
        # A return that reads as it should, with only flags to tell, gets the Fix list alone:
        # marking up a copy costs over a tenth of a second a file (openpyxl loading and
        # saving it), which every flagged plan in a large round would pay.
        markup = (
            not receipt.loaded.rejected
            and Path(name).suffix.lower() in (".xlsx", ".xlsm")
            and receipt.copy is not None
            and bool(receipt.findings)
        )
        target = Path(out_dir) / f"{stem}-feedback.xlsx"
        if not again and not receipt.new and target.is_file():
            continue
        jobs.append(FeedbackJob(receipt.copy if markup else None, name, tuple(receipt.findings),
                                target, markup, flagged))  # fmt: skip
    return jobs


def write_all(
    jobs: list[FeedbackJob],
    isolation: Isolation = ISOLATED,
    on_done: Callable[[], None] | None = None,
) -> list[Path]:
    """Write every feedback copy, each in an isolated worker; returns the paths written."""
    results = run_isolated(write_feedback, [(job,) for job in jobs], _fix_list_only, isolation,
                           on_done)  # fmt: skip
    return [path for path in results if path is not None]


def _fix_list_only(job: tuple[FeedbackJob], reason: str) -> Path | None:
    """When marking up the original failed, the Fix list alone (in this process)."""
    try:
        return write_feedback(
            job[0], markup=False, why=f"We could not mark up your file: {reason}."
        )
    except Exception:
        return None


def write_feedback(job: FeedbackJob, markup: bool | None = None, why: str | None = None) -> Path:
    """Write one feedback copy and return its path."""
    import openpyxl

    from .files import atomic_path

    markup = job.markup if markup is None else markup
    if markup:
        book = openpyxl.load_workbook(job.original)
        _mark_cells(book, job.fix_items())
        note = None
    else:
        book = openpyxl.Workbook()
        book.remove(book.active)
        note = why or _why_no_markup(job)
    _fix_list(book, job, note)
    with atomic_path(job.target) as tmp:
        _save_marked(book, tmp)
    return job.target


def _save_marked(book: Any, path: Path) -> None:
    """Save with the pipeline's mark and the time it was saved (``files.FEEDBACK_MARK``).
    openpyxl's own ``save`` would set the "modified" time itself, after the mark is made."""
    import zipfile
    from datetime import datetime

    from openpyxl.packaging.custom import StringProperty
    from openpyxl.writer.excel import ExcelWriter

    saved = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    book.properties.modified = saved
    name, text = FEEDBACK_MARK
    book.custom_doc_props.append(StringProperty(name=name, value=text + saved.isoformat()))
    ExcelWriter(book, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()


def _why_no_markup(job: FeedbackJob) -> str:
    if any(f.severity is Severity.REJECTED for f in job.findings):
        return "Your file could not be used at all, so here is what to do about it."
    if not job.findings:
        return (
            "Your file reads as it should. Here is what is off track in the plan it holds, "
            "with the cell each is about in your file."
        )
    return (
        f"Your file is a {Path(job.name).suffix or 'non-Excel'} file, which we cannot mark up, "
        f"so here is the list of fixes, cell by cell."
    )


def _mark_cells(book: Any, items: Iterable[FixItem]) -> None:
    # the quietest first, so that where a cell has several, the loudest colour is what shows
    for item in sorted(items, key=lambda item: -ORDER[item.level]):
        if not item.sheet or not item.cell or item.sheet not in book.sheetnames:
            continue
        sheet = book[item.sheet]
        cell = sheet[_first_cell(item.cell)]
        if item.rule == "too-long" and type(cell).__name__ != "MergedCell":
            cell.value = fit_cell(cell.value)  # no output holds more than a cell can
        said = f"{item.words}: {item.problem} {item.to_do}".strip()
        for address in item.cells or (item.cell,):
            _note(sheet[_first_cell(address)], item, said)


def _note(cell: Any, item: FixItem, said: str) -> None:
    """Colour ``cell`` for ``item`` and add what it says to the cell's comment; where we guessed
    what the cell meant, write what we read it as in its place, to be checked."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    if type(cell).__name__ == "MergedCell":
        return
    if item.read_as is not None:
        cell.value, number_format = _typed(item.read_as)
        if number_format:
            cell.number_format = number_format
        said = f"We read this as {_shown(item.read_as)}, and wrote it so: check it. {said}"
    cell.fill = PatternFill("solid", fgColor=FILLS[item.level])
    if cell.comment is not None:
        said = f"{cell.comment.text}\n\n{said}"
    cell.comment = Comment(visible_lines(said[:2000]), "Action plan pipeline", width=300,
                           height=150)  # fmt: skip


def _typed(value: Any) -> tuple[Any, str | None]:
    """A value as a cell holds it, and the number format it needs (a date as a real date)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day), "dd/mm/yyyy"
    if isinstance(value, bool):
        return ("Yes" if value else "No"), None
    return value, None


def _shown(value: Any) -> str:
    """A value we read, as the partner is told it: 01/12/2026, "Ongoing"."""
    return uk(value) if isinstance(value, date) else f'"{value}"'


def _first_cell(address: str) -> str:
    """``H14`` stays; a whole row ``14:14`` becomes its first cell ``A14``."""
    return f"A{address.split(':')[0]}" if ":" in address else address


def _fix_list(book: Any, job: FeedbackJob, note: str | None) -> None:
    """The Fix list, first in ``book``: a line for each thing to act on, with a link to its
    cell, fitted one A4 page wide with its long texts wrapped (no smaller than 8 pt)."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    sheet = book.create_sheet(FIX_LIST, 0)
    book.active = 0
    for other in book.worksheets[1:]:
        other.sheet_view.tabSelected = False
    font = {"name": DEFAULT_FONT["font_name"], "size": DEFAULT_FONT["font_size"]}
    plain, bold = Font(**font), Font(**font, bold=True)
    wrapped = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    _text(sheet.cell(1, 1), f"What to fix in {job.name}")
    sheet.cell(1, 1).font = Font(**{**font, "size": 14}, bold=True)
    _text(sheet.cell(2, 1), note or COLOURS_SAID)
    sheet.cell(2, 1).font = plain
    for col, (title, width, _) in enumerate(FIX_LIST_COLUMNS, start=1):
        sheet.cell(4, col, title).font = bold
        sheet.column_dimensions[get_column_letter(col)].width = width
    for row, item in enumerate(job.fix_items(), start=5):
        values = (item.sheet, item.cell, item.field, item.words, item.problem, item.to_do)
        lines = 1
        for col, (value, (_, width, wraps)) in enumerate(zip(values, FIX_LIST_COLUMNS), 1):
            cell = sheet.cell(row, col)
            _text(cell, value)
            cell.font, cell.alignment = plain, wrapped if wraps else top
            if wraps and isinstance(value, str):
                lines = max(lines, wrapped_lines(value, width))
        if lines > 1:
            sheet.row_dimensions[row].height = LINE_HEIGHT * lines + 2
        if item.sheet and item.cell and item.sheet in book.sheetnames:
            link = sheet.cell(row, 2)
            target = sheet_ref(item.sheet, _first_cell(item.cell))
            link.hyperlink = Hyperlink(ref=link.coordinate, location=target)
            link.font = Font(**font, color="0563C1", underline="single")
    sheet.freeze_panes = "A5"
    sheet.print_title_rows = "4:4"
    sheet.page_setup.orientation, sheet.page_setup.paperSize = "landscape", 9  # A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4


def _text(cell: Any, value: Any) -> None:
    """Write a value as text, never as a formula (a partner's "=..." stays what it was), with
    any control character a partner's file put in it written out (a cell cannot hold one)."""
    if isinstance(value, str):
        value = visible_lines(value)
    cell.value = value
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        cell.data_type = "s"
