"""A file is rejected only when it cannot be used at all; the reason is one sentence and the
rest of the inbox is still read."""

from __future__ import annotations

import openpyxl
import pytest
from builders import AS_OF, p44_return
from workbook_reading import sheet_records

from pipeline.run import run


def log_of(tmp_path, inbox, registers=()):
    result = run(inbox, tmp_path / "outbox", list(registers), AS_OF)
    return {r["File"]: r for r in sheet_records(result.path, "Returns Log")}


def make_not_a_workbook(inbox):
    (inbox / "plan.xlsx").write_text("Dear colleague, the plan is attached.")


def make_empty_file(inbox):
    (inbox / "plan.xlsx").write_bytes(b"")


def make_half_copied(inbox):
    whole = p44_return(inbox, name="whole.xlsx").read_bytes()
    (inbox / "whole.xlsx").unlink()
    (inbox / "plan.xlsx").write_bytes(whole[: len(whole) // 2])


def make_unrelated_spreadsheet(inbox):
    book = openpyxl.Workbook()
    book.active.append(["Budget", "2026/27"])
    book.active.append(["Staff", 120000])
    book.save(inbox / "plan.xlsx")


def make_plan_with_no_partnership(inbox):
    path = p44_return(inbox, name="plan.xlsx")
    book = openpyxl.load_workbook(path)
    del book["_pipeline"]
    sheet = book["Action Plan"]
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == "Leeds":
                cell.value = None
    book.save(path)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (make_not_a_workbook, "This file cannot be used: it is not a spreadsheet"),
        (make_empty_file, "The file is empty (0 bytes): send it again."),
        (make_half_copied, "damaged or was not fully copied"),
        (make_unrelated_spreadsheet, "This is not one of our action plans: no "),
        (make_plan_with_no_partnership, 'The "Partnership" is empty'),
    ],
)
def test_an_unusable_file_is_rejected_with_a_sentence_and_the_rest_are_read(
    tmp_path, inbox, make, reason
):
    make(inbox)
    p44_return(inbox, organisation="Bradford", name="good.xlsx")
    log = log_of(tmp_path, inbox)
    assert log["plan.xlsx"]["Status"] == "rejected"
    assert reason in log["plan.xlsx"]["Reason"]
    assert "Traceback" not in log["plan.xlsx"]["Reason"]
    assert log["good.xlsx"]["Status"] == "accepted"


def test_a_return_from_an_organisation_not_on_the_register_is_rejected(tmp_path, inbox, registers):
    p44_return(inbox, name="leeds.xlsx")
    path = p44_return(inbox, name="gotham.xlsx")
    book = openpyxl.load_workbook(path)
    for row in book["Action Plan"].iter_rows():
        for cell in row:
            if cell.value == "Leeds":
                cell.value = "Gotham"
    book["_pipeline"]["B3"] = "Gotham"
    book.save(path)
    log = log_of(tmp_path, inbox, [registers["p44"]])
    assert log["gotham.xlsx"]["Status"] == "rejected"
    assert log["gotham.xlsx"]["Reason"].startswith('"Gotham" is not on the Priority 44')
    assert log["leeds.xlsx"]["Status"] == "accepted"


def test_a_missing_field_is_not_a_rejection_but_a_finding(tmp_path, inbox):
    p44_return(inbox, name="thin.xlsx", definition_of_problem=None, risks=None)
    assert log_of(tmp_path, inbox)["thin.xlsx"]["Status"] == "accepted with findings"
