"""Fixture workbooks built in code: registers, and templates filled in as a partner would.

Every return starts as a template our writer made, is filled by label with openpyxl, and is
read back by the loader (python-calamine): three libraries, so no layer tests itself.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from pipeline.declare import LAYOUTS
from pipeline.demo.partner import PartnerWorkbook, write_csv
from pipeline.inbox.registers import read_register
from pipeline.templates.writer import make_templates

AS_OF = date(2026, 11, 20)  # a Friday; the plan quarter is 7 for plans starting 2025


def the_clock_moves_on() -> None:
    """Wait until the clock reaches its next whole second (half a second, on average): the
    pipeline's times and a workbook's saved time are kept to the second, so what happens after
    this happens later than anything before it did, as it would between a person's two runs
    or two saves. (A file's modified time is set with ``os.utime`` instead; this is for the
    times the pipeline and a saving program read from the clock.)"""
    time.sleep(1.001 - time.time() % 1)


P44_REGISTER = (
    "partnership,region,contact_name,contact_email,baseline_crimes,reduction_target_pct,"
    "target_date\n"
    """Leeds,GO Yorkshire and the Humber,Jane Doe,jane.doe@leeds.gov.uk,20000,6,31/03/2027
Bradford,GO Yorkshire and the Humber,Sam Khan,sam.khan@bradford.gov.uk,10000,5,31/03/2027
Salford,GO North West,Ruth Adeyemi,ruth.adeyemi@salford.gov.uk,,,
"""
)
THREE_YEAR_REGISTER = """business_unit,code,head_of_service,plan_start
Housing,HSG,Ian Clarke,2025
Finance,FIN,Rachel Smith,2025
"""


PCC_REGISTER = """organisation,theme_lead,contact_name,contact_email
Constabulary,ACC Operations,Dana Shaw,dana.shaw@police.example.gov.uk
Youth Offending Service,Head of Youth Justice,Omar Reid,omar.reid@county.example.gov.uk
"""
HALLMARKS_REGISTER = """partnership,region,contact_name,contact_email
Huntingdonshire CSP,GO East,Claire Edwards,claire.edwards@huntingdonshire.gov.uk
Fenland CSP,GO East,Mark Pearce,mark.pearce@fenland.gov.uk
"""
REGISTERS = {"p44": P44_REGISTER, "three_year": THREE_YEAR_REGISTER,
             "pcc_delivery": PCC_REGISTER, "hallmarks": HALLMARKS_REGISTER}  # fmt: skip


def write_registers(
    folder: Path, names: tuple[str, ...] = ("p44", "three_year")
) -> dict[str, Path]:
    """The registers of the layouts ``names`` (the first two by default) as CSV files in
    ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, text in ((name, REGISTERS[name]) for name in names):
        paths[name] = folder / f"{name}.csv"
        paths[name].write_text(text, encoding="utf-8")
    return paths


def p44_header(**overrides: Any) -> dict[str, Any]:
    """What a careful partnership types at the top of its plan."""
    values = {
        "completed_by": "Jane Doe",
        "role": "Community Safety Manager",
        "agency": "Leeds City Council",
        "email": "jane.doe@leeds.gov.uk",
        "telephone": "0113 496 0000",
        "date_of_update": AS_OF - timedelta(days=3),
        "confidence": "Amber",
        "definition_of_problem": "Burglary dwelling up 20% in two wards; SARA analysis with "
        "police and housing found student lets and poor lighting.",
        "risks": "Loss of the analyst post; contingency is cover from the BCU analyst.",
    }
    values.update(overrides)
    return values


def action(ref: str, **overrides: Any) -> dict[str, Any]:
    """One well-formed, live action, running across the as-of date."""
    values = {
        "ref": ref,
        "action": f"Action {ref}",
        "category": "Enforcement",
        "lead_agency": "Police",
        "lead_officer": "Insp. Sarah Cole",
        "start_date": AS_OF - timedelta(days=10),
        "end_date": AS_OF + timedelta(days=30),
        "status": "Ongoing",
        "estimated_impact": 700,
        "impact_basis": "Estimated",
    }
    values.update(overrides)
    return values


def task(ref: str, **overrides: Any) -> dict[str, Any]:
    """One well-formed three-year task, due at the end of the plan, updated every quarter."""
    values = {
        "ref": ref,
        "task": f"Task {ref}",
        "service_team": "Operations",
        "task_officer": "Jo Fairbairn",
        "completion_quarter": 12,
        **{f"q{q}": "In progress" for q in range(1, 8)},
        "outcomes": "Better services.",
    }
    values.update(overrides)
    return values


def three_year_header(**overrides: Any) -> dict[str, Any]:
    """What a business unit types at the top of its plan."""
    values = {"updated_by": "Ian Clarke", "date_of_update": AS_OF - timedelta(days=5)}
    values.update(overrides)
    return values


