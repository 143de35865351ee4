"""Every gap-flag rule and plan measure, told as a manager's story, on plans built in memory.

Each plan is made as the pipeline makes it after reading a return (``plans_in_memory``): the
return checked, progress worked out at the as-of date, flags raised. Each rule is shown
firing (its severity, what it says, the cell it points at) and not firing just across its
boundary. Cells are where our template puts them: for a Priority 44 plan the header values
are C4:C15 (Date of update C11, Confidence C12, Reduction target C14) with the long texts
beside them (Definition of problem H4, Risks H11) and the first action is on row 20 (Ref A,
Lead officer E, End date G, Status H); for a three-year plan the Q columns' titles are on row
12 and the first task is on row 13 (Ref A, Quarter for completion E, Q7 L, Progress report
R). ``test_flags`` shows the same flags reaching the workbook from real files.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from builders import AS_OF, action, p44_header, task, three_year_header
from plans_in_memory import plan_in_memory

from pipeline.round.flags import flags_for
from pipeline.round.plans import Rejected

RED, AMBER = "red", "amber"
# what the register pre-fills on each template (tests/builders.py's registers)
LEEDS = {
    "partnership": "Leeds",
    "region": "GO Yorkshire and the Humber",
    "baseline": 20000,
    "reduction_target": 6,
    "target_date": date(2027, 3, 31),
}
HOUSING = {"business_unit": "Housing", "code": "HSG", "head_of_service": "Ian Clarke",
           "plan_start": 2025}  # fmt: skip
YESTERDAY, TOMORROW = AS_OF - timedelta(days=1), AS_OF + timedelta(days=1)


def leeds(rows=None, as_of=AS_OF, register=None, **header):
    """Leeds's Priority 44 plan: two live actions (700 crimes each, 1,400 in all, against the
    1,200 its target needs) running across the as-of date, unless told otherwise."""
    rows = [action("A01"), action("A02", category="Week of Action")] if rows is None else rows
    return plan_in_memory("p44", {**LEEDS, **p44_header(**header)}, rows, as_of,
                          register=register)  # fmt: skip


def housing(rows=None, as_of=AS_OF, **header):
    """Housing's three-year plan (starting 2025, so 20/11/2026 is in Q7): tasks due in Q12,
    In progress every quarter up to Q7, unless told otherwise."""
    rows = [task("HSG-01"), task("HSG-02")] if rows is None else rows
    return plan_in_memory("three_year", {**HOUSING, **three_year_header(**header)}, rows, as_of)


def flagged(plan, rule):
    """The plan's flags of one rule."""
    return [f for f in plan.flags if f.rule == rule]


def only(plan, rule):
    """The plan's one flag of ``rule``."""
    [flag] = flagged(plan, rule)
    return flag


# --- good plans -------------------------------------------------------------------------------


def test_a_good_plan_of_either_layout_raises_no_flags():
    assert leeds().flags == []
    assert housing().flags == []


def test_the_plans_flags_are_what_the_rules_find_at_the_as_of_date():
    plan = leeds(rows=[action("A01", end_date=YESTERDAY)], confidence="Red", risks=None)
    assert plan.flags == flags_for(plan, AS_OF) != []
    flag = plan.flags[0]
    assert (flag.organisation, flag.layout, flag.file, flag.sheet) == (
        "Leeds", "p44", "Leeds return.xlsx", "Action Plan",
    )  # fmt: skip


# --- return-missing ---------------------------------------------------------------------------


def test_a_partnership_on_the_register_that_sent_nothing_gets_a_red_flag_saying_whom_to_chase():
    register = {"region": "GO Yorkshire and the Humber", "contact_name": "Sam Khan",
                "contact_email": "sam.khan@bradford.gov.uk"}  # fmt: skip
    plan = plan_in_memory("p44", {"partnership": "Bradford"}, as_of=AS_OF, register=register,
                          returned=False)  # fmt: skip
    assert not plan.has_return
    [flag] = plan.flags  # nothing else is said of a plan that is not there
    assert (flag.rule, flag.severity, flag.rule_title) == ("return-missing", RED, "Return missing")
    assert flag.message == "No return received. Chase Sam Khan <sam.khan@bradford.gov.uk>."
    assert (flag.file, flag.sheet, flag.cell) == (None, None, None)


