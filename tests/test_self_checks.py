"""Templates check themselves as the partner types, by the pipeline's own rules.

A partner fills a template (here with openpyxl, by label, as ``builders`` does); LibreOffice
opens it headless, works out every formula and saves it; the template's own count, its list
and its coloured cells are then what the pipeline says of the same file, rule for rule and
cell for cell (``self_checking`` says how each side is read). Here: a thin plan and a complete
one of every layout, in which every rule that can be broken in a template is; the property
test that draws many more is in ``test_self_checks_property``.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from builders import action, p44_header, pcc_action, review, task
from openpyxl.formula.tokenizer import Tokenizer
from openxml_audit import OpenXmlValidator
from self_checking import (
    box_cell,
    cell_types,
    fill,
    layout_of,
    pipeline_says,
    recalculated,
    registers_for_today,
)

from pipeline.declare import LAYOUTS
from pipeline.declare.formulas import LIMIT, PREFIX
from pipeline.declare.quarters import financial_quarter_name, financial_quarter_of, quarter_of
from pipeline.declare.rounds import LEEWAY, round_before, round_of
from pipeline.declare.rules import EARLIER_PERIOD, FINDINGS, FINDINGS_BY_ID
from pipeline.demo.partner import PartnerWorkbook
from pipeline.feedback import FIX_LIST, jobs_for, write_all
from pipeline.inbox.registers import read_register, read_registers
from pipeline.returns import CHECKS_SHEET
from pipeline.round.consolidation import consolidate
from pipeline.round.flags import every_rule
from pipeline.run import check_files
from pipeline.system.isolation import Isolation
from pipeline.templates import make_templates
from pipeline.templates.checks import checks_of
from pipeline.values import KINDS

TODAY = date.today()  # (LibreOffice's TODAY(): the pipeline is asked on the same day)
# Functions that Excel 2016 and LibreOffice both compute, with no array entered by hand
# (``declare.formulas``): the only ones a template's own formulas may use.
BOTH_COMPUTE = {"AND", "OR", "NOT", "IF", "IFERROR", "ISNUMBER", "ISNA", "ISERROR", "ISTEXT",
                "ISLOGICAL", "LEN", "TRIM", "EXACT", "LEFT", "MID", "RIGHT", "FIND",
                "SUBSTITUTE", "LOWER", "CHAR", "ROW", "COLUMN", "INT", "MOD", "ROUND", "MAX",
                "MIN", "DATE", "YEAR", "MONTH", "TODAY", "MATCH", "INDEX", "LOOKUP",
                "SUMPRODUCT", "COUNTIF", "SUM"}  # fmt: skip


def earliest(layout: str) -> date:
    """The first day a return's date may be and the return still be this round's."""
    cadence = LAYOUTS[layout].cadence
    first = round_of(cadence, TODAY)
    for _ in range(LEEWAY[cadence]):
        first = round_before(cadence, first)
    return first.start


THIS_QUARTER = financial_quarter_name(*financial_quarter_of(TODAY))
NEXT = TODAY + timedelta(days=92)
NEXT_QUARTER = financial_quarter_name(*financial_quarter_of(NEXT))
PAST, SOON, LATER = TODAY - timedelta(days=40), TODAY + timedelta(days=10), TODAY + timedelta(90)
# (the three-year plans start the financial year before today's: ``registers_for_today``)
HOUSING_NOW = quarter_of(financial_quarter_of(TODAY)[0] - 1, TODAY)


def act(ref: str, **overrides) -> dict:
    """A well-formed live action running across today, as ``builders.action`` but today's."""
    dates = {"start_date": TODAY - timedelta(days=10), "end_date": TODAY + timedelta(days=30)}
    return action(ref, **{**dates, **overrides})


def deliver(ref: str, **overrides) -> dict:
    """A well-formed delivery-plan action due after today."""
    return pcc_action(ref, **{"target_date": LATER, **overrides})


def _statuses(now: int, **given: str | None) -> dict[str, str | None]:
    """A task's statuses In progress up to quarter ``now`` (the twelve at most), but for
    ``given``."""
    return {**{f"q{q}": "In progress" for q in range(1, min(now, 12) + 1)}, **given}


