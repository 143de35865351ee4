"""A plan is read the same wherever on its sheet it starts (issue 12).

Partners' sheets do not all start in A1: an empty first row or column, a title block above,
a sheet exported from another tool, an .ods or .xls whose data starts lower down. The same
return moved down and right must read to the same values, with every address (header values,
columns, table rows, findings) moved by exactly as much, in every format we read.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from builders import (
    AS_OF,
    action,
    hallmarks_return,
    p44_return,
    pcc_action,
    pcc_return,
    review,
    task,
    three_year_return,
)
from openpyxl.utils import range_boundaries
from test_reading import partner_built
from workbook_reading import sheet_records

from pipeline.checking import check_returns
from pipeline.declare.findings import cell_address
from pipeline.reading import load
from pipeline.reading.locate import SEARCH_ROWS
from pipeline.reading.safety import Limits
from pipeline.reading.workbook import Book
from pipeline.returns import ROW
from pipeline.run import run

OFFSETS = [(down, right) for down in range(6) for right in range(6)]


def moved(source: Path, target: Path, down: int, right: int) -> Path:
    """``source`` with every sheet's cells ``down`` rows lower and ``right`` columns further
    right, as another tool would lay it out: values, number formats, merged ranges and sheet
    visibility are copied at the offset into a new workbook (openpyxl's insert_rows and
    insert_cols leave merged ranges behind)."""
    book = _opened(source)
    out = openpyxl.Workbook()
    out.remove(out.active)
    for sheet in book.worksheets:
        copy = out.create_sheet(sheet.title)
        copy.sheet_state = sheet.sheet_state
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                at = copy.cell(cell.row + down, cell.column + right, cell.value)
                at.number_format = cell.number_format
                if cell.data_type == "s":
                    at.data_type = "s"  # text typed as "=..." stays text
        for merged in sheet.merged_cells.ranges:
            left, top, end_col, bottom = range_boundaries(merged.coord)
            copy.merge_cells(
                start_row=top + down,
                start_column=left + right,
                end_row=bottom + down,
                end_column=end_col + right,
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    out.save(target)
    return target


@functools.cache
def _opened(source: Path) -> openpyxl.Workbook:
    """A source workbook, opened once however many times it is moved (it is only read)."""
    return openpyxl.load_workbook(source)


# --- the returns: templates filled as a partner would, with mistakes that give findings --------


def retyped(path: Path, changes: dict, sheet: str = "Action Plan") -> Path:
    """The workbook with each cell holding a key of ``changes`` holding its value instead;
    a key ``(text, "beside")`` puts the value in the first empty cell right of that row."""
    book = openpyxl.load_workbook(path)
    plan = book[sheet]
    for row in plan.iter_rows():
        for cell in row:
            if cell.value in changes:
                cell.value = changes[cell.value]
            elif (cell.value, "beside") in changes:
                plan.cell(cell.row, plan.max_column + 1, changes[(cell.value, "beside")])
    book.save(path)
    return path


def p44_with_mistakes(folder: Path) -> Path:
    """A Priority 44 return with a status typed "done", dates typed as text, a required cell
    left empty in the header and in the table, a bad number, a column title and a label
    misspelt, and a formula beside the table saved without its result (openpyxl saves none)."""
    rows = [
        action("A01"),
        action("A02", status="done", start_date="01/10/26", end_date="Oct 2026"),
        action("A03", lead_officer=None, estimated_impact="lots"),
        action("A04", category="comms", calendar_event="y"),
    ]
    path = p44_return(folder, rows=rows, role=None, date_of_update="17/11/26")
    changes = {"Lead officer": "Lead oficer", "Telephone": "Telephon", ("A01", "beside"): "=700+1"}
    return retyped(path, changes)


def three_year_with_mistakes(folder: Path) -> Path:
    """A three-year return with statuses typed loosely, an officer and the header's "Updated
    by" left empty, a date typed as text and the required "Quarter for completion" column's title
    deleted."""
    rows = [
        task("HSG-01"),
        task("HSG-02", q7="done", q6="delayed ", contract="y"),
        task("HSG-03", task_officer=None),
    ]
    path = three_year_return(folder, rows=rows, updated_by=None, date_of_update="15/11/26")
    return retyped(path, {"Quarter for completion": None})


def pcc_with_mistakes(folder: Path) -> Path:
    """A delivery-plan return with a RAG status typed "g", a theme typed in the singular, a
    lead officer left empty, the header's Quarter left empty, a date typed as text and the
    "Lead organisation" title misspelt."""
    rows = [
        pcc_action("V01"),
        pcc_action("O01", theme="offender", rag_status="g", target_date="31/03/27"),
        pcc_action("C01", theme="Communities", lead_officer=None),
    ]
    path = pcc_return(folder, rows=rows, quarter=None, date_of_update="16/11/26")
    return retyped(path, {"Lead organisation": "Lead organsation"}, sheet="Delivery Plan")


def hallmarks_with_mistakes(folder: Path) -> Path:
    """A Hallmarks review with assessments typed "partly" and "no", one left empty, a target
    date typed as text, the date of review typed as text and the "Further action" title
    misspelt."""
    rows = review({
        "1a": {"assessment": "partly"},
        "2a": {"assessment": None},
        "2b": {"assessment": "no", "further_action": "Agree who sits on the group.",
               "owner": "Claire Edwards", "target_date": "31/03/27"},
    })  # fmt: skip
    path = hallmarks_return(folder, rows=rows, date_of_review="16/11/26")
    return retyped(path, {"Further action": "Furter action"}, sheet="Self-Assessment")


# the findings with a cell that the mistakes above give (LibreOffice saves formulas' results)
MISTAKES = {
    "p44": {"guessed-value", "required", "not-a-whole-number", "guessed-column", "guessed-label",
            "unsaved-formula"},
    "three_year": {"guessed-value", "required", "missing-column"},
    "pcc_delivery": {"guessed-value", "required", "guessed-column"},
    "hallmarks": {"guessed-value", "required", "guessed-column"},
}  # fmt: skip


def a_grid(folder: Path) -> Path:
    """A sheet of distinct values at known places, to see each one read where it was put."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Grid"
    for r in range(1, 7):
        for c in range(1, 5):
            if (r + c) % 3:
                sheet.cell(r, c, f"r{r}c{c}")
    sheet.merge_cells("B6:C6")
    folder.mkdir(parents=True, exist_ok=True)
    book.save(folder / "grid.xlsx")
    return folder / "grid.xlsx"


