"""The managers' workbook: the picture at a glance, then every detail; it opens and prints.

Most tests here run on both writer paths (fast, and xlsxwriter's public API only)."""

from __future__ import annotations

import os
import re
import warnings
import zipfile
from datetime import date, datetime, timedelta

import openpyxl
import pytest
from builders import AS_OF, action, p44_return, task, three_year_return
from hypothesis import given, settings
from hypothesis import strategies as st
from workbook_reading import flags, main_table, sheet_records, tracker

from pipeline.report.engine import ENGINES
from pipeline.report.workbook import HEADLINE_WIDTH, write_consolidated
from pipeline.run import run
from pipeline.values import LINE_HEIGHT


@pytest.fixture(scope="module")
def round_run(tmp_path_factory):
    """A round with two partnerships, two business units and one missing partnership."""
    root = tmp_path_factory.mktemp("round")
    inbox = root / "inbox"
    inbox.mkdir()
    from builders import write_registers

    registers = write_registers(root / "registers")
    ended = AS_OF - timedelta(days=5)
    p44_return(inbox, confidence="Green", rows=[
        action("A01", end_date=ended), action("A02", end_date=ended),
        action("A03", category="Week of Action", start_date=AS_OF + timedelta(days=7),
               end_date=AS_OF + timedelta(days=13)),
        action("A04", calendar_event="Yes", start_date=AS_OF + timedelta(days=9),
               end_date=AS_OF + timedelta(days=9)),
        action("A05", calendar_event="Yes", start_date=AS_OF - timedelta(days=30),
               end_date=AS_OF + timedelta(days=90)),  # a long-running campaign
    ])  # fmt: skip
    p44_return(inbox, organisation="Bradford", confidence="Red")
    three_year_return(inbox, rows=[
        task("HSG-01", cp2="Significant", contract="Yes", q7="Delayed", progress_report="Late"),
        task("HSG-02", cp2="Contributes", efficiency="Yes"),
        task("HSG-03", cp4="Significant"),
    ])  # fmt: skip
    three_year_return(inbox, organisation="Finance")
    return run(inbox, root / "outbox", [registers["p44"], registers["three_year"]], AS_OF)


@pytest.fixture(scope="module", params=ENGINES)
def round_workbook(round_run, request, tmp_path_factory):
    """The round's workbook, written by each path in turn."""
    path = tmp_path_factory.mktemp(request.param) / round_run.path.name
    return write_consolidated(round_run.consolidation, path, engine=request.param)


def test_the_overview_opens_with_a_title_block(round_workbook):
    sheet = openpyxl.load_workbook(round_workbook)["Overview"]
    block = [c for row in sheet.iter_rows(max_row=6, values_only=True) for c in row if c]
    assert block[0] == "Action plans: progress report"
    assert block[1].startswith("As of 20/11/2026: the round's figures, then every organisation")
    assert ("Priority 44 Partnership Action Plan, fortnight 16/11/2026 to 29/11/2026: "
            "expected 3, received 2, missing 1") in block  # fmt: skip
    assert "Three-year Action Plan, Oct–Dec 26 (2026/27 Q3): expected 2, received 2, missing 0" in (
        block
    )
    red = sum(f["Severity"] == "Red" for f in flags(round_workbook))
    assert f"Red flags: {red}" in block
    _, top, _, _ = main_table(sheet)
    assert sheet.freeze_panes == f"B{top + 1}"  # its header and the names stay in view
    # the headline figures, every one, in lines that print inside a landscape page
    firsts = [str(sheet.cell(r, 1).value) for r in range(1, top)]
    start = next(i for i, text in enumerate(firsts) if text.startswith("Organisations"))
    end = next(i for i, text in enumerate(firsts) if text.startswith("Needs attention"))
    said = firsts[start:end]
    assert all(len(line) <= HEADLINE_WIDTH for line in said), said
    assert {"Red", "No return", "Worsening", "With red flags"} <= {
        part.split(":")[0] for line in said for part in line.split("   ·   ")}  # fmt: skip
    # headings under filter buttons all start at the left, clear of the buttons; the text
    # of a coloured confidence cell stands clear of the number right-aligned beside it
    assert {c.alignment.horizontal for c in sheet[top]} == {None}
    own = next(c for c in sheet[top] if c.value == "Confidence (its own)").column
    assert sheet.cell(top + 1, own).alignment.indent == 1


