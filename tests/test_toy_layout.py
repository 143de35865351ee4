"""A layout is one declaration: a checklist, declared in this file alone, goes through
templates, check, run, a second round from the store and history with nothing else changed.

The checklist: a header with the team and the date of update; a table of item / done /
owner / due date; one rule of its own (an item past its due date that is not done).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta

import pytest
from builders import AS_OF
from click.testing import CliRunner
from python_calamine import CalamineWorkbook
from workbook_reading import flags, sheet_records

from pipeline.cli.commands import cli
from pipeline.declare import LAYOUTS, Field, Kind, Layout
from pipeline.declare.forms import overdue_form
from pipeline.declare.hooks import LayoutHooks, Rows
from pipeline.declare.measures import BASIC, Measure, count
from pipeline.declare.progress import ActionProgress
from pipeline.declare.rounds import Cadence
from pipeline.declare.rules import Rule
from pipeline.declare.severity import AMBER, RED
from pipeline.demo.partner import PartnerWorkbook
from pipeline.errors import UsageError
from pipeline.inbox.registers import read_register
from pipeline.round.flags import flag, row_ref
from pipeline.round.plans import Flag, Plan
from pipeline.run import run
from pipeline.values import uk


def not_done_past_due(plan: Plan, as_of: date) -> Iterator[Flag]:
    for row in plan.items:
        if row["overdue"]:
            yield flag(plan, "item-not-done", AMBER,
                       f"{row_ref(row, plan)} was due {uk(row['due'])} and is not done.",
                       plan.cell_in_row("done", row))  # fmt: skip


class ChecklistHooks(LayoutHooks):
    """What the checklist answers: its rows are items; one measure and one rule of its own."""

    def rows(self) -> Rows:
        return Rows("item")

    def measures(self) -> tuple[Measure, ...]:
        return (*BASIC, Measure("open", "Open items", "Items not done yet.", count("live")))

    def rules(self) -> tuple[Rule, ...]:
        late = overdue_form("{title} has passed and the item is not done")  # (as you type)
        return (Rule("item-not-done", "Item not done", AMBER,
                     "An item's due date has passed and it is not done.",
                     "Get it done, or give it a new due date.", not_done_past_due,
                     in_template=late),)  # fmt: skip


CHECKLIST = Layout(
    name="checklist",
    title="Winter Readiness Checklist",
    short_title="Checklist",
    sheet="Checklist",
    hooks=ChecklistHooks(),
    header=(
        Field("team", "Team", required=True, register_column="team", register_required=True,
              locked=True, gap=RED, help="The team this checklist is for."),
        Field("checked_on", "Checked on", Kind.DATE, required=True, gap=RED,
              carried=False, help="The date you last went through the list."),
    ),
    columns=(
        Field("item", "Item", required=True, width=40, help="What has to be ready."),
        Field("done", "Done", Kind.YES_NO, help="Yes once it is ready."),
        Field("owner", "Owner", help="Who sees to it."),
        Field("due_date", "Due date", Kind.DATE, help="When it has to be ready by."),
    ),
    key="team",
    reference="item",
    updated="checked_on",
    cadence=Cadence.FORTNIGHT,
    progress=ActionProgress(status="done", due="due_date", statuses=("Yes", "No"),
                            complete=frozenset({"Yes"}), finished=frozenset({"Yes"}),
                            live=frozenset({"No"})),
    guidance="Go through the list every fortnight and mark what is done.",
)  # fmt: skip
REGISTER = "team,head\nGritting,Ann Lee\nShelters,Bo Chan\n"


@pytest.fixture
def checklist(tmp_path):
    with LAYOUTS.registered(CHECKLIST):
        register = tmp_path / "checklist.csv"
        register.write_text(REGISTER, encoding="utf-8")
        yield register


def pipeline(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.output


def fill(template, inbox, name, updated, rows):
    filled = PartnerWorkbook(template, CHECKLIST).set("checked_on", updated)
    for row in rows:
        filled.add_row(row)
    return filled.save(inbox / name)


def test_a_checklist_declared_here_goes_the_whole_way_with_nothing_else_changed(
    tmp_path, checklist
):
    out, inbox, outbox = tmp_path / "templates", tmp_path / "inbox", tmp_path / "outbox"
    inbox.mkdir()
    store = outbox / "pipeline.sqlite"

    # templates: one per team, the team filled in
    said = pipeline("templates", "--layout", "checklist", "--register", str(checklist),
                    "--out", str(out))  # fmt: skip
    assert "Wrote 2 Winter Readiness Checklist template(s)" in said
    [gritting] = out.glob("*Gritting*.xlsx")
    sheets = CalamineWorkbook.from_path(gritting).sheet_names
    assert "Checklist" in sheets and "Guidance" in sheets

    # Gritting fills it in: salt ordered (done), the gritters serviced (late, not done)
    fill(gritting, inbox, "gritting.xlsx", AS_OF - timedelta(days=2), [
        {"item": "Salt ordered", "done": "Yes", "owner": "Ann Lee",
         "due_date": AS_OF - timedelta(days=30)},
        {"item": "Gritters serviced", "done": "No", "owner": "Ann Lee",
         "due_date": AS_OF - timedelta(days=5)},
        {"item": "Routes agreed", "done": "n", "owner": "Bo Chan", "due_date": None},
    ])  # fmt: skip

    # check: the late item is found, with the catalogue's words
    report = json.loads(pipeline("check", "--json", "--register", str(checklist),
                                 str(inbox / "gritting.xlsx")))  # fmt: skip
    assert report[0]["layout"] == "checklist" and report[0]["organisation"] == "Gritting"
    assert report[0]["status"].startswith("accepted")

    # run: its Overview rows, its own Items sheet, its flag, its Guidance rows
    pipeline("run", "--inbox", str(inbox), "--outbox", str(outbox), "--register",
             str(checklist), "--as-of", AS_OF.isoformat())  # fmt: skip
    book = outbox / f"consolidated-{AS_OF.isoformat()}.xlsx"
    overview = {o["Organisation"]: o for o in sheet_records(book, "Overview")}
    assert overview["Gritting"]["Layout"] == "Checklist"
    gritting = overview["Gritting"]
    figures = ("Items", "Complete", "Overdue", "Open items")
    assert [gritting[f] for f in figures] == [3, 1, 1, 2]
    assert (gritting["Date of update"].date(), gritting["Days since update"]) == (
        AS_OF - timedelta(days=2), 2)  # fmt: skip
    assert overview["Shelters"]["Received"] == "No"
    items = sheet_records(book, "Items")
    assert [(i["Organisation"], i["Item"], i["Overdue"]) for i in items] == [
        ("Gritting", "Salt ordered", None),
        ("Gritting", "Gritters serviced", "Yes"),
        ("Gritting", "Routes agreed", None),
    ]
    [late] = flags(book, "Item not done")
    assert late["Organisation"] == "Gritting" and late["Cell"] is not None
    assert late["Message"].startswith("Item Gritters serviced was due")
    assert late["What to do"] == "Get it done, or give it a new due date."
    [missing] = flags(book, "Return missing")
    assert missing["Organisation"] == "Shelters"
    guidance = CalamineWorkbook.from_path(book).get_sheet_by_name("Guidance").to_python()
    text = {str(cell) for row in guidance for cell in row}
    assert "Winter Readiness Checklist: fields" in text and "Item not done" in text
    assert "Items not done yet." in text  # its own measure, said once
    own = CalamineWorkbook.from_path(book).get_sheet_by_name("Gritting").to_python()
    assert "Gritters serviced" in {str(cell) for row in own for cell in row}
    # its feedback: "n" was read as No, and the late item is off track; Gritting is told
    # where and what to do about each
    [feedback] = (outbox / "feedback").glob("gritting*.xlsx")
    fix_list = CalamineWorkbook.from_path(feedback).get_sheet_by_name("Fix list").to_python()
    lines = {row[2]: row for row in fix_list if row[0] == "Checklist"}
    told, off_track = lines["Done"], lines["Item not done"]
    assert told[2] == "Done" and 'read "n" as "No"' in told[4] and told[3] == "Amber"
    assert off_track[2:4] == ["Item not done", "Amber"] and off_track[1] == late["Cell"]

    # a second round from the store: the template is pre-filled with last round's items
    shutil.rmtree(inbox)
    inbox.mkdir()
    round_2 = AS_OF + timedelta(days=14)
    said = pipeline("templates", "--layout", "checklist", "--register", str(checklist),
                    "--out", str(tmp_path / "round2"), "--store", str(store))  # fmt: skip
    assert "1 pre-filled from their latest return" in said
    [again] = (tmp_path / "round2").glob("*Gritting*.xlsx")
    partner = PartnerWorkbook(again, CHECKLIST)
    assert [partner.sheet.cell(r, partner.column("item")).value for r in partner.rows()] == [
        "Salt ordered", "Gritters serviced", "Routes agreed"
    ]  # fmt: skip
    partner.set("checked_on", round_2 - timedelta(days=1))
    partner.set_row(partner.row_of("Gritters serviced"), {"done": "Yes"})
    partner.save(inbox / "gritting r2.xlsx")
    [shelters] = (tmp_path / "round2").glob("*Shelters*.xlsx")  # checked 16 days before
    fill(shelters, inbox, "shelters.xlsx", round_2 - timedelta(days=16), [
        {"item": "Beds counted", "done": "Yes", "owner": "Bo Chan", "due_date": None},
    ])  # fmt: skip
    pipeline("run", "--inbox", str(inbox), "--outbox", str(outbox), "--register",
             str(checklist), "--as-of", round_2.isoformat())  # fmt: skip
    book_2 = outbox / f"consolidated-{round_2.isoformat()}.xlsx"
    items = [i for i in sheet_records(book_2, "Items") if i["Organisation"] == "Gritting"]
    changed = {i["Item"]: (i["Changed"], i["Status last round"]) for i in items}
    assert changed == {
        "Salt ordered": (None, "Yes"),
        "Gritters serviced": ("status changed", "No"),
        "Routes agreed": (None, "No"),
    }
    assert not flags(book_2, "Item not done")
    [stale] = flags(book_2, "Return stale")
    assert stale["Organisation"] == "Shelters" and stale["Message"].startswith("Last updated")
    assert stale["Cell"] == "C5"  # its Checked on

    # history: both rounds, each with its file and figures
    said = pipeline("history", "Gritting", "--store", str(store)).splitlines()
    assert said[0] == "Gritting: 2 round(s)"
    assert "3 rows, 1 complete, 1 overdue" in said[1] and "[gritting.xlsx]" in said[1]
    assert "3 rows, 2 complete, 0 overdue" in said[2] and "[gritting r2.xlsx]" in said[2]
    assert (AS_OF - timedelta(days=2)).isoformat() in said[1]


class Findings(ChecklistHooks):
    def rows(self) -> Rows:
        return Rows("finding")


class LateTwice(ChecklistHooks):
    def measures(self) -> tuple[Measure, ...]:
        return (*BASIC, Measure("overdue", "Late", "Late items.", count("overdue")))


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"hooks": Findings()}, "names a sheet 'Findings', as the workbook's own does"),
        ({"hooks": LateTwice()}, "two measures are called 'overdue'"),
    ],
)  # fmt: skip
def test_a_layout_that_cannot_share_the_workbook_is_refused_before_the_round_is_read(
    tmp_path, checklist, change, said
):
    clash = replace(CHECKLIST, name="clash", **change)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with LAYOUTS.registered(clash), pytest.raises(UsageError, match=re.escape(said)):
        run(inbox, tmp_path / "outbox", as_of=AS_OF)
    assert not (tmp_path / "outbox" / "pipeline.sqlite").exists()


def test_a_register_is_read_as_the_layout_whose_columns_fit_it_best(tmp_path):
    # a layout keyed on a partnership, like p44, with a register column of its own (and the
    # contact columns, which every register may have and which tell no layout from another)
    team = replace(CHECKLIST.field("team"), register_column="partnership")
    region = Field("region", "Region", register_column="area")
    hallmarks_like = replace(CHECKLIST, name="by_partnership", header=(team, region,
                             CHECKLIST.field("checked_on")))  # fmt: skip
    short, full = tmp_path / "short.csv", tmp_path / "full.csv"
    short.write_text("partnership,area,contact_name\nLeeds,GO Yorkshire,Jane Doe\n",
                     encoding="utf-8")  # fmt: skip
    full.write_text(
        "partnership,region,contact_name,contact_email,baseline_crimes,reduction_target_pct,"
        "target_date\nLeeds,GO Yorkshire,Jane Doe,jane@leeds.gov.uk,20000,6,31/03/2027\n",
        encoding="utf-8",
    )
    with LAYOUTS.registered(hallmarks_like):
        assert read_register(short).layout is hallmarks_like
        assert read_register(full).layout is LAYOUTS["p44"]
