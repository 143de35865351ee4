"""A plan's rows as the round holds them (``declare.rows``): read by name as a dict is, equal
to the dict of their values, and small enough that a national round's 200,000 rows fit in
its memory budget."""

from __future__ import annotations

import pickle
import tracemalloc
from datetime import date

import pytest
from builders import AS_OF, task, three_year_header
from plans_in_memory import plan_in_memory

from pipeline.declare.rows import Block, Names, Row, extended, field_values, picked
from pipeline.round.consolidation import follow_rows

HOUSING = {"business_unit": "Housing", "code": "HSG", "head_of_service": "Ian Clarke",
           "plan_start": 2025}  # fmt: skip


def housing(tasks: int = 2):
    """Housing's three-year plan with ``tasks`` tasks, as the pipeline makes it."""
    rows = [task(f"HSG-{n:04d}") for n in range(1, tasks + 1)]
    return plan_in_memory("three_year", {**HOUSING, **three_year_header()}, rows, AS_OF)


def test_a_task_is_read_by_name_as_a_dict_is_and_equals_the_dict_of_its_values():
    plan = housing()
    first = plan.items[0]
    assert isinstance(first, Row)
    assert first["ref"] == "HSG-0001" and first.get("ref") == "HSG-0001"
    assert first.get("no such field") is None and first.get("no such field", 0) == 0
    assert "status_now" in first and "no such field" not in first
    as_dict = dict(first)
    assert as_dict == first and first == as_dict  # either way round
    assert list(first) == list(as_dict) and len(first) == len(as_dict)
    assert {**first}["status_now"] == "In progress"
    assert first != plan.items[1]
    with pytest.raises(KeyError, match="no such field"):
        first["no such field"]


def test_adding_to_a_row_keeps_its_order_and_replaces_a_value_it_has_as_a_dict_would():
    row = Row.of({"ref": "A01", "status": "Planned", "due": None})
    added = row.plus({"due": date(2026, 12, 1), "overdue": False})
    assert list(added) == ["ref", "status", "due", "overdue"]
    assert added == {"ref": "A01", "status": "Planned", "due": date(2026, 12, 1),
                     "overdue": False}  # fmt: skip
    assert row == {"ref": "A01", "status": "Planned", "due": None}  # the row itself unchanged
    assert row.plus({"overdue": True}) == {**row, "overdue": True}


def test_many_rows_of_several_shapes_are_read_and_added_to_as_one_row_at_a_time_would_be():
    # rows of two shapes, and a plain dict: each read by the places of its own shape
    short = [Row.of({"ref": f"A{n}", "status": "Planned"}) for n in range(3)]
    long = [Row.of({"status": "Complete", "ref": "B1", "due": date(2026, 1, 5)})]
    rows = [*short, *long, {"ref": "C1"}, short[0]]
    wanted = ("due", "ref")
    assert list(picked(rows, wanted)) == [tuple(row.get(f) for f in wanted) for row in rows]
    assert list(picked(rows, ("ref",))) == [(row["ref"],) for row in rows]
    assert list(picked(rows, ())) == [()] * len(rows)
    # a field a row has is replaced where it is, a new one goes on the end, as ``plus`` does
    added = [(n, f"x{n}") for n in range(len(rows))]
    made = extended(rows, ("overdue", "status"), added)
    assert made == [Row.of(row).plus({"overdue": n, "status": x})
                    for row, (n, x) in zip(rows, added)]  # fmt: skip
    assert [list(row) for row in made[2:4]] == [["ref", "status", "overdue"],
                                                ["status", "ref", "due", "overdue"]]  # fmt: skip
    assert rows[0] == {"ref": "A0", "status": "Planned"}  # the rows themselves unchanged


def test_rows_as_read_are_read_and_added_to_as_the_same_rows_one_at_a_time_would_be():
    # a return's rows as read (a Block: their values alone) give what rows of them give
    names = Names.of(("ref", "status", "due"))
    values = [("A1", "Planned", None), ("A2", "Complete", date(2026, 1, 5))]
    block, rows = Block(names, values), [Row(names, v) for v in values]
    assert len(block) == 2 and list(block) == rows and block[1] == rows[1]
    assert block[:1] == rows[:1]
    for wanted in (("due", "ref"), ("ref",), ("no such field", "status"), ()):
        assert list(picked(block, wanted)) == list(picked(rows, wanted))
    for name in ("status", "no such field"):
        assert list(field_values(block, name)) == [row.get(name) for row in rows]
    added = [(True,), (False,)]
    more = extended(block, ("overdue",), added)  # (still held as values, as added to again)
    assert isinstance(more, Block) and list(more) == extended(rows, ("overdue",), added)
    assert list(field_values(more, "overdue")) == [True, False]
    # a field it has is replaced where it is, as ``plus`` does
    assert list(extended(block, ("status",), added)) == [row.plus({"status": x}) for row, (x,)
                                                        in zip(rows, added)]  # fmt: skip


def test_a_row_sent_to_another_process_comes_back_equal():
    row = housing().items[0]
    assert pickle.loads(pickle.dumps(row)) == row


def test_a_large_plans_tasks_take_a_third_of_the_memory_they_took_as_dicts():
    """As dicts a three-year task took 1.6 KB (44 names, each row its own table of them): at
    the national round's 100,000 tasks, 160 MB of the process's peak."""
    plan = housing(tasks=2000)
    plan.items = []
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        follow_rows(plan, AS_OF)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(plan.items) == 2000 and len(plan.items[0]) == 44
    assert held / len(plan.items) < 600
