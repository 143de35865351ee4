"""Partner feedback: the partner's own workbook back, marked up where something is wrong.

Each cell with a finding is filled red (must fix) or amber (should check) and carries a comment
saying what to put there; a first sheet, ``Fix list``, lists every finding with a link to its
cell. The partner's values, formatting and other sheets are kept, so the copy reads back
through the loader with the same data. Where the original cannot be marked up (a rejected
file, a .xls or .ods), the feedback is the Fix list alone, and says why.

Writing a copy opens the partner's file with openpyxl, so it runs in an isolated worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from .catalogue import finding_words
from .files import FEEDBACK_MARK
from .findings import Finding, Severity
from .isolation import ISOLATED, Isolation, run_isolated
from .naming import safe_stem, sheet_ref, visible_lines
from .values import fit_cell

FIX_LIST = "Fix list"
FILLS = {Severity.ERROR: "FFC7CE", Severity.WARNING: "FFEB9C", Severity.REJECTED: "FFC7CE"}
SEVERITY_WORDS = {
    Severity.REJECTED: "Must fix",
    Severity.ERROR: "Must fix",
    Severity.WARNING: "Please check",
}


@dataclass(frozen=True)
class FeedbackJob:
    """What one feedback copy needs: the original, what to say, and where to write."""

    original: Path | None  # the run's copy of the file as read (None: not at hand)
    name: str  # the file's name as shown (relative to the inbox)
    findings: tuple[Finding, ...]
    target: Path
    markup: bool  # False: the original cannot be marked up (rejected, .xls, .ods)


def jobs_for(receipts: Iterable[Any], out_dir: Path, again: bool = True) -> list[FeedbackJob]:
    """A feedback job for each receipt with findings or rejected (duplicates and superseded
    returns get none: their twin or successor does; nor does an inbox entry never read).
    With ``again`` False, files read by an earlier run whose feedback is already written are
    left as they are."""
    taken: set[str] = set()
    jobs = []
    for receipt in receipts:
        if receipt.status not in ("rejected", "accepted with findings") or not receipt.loaded:
            continue
        if not receipt.source.sha256:  # never read (a link, a pipe, a folder): no partner's file
            continue
        name = receipt.source.name
        stem = safe_stem(Path(name).with_suffix("").as_posix(), taken)
        markup = (
            not receipt.loaded.rejected
            and Path(name).suffix.lower() in (".xlsx", ".xlsm")
            and receipt.copy is not None
        )
        target = Path(out_dir) / f"{stem}-feedback.xlsx"
        if not again and not receipt.new and target.is_file():
            continue
        jobs.append(FeedbackJob(receipt.copy if markup else None, name, tuple(receipt.findings),
                                target, markup))  # fmt: skip
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
        _mark_cells(book, job.findings)
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
    return (
        f"Your file is a {Path(job.name).suffix or 'non-Excel'} file, which we cannot mark up, "
        f"so here is the list of fixes, cell by cell."
    )


def _mark_cells(book: Any, findings: Iterable[Finding]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    # warnings first, so that where a cell has both, the must-fix red is what shows
    for f in sorted(findings, key=lambda f: f.severity is not Severity.WARNING):
        if not f.sheet or not f.cell or f.sheet not in book.sheetnames:
            continue
        sheet = book[f.sheet]
        cell = sheet[_first_cell(f.cell)]
        if type(cell).__name__ == "MergedCell":
            continue
        if f.rule == "too-long":  # no output holds more than a cell can
            cell.value = fit_cell(cell.value)
        cell.fill = PatternFill("solid", fgColor=FILLS[f.severity])
        to_do = finding_words(f.rule).to_do
        text = f"{SEVERITY_WORDS[f.severity]}: {f.message} {to_do}".strip()
        if cell.comment is not None:
            text = f"{cell.comment.text}\n\n{text}"
        cell.comment = Comment(visible_lines(text[:2000]), "Action plan pipeline", width=300,
                               height=150)  # fmt: skip


def _first_cell(address: str) -> str:
    """``H14`` stays; a whole row ``14:14`` becomes its first cell ``A14``."""
    return f"A{address.split(':')[0]}" if ":" in address else address


def _fix_list(book: Any, job: FeedbackJob, note: str | None) -> None:
    from openpyxl.styles import Font
    from openpyxl.worksheet.hyperlink import Hyperlink

    sheet = book.create_sheet(FIX_LIST, 0)
    book.active = 0
    for other in book.worksheets[1:]:
        other.sheet_view.tabSelected = False
    _text(sheet.cell(1, 1), f"What to fix in {job.name}")
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    _text(sheet.cell(2, 1), note or "Each cell with something to fix is coloured, with a note.")
    headings = ("Sheet", "Cell", "Field", "Severity", "Problem", "What to do")
    for col, title in enumerate(headings, start=1):
        sheet.cell(4, col, title).font = Font(bold=True)
    order = sorted(job.findings, key=lambda f: f.severity is Severity.WARNING)
    for row, f in enumerate(order, start=5):
        values = (f.sheet, f.cell, f.field, SEVERITY_WORDS[f.severity], f.message,
                  finding_words(f.rule).to_do)  # fmt: skip
        for col, value in enumerate(values, start=1):
            _text(sheet.cell(row, col), value)
        if f.sheet and f.cell and f.sheet in book.sheetnames:
            link = sheet.cell(row, 2)
            target = sheet_ref(f.sheet, _first_cell(f.cell))
            link.hyperlink = Hyperlink(ref=link.coordinate, location=target)
            link.font = Font(color="0563C1", underline="single")
    for col, width in zip("ABCDEF", (16, 8, 26, 12, 80, 50)):
        sheet.column_dimensions[col].width = width
    sheet.freeze_panes = "A5"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _text(cell: Any, value: Any) -> None:
    """Write a value as text, never as a formula (a partner's "=..." stays what it was), with
    any control character a partner's file put in it written out (a cell cannot hold one)."""
    if isinstance(value, str):
        value = visible_lines(value)
    cell.value = value
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        cell.data_type = "s"
