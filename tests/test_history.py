"""History across rounds: the store, next-round pre-fill, direction of travel, the tracker."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date, datetime, timedelta

import openpyxl
from builders import (
    AS_OF,
    action,
    p44_header,
    p44_return,
    the_clock_moves_on,
    three_year_return,
    write_registers,
)
from click.testing import CliRunner
from workbook_reading import flags, sheet_records, tracker, tracker_totals

from pipeline.cli.commands import cli
from pipeline.declare import LAYOUTS
from pipeline.demo.partner import PartnerWorkbook
from pipeline.run import run
from pipeline.store import Store
from pipeline.store.schema import SCHEMA_VERSION, migrate, version
from pipeline.templates.writer import write_template

ROUND_2 = AS_OF + timedelta(days=14)


def dump(store_path):
    """Everything in a store, as SQL text (for before/after comparisons)."""
    db = sqlite3.connect(store_path)
    try:
        return list(db.iterdump())
    finally:
        db.close()


def all_cells(path):
    book = openpyxl.load_workbook(path)
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


def test_a_new_store_is_created_at_the_latest_schema_version(tmp_path, inbox):
    p44_return(inbox)
    result = run(inbox, tmp_path / "outbox", as_of=AS_OF)
    db = sqlite3.connect(result.store)
    assert version(db) == SCHEMA_VERSION
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"registers", "files", "sightings", "returns", "plans", "workbooks", "mail",
                      "rounds", "round_files", "flags", "links", "uploads", "accounts"}  # fmt: skip


def test_an_old_store_is_upgraded_never_wiped(tmp_path, inbox):
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    migrate(db, upto=1)
    db.execute(
        "INSERT INTO plans VALUES ('p44', '2026-01-01', 'Old Town', NULL, '{\"position\": null}')"
    )
    db.close()
    p44_return(inbox)
    run(inbox, tmp_path / "outbox", as_of=AS_OF, store_path=path)
    db = sqlite3.connect(path)
    assert version(db) == SCHEMA_VERSION
    assert db.execute("SELECT organisation FROM plans WHERE round = '2026-01-01'").fetchall() == [
        ("Old Town",)
    ]
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "returns_by_round" in indexes


def test_every_original_can_be_recovered_after_the_inbox_is_cleaned(tmp_path, inbox, registers):
    p44_return(inbox)
    three_year_return(inbox)
    (inbox / "notes.txt").write_text("a covering note")
    originals = {p.name: p.read_bytes() for p in inbox.iterdir() if p.is_file()}
    result = run(inbox, tmp_path / "outbox", [registers["p44"]], AS_OF)
    shutil.rmtree(inbox)
    db = sqlite3.connect(result.store)
    archive = result.store.parent / "archive"
    recovered = {
        name: (archive / archived).read_bytes()
        for name, archived in db.execute("SELECT name, archived FROM files")
    }
    assert recovered == originals
    for name, data in recovered.items():
        sha = db.execute("SELECT sha256 FROM files WHERE name = ?", (name,)).fetchone()[0]
        assert hashlib.sha256(data).hexdigest() == sha


def test_running_twice_changes_nothing(tmp_path, inbox, registers):
    p44_return(inbox)
    p44_return(inbox, organisation="Bradford", name="copy.xlsx")
    (inbox / "again.xlsx").write_bytes((inbox / "copy.xlsx").read_bytes())
    regs = [registers["p44"], registers["three_year"]]
    first = run(inbox, tmp_path / "outbox", regs, AS_OF)
    before, cells = dump(first.store), all_cells(first.path)
    the_clock_moves_on()  # between the runs, as it would
    second = run(inbox, tmp_path / "outbox", regs, AS_OF)
    assert dump(second.store) == before
    assert all_cells(second.path) == cells


def test_the_round_includes_returns_from_earlier_runs_after_the_inbox_is_cleaned(tmp_path, inbox):
    p44_return(inbox)
    run(inbox, tmp_path / "outbox", as_of=AS_OF)
    shutil.rmtree(inbox)
    inbox.mkdir()
    p44_return(inbox, organisation="Bradford")
    result = run(inbox, tmp_path / "outbox", as_of=AS_OF + timedelta(days=1))
    assert {o["Organisation"] for o in sheet_records(result.path, "Overview")} == {
        "Bradford",
        "Leeds",
    }


def test_the_same_file_under_another_name_later_is_a_duplicate(tmp_path, inbox):
    path = p44_return(inbox, name="leeds.xlsx")
    run(inbox, tmp_path / "outbox", as_of=AS_OF)
    path.rename(inbox / "leeds (resent).xlsx")
    result = run(inbox, tmp_path / "outbox", as_of=AS_OF)
    log = {r["File"]: r for r in sheet_records(result.path, "Returns Log")}
    assert log["leeds (resent).xlsx"]["Status"] == "duplicate"
    assert "identical to leeds.xlsx, first seen" in log["leeds (resent).xlsx"]["Reason"]
    assert log["leeds.xlsx"]["Status"] == "accepted"


def test_a_superseded_return_stays_in_the_store(tmp_path, inbox):
    p44_return(inbox, name="first.xlsx", date_of_update=AS_OF - timedelta(days=8))
    p44_return(inbox, name="second.xlsx", rows=[action("A01")])
    result = run(inbox, tmp_path / "outbox", as_of=AS_OF)
    db = sqlite3.connect(result.store)
    statuses = dict(db.execute("SELECT name, status FROM files"))
    assert statuses == {"first.xlsx": "superseded", "second.xlsx": "accepted"}
    assert db.execute("SELECT COUNT(*) FROM returns").fetchone()[0] == 2


def make_round_2_templates(tmp_path, registers):
    out = tmp_path / "round2"
    result = CliRunner().invoke(
        cli,
        ["templates", "--layout", "p44", "--register", str(registers["p44"]), "--out", str(out),
         "--store", str(tmp_path / "outbox" / "pipeline.sqlite")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2 pre-filled from their latest return" in result.output
    return out


def test_next_round_is_pre_filled_and_direction_of_travel_shows_exactly_what_changed(
    tmp_path, inbox, registers
):
    # Round 1: Leeds (Amber) and Bradford (Green) return three actions each.
    rows = [action("A01"), action("A02", status="Planned", start_date=AS_OF + timedelta(days=5)),
            action("A03", category="Week of Action")]  # fmt: skip
    p44_return(inbox, rows=rows, confidence="Amber")
    p44_return(inbox, organisation="Bradford", rows=rows, confidence="Green")
    run(inbox, tmp_path / "outbox", [registers["p44"]], AS_OF)

    # Round 2 templates already hold everything each partner told us.
    templates = make_round_2_templates(tmp_path, registers)
    leeds = PartnerWorkbook(templates / "p44-Leeds.xlsx", LAYOUTS["p44"])
    assert leeds.value_cell("definition_of_problem").value == p44_header()["definition_of_problem"]
    assert leeds.value_cell("confidence").value == "Amber"
    assert leeds.value_cell("date_of_update").value is None  # to be updated by the partner
    assert [leeds.sheet.cell(r, leeds.column("ref")).value for r in leeds.rows()] == [
        "A01", "A02", "A03"
    ]  # fmt: skip
    assert leeds.sheet.cell(leeds.row_of("A02"), leeds.column("status")).value == "Planned"

    # Leeds changes one status and its confidence; Bradford only updates its date.
    shutil.rmtree(inbox)
    inbox.mkdir()
    leeds.set("date_of_update", ROUND_2 - timedelta(days=1)).set("confidence", "Green")
    leeds.set_row(leeds.row_of("A02"), {"status": "Ongoing"}).save(inbox / "leeds r2.xlsx")
    bradford = PartnerWorkbook(templates / "p44-Bradford.xlsx", LAYOUTS["p44"])
    bradford.set("date_of_update", ROUND_2 - timedelta(days=2)).save(inbox / "bradford r2.xlsx")
    result = run(inbox, tmp_path / "outbox", [registers["p44"]], ROUND_2)

    changed = [(a["Organisation"], a["Ref"], a["Changed"], a["Status last round"])
               for a in sheet_records(result.path, "Actions")]  # fmt: skip
    assert [c for c in changed if c[2]] == [("Leeds", "A02", "status changed", "Planned")]
    assert len(changed) == 6
    overview = {o["Organisation"]: o for o in sheet_records(result.path, "Overview")}
    assert (overview["Leeds"]["Previous confidence"], overview["Leeds"]["Confidence (its own)"],
            overview["Leeds"]["Direction"]) == ("Amber", "Green", "▲ improving")  # fmt: skip
    assert overview["Bradford"]["Direction"] == "► no change"
    assert overview["Salford"]["Received"] == "No"


def test_a_first_return_is_new(tmp_path, inbox):
    p44_return(inbox)
    result = run(inbox, tmp_path / "outbox", as_of=AS_OF)
    [leeds] = sheet_records(result.path, "Overview")
    assert leeds["Direction"] == "● new" and leeds["Previous confidence"] is None


def test_the_tracker_counts_the_round_and_lists_who_to_chase(tmp_path, inbox, registers):
    """Chased: a return missing, late (Leeds's, saved in the folder of the day after the due
    date), stale (Leeds's update is 16 days old, for a fortnightly plan) or with something to
    fix (Bradford's risks left empty, a start date no one can read); each contact's email a
    link that starts a message to them. Bradford's file, saved straight into the inbox, has
    no known arrival: it is not late, whatever its file time."""
    stale = AS_OF - timedelta(days=16)
    due = AS_OF - timedelta(days=2)
    day_after = inbox / f"{due + timedelta(days=1):%Y-%m-%d}"
    day_after.mkdir()
    p44_return(day_after, name="leeds.xlsx", date_of_update=stale)
    bradford = p44_return(inbox, organisation="Bradford", name="bradford.xlsx", risks=None,
                          rows=[action("A01", start_date="when funded")])  # fmt: skip
    after = datetime.combine(due + timedelta(days=3), datetime.min.time()).timestamp()
    os.utime(bradford, (after, after))  # saved from the mail client days after the due date
    (inbox / "salford.xlsx").write_text("not a spreadsheet")
    result = CliRunner().invoke(
        cli,
        ["run", "--inbox", str(inbox), "--outbox", str(tmp_path / "outbox"), "--register",
         str(registers["p44"]), "--as-of", AS_OF.isoformat(), "--due", due.isoformat()],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    path = tmp_path / "outbox" / "consolidated-2026-11-20.xlsx"
    counts = tracker(path)
    p44 = counts["Priority 44 Partnership Action Plan"]
    assert {k: p44[k] for k in ("Expected", "Received", "Missing", "Late", "Arrival not known",
                                "Files", "Accepted", "Accepted with findings", "Rejected")} == {
        "Expected": 3, "Received": 2, "Missing": 1, "Late": 1, "Arrival not known": 1,
        "Files": 3, "Accepted": 1, "Accepted with findings": 1, "Rejected": 1}  # fmt: skip
    assert p44["Round"] == "fortnight 16/11/2026 to 29/11/2026"
    assert "Not recognised" not in counts  # salford.xlsx is Salford's, by its name
    rows = list(openpyxl.load_workbook(path)["Returns"].iter_rows(values_only=True))
    chase_at = next(i for i, r in enumerate(rows) if r[0] == "Chase list")
    chase = [dict(zip(rows[chase_at + 1], r)) for r in rows[chase_at + 2 :] if r[0]]
    by_org = {c["Organisation"]: c for c in chase}
    assert by_org["Salford"]["Contact email"] == "ruth.adeyemi@salford.gov.uk"
    assert by_org["Salford"]["What is missing"] == (
        "No usable return this round. salford.xlsx could not be used: it is not a spreadsheet: "
        "save it from Excel as .xlsx and send it again."
    )
    assert "Please fill in: Risks and contingency." in by_org["Bradford"]["What is missing"]
    assert "Returned late" in by_org["Leeds"]["What is missing"]
    assert f"Last updated {stale:%d/%m/%Y}, 16 days before" in by_org["Leeds"]["What is missing"]
    bradford = by_org["Bradford"]["What is missing"]
    assert "Returned late" not in bradford
    assert "Please correct: Start date (F20)." in bradford, bradford
    sheet = openpyxl.load_workbook(path)["Returns"]
    links = {c.value: c.hyperlink.target for row in sheet.iter_rows() for c in row if c.hyperlink}
    assert links["ruth.adeyemi@salford.gov.uk"] == "mailto:ruth.adeyemi@salford.gov.uk"
    assert set(links) == {c["Contact email"] for c in chase}


def test_history_prints_an_organisations_rounds(tmp_path, inbox, registers):
    p44_return(inbox, confidence="Amber")
    store = tmp_path / "outbox" / "pipeline.sqlite"
    run(inbox, tmp_path / "outbox", [registers["p44"]], AS_OF)
    shutil.rmtree(inbox)
    inbox.mkdir()
    p44_return(inbox, confidence="Red", name="r2.xlsx", date_of_update=ROUND_2)
    run(inbox, tmp_path / "outbox", [registers["p44"]], ROUND_2)
    result = CliRunner().invoke(cli, ["history", "leeds", "--store", str(store)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Leeds: 2 round(s)"
    assert "2026-11-16" in lines[1] and "Amber" in lines[1] and "Leeds return.xlsx" in lines[1]
    assert "2026-11-30" in lines[2] and "Red" in lines[2] and "r2.xlsx" in lines[2]
    assert "2 rows, 0 complete, 0 overdue" in lines[2]
    missing = CliRunner().invoke(cli, ["history", "Gotham", "--store", str(store)])
    assert missing.exit_code == 1 and "Gotham has no rounds" in missing.output


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from datetime import date
    from pathlib import Path
    from pipeline.inbox.walk import walk
    from pipeline.inbox.intake import receive
    from pipeline.store import FileRecord, Store

    inbox, store_path = Path(sys.argv[1]), Path(sys.argv[2])
    copies = store_path.parent / "copies"
    copies.mkdir(parents=True)
    receipts = receive(walk(inbox, copies))

    def records_then_die():
        for n, r in enumerate(receipts):
            if n == 2:
                os.kill(os.getpid(), signal.SIGKILL)  # the machine dies mid-run
            yield FileRecord(r.source.path, r.source.name, r.source.sha256, r.source.size,
                             None, r.first_seen, r.status, r.note, None, r.checked, r.copy)

    with Store.open(store_path) as store:
        store.save_run(date(2026, 11, 20), {}, records_then_die(), [])
    """
)


def test_a_run_killed_half_way_leaves_the_store_as_it_was(tmp_path, inbox):
    p44_return(inbox)
    result = run(inbox, tmp_path / "outbox", as_of=AS_OF)
    before = dump(result.store)
    for n, org in enumerate(("Bradford", "Salford")):
        p44_return(inbox, organisation=org, name=f"new{n}.xlsx")
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, str(inbox), str(result.store)],
        capture_output=True, env={**os.environ, "PYTHONPATH": os.getcwd()}, timeout=120,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    assert dump(result.store) == before
    with Store.open(result.store) as store:
        assert len(store.known([])) == 0  # still opens and reads
    again = run(inbox, tmp_path / "outbox", as_of=AS_OF)
    assert {o["Organisation"] for o in sheet_records(again.path, "Overview")} == {
        "Bradford",
        "Leeds",
        "Salford",
    }


