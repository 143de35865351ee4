"""Each layout is declared once, with every field DESIGN.md names, word for word."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.checking import schemas
from pipeline.declare import LAYOUTS, Completer, Field, Kind
from pipeline.guidance import guidance_rows

# The labels and titles exactly as DESIGN.md writes them (a partner building their own sheet
# from DESIGN.md must be read too).
P44_HEADER = [
    "Partnership", "Region (Government Office)", "Completed by", "Role", "Agency", "Email",
    "Telephone", "Date of update", "Overall confidence (RAG)",
    "Baseline (BCS comparator crimes)", "Reduction target (%)", "Target date",
    "Definition of problem", "Risks and contingency",
]  # fmt: skip
P44_COLUMNS = [
    "Ref", "Action", "Category", "Lead agency", "Lead officer", "Start date", "End date",
    "Status", "Estimated impact (crimes)", "Impact basis", "Calendar event", "Notes / evaluation",
]  # fmt: skip
P44_REQUIRED = {
    "Partnership", "Region (Government Office)", "Completed by", "Role", "Agency", "Email",
    "Date of update", "Overall confidence (RAG)", "Reduction target (%)", "Target date",
    "Definition of problem", "Risks and contingency", "Ref", "Action", "Category",
    "Lead officer", "Start date", "Status", "Estimated impact (crimes)",
}  # fmt: skip
THREE_YEAR_HEADER = [
    "Business unit", "Business unit code", "Head of service", "Plan start", "Updated by",
    "Date of update",
]  # fmt: skip
THREE_YEAR_COLUMNS = [
    "Ref", "Task", "Service team", "Task officer", "Quarter for completion",
    *(f"Q{n}" for n in range(1, 13)), "Progress report", "Outcomes", "Contract",
    "Statutory function", "Support function", "Council Plan 1: Resource and Opportunity",
    "Council Plan 2: Sustainable Communities", "Council Plan 3: Safe and Clean",
    "Council Plan 4: Learning and Training", "Efficiency (Gershon)",
    "Corporate Improvement Plan",
]  # fmt: skip
HALLMARKS_HEADER = ["Partnership", "Completed by", "Email", "Date of review"]
HALLMARKS_COLUMNS = [
    "Ref", "Section", "Type", "Hallmark", "Requirement", "Partnership position (and date)",
    "Assessment", "Further action", "Owner", "Target date",
]  # fmt: skip
# "for Statutory" and "for Gap" are checked by the layout's own flag rules, row by row
HALLMARKS_REQUIRED = {*HALLMARKS_HEADER, "Ref", "Type", "Hallmark", "Requirement", "Assessment"}
PCC_HEADER = ["Organisation", "Theme lead", "Quarter", "Date of update"]
PCC_COLUMNS = [
    "Ref", "Theme", "Shared outcome", "Objective", "Action", "Lead organisation",
    "Lead officer", "Target date", "RAG status", "Direction of travel", "Progress commentary",
]  # fmt: skip
PCC_REQUIRED = {*PCC_HEADER, "Ref", "Theme", "Objective", "Action", "Lead organisation",
                "Lead officer", "Target date", "RAG status"}  # fmt: skip


def titles(fields):
    return [f.title for f in fields]


def test_p44_declares_every_field_of_design_md_in_order():
    layout = LAYOUTS["p44"]
    assert titles(layout.header) == P44_HEADER
    assert titles(layout.columns) == P44_COLUMNS
    assert {f.title for f in layout.fields if f.required} == P44_REQUIRED


def test_three_year_declares_the_three_parts_as_one_table():
    layout = LAYOUTS["three_year"]
    assert titles(layout.header) == THREE_YEAR_HEADER
    assert titles(layout.columns) == THREE_YEAR_COLUMNS
    assert [b.title for b in layout.bands] == [
        "Part 1 — Project Plan",
        "Part 2 — Monitoring Schedule",
        "Part 3 — Impact Assessment",
    ]
    assert layout.field("task_officer").required


@pytest.mark.parametrize(
    ("name", "header", "columns", "required"),
    [
        ("hallmarks", HALLMARKS_HEADER, HALLMARKS_COLUMNS, HALLMARKS_REQUIRED),
        ("pcc_delivery", PCC_HEADER, PCC_COLUMNS, PCC_REQUIRED),
    ],
)
def test_the_two_later_layouts_declare_every_field_of_design_md_in_order(
    name, header, columns, required
):
    layout = LAYOUTS[name]
    assert titles(layout.header) == header
    assert titles(layout.columns) == columns
    assert {f.title for f in layout.fields if f.required} == required


@pytest.mark.parametrize(
    ("layout", "field", "values"),
    [
        ("p44", "confidence", ("Red", "Amber", "Green")),
        ("p44", "status", ("Planned", "Ongoing", "Complete", "Evaluation", "Cancelled")),
        ("p44", "impact_basis", ("Estimated", "Evaluated")),
        ("p44", "category", ("Week of Action", "DIP/PPO", "Enforcement", "Prevention",
                             "Partnership effectiveness", "Communications", "Other")),
        ("three_year", "q5", ("Completed", "In progress", "Delayed", "Not yet due",
                              "No longer relevant")),
        ("three_year", "cp2", ("Contributes", "Significant")),
        ("hallmarks", "type", ("Statutory", "Advice")),
        ("hallmarks", "assessment", ("In place", "Working towards", "Gap")),
        ("hallmarks", "hallmark", ("Empowered and Effective Leadership",
                                   "Visible and Constructive Accountability",
                                   "Intelligence-led Business Processes",
                                   "Effective and Responsive Delivery Structures",
                                   "Engaged Communities", "Appropriate Skills and Knowledge")),
        ("pcc_delivery", "theme", ("Victims", "Offenders", "Communities", "Transformation")),
        ("pcc_delivery", "rag_status", ("Red", "Amber", "Green", "Complete")),
        ("pcc_delivery", "direction", ("Improving", "No change", "Worsening")),
    ],
)  # fmt: skip
def test_closed_lists_are_the_ones_design_md_gives(layout, field, values):
    assert LAYOUTS[layout].field(field).choices.values == values


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_every_field_has_help_text_for_the_guidance_sheet(name):
    for f in LAYOUTS[name].fields:
        assert len(f.help) > 15, f.name


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_the_schema_and_the_guidance_are_derived_from_the_declaration(name):
    layout = LAYOUTS[name]
    header_schema, row_schema = schemas(name)
    assert list(header_schema.columns) == [f.name for f in layout.header]
    assert list(row_schema.columns) == [f.name for f in layout.columns]
    for f in layout.fields:
        assert row_schema.columns.get(f.name, header_schema.columns.get(f.name)).nullable is (
            not f.required
        )
    guided = [row[0] for row in guidance_rows(layout)]
    planned = layout.hooks.quarters()  # (its quarters' statuses: one row says it for all)
    quarters = [layout.field(name).title for name in (planned.columns if planned else ())]
    expected = [f.title for f in layout.fields if f.title not in quarters[1:]]
    assert guided == [(f"{t} … {quarters[-1]}" if quarters and t == quarters[0] else t)
                      for t in expected]  # fmt: skip
    assert (name == "three_year") == (quarters[:1] == ["Q1"] and quarters[-1] == "Q12")


def test_register_columns_come_from_the_declaration_and_every_register_may_name_a_contact():
    p44 = [f.register_column for f in LAYOUTS["p44"].register_fields]
    assert p44 == ["partnership", "region", "baseline_crimes", "reduction_target_pct",
                   "target_date", "contact_name", "contact_email"]  # fmt: skip
    three = [f.register_column for f in LAYOUTS["three_year"].register_fields]
    assert three == ["business_unit", "code", "head_of_service", "plan_start", "directorate",
                     "contact_name", "contact_email"]  # fmt: skip
    hallmarks = [f.register_column for f in LAYOUTS["hallmarks"].register_fields]
    assert hallmarks == ["partnership", "region", "contact_name", "contact_email"]
    pcc = [f.register_column for f in LAYOUTS["pcc_delivery"].register_fields]
    assert pcc == ["organisation", "theme_lead", "theme", "contact_name", "contact_email"]


def test_a_layout_declaring_the_registers_contact_again_is_refused():
    with pytest.raises(ValueError, match="every register's contact"):
        replace(LAYOUTS["pcc_delivery"], register_only=(Field("contact_email", "Email"),))


def test_a_completer_must_be_made_of_header_fields():
    with pytest.raises(ValueError, match=r"completer's fields \['phone'\]"):
        replace(LAYOUTS["hallmarks"], completer=Completer("completed_by", "email", ("phone",)))


def test_dates_numbers_and_choices_have_their_kinds():
    kinds = {(n, f.name): f.kind for n, layout in LAYOUTS.items() for f in layout.fields}
    assert kinds["p44", "date_of_update"] is Kind.DATE
    assert kinds["p44", "target_date"] is Kind.DATE
    assert kinds["p44", "start_date"] is Kind.DATE
    assert kinds["p44", "end_date"] is Kind.DATE
    assert kinds["p44", "estimated_impact"] is Kind.WHOLE_NUMBER
    assert kinds["p44", "email"] is Kind.EMAIL
    assert kinds["p44", "calendar_event"] is Kind.YES_NO
    assert kinds["three_year", "date_of_update"] is Kind.DATE
    assert kinds["three_year", "completion_quarter"] is Kind.QUARTER
    assert kinds["three_year", "plan_start"] is Kind.YEAR
    assert kinds["three_year", "contract"] is Kind.YES_NO