def fill_return(
    folder: Path,
    layout: str,
    organisation: str,
    header: dict[str, Any],
    rows: list[dict[str, Any]],
    name: str | None = None,
    rename_sheet: str | None = None,
) -> Path:
    """Make the organisation's template from the registers, fill it as a partner would, and
    save it in ``folder``; returns the file's path."""
    chosen = LAYOUTS[layout]
    templates = folder.parent / f".templates-{layout}"
    if not templates.exists():
        registers = write_registers(folder.parent / ".registers", (layout,))
        make_templates(chosen, templates, read_register(registers[layout]))
    template = next(
        p for p in templates.glob("*.xlsx") if p.stem.endswith(organisation.replace(" ", "-"))
    )
    filled = PartnerWorkbook(template, chosen).fill_header(header)
    for row in rows:
        filled.put_row(row)
    if rename_sheet:
        filled.rename_sheet(rename_sheet)
    return filled.save(folder / (name or f"{organisation} return.xlsx"))


def p44_return(folder: Path, organisation: str = "Leeds", rows: list | None = None,
               name: str | None = None, **header: Any) -> Path:  # fmt: skip
    """A Priority 44 return: a good plan unless told otherwise."""
    rows = [action("A01"), action("A02", category="Week of Action")] if rows is None else rows
    return fill_return(folder, "p44", organisation, p44_header(**header), rows, name)


def pcc_action(ref: str, **overrides: Any) -> dict[str, Any]:
    """One well-formed delivery-plan action, Green and due after the as-of date."""
    values = {
        "ref": ref, "theme": "Victims", "shared_outcome": "People feel safe",
        "objective": "Improve the support victims receive", "action": f"Action {ref}",
        "lead_organisation": "Constabulary", "lead_officer": "Supt. Kay Lamb",
        "target_date": AS_OF + timedelta(days=90), "rag_status": "Green",
        "direction": "No change", "commentary": "On track.",
    }  # fmt: skip
    values.update(overrides)
    return values


def pcc_return(folder: Path, organisation: str = "Constabulary", rows: list | None = None,
               name: str | None = None, **header: Any) -> Path:  # fmt: skip
    """A delivery-plan return: a good plan unless told otherwise."""
    rows = [pcc_action("V01"), pcc_action("O01", theme="Offenders")] if rows is None else rows
    values = {"quarter": "2026/27 Q3", "date_of_update": AS_OF - timedelta(days=4), **header}
    return fill_return(folder, "pcc_delivery", organisation, values, rows, name)


def three_year_return(folder: Path, organisation: str = "Housing", rows: list | None = None,
                      name: str | None = None, **header: Any) -> Path:  # fmt: skip
    """A three-year return: a good plan unless told otherwise."""
    code = {"Housing": "HSG", "Finance": "FIN"}.get(organisation, "X")
    rows = [task(f"{code}-01"), task(f"{code}-02")] if rows is None else rows
    return fill_return(folder, "three_year", organisation, three_year_header(**header), rows, name)


def review(changes: dict[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """A Hallmarks review as a partnership types it over the pre-filled requirements: every
    one In place with the partnership's position, but for ``changes`` (ref -> values)."""
    from pipeline.layouts.hallmarks.requirements import ROWS

    changes = changes or {}
    rows = [{"ref": r["ref"], "position": "In the partnership plan since April 2025.",
             "assessment": "In place", **changes.get(r["ref"], {})} for r in ROWS]  # fmt: skip
    unknown = set(changes) - {r["ref"] for r in ROWS}
    return rows + [{"ref": ref, **changes[ref]} for ref in sorted(unknown)]


def hallmarks_return(folder: Path, organisation: str = "Huntingdonshire CSP",
                     rows: list | None = None, name: str | None = None,
                     **header: Any) -> Path:  # fmt: skip
    """A Hallmarks self-assessment: every requirement In place unless told otherwise."""
    values = {"completed_by": "Claire Edwards", "email": "claire.edwards@huntingdonshire.gov.uk",
              "date_of_review": AS_OF - timedelta(days=20), **header}  # fmt: skip
    return fill_return(folder, "hallmarks", organisation, values,
                       review() if rows is None else rows, name)  # fmt: skip


def saved_as_csv(workbook: Path, target: Path, sheet: str = "Action Plan",
                 encoding: str = "utf-8-sig") -> Path:  # fmt: skip
    """The plan sheet of ``workbook`` saved as Excel's "Save as CSV" writes it (see
    ``partner.write_csv``): read with python-calamine, not the openpyxl that filled it."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(workbook))
    rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    return write_csv(rows, target, encoding)
