"""Partners get their own file back, marked up where something is wrong."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime

import openpyxl
import pandas as pd
from builders import action, p44_return, the_clock_moves_on
from click.testing import CliRunner

from pipeline.cli.commands import cli
from pipeline.declare import LAYOUTS
from pipeline.demo.partner import PartnerWorkbook
from pipeline.feedback import FIX_LIST, jobs_for, write_all
from pipeline.reading import load
from pipeline.run import check_files


def feedback_for(inbox, tmp_path, *paths):
    receipts = check_files(paths, copies=tmp_path)
    return write_all(jobs_for(receipts, tmp_path / "feedback"))


def comments_in(path):
    """Comment texts by cell, read from the package's XML (not through openpyxl)."""
    found = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if re.match(r"xl/comments\d*\.xml", name) or name.startswith("xl/comments/"):
                xml = z.read(name).decode()
                for ref, body in re.findall(r'<comment ref="([A-Z]+\d+)".*?>(.*?)</comment>', xml,
                                            re.S):  # fmt: skip
                    found[ref] = re.sub(r"<[^>]+>", "", body)
    return found


def test_a_cell_with_a_problem_is_coloured_and_says_what_to_put(tmp_path, inbox):
    path = p44_return(inbox, rows=[action("A01", status="On hold"), action("A02", status="done")])
    [copy] = feedback_for(inbox, tmp_path, path)
    assert copy.name == "Leeds-return-feedback.xlsx"
    book = openpyxl.load_workbook(copy)
    sheet = book["Action Plan"]
    assert sheet["H20"].fill.fgColor.rgb.endswith("F4B6B6")  # put it right: Red, as managers see
    assert sheet["H21"].fill.fgColor.rgb.endswith("FFE199")  # we guessed: Amber, to check
    comments = comments_in(copy)
    assert "is not one of Planned, Ongoing, Complete" in comments["H20"]
    assert "Choose one from the dropdown list." in comments["H20"]
    assert 'read "done" as "Complete"' in comments["H21"]


def test_the_fix_list_comes_first_with_a_link_to_each_cell(tmp_path, inbox):
    path = p44_return(inbox, risks=None, rows=[action("A01", lead_officer=None)])
    [copy] = feedback_for(inbox, tmp_path, path)
    book = openpyxl.load_workbook(copy)
    assert book.sheetnames[0] == FIX_LIST
    rows = list(book[FIX_LIST].iter_rows(min_row=4, values_only=True))
    assert rows[0] == ("Sheet", "Cell", "Field", "Severity", "Problem", "What to do")
    fixes = {r[1]: r for r in rows[1:]}
    assert fixes["H11"][2:4] == ("Risks and contingency", "Red")
    assert fixes["H11"][5] == "Fill it in."
    assert fixes["E20"][2] == "Lead officer"
    link = next(c for c in book[FIX_LIST]["B"] if c.value == "E20").hyperlink
    assert link.location == "'Action Plan'!E20"


def test_the_feedback_copy_reads_back_with_the_same_data(tmp_path, inbox):
    path = p44_return(inbox, rows=[action("A01", status="in progress"), action("A02")],
                      definition_of_problem=None)  # fmt: skip
    [copy] = feedback_for(inbox, tmp_path, path)
    as_written = load(copy)  # the pipeline's own output, not the partner's return
    assert "feedback the pipeline wrote for a partner" in as_written.reason
    the_clock_moves_on()  # the partner opens it later and saves it, changing nothing
    PartnerWorkbook(copy, LAYOUTS["p44"]).save(copy)
    original, marked = load(path), load(copy)
    assert marked.sheet == "Action Plan" and marked.layout == "p44"
    assert {k: v.value for k, v in marked.header.items()} == {
        k: v.value for k, v in original.header.items()
    }
    pd.testing.assert_frame_equal(marked.rows, original.rows)
    assert marked.stamp == original.stamp
    # the status typed by hand was written back as we read it, so it is no longer a guess
    assert [f.message for f in marked.findings] == [
        f.message for f in original.findings if f.rule != "guessed-value"
    ]
    assert "Guidance" in openpyxl.load_workbook(copy).sheetnames


def test_a_value_we_read_generously_is_written_back_as_we_read_it_to_be_checked(tmp_path, inbox):
    """A date typed as text and a status typed by hand: the marked-up copy holds the date as
    a real date and the status as the list's word, amber, "we read this as ...: check it", so
    the partner need not type them again."""
    from datetime import date

    from python_calamine import CalamineWorkbook

    path = p44_return(inbox, rows=[
        action("A01", start_date="1 December 2026", status="in progress"),
        action("A02", status="in progress"),
    ])  # fmt: skip
    [copy] = feedback_for(inbox, tmp_path, path)
    values = CalamineWorkbook.from_path(copy).get_sheet_by_name("Action Plan").to_python()
    assert values[19][5] in (date(2026, 12, 1), datetime(2026, 12, 1))  # F20, a real date
    assert values[19][7] == values[20][7] == "Ongoing"  # H20 and H21, the list's word
    marked = openpyxl.load_workbook(copy)["Action Plan"]
    for address, read in (("F20", "01/12/2026"), ("H20", '"Ongoing"'), ("H21", '"Ongoing"')):
        cell = marked[address]
        assert cell.fill.fgColor.rgb.endswith("FFE199"), address
        assert cell.comment.text.startswith(f"We read this as {read}, and wrote it so: check it.")
    assert marked["F20"].number_format == "dd/mm/yyyy"
    assert not [f for f in load(copy).findings if f.rule == "guessed-value"]


