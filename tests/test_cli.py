"""The command line, as the central team uses it: exit codes, messages and the workbook."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import timedelta

import openpyxl
from builders import AS_OF, action, p44_return, three_year_return
from click.testing import CliRunner
from workbook_reading import main_table, sheet_records

from pipeline.cli.commands import cli

REQUIRED_COLUMNS = {
    "Overview": ["Organisation", "Layout", "Received", "Date of update", "Days since update",
                 "Confidence (its own)", "Actions / tasks", "Complete", "Overdue", "Red flags",
                 "Amber flags"],
    "Calendar of Events": ["Date", "End date", "Organisation", "Action", "Category", "Status"],
    "Gap Flags": ["Organisation", "Severity", "Rule", "File", "Sheet", "Cell", "Message",
                  "What to do"],
    "Actions": ["Organisation", "Ref", "Action", "Category", "Lead officer", "Start date",
                "End date", "Status", "Estimated impact", "Source"],
    "Tasks": ["Organisation", "Ref", "Task", "Task officer", "Quarter for completion",
              "Status this quarter", "Overdue", "Source"],
    "Returns Log": ["File", "SHA-256", "Status", "Organisation", "Layout", "Reason"],
}  # fmt: skip


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def run_cli(tmp_path, inbox, *extra):
    return invoke("run", "--inbox", inbox, "--outbox", tmp_path / "outbox", "--as-of",
                  AS_OF.isoformat(), *extra)  # fmt: skip


def hashes(folder):
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_run_writes_the_consolidated_workbook_and_prints_a_summary(tmp_path, inbox, registers):
    p44_return(inbox)
    three_year_return(inbox)
    (inbox / "notes.txt").write_text("not a plan")
    result = run_cli(tmp_path, inbox, "--register", registers["p44"], "--register",
                     registers["three_year"])  # fmt: skip
    assert result.exit_code == 0, result.output
    path = tmp_path / "outbox" / "consolidated-2026-11-20.xlsx"
    assert f"Consolidated workbook: {path}" in result.output
    assert "Files read: 3  accepted: 2  accepted with findings: 0  rejected: 1" in result.output
    assert "missing a return: 3" in result.output
    assert "notes.txt: This file cannot be used" in result.output
    book = openpyxl.load_workbook(path)
    for sheet, columns in REQUIRED_COLUMNS.items():
        _, top, _, _ = main_table(book[sheet])
        header = [c.value for c in book[sheet][top]]
        assert set(columns) <= set(header), sheet
        frozen = f"{'B' if sheet == 'Overview' else 'A'}{top + 1}"  # (names in view)
        assert book[sheet].freeze_panes == frozen, sheet
    assert "Guidance" in book.sheetnames
    overview = {r["Organisation"]: r for r in sheet_records(path, "Overview")}
    assert overview["Leeds"]["Received"] == "Yes"
    assert overview["Leeds"]["Confidence (its own)"] == "Amber"
    assert overview["Leeds"]["Actions / tasks"] == 2
    assert overview["Leeds"]["Days since update"] == 3
    assert overview["Bradford"]["Received"] == "No"
    assert overview["Housing"]["Layout"] == "Three-year"


def test_actions_and_the_calendar_carry_every_event_what_is_coming_first(tmp_path, inbox):
    later, earlier = AS_OF + timedelta(days=20), AS_OF - timedelta(days=40)
    p44_return(inbox, rows=[
        action("A01", category="Week of Action", start_date=later, end_date=later),
        action("A02", calendar_event="Yes"),
        action("A03"),
        action("A04", category="Week of Action", start_date=earlier, end_date=earlier),
        action("A05", category="Week of Action", start_date=earlier + timedelta(days=14),
               end_date=earlier + timedelta(days=14)),
    ])  # fmt: skip
    path = tmp_path / "outbox" / "consolidated-2026-11-20.xlsx"
    assert run_cli(tmp_path, inbox).exit_code == 0
    calendar = sheet_records(path, "Calendar of Events")
    # what is on now and coming first, in date order; then what is over, latest first
    assert [(e["When"], e["Action"], e["Date"].date()) for e in calendar] == [
        ("On now", "Action A02", AS_OF - timedelta(days=10)),
        ("Coming", "Action A01", later),
        ("Past", "Action A05", earlier + timedelta(days=14)),
        ("Past", "Action A04", earlier),
    ]
    actions = sheet_records(path, "Actions")
    assert [a["Ref"] for a in actions] == ["A01", "A02", "A03", "A04", "A05"]
    assert actions[0]["Source"] == "Leeds return.xlsx · Action Plan!A20"


def test_text_that_looks_like_a_formula_stays_text(tmp_path, inbox):
    path = p44_return(inbox, rows=[action("A01")])
    book = openpyxl.load_workbook(path)
    sheet = book["Action Plan"]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "Action A01")
    cell.value = '=HYPERLINK("http://x","y")'
    cell.data_type = "s"  # typed as text, as a partner's cell showing the formula would be
    book.save(path)
    assert run_cli(tmp_path, inbox).exit_code == 0
    out = openpyxl.load_workbook(tmp_path / "outbox" / "consolidated-2026-11-20.xlsx")
    actions = out["Actions"]
    written = next(c for c in actions["C"] if c.value and "HYPERLINK" in str(c.value))
    assert written.value == '=HYPERLINK("http://x","y")'
    assert written.data_type == "s"


def test_the_inbox_is_never_changed(tmp_path, inbox):
    p44_return(inbox)
    (inbox / "sub").mkdir()
    p44_return(inbox / "sub", organisation="Bradford")
    (inbox / "broken.xlsx").write_bytes(b"PK\x03\x04broken")
    before = hashes(inbox)
    assert run_cli(tmp_path, inbox).exit_code == 0
    assert hashes(inbox) == before


def test_the_inbox_is_read_recursively_skipping_lock_and_hidden_files(tmp_path, inbox):
    (inbox / "round 2").mkdir()
    p44_return(inbox / "round 2")
    (inbox / "~$Leeds return.xlsx").write_bytes(b"lock")
    (inbox / ".DS_Store").write_bytes(b"mac")
    result = run_cli(tmp_path, inbox)
    log = sheet_records(tmp_path / "outbox" / "consolidated-2026-11-20.xlsx", "Returns Log")
    assert [r["File"] for r in log] == ["round 2/Leeds return.xlsx"]
    assert "Files read: 1" in result.output


def test_the_same_file_twice_is_a_duplicate_counted_once(tmp_path, inbox):
    path = p44_return(inbox, name="a.xlsx")
    (inbox / "b.xlsx").write_bytes(path.read_bytes())
    result = run_cli(tmp_path, inbox)
    log = {r["File"]: r for r in sheet_records(tmp_path / "outbox" / "consolidated-2026-11-20.xlsx",
                                               "Returns Log")}  # fmt: skip
    assert log["a.xlsx"]["Status"] == "accepted"
    assert log["b.xlsx"]["Status"] == "duplicate"
    assert log["b.xlsx"]["SHA-256"] == log["a.xlsx"]["SHA-256"]
    assert "identical to a.xlsx" in log["b.xlsx"]["Reason"]
    assert "duplicate: 1" in result.output


def test_of_two_returns_from_one_partnership_the_later_is_used(tmp_path, inbox):
    p44_return(inbox, name="early.xlsx", date_of_update=AS_OF - timedelta(days=10))
    p44_return(inbox, name="late.xlsx", rows=[action("A01")])
    assert run_cli(tmp_path, inbox).exit_code == 0
    path = tmp_path / "outbox" / "consolidated-2026-11-20.xlsx"
    log = {r["File"]: r["Status"] for r in sheet_records(path, "Returns Log")}
    assert log == {"early.xlsx": "superseded", "late.xlsx": "accepted"}
    [leeds] = sheet_records(path, "Overview")
    assert leeds["Actions"] == 1  # (a round of actions alone)


def test_check_exits_0_when_every_file_would_be_accepted(inbox):
    path = p44_return(inbox, rows=[action("A01", status="done")])
    result = invoke("check", path)
    assert result.exit_code == 0
    assert "Leeds return.xlsx: accepted with findings (Leeds)" in result.output
    assert 'Amber   Action Plan!H20: Status: read "done" as "Complete"' in result.output


def test_check_exits_1_when_any_file_would_be_rejected_and_says_why(inbox):
    good = p44_return(inbox)
    bad = inbox / "bad.xlsx"
    bad.write_text("hello")
    result = invoke("check", good, bad)
    assert result.exit_code == 1
    assert "bad.xlsx: rejected" in result.output
    assert "it is not a spreadsheet" in result.output


def test_check_json_gives_every_finding_with_its_cell(inbox):
    path = p44_return(inbox, rows=[action("A01", lead_officer=None)])
    result = invoke("check", "--json", path)
    [report] = json.loads(result.output)
    assert report["status"] == "accepted with findings"
    [finding] = report["findings"]
    assert finding == {**finding, "sheet": "Action Plan", "cell": "E20", "severity": "red",
                       "field": "Lead officer", "rule": "required"}  # fmt: skip
    for text in ("not_nullable", "SchemaError", "failure_case", "isin"):
        assert text not in result.output


def test_a_bad_as_of_date_is_a_usage_error(tmp_path, inbox):
    result = invoke("run", "--inbox", inbox, "--outbox", tmp_path, "--as-of", "20/11/2026")
    assert result.exit_code == 2
    assert "is not a date in the form YYYY-MM-DD" in result.output


def test_a_missing_inbox_is_a_clear_error_not_a_traceback(tmp_path):
    result = invoke("run", "--inbox", tmp_path / "nope", "--outbox", tmp_path / "out")
    assert result.exit_code == 2  # a usage error, like a mistyped option
    assert "The inbox folder" in result.output and "does not exist" in result.output
    assert "Traceback" not in result.output


def test_templates_command_writes_one_per_register_row(tmp_path, registers):
    result = invoke("templates", "--layout", "three_year", "--register",
                    registers["three_year"], "--out", tmp_path / "t")  # fmt: skip
    assert result.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == [
        "three_year-Finance.xlsx", "three_year-Housing.xlsx"
    ]  # fmt: skip


def test_every_command_has_help():
    for command in ("templates", "check", "run", "demo"):
        result = invoke(command, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output


def test_with_the_same_date_of_update_the_later_file_is_used(tmp_path, inbox):
    older = p44_return(inbox, name="b.xlsx", rows=[action("A01")])
    newer = p44_return(inbox, name="a.xlsx")
    os.utime(older, (1_700_000_000, 1_700_000_000))
    os.utime(newer, (1_700_000_100, 1_700_000_100))
    assert run_cli(tmp_path, inbox).exit_code == 0
    path = tmp_path / "outbox" / "consolidated-2026-11-20.xlsx"
    log = {r["File"]: r["Status"] for r in sheet_records(path, "Returns Log")}
    assert log == {"a.xlsx": "accepted", "b.xlsx": "superseded"}


def test_the_installed_command_runs_as_its_own_process_and_exits_with_its_code(tmp_path, inbox):
    """The console script ends its process itself once everything is written and flushed."""
    import subprocess
    import sys

    p44_return(inbox)
    command = [sys.executable, "-m", "pipeline", "run", "--inbox", str(inbox), "--outbox",
               str(tmp_path / "out"), "--as-of", AS_OF.isoformat()]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    path = tmp_path / "out" / "consolidated-2026-11-20.xlsx"
    assert done.stdout.rstrip().endswith(f"Consolidated workbook: {path}")  # flushed, whole
    assert sheet_records(path, "Actions")
    assert not (tmp_path / "out" / "feedback").exists()  # the return had nothing to fix
    (tmp_path / "out" / "feedback").write_text("a file where the feedback folder goes")
    failed = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert failed.returncode == 1
    assert "is a file, not a folder" in failed.stderr and "Traceback" not in failed.stderr
    command[command.index("--inbox") + 1] = str(tmp_path / "nope")
    mistyped = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert mistyped.returncode == 2 and "does not exist" in mistyped.stderr
    usage = subprocess.run([sys.executable, "-m", "pipeline", "nonsense"], capture_output=True,
                           text=True, timeout=60)  # fmt: skip
    assert usage.returncode == 2 and "No such command" in usage.stderr