# Each layout's plans: (organisation, header as typed, rows as typed). The thin ones between
# them break every rule a template of a register's organisation can break; the complete one
# breaks none.
THIN = {
    "p44": [
        ("Leeds", p44_header(completed_by=None, role="   ", email="jane at leeds",
                             confidence="Red", risks=None,
                             date_of_update=earliest("p44")), [
            act("A01", lead_officer=None, category="zzz", start_date="soon",
                   estimated_impact="lots", calendar_event="maybe", end_date=PAST,
                   status="Ongoing"),
            act("A02", status="On hold", start_date=PAST, end_date=PAST),
        ]),
        ("Bradford", p44_header(confidence="Green", date_of_update=TODAY), [
            act("A01", end_date=PAST, start_date=PAST - timedelta(days=30)),
            act("A02", start_date=LATER, end_date=LATER, status="Planned"),
        ]),
        ("Salford", p44_header(baseline=-5, reduction_target=150, target_date="soon",
                               date_of_update=TODAY), [act("A01")]),
        # 2% of 25 crimes is half a crime: the target needs one prevented, as Excel rounds
        ("Salford", p44_header(baseline=25, reduction_target=2, date_of_update=TODAY), []),
    ],
    "three_year": [
        ("Housing", {"updated_by": None, "date_of_update": TODAY}, [
            task("HSG-01", completion_quarter=max(HOUSING_NOW - 2, 1),
                 **_statuses(HOUSING_NOW, **{f"q{HOUSING_NOW}": "Delayed"}),
                 cp2="Significant", progress_report=None),
            task("HSG-02", task_officer=None, completion_quarter=13, contract="maybe",
                 **_statuses(HOUSING_NOW, q3="zzz", **{f"q{HOUSING_NOW}": None})),
        ]),
        ("Finance", {"updated_by": "Rachel Smith", "date_of_update": "soon"},
         [task("FIN-01", **_statuses(HOUSING_NOW))]),
    ],
    "pcc_delivery": [
        ("Constabulary", {"quarter": NEXT_QUARTER, "date_of_update": TODAY}, [
            deliver("V01", rag_status="Red", commentary=None),
            deliver("V02", rag_status="Amber", target_date=PAST, theme="zzz"),
            deliver("V03", objective=None, target_date="soon"),
        ]),
        ("Youth Offending Service", {"quarter": "Q9", "date_of_update": TODAY},
         [deliver("O01")]),
    ],
    "hallmarks": [
        ("Huntingdonshire CSP", {"completed_by": "Claire Edwards", "email": "claire at x",
                                 "date_of_review": TODAY}, review({
            "1a": {"assessment": "Gap"},  # Statutory, no further action
            "2a": {"position": None},  # Statutory, no position
            "3a": {"assessment": "Gap"},  # Advice, no further action
            "3b": {"assessment": "Working towards", "further_action": "Agree a chair."},
            "3c": {"assessment": "Gap", "further_action": "Agree a chair.", "owner": "Claire"},
            "3d": {"assessment": "Working towards", "further_action": "Agree a chair.",
                   "owner": "Claire", "target_date": PAST},
            "3e": {"assessment": None},
            "3f": {"assessment": "zzz", "further_action": "Review.", "owner": "Claire",
                   "target_date": "soon"},
        })),
    ],
}  # fmt: skip
COMPLETE = {
    "p44": [("Leeds", p44_header(date_of_update=TODAY), [
        act("A01"), act("A02", start_date=TODAY, end_date=LATER, estimated_impact=600),
    ])],
    "three_year": [("Housing", {"updated_by": "Ian Clarke", "date_of_update": TODAY},
                    [task("HSG-01", **_statuses(HOUSING_NOW))])],
    "pcc_delivery": [("Constabulary", {"quarter": THIS_QUARTER, "date_of_update": TODAY},
                      [deliver("V01")])],
    "hallmarks": [("Huntingdonshire CSP", {"completed_by": "Claire Edwards",
                                           "email": "claire.edwards@huntingdonshire.gov.uk",
                                           "date_of_review": TODAY}, review())],
}  # fmt: skip
# What no template made for an organisation on a register can break: its name and plan start
# are pre-filled and locked (see the blank templates' test); a quarterly or yearly plan's date
# of update is either its own period's (never older than the interval) or an earlier
# period's (see the earlier period's test).
UNBREAKABLE = {"no-organisation", "not-a-year", "earlier-period"}
EVERY_RULE = (*FINDINGS, EARLIER_PERIOD, *(rule for rule, _ in every_rule()))
ON_RETURN = {rule.id for rule in EVERY_RULE if rule.on_return}
NEVER_STALE = {"three_year", "pcc_delivery", "hallmarks"}