def test_each_organisation_links_to_its_own_sheet_and_rag_cells_are_coloured(round_workbook):
    book = openpyxl.load_workbook(round_workbook)
    sheet = book["Overview"]
    _, top, _, bottom = main_table(sheet)
    links = {sheet.cell(r, 1).value: sheet.cell(r, 1).hyperlink.location
             for r in range(top + 1, bottom + 1)}  # fmt: skip
    assert links["Leeds"] == "'Leeds'!A1"
    assert links["Salford"] == "'Salford'!A1"
    assert set(links) <= set(book.sheetnames)
    header = [c.value for c in sheet[top]]
    confidence = openpyxl.utils.get_column_letter(header.index("Confidence (its own)") + 1)
    rules = {str(cf.sqref): [r.formula for r in cf.rules] for cf in sheet.conditional_formatting}
    assert rules[f"{confidence}{top + 1}:{confidence}{bottom}"] == [['"Red"'], ['"Amber"'],
                                                                   ['"Green"']]  # fmt: skip
    leeds = book["Leeds"]  # on a streamed sheet
    rules = {str(cf.sqref): len(cf.rules) for cf in leeds.conditional_formatting}
    # and its actions' Overdue column, Yes in the colour of trouble, as on every rows table
    _, rows_top, _, rows_bottom = main_table(leeds, "Actions")
    overdue = next(c.column_letter for c in leeds[rows_top] if c.value == "Overdue")
    # and its Status column, by its closed list (Complete and Evaluation green)
    status = next(c.column_letter for c in leeds[rows_top] if c.value == "Status")
    assert rules == {f"{overdue}{rows_top + 1}:{overdue}{rows_bottom}": 1,
                     f"{status}{rows_top + 1}:{status}{rows_bottom}": 2}  # fmt: skip


def test_a_green_plan_with_overdue_actions_gets_a_confidence_check(round_workbook):
    leeds = next(
        o for o in sheet_records(round_workbook, "Overview") if o["Organisation"] == "Leeds"
    )
    # 2 of 5 overdue is more than a quarter: the plan's own rows read as Red
    own, from_rows = "Confidence (its own)", "Confidence (from its actions, tasks)"
    assert (leeds[own], leeds[from_rows]) == ("Green", "Red")
    [flag] = [f for f in flags(round_workbook, "Confidence check") if f["Organisation"] == "Leeds"]
    assert "2 of 5 actions are overdue, which reads as Red" in flag["Message"]
    assert flag["Cell"] == "C12"


def test_native_charts_show_status_confidence_tasks_and_impact(round_workbook):
    with zipfile.ZipFile(round_workbook) as z:
        charts = [z.read(n).decode() for n in sorted(z.namelist()) if n.startswith("xl/charts/")]
        drawing = next(z.read(n).decode() for n in z.namelist()
                       if n.startswith("xl/drawings/drawing") and n.endswith(".xml"))  # fmt: skip
    titles = [" ".join(re.findall(r"<a:t>([^<]*)</a:t>", c)) for c in charts]
    assert len(charts) == 4 and drawing.count("<c:chart ") == 4
    assert any("doughnutChart" in c for c in charts)
    stacked = [t for c, t in zip(charts, titles) if 'grouping val="stacked"' in c]
    assert sorted(stacked) == [
        "Priority 44 actions by progress, per partnership (Complete includes Evaluation)",
        "Priority 44 estimated impact in crimes, delivered and live, and how far short of the "
        "reduction needed (red)",
        "Three-year tasks by status this quarter, per business unit",
    ]
    assert "'Chart Data'!" in "".join(charts)


