"""The workbook fits the team that runs it (issue 27): only the layouts it uses get sheets; the
Overview carries its registers' grouping, with a filter, and a meeting pack can be made for one
group; a header field the register holds is taken from there when a return lacks it, and said
so; a field missing from the sheet is flagged with where to add it; the Guidance's examples are
dated near the round."""

from __future__ import annotations

from datetime import date

import openpyxl
from builders import AS_OF, REGISTERS, p44_return, write_registers
from openpyxl.utils import range_boundaries
from workbook_reading import flags, main_table, sheet_records

from pipeline.declare import LAYOUTS
from pipeline.demo.partner import PartnerWorkbook
from pipeline.report.pack import NO_RETURN, write_pack_workbook
from pipeline.run import run


def test_a_team_with_only_partnership_plans_gets_no_sheet_chart_or_column_of_the_others(
    tmp_path, inbox
):
    registers = write_registers(tmp_path / "registers", ("p44",))
    p44_return(inbox)
    path = run(inbox, tmp_path / "outbox", list(registers.values()), AS_OF).path
    book = openpyxl.load_workbook(path)
    for layout in ("three_year", "pcc_delivery", "hallmarks"):
        hooks = LAYOUTS[layout].hooks
        own = [hooks.rows().sheet_name, *(s.name for s in hooks.report().sheets)]
        assert not set(own) & set(book.sheetnames), layout
    assert {"Actions", "Calendar of Events", "Calendar Grid"} <= set(book.sheetnames)
    header = list(sheet_records(path, "Overview")[0])
    assert "Not updated" not in header and "Statutory gaps" not in header  # others' figures
    assert "Confidence (from its actions)" in header
    guidance = {c for row in book["Guidance"].iter_rows(values_only=True) for c in row if c}
    assert "Priority 44 Partnership Action Plan: fields" in guidance
    assert not any(str(c).startswith("Three-year Action Plan") for c in guidance)


def test_the_overview_carries_the_registers_grouping_with_a_filter(tmp_path, inbox):
    """The partnerships' register has a region, the business units' a directorate: the
    Overview's table has one column for both, in its filter's range."""
    folder = tmp_path / "registers"
    registers = write_registers(folder, ("p44", "three_year"))
    units = REGISTERS["three_year"].splitlines()
    registers["three_year"].write_text("\n".join(
        [units[0] + ",directorate", units[1] + ",Place", units[2] + ",Resources"]) + "\n",
        encoding="utf-8")  # fmt: skip
    p44_return(inbox)
    path = run(inbox, tmp_path / "outbox", list(registers.values()), AS_OF).path
    overview = {o["Organisation"]: o for o in sheet_records(path, "Overview")}
    group = "Region / Directorate"
    assert overview["Leeds"][group] == "GO Yorkshire and the Humber"
    assert overview["Salford"][group] == "GO North West"  # no return: from its register
    assert overview["Housing"][group] == "Place"
    sheet = openpyxl.load_workbook(path)["Overview"]
    table = sheet.tables["Overview"]
    left, top, right, _ = range_boundaries(table.ref)
    header = [sheet.cell(top, col).value for col in range(left, right + 1)]
    assert header[1] == group and table.autoFilter is not None
    assert range_boundaries(table.autoFilter.ref)[:3] == (left, top, right)
    listed = sheet_records(path, "Needs attention")
    assert {a["Organisation"]: a[group] for a in listed}["Salford"] == "GO North West"


def test_a_meeting_pack_for_one_region_has_its_organisations_alone(tmp_path, inbox, registers):
    p44_return(inbox)
    p44_return(inbox, organisation="Bradford", name="bradford.xlsx", confidence="Red")
    result = run(inbox, tmp_path / "outbox", list(registers.values()), AS_OF)
    c = result.consolidation.of_group("go yorkshire and the humber")  # (as names are matched)
    assert {p.organisation for p in c.plans} == {"Leeds", "Bradford"}
    assert c.returns("p44").expected == 2 and "Salford" not in str(c.flags)
    pack = write_pack_workbook(c, tmp_path / "pack.xlsx", "GO Yorkshire and the Humber")
    book = openpyxl.load_workbook(pack)
    assert book["Needs attention"]["A1"].value == (
        "Meeting pack, as of 20/11/2026, GO Yorkshire and the Humber"
    )
    assert NO_RETURN not in book.sheetnames  # Salford, with no return, is another region's
    named = {r[0] for s in book.worksheets for r in s.iter_rows(values_only=True) if r[0]}
    assert "Bradford" in named and "Salford" not in named and "Housing" not in named
    try:
        result.consolidation.of_group("Atlantis")
    except Exception as err:  # a UsageError, naming the groups there are
        assert "GO North West" in str(err) and "GO Yorkshire and the Humber" in str(err)
    else:
        raise AssertionError("a group no organisation is in was taken")


def test_a_header_field_the_register_holds_is_taken_from_it_and_a_missing_one_says_where_to_add(
    tmp_path, inbox, registers
):
    """Leeds's sheet has no Target date (its label and value deleted): the register's date is
    used, a finding says it was taken from the register, and no flag asks for it. It has no
    Role either, which no register holds: the flag says where on the sheet to add it."""
    path = p44_return(inbox)
    plan = PartnerWorkbook(path, LAYOUTS["p44"])
    for name in ("target_date", "role"):
        plan.value_cell(name).value = None
        plan.label_cell(name).value = None
    plan.save(path)
    result = run(inbox, tmp_path / "outbox", [registers["p44"]], AS_OF)
    [leeds] = [p for p in result.consolidation.plans if p.organisation == "Leeds"]
    assert leeds.value("target_date") == date(2027, 3, 31)
    taken = [f for f in leeds.findings if f.rule == "taken-from-register"]
    assert [(f.field, f.severity.value) for f in taken] == [("Target date", "amber")]
    assert taken[0].message.startswith(
        "Target date is not on the sheet: we took 31/03/2027 from the register (p44.csv). Add "
        "its label in cell A"
    )
    said = [f["Message"] for f in flags(result.path, "Required field empty")]
    assert not any("Target date" in m for m in said)
    [role] = [m for m in said if "Role" in m]
    assert role.startswith('Role is not on the sheet. The label "Role" was not found on the '
                           'sheet: add it in cell A')  # fmt: skip
    assert 'below "Completed by"' in role
    findings = {f["Field"]: f for f in sheet_records(result.path, "Findings")}
    assert findings["Target date"]["Severity"] == "Amber"
    book = openpyxl.load_workbook(result.path)
    rows = [r for r in book["Leeds"].iter_rows(values_only=True) if r[0] == "Target date"]
    assert rows and next(v for v in rows[0][1:] if v is not None).date() == date(2027, 3, 31)


def test_the_guidance_dates_its_examples_near_the_round_and_lists_no_example_for_free_text(
    tmp_path, inbox, registers
):
    p44_return(inbox)
    path = run(inbox, tmp_path / "outbox", list(registers.values()), AS_OF).path
    sheet = openpyxl.load_workbook(path)["Guidance"]
    text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    for stale in ("2008", "2006", "2009"):
        assert stale not in text, stale
    assert "e.g. 20/11/2026" in text and "e.g. 2026" in text  # a date, a plan start, near it
    _, top, _, bottom = main_table(sheet, "Fields_p44")
    allowed = [r[4] for r in sheet.iter_rows(min_row=top + 1, max_row=bottom, values_only=True)]
    assert "e.g. text" not in allowed and "e.g. a few sentences" not in allowed
