"""The Police and Crime Plan delivery plan (seed 004), end to end: templates for each theme
lead, returns filled in as a lead would, three quarters in a row so that direction of travel
shows, the Delivery Plan by theme, the Board summary and the layout's own flags."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from workbook_reading import flags, sheet_records

from pipeline.declare import LAYOUTS
from pipeline.demo.partner import PartnerWorkbook
from pipeline.inbox.registers import read_register
from pipeline.run import run
from pipeline.store import Store
from pipeline.templates.writer import make_templates

PCC = LAYOUTS["pcc_delivery"]
Q2, Q3, Q4 = date(2017, 9, 29), date(2017, 12, 29), date(2018, 3, 29)
REGISTER = (
    "organisation,theme_lead,contact_name,contact_email\n"
    "Constabulary,ACC Operations,Dana Shaw,dana.shaw@police.example.gov.uk\n"
    "Youth Offending Service,Head of Youth Justice,Omar Reid,omar.reid@county.example.gov.uk\n"
)


def action(ref: str, theme: str, rag: str, **overrides) -> dict:
    """An action as a lead writes it, Green and on time unless told otherwise."""
    values = {
        "ref": ref, "theme": theme, "shared_outcome": "People feel safe",
        "objective": f"Objective of {ref}", "action": f"Action {ref}",
        "lead_organisation": "Constabulary", "lead_officer": "Supt. Kay Lamb",
        "target_date": date(2018, 3, 31), "rag_status": rag, "direction": None,
        "commentary": "On track; reported to the theme board.",
    }  # fmt: skip
    values.update(overrides)
    return values


@pytest.fixture
def register(tmp_path):
    path = tmp_path / "pcc_delivery.csv"
    path.write_text(REGISTER, encoding="utf-8")
    return path


def send(template, inbox, name, updated, quarter, rows=(), changes=None):
    """Fill (or, from a pre-filled template, update) a delivery plan and save it in the inbox."""
    plan = PartnerWorkbook(template, PCC).set("date_of_update", updated).set("quarter", quarter)
    for row in rows:
        plan.add_row(row)
    for ref, values in (changes or {}).items():
        plan.set_row(plan.row_of(ref), values)
    return plan.save(inbox / name)


def quarter(tmp_path, register, as_of, store=None):
    folder = tmp_path / f"templates-{as_of}"
    previous = {}
    if store is not None:
        with Store.open(store, write=False) as opened:
            previous = opened.latest_returns("pcc_delivery")
    make_templates(PCC, folder, read_register(register), previous)
    inbox = tmp_path / f"inbox-{as_of}"
    inbox.mkdir()
    return {p.stem.split("-", 1)[1]: p for p in folder.glob("*.xlsx")}, inbox


def test_three_quarters_of_delivery_plans_show_direction_of_travel_and_the_boards_summary(
    tmp_path, register
):
    outbox = tmp_path / "outbox"
    store = outbox / "pipeline.sqlite"

    # Q2: the Constabulary reports three actions; the Youth Offending Service sends nothing
    templates, inbox = quarter(tmp_path, register, Q2)
    send(templates["Constabulary"], inbox, "police q2.xlsx", Q2 - timedelta(days=3), "2017/18 Q2",
         [action("V01", "Victims", "Green"), action("O01", "Offenders", "Green"),
          action("C01", "Communities", "Amber")])  # fmt: skip
    run(inbox, outbox, [register], Q2)

    # Q3: V01 falls to Amber though stated Improving, and has no commentary; C01 is Complete
    templates, inbox = quarter(tmp_path, register, Q3, store)
    pre_filled = PartnerWorkbook(templates["Constabulary"], PCC)
    assert [pre_filled.sheet.cell(r, pre_filled.column("ref")).value
            for r in pre_filled.rows()] == ["V01", "O01", "C01"]  # fmt: skip
    send(templates["Constabulary"], inbox, "police q3.xlsx", Q3 - timedelta(days=2), "2017/18 Q3",
         changes={"V01": {"rag_status": "Amber", "direction": "Improving", "commentary": None},
                  "C01": {"rag_status": "Complete"}})  # fmt: skip
    q3 = run(inbox, outbox, [register], Q3).path

    plan = {(r["Theme"], r["Ref"]): r for r in sheet_records(q3, "Delivery Plan")}
    assert list(plan) == [("Victims", "V01"), ("Offenders", "O01"), ("Communities", "C01")]
    assert (plan["Victims", "V01"]["Last quarter"], plan["Victims", "V01"]["RAG status"],
            plan["Victims", "V01"]["Direction (from last quarter's RAG)"],
            plan["Victims", "V01"]["Direction (as its lead states it)"]) == (
        "Green", "Amber", "▼ Worsening", "Improving")  # fmt: skip
    assert plan["Communities", "C01"]["Direction (from last quarter's RAG)"] == "▲ Improving"
    assert plan["Offenders", "O01"]["Direction (from last quarter's RAG)"] == "► No change"

    board = {r["Theme"]: r for r in sheet_records(q3, "Board Summary")}
    assert (board["Victims"]["Actions"], board["Victims"]["Amber"],
            board["Victims"]["Worsening"]) == (1, 1, 1)  # fmt: skip
    assert (board["Communities"]["Complete"], board["Communities"]["Improving"]) == (1, 1)
    assert board["Transformation"]["Actions"] == 0

    [contradicted] = flags(q3, "Direction of travel contradicted")
    assert "fell from Green to Amber" in contradicted["Message"]
    [silent] = flags(q3, "Red or Amber without commentary")
    assert silent["Message"].startswith("Action V01 is Amber")
    [missing] = flags(q3, "Return missing")
    assert missing["Organisation"] == "Youth Offending Service"
    assert "Omar Reid <omar.reid@county.example.gov.uk>" in missing["Message"]

    overview = {o["Organisation"]: o for o in sheet_records(q3, "Overview")}
    police = overview["Constabulary"]  # it states no RAG: the worst of its live actions
    judged = "Confidence (from its actions)"
    assert (police[judged], police["Previous confidence"], police["Direction"]) == (
        "Amber", "Amber", "► no change")  # fmt: skip
    assert (police["Layout"], police["Improved"], police["Worsened"], police["Red"]) == (
        "PCC delivery", 1, 1, 0)  # fmt: skip

    # Q4: V01 falls again, to Red, and is past its target date
    templates, inbox = quarter(tmp_path, register, Q4, store)
    send(templates["Constabulary"], inbox, "police q4.xlsx", Q4 - timedelta(days=1), "2017/18 Q4",
         changes={"V01": {"rag_status": "Red", "commentary": "Supplier failed.",
                          "target_date": date(2018, 1, 31)}})  # fmt: skip
    q4 = run(inbox, outbox, [register], Q4).path
    police = {o["Organisation"]: o for o in sheet_records(q4, "Overview")}["Constabulary"]
    assert (police["Confidence (from its actions)"], police["Direction"]) == ("Red", "▼ worsening")
    [twice] = flags(q4, "Worse two quarters running")
    assert twice["Severity"] == "Red"
    assert (
        twice["Message"]
        == "Action V01 has worsened two quarters running: Green, then Amber, now Red."
    )
    [late] = flags(q4, "Past target date")
    assert (
        late["Message"]
        == "Action V01 (Action V01) was due 31/01/2018 and is still Red, not Complete."
    )


def test_a_delivery_plan_is_checked_counted_whole_and_its_guidance_comes_with_it(
    tmp_path, register
):
    templates, inbox = quarter(tmp_path, register, Q2)
    send(templates["Constabulary"], inbox, "police.xlsx", Q2, "Q0",
         [action("T01", "Transformation", "Purple"),
          action("P01", "Policing", "Green")])  # fmt: skip
    book = run(inbox, tmp_path / "outbox", [register], Q2).path
    unreadable = flags(book, "Value not readable")
    assert {f["Message"].split('"')[0] for f in unreadable} == {"RAG status ", "Theme ", "Quarter "}
    # every action is counted once on the Board summary, readable or not
    board = {b["Theme"]: b for b in sheet_records(book, "Board Summary")}
    assert (board["Transformation"]["Actions"], board["Transformation"]["No status"]) == (1, 1)
    unknown = board["Theme not given or not readable"]
    assert (unknown["Actions"], unknown["Green"], unknown["Not known"]) == (1, 1, 1)
    guidance = {str(c) for row in _cells(book, "Guidance") for c in row}
    assert "Police and Crime Plan Delivery Plan: fields" in guidance
    assert "Worse two quarters running" in guidance
    assert ("PCC delivery plans state no overall confidence: the confidence their actions bear "
            "out stands for it (on the Overview, in Last 6 rounds and on Needs attention): the "
            "worst RAG status among their actions not yet Complete (Green when all are)."
            in guidance)  # fmt: skip


def _cells(path, sheet):
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(path).get_sheet_by_name(sheet).to_python()


def test_a_register_with_the_delivery_plans_columns_is_read_as_its_register(register):
    read = read_register(register)
    assert read.layout is PCC
    [police, _] = read.entries
    assert police.prefill == {"organisation": "Constabulary", "theme_lead": "ACC Operations",
                              "contact_name": "Dana Shaw",
                              "contact_email": "dana.shaw@police.example.gov.uk"}  # fmt: skip


def test_a_plan_typed_into_a_leads_own_sheet_is_read_like_the_template(tmp_path, register):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Q2 update"
    sheet.append(["Police and Crime Plan delivery plan, Constabulary"])
    sheet.append([])
    for label, value in (
        ("Organisation", "Constabulary"),
        ("Theme lead", "ACC Operations"),
        ("Quarter", "2017/18 Q2"),
        ("Date of update", "26/09/2017"),
    ):
        sheet.append([label, value])
    sheet.append([])
    titles = ["RAG", "Ref", "Action", "Theme", "Objective", "Lead organisation", "Owner",
              "Target date", "Commentary"]  # fmt: skip
    sheet.append(titles)
    sheet.append(["amber", "V01", "Commission an advocate service", "victims",
                  "Improve the support victims receive", "OPCC", "Priya Nair",
                  date(2018, 1, 31), "Tender delayed a month."])  # fmt: skip
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    book.save(inbox / "constabulary own sheet.xlsx")

    result = run(inbox, tmp_path / "outbox", [register], Q2)
    [log] = sheet_records(result.path, "Returns Log")
    assert (log["Status"], log["Organisation"]) == ("accepted with findings", "Constabulary")
    assert log["Layout"] == "Police and Crime Plan Delivery Plan"
    [row] = sheet_records(result.path, "Delivery Plan")
    assert (row["Theme"], row["RAG status"], row["Lead officer"]) == (
        "Victims", "Amber", "Priya Nair")  # fmt: skip


def test_a_quarter_missed_in_between_is_not_compared_across(tmp_path, register):
    outbox = tmp_path / "outbox"
    templates, inbox = quarter(tmp_path, register, Q2)
    send(templates["Constabulary"], inbox, "police q2.xlsx", Q2, "2017/18 Q2",
         [action("V01", "Victims", "Green")])  # fmt: skip
    q2 = run(inbox, outbox, [register], Q2).path
    [first] = sheet_records(q2, "Delivery Plan")  # nothing to compare with: not "New"
    assert (first["Last quarter"], first["Direction (from last quarter's RAG)"]) == (None, None)
    assert sheet_records(q2, "Board Summary")[0]["Not known"] == 1

    # no return in Q3; Q4's Red is not "two quarters running" nor compared with Q2's Green
    templates, inbox = quarter(tmp_path, register, Q4, outbox / "pipeline.sqlite")
    send(templates["Constabulary"], inbox, "police q4.xlsx", Q4, "2017/18 Q4",
         changes={"V01": {"rag_status": "Red", "commentary": "Stalled."}})  # fmt: skip
    q4 = run(inbox, outbox, [register], Q4).path
    [later] = sheet_records(q4, "Delivery Plan")
    assert (later["Last quarter"], later["Direction (from last quarter's RAG)"]) == (None, None)
    assert not flags(q4, "Worse two quarters running")


def test_last_quarters_update_is_not_this_rounds_and_a_later_quarter_is_flagged_at_its_cell(
    tmp_path, register
):
    templates, inbox = quarter(tmp_path, register, Q3)
    send(templates["Constabulary"], inbox, "police.xlsx", Q3, "2017/18 Q2",
         [action("V01", "Victims", "Green")])  # fmt: skip
    send(templates["Youth-Offending-Service"], inbox, "yos.xlsx", Q3, "Q4 2017-18",
         [action("O01", "Offenders", "Green")])  # fmt: skip
    result = run(inbox, tmp_path / "outbox", [register], Q3)
    log = {r["File"]: r for r in sheet_records(result.path, "Returns Log")}
    assert (log["police.xlsx"]["Status"], log["police.xlsx"]["Reason"]) == (
        "for an earlier period",
        "Quarter 2017/18 Q2: a return for Jul–Sep 17 (2017/18 Q2), not this quarter's",
    )
    received = {o["Organisation"]: o["Received"] for o in sheet_records(result.path, "Overview")}
    assert received == {"Constabulary": "No", "Youth Offending Service": "Yes"}
    [flagged] = flags(result.path, "Update for another quarter")
    assert flagged["Organisation"] == "Youth Offending Service"
    assert "is for 2017/18 Q4, but this round is 2017/18 Q3" in flagged["Message"]
    where = PartnerWorkbook(templates["Youth-Offending-Service"], PCC).value_cell("quarter")
    assert flagged["Cell"] == where.coordinate
