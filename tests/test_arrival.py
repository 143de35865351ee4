"""When a return arrived, how that is known, and which of identical files is counted.

A return is late only on evidence: the Sent time of the email it came in, an upload's time,
a dated inbox folder the team saved it in, or its file time where the team's rule says file
times are arrival times (``--file-times``). A file saved into the inbox has no known arrival
and is never called late. Of identical files the one that arrived first is counted.
"""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import sqlite3
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day

import openpyxl
import pytest
from builders import AS_OF, p44_return, the_clock_moves_on, write_registers
from click.testing import CliRunner
from message_builders import outlook_msg
from workbook_reading import sheet_records, tracker

from pipeline.cli.commands import cli
from pipeline.declare import LAYOUTS
from pipeline.inbox.arrival import RECEIVED_MEANS, Clues, arrival_of, folder_date
from pipeline.inbox.intake import copy_marks, counted_first, likely_arrival
from pipeline.returns import Envelope
from pipeline.run import run

P44 = "Priority 44 Partnership Action Plan"


def arrived(path, when: datetime) -> None:
    """Give a file the modified time ``when`` (local time), as if saved then."""
    os.utime(path, (when.timestamp(), when.timestamp()))


def returns_log(path) -> dict[str, dict]:
    return {r["File"]: r for r in sheet_records(path, "Returns Log")}


def received(row) -> datetime | None:
    """A Returns Log row's Received, to the second (a spreadsheet keeps times as fractions of a
    day, which may come back a few microseconds out); None when not known."""
    if row["Received"] is None:
        return None
    return (row["Received"] + timedelta(milliseconds=500)).replace(microsecond=0)


def chase_list(path) -> dict[str, str]:
    """The Returns sheet's chase list: organisation -> what is missing."""
    rows = list(openpyxl.load_workbook(path)["Returns"].iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if r[0] == "Chase list")
    lines = [dict(zip(rows[at + 1], r)) for r in rows[at + 2 :] if r[0]]
    return {line["Organisation"]: line["What is missing"] for line in lines}