def fill_all(folder: Path, registers: dict[str, Path], plans: dict[str, list],
             kind: str) -> list[tuple[str, Path]]:  # fmt: skip
    """Every plan filled into its organisation's template, as a partner fills it."""
    made = []
    for layout, filled in plans.items():
        for n, (organisation, header, rows) in enumerate(filled):
            name = f"{kind}-{layout}-{n}-{organisation}.xlsx"
            made.append((layout, fill(folder, registers, layout, organisation, header, rows,
                                      name)))  # fmt: skip
    return made


@pytest.fixture(scope="module")
def worked_out(libreoffice, tmp_path_factory):
    """The thin and complete plans, worked out by LibreOffice and by the pipeline."""
    folder = tmp_path_factory.mktemp("self-checks")
    inbox = folder / "inbox"
    registers = registers_for_today(folder / "registers")
    plans = {kind: fill_all(inbox, registers, given, kind)
             for kind, given in (("thin", THIN), ("complete", COMPLETE))}  # fmt: skip
    everything = [path for made in plans.values() for _, path in made]
    template = recalculated(libreoffice, everything, folder / "worked")
    pipeline = pipeline_says([saved for _, saved in template], registers, folder)
    seen = {path: (said, pipeline[saved.name], saved)
            for path, (said, saved) in zip(everything, template, strict=True)}  # fmt: skip
    found = {kind: [(layout, *seen[path]) for layout, path in made]
             for kind, made in plans.items()}  # fmt: skip
    return {**found, "registers": registers}


def test_every_rule_has_an_in_template_form_or_says_why_it_is_checked_on_return_only():
    for rule in EVERY_RULE:
        assert (rule.in_template is None) != (rule.on_return is None), rule.id
        assert rule.on_return is None or rule.on_return.why.endswith("."), rule.id


def test_each_kind_is_checked_in_the_template_by_the_rule_its_reader_finds_it_by():
    """A value not of its field's kind: the template's test of each kind is the form of the
    very rule the pipeline's reader names for it (``values.KINDS``); text is always text."""
    for kind, read in KINDS.items():
        form = FINDINGS_BY_ID[read.rule].in_template
        assert getattr(form, "kind", None) is kind or read.rule == "not-text", kind


def test_a_thin_plan_shows_what_the_pipeline_would_say_rule_for_rule_and_cell_for_cell(
    worked_out,
):
    fired: dict[str, set[str]] = {name: set() for name in LAYOUTS}
    for layout, template, pipeline, _ in worked_out["thin"]:
        assert template.items == pipeline.items
        assert template.coloured == pipeline.coloured
        red, amber = pipeline.counts
        assert template.box.startswith(f"Not ready to send: {red} to fix (red), {amber} to "
                                       f"check (amber)")  # fmt: skip
        fired[layout] |= {rule for rule, _ in template.items}
    for name, rules in fired.items():
        can = {check.rule.id for check in checks_of(LAYOUTS[name])} - UNBREAKABLE
        if name in NEVER_STALE or TODAY - earliest(name) <= timedelta(LAYOUTS[name].interval_days):
            can.discard("return-stale")
        assert rules == can, name


def test_a_complete_plan_is_ready_to_send(worked_out):
    for layout, template, pipeline, _ in worked_out["complete"]:
        assert pipeline.items == {} and template.items == {}, layout
        assert template.coloured == {}
        assert template.box == "Ready to send: nothing to fix and nothing to check."


def test_the_box_says_the_first_few_in_words(worked_out):
    _, template, _, saved = worked_out["thin"][0]  # Leeds: Red first
    lines = template.box.split("\n")
    assert lines[0].endswith("each cell coloured. The first 3:") and len(lines) == 4
    assert lines[1].startswith("• ") and all(line.startswith("• ") for line in lines[1:])
    book = openpyxl.load_workbook(saved, data_only=True)  # (the list, as LibreOffice saw it)
    says = [row[4] for row in book[CHECKS_SHEET].iter_rows(min_row=2, values_only=True)
            if row[0]]  # fmt: skip
    assert lines[1:] == [f"• {said}" for said in says[:3]]
    assert "Risks and contingency is empty while the confidence is Red: say what the risks " \
           "are and what the contingency is." in says  # fmt: skip
    assert any(re.match(r"Action A01: Lead officer is empty: fill it in\.", s) for s in says)