def test_a_business_unit_that_sent_nothing_is_chased_through_its_head_of_service():
    plan = plan_in_memory("three_year", {"business_unit": "Finance", "code": "FIN"},
                          as_of=AS_OF, register={"head_of_service": "Rachel Smith",
                                                 "plan_start": 2025},
                          returned=False)  # fmt: skip
    assert only(plan, "return-missing").message == "No return received. Chase Rachel Smith."


def test_a_missing_return_with_no_contact_known_just_says_so():
    plan = plan_in_memory("p44", {"partnership": "Salford"}, as_of=AS_OF,
                          register={"region": "GO North West"}, returned=False)  # fmt: skip
    assert only(plan, "return-missing").message == "No return received."


def test_a_partnership_whose_only_file_was_rejected_is_told_why_not_that_nothing_came():
    plan = plan_in_memory("p44", {"partnership": "Salford"}, as_of=AS_OF,
                          register={"region": "GO North West"}, returned=False)  # fmt: skip
    plan.rejected = [Rejected("salford.xlsx", "the file is empty (0 bytes): send it again.")]
    [flag] = flags_for(plan, AS_OF)
    assert (flag.rule, flag.severity, flag.rule_title) == ("return-rejected", RED,
                                                           "Return rejected")  # fmt: skip
    assert flag.message == (
        "salford.xlsx could not be used: the file is empty (0 bytes): send it again."
    )
    assert (flag.file, flag.sheet, flag.cell) == ("salford.xlsx", None, None)


def test_a_partnership_on_the_register_that_sent_its_return_is_not_missing():
    plan = leeds(register={"contact_name": "Jane Doe", "contact_email": "jane.doe@leeds.gov.uk"})
    assert plan.has_return and flagged(plan, "return-missing") == []


# --- required-empty ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "title", "cell", "severity"),
    [
        ("definition_of_problem", "Definition of problem", "H4", RED),
        ("risks", "Risks and contingency", "H11", RED),
        ("confidence", "Overall confidence (RAG)", "C12", RED),
        ("date_of_update", "Date of update", "C11", RED),
        ("completed_by", "Completed by", "C6", AMBER),
        ("role", "Role", "C7", AMBER),
        ("email", "Email", "C9", AMBER),
    ],
)
def test_an_empty_required_header_field_is_flagged_at_its_cell_red_for_what_matters_most(
    field, title, cell, severity
):
    flag = only(leeds(**{field: None}), "required-empty")
    assert (flag.severity, flag.cell, flag.rule_title) == (severity, cell, "Required field empty")
    assert flag.message == f"{title} is missing."


def test_an_action_with_no_lead_officer_gets_an_amber_flag_naming_its_ref_and_cell():
    plan = leeds(rows=[action("A01"), action("A02", lead_officer=None)])
    flag = only(plan, "required-empty")
    assert (flag.severity, flag.cell) == (AMBER, "E21")
    assert flag.message == "Action A02: Lead officer is empty."


def test_an_action_with_no_ref_is_named_by_its_row():
    flag = only(leeds(rows=[action("A01"), action(None)]), "required-empty")
    assert (flag.cell, flag.message) == ("A21", "The action in row 21: Ref is empty.")


def test_a_task_with_no_officer_and_a_plan_with_no_start_year_are_flagged():
    flag = only(housing(rows=[task("HSG-01", task_officer=None)]), "required-empty")
    assert (flag.severity, flag.cell) == (AMBER, "D13")
    assert flag.message == "Task HSG-01: Task officer is empty."
    flag = only(housing(plan_start=None), "required-empty")
    assert (flag.severity, flag.cell, flag.message) == (RED, "B7", "Plan start is missing.")


def test_optional_fields_left_blank_raise_no_flag():
    rows = [action("A01", lead_agency=None, end_date=None, impact_basis=None, notes=None),
            action("A02")]  # fmt: skip
    assert leeds(rows=rows, telephone=None).flags == []
    assert housing(rows=[task("HSG-01", service_team=None, outcomes=None)]).flags == []