def test_the_calendar_grid_shows_clashes_by_week_and_long_running_work_apart(round_workbook):
    grid = {r["Partnership"]: r for r in sheet_records(round_workbook, "Calendar Grid")}
    leeds = grid["Leeds"]
    week = AS_OF + timedelta(days=7) - timedelta(days=(AS_OF + timedelta(days=7)).weekday())
    assert leeds[f"{week:%d %b}"] == 2  # the Week of Action and the event clash
    weeks = {k: v for k, v in leeds.items() if k not in ("Partnership", "Return", "Long-running")}
    assert sum(v or 0 for v in weeks.values()) == 3  # the campaign is not an event every week
    assert leeds["Long-running"] == 1
    # every partnership on the register is listed, those that sent nothing too
    assert set(grid) == {"Leeds", "Bradford", "Salford"}
    assert grid["Salford"]["Return"] == "No return" and grid["Leeds"]["Return"] is None


def test_the_calendar_grid_marks_the_as_of_week_and_colours_clashes(round_workbook):
    sheet = openpyxl.load_workbook(round_workbook)["Calendar Grid"]
    _, top, _, bottom = main_table(sheet)
    header = [c.value for c in sheet[top]]
    monday = AS_OF - timedelta(days=AS_OF.weekday())
    column = header.index(f"{monday:%d %b}") + 1
    assert sheet.cell(top - 1, column).value == "As of ▼"
    letter = openpyxl.utils.get_column_letter(column)
    rules = {str(cf.sqref): [(r.type, r.operator, r.formula) for r in cf.rules]
             for cf in sheet.conditional_formatting}  # fmt: skip
    weeks = f"D{top + 1}:{openpyxl.utils.get_column_letter(len(header))}{bottom}"
    assert rules[weeks] == [("cellIs", "greaterThanOrEqual", ["2"]),
                            ("cellIs", "equal", ["1"])]  # fmt: skip
    assert rules[f"{letter}{top}:{letter}{bottom}"] == [("expression", None, ["TRUE"])]
    assert rules[f"A{top + 1}:C{bottom}"] == [("expression", None, [f'$B{top + 1}="No return"'])]


def test_three_year_derivations_for_cabinet_procurement_and_efficiency(round_workbook):
    cabinet = sheet_records(round_workbook, "Council Plan Progress")
    assert [(r["Council Plan priority"], r["Ref"], r["Status this quarter"]) for r in cabinet] == [
        ("2 Sustainable Communities", "HSG-01", "Delayed"),
        ("4 Learning and Training", "HSG-03", "In progress"),
    ]
    # above them, the Cabinet summary: each priority's significant tasks by status this quarter
    summary = sheet_records(round_workbook, "Council Plan Progress", "Cabinet")
    assert [(r["Council Plan priority"], r["Significant tasks"], r.get("Delayed"),
             r.get("In progress"), r["Overdue"]) for r in summary] == [
        ("1 Resource and Opportunity", 0, 0, 0, 0), ("2 Sustainable Communities", 1, 1, 0, 0),
        ("3 Safe and Clean", 0, 0, 0, 0), ("4 Learning and Training", 1, 0, 1, 0),
    ]  # fmt: skip
    assert [r["Ref"] for r in sheet_records(round_workbook, "Contract Register")] == ["HSG-01"]
    assert [r["Ref"] for r in sheet_records(round_workbook, "Efficiency")] == ["HSG-02"]