def test_an_organisation_that_sends_nothing_shows_its_last_plan_marked_as_not_this_rounds(
    tmp_path, inbox, registers
):
    p44_return(inbox, rows=[action("A01"), action("A02", status="Planned")])
    run(inbox, tmp_path / "outbox", [registers["p44"]], AS_OF)
    shutil.rmtree(inbox)
    inbox.mkdir()
    p44_return(inbox, organisation="Bradford", name="bradford r2.xlsx")
    result = run(inbox, tmp_path / "outbox", [registers["p44"]], ROUND_2)

    [leeds] = [o for o in sheet_records(result.path, "Overview") if o["Organisation"] == "Leeds"]
    assert leeds["Received"] == "No" and leeds["Actions"] is None  # not counted
    sheet = openpyxl.load_workbook(result.path)["Leeds"]
    said = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "No return received this round." in said
    [marked] = [s for s in said if s.startswith("Actions as its last return gave them")]
    assert "not this round's" in marked and "Leeds return.xlsx" in marked
    refs = [r["Ref"] for r in sheet_records(result.path, "Leeds", "Actions")]
    assert refs == ["A01", "A02"]
    assert "A01" not in [a["Ref"] for a in sheet_records(result.path, "Actions")
                         if a["Organisation"] == "Leeds"]  # fmt: skip