BUILDERS = {"p44": p44_with_mistakes, "three_year": three_year_with_mistakes,
            "pcc_delivery": pcc_with_mistakes, "hallmarks": hallmarks_with_mistakes,
            "grid": a_grid}  # fmt: skip
FAR = (999, 25)  # the first cell in Z1000
# what LibreOffice converts: each return at every offset, p44 far away, the grid at a few
RESAVED = {"p44": [*OFFSETS, FAR], "three_year": OFFSETS, "pcc_delivery": OFFSETS,
           "hallmarks": OFFSETS,
           "grid": [(0, 0), (0, 4), (3, 0), (5, 2)]}  # fmt: skip
# ... and for the quick tier, each return at a few offsets: a row, a column, both, the most
# (converting every offset takes LibreOffice a minute a format: the slow tier does that)
SOME_OFFSETS = [(0, 0), (1, 0), (0, 1), (3, 2), (5, 5)]
SOME = {kind: [at for at in offsets if at in SOME_OFFSETS or kind == "grid" or at == FAR]
        for kind, offsets in RESAVED.items()}  # fmt: skip
LIBREOFFICE = pytest.mark.libreoffice  # (saved_as starts it only when asked for .xls or .ods)
RESAVED_FORMATS = [pytest.param(fmt, marks=LIBREOFFICE) for fmt in ("xls", "ods")]


@pytest.fixture(scope="module")
def moved_returns(tmp_path_factory) -> dict[str, dict[tuple[int, int], Path]]:
    """Each return (and the grid) at each offset, as .xlsx: {kind: {(down, right): path}}; the
    p44 return also far away (``FAR``)."""
    root = tmp_path_factory.mktemp("moved")
    built = {}
    for kind, build in BUILDERS.items():
        source = build(root / "source" / kind)
        offsets = [*OFFSETS, FAR] if kind == "p44" else OFFSETS
        built[kind] = {
            (down, right): moved(source, root / "xlsx" / f"{kind}-{down}-{right}.xlsx", down, right)
            for down, right in offsets
        }
    return built


@pytest.fixture(scope="module")
def resaved() -> dict[tuple[str, bool], dict[str, dict[tuple[int, int], Path]]]:
    """The moved files converted by LibreOffice, by format and whether at every offset,
    filled on first use."""
    return {}