# --- invalid-value ----------------------------------------------------------------------------


def test_a_status_not_on_the_list_is_flagged_amber_and_left_out_of_the_counts():
    plan = leeds(rows=[action("A01", status="On hold"), action("A02")])
    flag = only(plan, "invalid-value")
    assert (flag.severity, flag.cell, flag.rule_title) == (AMBER, "H20", "Value not readable")
    assert flag.message == (
        'Status "On hold" is not one of Planned, Ongoing, Complete, Evaluation, Cancelled: '
        "choose one from the list."
    )
    assert flagged(plan, "required-empty") == []  # said once, as unreadable, not also as empty
    assert plan.figure("live_impact") == 700  # A01 counts as neither live nor delivered


def test_a_date_of_update_that_is_not_a_date_is_flagged_and_cannot_make_the_plan_stale():
    plan = leeds(date_of_update="last month")
    flag = only(plan, "invalid-value")
    assert (flag.severity, flag.cell) == (AMBER, "C11")
    assert flag.message == (
        'Date of update "last month" is not a date: enter a date such as 31/10/2008.'
    )
    assert flagged(plan, "return-stale") == []


@pytest.mark.parametrize(
    ("layout", "field", "value", "cell", "words"),
    [
        ("p44", "email", "jane at leeds", "C9", "is not an email address"),
        ("p44", "estimated_impact", "lots", "I20", "is not a whole number of 0 or more"),
        ("three_year", "completion_quarter", 13, "E13", "is not a plan quarter"),
        ("three_year", "q7", "Stalled", "L13", "is not one of Completed, In progress"),
    ],
)
def test_each_kind_of_value_that_cannot_be_read_is_flagged_at_its_cell(
    layout, field, value, cell, words
):
    if layout == "p44":
        plan = leeds(**{field: value}) if field == "email" else leeds(
            rows=[action("A01", **{field: value}), action("A02")])  # fmt: skip
    else:
        plan = housing(rows=[task("HSG-01", **{field: value}), task("HSG-02")])
    flag = only(plan, "invalid-value")
    assert (flag.severity, flag.cell) == (AMBER, cell)
    assert words in flag.message


# --- return-stale -----------------------------------------------------------------------------


def test_a_return_updated_exactly_14_days_ago_is_not_stale():
    assert flagged(leeds(date_of_update=AS_OF - timedelta(days=14)), "return-stale") == []


def test_a_return_updated_15_days_ago_is_stale_with_an_amber_flag_at_its_date():
    flag = only(leeds(date_of_update=AS_OF - timedelta(days=15)), "return-stale")
    assert (flag.severity, flag.cell, flag.rule_title) == (AMBER, "C11", "Return stale")
    assert flag.message == (
        "Last updated 05/11/2026, 15 days before 20/11/2026; updates are due every 14 days."
    )


def test_a_fortnightly_plan_updated_in_the_fortnight_before_is_this_rounds_and_can_be_stale():
    # the round is the fortnight 16/11/2026 to 29/11/2026; partners work to its due date, so
    # a plan brought up to date in the fortnight before it (from 02/11) is this round's
    plan = leeds(date_of_update=date(2026, 11, 2))
    assert plan.has_return
    assert "18 days before 20/11/2026" in only(plan, "return-stale").message


# --- a return for an earlier period -----------------------------------------------------------


def test_a_plan_dated_before_the_fortnight_before_is_last_periods_and_its_partnership_missing():
    plan = leeds(date_of_update=date(2026, 11, 1), register=LEEDS)
    assert not plan.has_return
    flag = only(plan, "return-missing")
    assert flag.severity == RED
    assert flag.message.startswith(
        "No return for this round: Leeds return.xlsx, dated 01/11/2026: a return for fortnight "
        "19/10/2026 to 01/11/2026, not this fortnight's."
    ), flag.message
    assert flagged(plan, "return-stale") == []  # said once: it is not this round's