def test_a_return_saved_from_a_self_checking_template_is_read_as_before(worked_out, tmp_path):
    """LibreOffice saved the box's and the checks' results: the return reads as the file the
    partner filled (no formula without its result, nothing read from the box)."""
    for _layout, _template, pipeline, saved in worked_out["thin"] + worked_out["complete"]:
        rules = {rule for rule, _ in pipeline.items}
        assert not rules & ON_RETURN, (saved.name, rules & ON_RETURN)


def _functions(formula: str) -> set[str]:
    return {t.value.rstrip("(").upper() for t in Tokenizer(f"={formula}").items
            if t.type == "FUNC" and t.subtype == "OPEN"}  # fmt: skip


def test_every_formula_uses_only_functions_excel_2016_and_libreoffice_both_compute(tmp_path):
    for name, layout in LAYOUTS.items():
        [path] = make_templates(layout, tmp_path / name)
        book = openpyxl.load_workbook(path)
        formulas = [rule.formula[0] for f in book[layout.sheet].conditional_formatting
                    for rule in f.rules if rule.type == "expression"]  # fmt: skip
        assert formulas and all(len(f) <= LIMIT for f in formulas), name
        formulas += [c.value[1:] for row in book[CHECKS_SHEET].iter_rows() for c in row
                     if isinstance(c.value, str) and c.value.startswith("=")]  # fmt: skip
        formulas += [d.attr_text for d in book.defined_names.values()
                     if d.name.startswith(PREFIX)]  # fmt: skip
        box = book[layout.sheet][box_cell(layout)].value
        formulas.append(box[1:])
        used = set().union(*map(_functions, formulas))
        assert used <= BOTH_COMPUTE, (name, used - BOTH_COMPUTE)
        assert not any("[" in f for f in formulas)  # no other workbook


def test_a_partners_cells_stay_plain_values(tmp_path):
    for name, layout in LAYOUTS.items():
        [path] = make_templates(layout, tmp_path / name)
        plan = openpyxl.load_workbook(path)[layout.sheet]
        formulas = [c.coordinate for row in plan.iter_rows() for c in row
                    if c.data_type == "f"]  # fmt: skip
        assert formulas == [box_cell(layout)], name  # the Ready to send box, locked
        assert plan[box_cell(layout)].protection.locked and plan.protection.sheet


def test_blank_templates_check_whose_plan_it_is_and_the_plan_start(libreoffice, tmp_path):
    """A template made for no organisation: whose plan it is, and a plan's start, are typed
    by the partner, and checked as they are."""
    made = []
    for name, header in (("p44", {"region": "GO North West"}),
                         ("three_year", {"business_unit": "Housing", "code": "HSG",
                                         "plan_start": "soon", "updated_by": "Ian Clarke",
                                         "date_of_update": TODAY})):  # fmt: skip
        [blank] = make_templates(LAYOUTS[name], tmp_path / "blank" / name)
        made.append(PartnerWorkbook(blank, LAYOUTS[name]).fill_header(header)
                    .save(tmp_path / f"{name}-blank.xlsx"))  # fmt: skip
    [(p44, _), (housing, saved)] = recalculated(libreoffice, made, tmp_path / "worked")
    assert ("no-organisation", "C4") in p44.items and p44.items[("no-organisation", "C4")] == "Red"
    registers = registers_for_today(tmp_path / "registers")
    [pipeline] = pipeline_says([saved], {"three_year": registers["three_year"]},
                               tmp_path).values()  # fmt: skip
    assert housing.items[("not-a-year", "B7")] == "Red"  # (printed across: values in B)
    # (the register's plan start is then taken instead: said only on return, with the register)
    returned = {k: v for k, v in pipeline.items.items() if k[0] not in ON_RETURN}
    assert housing.items == returned
    assert set(pipeline.items) - set(returned) == {("taken-from-register", "B7")}


