"""Gap flags: each rule, told as the story a manager would see on the Gap Flags sheet."""

from __future__ import annotations

from datetime import timedelta

from builders import AS_OF, action, p44_return, task, three_year_return
from workbook_reading import flags, sheet_records

from pipeline.run import run


def consolidated(tmp_path, inbox, registers=()):
    return run(inbox, tmp_path / "outbox", list(registers), AS_OF).path


def test_a_plan_with_no_definition_of_problem_gets_a_red_flag_at_that_cell(tmp_path, inbox):
    p44_return(inbox, definition_of_problem=None)
    [flag] = flags(consolidated(tmp_path, inbox), "Required field empty")
    assert flag["Severity"] == "Red"
    assert flag["Organisation"] == "Leeds"
    assert (flag["File"], flag["Sheet"], flag["Cell"]) == (
        "Leeds return.xlsx",
        "Action Plan",
        "C16",
    )
    assert "Definition of problem" in flag["Message"]


def test_an_action_with_no_lead_officer_gets_an_amber_flag_naming_its_ref(tmp_path, inbox):
    p44_return(inbox, rows=[action("A01"), action("A02", lead_officer=None)])
    [flag] = flags(consolidated(tmp_path, inbox), "Required field empty")
    assert flag["Severity"] == "Amber"
    assert "A02" in flag["Message"] and "Lead officer" in flag["Message"]
    assert flag["Cell"] == "E21"


def test_a_partnership_on_the_register_that_sent_nothing_is_flagged_missing(
    tmp_path, inbox, registers
):
    p44_return(inbox)
    found = flags(consolidated(tmp_path, inbox, [registers["p44"]]), "Return missing")
    assert {f["Organisation"] for f in found} == {"Bradford", "Salford"}
    bradford = next(f for f in found if f["Organisation"] == "Bradford")
    assert bradford["Severity"] == "Red"
    assert "Sam Khan <sam.khan@bradford.gov.uk>" in bradford["Message"]


def test_a_return_not_updated_for_more_than_a_fortnight_is_stale(tmp_path, inbox):
    p44_return(inbox, date_of_update=AS_OF - timedelta(days=15))
    [flag] = flags(consolidated(tmp_path, inbox), "Return stale")
    assert flag["Severity"] == "Amber" and flag["Cell"] == "C11"
    assert "15 days" in flag["Message"]


def test_a_fortnight_old_return_is_not_stale_yet(tmp_path, inbox):
    p44_return(inbox, date_of_update=AS_OF - timedelta(days=14))
    assert flags(consolidated(tmp_path, inbox), "Return stale") == []


def test_a_three_year_return_is_stale_after_a_quarter(tmp_path, inbox):
    three_year_return(inbox, date_of_update=AS_OF - timedelta(days=92))
    [flag] = flags(consolidated(tmp_path, inbox), "Return stale")
    assert flag["Organisation"] == "Housing"


def test_an_action_past_its_end_date_and_not_complete_is_overdue(tmp_path, inbox):
    ended = AS_OF - timedelta(days=1)
    rows = [
        action("A01", end_date=ended, status="Ongoing"),
        action("A02", end_date=ended, status="Complete"),
        action("A03", end_date=ended, status="Cancelled"),
        action("A04", end_date=None),
    ]
    [flag] = flags(consolidated(tmp_path, inbox := _with(inbox, rows)), "Action overdue")
    assert "A01" in flag["Message"] and "Ongoing" in flag["Message"]
    assert flag["Cell"] == "G20"


def _with(inbox, rows):
    p44_return(inbox, rows=rows)
    return inbox


def test_a_task_whose_completion_quarter_has_passed_is_overdue(tmp_path, inbox):
    rows = [
        task("HSG-01", completion_quarter=5, q5="Delayed", q6="Delayed", q7="Delayed",
             progress_report="Waiting on supplier"),
        task("HSG-02", completion_quarter=5, q5="Completed", q6=None, q7=None),
        task("HSG-03", completion_quarter=7),
    ]  # fmt: skip
    three_year_return(inbox, rows=rows)
    [flag] = flags(consolidated(tmp_path, inbox), "Task overdue")
    assert "HSG-01" in flag["Message"] and "quarter 5 (Apr–Jun 26)" in flag["Message"]


def test_tasks_without_a_status_this_quarter_are_flagged_once_with_their_refs(tmp_path, inbox):
    rows = [task("HSG-01", q7=None), task("HSG-02", q7=None), task("HSG-03")]
    three_year_return(inbox, rows=rows)
    [flag] = flags(consolidated(tmp_path, inbox), "Current quarter not updated")
    assert flag["Message"].startswith("Q7 (Oct–Dec 26) has no status for 2 of 3 tasks")
    assert "HSG-01, HSG-02" in flag["Message"]
    assert flag["Cell"] == "L12"


