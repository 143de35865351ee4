"""Control characters in names: an organisation called with a terminal escape sequence still
gives a workbook Excel opens, and the command shows such names written out, never raw; and a
reader that stops reading (``pipeline run | head -1``) ends the command quietly."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
from builders import AS_OF, p44_return, write_registers
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from pipeline.cli.commands import cli
from pipeline.inbox.walk import printable
from pipeline.naming import plain, safe_sheet_name, visible, visible_lines

# What a partner's cell holds once Excel has saved ESC ] 0 ; pwn BEL: a terminal's "set the
# window title" sequence, which a terminal printing it raw would obey.
EXCEL_ESCAPED = "_x001B_]0;pwn_x0007_"
ESCAPE = "\x1b]0;pwn\x07"
SHOWN = "\\x1b]0;pwn\\x07"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def as_excel_stores_it(path: Path, old: str, new: str) -> Path:
    """Rewrite the text ``old`` as ``new`` in the workbook's XML, as Excel would have saved a
    cell holding control characters (``new`` spelled with ``_xHHHH_``)."""
    rewritten = path.with_suffix(".rewritten")
    found = 0
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/") and item.filename.endswith(".xml"):
                found += data.count(f">{old}<".encode())
                data = data.replace(f">{old}<".encode(), f">{new}<".encode())
            dst.writestr(item, data)
    assert found, f"{old} is not in {path}"
    rewritten.replace(path)
    return path


def every_part_parses(path: Path) -> None:
    """Every XML part of the workbook is well-formed: what Excel needs to open it."""
    with zipfile.ZipFile(path) as book:
        for name in book.namelist():
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(book.read(name))  # ParseError if not well-formed


def run_round(tmp_path: Path, inbox: Path, *extra):
    return invoke("run", "--inbox", inbox, "--outbox", tmp_path / "outbox", "--as-of",
                  AS_OF.isoformat(), *extra)  # fmt: skip


def with_no_reader(command: list[str]) -> subprocess.CompletedProcess:
    """Run ``command`` with its output going to a pipe nobody reads any more (as
    ``… | head -1`` once head has its line)."""
    reading, writing = os.pipe()
    os.close(reading)
    try:
        return subprocess.run(command, stdout=writing, stderr=subprocess.PIPE, text=True,
                              timeout=120)  # fmt: skip
    finally:
        os.close(writing)


def test_an_organisation_named_with_an_escape_sequence_still_gives_a_workbook_excel_opens(
    tmp_path, inbox
):
    as_excel_stores_it(p44_return(inbox, "Leeds"), "Leeds", f"{EXCEL_ESCAPED}Brent")
    result = run_round(tmp_path, inbox)
    assert result.exit_code == 0, result.output
    path = tmp_path / "outbox" / "consolidated-2026-11-20.xlsx"
    every_part_parses(path)
    book = openpyxl.load_workbook(path)  # read by another library than the one that wrote it
    assert "0;pwn Brent" in book.sheetnames
    assert all(name.isprintable() for name in book.sheetnames)
    overview = book["Overview"]
    link = next(cell for row in overview.iter_rows() for cell in row
                if cell.hyperlink and "Needs attention" not in cell.hyperlink.location)  # fmt: skip
    assert link.hyperlink.location == "'0;pwn Brent'!A1"
    assert link.value == " ]0;pwn Brent"  # the link's text: the name, nothing hidden in it
    # the organisation's own sheet and every other cell keep the name as it was sent
    calamine = CalamineWorkbook.from_path(str(path))
    own = calamine.get_sheet_by_name("0;pwn Brent").to_python()
    assert own[0][0] == f"{ESCAPE}Brent"


def test_check_shows_the_name_with_its_escape_sequence_written_out(tmp_path, inbox):
    path = as_excel_stores_it(p44_return(inbox, "Leeds"), "Leeds", f"{EXCEL_ESCAPED}Brent")
    result = invoke("check", path)
    assert result.exit_code == 0, result.output
    assert f"Leeds return.xlsx: accepted ({SHOWN}Brent)" in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output


def test_run_and_history_show_a_register_name_with_its_escape_sequence_written_out(tmp_path, inbox):
    registers = write_registers(tmp_path / "registers")
    with registers["p44"].open("a", encoding="utf-8") as register:
        register.write(f"{ESCAPE}Evil,GO North West,Eve,eve@example.gov.uk,,,\n")
    p44_return(inbox, "Leeds")
    result = run_round(tmp_path, inbox, "--register", registers["p44"])
    assert result.exit_code == 0, result.output
    assert f"Missing: {SHOWN}Evil, Bradford, Salford" in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    workbook = tmp_path / "outbox" / "consolidated-2026-11-20.xlsx"
    every_part_parses(workbook)
    assert "0;pwn Evil" in openpyxl.load_workbook(workbook).sheetnames

    history = invoke("history", f"{ESCAPE}Evil", "--store", tmp_path / "outbox/pipeline.sqlite")
    assert history.exit_code == 0, history.output
    assert history.output.startswith(f"{SHOWN}Evil: 1 round(s)\n")
    assert "\x1b" not in history.output
    unknown = invoke("history", f"{ESCAPE}Nobody", "--store", tmp_path / "outbox/pipeline.sqlite")
    assert unknown.exit_code != 0
    assert f"{SHOWN}Nobody has no rounds" in unknown.output
    assert "\x1b" not in unknown.output


def test_a_file_that_is_not_there_is_named_with_its_escapes_written_out(tmp_path):
    # (click writes a file name out itself)
    result = invoke("check", tmp_path / f"{ESCAPE}.xlsx")
    assert result.exit_code == 2
    assert f"{SHOWN}.xlsx" in result.output and "\x1b" not in result.output


def test_what_the_command_prints_keeps_its_lines_and_tabs_and_writes_out_the_rest():
    text = "Files read: 1\n\tLeeds\x1b[2J\r\u202eevil\u200b\x7f \udce9t\u00e9"
    assert visible_lines(text) == (
        "Files read: 1\n\tLeeds\\x1b[2J\\x0d\\u202eevil\\u200b\\x7f \\xe9t\u00e9"
    )
    # a single name is shown by the same rule as a file name in the inbox
    for name in ("Leeds", f"{ESCAPE}Brent", "a\nb\tc", "\u202egpj.exe", "caf\udce9", "Zoë"):
        assert visible(name) == printable(name)


def test_a_sheet_name_holds_nothing_that_is_not_printable():
    assert plain(f"{ESCAPE}Brent\ufffe") == " ]0;pwn Brent "
    taken: set[str] = set()
    assert safe_sheet_name(f"{ESCAPE}Brent", taken) == "0;pwn Brent"
    assert safe_sheet_name("\u202eBrent\u200b\x00", taken) == "Brent"
    assert safe_sheet_name("\x1b\x07", taken) == "Sheet"


def test_a_reader_that_stops_reading_ends_the_run_quietly_its_work_done(tmp_path, inbox):
    # as `pipeline run … | head -1` once head has its line: the pipe's reading end is closed
    p44_return(inbox, "Leeds")
    outbox = tmp_path / "outbox"
    command = [sys.executable, "-m", "pipeline", "run", "--inbox", str(inbox), "--outbox",
               str(outbox), "--as-of", AS_OF.isoformat()]  # fmt: skip
    done = with_no_reader(command)
    assert done.stderr == ""
    assert done.returncode == 0
    assert (outbox / "consolidated-2026-11-20.xlsx").exists()
    assert (outbox / "pipeline.sqlite").exists()


def test_check_with_no_reader_still_writes_its_feedback_and_says_nothing(tmp_path, inbox):
    path = p44_return(inbox, "Leeds", date_of_update=None)
    command = [sys.executable, "-m", "pipeline", "check", str(path), "--feedback",
               str(tmp_path / "feedback")]  # fmt: skip
    done = with_no_reader(command)
    assert done.stderr == ""
    assert list((tmp_path / "feedback").glob("*.xlsx"))


def test_feedback_for_a_plan_whose_name_holds_an_escape_sequence_is_written(tmp_path, inbox):
    path = p44_return(inbox, "Leeds")
    as_excel_stores_it(path, "Leeds", f"{EXCEL_ESCAPED}Brent")  # not on the register: why says it
    registers = write_registers(tmp_path / "registers")
    result = run_round(tmp_path, inbox, "--register", registers["p44"])
    assert result.exit_code == 0, result.output
    [feedback] = (tmp_path / "outbox" / "feedback").glob("*.xlsx")
    every_part_parses(feedback)
    cells = [c for row in CalamineWorkbook.from_path(str(feedback)).get_sheet_by_name(
        "Fix list").to_python() for c in row if isinstance(c, str)]  # fmt: skip
    assert not any("\x1b" in c or "\x07" in c for c in cells)