def test_an_organisation_sheet_is_laid_out_top_to_bottom_within_its_printed_columns(
    round_workbook,
):
    """Leeds's sheet: its title and what it holds, its header fields each beside its label,
    its figures, its flags (severity, rule, cell and message), then its actions: one column
    of content, each line spanning the printed columns, so a page never cuts it in two."""
    sheet = openpyxl.load_workbook(round_workbook)["Leeds"]
    rows = [[v for v in r] for r in sheet.iter_rows(values_only=True)]
    pairs = {r[0]: next((v for v in r[1:] if v is not None), None) for r in rows if r[0]}
    assert rows[0][0] == "Leeds" and rows[1][0].startswith("Priority 44 Partnership Action Plan")
    assert pairs["Overall confidence (RAG)"] == "Green"
    assert pairs["Definition of problem"].startswith("Burglary dwelling up 20%")
    assert pairs["Overdue"] == 2  # a figure
    order = [r[0] for r in rows]
    flagged = [r for r in rows if r[0] in ("Red", "Amber")]
    assert flagged and all(r[1] and r[next(j for j in range(2, len(r)) if r[j])]
                           for r in flagged)  # fmt: skip
    _, rows_top, _, _ = main_table(sheet, "Actions")
    assert order.index("Overall confidence (RAG)") < order.index("Severity") < rows_top - 1
    refs = [r[0] for r in rows if r[0] in ("A01", "A02", "A03")]
    assert refs == ["A01", "A02", "A03"]
    assert [(t.name, t.ref[0]) for t in sheet.tables.values()] == [("Actions_Leeds", "A")]
    # printed: up to the last column that is not kept for the screen alone (Source...)
    printed = openpyxl.utils.cell.range_boundaries(sheet.print_area.split("!")[1])[2]
    header = [c.value for c in sheet[rows_top]]
    assert header[printed - 1] == "Overdue" and "Source" in header[printed:]
    for merged in sheet.merged_cells.ranges:  # every line within the printed columns
        assert merged.max_col <= printed, merged
    assert sheet.print_title_rows == f"${rows_top}:${rows_top}"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage


def column_widths(sheet, as_set: bool = True) -> dict[int, float]:
    """Each column's width as the file gives it, or ``as_set`` (less the 5 pixels of padding
    Excel adds). (openpyxl keeps runs of one width together.)"""
    widths = {}
    for dimension in sheet.column_dimensions.values():
        for col in range(dimension.min, dimension.max + 1):
            widths[col] = dimension.width - (5 / 7 if as_set else 0)
    return widths


def test_every_sheet_prints_one_page_wide_at_8_pt_or_more_with_a_footer(round_workbook):
    """Every sheet is fitted one A4 page wide, and its printed columns (the print area: the
    screen-only columns left out) are narrow enough that the fit keeps 8 pt or more."""
    from pipeline.paper import fits, points

    book = openpyxl.load_workbook(round_workbook)
    oriented = set()
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue
        setup = sheet.page_setup
        assert setup.paperSize == 9 and sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        # fitToWidth is left out of the file when it is 1, the default
        assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0
        oriented.add(setup.orientation)
        if sheet.print_area:
            _, _, right, _ = openpyxl.utils.cell.range_boundaries(sheet.print_area.split("!")[1])
            widths = column_widths(sheet)
            printed = [points(widths.get(col, 8.43)) for col in range(1, right + 1)]
            assert fits(printed, portrait=setup.orientation == "portrait"), sheet.title
        footer = sheet.oddFooter
        assert "&P of &N" in footer.center.text and "20/11/2026" in footer.right.text
        assert footer.left.size == 10  # 8 pt at the smallest scale
        if sheet.tables and sheet.title not in ("Guidance",):
            assert sheet.print_title_rows, sheet.title
    assert oriented == {"portrait", "landscape"}  # portrait where a sheet fits it
    actions = book["Actions"]
    header = [c.value for c in actions[main_table(actions)[1]]]
    printed_to = openpyxl.utils.cell.range_boundaries(actions.print_area.split("!")[1])[2]
    assert {"Source", "Changed", "Status last round"} <= set(header[printed_to:])


def colours(sheet, title: str) -> dict[str, str]:
    """The fill each value gets, by conditional format, in the column headed ``title`` of the
    first table on the sheet that has one (value -> RGB)."""
    table = next(t for t in sheet.tables.values() if title in [c.name for c in t.tableColumns])
    left, top, _, bottom = openpyxl.utils.range_boundaries(table.ref)
    col = left + [c.name for c in table.tableColumns].index(title)
    found = {}
    for cf in sheet.conditional_formatting:
        if any(r.bounds == (col, top + 1, col, bottom) for r in cf.sqref.ranges):
            for rule in cf.rules:
                if rule.operator == "equal":
                    found[rule.formula[0].strip('"')] = rule.dxf.fill.bgColor.rgb[-6:]
    return found


