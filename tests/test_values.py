"""Reading what partners type: generous, and honest about every guess."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.declare import LAYOUTS, Kind
from pipeline.values import KINDS, read_value

P44 = LAYOUTS["p44"]
THREE = LAYOUTS["three_year"]


@pytest.mark.parametrize(
    ("field", "typed", "meant", "guessed"),
    [
        ("start_date", date(2008, 10, 31), date(2008, 10, 31), False),
        ("start_date", "31/10/08", date(2008, 10, 31), True),
        ("start_date", "31/10/2008", date(2008, 10, 31), True),
        ("start_date", "1.3.2008", date(2008, 3, 1), True),
        ("start_date", "Oct 2008", date(2008, 10, 1), True),
        ("end_date", "Oct 2008", date(2008, 10, 31), True),
        ("start_date", "Q3 2008/09", date(2008, 10, 1), True),
        ("end_date", "Q3 2008/09", date(2008, 12, 31), True),
        ("end_date", "2008/09 Q4", date(2009, 3, 31), True),
        ("start_date", "31st October 2008", date(2008, 10, 31), True),
        ("start_date", 39752.0, date(2008, 10, 31), True),
        ("status", "Ongoing", "Ongoing", False),
        ("status", "ongoing", "Ongoing", False),
        ("status", "Done ", "Complete", True),
        ("status", "completed", "Complete", True),
        ("status", "in progress", "Ongoing", True),
        ("status", "Ongoin", "Ongoing", True),
        ("category", "WoA", "Week of Action", True),
        ("category", "dip / ppo", "DIP/PPO", False),
        ("calendar_event", "Yes", "Yes", False),
        ("calendar_event", "Y", "Yes", True),
        ("calendar_event", "x", "Yes", True),
        ("estimated_impact", 25.0, 25, False),
        ("estimated_impact", "1,200", 1200, False),
        ("estimated_impact", "approx 40", 40, True),
        ("reduction_target", "6%", 6.0, False),
        ("reduction_target", 0.06, 6.0, True),
        ("email", "mailto:a@b.gov.uk", "a@b.gov.uk", True),
    ],
)
def test_a_value_is_read_as_what_the_partner_meant(field, typed, meant, guessed):
    reading = read_value(typed, P44.field(field))
    assert reading.value == meant
    assert (reading.guess is not None) is guessed


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("start_date", "31/02/2008"),  # no such day
        ("start_date", "next week"),
        ("status", "On hold"),
        ("estimated_impact", "TBC"),
        ("estimated_impact", 12.5),
    ],
)
def test_a_value_that_cannot_be_read_is_passed_on_untouched_for_the_checker(field, typed):
    reading = read_value(typed, P44.field(field))
    assert reading.value == (typed.strip() if isinstance(typed, str) else typed)
    assert reading.guess is None


def test_blank_cells_read_as_nothing():
    for blank in (None, "", "   ", float("nan")):
        assert read_value(blank, P44.field("status")).value is None


@pytest.mark.parametrize(
    ("typed", "meant"), [(5, 5), ("Q5", 5), ("5 Apr–Jun 07", 5), ("quarter 12", 12)]
)
def test_quarter_for_completion_reads_its_number(typed, meant):
    assert read_value(typed, THREE.field("completion_quarter")).value == meant


def test_task_statuses_typed_by_hand_are_read_with_a_warning():
    reading = read_value("late", THREE.field("q3"))
    assert reading.value == "Delayed"
    assert reading.guess == 'read "late" as "Delayed"'


def test_every_kind_is_written_as_a_column_kind_the_workbook_formats():
    from pipeline.report.tables import DATE, INT, LONG, NUMBER, TEXT

    assert {KINDS[k].written_as for k in Kind} == {TEXT, LONG, DATE, INT, NUMBER}
    assert KINDS[Kind.DATE].written_as == DATE and KINDS[Kind.PERCENT].written_as == NUMBER


@pytest.mark.parametrize(
    ("typed", "meant", "guessed"),
    [
        ("2017/18 Q3", "2017/18 Q3", False),
        ("Q3 2017/18", "2017/18 Q3", True),
        ("quarter 3 2017-2018", "2017/18 Q3", True),
        ("2017-18 q3", "2017/18 Q3", True),
        ("2017/19 Q3", "2017/19 Q3", False),  # not a financial year: left for the check
        ("Q0", "Q0", False),
    ],
)
def test_a_financial_quarter_is_written_the_boards_way(typed, meant, guessed):
    field = LAYOUTS["pcc_delivery"].field("quarter")
    reading = read_value(typed, field)
    assert (reading.value, reading.guess is not None) == (meant, guessed)
    assert KINDS[Kind.FY_QUARTER].valid(reading.value) == (meant == "2017/18 Q3")