def test_a_three_year_plan_dated_last_quarter_is_last_quarters_not_a_stale_one_of_this():
    header = {**HOUSING, **three_year_header(date_of_update=date(2026, 9, 30))}
    plan = plan_in_memory("three_year", header, [task("HSG-01")], AS_OF, register=HOUSING)
    assert not plan.has_return
    assert plan.out_of_period_said == [
        "Housing return.xlsx, dated 30/09/2026: a return for Jul–Sep 26 (2026/27 Q2), not this "
        "quarter's."
    ]
    this_quarter = {**HOUSING, **three_year_header(date_of_update=date(2026, 10, 1))}
    assert plan_in_memory("three_year", this_quarter, [task("HSG-01")], AS_OF).has_return


# --- red-without-contingency ------------------------------------------------------------------


def test_a_plan_with_red_confidence_and_no_risks_gets_a_red_flag_pointing_at_the_risks_cell():
    plan = leeds(confidence="Red", risks=None)
    flag = only(plan, "red-without-contingency")
    assert (flag.severity, flag.cell) == (RED, "H11")
    assert flag.message == (
        "Overall confidence is Red but Risks and contingency is empty: say how the plan will "
        "move from red to amber to green."
    )
    assert only(plan, "required-empty").cell == "H11"  # and the empty field itself


def test_red_confidence_with_a_contingency_or_amber_without_one_is_not_that_flag():
    assert flagged(leeds(confidence="Red"), "red-without-contingency") == []
    assert flagged(leeds(confidence="Amber", risks=None), "red-without-contingency") == []


# --- confidence-check -------------------------------------------------------------------------


def test_green_confidence_with_half_the_actions_overdue_is_questioned_at_the_confidence_cell():
    rows = [action("A01", end_date=YESTERDAY), action("A02")]
    flag = only(leeds(rows=rows, confidence="Green"), "confidence-check")
    assert (flag.severity, flag.cell) == (AMBER, "C12")
    assert flag.message == (
        "Confidence is Green, but 1 of 2 actions are overdue, which reads as Red: check the "
        "confidence, or bring the actions up to date."
    )


def test_exactly_a_quarter_of_actions_overdue_reads_as_amber_and_more_than_a_quarter_as_red():
    quarter = [action("A01", end_date=YESTERDAY), *(action(f"A0{n}") for n in (2, 3, 4))]
    assert "which reads as Amber" in only(leeds(rows=quarter, confidence="Green"),
                                          "confidence-check").message  # fmt: skip
    assert flagged(leeds(rows=quarter, confidence="Amber"), "confidence-check") == []
    more = [action("A01", end_date=YESTERDAY), *(action(f"A0{n}") for n in (2, 3))]
    assert "which reads as Red" in only(leeds(rows=more, confidence="Amber"),
                                        "confidence-check").message  # fmt: skip


def test_confidence_no_better_than_the_actions_suggest_is_not_questioned():
    assert flagged(leeds(confidence="Green"), "confidence-check") == []  # nothing overdue
    rows = [action("A01", end_date=YESTERDAY), action("A02")]
    assert flagged(leeds(rows=rows, confidence="Red"), "confidence-check") == []


# --- action-overdue ---------------------------------------------------------------------------


def test_an_action_past_its_end_date_and_not_finished_is_overdue_at_its_end_date_cell():
    plan = leeds(rows=[action("A01"), action("A02", end_date=YESTERDAY, status="Planned")])
    flag = only(plan, "action-overdue")
    assert (flag.severity, flag.cell, flag.rule_title) == (AMBER, "G21", "Action overdue")
    assert flag.message == "Action A02 (Action A02) ended 19/11/2026 but is Planned."


def test_an_action_ending_today_finished_or_open_ended_is_not_overdue():
    rows = [
        action("A01", end_date=AS_OF),
        action("A02", end_date=YESTERDAY, status="Complete"),
        action("A03", end_date=YESTERDAY, status="Evaluation"),
        action("A04", end_date=YESTERDAY, status="Cancelled"),
        action("A05", end_date=None),
    ]
    plan = leeds(rows=rows)
    assert flagged(plan, "action-overdue") == []
    assert plan.figure("overdue") == 0