def test_what_we_read_a_guessed_value_as_is_kept_in_the_store_as_it_was(tmp_path, inbox):
    """A date typed as text in two cells: the store keeps what we read it as, a real date, and
    both cells, so that a later feedback copy can write it back."""
    p44_return(inbox, rows=[action("A01", start_date="1 December 2026"),
                            action("A02", start_date="1 December 2026")])  # fmt: skip
    result = run(inbox, tmp_path / "outbox", as_of=AS_OF)
    with Store.open(result.store) as store:
        [stored] = store.latest_returns("p44").values()
    [guess] = [f for f in stored.findings if f.rule == "guessed-value"]
    assert guess.read_as == date(2026, 12, 1) and guess.cells == ("F20", "F21")


# --- rounds kept apart ---------------------------------------------------------------------------

ROUND_1_LABEL = "fortnight 16/11/2026 to 29/11/2026"


def stranger_return(folder, name="Gotham plan.xlsx"):
    """A Priority 44 plan from a partnership on no register (rejected: not on the register)."""
    path = folder.parent / "stranger-template.xlsx"
    write_template(path, LAYOUTS["p44"], {"partnership": "Gotham", "region": "GO Gotham"},
                   organisation="Gotham")  # fmt: skip
    filled = PartnerWorkbook(path, LAYOUTS["p44"]).fill_header(p44_header())
    filled.add_row(action("A01"))
    return filled.save(folder / name)


