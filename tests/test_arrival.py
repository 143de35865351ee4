"""When a return was received, and which of identical files is counted.

"Received" is when the file arrived: when the pipeline first saw it, or its modified time if
that is earlier. Of identical files the one that arrived first is counted.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day

import pytest
from builders import AS_OF, p44_return, the_clock_moves_on
from click.testing import CliRunner
from workbook_reading import sheet_records, tracker

from pipeline.cli import cli
from pipeline.intake import RECEIVED_MEANS, arrival, copy_marks, counted_first
from pipeline.layouts import LAYOUTS
from pipeline.run import run


def arrived(path, when: datetime) -> None:
    """Give a file the modified time ``when`` (local time), as if it arrived then."""
    os.utime(path, (when.timestamp(), when.timestamp()))


def returns_log(path) -> dict[str, dict]:
    return {r["File"]: r for r in sheet_records(path, "Returns Log")}


def received(row) -> datetime:
    """A Returns Log row's Received, to the second (a spreadsheet keeps times as fractions of a
    day, which may come back a few microseconds out)."""
    return (row["Received"] + timedelta(milliseconds=500)).replace(microsecond=0)


# --- the rule -----------------------------------------------------------------------------------


def test_received_is_the_earlier_of_first_seen_and_modified_to_the_second():
    seen = datetime(2026, 11, 20, 10, 0, 0, 500_000)
    saved = datetime(2026, 11, 18, 9, 30, 0, 700_000)
    assert arrival(seen, saved.timestamp()) == datetime(2026, 11, 18, 9, 30, 0)
    assert arrival(seen, (seen + timedelta(days=1)).timestamp()) == datetime(2026, 11, 20, 10)
    assert arrival(seen, None) == datetime(2026, 11, 20, 10)
    assert arrival(seen, float("nan")) == datetime(2026, 11, 20, 10)  # not a time at all
    assert "first saw" in RECEIVED_MEANS and "modified" in RECEIVED_MEANS


@pytest.fixture
def london(monkeypatch):
    """The machine's clock set to UK time (summer time in July)."""
    monkeypatch.setenv("TZ", "Europe/London")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_modified_time_is_read_in_local_time(london):
    saved = datetime(2026, 7, 1, 8, 30, tzinfo=UTC).timestamp()  # 09:30 in London (BST)
    assert arrival(datetime(2026, 7, 2, 12, 0), saved) == datetime(2026, 7, 1, 9, 30)


COPY_MARKS = {
    "leeds.xlsx": 0,
    "from-email/leeds.xlsx": 0,
    "copy.xlsx": 0,
    "Leeds (resent).xlsx": 0,
    "Copy of.xlsx": 0,
    "leeds (1).xlsx": 1,
    "leeds(2).xlsx": 1,
    "Copy of leeds.xlsx": 1,
    "Copy (2) of leeds.xlsx": 1,
    "leeds - Copy.xlsx": 1,
    "leeds - Copy (3).xlsx": 1,
    "leeds copy.xlsx": 1,
    "leeds copy 2.xlsx": 1,
    "Copy of leeds (1).xlsx": 2,
    "Copy of Copy of leeds.xlsx": 2,
    "leeds - Copy - Copy.xlsx": 2,
}


@pytest.mark.parametrize(("name", "marks"), COPY_MARKS.items())
def test_marks_of_copying_are_counted(name, marks):
    assert copy_marks(name) == marks


def test_of_identical_files_arriving_together_the_plainest_name_is_counted_first():
    names = ["leeds copy 2.xlsx", "Copy of leeds.xlsx", "leeds (1).xlsx", "sub/leeds.xlsx",
             "leeds - Copy.xlsx", "leeds.xlsx", "Leeds.xlsx", "Copy of leeds (1).xlsx"]  # fmt: skip
    at = datetime(2026, 11, 18, 9, 0)
    assert sorted(names, key=lambda n: counted_first(at, n)) == [
        "Leeds.xlsx",  # plain, as short, and first alphabetically (then by case)
        "leeds.xlsx",
        "sub/leeds.xlsx",  # plain, but longer
        "leeds (1).xlsx",  # one mark of copying: shortest first
        "leeds - Copy.xlsx",
        "leeds copy 2.xlsx",
        "Copy of leeds.xlsx",
        "Copy of leeds (1).xlsx",  # two marks
    ]


def test_of_identical_files_the_one_that_arrived_first_is_counted_whatever_its_name():
    at = datetime(2026, 11, 18, 9, 0)
    earlier = at - timedelta(seconds=1)
    assert counted_first(earlier, "Copy of leeds.xlsx") < counted_first(at, "leeds.xlsx")


# --- stories --------------------------------------------------------------------------------------


