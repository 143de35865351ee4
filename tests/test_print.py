"""On paper: the workbook and the meeting pack, printed by LibreOffice, are readable.

Every page is measured in the PDF LibreOffice makes (its characters' sizes, ``pdf_pages``, and
pdfplumber's words): no text under 8 pt, on A4; and no page of a table that shows fewer than
three of its columns (a strip cut off the side of a table, or a page of labels whose values
are elsewhere).
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

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
    task,
    three_year_return,
    write_registers,
)
from click.testing import CliRunner
from openpyxl.utils import column_index_from_string
from pdf_pages import cut_texts, overrun_texts, pages
from workbook_reading import main_table, sheet_records

from pipeline.cli.commands import cli
from pipeline.report.pack import write_pack_workbook
from pipeline.run import run
from pipeline.values import LINE_HEIGHT

SMALLEST_PT = 8.0
LONG_NAME = "Office of the Police and Crime Commissioner"  # (the meeting's longest name)


def print_to_pdf(libreoffice, workbook: Path, folder: Path) -> Path:
    """``workbook`` printed to PDF by LibreOffice (the ``libreoffice`` fixture), as a user's
    office would."""
    [pdf] = libreoffice.convert([workbook], "pdf", folder)
    return pdf


CELL_GAP = 6.0  # points between two words that are in two cells of a line, not one
SAME_COLUMN = 3.0  # points apart at most, two cells' left edges are one column's


def printed_pages(pdf: Path) -> list[dict]:
    """Each page of ``pdf``: the sheet its footer names, its smallest character size, and how
    many columns its text stands in (left edges where cells start on two lines or more)."""
    out = []
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            words = page.extract_words(extra_attrs=["size"])
            footer = max((w["top"] for w in words), default=0)
            body = [w for w in words if w["top"] < footer - 2]
            footer_words = sorted((w for w in words if w["top"] >= footer - 2),
                                  key=lambda w: w["x0"])  # fmt: skip
            named = " ".join(w["text"] for w in footer_words).split(" Page ")[0]
            out.append({
                "sheet": named,
                "smallest": min((w["size"] for w in words), default=99.0),
                "columns": columns_of(body),
                "text": bool(body),
            })  # fmt: skip
    return out


def columns_of(words: list[dict]) -> int:
    """How many columns ``words`` stand in: the left edges of cells (a line's first word, or
    one far from the word before it) that two lines or more share."""
    lines: dict[int, list[dict]] = {}
    for w in words:
        lines.setdefault(round(w["top"]), []).append(w)
    starts: list[float] = []
    for line in lines.values():
        line.sort(key=lambda w: w["x0"])
        starts += [w["x0"] for n, w in enumerate(line)
                   if n == 0 or w["x0"] - line[n - 1]["x1"] > CELL_GAP]  # fmt: skip
    edges: list[list[float]] = []
    for x in sorted(starts):
        if edges and x - edges[-1][-1] <= SAME_COLUMN:
            edges[-1].append(x)
        else:
            edges.append([x])
    return sum(len(edge) >= 2 for edge in edges)


def strips(measured: list[dict], tabled: set[str]) -> list[str]:
    """The pages of a sheet with a table, after its first, that show fewer than three columns
    (or nothing at all)."""
    bad, seen = [], set()
    for n, page in enumerate(measured, start=1):
        first = page["sheet"] not in seen
        seen.add(page["sheet"])
        if page["sheet"] in tabled and not first and (page["columns"] < 3 or not page["text"]):
            bad.append(f"page {n} ({page['sheet']}): {page['columns']} column(s)")
    return bad


def tabled_sheets(workbook: Path) -> set[str]:
    """The names (as footers give them) of the sheets of ``workbook`` that have a table."""
    book = openpyxl.load_workbook(workbook)
    named = set()
    for sheet in book.worksheets:
        if sheet.tables and sheet.sheet_state == "visible":
            footer = sheet.oddFooter.left.text or sheet.title
            named.add(footer.replace("&&", "&"))
    return named


def too_small(measured: list[tuple[str, float]]) -> list[str]:
    return [f"page {n} ({first[:40]!r}): {size:.1f} pt"
            for n, (first, size) in enumerate(measured, start=1)
            if size < SMALLEST_PT - 0.05]  # fmt: skip


@pytest.fixture(scope="module")
def meeting(tmp_path_factory):
    """A round of every layout run with ``--pack``: a partnership that says Green with an
    action overdue, one that says Red with no risks, one missing; a self-assessment with a
    Gap; a delivery plan; a three-year plan; an organisation of a long name missing. Returns
    (the run's output, its outbox)."""
    root = tmp_path_factory.mktemp("meeting")
    inbox = root / "inbox"
    inbox.mkdir()
    registers = write_registers(root / "registers", tuple(REGISTERS))
    with registers["pcc_delivery"].open("a", encoding="utf-8") as register:
        register.write(f"{LONG_NAME},Chief Executive,Mohammed Begum,m.begum@opcc.example.gov.uk\n")
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
    """The meeting's consolidated workbook and Bradford's feedback, printed by LibreOffice with
    one start of it: {"workbook": (workbook, PDF), "feedback": (feedback, PDF)}."""
    _, outbox = meeting
    workbook = outbox / "consolidated-2026-11-20.xlsx"
    [feedback] = (outbox / "feedback").glob("Bradford*.xlsx")
    pdfs = libreoffice.convert([workbook, feedback], "pdf", tmp_path_factory.mktemp("printed"))
    return {"workbook": (workbook, pdfs[0]), "feedback": (feedback, pdfs[1])}


@pytest.fixture(scope="module")
def workbook_pdf(printed):
    """The meeting's consolidated workbook printed by LibreOffice (once): (workbook, PDF)."""
    return printed["workbook"]


def test_every_page_of_the_workbook_prints_at_8_pt_or_more(workbook_pdf):
    workbook, pdf = workbook_pdf
    measured = pages(pdf)
    book = openpyxl.load_workbook(workbook)
    assert len(measured) >= len(book.sheetnames) - 1  # every sheet printed (but the hidden one)
    assert too_small(measured) == []
    # the Overview prints, one page wide, the columns a manager reads on paper: who, whether
    # it returned, how confident, which way, its flags (Amber too), its trail and what is
    # overdue; the file it came from and the layouts' own figures stay on screen
    overview = book["Overview"]
    printed = re.fullmatch(r"'Overview'!\$A\$1:\$([A-Z]+)\$(\d+)", overview.print_area)
    assert printed and int(printed[2]) == overview.max_row
    _, top, _, _ = main_table(overview)
    titles = [c.value for c in overview[top]]
    on_paper = titles[: column_index_from_string(printed[1])]
    assert on_paper[-4:] == ["Last 6 rounds", "Red flags", "Amber flags", "Overdue"]
    assert {"Received", "Confidence (its own)", "Direction"} <= set(on_paper)
    assert "File" in titles and "File" not in on_paper
    assert overview.sheet_properties.pageSetUpPr.fitToPage and overview.page_setup.fitToHeight == 0
    assert measured[0][0] == "Action plans: progress report"


def test_no_printed_page_of_a_table_shows_fewer_than_three_of_its_columns(workbook_pdf):
    """Every sheet prints one page wide: no page carries a strip cut off the side of a table,
    or a panel of labels whose values went to another page."""
    workbook, pdf = workbook_pdf
    measured = printed_pages(pdf)
    tabled = tabled_sheets(workbook)
    assert {"Overview", "Gap Flags", "Leeds", "Huntingdonshire CSP"} <= tabled
    assert strips(measured, tabled) == []
    # and the measure finds a strip where there is one: a page of one column of a table
    strip = [
        {"sheet": "Gap Flags", "columns": 9, "text": True, "smallest": 9},
        {"sheet": "Gap Flags", "columns": 1, "text": True, "smallest": 9},
    ]
    assert strips(strip, {"Gap Flags"}) == ["page 2 (Gap Flags): 1 column(s)"]


@pytest.mark.slow
def test_the_demo_workbook_prints_in_at_most_300_readable_pages(demo_round, libreoffice, tmp_path):
    """The demo's whole workbook, printed: at most 300 pages (it was 990), nothing under 8 pt,
    no page of a table with fewer than three of its columns, no text cut at its cell's edge
    (the Police and Crime Commissioner's office, the longest name, was), and no wrapped text
    drawn over the row below (a file's name broken at its slash and hyphens, an action with
    "offender management" in a narrow column, were)."""
    _, _, workbook = demo_round
    pdf = print_to_pdf(libreoffice, workbook, tmp_path)
    measured = printed_pages(pdf)
    assert len(measured) <= 300
    assert cut_texts(pdf) == []
    assert overrun_texts(pdf) == []
    assert [p for p in measured if p["smallest"] < SMALLEST_PT - 0.05] == []
    assert strips(measured, tabled_sheets(workbook)) == []
    # a partnership's sheet of a few actions prints on one page (its header two to a line)
    pages_of = Counter(page["sheet"] for page in measured)
    overview = sheet_records(workbook, "Overview")
    few = [
        o["Organisation"]
        for o in overview
        if o["Layout"] == "Priority 44" and (o["Requirements / actions / tasks"] or 99) <= 6
    ]
    assert few and {name: pages_of[name] for name in few} == dict.fromkeys(few, 1)


def test_the_meeting_pack_puts_who_needs_attention_first_then_a_page_per_organisation(meeting):
    """Every page portrait: the figures and who needs attention first; then a page for each
    organisation needing attention that sent a return, in the list's order, saying how old
    its return is; then those with no return, together on one page; then those with nothing
    to discuss, as one table."""
    output, outbox = meeting
    pdf = outbox / "meeting-pack-2026-11-20.pdf"
    assert f"Meeting pack: {pdf}" in output
    measured = pages(pdf)
    assert too_small(measured) == []
    firsts = [first for first, _ in measured]
    with pdfplumber.open(pdf) as document:
        text = [page.extract_text() for page in document.pages]
        assert all(page.height > page.width for page in document.pages)  # one orientation
    assert firsts[0] == "Meeting pack, as of 20/11/2026"
    listed = [line.split(" ")[0] for line in text[0].split("\n")]
    assert "says Red; Risks and contingency is missing" in text[0]
    # a page for each organisation needing attention with a return, in the list's order
    order = [name for name in firsts[1:] if name in ORGANISATIONS]
    assert order == ["Bradford", "Huntingdonshire CSP", "Leeds"]
    assert [name for name in listed if name in ("Bradford", "Huntingdonshire", "Leeds")] == [
        "Bradford", "Huntingdonshire", "Leeds"]  # fmt: skip
    leeds = text[firsts.index("Leeds")]
    assert "says Green, its actions say Red; 1 action overdue" in leeds
    assert "Return dated 17/11/2026: 3 days old on 20/11/2026" in leeds
    assert "Actions still to deliver (1 of 2)" in leeds
    assert "Test purchase operation" in leeds and "Yes" in leeds  # overdue
    assert "Overdue, last 6 rounds: 1" in leeds
    bradford = text[firsts.index("Bradford")]
    assert "Risks and contingency is missing" in bradford  # its flag, with the cell
    hunts = text[firsts.index("Huntingdonshire CSP")]
    assert "Requirements still to deliver (1 of 106)" in hunts
    # those with no return, on one page, with whom to chase
    missing = text[firsts.index("No return this round (5)")]
    for name in ("Salford", "Fenland CSP", "Youth Offending Service", "Finance"):
        assert name in missing, name
    assert "ruth.adeyemi@salford.gov.uk" in missing
    # and those with nothing to discuss, as one table
    quiet = text[firsts.index("Nothing to discuss (2)")]
    assert "Constabulary" in quiet and "Housing" in quiet


ORGANISATIONS = ["Leeds", "Bradford", "Salford", "Huntingdonshire CSP", "Fenland CSP",
                 "Constabulary", "Youth Offending Service", "Housing", "Finance",
                 LONG_NAME]  # fmt: skip


def test_every_name_and_heading_prints_whole_in_the_workbook_and_the_pack(printed, meeting):
    """Nothing on paper is cut at its cell's edge or runs over the row below: the Police and
    Crime Commissioner's office, the longest name, is whole in the workbook's tables (a name
    linking to its sheet is on one line, its column as wide as it) and wraps in the pack's;
    each name is on the pack. The tracker's headings (it has no filter buttons to clear) are
    as tall as they need, no more, and its dates are shown whole (no ###)."""
    _, outbox = meeting
    _, workbook_pdf = printed["workbook"]
    pack = outbox / "meeting-pack-2026-11-20.pdf"
    for pdf in (workbook_pdf, pack):
        assert cut_texts(pdf) == [], pdf.name
        assert overrun_texts(pdf) == [], pdf.name
    with pdfplumber.open(pack) as document:
        said = " ".join(" ".join(p.extract_text().split()) for p in document.pages)
    assert all(word in said for name in ORGANISATIONS for word in name.split())
    firsts = [first for first, _ in pages(workbook_pdf)]
    with pdfplumber.open(workbook_pdf) as document:
        words = document.pages[firsts.index("Returns this round")].extract_words()
    assert "###" not in " ".join(w["text"] for w in words)
    tracked = next(w["top"] for w in words if w["text"] == "Round")  # its first row
    headings = max(w["bottom"] for w in words if w["bottom"] < tracked)
    assert tracked - headings < LINE_HEIGHT  # no empty line under the headings


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
    assert sheets == ["Needs attention", "No return", "Nothing to discuss"]  # (Leeds is fine)


def test_a_partners_fix_list_prints_at_8_pt_or_more_with_every_problem_in_full(printed):
    """Bradford says Red with no risks: its feedback's Fix list, printed, is one page wide at a
    readable size, and the Problem and What to do texts wrap rather than run off the page."""
    feedback, pdf = printed["feedback"]
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


# Most pages a template prints (the Guidance, the plan, how it is checked): a round's first,
# and the next round's, carried forward from a partner's plan of the demo's size (a Priority
# 44 plan of 6 actions, a delivery plan of 4, a three-year plan of 6 tasks that fill its first
# page, a Hallmarks review of 106 requirements, each with a position): its plan in a few
# pages, and no page of blank rows spilled over (a page for each Part, on the three-year plan)
# but for the few blank rows below a carried plan where new actions and tasks go ("adding any
# new actions", "kept up-to-date with new tasks each quarter"): the three-year plan of 6
# tasks fills its first page, so its last task goes over with them to a page for each Part
MOST_PAGES = {"p44": 4, "three_year": 6, "pcc_delivery": 3, "hallmarks": 9}
MOST_PAGES_CARRIED = {"p44": 4, "three_year": 9, "pcc_delivery": 3, "hallmarks": 11}
DEMO_PLAN = 2  # the demo partners' plans drawn with this seed


def carried_template(layout, register: Path, folder: Path) -> Path:
    """Next round's template of ``register``'s first organisation, carried forward from the
    plan its demo partner writes (``hooks.demo().draft``), as ``pipeline templates`` writes it
    from the store."""
    from pipeline.inbox.registers import read_register
    from pipeline.templates.workbook import write_template

    entry = read_register(register).entries[0]
    header, rows = layout.hooks.demo().draft(entry, random.Random(DEMO_PLAN), AS_OF)
    header = {**entry.prefill, **{k: v for k, v in header.items() if not k.startswith("_")}}
    return write_template(folder / f"{layout.name}-next.xlsx", layout, header, rows,
                          entry.organisation, AS_OF)  # fmt: skip


def test_a_partners_template_prints_at_8_pt_or_more_each_label_beside_its_value(
    libreoffice, tmp_path
):
    """Printed on A4, each layout's template shows nothing under 8 pt and no strip of a
    column or two, in a few pages (next round's too, carried forward from a plan); each
    header label is on the same line as its value; the three-year plan, too wide for a page
    (its twelve quarters), prints a Part a page across, Ref and Task on each, its title whole
    on each, its Ready to send box whole on Part 1's page and on no other; a Hallmarks
    review's requirements sit under a heading for each section, the column titles over them
    on every page."""
    from pipeline.declare import LAYOUTS
    from pipeline.inbox.registers import read_register
    from pipeline.templates.writer import make_templates

    registers = write_registers(tmp_path / "registers", tuple(REGISTERS))
    made = {name: make_templates(LAYOUTS[name], tmp_path / "t", read_register(path),
                                 as_of=AS_OF)[0] for name, path in registers.items()}  # fmt: skip
    carried = {name: carried_template(LAYOUTS[name], path, tmp_path / "t")
               for name, path in registers.items()}  # fmt: skip
    # (the Guidance too, and how the plan is checked: a page of its own)
    printing = [*made.values(), *carried.values()]
    pdfs = dict(zip(printing, libreoffice.convert(printing, "pdf", tmp_path), strict=True))
    counted = {}
    for name in made:  # (one start of LibreOffice for them all)
        for template, most in ((made[name], MOST_PAGES), (carried[name], MOST_PAGES_CARRIED)):
            assert too_small(pages(pdfs[template])) == [], template.name
            measured = printed_pages(pdfs[template])
            counted[template.stem] = len(measured)
            assert len(measured) <= most[name], (template.name, len(measured))
            assert strips(measured, {page["sheet"] for page in measured}) == [], template.name
    assert counted["hallmarks-Huntingdonshire-CSP"] <= MOST_PAGES["hallmarks"] < 15  # (was 15)
    leeds, housing = made["p44"], made["three_year"]
    with pdfplumber.open(pdfs[leeds]) as document:
        plan = next(p for p in document.pages if "Fill in the white" in (p.extract_text() or ""))
        words = plan.extract_words(extra_attrs=["size"])
    for label, value in (("Partnership", "Leeds"), ("Email", "jane.doe@leeds.gov.uk")):
        at = next(w for w in words if w["text"] == label and w["size"] < 10)  # (not the title)
        assert any(w["text"] == value and abs(w["top"] - at["top"]) < 3 and w["x0"] > at["x1"]
                   for w in words), (label, value)  # fmt: skip
    with pdfplumber.open(pdfs[housing]) as document:
        texts = [p.extract_text() or "" for p in document.pages]
    plan_pages = [" ".join(text.split()) for text in texts
                  if "Fill in the white" in " ".join(text.split())]  # fmt: skip
    assert len(plan_pages) == 3  # Part 1, Part 2, Part 3: a page each, across
    for said in plan_pages:  # its title whole, its header and Ref and Task on each
        assert "Three-year Action Plan — Housing" in said, said[:80]
        assert "Ref" in said and "Task" in said and "Business unit" in said
    assert "Part 2 — Monitoring Schedule" in plan_pages[1] and "Q12" in plan_pages[1]
    assert "Part 3 — Impact Assessment" in plan_pages[2]
    # the box beside the header on Part 1's page, its first sentence whole; on no other
    assert "to check (amber), each cell coloured." in plan_pages[0]
    assert not any("ready to send" in said.lower() for said in plan_pages[1:])
    # how the plan is checked: on a page of its own, under its own column titles (not the
    # Guidance's Field, Where, Required... repeated over it)
    [checked] = [text for text in texts if "how your plan is checked" in text]
    lines = checked.split("\n")
    assert lines[1].startswith("Check When it is checked Severity What it is"), lines[:2]
    assert "Where" not in lines[1] and "As you type" in checked and "When we receive it" in checked
    # a Hallmarks review: each section's heading once, over its requirements; the column
    # titles at the top of every page of the plan
    from pipeline.layouts.hallmarks.requirements import ROWS

    firsts = [first for first, _ in pages(pdfs[carried["hallmarks"]])]
    with pdfplumber.open(pdfs[carried["hallmarks"]]) as document:
        said = " ".join(" ".join((p.extract_text() or "").split()) for p in document.pages)
    for section in dict.fromkeys(r["section"] for r in ROWS):
        assert said.count(section) == 1, section
    titled = [first for first in firsts if first.startswith("Ref Type Hallmark Requirement")]
    assert len(titled) == len(firsts) - 3  # (but the Guidance, the plan's first, how checked)


def test_pages_are_measured_as_pdfplumber_measures_them(printed):
    """``pdf_pages`` reads a page's first line and smallest size as pdfplumber would (in a
    fraction of its time): the Fix list's pages, every one."""
    _, pdf = printed["feedback"]
    with pdfplumber.open(pdf) as document:
        seen = [
            ((page.extract_text() or "").split("\n")[0],
             min((c["size"] for c in page.chars if c["text"].strip()), default=99.0))
            for page in document.pages
        ]  # fmt: skip
    measured = pages(pdf)
    assert len(seen) > 1 and [first for first, _ in measured] == [first for first, _ in seen]
    assert [size for _, size in measured] == pytest.approx([size for _, size in seen])


def test_the_pack_shows_a_three_year_tasks_quarter_for_completion_as_the_quarter_it_is(
    tmp_path, inbox, registers
):
    """Housing's task due in the plan's second quarter is overdue, so Housing has a page in the
    pack: its task's quarter reads "Q2 (Jul–Sep 25)" (its plan starts in April 2025), not 2."""
    three_year_return(inbox, rows=[task("HSG-01", completion_quarter=2), task("HSG-02")])
    result = run(inbox, tmp_path / "outbox", list(registers.values()), AS_OF)
    book = openpyxl.load_workbook(write_pack_workbook(result.consolidation, tmp_path / "p.xlsx"))
    rows = [r for r in book["Housing"].iter_rows(values_only=True) if r[0] == "HSG-01"]
    [(_, _, _, quarter, *_)] = rows
    assert quarter == "Q2 (Jul–Sep 25)"