def files_of_round(store_path, round_id):
    """The store's record of one round: each of its files' status and reason, and each of its
    plans."""
    db = sqlite3.connect(store_path)
    try:
        files = db.execute(
            "SELECT f.name, f.status, f.reason FROM files f JOIN returns r USING (sha256) "
            "WHERE r.round = ? OR (r.round IS NULL AND f.first_as_of = ?) ORDER BY f.name",
            (round_id, AS_OF.isoformat()),
        ).fetchall()
        plans = db.execute("SELECT * FROM plans WHERE round = ? ORDER BY organisation",
                           (round_id,)).fetchall()  # fmt: skip
        return files, plans
    finally:
        db.close()


def test_round_ones_files_left_in_the_inbox_count_in_round_one_only(tmp_path, inbox, registers):
    """Round 1: all three partnerships return (Bradford a draft first), and a covering note
    and a plan from a partnership on no register are rejected. The files stay in the inbox.
    Round 2, a fortnight on: Leeds and Bradford send new plans, Salford nothing. Round 2
    counts two returns and Salford missing; round 1's files are listed as counted in round 1
    and change nothing there or here."""
    p44_return(inbox, name="leeds r1.xlsx", confidence="Amber")
    p44_return(inbox, organisation="Bradford", name="bradford draft.xlsx", risks=None,
               date_of_update=AS_OF - timedelta(days=6))  # fmt: skip
    p44_return(inbox, organisation="Bradford", name="bradford r1.xlsx", risks=None)
    p44_return(inbox, organisation="Salford", name="salford r1.xlsx")
    (inbox / "covering note.txt").write_text("Please find our plan attached.")
    stranger_return(inbox)
    outbox = tmp_path / "outbox"
    first = run(inbox, outbox, [registers["p44"]], AS_OF)
    round_1 = files_of_round(first.store, "2026-11-16")
    assert dict((name, status) for name, status, _ in round_1[0]) == {
        "Gotham plan.xlsx": "rejected", "bradford draft.xlsx": "superseded",
        "bradford r1.xlsx": "accepted with findings", "covering note.txt": "rejected",
        "leeds r1.xlsx": "accepted", "salford r1.xlsx": "accepted with findings"}  # fmt: skip

    p44_return(inbox, name="leeds r2.xlsx", confidence="Red", date_of_update=ROUND_2)
    p44_return(inbox, organisation="Bradford", name="bradford r2.xlsx", date_of_update=ROUND_2)
    second = run(inbox, outbox, [registers["p44"]], ROUND_2)

    p44 = tracker(second.path)["Priority 44 Partnership Action Plan"]
    assert {k: p44[k] for k in ("Expected", "Received", "Missing", "Files", "Accepted",
                                "Rejected", "Superseded", "Counted in an earlier round")} == {
        "Expected": 3, "Received": 2, "Missing": 1, "Files": 7, "Accepted": 2, "Rejected": 0,
        "Superseded": 0, "Counted in an earlier round": 5}  # fmt: skip
    overview = {o["Organisation"]: o["Received"] for o in sheet_records(second.path, "Overview")}
    assert overview == {"Leeds": "Yes", "Bradford": "Yes", "Salford": "No"}
    log = {r["File"]: r for r in sheet_records(second.path, "Returns Log")}
    assert log["leeds r1.xlsx"]["Status"] == "already counted"
    assert log["leeds r1.xlsx"]["Reason"] == f"counted in {ROUND_1_LABEL} (accepted)"
    assert log["bradford draft.xlsx"]["Reason"] == f"counted in {ROUND_1_LABEL} (superseded)"
    assert log["covering note.txt"]["Reason"] == f"counted in {ROUND_1_LABEL} (rejected)"
    assert log["Gotham plan.xlsx"]["Status"] == "already counted"
    # nothing of round 1 is said again: no findings, no flags, no one chased for it
    assert {f["File"] for f in sheet_records(second.path, "Findings")} <= {
        "leeds r2.xlsx",
        "bradford r2.xlsx",
    }
    assert all(f["File"] in (None, "leeds r2.xlsx", "bradford r2.xlsx")
               for f in flags(second.path))  # fmt: skip
    assert [f["Message"] for f in flags(second.path, "Return missing")] == [
        "No return received. Chase Ruth Adeyemi <ruth.adeyemi@salford.gov.uk>."]  # fmt: skip
    assert not {p.name for p in second.feedback} & {p.name for p in first.feedback}

    # round 1's history is as it was
    assert files_of_round(second.store, "2026-11-16") == round_1
    history = CliRunner().invoke(cli, ["history", "Leeds", "--store", str(second.store)])
    lines = history.output.splitlines()
    assert lines[0] == "Leeds: 2 round(s)"
    assert "2026-11-16" in lines[1] and "leeds r1.xlsx" in lines[1] and "accepted" in lines[1]
    assert "2026-11-30" in lines[2] and "leeds r2.xlsx" in lines[2]
    said = CliRunner().invoke(cli, ["history", "Salford", "--store", str(second.store)]).output
    assert said.count("salford r1.xlsx") == 1 and "missing" in said.splitlines()[2]