def test_a_file_modified_before_it_was_first_seen_is_received_at_its_modified_time(tmp_path, inbox):
    path = p44_return(inbox, name="leeds.xlsx")
    arrived(path, datetime(2026, 11, 17, 14, 5, 9))
    result = run(inbox, tmp_path / "outbox", as_of=AS_OF)
    assert received(returns_log(result.path)["leeds.xlsx"]) == datetime(2026, 11, 17, 14, 5, 9)
    # the store still knows when the pipeline first saw it: this run
    db = sqlite3.connect(result.store)
    [(first_seen,)] = db.execute("SELECT first_seen FROM files").fetchall()
    assert datetime.fromisoformat(first_seen) > datetime.now() - timedelta(minutes=5)


def test_a_file_saved_after_it_was_first_seen_is_received_when_first_seen(tmp_path, inbox):
    # its modified time is ahead of the clock (say, saved on a machine whose clock is fast)
    path = p44_return(inbox, name="leeds.xlsx")
    arrived(path, datetime.now() + timedelta(days=2))
    before = datetime.now().replace(microsecond=0)
    result = run(inbox, tmp_path / "outbox", as_of=AS_OF)
    assert before <= received(returns_log(result.path)["leeds.xlsx"]) <= datetime.now()


def test_a_run_today_with_as_of_last_week_shows_each_file_received_when_it_arrived(
    tmp_path, inbox, registers
):
    as_of = date.today() - timedelta(days=7)
    due = as_of - timedelta(days=2)
    at = {
        "leeds.xlsx": datetime.combine(due - timedelta(days=2), time_of_day(10)),
        "bradford.xlsx": datetime.combine(due + timedelta(days=1), time_of_day(15)),
    }
    arrived(p44_return(inbox, name="leeds.xlsx", date_of_update=as_of), at["leeds.xlsx"])
    late = p44_return(inbox, organisation="Bradford", name="bradford.xlsx", date_of_update=as_of)
    arrived(late, at["bradford.xlsx"])
    result = CliRunner().invoke(
        cli,
        ["run", "--inbox", str(inbox), "--outbox", str(tmp_path / "outbox"), "--register",
         str(registers["p44"]), "--as-of", as_of.isoformat(), "--due", due.isoformat()],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    path = tmp_path / "outbox" / f"consolidated-{as_of.isoformat()}.xlsx"
    log = returns_log(path)
    assert {name: received(row) for name, row in log.items()} == at
    assert all(received(row).date() <= as_of for row in log.values())
    p44 = tracker(path)["Priority 44 Partnership Action Plan"]
    assert p44["Late"] == 1  # Bradford came the day after the due date; Leeds before it


def test_a_return_from_an_earlier_run_of_the_round_is_received_when_it_arrived(tmp_path, inbox):
    arrived(p44_return(inbox, name="leeds.xlsx"), datetime(2026, 11, 16, 11, 0))
    run(inbox, tmp_path / "outbox", as_of=AS_OF - timedelta(days=2))
    shutil.rmtree(inbox)  # the inbox is cleaned between the runs
    inbox.mkdir()
    arrived(p44_return(inbox, organisation="Bradford"), datetime(2026, 11, 19, 16, 0))
    result = run(inbox, tmp_path / "outbox", as_of=AS_OF)
    log = returns_log(result.path)
    assert received(log["leeds.xlsx"]) == datetime(2026, 11, 16, 11, 0)
    assert received(log["Bradford return.xlsx"]) == datetime(2026, 11, 19, 16, 0)


def test_a_file_run_again_is_still_received_when_it_arrived(tmp_path, inbox):
    path = p44_return(inbox, name="leeds.xlsx")
    arrived(path, datetime(2026, 11, 17, 8, 0))
    run(inbox, tmp_path / "outbox", as_of=AS_OF)
    arrived(path, datetime.now())  # opened and saved again unchanged: the store knows better
    result = run(inbox, tmp_path / "outbox", as_of=AS_OF)
    assert received(returns_log(result.path)["leeds.xlsx"]) == datetime(2026, 11, 17, 8, 0)


def test_a_return_saved_again_as_leeds_1_later_is_the_duplicate(tmp_path, inbox):
    original = p44_return(inbox, name="leeds.xlsx")
    again = inbox / "leeds (1).xlsx"
    shutil.copyfile(original, again)
    arrived(original, datetime(2026, 11, 12, 9, 0))
    arrived(again, datetime(2026, 11, 13, 17, 30))
    result = run(inbox, tmp_path / "outbox", as_of=AS_OF)
    log = returns_log(result.path)
    assert log["leeds.xlsx"]["Status"] == "accepted"
    assert log["leeds (1).xlsx"]["Status"] == "duplicate"
    assert log["leeds (1).xlsx"]["Reason"] == "identical to leeds.xlsx; counted once"
    # each is received when it arrived
    assert received(log["leeds.xlsx"]) == datetime(2026, 11, 12, 9, 0)
    assert received(log["leeds (1).xlsx"]) == datetime(2026, 11, 13, 17, 30)


def test_a_return_copied_as_copy_of_bradford_that_arrived_earlier_is_the_one_counted(
    tmp_path, inbox
):
    copy = p44_return(inbox, organisation="Bradford", name="Copy of bradford.xlsx")
    later = inbox / "bradford.xlsx"
    shutil.copyfile(copy, later)
    arrived(copy, datetime(2026, 11, 12, 9, 0))
    arrived(later, datetime(2026, 11, 12, 9, 1))
    result = run(inbox, tmp_path / "outbox", as_of=AS_OF)
    log = returns_log(result.path)
    assert log["Copy of bradford.xlsx"]["Status"] == "accepted"
    assert log["bradford.xlsx"]["Status"] == "duplicate"
    assert "identical to Copy of bradford.xlsx" in log["bradford.xlsx"]["Reason"]
    [plan] = sheet_records(result.path, "Overview")
    assert plan["Organisation"] == "Bradford"


def test_of_copies_that_arrived_together_the_plainer_name_is_counted(tmp_path, inbox):
    original = p44_return(inbox, name="leeds.xlsx")
    for name in ("Copy of leeds.xlsx", "leeds - Copy.xlsx"):  # copied keeping the modified time
        shutil.copy2(original, inbox / name)
    result = run(inbox, tmp_path / "outbox", as_of=AS_OF)
    statuses = {name: row["Status"] for name, row in returns_log(result.path).items()}
    assert statuses == {"leeds.xlsx": "accepted", "Copy of leeds.xlsx": "duplicate",
                        "leeds - Copy.xlsx": "duplicate"}  # fmt: skip


def test_a_file_from_an_earlier_run_stays_counted_when_an_earlier_copy_turns_up(tmp_path, inbox):
    original = p44_return(inbox, name="leeds.xlsx")
    arrived(original, datetime(2026, 11, 12, 9, 0))
    run(inbox, tmp_path / "outbox", as_of=AS_OF)
    copy = inbox / "Copy of leeds.xlsx"
    shutil.copyfile(original, copy)
    arrived(copy, datetime(2026, 11, 2, 9, 0))  # a copy kept on a laptop, older still
    result = run(inbox, tmp_path / "outbox", as_of=AS_OF)
    log = returns_log(result.path)
    assert log["leeds.xlsx"]["Status"] == "accepted"
    assert log["Copy of leeds.xlsx"]["Status"] == "duplicate"
    assert log["Copy of leeds.xlsx"]["Reason"] == "identical to leeds.xlsx; counted once"
    assert received(log["Copy of leeds.xlsx"]) == datetime(2026, 11, 2, 9, 0)


def test_a_copy_of_a_file_no_longer_in_the_inbox_says_when_that_file_was_received(tmp_path, inbox):
    original = p44_return(inbox, name="leeds.xlsx")
    arrived(original, datetime(2026, 11, 12, 9, 0))
    run(inbox, tmp_path / "outbox", as_of=AS_OF)
    original.rename(inbox / "leeds (resent).xlsx")
    arrived(inbox / "leeds (resent).xlsx", datetime(2026, 11, 19, 9, 0))
    result = run(inbox, tmp_path / "outbox", as_of=AS_OF)
    row = returns_log(result.path)["leeds (resent).xlsx"]
    assert row["Status"] == "duplicate"
    assert row["Reason"] == "identical to leeds.xlsx, first received 12/11/2026; counted once"
    assert received(row) == datetime(2026, 11, 19, 9, 0)


def test_running_twice_changes_no_date_even_for_a_copy_saved_in_the_future(tmp_path, inbox):
    original = p44_return(inbox, name="leeds.xlsx")
    arrived(original, datetime(2026, 11, 12, 9, 0))
    copy = inbox / "leeds (1).xlsx"
    shutil.copyfile(original, copy)
    arrived(copy, datetime.now() + timedelta(days=1))  # a clock running fast
    first = returns_log(run(inbox, tmp_path / "outbox", as_of=AS_OF).path)
    the_clock_moves_on()  # between the runs
    second = returns_log(run(inbox, tmp_path / "outbox", as_of=AS_OF).path)
    assert second == first
    assert first["leeds (1).xlsx"]["Status"] == "duplicate"


# --- the demo -------------------------------------------------------------------------------------


def test_the_demo_shows_no_file_received_after_its_date_and_the_late_ones_late(demo_round):
    _, _, path = demo_round
    log = sheet_records(path, "Returns Log")
    assert all(received(r).date() < date(2026, 11, 20) for r in log)
    assert len({received(r) for r in log}) > len(log) // 2  # spread out, not all at once
    gateshead = {r["File"].rsplit("/", 1)[-1]: r["Status"] for r in log
                 if "Gateshead" in r["File"]}  # fmt: skip
    assert [s for name, s in gateshead.items() if name.startswith("Copy of")] == ["duplicate"]
    layouts = [t for t in tracker(path).values() if t["Expected"]]
    late = [o for x in LAYOUTS.values() if x.demo_partners for o in x.demo_partners.late]
    assert sum(t["Late"] for t in layouts) == len(late) > 0
    assert all(t["Due"].date() == date(2026, 11, 18) for t in layouts)