@pytest.fixture
def saved_as(request, moved_returns, resaved, tmp_path_factory):
    """``saved_as(fmt)``: the moved files in ``fmt`` ({kind: {(down, right): path}}); for .xls
    and .ods, those in ``SOME`` (or, ``every=True``, in ``RESAVED``) converted with one
    LibreOffice call for them all (skips, saying why, when LibreOffice is absent)."""

    def files(fmt: str, every: bool = False) -> dict[str, dict[tuple[int, int], Path]]:
        if fmt == "xlsx":
            return moved_returns
        which = RESAVED if every else SOME
        if (fmt, every) not in resaved:
            libreoffice = request.getfixturevalue("libreoffice")
            chosen = {kind: {at: moved_returns[kind][at] for at in which[kind]}
                      for kind in which}  # fmt: skip
            sources = [p for paths in chosen.values() for p in paths.values()]
            converted = iter(libreoffice.convert(sources, fmt, tmp_path_factory.mktemp(fmt)))
            resaved[fmt, every] = {kind: {at: next(converted) for at in paths}
                                   for kind, paths in chosen.items()}  # fmt: skip
        return resaved[fmt, every]

    return files


# --- what a reading is, with its addresses moved back ------------------------------------------


def back(cell: str | None, down: int, right: int) -> str | None:
    """A finding's cell (``C14`` or a whole row ``14:14``) moved ``down`` rows up and ``right``
    columns left."""
    if cell is None:
        return None
    whole_row = re.fullmatch(r"(\d+):\1", cell)
    if whole_row:
        row = int(whole_row.group(1)) - down
        return f"{row}:{row}"
    letters, digits = re.fullmatch(r"([A-Z]+)(\d+)", cell).groups()
    col = openpyxl.utils.column_index_from_string(letters) - 1 - right
    return cell_address(int(digits) - 1 - down, col)


def plain(value):
    """A cell's value as read, with pandas' missing values as None (so they compare equal)."""
    return None if not isinstance(value, list | dict) and pd.isna(value) else value


def finding_at(finding, down: int, right: int) -> tuple:
    """A finding with its cell and row moved back by (down, right); addresses in its message
    are left out (they are in its cell)."""
    message = re.sub(r"\b[A-Z]{1,3}\d+\b|\brow \d+", "…", finding.message)
    row = None if finding.row is None else finding.row - down
    cell = back(finding.cell, down, right)
    return (finding.severity.name, finding.rule, finding.field, finding.value, cell, row, message)


def reading(loaded, down: int = 0, right: int = 0) -> dict:
    """Everything a return was read as, with every address moved back by (down, right)."""

    def up(row):
        return None if row is None else row - down

    rows = [] if loaded.rows is None else loaded.rows.to_dict("records")
    return {
        "layout": loaded.layout,
        "sheet": loaded.sheet,
        "organisation": loaded.organisation,
        "header": {
            name: (held.value, held.raw, back(held.cell, down, right))
            for name, held in loaded.header.items()
        },
        "header_row": up(loaded.header_row),
        "columns": {name: col - right for name, col in loaded.columns.items()},
        "rows": [{k: (up(v) if k == ROW else plain(v)) for k, v in r.items()} for r in rows],
        "findings": sorted((finding_at(f, down, right) for f in loaded.findings), key=repr),
    }


def read_all(paths: dict[tuple[int, int], Path]) -> dict[tuple[int, int], dict]:
    """Each file (but the one far away) loaded and checked, read back to where it would be
    unmoved."""
    offsets = [at for at in paths if at != FAR]
    checked = check_returns([load(paths[at]) for at in offsets])
    return {at: reading(loaded, *at) for at, loaded in zip(offsets, checked)}


def differences(got: dict, expected: dict) -> dict:
    """What a reading got other than expected, item by item: (got, expected)."""
    found = {}
    for key, want in expected.items():
        if got[key] == want:
            continue
        if isinstance(want, dict):
            names = [n for n in {**want, **got[key]} if got[key].get(n) != want.get(n)]
            found[key] = {n: (got[key].get(n), want.get(n)) for n in names}
        elif key == "findings":
            found[key] = (
                [f for f in got[key] if f not in want],
                [f for f in want if f not in got[key]],
            )
        else:
            found[key] = (got[key], want)
    return found