def test_a_file_rejected_in_round_one_is_not_reported_again_in_round_two(tmp_path, inbox,
                                                                         registers):  # fmt: skip
    (inbox / "salford.xlsx").write_text("not a spreadsheet")
    stranger_return(inbox)
    run(inbox, tmp_path / "outbox", [registers["p44"]], AS_OF)
    second = run(inbox, tmp_path / "outbox", [registers["p44"]], ROUND_2)
    statuses = {r["File"]: r["Status"] for r in sheet_records(second.path, "Returns Log")}
    assert statuses == {"salford.xlsx": "already counted", "Gotham plan.xlsx": "already counted"}
    counts = tracker(second.path)
    assert "Not recognised" not in counts  # salford.xlsx is Salford's, by its name
    assert counts["Priority 44 Partnership Action Plan"]["Rejected"] == 0
    assert sheet_records(second.path, "Findings") == []
    rows = list(openpyxl.load_workbook(second.path)["Returns"].iter_rows(values_only=True))
    assert not any("rejected" in str(c) for row in rows for c in row if c), rows
    # a later run in round 1 still reports them: they are that round's
    again = run(inbox, tmp_path / "outbox", [registers["p44"]], AS_OF + timedelta(days=1))
    statuses = {r["File"]: r["Status"] for r in sheet_records(again.path, "Returns Log")}
    assert statuses == {"salford.xlsx": "rejected", "Gotham plan.xlsx": "rejected"}