def test_a_task_completed_in_an_earlier_quarter_is_not_counted_as_not_updated(tmp_path, inbox):
    # HSG-01 was Completed in Q5 and rightly has nothing in Q6 or Q7; HSG-02 is open and blank
    done = task("HSG-01", q5="Completed", q6=None, q7=None)
    three_year_return(inbox, rows=[done, task("HSG-02", q7=None), task("HSG-03")])
    path = consolidated(tmp_path, inbox)
    [flag] = flags(path, "Current quarter not updated")
    assert "no status for 1 of 3 tasks: HSG-02." in flag["Message"]
    housing = next(o for o in sheet_records(path, "Overview") if o["Organisation"] == "Housing")
    assert (housing["Complete"], housing["Not updated"]) == (1, 1)


def test_a_delayed_task_without_a_progress_report_is_flagged(tmp_path, inbox):
    three_year_return(
        inbox,
        rows=[task("HSG-01", q7="Delayed"), task("HSG-02", q7="Delayed", progress_report="Why")],
    )
    [flag] = flags(consolidated(tmp_path, inbox), "Delayed without progress report")
    assert "HSG-01" in flag["Message"]


def test_a_delayed_task_significant_for_the_council_plan_is_escalated(tmp_path, inbox):
    three_year_return(inbox, rows=[task("HSG-01", q7="Delayed", cp3="Significant",
                                        progress_report="Late")])  # fmt: skip
    [flag] = flags(consolidated(tmp_path, inbox), "Council Plan task delayed")
    assert flag["Severity"] == "Red" and "Cabinet" in flag["Message"]


def test_red_confidence_without_contingency_is_a_red_flag_at_the_risks_cell(tmp_path, inbox):
    p44_return(inbox, confidence="Red", risks=None)
    [flag] = flags(consolidated(tmp_path, inbox), "Red confidence without contingency")
    assert flag["Severity"] == "Red" and flag["Cell"] == "C17"


def test_live_actions_that_fall_short_of_the_target_are_flagged(tmp_path, inbox, registers):
    # Leeds: baseline 20,000 x 6% = 1,200 crimes; two live actions of 100 fall short.
    p44_return(inbox, rows=[action("A01", estimated_impact=100),
                            action("A02", estimated_impact=100)])  # fmt: skip
    [flag] = flags(consolidated(tmp_path, inbox, [registers["p44"]]), "Impact shortfall")
    assert "200" in flag["Message"] and "1200" in flag["Message"]


def test_a_partnership_that_has_delivered_what_its_target_needs_is_not_short(
    tmp_path, inbox, registers
):
    # Leeds needs 1,200: 1,100 already delivered by complete and evaluated actions, 200 live
    p44_return(inbox, rows=[action("A01", status="Complete", estimated_impact=600),
                            action("A02", status="Evaluation", estimated_impact=500),
                            action("A03", estimated_impact=200)])  # fmt: skip
    path = consolidated(tmp_path, inbox, [registers["p44"]])
    assert flags(path, "Impact shortfall") == []
    leeds = next(o for o in sheet_records(path, "Overview") if o["Organisation"] == "Leeds")
    assert (leeds["Live impact"], leeds["Delivered impact"], leeds["Reduction needed"]) == (
        200, 1100, 1200,
    )  # fmt: skip


def test_a_partnership_still_short_after_what_it_delivered_is_told_by_how_much(
    tmp_path, inbox, registers
):
    p44_return(inbox, rows=[action("A01", status="Complete", estimated_impact=600),
                            action("A02", estimated_impact=100)])  # fmt: skip
    [flag] = flags(consolidated(tmp_path, inbox, [registers["p44"]]), "Impact shortfall")
    assert flag["Message"] == (
        "Live actions are estimated to prevent 100 crimes and delivered ones 600 (700 in all); "
        "the target needs 1200 (6% of 20000): 500 short."
    )


def test_a_plan_with_nothing_in_the_next_four_weeks_is_flagged(tmp_path, inbox):
    later = AS_OF + timedelta(days=60)
    p44_return(inbox, rows=[action("A01", start_date=later, end_date=later, status="Planned")])
    [flag] = flags(consolidated(tmp_path, inbox), "Nothing planned ahead")
    assert flag["Severity"] == "Amber"


def test_a_value_that_cannot_be_read_is_flagged_amber_with_its_cell(tmp_path, inbox):
    p44_return(inbox, rows=[action("A01", status="On hold")])
    [flag] = flags(consolidated(tmp_path, inbox), "Value not readable")
    assert flag["Cell"] == "H20"
    assert 'Status "On hold" is not one of Planned' in flag["Message"]


def test_a_good_plan_raises_no_flags(tmp_path, inbox):
    p44_return(inbox)
    three_year_return(inbox)
    assert flags(consolidated(tmp_path, inbox)) == []


def test_red_flags_come_first(tmp_path, inbox):
    p44_return(inbox, confidence="Red", risks=None,
               date_of_update=AS_OF - timedelta(days=30))  # fmt: skip
    severities = [f["Severity"] for f in flags(consolidated(tmp_path, inbox))]
    assert severities == sorted(severities, key=lambda s: s != "Red")
    assert severities[0] == "Red" and "Amber" in severities