def test_a_status_is_coloured_by_its_closed_list_on_every_sheet_it_shows(round_workbook):
    book = openpyxl.load_workbook(round_workbook)
    red, green = "F4B6B6", "B7E1B0"
    for sheet in (book["Tasks"], book["Housing"]):
        for title in ("Q7", "Status this quarter", "Latest status"):
            assert colours(sheet, title) == {"Completed": green, "Delayed": red}
    for sheet in (book["Actions"], book["Leeds"]):
        assert colours(sheet, "Status") == {"Complete": green, "Evaluation": green}
    assert colours(book["Overview"], "Confidence (its own)") == {
        "Red": red,
        "Amber": "FFE199",
        "Green": green,
    }


def test_column_widths_fit_their_content(round_workbook):
    sheet = openpyxl.load_workbook(round_workbook)["Overview"]
    names = [o["Organisation"] for o in sheet_records(round_workbook, "Overview")]
    assert sheet.column_dimensions["A"].width >= max(map(len, names))
    gap = openpyxl.load_workbook(round_workbook)["Gap Flags"]
    header = [c.value for c in gap[main_table(gap)[1]]]
    message = openpyxl.utils.get_column_letter(header.index("Message") + 1)
    assert gap.column_dimensions[message].width >= 40  # messages wrap in a wide column


def test_no_date_on_any_sheet_shows_hashes_for_want_of_width(round_workbook):
    """A date column (or the merged cells a date spans, on an organisation sheet's header) is
    at least as wide as the date it shows, dd/mm/yyyy, plus a margin."""
    book = openpyxl.load_workbook(round_workbook)
    checked = 0
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue
        widths = column_widths(sheet, as_set=False)
        spans = {(m.min_row, m.min_col): m.max_col for m in sheet.merged_cells.ranges}
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, datetime) and cell.number_format == "dd/mm/yyyy":
                    last = spans.get((cell.row, cell.column), cell.column)
                    width = sum(widths.get(col, 8.43) for col in range(cell.column, last + 1))
                    assert width >= len("20/11/2026") + 1, (sheet.title, cell.coordinate, width)
                    checked += 1
    assert checked > 20


def test_the_workbook_validates_with_openpyxl(round_workbook):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        book = openpyxl.load_workbook(round_workbook)
    assert book.sheetnames[:4] == ["Overview", "Needs attention", "Charts", "Returns"]
    assert book["Chart Data"].sheet_state == "hidden"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.dates(date(2026, 1, 1), date(2027, 6, 30)),
                          st.integers(0, 60)), max_size=8))  # fmt: skip
def test_the_calendar_grid_counts_every_event_in_every_week_it_touches(events):
    from pipeline.layouts.p44.calendar import events_per_week

    first, weeks = date(2026, 10, 19), 26  # a Monday
    spans = [(start, start + timedelta(days=length)) for start, length in events]
    expected = [
        sum(s <= first + timedelta(weeks=n, days=6) and e >= first + timedelta(weeks=n)
            for s, e in spans)
        for n in range(weeks)
    ]  # fmt: skip
    assert events_per_week(spans, first, weeks) == expected


@pytest.mark.parametrize("engine", ENGINES)
def test_an_organisation_without_a_return_or_a_contact_still_gets_its_sheet(tmp_path, engine):
    from pipeline.declare import LAYOUTS
    from pipeline.round.plans import Consolidation, Plan

    c = Consolidation(AS_OF, [], [Plan("Nowhere", LAYOUTS["p44"])], {})
    written = write_consolidated(c, tmp_path / "x.xlsx", engine=engine)
    sheet = openpyxl.load_workbook(written)["Nowhere"]
    assert sheet["A4"].value == "No return received this round."
    said = [r[0] for r in sheet.iter_rows(values_only=True)]
    assert "No flags" in said and "Severity" not in said  # (none found for it here)