def test_a_return_sent_again_in_round_two_under_another_name_is_counted_in_round_one(
    tmp_path, inbox, registers
):
    sent = p44_return(inbox, name="leeds.xlsx").read_bytes()
    run(inbox, tmp_path / "outbox", [registers["p44"]], AS_OF)
    shutil.rmtree(inbox)  # the inbox cleaned between rounds; Leeds sends the same file again
    inbox.mkdir()
    (inbox / "Leeds resent.xlsx").write_bytes(sent)
    second = run(inbox, tmp_path / "outbox", [registers["p44"]], ROUND_2)
    [row] = sheet_records(second.path, "Returns Log")
    assert (row["Status"], row["Reason"]) == (
        "already counted", f"counted in {ROUND_1_LABEL} (accepted)")  # fmt: skip
    leeds = {o["Organisation"]: o for o in sheet_records(second.path, "Overview")}["Leeds"]
    assert leeds["Received"] == "No"


def test_a_file_of_no_layout_belongs_to_the_round_of_the_teams_own_layouts(tmp_path, inbox):
    """A team reporting quarterly only: its covering note left in the inbox is the quarter's
    (reported by every run of it), and counted there when the next quarter's run sees it."""
    registers = write_registers(tmp_path / "registers", ("three_year",))
    (inbox / "covering note.txt").write_text("Please find our plan attached.")
    outbox = tmp_path / "outbox"
    run(inbox, outbox, [registers["three_year"]], AS_OF)

    def said(as_of):
        [row] = sheet_records(run(inbox, outbox, [registers["three_year"]], as_of).path,
                              "Returns Log")  # fmt: skip
        return row["Status"], row["Reason"]

    assert said(ROUND_2)[0] == "rejected"  # a fortnight on, the same quarter
    assert said(date(2027, 1, 15)) == (
        "already counted", "counted in Oct–Dec 26 (2026/27 Q3) (rejected)")  # fmt: skip