def test_a_return_for_an_earlier_period_is_said_where_its_date_is(libreoffice, tmp_path):
    """A date of update before this fortnight (and the one before), or a Quarter before this
    one: the return would not be this round's. Said at the date, or at the Quarter."""
    inbox, registers = tmp_path / "inbox", registers_for_today(tmp_path / "registers")
    earlier = financial_quarter_name(*financial_quarter_of(PAST - timedelta(days=92)))
    leeds = fill(inbox, registers, "p44", "Leeds", p44_header(date_of_update=PAST),
                 COMPLETE["p44"][0][2], "leeds.xlsx")  # fmt: skip
    police = fill(inbox, registers, "pcc_delivery", "Constabulary",
                  {"quarter": earlier, "date_of_update": TODAY}, COMPLETE["pcc_delivery"][0][2],
                  "police.xlsx")  # fmt: skip
    worked = recalculated(libreoffice, [leeds, police], tmp_path / "worked")
    pipeline = pipeline_says([saved for _, saved in worked], registers, tmp_path)
    for (template, saved), cell in zip(worked, ("C11", "C6"), strict=True):
        assert template.items == pipeline[saved.name].items == {("earlier-period", cell): "Red"}


def test_the_checks_words_stay_on_their_sheet_out_of_the_shared_strings(worked_out, tmp_path):
    """A reader of a return reads its shared strings whole as it opens it: the checks sheet's
    words (titles, rules, cells, closed lists) are its formulas' results, kept on the sheet in
    the template as made and once LibreOffice has saved the return, so a return's shared
    strings are only what its partner sees and types."""
    registers = registers_for_today(tmp_path / "registers")
    made = [make_templates(layout, tmp_path / name, read_register(registers[name]))[0]
            for name, layout in LAYOUTS.items()]  # fmt: skip
    for path in made + [saved for *_, saved in worked_out["thin"] + worked_out["complete"]]:
        types = cell_types(path, CHECKS_SHEET)
        assert types["s"] == types["inlineStr"] == 0 < types["str"], (path.name, types)


def _errors(path: Path) -> set[str]:
    """What is wrong with the package by the Open XML schemas, as Excel's own SDK would check
    it (``openxml-audit``): nothing, for a file Excel opens without a repair prompt."""
    return {e.description for e in OpenXmlValidator().validate(str(path)).errors}


def _opens_cleanly(path: Path) -> None:
    assert _errors(path) == set(), path.name


def test_every_template_opens_cleanly(tmp_path):
    """Each layout's template made for an organisation, and a blank one (its checks of whose
    plan it is besides): the Open XML of each as Excel's SDK checks it."""
    registers = registers_for_today(tmp_path / "registers")
    [blank] = make_templates(LAYOUTS["p44"], tmp_path / "blank")
    made = [make_templates(layout, tmp_path / name, read_register(registers[name]))[0]
            for name, layout in LAYOUTS.items()]  # fmt: skip
    for path in [blank, *made]:
        _opens_cleanly(path)


def test_a_self_checking_return_gets_its_feedback_copy_checks_and_all(worked_out, tmp_path):
    """The feedback copy of a return filled in and saved by LibreOffice: its cells marked up,
    a Fix list before it, its own checks kept (the formats, the checks sheet, the box), and
    the package as clean as the partner's (LibreOffice saves no theme, which the validator
    asks for: the copy adds nothing to that)."""
    first = {}
    for layout, _, _, saved in worked_out["thin"]:
        first.setdefault(layout, saved)  # (one return per organisation in a round)
    registers = worked_out["registers"]
    sources = list(registers.items())
    (tmp_path / "copies").mkdir()
    receipts = check_files(list(first.values()), sources, copies=tmp_path / "copies")
    consolidation = consolidate(receipts, read_registers(sources), TODAY)
    written = write_all(jobs_for(receipts, tmp_path / "feedback", consolidation.flags),
                        Isolation(workers=0))  # fmt: skip
    assert len(written) == len(first)
    for path, original in zip(sorted(written), sorted(first.values()), strict=True):
        assert _errors(path) <= _errors(original), path.name
        book = openpyxl.load_workbook(path)
        layout = layout_of(book)
        plan = book[layout.sheet]
        assert book.sheetnames[0] == FIX_LIST and CHECKS_SHEET in book.sheetnames
        box = plan[box_cell(layout)].value
        assert box.startswith("=IF(") and len(plan.conditional_formatting) > 10
        assert any(c.comment for row in plan.iter_rows() for c in row)