def test_an_overdue_action_with_no_status_or_description_says_so():
    flag = only(leeds(rows=[action("A01"), action("A02", end_date=YESTERDAY, status="On hold",
                                                  action=None)]), "action-overdue")  # fmt: skip
    assert flag.message == "Action A02 (no description) ended 19/11/2026 but is without a status."


# --- impact-shortfall -------------------------------------------------------------------------


def test_live_actions_that_fall_short_of_the_target_are_flagged_at_the_reduction_target():
    # Leeds: baseline 20,000 x 6% = 1,200 crimes; two live actions of 100 fall short by 1,000
    plan = leeds(rows=[action("A01", estimated_impact=100), action("A02", estimated_impact=100)])
    flag = only(plan, "impact-shortfall")
    assert (flag.severity, flag.cell, flag.rule_title) == (AMBER, "C14", "Impact shortfall")
    assert flag.message == (
        "Live actions are estimated to prevent 200 crimes and delivered ones 0 (200 in all); "
        "the target needs 1200 (6% of 20000): 1000 short."
    )


def test_a_partnership_still_short_after_what_it_delivered_is_told_by_how_much():
    plan = leeds(rows=[action("A01", status="Complete", estimated_impact=600),
                       action("A02", estimated_impact=100)])  # fmt: skip
    assert only(plan, "impact-shortfall").message == (
        "Live actions are estimated to prevent 100 crimes and delivered ones 600 (700 in all); "
        "the target needs 1200 (6% of 20000): 500 short."
    )


def test_a_partnership_that_has_delivered_what_its_target_needs_is_not_short():
    # Leeds needs 1,200: 1,100 already delivered by complete and evaluated actions, 200 live
    plan = leeds(rows=[action("A01", status="Complete", estimated_impact=600),
                       action("A02", status="Evaluation", estimated_impact=500),
                       action("A03", estimated_impact=200)])  # fmt: skip
    assert flagged(plan, "impact-shortfall") == []
    assert (plan.figure("live_impact"), plan.figure("delivered_impact")) == (200, 1100)
    assert (plan.figure("reduction_needed"), plan.figure("impact_shortfall")) == (1200, 0)


def test_impact_exactly_meeting_the_reduction_needed_is_not_short_and_one_crime_less_is():
    enough = [action("A01", status="Complete", estimated_impact=600),
              action("A02", estimated_impact=600)]  # fmt: skip
    assert flagged(leeds(rows=enough), "impact-shortfall") == []
    short = [action("A01", status="Complete", estimated_impact=600),
             action("A02", estimated_impact=599)]  # fmt: skip
    assert only(leeds(rows=short), "impact-shortfall").message.endswith(": 1 short.")


def test_cancelled_actions_count_towards_nothing():
    rows = [action("A01", status="Cancelled", estimated_impact=5000),
            action("A02", estimated_impact=100)]  # fmt: skip
    assert only(leeds(rows=rows), "impact-shortfall").message.endswith(": 1100 short.")


def test_without_a_baseline_no_shortfall_can_be_told():
    plan = leeds(rows=[action("A01", estimated_impact=1)], baseline=None)
    assert flagged(plan, "impact-shortfall") == []
    assert (plan.figure("reduction_needed"), plan.figure("impact_shortfall")) == (None, None)


def test_the_registers_baseline_and_target_are_used_when_the_return_leaves_them_blank():
    rows = [action("A01", estimated_impact=100)]
    plan = leeds(rows=rows, baseline=None, reduction_target=None,
                 register={"baseline": 10000, "reduction_target": 5})  # fmt: skip
    assert plan.figure("reduction_needed") == 500
    assert only(plan, "impact-shortfall").message.endswith(
        "the target needs 500 (5% of 10000): 400 short."
    )


# --- nothing-planned-ahead --------------------------------------------------------------------


def test_a_plan_with_nothing_in_the_next_four_weeks_is_flagged_without_a_cell():
    later = AS_OF + timedelta(days=60)
    flag = only(leeds(rows=[action("A01", start_date=later, end_date=later, status="Planned")]),
                "nothing-planned-ahead")  # fmt: skip
    assert (flag.severity, flag.cell, flag.rule_title) == (AMBER, None, "Nothing planned ahead")
    assert flag.message == (
        "No Planned or Ongoing action falls in the next four weeks (20/11/2026 to 18/12/2026)."
    )