def test_a_rejected_plan_stays_its_quarters_while_the_fortnights_move_on(tmp_path, inbox):
    """A team reporting p44 fortnightly and three-year plans quarterly. Finance sends its
    plan as a Word document in the first fortnight; it stays in the inbox. A fortnight on,
    still the same quarter, Finance's chase still says why its file was turned down, and the
    Returns Log still lists it as rejected, not as counted in an earlier fortnight."""
    registers = write_registers(tmp_path / "registers")
    (inbox / "Finance action plan.docx").write_bytes(b"PK\x03\x04not really a Word file")
    outbox = tmp_path / "outbox"
    run(inbox, outbox, list(registers.values()), AS_OF)
    second = run(inbox, outbox, list(registers.values()), ROUND_2)
    [row] = sheet_records(second.path, "Returns Log")
    assert (row["File"], row["Status"]) == ("Finance action plan.docx", "rejected")
    [turned_down] = flags(second.path, "Return rejected")
    assert turned_down["Organisation"] == "Finance"
    assert turned_down["File"] == "Finance action plan.docx"
    missing = {f["Organisation"] for f in flags(second.path, "Return missing")}
    assert missing == {"Leeds", "Bradford", "Salford", "Housing"}
    # the tracker adds its layouts' columns up in a column of its own
    totals = tracker_totals(second.path)
    assert {k: totals[k] for k in ("Expected", "Received", "Missing", "Files", "Rejected")} == {
        "Expected": 5, "Received": 0, "Missing": 5, "Files": 1, "Rejected": 1}  # fmt: skip
    # the next quarter's run lists it as counted in the quarter it came in
    later = run(inbox, outbox, list(registers.values()), date(2027, 1, 15))
    [row] = sheet_records(later.path, "Returns Log")
    assert (row["Status"], row["Reason"]) == (
        "already counted", "counted in Oct–Dec 26 (2026/27 Q3) (rejected)")  # fmt: skip