def test_a_return_from_an_organisation_not_on_the_register_is_not_counted_received(tmp_path):
    from builders import write_registers

    from pipeline.declare import LAYOUTS
    from pipeline.demo.partner import PartnerWorkbook

    inbox = tmp_path / "inbox"
    registers = write_registers(tmp_path / "registers")
    p44_return(inbox)
    stranger = PartnerWorkbook(p44_return(inbox, name="gotham.xlsx"), LAYOUTS["p44"])
    stranger.set("partnership", "Gotham")
    del stranger.book["_pipeline"]  # not made from our template: nothing says it is Leeds'
    stranger.save(inbox / "gotham.xlsx")
    sent = datetime(2026, 11, 18, 10, 0).timestamp()  # both arrived before the due date
    for file in inbox.iterdir():
        os.utime(file, (sent, sent))
    path = run(inbox, tmp_path / "outbox", [registers["p44"]], AS_OF, due=AS_OF).path
    row = tracker(path)["Priority 44 Partnership Action Plan"]
    assert (row["Expected"], row["Received"], row["Missing"]) == (3, 1, 2)
    assert (row["Files"], row["Accepted"], row["Rejected"], row["Late"]) == (2, 1, 1, 0)


def test_cancelled_and_open_ended_calendar_rows_make_no_clash(tmp_path):
    from builders import write_registers

    inbox = tmp_path / "inbox"
    registers = write_registers(tmp_path / "registers")
    monday = AS_OF + timedelta(days=7 - AS_OF.weekday())  # next week
    p44_return(inbox, rows=[
        action("A01", category="Week of Action", start_date=monday, end_date=None),
        action("A02", calendar_event="Yes", start_date=monday, end_date=monday,
               status="Cancelled"),
        action("A03", calendar_event="Yes", start_date=AS_OF - timedelta(days=100),
               end_date=None),  # open-ended work
        action("A04", calendar_event="Yes", start_date=monday, end_date=monday + timedelta(14)),
        action("A05", calendar_event="Yes", start_date=monday + timedelta(days=2),
               end_date=monday + timedelta(days=2)),
    ])  # fmt: skip
    path = run(inbox, tmp_path / "outbox", [registers["p44"]], AS_OF).path
    leeds = next(r for r in sheet_records(path, "Calendar Grid") if r["Partnership"] == "Leeds")
    weeks = {k: v for k, v in leeds.items() if k not in ("Partnership", "Return", "Long-running")}
    assert {k: v for k, v in weeks.items() if v} == {f"{monday:%d %b}": 2}  # A01 and A05
    assert leeds["Long-running"] == 2  # A03, open-ended; A04, fifteen days
    kinds = {r["Ref"]: r["Kind"] for r in sheet_records(path, "Calendar of Events")}
    assert kinds == {"A01": "Event", "A02": "Cancelled", "A03": "Long-running",
                     "A04": "Long-running", "A05": "Event"}  # fmt: skip


def test_the_guidance_says_what_each_figure_counts_and_when_a_return_is_received(round_workbook):
    from pipeline.inbox.arrival import RECEIVED_MEANS

    sheet = openpyxl.load_workbook(round_workbook)["Guidance"]
    figures = {t.name: t for t in sheet.tables.values()}["Figures"]
    left, top, right, bottom = openpyxl.utils.cell.range_boundaries(figures.ref)
    rows = {r[0]: (r[1], n) for n, r in enumerate(sheet.iter_rows(
        min_row=top + 1, max_row=bottom, min_col=left, max_col=right, values_only=True),
        start=top + 1)}  # fmt: skip
    overview = sheet_records(round_workbook, "Overview")[0]
    shown = ("Actions / tasks", "Complete", "Overdue", "Not updated", "Live impact",
             "Delivered impact", "Reduction needed", "Short by")  # fmt: skip
    assert set(shown) <= set(overview) and set(shown) <= set(rows)
    assert {"Expected", "Received", "Missing", "Late", "Arrival not known"} <= set(rows)
    assert rows["Received (date), Arrival known from"][0] == RECEIVED_MEANS
    # long sentences wrap in rows tall enough for them, never over the rows below
    assert sheet.row_dimensions[rows["Overdue"][1]].height >= 3 * LINE_HEIGHT