def test_a_rejected_file_gets_a_fix_list_saying_why(tmp_path, inbox):
    bad = inbox / "plan.xlsx"
    bad.write_text("not a spreadsheet")
    [copy] = feedback_for(inbox, tmp_path, bad)
    book = openpyxl.load_workbook(copy)
    assert book.sheetnames == [FIX_LIST]
    cells = [c for row in book[FIX_LIST].iter_rows(values_only=True) for c in row if c]
    assert "Your file could not be used at all, so here is what to do about it." in cells
    assert any("it is not a spreadsheet" in str(c) for c in cells)


def test_an_ods_return_gets_its_fixes_listed(tmp_path, inbox):
    grid = [["Partnership", "Leeds", None], ["Overall confidence (RAG)", "Purple", None],
            [None] * 3, ["Ref", "Action", "Status"], ["A01", "Patrols", "Ongoing"]]  # fmt: skip
    path = inbox / "leeds.ods"
    pd.DataFrame(grid).to_excel(path, engine="odf", header=False, index=False)
    [copy] = feedback_for(inbox, tmp_path, path)
    cells = [c for row in openpyxl.load_workbook(copy)[FIX_LIST].iter_rows(values_only=True)
             for c in row if c]  # fmt: skip
    assert any("Your file is a .ods file, which we cannot mark up" in str(c) for c in cells)
    assert any('"Purple" is not one of Red, Amber, Green' in str(c) for c in cells)


def test_a_clean_return_gets_no_feedback(tmp_path, inbox):
    assert feedback_for(inbox, tmp_path, p44_return(inbox)) == []


def test_check_feedback_writes_the_copies(tmp_path, inbox):
    path = p44_return(inbox, role=None)
    result = CliRunner().invoke(cli, ["check", str(path), "--feedback", str(tmp_path / "fb")])
    assert result.exit_code == 0
    assert "Feedback for 1 file(s)" in result.output
    assert (tmp_path / "fb" / "Leeds-return-feedback.xlsx").exists()


def test_run_writes_feedback_into_the_outbox(tmp_path, inbox):
    p44_return(inbox, role=None)
    outbox = tmp_path / "outbox"
    result = CliRunner().invoke(
        cli, ["run", "--inbox", str(inbox), "--outbox", str(outbox), "--as-of", "2026-11-20"]
    )
    assert result.exit_code == 0, result.output
    assert "Feedback for partners: 1 file(s)" in result.output
    assert (tmp_path / "outbox" / "feedback" / "Leeds-return-feedback.xlsx").exists()


