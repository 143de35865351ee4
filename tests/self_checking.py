"""What a self-checking template says of itself once LibreOffice has worked it out, and what the
pipeline says of the same file: the two sides ``test_self_checks`` holds equal.

The template's side, after LibreOffice opens the filled file headless, recalculates it and
saves it as .xlsx (``recalculated``):

- its checks: the rows of its very hidden checks sheet that fire, each a rule, a cell and a
  level, read as the values LibreOffice saved (openpyxl, ``data_only``);
- its colours: each conditional format on the plan sheet that is a check (a formula, not a RAG
  value's colour) evaluated for every cell it covers, as LibreOffice computed it. Before the
  conversion a copy of the file gets a sheet of its own holding each format's formula as it
  stands for each cell (moved from the format's first cell with openpyxl's ``Translator``, its
  references named with the plan sheet's name), so LibreOffice works each one out as a cell;
  the coloured cells are those whose formula came out TRUE, in the format's fill;
- its Ready to send box: the text LibreOffice worked out for it.

The pipeline's side (``pipeline_says``): the file as LibreOffice saved it, read and checked as
a run does (``check_files``), consolidated at today's date (the day LibreOffice's TODAY() is),
and what the partner's feedback would say of it (``feedback.jobs_for``: its findings, and the
gap flags on its plan a file can act on); a return taken as an earlier period's is said as the
template's ``earlier-period``.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
from builders import REGISTERS
from openpyxl.formula.tokenizer import Tokenizer
from openpyxl.formula.translate import Translator
from openpyxl.utils import get_column_letter

from pipeline.declare import LAYOUTS, Layout
from pipeline.declare.quarters import financial_quarter_of
from pipeline.declare.severity import SEVERITIES, Severity
from pipeline.demo.partner import PartnerWorkbook
from pipeline.feedback import jobs_for
from pipeline.inbox.intake import EARLIER_PERIOD
from pipeline.inbox.registers import read_register, read_registers
from pipeline.returns import CHECKS_SHEET, STAMP_SHEET
from pipeline.round.consolidation import consolidate
from pipeline.run import check_files
from pipeline.system.isolation import Isolation
from pipeline.templates import make_templates, template_name
from pipeline.templates.paper import box_place
from pipeline.values.dates import is_fy_quarter

EVAL_SHEET = "Evaluated"
FILLS = {s.fill: s.word for s in SEVERITIES}
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_A1 = re.compile(r"^\$?[A-Z]{1,3}\$?\d+(:\$?[A-Z]{1,3}\$?\d+)?$")
IN_PROCESS = Isolation(workers=0)


@dataclass
class Said:
    """What one side says of one file: each (rule, cell) with its level (Red or Amber); the
    cells coloured, each at its loudest level; and, for the template, its box's text."""

    items: dict[tuple[str, str | None], str] = field(default_factory=dict)
    coloured: dict[str, str] = field(default_factory=dict)
    box: str = ""

    @property
    def counts(self) -> tuple[int, int]:
        """How many to fix (Red) and to check (Amber)."""
        levels = list(self.items.values())
        return levels.count("Red"), levels.count("Amber")


def cells_of(items: dict[tuple[str, str | None], str]) -> dict[str, str]:
    """Each cell the ``items`` name, at the loudest level said of it."""
    found: dict[str, str] = {}
    for (_, cell), said in items.items():
        if cell and found.get(cell) != "Red":
            found[cell] = said
    return found


def registers_for_today(folder: Path) -> dict[str, Path]:
    """Every layout's register (``builders``'), the three-year plans starting the financial
    year before today's, so that today is always within their twelve quarters."""
    year = financial_quarter_of(date.today())[0] - 1
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, text in REGISTERS.items():
        paths[name] = folder / f"{name}.csv"
        paths[name].write_text(text.replace(",2025", f",{year}"), encoding="utf-8")
    return paths


def fill(folder: Path, registers: dict[str, Path], layout: str, organisation: str,
         header: dict, rows: list, name: str) -> Path:  # fmt: skip
    """The organisation's template (from ``registers``), filled by label as a partner would and
    saved as ``folder/name``."""
    templates = folder.parent / f".self-checking-{layout}"
    if not templates.exists():
        make_templates(LAYOUTS[layout], templates, read_register(registers[layout]))
    made = template_name(LAYOUTS[layout], organisation)
    filled = PartnerWorkbook(templates / made, LAYOUTS[layout]).fill_header(header)
    for row in rows:
        filled.put_row(row)
    return filled.save(folder / name)


def layout_of(book) -> Layout:
    """The layout of a template opened with openpyxl, by its stamp (two layouts' plan sheets
    are both called "Action Plan")."""
    stamp = {row[0]: row[1] for row in book[STAMP_SHEET].iter_rows(values_only=True)}
    return LAYOUTS[stamp["layout"]]


def box_cell(layout) -> str:
    """The cell holding a template's Ready to send box (its top left: ``paper.box_place``)."""
    top, left, _, _ = box_place(layout)
    return f"{get_column_letter(left + 1)}{top + 1}"


def _qualified(formula: str, sheet: str) -> str:
    """``formula`` with each cell reference naming ``sheet`` (defined names as they are)."""
    tokens = Tokenizer(formula)
    for token in tokens.items:
        if token.type == "OPERAND" and token.subtype == "RANGE" and _A1.match(token.value):
            token.value = "'" + sheet.replace("'", "''") + "'!" + token.value
    return tokens.render()


