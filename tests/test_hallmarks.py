"""The Hallmarks self-assessment (seed 003), end to end: templates that start with every
requirement of the guidance, reviews filled in as a partnership would, the Hallmarks matrix
with each review's summary in its own words, every further action in one table, the layout's
own flags, and a review a year on that starts from the last."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import openpyxl
import pytest
from builders import AS_OF, hallmarks_return, p44_return, review, write_registers
from click.testing import CliRunner
from python_calamine import CalamineWorkbook
from workbook_reading import flags, sheet_records

from pipeline.cli.commands import cli
from pipeline.declare import LAYOUTS
from pipeline.demo.partner import PartnerWorkbook
from pipeline.inbox.registers import read_register, read_registers
from pipeline.layouts.hallmarks import HALLMARK
from pipeline.layouts.hallmarks.report import SHORT
from pipeline.layouts.hallmarks.requirements import ROWS
from pipeline.returns import STAMP_SHEET, records
from pipeline.round.consolidation import consolidate
from pipeline.run import check_files, run
from pipeline.store import Store
from pipeline.templates.writer import make_templates

HALLMARKS = LAYOUTS["hallmarks"]
STATUTORY = [r["ref"] for r in ROWS if r["type"] == "Statutory"]
ADVICE = [r["ref"] for r in ROWS if r["type"] == "Advice"]


@pytest.fixture
def register(tmp_path):
    return write_registers(tmp_path / "registers", ("hallmarks",))["hallmarks"]


def inbox_of(tmp_path, name="inbox"):
    folder = tmp_path / name
    folder.mkdir()
    return folder


def test_every_template_starts_with_each_requirement_of_the_guidance_locked_in_its_order(
    tmp_path, register
):
    """Each section of the guidance is a heading row over its requirements (not a Section
    column repeated on every row), so the list prints in fewer pages."""
    [huntingdonshire, _] = make_templates(HALLMARKS, tmp_path / "t", read_register(register))
    sheet = CalamineWorkbook.from_path(str(huntingdonshire)).get_sheet_by_name("Self-Assessment")
    cells = sheet.to_python()
    top = next(n for n, row in enumerate(cells) if row[:2] == ["Ref", "Type"])
    assert cells[top][:9] == ["Ref", "Type", "Hallmark", "Requirement",
                              "Partnership position (and date)", "Assessment", "Further action",
                              "Owner", "Target date"]  # fmt: skip
    expected, section = [], None
    for r in ROWS:
        if r["section"] != section:
            expected.append([r["section"], "", "", ""])
            section = r["section"]
        expected.append([r["ref"], r["type"], r["hallmark"], r["requirement"]])
    listed = [row[:4] for row in cells[top + 1 : top + 1 + len(expected)]]
    assert listed == expected
    assert len(ROWS) == 106 and len(expected) == 106 + 16 and listed[1][0] == "1a"
    # the list is the guidance's: grey and protected, its headings too; the partner's
    # columns are open
    plan = openpyxl.load_workbook(huntingdonshire)["Self-Assessment"]
    heading, first = top + 2, top + 3  # 1-based
    assert plan.protection.sheet and plan.cell(heading, 1).protection.locked
    assert plan.cell(heading, 1).font.b and plan.cell(heading, 6).protection.locked
    assert plan.cell(first, 4).protection.locked and plan.cell(first, 1).protection.locked
    assert not plan.cell(first, 6).protection.locked  # Assessment
    assert not plan.cell(first, 7).protection.locked  # Further action
    # rows below the list are open for the partnership's own requirements
    assert not plan.cell(heading + len(expected), 1).protection.locked


def shape_before(review_file, target):
    """A review as the template before this one had it (version 1): a Section column after
    Ref on every row, and no heading rows (as last year's partnerships return it)."""
    book = openpyxl.load_workbook(review_file)
    sheet = book["Self-Assessment"]
    for merged in list(sheet.merged_cells.ranges):
        sheet.unmerge_cells(str(merged))
    top = next(c.row for c in sheet["A"] if c.value == "Ref")
    section = {r["ref"]: r["section"] for r in ROWS}
    for r in range(sheet.max_row, top, -1):
        if sheet.cell(r, 1).value in section.values():
            sheet.delete_rows(r)
    sheet.insert_cols(2)
    sheet.cell(top, 2).value = "Section"
    for r in range(top + 1, sheet.max_row + 1):
        sheet.cell(r, 2).value = section.get(sheet.cell(r, 1).value)
    stamp = book[STAMP_SHEET]
    next(row for row in stamp.iter_rows() if row[0].value == "template_version")[1].value = 1
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return target


def test_a_review_in_the_templates_shape_before_is_read_as_one_in_todays(tmp_path, register):
    """This year's template puts each section of the guidance in a heading row over its
    requirements; last year's had a Section column on every row. A review returned in either
    shape is read alike: the 106 requirements, each with its section (a heading row is no
    requirement), the same flags; the old one is told to use the latest template."""
    gap = STATUTORY[1]
    today = hallmarks_return(inbox_of(tmp_path), rows=review({gap: {"assessment": "Gap"}}))
    before = shape_before(today, tmp_path / "before" / "review.xlsx")
    plan = openpyxl.load_workbook(before)["Self-Assessment"]
    assert [c.value for c in next(r for r in plan.iter_rows() if r[0].value == "Ref")][:3] == [
        "Ref", "Section", "Type"]  # fmt: skip
    receipts = check_files([today, before], [("hallmarks", register)])
    read = []
    for receipt in receipts:
        rows = records(receipt.loaded.rows)
        assert [(r["ref"], r["section"]) for r in rows] == [(r["ref"], r["section"]) for r in ROWS]
        assert next(r for r in rows if r["ref"] == gap)["assessment"] == "Gap"
        read.append([f.rule for f in receipt.findings])
    assert read == [[], ["old-template"]]
    registers = read_registers([("hallmarks", register)])
    flagged = [[(f.rule, f.message) for f in consolidate([receipt], registers, AS_OF).flags
                if f.organisation == "Huntingdonshire CSP"] for receipt in receipts]  # fmt: skip
    assert flagged[0] == flagged[1] and [rule for rule, _ in flagged[0]] == [
        "statutory-gap-no-action"]  # fmt: skip


def test_a_review_is_summarised_in_its_own_words_and_each_gap_points_at_what_to_fill(
    tmp_path, register
):
    statutory_gap, advice_gap, unowned, late = STATUTORY[1], ADVICE[0], ADVICE[1], ADVICE[2]
    rows = review({
        statutory_gap: {"assessment": "Gap"},  # nothing said about what will be done
        advice_gap: {"assessment": "Gap"},
        unowned: {"assessment": "Gap", "further_action": "Ask the analyst to draft it."},
        late: {"assessment": "Working towards", "further_action": "Train the board.",
               "owner": "Jo Fairbairn", "target_date": AS_OF - timedelta(days=30)},
        STATUTORY[0]: {"position": None},
    })  # fmt: skip
    inbox = inbox_of(tmp_path)
    hallmarks_return(inbox, rows=rows)
    result = run(inbox, tmp_path / "outbox", [register], AS_OF)

    matrix = {r["Partnership"]: r for r in sheet_records(result.path, "Hallmarks Matrix")}
    huntingdonshire, fenland = matrix["Huntingdonshire CSP"], matrix["Fenland CSP"]
    assert huntingdonshire["Summary"] == (
        "106 items, 103 in place or working towards (97%), 2 action points"
    )
    assert (
        huntingdonshire["Statutory gaps (its assessment)"],
        huntingdonshire["Action points"],
    ) == (1, 2)
    assert huntingdonshire["All: in place or working towards"] == pytest.approx(103 / 106)
    hallmark = next(r["hallmark"] for r in ROWS if r["ref"] == statutory_gap)
    in_hallmark = [r for r in ROWS if r["hallmark"] == hallmark]
    assert huntingdonshire[SHORT[hallmark]] == pytest.approx(
        1
        - sum(r["ref"] in (statutory_gap, advice_gap, unowned, late) for r in in_hallmark)
        / len(in_hallmark)
    )
    assert fenland["Summary"] == "No usable return received."

    def flagged(rule):
        return [(f["Cell"], f["Message"]) for f in flags(result.path, rule)]

    where = cells_of(tmp_path, register)
    [(cell, message)] = flagged("Statutory requirement not in place, no action")
    assert cell == where(statutory_gap, "further_action") and "is a Gap" in message
    [(cell, _)] = flagged("Gap without further action")
    assert cell == where(advice_gap, "further_action")
    [(cell, message)] = flagged("Further action without owner or date")
    assert cell == where(unowned, "owner") and "no owner or target date" in message
    [(cell, message)] = flagged("Further action past target date")
    assert cell == where(late, "target_date") and "still Working towards" in message
    [(cell, _)] = flagged("Statutory requirement without position")
    assert cell == where(STATUTORY[0], "position")
    [red] = [f for f in flags(result.path) if f["Organisation"] == "Huntingdonshire CSP"
             and f["Severity"] == "Red"]  # fmt: skip
    assert red["Rule"] == "Statutory requirement not in place, no action"

    actions = sheet_records(result.path, "Further Actions")
    assert [(a["Ref"], a["Assessment"], a["Owner"]) for a in actions] == sorted(
        [(statutory_gap, "Gap", None), (advice_gap, "Gap", None), (unowned, "Gap", None),
         (late, "Working towards", "Jo Fairbairn")], key=lambda a: ROWS_ORDER[a[0]])  # fmt: skip
    assert [a["Overdue"] for a in actions if a["Ref"] == late] == ["Yes"]

    [overview] = [r for r in sheet_records(result.path, "Overview")
                  if r["Organisation"] == "Huntingdonshire CSP"]  # fmt: skip
    assert overview["Confidence (from its requirements)"] == "Red"  # a Statutory one is a Gap
    assert (overview["Statutory gaps (its assessment)"], overview["Action points"]) == (1, 2)


ROWS_ORDER = {r["ref"]: n for n, r in enumerate(ROWS)}


def cells_of(tmp_path, register):
    """``where(ref, field)``: the cell a partnership types a requirement's field into, found in
    a fresh template by title and reference (as a partner would find it)."""
    [template, _] = make_templates(HALLMARKS, tmp_path / "fresh", read_register(register))
    book = PartnerWorkbook(template, HALLMARKS)

    def where(ref, field):
        return book.sheet.cell(book.row_of(ref), book.column(field)).coordinate

    return where


def test_the_matrix_colours_each_share_by_its_band_and_marks_a_statutory_gap_with_a_sign(
    tmp_path, register
):
    """Each Hallmark's share In place is coloured by the band it is in (green 75% or more,
    amber 50% to 74%, red under 50%: the legend above says so); a Hallmark with a Statutory
    requirement that is a Gap shows "(gap)" beside its share, whatever its colour."""
    gap = STATUTORY[2]
    hallmark = next(r["hallmark"] for r in ROWS if r["ref"] == gap)
    inbox = inbox_of(tmp_path)
    hallmarks_return(inbox, rows=review({gap: {"assessment": "Gap", "further_action": "Fix it.",
                                               "owner": "Jo", "target_date": AS_OF}}))  # fmt: skip
    result = run(inbox, tmp_path / "outbox", [register], AS_OF)
    sheet = openpyxl.load_workbook(result.path)["Hallmarks Matrix"]
    header = next(row for row in sheet.iter_rows() if row[0].value == "Partnership")
    column = {cell.value: cell.column_letter for cell in header}
    huntingdonshire = next(c.row for c in sheet["A"] if c.value == "Huntingdonshire CSP")
    first, last = column[SHORT[HALLMARK.values[0]]], column[SHORT[HALLMARK.values[-1]]]
    bands = {}
    for cf in sheet.conditional_formatting:
        for rule in cf.rules:
            bands[rule.formula[0]] = (str(cf.sqref), rule.dxf.fill.bgColor.rgb[-6:])
    top = header[0].row + 1
    cell = f"{first}{top}"
    over = f"{first}{top}:{last}{sheet.max_row}"
    assert bands == {
        f"AND(ISNUMBER({cell}),{cell}>=0.75)": (over, "B7E1B0"),
        f"AND(ISNUMBER({cell}),{cell}>=0.5,{cell}<0.75)": (over, "FFE199"),
        f"AND(ISNUMBER({cell}),{cell}>=0.0,{cell}<0.5)": (over, "F4B6B6"),
    }
    legend = {c.value: c.fill.fgColor.rgb[-6:] for c in sheet[top - 3] if c.value}
    assert legend["75% or more"] == "B7E1B0" and legend["under 50%"] == "F4B6B6"
    assert any("(gap)" in str(v) for v in legend)
    gapped = sheet[f"{column[SHORT[hallmark]]}{huntingdonshire}"]
    assert gapped.number_format == '0%" (gap)"' and gapped.value < 1
    others = [sheet[f"{column[SHORT[h]]}{huntingdonshire}"] for h in HALLMARK.values
              if h != hallmark]  # fmt: skip
    assert {c.number_format for c in others} == {"0%"}


def test_a_review_a_year_on_starts_from_the_last_and_shows_what_changed(tmp_path, register):
    outbox = tmp_path / "outbox"
    last_year = AS_OF - timedelta(days=365)
    gap = STATUTORY[3]
    first = inbox_of(tmp_path, "inbox-last-year")
    hallmarks_return(first, date_of_review=last_year - timedelta(days=10), rows=review(
        {gap: {"assessment": "Gap", "further_action": "Agree a lead agency.", "owner": "Jo",
               "target_date": AS_OF - timedelta(days=60)}}))  # fmt: skip
    run(first, outbox, [register], last_year)

    # this year's template carries last year's answers over the requirements list
    with Store.open(outbox / "pipeline.sqlite", write=False) as store:
        previous = store.latest_returns("hallmarks")
    [template, _] = make_templates(HALLMARKS, tmp_path / "t2", read_register(register), previous)
    plan = PartnerWorkbook(template, HALLMARKS)
    row = plan.row_of(gap)
    assert plan.sheet.cell(row, plan.column("assessment")).value == "Gap"
    assert plan.sheet.cell(row, plan.column("further_action")).value == "Agree a lead agency."
    assert plan.sheet.cell(row, plan.column("requirement")).value == next(
        r["requirement"] for r in ROWS if r["ref"] == gap)  # fmt: skip
    assert len(plan.rows()) == len(ROWS)  # no requirement twice
    assert plan.sheet.cell(row, plan.column("owner")).protection.locked is False

    inbox = inbox_of(tmp_path)
    plan.set("date_of_review", AS_OF - timedelta(days=5))
    plan.set_row(row, {"assessment": "In place", "position": "Lead agency agreed in May."})
    plan.save(inbox / "Huntingdonshire review.xlsx")
    result = run(inbox, outbox, [register], AS_OF)

    [changed] = [r for r in sheet_records(result.path, "Requirements") if r["Ref"] == gap]
    assert (changed["Assessment"], changed["Status last round"]) == ("In place", "Gap")
    assert not flags(result.path, "Further action past target date")  # in place now
    [overview] = [r for r in sheet_records(result.path, "Overview")
                  if r["Organisation"] == "Huntingdonshire CSP"]  # fmt: skip
    judged = "Confidence (from its requirements)"  # whose judgement it is: worked out
    assert (overview["Previous confidence"], overview[judged]) == ("Red", "Green")
    assert overview["Confidence (its own)"] is None  # (a review states none)


def test_a_review_dated_last_financial_year_is_last_years_and_needs_attention(tmp_path, register):
    """Huntingdonshire sends its review of 12/09/2025 again (434 days before 20/11/2026, in
    financial year 2025/26); Fenland reviewed on 1 April 2026, the first day of this one."""
    inbox = inbox_of(tmp_path)
    hallmarks_return(inbox, name="Huntingdonshire review.xlsx", date_of_review=date(2025, 9, 12))
    fenland = {"completed_by": "Mark Pearce", "email": "mark.pearce@fenland.gov.uk"}
    hallmarks_return(inbox, "Fenland CSP", date_of_review=date(2026, 4, 1), **fenland)
    result = run(inbox, tmp_path / "outbox", [register], AS_OF)

    why = "dated 12/09/2025: a return for financial year 2025/26, not this year's"
    [logged] = [r for r in sheet_records(result.path, "Returns Log")
                if r["File"] == "Huntingdonshire review.xlsx"]  # fmt: skip
    assert (logged["Status"], logged["Reason"]) == ("for an earlier period", why)
    received = {o["Organisation"]: o["Received"] for o in sheet_records(result.path, "Overview")}
    assert received == {"Huntingdonshire CSP": "No", "Fenland CSP": "Yes"}
    attention = {a["Organisation"]: a["Why"]
                 for a in sheet_records(result.path, "Needs attention")}  # fmt: skip
    assert attention["Huntingdonshire CSP"] == f"last period's return only ({why})"
    [missing] = flags(result.path, "Return missing")
    assert missing["Message"].startswith(
        f"No return for this round: Huntingdonshire review.xlsx, {why}.")  # fmt: skip
    assert flags(result.path, "Return stale") == []


def test_a_review_typed_into_a_partnerships_own_sheet_is_read_like_the_template(tmp_path, register):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Our review 2026"
    sheet.append(["Huntingdonshire Community Safety Partnership: review against the Hallmarks"])
    sheet.append([])
    for label, value in (("Partnership", "Huntingdonshire CSP"), ("Completed by", "C Edwards"),
                         ("Email", "c.edwards@huntingdonshire.gov.uk"),
                         ("Date of review", "30/10/2026")):  # fmt: skip
        sheet.append([None, label, value])
    sheet.append([])
    sheet.append([None, "Assessment", "Ref", "Hallmark", "Type", "Detail",
                  "Partnership position", "Further Action?", "Owner", "Target date"])  # fmt: skip
    sheet.append([None, "partly", "2a", "Intelligence-led Business Processes", "Statutory",
                  "Prepare and implement a strategic assessment.", "Drafted in October.",
                  "Agree it at the next board.", "Claire Edwards", date(2027, 1, 31)])  # fmt: skip
    sheet.append([None, "no", "13b", "community engagement", "Advice",
                  "Listen to all sections of the community.", None,
                  "Set up neighbourhood panels.", "Tom Barker", "31/03/2027"])  # fmt: skip
    inbox = inbox_of(tmp_path)
    book.save(inbox / "Hunts own review.xlsx")

    result = run(inbox, tmp_path / "outbox", [register], AS_OF)
    [log] = sheet_records(result.path, "Returns Log")
    assert (log["Organisation"], log["Layout"]) == ("Huntingdonshire CSP", HALLMARKS.title)
    assert log["Status"].startswith("accepted")
    rows = sheet_records(result.path, "Requirements")
    assert [(r["Ref"], r["Assessment"], r["Hallmark"], r["Target date"]) for r in rows] == [
        ("2a", "Working towards", "Intelligence-led Business Processes", datetime(2027, 1, 31)),
        ("13b", "Gap", "Engaged Communities", datetime(2027, 3, 31)),
    ]
    [matrix] = [r for r in sheet_records(result.path, "Hallmarks Matrix")
                if r["Partnership"] == "Huntingdonshire CSP"]  # fmt: skip
    assert matrix["Summary"] == "2 items, 1 in place or working towards (50%), 2 action points"


def test_a_register_is_read_as_the_layout_its_columns_fit_unless_the_layout_is_named(
    tmp_path, register
):
    assert read_register(register).layout is HALLMARKS
    # a column only Priority 44 knows decides it
    with_baseline = tmp_path / "partnerships.csv"
    with_baseline.write_text("partnership,region,contact_name,contact_email,baseline_crimes\n"
                             "Leeds,GO Yorkshire,Jane Doe,jane@leeds.gov.uk,100\n")  # fmt: skip
    assert read_register(with_baseline).layout is LAYOUTS["p44"]
    # only the columns both share: Hallmarks' own, unless the run is told it is Priority 44's
    shared = tmp_path / "shared.csv"
    shared.write_text("partnership,region,contact_name,contact_email\n"
                      "Leeds,GO Yorkshire,Jane Doe,jane@leeds.gov.uk\n")  # fmt: skip
    assert read_register(shared).layout is HALLMARKS
    assert list(read_registers([("p44", shared)])) == ["p44"]
    leeds = p44_return(inbox_of(tmp_path))
    named = CliRunner().invoke(cli, ["check", "--register", f"p44={shared}", str(leeds)])
    assert named.exit_code == 0, named.output
    assert "not on the" not in named.output
    wrong = CliRunner().invoke(cli, ["check", "--register", f"three_year={shared}", str(leeds)])
    assert wrong.exit_code != 0 and "business_unit" in wrong.output
    assert "Traceback" not in wrong.output