def test_formula_text_from_a_partner_stays_text_in_the_fix_list(tmp_path, inbox):
    path = p44_return(inbox, rows=[action("A01", start_date='=cmd|" /C calc"!A0')])
    [copy] = feedback_for(inbox, tmp_path, path)
    sheet = openpyxl.load_workbook(copy)[FIX_LIST]
    problem = next(r[4] for r in sheet.iter_rows(min_row=5) if r[1].value == "F20")
    assert problem.data_type == "s" and problem.value.startswith("Start date")
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_a_plan_off_track_gets_feedback_with_its_flags_in_the_workbooks_words(
    tmp_path, inbox, registers
):
    """Leeds left its risks empty (Red), typed a status by hand (Amber: we guessed), has not
    updated its plan for 16 days and has an action past its end date (off track: amber flags,
    as the workbook shows them): its copy is marked up, the flags' cells too, Red first.
    Bradford's return reads cleanly, but its update is as old: it gets its file back marked
    up too, for that alone."""
    from datetime import timedelta

    from builders import AS_OF
    from python_calamine import CalamineWorkbook

    from pipeline.run import run

    old = AS_OF - timedelta(days=16)  # (brought up to date for the round before: stale)
    p44_return(inbox, name="leeds.xlsx", date_of_update=old, risks=None, rows=[
        action("A01", status="sort of ongoing"),
        action("A02", end_date=AS_OF - timedelta(days=10), status="Ongoing"),
    ])  # fmt: skip
    p44_return(inbox, organisation="Bradford", name="bradford.xlsx", date_of_update=old)
    result = run(inbox, tmp_path / "outbox", [registers["p44"]], AS_OF)
    feedback = tmp_path / "outbox" / "feedback"
    assert sorted(p.name for p in feedback.iterdir()) == [
        "bradford-feedback.xlsx", "leeds-feedback.xlsx"]  # fmt: skip
    assert {p.name for p in result.feedback} == {"bradford-feedback.xlsx", "leeds-feedback.xlsx"}

    def fix_list(name):
        rows = CalamineWorkbook.from_path(feedback / name).get_sheet_by_name(FIX_LIST).to_python()
        return [dict(zip(rows[3], row)) for row in rows[4:]]

    leeds = fix_list("leeds-feedback.xlsx")
    words = [line["Severity"] for line in leeds]
    assert set(words) == {"Red", "Amber"} and words == sorted(words, key=["Red", "Amber"].index)
    off_track = {
        line["Field"]: line for line in leeds if line["Field"] in ("Return stale", "Action overdue")
    }  # (the flags' rules)
    # the flags that restate its findings (risks empty, the status) are not said twice
    assert not {"Required field empty", "Value not readable"} & set(off_track), off_track
    stale = off_track["Return stale"]
    assert stale["Problem"].startswith(f"Last updated {old:%d/%m/%Y}, 16 days before")
    assert stale["Cell"] and stale["What to do"]
    assert any("A02" in line["Problem"] for line in off_track.values()), off_track
    # Bradford's file reads as it should: its own file comes back too, its date of update
    # marked off track
    bradford = CalamineWorkbook.from_path(feedback / "bradford-feedback.xlsx")
    assert bradford.sheet_names[0] == FIX_LIST and "Action Plan" in bradford.sheet_names
    [line] = fix_list("bradford-feedback.xlsx")
    assert line["Severity"] == "Amber" and line["Field"] == "Return stale" and line["Cell"]
    said = bradford.get_sheet_by_name(FIX_LIST).to_python()[1][0]
    assert said.startswith("Each cell to act on is coloured")
    bradford_plan = openpyxl.load_workbook(feedback / "bradford-feedback.xlsx")["Action Plan"]
    assert bradford_plan[line["Cell"]].fill.fgColor.rgb.endswith("FFE199")
    marked = openpyxl.load_workbook(feedback / "leeds-feedback.xlsx")["Action Plan"]
    cell = marked[stale["Cell"]]
    assert cell.fill.fgColor.rgb.endswith("FFE199") and cell.comment.text.startswith("Amber: ")


def test_a_cell_found_wrong_and_flagged_is_one_line_at_the_louder_level(tmp_path, inbox, registers):
    """Leeds says Red and leaves its risks empty: the empty cell is a finding (Red) and the
    plan a red flag (Red confidence without contingency), both at H11. The Fix list gives H11
    once, Red, with both problems; the cell's note says both."""
    from builders import AS_OF
    from python_calamine import CalamineWorkbook

    from pipeline.run import run

    p44_return(inbox, name="leeds.xlsx", confidence="Red", risks=None)
    run(inbox, tmp_path / "outbox", [registers["p44"]], AS_OF)
    copy = tmp_path / "outbox" / "feedback" / "leeds-feedback.xlsx"
    rows = CalamineWorkbook.from_path(copy).get_sheet_by_name(FIX_LIST).to_python()
    lines = [dict(zip(rows[3], row)) for row in rows[4:]]
    [risks] = [line for line in lines if line["Cell"] == "H11"]
    assert risks["Severity"] == "Red"
    assert "Risks and contingency is required but empty" in risks["Problem"]
    assert "Also: Overall confidence is Red but Risks and contingency is empty" in risks["Problem"]
    note = comments_in(copy)["H11"]
    assert note.startswith("Red: ") and "Also: Overall confidence is Red" in note
    fix_list = openpyxl.load_workbook(copy)[FIX_LIST]
    [said] = [c for c in fix_list["D"] if c.value == "Red"]  # in the workbook's Red
    assert said.fill.fgColor.rgb.endswith("F4B6B6")


def test_feedback_on_a_return_that_came_by_email_is_named_after_the_partners_own_file(
    tmp_path, inbox, registers
):
    """A return attached to an email is shown as "message › attachment": its feedback file is
    named after the attachment, the partner's own file, in whole words (not cut off
    mid-word, "…-Bedford-Boroug-feedback.xlsx")."""
    from builders import AS_OF
    from message_builders import eml

    from pipeline.naming import FILE_STEM_LIMIT, safe_stem
    from pipeline.run import run

    made = tmp_path / "made"
    made.mkdir()
    leeds = p44_return(made, risks=None).read_bytes()
    long_name = "Leeds Community Safety Partnership action plan fortnight ending 20 November.xlsx"
    eml(inbox / "Leeds Community Safety Partnership return for the fortnight.eml",
        [(long_name, leeds)])  # fmt: skip
    run(inbox, tmp_path / "outbox", [registers["p44"]], AS_OF)
    [copy] = (tmp_path / "outbox" / "feedback").glob("*.xlsx")
    assert copy.name == (
        "Leeds-Community-Safety-Partnership-action-plan-fortnight-ending-20-November-feedback.xlsx"
    )
    cut = safe_stem("word " * 40)
    assert len(cut) <= FILE_STEM_LIMIT and cut.endswith("word")
