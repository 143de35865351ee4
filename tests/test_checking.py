"""pandera checks the normalised values; every failure is a finding a partner understands."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
from builders import action, p44_return, task, three_year_return

from pipeline.checking import check_returns
from pipeline.declare.severity import RED
from pipeline.run import check_files


def findings_of(path):
    [receipt] = check_files([path])
    return receipt.findings


def test_an_impossible_date_is_an_error_at_its_cell(inbox):
    [finding] = findings_of(p44_return(inbox, rows=[action("A01", start_date="31/02/2026")]))
    assert finding.severity is RED
    assert (finding.sheet, finding.cell, finding.field) == ("Action Plan", "F20", "Start date")
    assert finding.value == "31/02/2026"
    assert finding.message == (
        'Start date "31/02/2026" is not a date: enter a date such as 31/10/2008.'
    )


def test_a_bad_email_and_a_negative_impact_are_explained(inbox):
    path = p44_return(inbox, email="jane at leeds", rows=[action("A01", estimated_impact=-5)])
    messages = {f.field: f.message for f in findings_of(path)}
    assert messages["Email"] == (
        'Email "jane at leeds" is not an email address: enter one such as name@example.gov.uk.'
    )
    assert messages["Estimated impact (crimes)"].startswith(
        'Estimated impact (crimes) "-5" is not a whole number of 0 or more'
    )


def test_required_but_empty_says_what_to_put_there(inbox):
    [finding] = findings_of(p44_return(inbox, risks=None))
    assert finding.rule == "required" and finding.cell == "H11"
    assert finding.message.startswith("Risks and contingency is required but empty: The risks")
    assert finding.gap == "red"


def test_messages_never_show_pandera_or_python_words(inbox):
    path = p44_return(
        inbox,
        confidence="Purple",
        rows=[action("A01", status="Paused", lead_officer=None, start_date="soon")],
    )
    messages = " ".join(f.message for f in findings_of(path))
    for word in ("not_nullable", "isin", "dtype", "SchemaError", "Column", "None", "nan",
                 "lead_officer", "element_wise"):  # fmt: skip
        assert word not in messages, word


def test_values_that_fail_are_left_out_of_the_plan(inbox):
    [receipt] = check_files([p44_return(inbox, rows=[action("A01", status="Paused")])])
    assert receipt.loaded.rows["status"].tolist() == [None]


def test_a_value_that_is_not_text_in_a_text_column_is_an_error_at_its_cell(inbox):
    # (a return read from a file has only text there; one put together in code may not)
    [receipt] = check_files([p44_return(inbox, rows=[action("A01"), action("A02")])])
    rows = receipt.loaded.rows.copy()
    rows.loc[1, "lead_agency"] = 42
    [checked] = check_returns([replace(receipt.loaded, rows=rows)])
    [finding] = [f for f in checked.findings if f.rule == "not-text"]
    assert (finding.cell, finding.field, finding.value) == ("D21", "Lead agency", "42")
    assert finding.message == 'Lead agency "42" is not text.'
    assert checked.rows["lead_agency"].tolist() == [rows.at[0, "lead_agency"], None]
    assert checked.rows["ref"].tolist() == ["A01", "A02"]  # text as it was, passed


def test_a_flag_or_a_fraction_in_a_whole_number_column_is_an_error_though_each_equals_one(inbox):
    # (a column's values are tested once per distinct value: True == 1.0 == 1 must not make
    # them one value; and the return handed to the check is left as it was)
    [receipt] = check_files([p44_return(inbox, rows=[action("A01"), action("A02"), action("A03")])])
    rows = receipt.loaded.rows.copy()
    rows["estimated_impact"] = pd.Series([1, True, 1.0], dtype=object)
    [checked] = check_returns([replace(receipt.loaded, rows=rows)])
    found = [(f.row, f.field, f.value) for f in checked.findings if f.rule == "not-a-whole-number"]
    title = "Estimated impact (crimes)"
    assert sorted(found) == [(20, title, "True"), (21, title, "1.0")]
    assert checked.rows["estimated_impact"].tolist() == [1, None, None]
    assert rows["estimated_impact"].tolist() == [1, True, 1.0]


def test_three_year_statuses_outside_the_list_are_errors(inbox):
    path = three_year_return(inbox, rows=[task("HSG-01", q7="Stalled")])
    [finding] = findings_of(path)
    assert finding.field == "Q7" and finding.cell == "L13"
    assert "is not one of Completed, In progress, Delayed" in finding.message


def test_an_old_template_version_is_said_plainly(inbox):
    import openpyxl

    path = p44_return(inbox)
    book = openpyxl.load_workbook(path)
    book["_pipeline"]["B2"] = 0
    book.save(path)
    [finding] = findings_of(path)
    assert finding.rule == "old-template"
    assert finding.message.startswith(
        "This is version 0 of the Priority 44 Partnership Action Plan template; the current "
        "one is version 1."
    )


def test_a_plan_on_another_organisations_template_is_said_plainly(inbox, registers):
    import openpyxl

    path = p44_return(inbox)
    book = openpyxl.load_workbook(path)
    for row in book["Action Plan"].iter_rows():
        for cell in row:
            if cell.value == "Leeds":
                cell.value = "Bradford"
    book.save(path)
    [receipt] = check_files([path], [registers["p44"]])
    assert receipt.loaded.organisation == "Bradford"
    [finding] = receipt.findings
    assert finding.message == (
        "This template was made for Leeds but the plan says Bradford: it has been read as "
        "Bradford's."
    )
