"""On paper: the workbook and the meeting pack, printed by LibreOffice, are readable.

Every page is measured in the PDF LibreOffice makes (its characters' sizes, ``pdf_pages``): no
text under 8 pt, on A4.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta

import openpyxl
import pdfplumber
import pytest
from builders import (
    AS_OF,
    REGISTERS,
    action,
    hallmarks_return,
    p44_return,
    pcc_return,
    review,
    three_year_return,
    write_registers,
)
from click.testing import CliRunner
from openpyxl.utils import column_index_from_string
from pdf_pages import pages

from pipeline.cli import cli

SMALLEST_PT = 8.0


def too_small(measured: list[tuple[str, float]]) -> list[str]:
    return [f"page {n} ({first[:40]!r}): {size:.1f} pt"
            for n, (first, size) in enumerate(measured, start=1)
            if size < SMALLEST_PT - 0.05]  # fmt: skip


@pytest.fixture(scope="module")
def meeting(tmp_path_factory):
    """A round of every layout run with ``--pack``: a partnership that says Green with an
    action overdue, one that says Red with no risks, one missing; a self-assessment with a
    Gap; a delivery plan; a three-year plan. Returns (the run's output, its outbox)."""
    root = tmp_path_factory.mktemp("meeting")
    inbox = root / "inbox"
    inbox.mkdir()
    registers = write_registers(root / "registers", tuple(REGISTERS))
    late = AS_OF - timedelta(days=10)
    p44_return(inbox, confidence="Green", rows=[
        action("A01", end_date=late, status="Ongoing",
               action="Test purchase operation at off-licences in the city centre"),
        action("A02", status="Complete"),
    ])  # fmt: skip
    p44_return(inbox, organisation="Bradford", confidence="Red", risks=None)
    hallmarks_return(inbox, rows=review({"2a": {"assessment": "Gap"}}))
    pcc_return(inbox)
    three_year_return(inbox)
    options = [f"--register={path}" for path in registers.values()]
    result = CliRunner().invoke(cli, ["run", "--inbox", str(inbox), "--outbox",
                                      str(root / "outbox"), "--as-of", AS_OF.isoformat(),
                                      *options, "--pack"])  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.output, root / "outbox"


@pytest.fixture(scope="module")
def printed(meeting, libreoffice, tmp_path_factory):
    """The meeting round's workbook and Bradford's feedback, printed to PDF by LibreOffice (as
    a user's office would), with one start of it: {"workbook": pdf, "feedback": pdf}."""
    _, outbox = meeting
    [feedback] = (outbox / "feedback").glob("Bradford*.xlsx")
    workbook = outbox / "consolidated-2026-11-20.xlsx"
    pdfs = libreoffice.convert([workbook, feedback], "pdf", tmp_path_factory.mktemp("printed"))
    return dict(zip(("workbook", "feedback"), pdfs, strict=True))


def test_every_page_of_the_workbook_prints_at_8_pt_or_more(meeting, printed):
    _, outbox = meeting
    workbook = outbox / "consolidated-2026-11-20.xlsx"
    measured = pages(printed["workbook"])
    book = openpyxl.load_workbook(workbook)
    assert len(measured) >= len(book.sheetnames) - 1  # every sheet printed (but the hidden one)
    assert too_small(measured) == []
    # the Overview prints as many of its columns as fit a page at that size, one page wide
    overview = book["Overview"]
    printed = re.fullmatch(r"'Overview'!\$A\$1:\$([A-Z]+)\$(\d+)", overview.print_area)
    assert printed and int(printed[2]) == overview.max_row
    assert 8 <= column_index_from_string(printed[1]) < overview.max_column
    assert overview.sheet_properties.pageSetUpPr.fitToPage and overview.page_setup.fitToHeight == 0
    assert measured[0][0] == "Action plans: progress report"


def test_a_sheet_too_wide_for_a_page_prints_across_pages_with_its_names_repeated(meeting):
    _, outbox = meeting
    sheet = openpyxl.load_workbook(outbox / "consolidated-2026-11-20.xlsx")["Actions"]
    assert sheet.page_setup.scale == 80
    assert sheet.page_setup.pageOrder == "overThenDown"
    assert sheet.print_title_cols == "$A:$A"


def test_the_meeting_pack_puts_who_needs_attention_first_then_a_page_per_organisation(meeting):
    output, outbox = meeting
    pdf = outbox / "meeting-pack-2026-11-20.pdf"
    assert f"Meeting pack: {pdf}" in output
    measured = pages(pdf)
    assert too_small(measured) == []
    firsts = [first for first, _ in measured]
    assert firsts[:2] == ["Meeting pack, as of 20/11/2026", "Every organisation"]
    with pdfplumber.open(pdf) as document:
        text = [page.extract_text() for page in document.pages]
    listed = [line.split(" ")[0] for line in text[0].split("\n")]
    assert "says Red; Risks and contingency is missing" in text[0]
    # a page per organisation, those needing attention first, in the list's order
    order = [name for name in firsts[2:] if name in ORGANISATIONS]
    assert sorted(order) == sorted(ORGANISATIONS)
    attention = [name for name in order if name.split(" ")[0] in listed]
    assert order[: len(attention)] == attention
    assert attention.index("Bradford") < attention.index("Leeds")
    leeds = text[firsts.index("Leeds")]
    assert "says Green, its actions say Red; 1 action overdue" in leeds
    assert "Actions still to deliver (1 of 2)" in leeds
    assert "Test purchase operation" in leeds and "Yes" in leeds  # overdue
    bradford = text[firsts.index("Bradford")]
    assert "Risks and contingency is missing" in bradford  # its flag, with the cell
    hunts = text[firsts.index("Huntingdonshire CSP")]
    assert "Requirements still to deliver (1 of 106)" in hunts
    salford = text[firsts.index("Salford")]
    assert "no return this round" in salford and "ruth.adeyemi@salford.gov.uk" in salford


ORGANISATIONS = ["Leeds", "Bradford", "Salford", "Huntingdonshire CSP", "Fenland CSP",
                 "Constabulary", "Youth Offending Service", "Housing", "Finance"]  # fmt: skip


def test_without_libreoffice_the_pack_is_its_workbook_and_a_sentence_says_why(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    registers = write_registers(tmp_path / "registers", ("p44",))
    p44_return(inbox)
    nowhere = tmp_path / "bin"  # a PATH with no LibreOffice on it (nor anything else)
    nowhere.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", "--inbox", str(inbox), "--outbox",
         str(tmp_path / "outbox"), "--as-of", AS_OF.isoformat(), "--register",
         str(registers["p44"]), "--pack"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "PATH": str(nowhere)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    workbook = tmp_path / "outbox" / "meeting-pack-2026-11-20.xlsx"
    assert f"Meeting pack (to print from Excel): {workbook}" in done.stdout
    assert "it is printed by LibreOffice, which is not installed. Install it" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "outbox" / "meeting-pack-2026-11-20.pdf").exists()
    sheets = openpyxl.load_workbook(workbook).sheetnames
    assert sheets[:2] == ["Needs attention", "Overview"]
    assert {"Leeds", "Bradford", "Salford"} <= set(sheets)


def test_a_partners_fix_list_prints_at_8_pt_or_more_with_every_problem_in_full(meeting, printed):
    """Bradford says Red with no risks: its feedback's Fix list, printed, is one page wide at a
    readable size, and the Problem and What to do texts wrap rather than run off the page."""
    _, outbox = meeting
    [feedback] = (outbox / "feedback").glob("Bradford*.xlsx")
    pdf = printed["feedback"]
    measured = pages(pdf)
    assert measured[0][0].startswith("What to fix in Bradford")
    assert too_small(measured[:1]) == []
    with pdfplumber.open(pdf) as document:
        shown = " ".join((document.pages[0].extract_text() or "").split())
    fix_list = openpyxl.load_workbook(feedback)["Fix list"]
    for row in fix_list.iter_rows(min_row=5, values_only=True):
        for text in (row[4], row[5]):  # Problem, What to do
            assert " ".join(str(text).split())[:120] in shown or _wrapped_in(text, shown), text


def _wrapped_in(text: str, shown: str) -> bool:
    """Whether every word of ``text`` is on the page (wrapped lines interleave columns)."""
    return all(word in shown for word in str(text).split())


def test_a_partners_template_prints_at_8_pt_or_more_each_label_beside_its_value(
    libreoffice, tmp_path
):
    """Printed on A4, Leeds's template shows nothing under 8 pt; each header label is on the
    same line as its value; and a sheet too wide for a page (the three-year plan's twelve
    quarters) prints across pages with Ref and Task on every one."""
    from pipeline.layouts import LAYOUTS
    from pipeline.registers import read_register
    from pipeline.templates import make_templates

    registers = write_registers(tmp_path / "registers")
    made = make_templates(LAYOUTS["p44"], tmp_path / "t", read_register(registers["p44"]))
    [leeds] = [p for p in made if "Leeds" in p.name]
    three_year = read_register(registers["three_year"])
    housing = make_templates(LAYOUTS["three_year"], tmp_path / "t", three_year)[0]
    leeds_pdf, housing_pdf = libreoffice.convert([leeds, housing], "pdf", tmp_path / "printed")
    for template, pdf in ((leeds, leeds_pdf), (housing, housing_pdf)):
        assert too_small(pages(pdf)) == [], template.name
    with pdfplumber.open(leeds_pdf) as document:
        plan = next(p for p in document.pages if "Fill in the white" in (p.extract_text() or ""))
        words = plan.extract_words(extra_attrs=["size"])
    for label, value in (("Partnership", "Leeds"), ("Email", "jane.doe@leeds.gov.uk")):
        at = next(w for w in words if w["text"] == label and w["size"] < 10)  # (not the title)
        assert any(w["text"] == value and abs(w["top"] - at["top"]) < 3 and w["x0"] > at["x1"]
                   for w in words), (label, value)  # fmt: skip
    with pdfplumber.open(housing_pdf) as document:
        plan_pages = [
            p.extract_text() or "" for p in document.pages if "Q" in (p.extract_text() or "")
        ]
    across = [text for text in plan_pages if "Ref" in text and "Task" in text]
    assert len(across) >= 3 and any("Q12" in text for text in across), len(across)


def test_pages_are_measured_as_pdfplumber_measures_them(printed):
    """``pdf_pages`` reads a page's first line and smallest size as pdfplumber would (in a
    fraction of its time): the Fix list's pages, every one."""
    with pdfplumber.open(printed["feedback"]) as document:
        seen = [
            ((page.extract_text() or "").split("\n")[0],
             min((c["size"] for c in page.chars if c["text"].strip()), default=99.0))
            for page in document.pages
        ]  # fmt: skip
    measured = pages(printed["feedback"])
    assert len(seen) > 1 and [first for first, _ in measured] == [first for first, _ in seen]
    assert [size for _, size in measured] == pytest.approx([size for _, size in seen])