def test_an_action_starting_on_the_28th_day_counts_as_planned_ahead_and_the_29th_does_not():
    def starting(days):
        start = AS_OF + timedelta(days=days)
        return leeds(rows=[action("A01", start_date=start, end_date=None, status="Planned")])

    assert flagged(starting(28), "nothing-planned-ahead") == []
    assert len(flagged(starting(29), "nothing-planned-ahead")) == 1


def test_live_work_must_not_have_ended_before_today_to_count():
    def ending(day, status="Ongoing"):
        return leeds(rows=[action("A01", end_date=day, status=status)])

    assert flagged(ending(AS_OF), "nothing-planned-ahead") == []
    assert flagged(ending(None), "nothing-planned-ahead") == []  # open-ended work
    assert len(flagged(ending(YESTERDAY), "nothing-planned-ahead")) == 1
    assert len(flagged(ending(TOMORROW, "Complete"), "nothing-planned-ahead")) == 1


def test_an_empty_plan_has_nothing_planned_ahead():
    assert len(flagged(leeds(rows=[]), "nothing-planned-ahead")) == 1


# --- task-overdue -----------------------------------------------------------------------------


def test_a_task_whose_completion_quarter_has_passed_is_overdue_at_its_quarter_cell():
    rows = [task("HSG-01"), task("HSG-02", completion_quarter=5, q7="Delayed",
                                 progress_report="Waiting on the supplier")]  # fmt: skip
    flag = only(housing(rows=rows), "task-overdue")
    assert (flag.severity, flag.cell, flag.rule_title) == (AMBER, "E14", "Task overdue")
    assert flag.message == (
        "Task HSG-02 (Task HSG-02) was due in quarter 5 (Apr–Jun 26) but its latest status is "
        "Delayed."
    )


def test_a_task_is_overdue_from_the_day_after_its_quarter_ends():
    rows = [task("HSG-01", completion_quarter=7)]  # Q7 is Oct–Dec 26
    assert flagged(housing(rows=rows, as_of=date(2026, 12, 31)), "task-overdue") == []
    new_year = date(2027, 1, 1)  # (a return dated in Q7 would be last quarter's by then)
    flag = only(housing(rows=rows, as_of=new_year, date_of_update=new_year), "task-overdue")
    assert "quarter 7 (Oct–Dec 26)" in flag.message and "In progress" in flag.message


def test_a_task_finished_in_an_earlier_quarter_is_not_overdue():
    rows = [task("HSG-01", completion_quarter=5, q5="Completed", q6=None, q7=None),
            task("HSG-02", completion_quarter=5, q6="No longer relevant", q7=None,
                 progress_report="Merged into HSG-01")]  # fmt: skip
    plan = housing(rows=rows)
    assert flagged(plan, "task-overdue") == []
    assert plan.figure("overdue") == 0


def test_an_overdue_task_with_no_status_at_all_says_it_is_blank():
    rows = [task("HSG-01", completion_quarter=6, **{f"q{n}": None for n in range(1, 8)})]
    assert only(housing(rows=rows), "task-overdue").message.endswith(
        "but its latest status is blank."
    )


# --- quarter-not-updated ----------------------------------------------------------------------


def test_tasks_without_a_status_this_quarter_are_flagged_once_with_their_refs():
    plan = housing(rows=[task("HSG-01", q7=None), task("HSG-02", q7=None), task("HSG-03")])
    flag = only(plan, "quarter-not-updated")
    assert (flag.severity, flag.cell, flag.rule_title) == (
        AMBER, "L12", "Current quarter not updated",
    )  # fmt: skip
    assert flag.message == "Q7 (Oct–Dec 26) has no status for 2 of 3 tasks: HSG-01, HSG-02."


