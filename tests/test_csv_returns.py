"""A partner who saves the plan sheet as CSV (Excel's "Save as CSV", or LibreOffice's) has
it read like the workbook it came from, through the same checks and worker as any file, with
findings naming its cells (``Leeds.csv!H21``); any other CSV is told plainly why it cannot
be used. The CSVs are written here from filled templates (python-calamine reads the workbook,
the ``csv`` module writes the text) or by LibreOffice itself."""

from __future__ import annotations

import json
from datetime import timedelta

import openpyxl
import pytest
from builders import (
    AS_OF,
    action,
    p44_return,
    saved_as_csv,
    task,
    three_year_return,
    write_registers,
)
from click.testing import CliRunner
from message_builders import eml
from workbook_reading import sheet_records

from pipeline.cli.commands import cli
from pipeline.feedback import FIX_LIST
from pipeline.reading.loader import load
from pipeline.run import run
from pipeline.system.isolation import Isolation

SAVE_THE_WORKBOOK = "save the workbook itself (.xlsx) and send that."


def check(*paths, json_out: bool = False):
    args = ["check", *(["--json"] if json_out else []), *map(str, paths)]
    return CliRunner().invoke(cli, args)


def leeds_with_mistakes(folder):
    """Leeds's plan with an empty risks box, a status typed by hand and an action with no
    lead officer: findings in the header and in the table."""
    rows = [action("A01"), action("A02", status="done"), action("A03", lead_officer=None)]
    return p44_return(folder, name="Leeds.xlsx", risks=None, rows=rows)


def test_a_csv_saved_from_the_template_is_read_like_the_workbook_it_came_from(tmp_path):
    workbook = leeds_with_mistakes(tmp_path)
    csv = saved_as_csv(workbook, tmp_path / "Leeds.csv")

    result = check(csv, json_out=True)
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.output)
    assert (report["status"], report["organisation"], report["layout"]) == (
        "accepted with findings", "Leeds", "p44",
    )  # fmt: skip
    found = {(f["sheet"], f["cell"], f["rule"]) for f in report["findings"]}
    assert found == {
        ("Leeds.csv", "H11", "required"),  # the risks box, where the workbook's is
        ("Leeds.csv", "H21", "guessed-value"),  # "done" read as Complete
        ("Leeds.csv", "E22", "required"),  # no lead officer
    }
    # the same plan, the same findings, cell for cell, as the workbook's own
    [from_workbook] = json.loads(check(workbook, json_out=True).output)
    assert {(f["cell"], f["rule"], f["message"]) for f in from_workbook["findings"]} == {
        (f["cell"], f["rule"], f["message"]) for f in report["findings"]
    }
    said = check(csv).output
    assert "Leeds.csv: accepted with findings (Leeds)" in said
    assert "Leeds.csv!H21: Status: read" in said
    assert "not a spreadsheet" not in said


