"""Gap flags end to end: real returns written as partners fill them, one run, and the
consolidated workbook read back.

Each rule's own story (when it fires, how loud, what it says, where it points, and where it
stops firing) is told on plans built in memory, in ``test_rules``. Here one round of real
files, in which every rule fires, shows that the workbook's Gap Flags sheet and Overview say
exactly what those plans in memory say for the same returns (so the stories there hold for
real files), and the flags only the loader can give (a label, column or table missing from the
sheet) are shown from real files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from builders import (
    AS_OF,
    action,
    p44_header,
    p44_return,
    task,
    three_year_header,
    three_year_return,
    write_registers,
)
from plans_in_memory import loaded_return, round_in_memory
from workbook_reading import flags, sheet_records

from pipeline.declare import LAYOUTS
from pipeline.inbox.registers import read_register
from pipeline.round.contacts import completer_prefill
from pipeline.round.plans import Consolidation
from pipeline.run import run

YESTERDAY, LATER = AS_OF - timedelta(days=1), AS_OF + timedelta(days=60)

# One round in which every rule fires (organisation -> layout, header as typed, rows as typed).
ROUND = {
    "Leeds": ("p44", p44_header(definition_of_problem=None, confidence="Green",
                                date_of_update=AS_OF - timedelta(days=15)), [
        action("A01"),
        action("A02", lead_officer=None),  # Required field empty (amber)
        action("A03", status="On hold"),  # Value not readable
        action("A04", end_date=YESTERDAY),  # Action overdue; 1 of 4 reads Amber, not Green
    ]),
    "Bradford": ("p44", p44_header(completed_by="Sam Khan", email="sam.khan@bradford.gov.uk",
                                   confidence="Red", risks=None), [
        # 10,000 x 5% = 500 needed; 100 live and 150 delivered; nothing in the next 4 weeks
        action("A01", start_date=LATER, end_date=LATER, status="Planned", estimated_impact=100),
        action("A02", end_date=YESTERDAY, status="Complete", estimated_impact=150),
    ]),
    # Salford sends nothing
    "Housing": ("three_year", three_year_header(), [
        # overdue, delayed with no report, significant for Council Plan priority 2
        task("HSG-01", completion_quarter=5, q7="Delayed", cp2="Significant"),
        task("HSG-02", q7=None),  # not updated this quarter
        task("HSG-03", completion_quarter=5, q5="Completed", q6=None, q7=None),
        task("HSG-04"),
    ]),
    "Finance": ("three_year", three_year_header(updated_by="Rachel Smith"),
                [task("FIN-01"), task("FIN-02", cp1="Significant")]),  # a good plan
}  # fmt: skip
EVERY_RULE = {
    "Return missing", "Required field empty", "Value not readable", "Return stale",
    "Red confidence without contingency", "Confidence check", "Action overdue",
    "Impact shortfall", "Nothing planned ahead", "Task overdue", "Current quarter not updated",
    "Delayed without progress report", "Council Plan task delayed",
}  # fmt: skip
MEASURE_TITLES = {
    "rows": "Actions / tasks", "complete": "Complete", "overdue": "Overdue",
    "not_updated": "Not updated", "live_impact": "Live impact",
    "delivered_impact": "Delivered impact", "reduction_needed": "Reduction needed",
    "impact_shortfall": "Short by",
}  # fmt: skip


@dataclass
class Round:
    root: Path  # where the files were made (its templates are reused)
    flags: list[dict]  # the Gap Flags sheet's rows
    overview: dict[str, dict]  # the Overview's rows by organisation
    in_memory: Consolidation  # the same round, built in memory


@pytest.fixture(scope="module")
def round_files(tmp_path_factory):
    """The round above as real files, run through the pipeline, and what its workbook shows;
    and the same round built in memory (the same values, the registers read from the same
    files)."""
    root = tmp_path_factory.mktemp("round")
    inbox, registers = root / "inbox", write_registers(root / "registers")
    inbox.mkdir()
    returns = []
    for organisation, (layout, header, rows) in ROUND.items():
        write = p44_return if layout == "p44" else three_year_return
        write(inbox, organisation, rows, **header)
        # the template is pre-filled from the register: the partner typed the rest
        entry = read_register(registers[layout]).find(organisation)
        template = {**entry.prefill, **completer_prefill(LAYOUTS[layout], entry, None)}
        on_sheet = {f.name for f in LAYOUTS[layout].header}
        prefill = {name: value for name, value in template.items() if name in on_sheet}
        returns.append(loaded_return(layout, {**prefill, **header}, rows))
    read = [read_register(registers[layout]) for layout in ("p44", "three_year")]
    path = run(inbox, root / "outbox", [registers["p44"], registers["three_year"]], AS_OF).path
    overview = {row["Organisation"]: row for row in sheet_records(path, "Overview")}
    return Round(root, flags(path), overview, round_in_memory(AS_OF, returns, read))


def as_shown(flag):
    """A flag as the Gap Flags sheet shows it."""
    return {
        "Organisation": flag.organisation, "Severity": flag.severity.title(),
        "Rule": flag.rule_title, "File": flag.file, "Sheet": flag.sheet, "Cell": flag.cell,
        "Message": flag.message, "What to do": flag.to_do,
    }  # fmt: skip


def test_the_gap_flags_sheet_shows_every_flag_the_plans_in_memory_raise_red_first(round_files):
    shown = round_files.flags
    assert {f["Rule"] for f in shown} == EVERY_RULE
    assert shown == [as_shown(f) for f in round_files.in_memory.flags]
    severities = [f["Severity"] for f in shown]
    assert severities == sorted(severities, key=lambda s: s != "Red")
    assert not [f for f in shown if f["Organisation"] == "Finance"]  # a good plan: no flags


def test_a_flag_names_the_file_sheet_and_cell_of_the_gap(round_files):
    def shown(rule, organisation):
        return [f for f in round_files.flags
                if f["Rule"] == rule and f["Organisation"] == organisation]  # fmt: skip

    definition = shown("Required field empty", "Leeds")[0]  # red, so first
    assert (definition["Severity"], definition["File"], definition["Sheet"]) == (
        "Red", "Leeds return.xlsx", "Action Plan",
    )  # fmt: skip
    assert (definition["Cell"], definition["Message"]) == (
        "H4", "Definition of problem is missing.",
    )  # fmt: skip
    [risks] = shown("Red confidence without contingency", "Bradford")
    assert (risks["Severity"], risks["Cell"]) == ("Red", "H11")
    [quarter] = shown("Current quarter not updated", "Housing")
    assert (quarter["Cell"], quarter["Message"]) == (
        "L12", "Q7 (Oct–Dec 26) has no status for 1 of 4 tasks: HSG-02.",
    )  # fmt: skip
    [missing] = shown("Return missing", "Salford")
    assert (missing["File"], missing["Cell"]) == (None, None)
    assert missing["Message"] == (
        "No return received. Chase Ruth Adeyemi <ruth.adeyemi@salford.gov.uk>."
    )


def test_the_overview_shows_each_plans_figures_and_flag_counts(round_files):
    overview = round_files.overview
    assert set(overview) == {"Leeds", "Bradford", "Salford", "Housing", "Finance"}
    for plan in round_files.in_memory.plans:
        row = overview[plan.organisation]
        shown = {name: row[title] for name, title in MEASURE_TITLES.items()}
        assert shown == {name: plan.figure(name) for name in MEASURE_TITLES}, plan.organisation
        counts = (row["Received"], row["Red flags"], row["Amber flags"])
        received = "Yes" if plan.has_return else "No"
        assert counts == (received, plan.red_flags, plan.amber_flags), plan.organisation
    assert (overview["Bradford"]["Short by"], overview["Housing"]["Not updated"]) == (250, 1)


def _delete_titles(path, labels=(), table=False):
    """Delete labels (or column titles) from a saved return, or the whole title row of its
    table, as a partner tidying the sheet might."""
    book = openpyxl.load_workbook(path)
    sheet = book["Action Plan"]
    for row in sheet.iter_rows():
        whole = table and row[0].value == "Ref"
        for cell in row:
            if whole or cell.value in labels:
                cell.value = None
    book.save(path)


def test_a_label_column_or_table_deleted_from_the_sheet_is_flagged_as_missing(round_files):
    # (what only the loader can find, so not built in memory)
    inbox = round_files.root / "tidied"
    inbox.mkdir()
    _delete_titles(p44_return(inbox), labels={"Risks and contingency", "Lead officer"})
    _delete_titles(three_year_return(inbox), table=True)
    workbook = run(inbox, round_files.root / "tidied-outbox", [], AS_OF).path
    found = flags(workbook, "Required field empty")
    shown = {(f["Organisation"], f["Severity"], f["Cell"], f["Message"]) for f in found}
    assert shown == {
        (
            "Leeds",
            "Red",
            None,
            'Risks and contingency is not on the sheet. The label "Risks '
            'and contingency" was not found on the sheet: add it in cell G11, below "Definition of '
            'problem" (insert a row there if it is taken), with the value in the cell to its '
            "right.",
        ),  # (where the template has it: below the box above it)
        ("Leeds", "Amber", "19:19", "Lead officer is missing."),
        ("Housing", "Red", None, "No tasks table was found."),
    }