def with_evaluated_formats(filled: Path, copy: Path) -> Path:
    """A copy of ``filled`` with a sheet holding each check's conditional format as a formula
    for each cell it covers: (formula, cell, fill) a row."""
    book = openpyxl.load_workbook(filled)
    layout = layout_of(book)
    plan = book[layout.sheet]
    out = book.create_sheet(EVAL_SHEET)
    n = 1
    top, left, _, _ = box_place(layout)
    for formats in plan.conditional_formatting:
        boxed = min((r.min_row, r.min_col) for r in formats.sqref.ranges) == (top + 1, left + 1)
        for rule in formats.rules:
            if rule.type != "expression" or boxed:
                continue  # (a RAG value's colour, or the box's: not a check)
            fill = rule.dxf.fill.bgColor.rgb[-6:]
            # (a format over several ranges, as one over a list's rows but its headings, has
            # its references relative to the top left of them all, as Excel and LibreOffice
            # read it)
            row, col = min((r.min_row, r.min_col) for r in formats.sqref.ranges)
            origin = f"{get_column_letter(col)}{row}"
            for cells in formats.sqref.ranges:
                for row in range(cells.min_row, cells.max_row + 1):
                    for col in range(cells.min_col, cells.max_col + 1):
                        here = f"{get_column_letter(col)}{row}"
                        moved = Translator(f"={rule.formula[0]}", origin).translate_formula(here)
                        out.cell(n, 1, _qualified(moved, layout.sheet))
                        out.cell(n, 2, here)
                        out.cell(n, 3, fill)
                        n += 1
    book.save(copy)
    return copy


def recalculated(libreoffice, filled: list[Path], folder: Path) -> list[tuple[Said, Path]]:
    """What each filled template says of itself once LibreOffice has worked it out, and the
    file as LibreOffice saved it (one start of LibreOffice for them all)."""
    staged = folder / "staged"
    staged.mkdir(parents=True, exist_ok=True)
    plain, evaluated = [], []
    for i, path in enumerate(filled):
        plain.append(shutil.copyfile(path, staged / f"{i:03d}-{path.stem}.xlsx"))
        evaluated.append(with_evaluated_formats(path, staged / f"{i:03d}-{path.stem}-eval.xlsx"))
    made = libreoffice.convert(plain + evaluated, "xlsx:Calc MS Excel 2007 XML", folder / "saved")
    found = []
    for saved, worked in zip(made[: len(filled)], made[len(filled) :], strict=True):
        found.append((template_says(worked), saved))
    return found


def template_says(worked: Path) -> Said:
    """What a template recalculated by LibreOffice (with ``with_evaluated_formats``' sheet)
    says of itself."""
    book = openpyxl.load_workbook(worked, data_only=True)
    said = Said()
    for fires, levels, rule, cell, *_ in book[CHECKS_SHEET].iter_rows(min_row=2, values_only=True):
        assert fires in (True, False), (rule, cell, fires)  # (worked out, never an error)
        if fires:
            said.items[(rule, cell or None)] = "Red" if levels == 2 else "Amber"
    for formula, cell, fill in book[EVAL_SHEET].iter_rows(values_only=True):
        assert formula in (True, False), (cell, formula)
        if formula and said.coloured.get(cell) != "Red":
            said.coloured[cell] = FILLS[fill]
    layout = layout_of(book)
    said.box = book[layout.sheet][box_cell(layout)].value or ""
    return said


def _own_period_cell(receipt) -> str | None:
    """The cell saying which period a return is for (``periods.own_period``): the period it
    states, else its date of update."""
    loaded = receipt.loaded
    layout = LAYOUTS[loaded.layout]
    if layout.period and is_fy_quarter(loaded.value(layout.period)):
        return loaded.header[layout.period].cell
    return loaded.header[layout.updated].cell


def pipeline_says(paths: list[Path], registers: dict[str, Path], folder: Path,
                  as_of: date | None = None) -> dict[str, Said]:  # fmt: skip
    """What the pipeline tells the partner of each file (by its name): its feedback's
    findings and flags, read and consolidated as a run does at ``as_of`` (today); each file a
    round of its own (two returns of one organisation in one round: the later is used)."""
    as_of = as_of or date.today()
    sources = [(name, path) for name, path in registers.items()]
    said = {}
    for path in paths:
        [receipt] = check_files([path], sources, isolation=IN_PROCESS)
        consolidation = consolidate([receipt], read_registers(sources), as_of)
        one = said[path.name] = Said()
        for job in jobs_for([receipt], folder / "feedback", consolidation.flags):
            for finding in job.findings:
                one.items[(finding.rule, finding.cell)] = Severity.of(finding.severity).word
            for flag in job.flags:
                one.items[(flag.rule, flag.cell)] = Severity.of(flag.severity).word
        if receipt.status == EARLIER_PERIOD:
            one.items[("earlier-period", _own_period_cell(receipt))] = "Red"
        one.coloured = cells_of(one.items)
    return said


def cell_types(path: Path, sheet: str) -> Counter[str]:
    """How many cells of each type the sheet ``sheet`` of the file at ``path`` holds, as its
    XML says (``t``: "s" a shared string, "inlineStr" a string of its own, "str" a formula's
    text, "n" a number or a formula's number...)."""
    with zipfile.ZipFile(path) as package:
        book = ElementTree.fromstring(package.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
        rid = next(s.get(RELATIONSHIP) for s in book.iter(f"{MAIN}sheet") if s.get("name") == sheet)
        target = next(r.get("Target") for r in rels if r.get("Id") == rid)
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        cells = ElementTree.fromstring(package.read(part)).iter(f"{MAIN}c")
        return Counter(c.get("t", "n") for c in cells)
