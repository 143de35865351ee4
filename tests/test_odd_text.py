"""Odd text in names and registers: registers Excel saved in Windows text, cells holding line
breaks, texts longer than a spreadsheet cell can hold, and as-of dates from another century."""

from __future__ import annotations

import warnings
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from builders import AS_OF, THREE_YEAR_REGISTER, action, p44_return
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from pipeline.cli.commands import cli
from pipeline.declare import LAYOUTS
from pipeline.declare.severity import RED
from pipeline.errors import RegisterError
from pipeline.inbox.registers import read_register
from pipeline.report.engine import choose
from pipeline.report.sheetwriter import SheetWriter
from pipeline.report.streaming import Workbook, streamed_sheet
from pipeline.report.tables import LONG, TEXT, Col, Table
from pipeline.run import check_files, run

CELL_HOLDS = 32_767  # Excel's limit on the text in one cell, in UTF-16 units
P44 = LAYOUTS["p44"]

# What a partner pastes into a cell when the whole problem-solving report goes in: some
# 44,000 characters, more than a cell holds.
ESSAY = ("Burglary dwelling rose by a fifth in two wards; SARA analysis followed. " * 600).strip()


def excel_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# --- registers Excel saved ----------------------------------------------------------------

P44_COLUMNS = (
    "partnership,region,contact_name,contact_email,baseline_crimes,reduction_target_pct,target_date"
)


def test_a_register_excel_saved_as_plain_csv_is_read_its_accented_names_intact(tmp_path):
    # Excel's "CSV (Comma delimited)" on Windows writes cp1252: é is one byte, ’ is 0x92
    text = (
        f"{P44_COLUMNS}\r\n"
        "Bródy & Zoë’s Partnership,GO North West,Zoë Müller,zoe@example.gov.uk,1000,5,\r\n"
        "Saint-Étienne,GO South East,José Ñúñez,jose@example.gov.uk,,,\r\n"
    )
    path = tmp_path / "p44.csv"
    path.write_bytes(text.encode("cp1252"))
    register = read_register(path)
    assert [e.organisation for e in register.entries] == [
        "Bródy & Zoë’s Partnership",
        "Saint-Étienne",
    ]
    assert register.entries[0].prefill["contact_name"] == "Zoë Müller"
    assert register.find("SAINT-ÉTIENNE").prefill["contact_name"] == "José Ñúñez"


def test_a_register_saved_as_csv_utf8_with_its_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "three_year.csv"
    path.write_bytes(THREE_YEAR_REGISTER.replace("Ian Clarke", "Siân Ó Briain").encode("utf-8-sig"))
    register = read_register(path)
    assert register.layout.name == "three_year"
    assert register.find("Housing", "HSG").prefill["head_of_service"] == "Siân Ó Briain"


def test_a_register_with_a_byte_that_is_no_text_says_its_line_and_how_to_save_it(tmp_path):
    path = tmp_path / "p44.csv"
    # 0x81 means nothing in Windows text (nor, alone, in UTF-8): a file damaged somewhere
    path.write_bytes(
        f"{P44_COLUMNS}\nLeeds,GO Yorkshire,,,,,\n".encode() + b"Bradford,GO \x81,,,,,\n"
    )
    with pytest.raises(RegisterError) as raised:
        read_register(path)
    assert str(raised.value) == (
        f"{path} line 3: the register has a character that cannot be read (byte 0x81, which is "
        f"neither UTF-8 nor Windows text); save it from Excel as CSV UTF-8 (Comma delimited)."
    )


def test_a_quoted_cell_with_a_line_break_is_one_cell_and_lines_are_the_files(tmp_path):
    # Alt+Enter in Excel: the cell is saved in quotes, over two lines of the file
    path = tmp_path / "three_year.csv"
    path.write_text(
        "business_unit,code,head_of_service,plan_start\n"
        'Housing,HSG,"Ian Clarke\n(acting head)",2025\n'
        "Finance,FIN,Rachel Smith,2025\n"
        "Finance,FN2,Sam Patel,2025\n",
        encoding="utf-8",
    )
    with pytest.raises(RegisterError) as raised:
        read_register(path)
    # Finance is on lines 4 and 5 of the file, though it is the third and fourth record
    assert str(raised.value) == (
        f"{path} line 5: Finance is already on line 4; list each organisation once."
    )
    path.write_text(path.read_text().rsplit("Finance,FN2", 1)[0], encoding="utf-8")
    register = read_register(path)
    housing, finance = register.entries
    assert housing.prefill["head_of_service"] == "Ian Clarke\n(acting head)"
    assert (housing.line, finance.line) == (2, 4)


