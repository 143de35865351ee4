"""Templates: pre-filled from the register, hard to fill wrongly, stamped for the loader.

Written by xlsxwriter, inspected here with openpyxl.
"""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli.commands import cli
from pipeline.declare import LAYOUTS
from pipeline.inbox.registers import read_register
from pipeline.returns import STAMP_SHEET
from pipeline.templates.writer import make_templates, write_template


@pytest.fixture
def leeds(tmp_path, registers):
    paths = make_templates(LAYOUTS["p44"], tmp_path / "out", read_register(registers["p44"]))
    return next(p for p in paths if p.name == "p44-Leeds.xlsx")


def value_right_of(sheet, label):
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == label:
                col = cell.column + 1
                while type(sheet.cell(cell.row, col)).__name__ == "MergedCell":
                    col += 1
                return sheet.cell(cell.row, col)
    raise AssertionError(f"label {label!r} not found")


def test_one_template_per_register_row_with_safe_names(tmp_path, registers):
    paths = make_templates(LAYOUTS["p44"], tmp_path / "out", read_register(registers["p44"]))
    assert sorted(p.name for p in paths) == ["p44-Bradford.xlsx", "p44-Leeds.xlsx",
                                             "p44-Salford.xlsx"]  # fmt: skip


def test_the_template_is_pre_filled_from_the_register(leeds):
    sheet = openpyxl.load_workbook(leeds)["Action Plan"]
    assert value_right_of(sheet, "Partnership").value == "Leeds"
    assert value_right_of(sheet, "Region (Government Office)").value == (
        "GO Yorkshire and the Humber"
    )
    assert value_right_of(sheet, "Completed by").value == "Jane Doe"
    assert value_right_of(sheet, "Baseline (BCS comparator crimes)").value == 20000
    assert value_right_of(sheet, "Target date").value == datetime(2027, 3, 31)
    assert value_right_of(sheet, "Definition of problem").value is None


def test_input_cells_are_unlocked_and_everything_else_protected(leeds):
    sheet = openpyxl.load_workbook(leeds)["Action Plan"]
    assert sheet.protection.sheet is True
    assert not sheet.protection.password
    assert value_right_of(sheet, "Partnership").protection.locked is True
    assert value_right_of(sheet, "Definition of problem").protection.locked is False
    assert value_right_of(sheet, "Role").protection.locked is False
    title = next(c for c in sheet[1] if c.value)
    assert title.protection.locked is True


def test_every_closed_list_has_a_dropdown_and_dates_are_validated(leeds):
    sheet = openpyxl.load_workbook(leeds)["Action Plan"]
    rules = sheet.data_validations.dataValidation
    lists = {r.formula1 for r in rules if r.type == "list"}
    p44 = LAYOUTS["p44"]
    for name in ("confidence", "category", "status", "impact_basis"):
        values = p44.field(name).choices.values
        assert f'"{",".join(values)}"' in lists, name
    assert '"Yes,No"' in lists
    date_rules = [r for r in rules if r.type == "date"]
    # Date of update, Start date, End date; Target date is pre-filled and locked.
    assert len(date_rules) == 3
    status_col = next(c.column_letter for c in sheet[_table_row(sheet)] if c.value == "Status")
    status_rule = next(r for r in rules if r.formula1 and "Planned" in r.formula1)
    assert status_col in str(status_rule.sqref)


def _table_row(sheet):
    for row in sheet.iter_rows():
        if row[0].value == "Ref":
            return row[0].row
    raise AssertionError("no table")


def test_the_template_carries_a_very_hidden_stamp(leeds):
    book = openpyxl.load_workbook(leeds)
    stamp = book[STAMP_SHEET]
    assert stamp.sheet_state == "veryHidden"
    values = {row[0]: row[1] for row in stamp.iter_rows(values_only=True)}
    assert values == {"layout": "p44", "template_version": 1, "organisation": "Leeds"}


def test_the_guidance_sheet_explains_every_field(leeds):
    guidance = openpyxl.load_workbook(leeds)["Guidance"]
    fields = [row[0] for row in guidance.iter_rows(min_row=5, values_only=True) if row[0]]
    assert fields == [f.title for f in LAYOUTS["p44"].fields]
    assert openpyxl.load_workbook(leeds).sheetnames[:3] == [
        "Guidance",
        "Action Plan",
        "How your plan is checked",
    ]


def test_three_year_quarter_columns_carry_their_months(tmp_path, registers):
    reg = read_register(registers["three_year"])
    path = make_templates(LAYOUTS["three_year"], tmp_path, reg)[0]
    sheet = openpyxl.load_workbook(path)["Action Plan"]
    titles = [c.value for c in sheet[_table_row(sheet)]]
    assert "Q1 Apr–Jun 25" in titles
    assert "Q12 Jan–Mar 28" in titles
    bands = [c.value for c in sheet[_table_row(sheet) - 1] if c.value]
    assert bands == ["Part 1 — Project Plan", "Part 2 — Monitoring Schedule",
                     "Part 3 — Impact Assessment"]  # fmt: skip