def test_a_task_finished_in_an_earlier_quarter_needs_no_status_this_quarter():
    rows = [task("HSG-01", q5="Completed", q6=None, q7=None),
            task("HSG-02", q6="No longer relevant", q7=None, progress_report="Not needed"),
            task("HSG-03", q7=None), task("HSG-04")]  # fmt: skip
    flag = only(housing(rows=rows), "quarter-not-updated")
    assert flag.message == "Q7 (Oct–Dec 26) has no status for 1 of 4 tasks: HSG-03."


def test_more_than_eight_tasks_not_updated_are_listed_eight_and_an_ellipsis():
    rows = [task(f"HSG-{n:02d}", q7=None) for n in range(1, 11)]
    flag = only(housing(rows=rows), "quarter-not-updated")
    assert flag.message == (
        "Q7 (Oct–Dec 26) has no status for 10 of 10 tasks: HSG-01, HSG-02, HSG-03, HSG-04, "
        "HSG-05, HSG-06, HSG-07, HSG-08, …."
    )


def test_a_new_quarters_status_is_only_wanted_once_that_quarter_has_begun():
    rows = [task("HSG-01", q7=None)]
    before = housing(rows=rows, as_of=date(2026, 9, 30), date_of_update=date(2026, 9, 25))
    assert flagged(before, "quarter-not-updated") == []
    after = housing(rows=rows, as_of=date(2026, 10, 1), date_of_update=date(2026, 10, 1))
    assert only(after, "quarter-not-updated").message.startswith("Q7 (Oct–Dec 26)")


# --- delayed-without-report -------------------------------------------------------------------


def test_a_delayed_task_without_a_progress_report_is_flagged_at_the_report_cell():
    rows = [task("HSG-01", q7="Delayed"), task("HSG-02", q7="Delayed", progress_report="Why")]
    flag = only(housing(rows=rows), "delayed-without-report")
    assert (flag.severity, flag.cell, flag.rule_title) == (
        AMBER, "R13", "Delayed without progress report",
    )  # fmt: skip
    assert flag.message == "Task HSG-01 is Delayed but has no progress report saying why."


def test_a_task_no_longer_relevant_without_a_report_is_flagged_too():
    flag = only(housing(rows=[task("HSG-01", q7="No longer relevant")]), "delayed-without-report")
    assert flag.message == (
        "Task HSG-01 is No longer relevant but has no progress report saying why."
    )


def test_a_task_delayed_last_quarter_and_back_in_progress_needs_no_report():
    rows = [task("HSG-01", q6="Delayed", q7="In progress")]
    assert flagged(housing(rows=rows), "delayed-without-report") == []


# --- significant-delayed ----------------------------------------------------------------------


def test_a_delayed_task_significant_for_the_council_plan_is_escalated_red_at_its_ref():
    rows = [task("HSG-01"), task("HSG-02", q7="Delayed", cp3="Significant", progress_report="Late")]
    flag = only(housing(rows=rows), "significant-delayed")
    assert (flag.severity, flag.cell, flag.rule_title) == (RED, "A14", "Council Plan task delayed")
    assert flag.message == (
        "Task HSG-02 is Delayed and significant for Council Plan priority 3: escalate to Cabinet."
    )


def test_every_priority_a_delayed_task_is_significant_for_is_named():
    rows = [task("HSG-01", q7="Delayed", cp1="Significant", cp2="Contributes",
                 cp4="Significant", progress_report="Late")]  # fmt: skip
    assert "priority 1, 4:" in only(housing(rows=rows), "significant-delayed").message


def test_a_task_that_only_contributes_or_is_not_delayed_is_not_escalated():
    rows = [task("HSG-01", q7="Delayed", cp3="Contributes", progress_report="Late"),
            task("HSG-02", cp3="Significant"),
            task("HSG-03", q6="Delayed", q7="In progress", cp3="Significant")]  # fmt: skip
    assert flagged(housing(rows=rows), "significant-delayed") == []


# --- the layouts' own rules stay in their layouts ---------------------------------------------