def run_cli(inbox, outbox, register, as_of: date, due: date, *options: str):
    result = CliRunner().invoke(
        cli,
        ["run", "--inbox", str(inbox), "--outbox", str(outbox), "--register", str(register),
         "--as-of", as_of.isoformat(), "--due", due.isoformat(), *options],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return outbox / f"consolidated-{as_of.isoformat()}.xlsx"


# --- the rule -----------------------------------------------------------------------------------

SEEN = datetime(2026, 11, 24, 10, 0, 0, 500_000)
MONDAY = datetime(2026, 11, 23, 9, 15).timestamp()


def test_the_first_evidence_a_file_has_says_when_it_arrived():
    sent = Envelope("Leeds.msg", "jane.doe@leeds.gov.uk", datetime(2026, 11, 19, 16, 40))
    in_folder = "2026-11-21/Leeds.msg › Leeds.xlsx"

    def said(**clues):
        found = arrival_of(Clues(first_seen=SEEN, **{"name": "Leeds.xlsx", **clues}))
        return found.said, found.received

    # an email's Sent time comes first, then a dated folder, then the team's rule on file times
    assert said(name=in_folder, envelope=sent, modified=MONDAY, file_times=True) == (
        "email sent", datetime(2026, 11, 19, 16, 40))  # fmt: skip
    assert said(name=in_folder, modified=MONDAY, file_times=True) == (
        "dated folder 2026-11-21", datetime(2026, 11, 21))  # fmt: skip
    assert said(modified=MONDAY, file_times=True) == (
        "file time (team's rule)", datetime(2026, 11, 23, 9, 15))  # fmt: skip
    assert said(uploaded=datetime(2026, 11, 18, 12, 0)) == ("uploaded", datetime(2026, 11, 18, 12))
    # without any of them the arrival is not known, whatever the file's time
    assert said(modified=MONDAY) == ("not known: first seen 24/11/2026", None)
    assert "never counted late" in RECEIVED_MEANS and "--file-times" in RECEIVED_MEANS


@pytest.mark.parametrize(
    ("name", "day"),
    [
        ("2026-11-21/leeds.xlsx", date(2026, 11, 21)),
        ("2026_11_21/leeds.xlsx", date(2026, 11, 21)),
        ("20261121/leeds.xlsx", date(2026, 11, 21)),
        ("21-11-2026/leeds.xlsx", date(2026, 11, 21)),  # UK day first
        ("21.11.26/leeds.xlsx", date(2026, 11, 21)),
        ("21 Nov 2026/leeds.xlsx", date(2026, 11, 21)),
        ("3rd December 2026/leeds.xlsx", date(2026, 12, 3)),
        ("Round 2026-11-16 to 2026-11-29/leeds.xlsx", None),  # a round, not an arrival
        ("Due 18-11-2026/leeds.xlsx", None),
        ("returns/2026-11-20/late ones/leeds.xlsx", date(2026, 11, 20)),
        ("2026-11-20/2026-11-21/leeds.xlsx", date(2026, 11, 21)),  # the nearest folder
        ("2026-11-21.xlsx", None),  # a file's own name is not a folder
        ("2026-27 Q3/leeds.xlsx", None),
        ("31-02-2026/leeds.xlsx", None),  # no such day
        ("from-email/leeds.xlsx", None),
    ],
)
def test_a_dated_folder_is_read_in_the_spellings_people_use(name, day):
    found = folder_date(name)
    assert (found[0] if found else None) == day


def test_identical_files_are_put_in_order_by_the_earlier_of_first_seen_and_modified():
    seen = datetime(2026, 11, 20, 10, 0, 0, 500_000)
    saved = datetime(2026, 11, 18, 9, 30, 0, 700_000)
    assert likely_arrival(seen, saved.timestamp()) == datetime(2026, 11, 18, 9, 30, 0)
    later = (seen + timedelta(days=1)).timestamp()
    assert likely_arrival(seen, later) == datetime(2026, 11, 20, 10)
    assert likely_arrival(seen, None) == datetime(2026, 11, 20, 10)
    assert likely_arrival(seen, float("nan")) == datetime(2026, 11, 20, 10)  # not a time at all


@pytest.fixture
def london(monkeypatch):
    """The machine's clock set to UK time (summer time in July)."""
    monkeypatch.setenv("TZ", "Europe/London")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_file_time_is_read_in_local_time(london):
    saved = datetime(2026, 7, 1, 8, 30, tzinfo=UTC).timestamp()  # 09:30 in London (BST)
    rule = Clues("leeds.xlsx", datetime(2026, 7, 2, 12, 0), modified=saved, file_times=True)
    assert arrival_of(rule).received == datetime(2026, 7, 1, 9, 30)


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


# --- stories: late only on evidence ---------------------------------------------------------------


def test_returns_saved_from_outlook_the_monday_after_a_friday_deadline_are_not_late(
    tmp_path, inbox
):
    """Leeds emailed its perfect return on the Thursday; the team dragged the message out of
    Outlook on the Monday. Bradford's attachment was saved on the Monday too, its message
    not kept. Neither is late: Leeds's Sent time says it came in time, and nothing says when
    Bradford's came."""
    registers = write_registers(tmp_path / "registers", ("p44",))
    friday, monday = AS_OF, AS_OF + timedelta(days=3)
    saved_on_monday = datetime.combine(monday, time_of_day(9, 5))
    made = tmp_path / "made"
    made.mkdir()
    leeds = p44_return(made, name="Leeds.xlsx").read_bytes()
    message = outlook_msg(inbox / "Leeds return.msg", [("Leeds.xlsx", leeds)],
                          sent=datetime(2026, 11, 19, 15, 20, tzinfo=UTC))  # fmt: skip
    arrived(message, saved_on_monday)
    bradford = p44_return(inbox, organisation="Bradford", name="Bradford.xlsx")
    arrived(bradford, saved_on_monday)
    outbox = tmp_path / "outbox"
    path = run_cli(inbox, outbox, registers["p44"], monday, friday)

    log = returns_log(path)
    leeds_row = log["Leeds return.msg › Leeds.xlsx"]
    assert leeds_row["Arrival known from"] == "email sent"
    assert received(leeds_row).date() == date(2026, 11, 19)
    bradford_row = log["Bradford.xlsx"]
    assert received(bradford_row) is None
    assert bradford_row["Arrival known from"].startswith("not known: first seen ")
    p44 = tracker(path)[P44]
    assert (p44["Received"], p44["Late"], p44["Arrival not known"]) == (2, 0, 1)
    overview = openpyxl.load_workbook(path)["Overview"]
    said = [c for row in overview.iter_rows(max_row=6, values_only=True) for c in row if c]
    assert any(str(c).endswith("late 0, arrival not known 1") for c in said), said
    chase = chase_list(path)
    assert "Leeds" not in chase  # nothing to chase
    assert "Returned late" not in chase.get("Bradford", "")
    drafted = CliRunner().invoke(cli, ["mail", "--outbox", str(outbox)])
    assert drafted.exit_code == 0, drafted.output
    mail = email.message_from_bytes((outbox / "mail" / "p44-Leeds.eml").read_bytes(),
                                    policy=email.policy.default)  # fmt: skip
    text = mail.get_body(("plain",)).get_content()
    assert "Nothing is missing and nothing must be fixed." in text and "Returned late" not in text
    salford = email.message_from_bytes((outbox / "mail" / "p44-Salford.eml").read_bytes(),
                                       policy=email.policy.default)  # fmt: skip
    text = salford.get_body(("plain",)).get_content()  # nothing came: its day is past
    assert (
        f"Your return for fortnight 16/11/2026 to 29/11/2026 was due by {friday:%d/%m/%Y}." in text
    )


def test_a_return_saved_in_the_folder_of_a_day_after_the_due_date_is_late(tmp_path, inbox):
    registers = write_registers(tmp_path / "registers", ("p44",))
    due = AS_OF - timedelta(days=2)
    on_time, late = inbox / "18-11-2026", inbox / "2026-11-19"
    on_time.mkdir()
    late.mkdir()
    p44_return(on_time, name="leeds.xlsx")
    p44_return(late, organisation="Bradford", name="bradford.xlsx")
    path = run_cli(inbox, tmp_path / "outbox", registers["p44"], AS_OF, due)

    log = returns_log(path)
    assert log["18-11-2026/leeds.xlsx"]["Arrival known from"] == "dated folder 18-11-2026"
    bradford = log["2026-11-19/bradford.xlsx"]
    assert bradford["Arrival known from"] == "dated folder 2026-11-19"
    assert received(bradford) == datetime(2026, 11, 19)
    assert tracker(path)[P44]["Late"] == 1
    chase = chase_list(path)
    assert "Returned late (19/11/2026, known from dated folder 2026-11-19; due 18/11/2026)." in (
        chase["Bradford"])  # fmt: skip
    assert "Returned late" not in chase.get("Leeds", "")


def test_a_file_time_after_the_due_date_makes_a_return_late_only_by_the_teams_rule(tmp_path, inbox):
    registers = write_registers(tmp_path / "registers", ("p44",))
    due = AS_OF - timedelta(days=2)
    leeds = p44_return(inbox, name="leeds.xlsx")
    arrived(leeds, datetime.combine(due + timedelta(days=1), time_of_day(11, 30)))

    without = run_cli(inbox, tmp_path / "without", registers["p44"], AS_OF, due)
    row = returns_log(without)["leeds.xlsx"]
    assert received(row) is None and row["Arrival known from"].startswith("not known")
    assert tracker(without)[P44]["Late"] == 0
    assert "Returned late" not in chase_list(without).get("Leeds", "")

    with_rule = run_cli(inbox, tmp_path / "with", registers["p44"], AS_OF, due, "--file-times")
    row = returns_log(with_rule)["leeds.xlsx"]
    assert received(row) == datetime.combine(due + timedelta(days=1), time_of_day(11, 30))
    assert row["Arrival known from"] == "file time (team's rule)"
    assert tracker(with_rule)[P44]["Late"] == 1
    assert "Returned late (19/11/2026, known from file time" in chase_list(with_rule)["Leeds"]


def test_the_store_keeps_each_files_arrival_as_first_known(tmp_path, inbox):
    """Once known, an arrival stays as it was found: a file saved again (its time changed)
    or run without the team's rule still arrived when it first did. Not known, it becomes
    known when a later run of its round has evidence."""
    leeds = p44_return(inbox, name="leeds.xlsx")
    arrived(leeds, datetime(2026, 11, 17, 8, 0))
    bradford = p44_return(inbox, organisation="Bradford", name="bradford.xlsx")
    arrived(bradford, datetime(2026, 11, 18, 14, 0))
    outbox = tmp_path / "outbox"
    run(inbox, outbox, as_of=AS_OF, file_times=True)
    arrived(leeds, datetime.now())  # opened and saved again unchanged
    result = run(inbox, outbox, as_of=AS_OF)
    log = returns_log(result.path)
    assert received(log["leeds.xlsx"]) == datetime(2026, 11, 17, 8, 0)
    assert log["leeds.xlsx"]["Arrival known from"] == "file time (team's rule)"
    db = sqlite3.connect(result.store)
    kept = dict(db.execute("SELECT name, arrived_how FROM files"))
    assert kept == {"leeds.xlsx": "file-time", "bradford.xlsx": "file-time"}

    salford = p44_return(inbox, organisation="Salford", name="salford.xlsx")
    arrived(salford, datetime(2026, 11, 18, 9, 0))
    first = returns_log(run(inbox, outbox, as_of=AS_OF).path)["salford.xlsx"]
    assert first["Arrival known from"].startswith("not known")
    later = returns_log(run(inbox, outbox, as_of=AS_OF, file_times=True).path)["salford.xlsx"]
    assert received(later) == datetime(2026, 11, 18, 9, 0)


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
    path = run_cli(inbox, tmp_path / "outbox", registers["p44"], as_of, due, "--file-times")
    log = returns_log(path)
    assert {name: received(row) for name, row in log.items()} == at
    assert tracker(path)[P44]["Late"] == 1  # Bradford came the day after the due date


def test_a_return_from_an_earlier_run_of_the_round_is_received_when_it_arrived(tmp_path, inbox):
    arrived(p44_return(inbox, name="leeds.xlsx"), datetime(2026, 11, 16, 11, 0))
    run(inbox, tmp_path / "outbox", as_of=AS_OF - timedelta(days=2), file_times=True)
    shutil.rmtree(inbox)  # the inbox is cleaned between the runs
    inbox.mkdir()
    arrived(p44_return(inbox, organisation="Bradford"), datetime(2026, 11, 19, 16, 0))
    result = run(inbox, tmp_path / "outbox", as_of=AS_OF, file_times=True)
    log = returns_log(result.path)
    assert received(log["leeds.xlsx"]) == datetime(2026, 11, 16, 11, 0)
    assert received(log["Bradford return.xlsx"]) == datetime(2026, 11, 19, 16, 0)


# --- stories: which of identical files is counted -------------------------------------------------


def test_a_return_saved_again_as_leeds_1_later_is_the_duplicate(tmp_path, inbox):
    original = p44_return(inbox, name="leeds.xlsx")
    again = inbox / "leeds (1).xlsx"
    shutil.copyfile(original, again)
    arrived(original, datetime(2026, 11, 12, 9, 0))
    arrived(again, datetime(2026, 11, 13, 17, 30))
    result = run(inbox, tmp_path / "outbox", as_of=AS_OF, file_times=True)
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
    result = run(inbox, tmp_path / "outbox", as_of=AS_OF, file_times=True)
    log = returns_log(result.path)
    assert log["leeds.xlsx"]["Status"] == "accepted"
    assert log["Copy of leeds.xlsx"]["Status"] == "duplicate"
    assert log["Copy of leeds.xlsx"]["Reason"] == "identical to leeds.xlsx; counted once"
    assert received(log["Copy of leeds.xlsx"]) == datetime(2026, 11, 2, 9, 0)


def test_a_copy_of_a_file_no_longer_in_the_inbox_says_when_that_file_was_received(tmp_path, inbox):
    original = p44_return(inbox, name="leeds.xlsx")
    arrived(original, datetime(2026, 11, 12, 9, 0))
    run(inbox, tmp_path / "outbox", as_of=AS_OF, file_times=True)
    original.rename(inbox / "leeds (resent).xlsx")
    arrived(inbox / "leeds (resent).xlsx", datetime(2026, 11, 19, 9, 0))
    result = run(inbox, tmp_path / "outbox", as_of=AS_OF, file_times=True)
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
    first = returns_log(run(inbox, tmp_path / "outbox", as_of=AS_OF, file_times=True).path)
    the_clock_moves_on()  # between the runs
    second = returns_log(run(inbox, tmp_path / "outbox", as_of=AS_OF, file_times=True).path)
    assert second == first
    assert first["leeds (1).xlsx"]["Status"] == "duplicate"


# --- the demo -------------------------------------------------------------------------------------


def test_the_demo_knows_when_each_return_arrived_and_the_late_ones_are_late(demo_round):
    """The demo's team saves each day's returns in a folder named by the day, and keeps the
    messages that came by email: every return's arrival is known, none after the round's
    date, and only those sent late are late."""
    _, _, path = demo_round
    log = sheet_records(path, "Returns Log")
    used = [r for r in log if r["Status"].startswith("accepted")]
    assert all(received(r) is not None for r in used)
    assert {r["Arrival known from"].split(" 2")[0] for r in used} == {"email sent", "dated folder"}
    assert all(received(r).date() < date(2026, 11, 20) for r in log if received(r))
    assert len({received(r) for r in used}) > 5  # spread over the days before the due date
    gateshead = {r["File"].rsplit("/", 1)[-1]: r["Status"] for r in log
                 if "Gateshead" in r["File"]}  # fmt: skip
    assert [s for name, s in gateshead.items() if name.startswith("Copy of")] == ["duplicate"]
    layouts = [t for t in tracker(path).values() if t["Expected"]]
    late = [o for x in LAYOUTS.values() if x.hooks.demo() for o in x.hooks.demo().late]
    assert sum(t["Late"] for t in layouts) == len(late) > 0
    assert all(t["Due"].date() == date(2026, 11, 18) for t in layouts)
    assert all(t["Arrival not known"] == 0 for t in layouts)