def test_a_csv_return_counts_in_the_round_and_its_fix_list_names_its_cells(tmp_path, inbox):
    csv = saved_as_csv(leeds_with_mistakes(tmp_path), inbox / "Leeds.csv")
    registers = write_registers(tmp_path / "registers", ("p44",))
    result = run(inbox, tmp_path / "outbox", [registers["p44"]], AS_OF,
                 isolation=Isolation(workers=1))  # fmt: skip
    [log] = sheet_records(result.path, "Returns Log")
    assert (log["File"], log["Status"], log["Organisation"]) == (
        "Leeds.csv", "accepted with findings", "Leeds",
    )  # fmt: skip
    actions = {r["Ref"]: r for r in sheet_records(result.path, "Actions")}
    assert list(actions) == ["A01", "A02", "A03"]
    assert {r["Organisation"] for r in actions.values()} == {"Leeds"}
    assert actions["A02"]["Status"] == "Complete"
    cells = {(f["Sheet"], f["Cell"]) for f in sheet_records(result.path, "Findings")}
    assert ("Leeds.csv", "H21") in cells

    # its feedback is the Fix list alone (a CSV cannot be marked up), each line naming its cell
    feedback = tmp_path / "outbox" / "feedback" / "Leeds-feedback.xlsx"
    sheet = openpyxl.load_workbook(feedback)[FIX_LIST]
    assert sheet["A2"].value == (
        "Your file is a CSV, which holds the plan's values only and cannot be marked up, so here "
        "is the list of fixes, cell by cell. Next time, send the workbook itself (.xlsx)."
    )
    lines = {(row[0], row[1]) for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert {("Leeds.csv", "H11"), ("Leeds.csv", "H21"), ("Leeds.csv", "E22")} <= lines
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")  # (Excel's "CSV UTF-8": its BOM)


def test_a_plain_windows_csv_of_a_three_year_plan_is_read_with_its_accents_and_dashes(tmp_path):
    workbook = three_year_return(tmp_path, name="housing.xlsx", updated_by="Zoë Müller",
                                 rows=[task("HSG-01"), task("HSG-02", q7="Delayed")])  # fmt: skip
    csv = saved_as_csv(workbook, tmp_path / "Housing.csv", encoding="cp1252")
    assert "–".encode("cp1252") in csv.read_bytes()  # its quarters' titles: "Apr–Jun"
    loaded = load(csv)
    assert (loaded.layout, loaded.organisation) == ("three_year", "Housing")
    assert loaded.value("updated_by") == "Zoë Müller"
    assert loaded.value("date_of_update") == AS_OF - timedelta(days=5)
    assert list(loaded.rows["q7"]) == ["In progress", "Delayed"]
    assert not [f for f in loaded.findings if f.rule in ("guessed-column", "renamed-sheet")]


def test_a_csv_saved_by_libreoffice_is_read(tmp_path, libreoffice):
    workbook = leeds_with_mistakes(tmp_path)
    filter_ = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,2"
    [csv] = libreoffice.convert([workbook], filter_, tmp_path / "saved", seconds=180)
    assert csv.name.endswith("-Action Plan.csv")  # the plan sheet, the second
    loaded = load(csv)
    assert (loaded.layout, loaded.organisation, loaded.sheet) == ("p44", "Leeds", csv.name)
    assert loaded.value("target_date").isoformat() == "2027-03-31"
    assert [f.cell for f in loaded.findings] == ["H21"]  # "done", read as Complete


def test_a_csv_of_something_else_is_told_plainly_why_it_cannot_be_used(tmp_path):
    csv = tmp_path / "budget.csv"
    csv.write_text("Cost centre,Budget 2026/27,Spent\nCS01,120000,64000\n", encoding="utf-8")
    result = check(csv)
    assert result.exit_code == 1
    assert "budget.csv: rejected" in result.output
    assert (
        "This CSV does not hold a Hallmarks, Priority 44, PCC delivery or Three-year plan: none "
        "of our templates' labels or column titles are in its first 80 rows (it begins "
        '"Cost centre, Budget 2026/27, Spent"). A CSV keeps one sheet\'s values and nothing '
        f"else: {SAVE_THE_WORKBOOK}"
    ) in result.output
    assert "not a spreadsheet" not in result.output


def test_a_register_dropped_into_the_inbox_is_told_to_be_a_register(tmp_path):
    register = write_registers(tmp_path / "registers", ("p44",))["p44"]
    loaded = load(register)
    assert loaded.reason == (
        "This CSV is a register (the list of who is to return), not a return: take it out of "
        "the inbox, and give it to the run as a register."
    )


def test_a_csv_of_the_templates_guidance_sheet_is_no_plan(tmp_path):
    workbook = leeds_with_mistakes(tmp_path)
    csv = saved_as_csv(workbook, tmp_path / "Leeds.csv", sheet="Guidance")
    loaded = load(csv)
    assert loaded.rejected
    assert loaded.reason == (
        "This CSV holds the template's Guidance sheet, not the plan: a CSV keeps one sheet's "
        f"values and nothing else: {SAVE_THE_WORKBOOK}"
    )


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"", "The file is empty (0 bytes): send it again."),
        (b"Partnership,Leeds\n\x81\x8d\x8f\n", "it is not text (byte 19 is 0x81"),
        (b"Partnership,Le\x00eds\n", "it is not text (byte 15 is 0x00"),
    ],
)
def test_a_csv_that_is_not_text_is_rejected_with_a_sentence(tmp_path, data, said):
    (tmp_path / "plan.csv").write_bytes(data)
    loaded = load(tmp_path / "plan.csv")
    assert loaded.rejected
    assert said in loaded.reason


def test_a_workbook_named_csv_is_read_as_the_workbook_it_is(tmp_path):
    workbook = p44_return(tmp_path, name="Leeds.xlsx")
    renamed = tmp_path / "Leeds.csv"
    renamed.write_bytes(workbook.read_bytes())
    loaded = load(renamed)
    assert (loaded.organisation, loaded.sheet, loaded.rejected) == ("Leeds", "Action Plan", False)


def test_a_csv_attached_to_a_message_is_read_as_a_return(tmp_path, inbox):
    csv = saved_as_csv(p44_return(tmp_path, name="Leeds.xlsx"), tmp_path / "Leeds.csv")
    eml(inbox / "Leeds return.eml", [("Leeds.csv", csv.read_bytes())])
    result = run(inbox, tmp_path / "outbox", [], AS_OF, isolation=Isolation(workers=1))
    [log] = sheet_records(result.path, "Returns Log")
    assert (log["File"], log["Status"], log["Organisation"]) == (
        "Leeds return.eml › Leeds.csv", "accepted", "Leeds",
    )  # fmt: skip