def test_a_three_year_plan_is_never_given_a_priority_44_flag_nor_the_other_way_round():
    p44_only = {"red-without-contingency", "confidence-check", "action-overdue",
                "impact-shortfall", "nothing-planned-ahead"}  # fmt: skip
    three_year_only = {"task-overdue", "quarter-not-updated", "delayed-without-report",
                       "significant-delayed"}  # fmt: skip
    # each plan as bad as it can be: everything overdue, delayed, significant, not updated
    tasks = [task("HSG-01", completion_quarter=1, q6="Delayed", q7=None, cp1="Significant")]
    actions = [action("A01", end_date=YESTERDAY, estimated_impact=0)]
    bad_housing = {f.rule for f in housing(rows=tasks).flags}
    bad_leeds = {f.rule for f in leeds(rows=actions, confidence="Green").flags}
    assert bad_housing == three_year_only and bad_leeds == p44_only - {"red-without-contingency"}
    assert flagged(leeds(confidence="Red", risks=None), "red-without-contingency")


# --- the plan measures ------------------------------------------------------------------------

PLAN_MEASURES = ("rows", "complete", "overdue", "not_updated", "live_impact", "delivered_impact",
            "reduction_needed", "impact_shortfall")  # fmt: skip


def figures(plan):
    return {name: plan.figure(name) for name in PLAN_MEASURES}


def test_a_priority_44_plans_figures():
    rows = [
        action("A01", status="Planned", estimated_impact=100),
        action("A02", status="Ongoing", estimated_impact=200, end_date=YESTERDAY),  # overdue
        action("A03", status="Complete", estimated_impact=300, end_date=YESTERDAY),
        action("A04", status="Evaluation", estimated_impact=400),
        action("A05", status="Cancelled", estimated_impact=5000, end_date=YESTERDAY),
        action("A06", status="Ongoing", estimated_impact="lots"),  # unreadable: counts nothing
    ]
    assert figures(leeds(rows=rows)) == {
        "rows": 6, "complete": 2, "overdue": 1, "not_updated": None,  # not a p44 measure
        "live_impact": 300, "delivered_impact": 700, "reduction_needed": 1200,
        "impact_shortfall": 200,
    }  # fmt: skip


def test_a_three_year_plans_figures():
    rows = [
        task("HSG-01", q5="Completed", q6=None, q7=None),  # complete, not owed a Q7 status
        task("HSG-02", completion_quarter=6, q7="Delayed", progress_report="Late"),  # overdue
        task("HSG-03", q7=None),  # not updated
        task("HSG-04", q6="No longer relevant", q7=None, progress_report="Gone"),  # closed
        task("HSG-05", q8="Completed"),  # Q8 is next quarter: not complete yet
    ]
    assert figures(housing(rows=rows)) == {
        "rows": 5, "complete": 1, "overdue": 1, "not_updated": 1, "live_impact": None,
        "delivered_impact": None, "reduction_needed": None, "impact_shortfall": None,
    }  # fmt: skip


def test_an_empty_table_counts_zero_and_a_missing_return_counts_nothing():
    empty = figures(leeds(rows=[]))
    assert (empty["rows"], empty["complete"], empty["overdue"]) == (0, 0, 0)
    assert (empty["live_impact"], empty["delivered_impact"], empty["impact_shortfall"]) == (
        0, 0, 1200,
    )  # fmt: skip
    missing = plan_in_memory("p44", {"partnership": "Leeds"}, as_of=AS_OF,
                             register={"baseline": 20000, "reduction_target": 6},
                             returned=False)  # fmt: skip
    assert figures(missing) == {**dict.fromkeys(PLAN_MEASURES), "reduction_needed": 1200}


@pytest.mark.parametrize(
    ("baseline", "target", "needed"),
    [(20000, 6, 1200), (1250, 2.5, 31), (333, 1.5, 5), (None, 6, None), (20000, None, None)],
)
def test_the_reduction_needed_is_the_baseline_times_the_target_rounded(baseline, target, needed):
    plan = leeds(baseline=baseline, reduction_target=target)
    assert plan.figure("reduction_needed") == needed


def test_the_shortfall_is_never_below_zero():
    rows = [action("A01", estimated_impact=5000)]
    assert leeds(rows=rows).figure("impact_shortfall") == 0