def test_unsafe_organisation_names_still_make_safe_file_names(tmp_path):
    register = tmp_path / "p44.csv"
    register.write_text("partnership\n../../etc/passwd\nCON\nA/B\\C\n" + "x" * 300 + "\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["templates", "--layout", "p44", "--register", str(register), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 4
    assert all(p.parent == out for p in out.iterdir())
    assert "p44-CON-org.xlsx" in names
    assert "p44-etc-passwd.xlsx" in names
    assert all(len(n) < 100 for n in names)


def test_blank_templates_regenerate_identically(tmp_path):
    first = make_templates(LAYOUTS["p44"], tmp_path / "a")[0].read_bytes()
    second = make_templates(LAYOUTS["p44"], tmp_path / "b")[0].read_bytes()
    assert first == second


def test_a_register_without_its_required_column_is_refused_with_the_file_named(tmp_path):
    register = tmp_path / "bad.csv"
    register.write_text("name,region\nLeeds,GO\n")
    result = CliRunner().invoke(
        cli, ["templates", "--layout", "p44", "--register", str(register), "--out", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "bad.csv" in result.output
    assert "partnership" in result.output
    assert "Traceback" not in result.output


def test_the_blank_templates_in_the_repository_are_up_to_date(tmp_path):
    shipped = Path(__file__).resolve().parent.parent / "workbook_templates"
    for layout in LAYOUTS.values():
        [fresh] = make_templates(layout, tmp_path)
        assert (shipped / fresh.name).read_bytes() == fresh.read_bytes(), (
            f"run `make templates`: {fresh.name} is out of date"
        )


def test_a_number_shows_as_the_partner_typed_it_not_with_a_trailing_point(leeds):
    """Leeds's reduction target is 6: Excel shows it "6" in the General format, where a "0.##"
    format shows "6." (LibreOffice shows both "6", so the format itself is what is checked)."""
    sheet = openpyxl.load_workbook(leeds)["Action Plan"]
    target = value_right_of(sheet, "Reduction target (%)")
    assert target.value == 6 and target.number_format == "General"


def test_the_guidance_gives_examples_near_the_round_the_template_is_for(tmp_path, registers):
    """A date example of 2008 on a 2026 template reads as a mistake waiting to happen."""
    from pipeline.guidance import GUIDANCE_COLUMNS

    def examples(path):
        guidance = openpyxl.load_workbook(path)["Guidance"]
        rows = list(guidance.iter_rows(min_row=5, values_only=True))
        allowed = GUIDANCE_COLUMNS.index("Allowed values")
        return {row[0]: row[allowed] for row in rows if row[0]}

    [leeds, *_] = make_templates(LAYOUTS["p44"], tmp_path / "p44", read_register(registers["p44"]),
                                 as_of=datetime(2026, 11, 20).date())  # fmt: skip
    assert examples(leeds)["Date of update"] == "e.g. 20/11/2026"
    [police] = make_templates(LAYOUTS["pcc_delivery"], tmp_path / "pcc",
                              as_of=datetime(2027, 2, 3).date())  # fmt: skip
    assert examples(police)["Quarter"] == "e.g. 2026/27 Q4"
    [blank] = make_templates(LAYOUTS["p44"], tmp_path / "blank")  # no round: kept for years
    assert examples(blank)["Date of update"] == "e.g. 31/10/2008"


def test_a_three_year_template_marks_this_quarter_and_locks_the_quarters_already_reported(
    tmp_path,
):
    """Housing's plan started April 2025, so 20 November 2026 is in quarter 7 (Oct–Dec 26):
    its column says so and stands out; quarters 1 to 6 of a task carried forward are locked
    as reported, one left empty is still open, and quarter 7 is to fill in."""
    from builders import AS_OF, task

    path = write_template(
        tmp_path / "housing.xlsx", LAYOUTS["three_year"],
        {"business_unit": "Housing", "code": "HOU", "plan_start": 2025},
        [task("T01", q3=None, q7=None)], "Housing", AS_OF,
    )  # fmt: skip
    sheet = openpyxl.load_workbook(path)["Action Plan"]
    headings = next(r for r in sheet.iter_rows() if r[0].value == "Ref")
    by_title = {str(c.value).split()[0]: c for c in headings if c.value}
    assert by_title["Q7"].value == "Q7 Oct–Dec 26 (this quarter)"
    assert by_title["Q7"].fill.fgColor.rgb.endswith("FFE699")
    assert by_title["Q6"].value == "Q6 Jul–Sep 26"
    first = headings[0].row + 1
    locked = {q: sheet.cell(first, by_title[f"Q{q}"].column).protection.locked for q in range(1, 9)}
    assert locked == {1: True, 2: True, 3: False, 4: True, 5: True, 6: True, 7: False, 8: False}
    assert sheet.protection.sheet


def test_a_partner_scrolling_the_plan_keeps_its_headings_and_what_each_row_is_in_view(
    tmp_path, registers
):
    """The table's column titles stay at the top and Ref and Action (or Task) at the left, so a
    partner filling the fortieth row, or the twelfth quarter, still sees what it is."""
    leeds = openpyxl.load_workbook(
        make_templates(LAYOUTS["p44"], tmp_path / "p44", read_register(registers["p44"]))[0]
    )["Action Plan"]
    assert leeds.freeze_panes == "C20"  # titles on row 19; Ref A, Action B
    assert [leeds.cell(19, c).value for c in (1, 2)] == ["Ref", "Action"]
    three_year = read_register(registers["three_year"])
    housing = openpyxl.load_workbook(
        make_templates(LAYOUTS["three_year"], tmp_path / "3y", three_year)[0]
    )["Action Plan"]
    assert housing.freeze_panes == "C13"
    assert [housing.cell(12, c).value for c in (1, 2)] == ["Ref", "Task"]


def test_the_long_texts_sit_beside_the_other_fields_so_the_frozen_top_stays_short(leeds):
    """A Priority 44 plan's two long texts are boxes to the right of its other fields, each
    label beside its box, on the first printed page: what stays frozen at the top is the
    header block and the Ready to send box above it, under 320 points, not 500 with the
    boxes below it."""
    sheet = openpyxl.load_workbook(leeds)["Action Plan"]
    tall = LAYOUTS["p44"].hooks.header_geometry().box_rows  # (its own: the table where it was)
    for label, box in (("Definition of problem", "H4"), ("Risks and contingency", "H11")):
        assert value_right_of(sheet, label).coordinate == box
        assert any(str(r).startswith(box) and r.max_row - r.min_row + 1 == tall
                   for r in sheet.merged_cells.ranges), box  # fmt: skip
    usual = sheet.sheet_format.defaultRowHeight
    frozen = sum(sheet.row_dimensions[r].height or usual for r in range(1, 20))
    assert frozen <= 320, frozen


def rag_rules(sheet, cell: str) -> dict[str, str]:
    """The fill each value gets, by the conditional formats that cover ``cell``."""
    found = {}
    for cf in sheet.conditional_formatting:
        if any(cell in rng for rng in cf.sqref.ranges):
            for rule in cf.rules:  # (an expression is a check: ``test_self_checks``)
                if rule.type == "cellIs":
                    found[rule.formula[0].strip('"')] = rule.dxf.fill.bgColor.rgb[-6:]
    return found


def test_a_rag_choice_is_coloured_as_it_is_chosen(leeds, tmp_path):
    """Choosing Red for a plan's overall confidence colours the cell red, as the managers'
    workbook colours it; a delivery plan's RAG status cells and a review's Gap likewise."""
    sheet = openpyxl.load_workbook(leeds)["Action Plan"]
    confidence = value_right_of(sheet, "Overall confidence (RAG)").coordinate
    assert rag_rules(sheet, confidence) == {"Red": "F4B6B6", "Amber": "FFE199", "Green": "B7E1B0"}
    [police] = make_templates(LAYOUTS["pcc_delivery"], tmp_path / "pcc")
    plan = openpyxl.load_workbook(police)["Delivery Plan"]
    rag = next(c for row in plan.iter_rows() for c in row if c.value == "RAG status")
    below = plan.cell(rag.row + 1, rag.column).coordinate
    assert rag_rules(plan, below) == {"Red": "F4B6B6", "Amber": "FFE199", "Green": "B7E1B0",
                                      "Complete": "B7E1B0"}  # fmt: skip
    [review] = make_templates(LAYOUTS["hallmarks"], tmp_path / "hallmarks")
    assessed = openpyxl.load_workbook(review)["Self-Assessment"]
    title = next(c for row in assessed.iter_rows() for c in row if c.value == "Assessment")
    gap = rag_rules(assessed, assessed.cell(title.row + 1, title.column).coordinate)
    assert gap["Gap"] == "F4B6B6"


def test_how_the_plan_is_checked_is_read_from_the_rule_catalogue(leeds):
    """The sheet "How your plan is checked" lists each rule the template checks as the
    partner types (those of the catalogue with an in-template form), then the others by why
    they wait for the return: each rule of the catalogue once, none invented."""
    from pipeline.declare.rules import EARLIER_PERIOD, FINDINGS, MANAGERS
    from pipeline.round.flags import rules_of

    rules = [*FINDINGS, EARLIER_PERIOD, *rules_of(LAYOUTS["p44"])]
    sheet = openpyxl.load_workbook(leeds)["How your plan is checked"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    typed = [title for title, when, *_ in rows if when == "As you type"]
    # (a rule whose form finds nothing to check in a Priority 44 plan is not listed: no
    # financial quarter, no year; the organisation is pre-filled on Leeds's template)
    p44 = LAYOUTS["p44"]
    assert sorted(typed) == sorted(r.title for r in rules
                                   if r.in_template and list(r.in_template(p44, True)))  # fmt: skip
    assert "Not a financial quarter" not in typed and "Not a date" in typed
    later = {heading: held for heading, when, _, held, _ in rows if when == "When we receive it"}
    waiting = [r for r in rules if r.on_return and r.on_return is not MANAGERS]
    assert set(later) == {r.on_return.heading for r in waiting}
    assert sorted(t for held in later.values() for t in held.split("; ")) == sorted(
        r.title for r in waiting
    )
    assert typed.index("Red confidence without contingency") < typed.index("Action overdue")


def test_a_rows_height_fits_its_text_and_grows_with_what_the_partner_types(tmp_path):
    """A requirement of seven lines opens seven lines tall, one of two lines two; and no row
    of the table has its height fixed by hand (``customHeight``), so Excel and LibreOffice fit
    it again to what the partner types (a partnership's position, longer than its
    requirement, shows whole and prints whole). The title and the Ready to send box keep
    theirs."""
    from xml.etree import ElementTree

    from pipeline.layouts.hallmarks.requirements import ROWS
    from pipeline.values import LINE_HEIGHT

    [review] = make_templates(LAYOUTS["hallmarks"], tmp_path)
    with zipfile.ZipFile(review) as package:  # (the plan: the second sheet, after Guidance)
        xml = ElementTree.fromstring(package.read("xl/worksheets/sheet2.xml"))
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rows = {int(r.get("r")): (float(r.get("ht", 0)), r.get("customHeight") == "1")
            for r in xml.iter(f"{main}row")}  # fmt: skip
    sheet = openpyxl.load_workbook(review)["Self-Assessment"]
    at = {row[0].value: row[0].row for row in sheet.iter_rows() if row[0].value}
    first, last = at["Ref"] + 1, max(at[r["ref"]] for r in ROWS) + 5
    long, short = ROWS[0], next(r for r in ROWS if r["ref"] == "2a")  # 1a: 7 lines, 2a: 2
    pixel = 0.75  # (a row's height in points, rounded to whole pixels)
    assert rows[at[long["ref"]]] == (pytest.approx(LINE_HEIGHT * 7 + 2, abs=pixel), False)
    assert rows[at[short["ref"]]] == (pytest.approx(LINE_HEIGHT * 2 + 2, abs=pixel), False)
    assert not any(rows[r][1] for r in range(first, last + 1) if r in rows)
    assert rows[1][1] and rows[3][1]  # the title, the box


def _table_rows(path: Path) -> int:
    """How many rows a template's plan table has below its column titles (its filter's range,
    as the workbook defines it)."""
    import re

    book = zipfile.ZipFile(path).read("xl/workbook.xml").decode()
    first, last = re.search(r"_FilterDatabase[^>]*>[^<]*?\$(\d+):\$[A-Z]+\$(\d+)<", book).groups()
    return int(last) - int(first)


# Counts of carried rows that end at or near the foot of the plan's first printed page, where
# the blank rows that fit that page are fewer than a few (p44: 7 to 9, three-year: 11 to 13)
AROUND_THE_FIRST_PAGES_FOOT = {"p44": range(5, 11), "three_year": range(9, 15)}


@pytest.mark.parametrize("layout", ["p44", "three_year"])
def test_a_carried_plan_always_leaves_a_few_blank_rows_for_new_actions(tmp_path, layout):
    """Partners update a plan by "adding any new actions" (or "new tasks each quarter"): below
    the rows carried forward there are always a few blank rows to add them in, however many
    rows there are, even where the carried rows end at the foot of a printed page (the blank
    rows below them otherwise fill that page only)."""
    from builders import AS_OF, action, task

    make = {"p44": lambda n: action(f"A{n:02}"), "three_year": lambda n: task(f"T{n:02}")}[layout]
    header = {
        "p44": {"partnership": "Leeds"},
        "three_year": {"business_unit": "Housing", "code": "HOU", "plan_start": 2025},
    }
    for carried in AROUND_THE_FIRST_PAGES_FOOT[layout]:
        rows = [make(n) for n in range(1, carried + 1)]
        path = write_template(tmp_path / f"{carried}.xlsx", LAYOUTS[layout], header[layout], rows,
                              "Leeds", AS_OF)  # fmt: skip
        assert _table_rows(path) - carried >= 5, (layout, carried)