def test_a_contact_name_over_two_lines_reaches_the_prefilled_template_with_its_break(tmp_path):
    # Alt+Enter in the contact's cell; Excel writes the break inside quotes as CR LF
    path = tmp_path / "p44.csv"
    path.write_bytes(
        (
            f"{P44_COLUMNS}\r\n"
            '"Leeds  Community\r\nSafety",GO Yorkshire,"Anne\r\nMarie  Smith",'
            "anne@leeds.gov.uk,,,\r\n"
            "Bradford,GO Yorkshire,Sam Khan,sam@bradford.gov.uk,,,\r\n"
        ).encode()
    )
    out = tmp_path / "templates"
    result = CliRunner().invoke(
        cli, ["templates", "--layout", "p44", "--register", str(path), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    book = CalamineWorkbook.from_path(str(next(out.glob("*Leeds*.xlsx"))))
    cells = {value for name in book.sheet_names
             for row in book.get_sheet_by_name(name).to_python() for value in row}  # fmt: skip
    assert "Anne\nMarie Smith" in cells  # the break kept; spaces within a line tidied
    assert "Leeds Community\nSafety" in cells
    # the name is still matched as one line, whatever its spacing and breaks
    register = read_register(path)
    leeds = register.find("Leeds Community Safety")
    assert leeds.organisation == "Leeds Community\nSafety"
    assert leeds.prefill["contact_name"] == "Anne\nMarie Smith"


def test_a_bad_value_after_a_cell_over_two_lines_is_reported_on_its_own_line(tmp_path):
    path = tmp_path / "p44.csv"
    path.write_bytes(
        (
            f"{P44_COLUMNS}\r\n"
            'Leeds,"GO Yorkshire\r\nand the Humber",Jane Doe,jane@leeds.gov.uk,,,\r\n'
            "Bradford,GO Yorkshire,Sam Khan,sam at bradford,,,\r\n"
        ).encode("cp1252")
    )
    with pytest.raises(RegisterError) as raised:
        read_register(path)
    assert str(raised.value) == (
        f'{path} line 4, column contact_email: "sam at bradford" is not a valid Contact email.'
    )


def test_a_quote_never_closed_is_an_error_not_the_rest_of_the_register_swallowed(tmp_path):
    path = tmp_path / "three_year.csv"
    path.write_text(
        'business_unit,code,head_of_service,plan_start\nHousing,HSG,"Ian Clarke,2025\n'
        "Finance,FIN,Rachel Smith,2025\n",
        encoding="utf-8",
    )
    with pytest.raises(RegisterError) as raised:
        read_register(path)
    assert str(raised.value) == (
        f'{path} line 2: a cell opens with a quote (") that is never closed, so the rest of the '
        f"register would be read as that one cell: add the closing quote, or remove the "
        f"opening one."
    )


def test_a_register_cell_longer_than_a_spreadsheet_cell_is_an_error_naming_its_line(tmp_path):
    path = tmp_path / "three_year.csv"
    path.write_text(THREE_YEAR_REGISTER.replace("Rachel Smith", "R" * 40_000), encoding="utf-8")
    with pytest.raises(RegisterError) as raised:
        read_register(path)
    assert str(raised.value) == (
        f"{path} line 3, column head_of_service: the value is 40,000 characters long, more than "
        f"a spreadsheet cell can hold: shorten it (a cell holds at most 32,767 characters)."
    )


# --- texts longer than a cell holds ---------------------------------------------------------


def ods_return(path: Path, definition: str, action_text: str) -> Path:
    """A plan typed into LibreOffice from scratch and saved as .ods: a cell there holds more
    than Excel's limit."""
    grid = [
        ["Partnership", "Leeds", None, None, None, None],
        ["Date of update", datetime(2026, 11, 17), None, None, None, None],
        ["Overall confidence (RAG)", "Amber", None, None, None, None],
        ["Definition of problem", definition, None, None, None, None],
        [None] * 6,
        ["Ref", "Action", "Status", "Start date", "Category", "Lead officer"],
        ["A01", action_text, "Ongoing", datetime(2026, 11, 1), "Enforcement", "Insp. Cole"],
        ["A02", "Patrols", "Ongoing", datetime(2026, 11, 1), "Enforcement", "Insp. Cole"],
    ]
    write_ods(path, pd.DataFrame(grid))
    return path


def write_ods(path: Path, grid: pd.DataFrame) -> None:
    with warnings.catch_warnings():  # pandas warns that Excel would cut it; the .ods holds it
        warnings.simplefilter("ignore", UserWarning)
        grid.to_excel(path, engine="odf", header=False, index=False)


def xlsx_return(folder: Path, **long_texts: str) -> Path:
    """Leeds's template filled in openpyxl, then each ``long_texts`` marker replaced in the
    file by its text: openpyxl cuts a long text as it is typed in, but a file may hold one."""
    path = p44_return(
        folder, rows=[action("A01", action="MARKER-ACTION"), action("A02")],
        definition_of_problem="MARKER-DEFINITION",
    )  # fmt: skip
    texts = {b"MARKER-ACTION": long_texts["action"], b"MARKER-DEFINITION": long_texts["definition"]}
    parts = {}
    with zipfile.ZipFile(path) as book:
        for info in book.infolist():
            data = book.read(info)
            for marker, text in texts.items():
                data = data.replace(marker, text.encode())
            parts[info] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for info, data in parts.items():
            book.writestr(info, data)
    return path


def longest_text(path: Path) -> int:
    """The longest text in any cell of a workbook, as Excel counts it, read with calamine."""
    book = CalamineWorkbook.from_path(str(path))
    return max(
        (excel_length(v) for name in book.sheet_names
         for row in book.get_sheet_by_name(name).to_python() for v in row
         if isinstance(v, str)),
        default=0,
    )  # fmt: skip


def test_an_ods_plan_with_texts_longer_than_a_cell_is_told_to_shorten_them(inbox):
    path = ods_return(inbox / "leeds.ods", ESSAY, ESSAY[:35_000])
    assert longest_text(path) == len(ESSAY)  # the file really holds it
    [receipt] = check_files([path])
    too_long = {f.field: f for f in receipt.findings if f.rule == "too-long"}
    definition, action_text = too_long["Definition of problem"], too_long["Action"]
    assert (definition.severity, definition.sheet, definition.cell) == (
        RED, "Sheet1", "B4",
    )  # fmt: skip
    assert definition.file == "leeds.ods"
    assert definition.message == (
        f"Definition of problem is {len(ESSAY):,} characters long, more than a cell can hold: "
        f"shorten it (a cell holds at most 32,767 characters). Until then it is cut short to "
        f"fit, ending in …"
    )
    assert action_text.cell == "B7" and action_text.message.startswith(
        "Action (row 7) is 35,000 characters long, more than a cell can hold: shorten it"
    )
    kept = receipt.loaded.value("definition_of_problem")
    assert len(kept) == CELL_HOLDS and kept == ESSAY[: CELL_HOLDS - 1] + "…"
    [first, second] = receipt.loaded.rows["action"].tolist()
    assert len(first) == CELL_HOLDS and second == "Patrols"
    # cut to fit, the values are good: nothing is reported missing
    assert not [f for f in receipt.findings if f.rule == "required"]


def test_a_text_just_short_enough_is_kept_whole(inbox):
    exactly = ESSAY[:CELL_HOLDS]
    [receipt] = check_files([ods_return(inbox / "leeds.ods", exactly, "Patrols")])
    assert receipt.loaded.value("definition_of_problem") == exactly
    assert not [f for f in receipt.findings if f.rule == "too-long"]


def test_a_long_text_in_a_date_column_is_reported_once_as_not_a_date(inbox):
    path = ods_return(inbox / "leeds.ods", "Burglary.", "Patrols")
    frame = pd.read_excel(path, engine="calamine", header=None)
    frame.iat[6, 3] = ESSAY  # A01's start date
    write_ods(path, frame)
    [receipt] = check_files([path])
    about = [f for f in receipt.findings if f.cell == "D7"]
    assert [f.rule for f in about] == ["not-a-date"]
    assert len(about[0].message) < 200


def test_a_round_with_texts_longer_than_a_cell_writes_no_cell_longer_anywhere(
    tmp_path, inbox, registers
):
    long_texts = {"definition": ESSAY, "action": "🚨 Operation Nightjar " * 2_000}
    path = xlsx_return(inbox, **long_texts)
    assert longest_text(path) > CELL_HOLDS  # the partner's file really holds them
    outbox = tmp_path / "outbox"
    result = run(inbox, outbox, [registers["p44"]], AS_OF)
    # the consolidated workbook (xlsxwriter), read back with calamine and with openpyxl
    assert longest_text(result.path) == CELL_HOLDS
    actions = openpyxl.load_workbook(result.path)["Actions"]
    kept = next(v for row in actions.iter_rows(values_only=True) for v in row
                if isinstance(v, str) and v.startswith("🚨"))  # fmt: skip
    assert kept.endswith("…") and excel_length(kept) == CELL_HOLDS
    flagged = [f for f in result.consolidation.receipts[0].loaded.findings if f.rule == "too-long"]
    assert {(f.field, f.cell) for f in flagged} == {
        ("Definition of problem", "H4"),
        ("Action", "B20"),
    }
    # the partner's Fix list (openpyxl) names both cells
    [feedback] = result.feedback
    fixes = openpyxl.load_workbook(feedback)["Fix list"]
    listed = {(row[1], row[2]) for row in fixes.iter_rows(min_row=5, values_only=True)}
    assert {("H4", "Definition of problem"), ("B20", "Action")} <= listed
    # next round's template, pre-filled from the store (openpyxl), holds the cut texts
    out = tmp_path / "templates"
    made = CliRunner().invoke(cli, ["templates", "--layout", "p44", "--register",
                                    str(registers["p44"]), "--out", str(out),
                                    "--store", str(result.store)])  # fmt: skip
    assert made.exit_code == 0, made.output
    [leeds] = [p for p in out.glob("*.xlsx") if "Leeds" in p.name]
    assert longest_text(leeds) == CELL_HOLDS


def test_the_workbook_writer_cuts_a_text_longer_than_a_cell_where_xlsxwriter_would_silently(
    tmp_path,
):
    plain, emoji = "a" * 40_000, "🙂" * 20_000  # each emoji counts twice in Excel
    path = tmp_path / "written.xlsx"
    book = Workbook(str(path))
    writer = SheetWriter(book, AS_OF, writer=choose("fast"))  # its sheets are streamed
    columns = [Col("Text", kind=TEXT), Col("Long", kind=LONG)]
    for sheet in (book.add_worksheet("Kept"), streamed_sheet(book, "Streamed")):
        writer.title(sheet, plain)
        writer.value(sheet, 1, 0, emoji)
        writer.table(sheet, Table(sheet.name, columns, [(plain, emoji), ("short", "short")]), 3)
    book.close()
    for name in ("Kept", "Streamed"):
        rows = openpyxl.load_workbook(path)[name].iter_rows(values_only=True)
        values = [v for row in rows for v in row if isinstance(v, str)]
        assert "short" in values
        cut = [v for v in values if v != "short" and v not in ("Text", "Long")]
        assert len(cut) == 4
        for value in cut:
            assert excel_length(value) == CELL_HOLDS
            assert value.endswith("…") and value[0] in "a🙂"


# --- as-of dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "option", "day"),
    [
        ("run", "--as-of", "2201-11-20"),
        ("run", "--as-of", "1989-12-31"),
        ("run", "--due", "0026-11-18"),
        ("demo", "--as-of", "2101-01-01"),
    ],
)
def test_an_as_of_date_outside_1990_to_2100_is_a_usage_error(tmp_path, command, option, day):
    args = {
        "run": ["--inbox", str(tmp_path), "--outbox", str(tmp_path / "outbox")],
        "demo": ["--dir", str(tmp_path / "demo")],
    }[command]
    result = CliRunner().invoke(cli, [command, *args, option, day])
    assert result.exit_code == 2
    assert (
        f"{day} is not a date a round could be reported for: give one from 1990 to 2100, in the "
        f"form YYYY-MM-DD." in " ".join(result.output.split())
    )
    assert not (tmp_path / "outbox").exists() and not (tmp_path / "demo").exists()


def test_the_first_and_last_days_of_the_range_are_accepted(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for day in (date(1990, 1, 1), date(2100, 12, 31)):
        args = ["--inbox", str(inbox), "--outbox", str(tmp_path / "outbox")]
        result = CliRunner().invoke(cli, ["run", *args, "--as-of", day.isoformat()])
        assert result.exit_code == 0, result.output
        assert (tmp_path / "outbox" / f"consolidated-{day.isoformat()}.xlsx").exists()