# --- the property -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt, every", [
    ("xlsx", True),
    pytest.param("xls", False, marks=LIBREOFFICE), pytest.param("ods", False, marks=LIBREOFFICE),
    pytest.param("xls", True, marks=[LIBREOFFICE, pytest.mark.slow]),
    pytest.param("ods", True, marks=[LIBREOFFICE, pytest.mark.slow]),
], ids=["xlsx", "xls at some offsets", "ods at some offsets", "xls", "ods"])  # fmt: skip
@pytest.mark.parametrize("layout", ["p44", "three_year", "pcc_delivery", "hallmarks"])
def test_a_return_moved_down_and_right_reads_the_same_with_every_address_moved_as_much(
    saved_as, layout, fmt, every
):
    readings = read_all(saved_as(fmt, every)[layout])
    assert len(readings) == (len(OFFSETS) if every else len(SOME_OFFSETS))
    unmoved = readings[(0, 0)]
    # the unmoved return is read right: accepted, with findings pointing at cells
    assert unmoved["organisation"] in ("Leeds", "Housing", "Constabulary", "Huntingdonshire CSP")
    assert not [f for f in unmoved["findings"] if f[0] == "REJECTED"]
    rules = {f[1] for f in unmoved["findings"] if f[4] is not None}  # those with a cell
    assert rules == MISTAKES[layout] - ({"unsaved-formula"} if fmt != "xlsx" else set())
    assert len(unmoved["rows"]) >= 3
    wrong = {at: differences(r, unmoved) for at, r in readings.items() if r != unmoved}
    first = next(iter(wrong), None)
    assert not wrong, (
        f"{len(wrong)} of {len(readings)} (down, right) offsets read differently: "
        f"{ {at: sorted(diff) for at, diff in wrong.items()} }; at {first}: {wrong[first]}"
    )[:6000]


@pytest.mark.parametrize("fmt", RESAVED_FORMATS)
@pytest.mark.parametrize("layout", ["p44", "three_year", "pcc_delivery", "hallmarks"])
def test_a_moved_return_resaved_by_libreoffice_reads_as_the_xlsx_did_before_it_moved(
    saved_as, layout, fmt
):
    """Values, addresses and findings (an empty value beside a merged label included) are
    those of the unmoved .xlsx; only its unsaved formula has been calculated by LibreOffice."""
    [as_xlsx, resaved] = check_returns(
        [load(saved_as("xlsx")[layout][(0, 0)]), load(saved_as(fmt)[layout][(3, 2)])]
    )
    expected, got = reading(as_xlsx), reading(resaved, 3, 2)
    expected["findings"] = [f for f in expected["findings"] if f[1] != "unsaved-formula"]
    assert got == expected


@pytest.mark.parametrize("fmt", ["xlsx", *RESAVED_FORMATS])
def test_every_cell_is_read_where_it_was_put(saved_as, fmt):
    """The reader's grid is anchored at the sheet's first used cell in both directions, for
    the first rows (to find the layout) and for the whole sheet."""
    for (down, right), path in saved_as(fmt)["grid"].items():
        book = Book(path.read_bytes(), fmt, 10**6)
        head, whole = book.head("Grid", 3), book.sheet("Grid")
        assert (head.bottom, whole.bottom) == (down + 3, down + 6)
        for sheet in (head, whole):
            assert (sheet.top, sheet.left) == (down, right)
            for row in range(sheet.top, sheet.bottom):
                for col in range(right, right + 4):
                    put = (row - down + 1, col - right + 1)  # where a_grid put it, 1-based
                    expected = f"r{put[0]}c{put[1]}" if sum(put) % 3 else ""
                    assert sheet.value(row, col) == expected, (fmt, down, right, row, col)
        assert whole.span_end(down + 5, right + 1) == right + 2  # B6:C6 moved


# --- far away, out of reach, too large --------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", *RESAVED_FORMATS])
def test_a_plan_starting_in_z1000_is_read_right_and_is_not_a_large_sheet(saved_as, fmt):
    files = saved_as(fmt)["p44"]
    # counted from A1 the sheet would hold over a thousand rows by 38 columns, far more than
    # this allows; its used range (first to last cell holding anything) holds a plan's few
    small = Limits(cells=1_200)
    [far, unmoved] = check_returns([load(files[FAR], limits=small), load(files[(0, 0)])])
    assert reading(far, *FAR) == reading(unmoved)
    assert far.organisation == "Leeds" and far.columns["ref"] == 25
    assert far.header_row > 1_000


