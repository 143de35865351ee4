"""The demo tells the stories of a real round; `make demo` runs exactly this."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from workbook_reading import flags, sheet_records

from pipeline.cli.commands import cli


def test_the_demo_round_shows_the_mistakes_real_people_make(demo_round):
    output, _, path = demo_round
    assert f"Consolidated workbook: {path}" in output
    overview = sheet_records(path, "Overview")
    assert len([o for o in overview if o["Layout"] == "Priority 44"]) == 44
    assert len([o for o in overview if o["Layout"] == "Three-year"]) == 14
    assert {"▲ improving", "▼ worsening", "► no change"} <= {o["Direction"] for o in overview}
    assert "status changed" in {a["Changed"] for a in sheet_records(path, "Actions")}
    assert "Last round (06/11/2026)" in output
    missing = {o["Organisation"] for o in overview if o["Received"] == "No"}
    # (Peterborough sent last year's review again; Property and Estates last quarter's plan)
    assert missing == {"Luton", "Newport", "Slough", "Customer Services", "Human Resources",
                       "Office of the Police and Crime Commissioner", "Luton CSP",
                       "Peterborough Safer Partnership", "Property and Estates"}  # fmt: skip

    log = {r["File"].rsplit("/", 1)[-1]: r for r in sheet_records(path, "Returns Log")}
    rejected = {name for name, r in log.items() if r["Status"] == "rejected"}
    assert rejected == {"covering note.txt", "Gotham action plan.xlsx",
                        "Salford plan (web page).xls", "Slough action plan.docx"}  # fmt: skip
    # Slough sent its plan typed up in Word: matched to it by the name, and it is told why
    assert (log["Slough action plan.docx"]["Organisation"],
            log["Slough action plan.docx"]["Matched by"]) == ("Slough", "its name")  # fmt: skip
    [slough] = [f for f in flags(path, "Return rejected") if f["Organisation"] == "Slough"]
    assert "it is a Word document, not a spreadsheet" in slough["Message"]
    # Lambeth saved its plan's sheet as CSV: read like the workbook
    [lambeth] = [r for name, r in log.items() if name.startswith("Lambeth")]
    assert lambeth["File"].endswith(".csv") and lambeth["Status"].startswith("accepted")
    assert [r["Status"] for n, r in log.items() if n.startswith("DRAFT")] == ["superseded"]
    assert sum(r["Status"] == "duplicate" for r in log.values()) == 1
    assert "~$Leeds action plan.xlsx" not in log
    assert log["Haringey CSP action plan.ods"]["Status"].startswith("accepted")
    assert log["Hackney CSP action plan.xlsx"]["Status"].startswith("accepted")

    findings = sheet_records(path, "Findings")
    messages = " ".join(f["Message"] for f in findings)
    assert 'read "done" as "Complete"' in messages  # statuses typed by hand
    assert "as the date" in messages  # text dates
    assert 'The sheet "Brent plan" was read as the "Action Plan" sheet' in messages

    rules = {f["Rule"] for f in flags(path)}
    assert {"Return missing", "Required field empty", "Return stale", "Action overdue",
            "Red confidence without contingency", "Task overdue", "Current quarter not updated",
            "Delayed without progress report", "Value not readable",
            "Statutory requirement not in place, no action", "Further action without owner or date",
            "Further action past target date"} <= rules  # fmt: skip
    stale = {f["Organisation"] for f in flags(path, "Return stale")}
    assert stale == {"Coventry"}  # brought up to date for the last round, not since
    earlier = {r["Organisation"]: r["Reason"] for r in log.values()
               if r["Status"] == "for an earlier period"}  # fmt: skip
    assert earlier["Peterborough Safer Partnership"] == (
        "dated 12/09/2025: a return for financial year 2025/26, not this year's")  # fmt: skip
    assert earlier["Property and Estates"].endswith(
        "a return for Jul–Sep 26 (2026/27 Q2), not this quarter's")  # fmt: skip
    assert 'read "partly" as "Working towards"' in messages
    assert 'The sheet "Bedford Borough CSP plan" was read as the "Self-Assessment"' in messages
    bristol = flags(path, "Required field empty")
    assert any(f["Organisation"] == "Bristol" and "Definition of problem" in f["Message"]
               for f in bristol)  # fmt: skip
    derby = [a for a in sheet_records(path, "Actions") if a["Organisation"] == "Derby"]
    assert derby[0]["Notes / evaluation"].startswith("=HYPERLINK(")


@pytest.mark.slow  # a second demo round, start to end
def test_running_the_demo_again_replaces_its_own_files(demo_round, tmp_path):
    _, folder, _ = demo_round
    again = tmp_path / "demo"
    shutil.copytree(folder, again)  # the folder as the demo left it
    result = CliRunner().invoke(cli, ["demo", "--dir", str(again)])
    assert result.exit_code == 0, result.output
    assert "Consolidated workbook:" in result.output


def test_the_demo_will_not_empty_a_folder_holding_files_it_did_not_make(tmp_path):
    mine = tmp_path / "mine"
    (mine / "inbox").mkdir(parents=True)
    (mine / "inbox" / "real return.xlsx").write_bytes(b"precious")
    result = CliRunner().invoke(cli, ["demo", "--dir", str(mine)])
    assert result.exit_code == 1
    assert "already holds files the demo did not make" in result.output
    assert (mine / "inbox" / "real return.xlsx").read_bytes() == b"precious"