def test_a_stray_note_far_above_the_plan_is_refused_saying_where_we_looked(tmp_path, inbox):
    path = moved(p44_return(tmp_path / "source"), inbox / "low.xlsx", 200, 0)
    book = openpyxl.load_workbook(path)
    book["Action Plan"]["A1"] = "Printed from the intranet"
    book.save(path)
    loaded = load(path)
    [refusal] = loaded.findings
    assert loaded.rejected and refusal.rule == "no-layout" and refusal.file == "low.xlsx"
    looked = re.search(
        f'was found in the first {SEARCH_ROWS} rows of its sheet "Action Plan" \\(rows 1 to '
        f"{SEARCH_ROWS}\\), which runs on to row (\\d+)",
        refusal.message,
    )
    assert looked and int(looked.group(1)) > 200, refusal.message
    assert "If the plan is further down, delete what is above it" in refusal.message


def with_a_stray_cell(path: Path, sheet: str, address: str) -> Path:
    """The workbook with one more cell typed far away, as a slip of the keyboard would."""
    book = openpyxl.load_workbook(path)
    target = book[sheet] if sheet in book.sheetnames else book.create_sheet(sheet)
    target[address] = "x"
    book.save(path)
    return path


def test_a_stray_cell_in_xfd1048576_is_refused_saying_which_sheet_and_what_to_do(tmp_path, inbox):
    with_a_stray_cell(p44_return(inbox, name="stray.xlsx"), "Action Plan", "XFD1048576")
    p44_return(inbox, organisation="Bradford", name="good.xlsx")
    result = run(inbox, tmp_path / "outbox", as_of=AS_OF)  # each file read in its own worker
    log = {r["File"]: r for r in sheet_records(result.path, "Returns Log")}
    assert log["good.xlsx"]["Status"] == "accepted"
    assert log["stray.xlsx"]["Status"] == "rejected"
    assert log["stray.xlsx"]["Reason"] == (
        'This file cannot be used: its sheet "Action Plan" spans 1,048,576 rows by 16,384 '
        "columns, far more than a plan: delete what is not the plan (and any stray cell far "
        "below or to the right of it) and send it again."
    )


def test_a_stray_cell_far_away_on_another_sheet_does_not_stop_the_plan_being_read(tmp_path, inbox):
    path = with_a_stray_cell(p44_return(inbox, name="notes.xlsx"), "Notes", "A1")
    with_a_stray_cell(path, "Notes", "XFD1048576")
    result = run(inbox, tmp_path / "outbox", as_of=AS_OF)  # each file read in its own worker
    [logged] = sheet_records(result.path, "Returns Log")
    assert (logged["File"], logged["Status"]) == ("notes.xlsx", "accepted")


# --- the partner's story ------------------------------------------------------------------------


def test_a_partners_own_sheet_under_an_empty_row_and_column_is_read_and_accepted(
    tmp_path, inbox, registers
):
    """Leeds built their own sheet (a title above, labels their own way, no template) and it
    starts in B2: every value is read from the cell it is in, and the plan is accepted."""
    own = moved(partner_built(tmp_path / "own.xlsx"), inbox / "leeds own.xlsx", 1, 1)
    loaded = load(own)
    assert (loaded.layout, loaded.organisation) == ("p44", "Leeds")
    assert loaded.value("region") == "GO Yorkshire and the Humber"
    assert loaded.header["region"].cell == "C4"
    assert (loaded.value("completed_by"), loaded.value("role")) == ("Jane Doe", "Analyst")
    assert loaded.value("target_date") == datetime(2027, 3, 31).date()
    assert loaded.value("risks") == "Loss of the analyst."
    assert (loaded.header_row, loaded.columns["status"], loaded.columns["ref"]) == (15, 1, 2)
    rows = loaded.rows.to_dict("records")
    assert [r["ref"] for r in rows] == ["A01", "A02"]
    assert loaded.cell_of("status", rows[1][ROW]) == "B19"
    guesses = {f.cell: f.message for f in loaded.findings if f.rule == "guessed-value"}
    assert 'read "done" as "Complete"' in guesses["B19"]
    assert 'read the text "01/10/26" as the date 01/10/2026' in guesses["G19"]
    result = run(inbox, tmp_path / "outbox", [registers["p44"]], AS_OF)
    [logged] = sheet_records(result.path, "Returns Log")
    assert logged["Status"].startswith("accepted"), logged
