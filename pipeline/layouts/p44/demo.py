"""The Priority 44 plan's demo partnerships: what a careful partnership writes, how its plan
looked a fortnight earlier, the mistakes some make (one row of ``MISTAKES`` each), and the
sheet a partnership builds by hand in place of the template."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from ...declare.model import CONTACT_EMAIL, CONTACT_NAME
from ...demo.content import OFFICERS
from ...demo.layout_demo import (
    DemoReturn,
    LayoutDemo,
    built_by_hand,
    hand_typed_statuses,
    renamed_sheet,
    saved_as_csv,
    shipped_register,
    stale,
)
from ...inbox.registers import RegisterEntry
from . import LAYOUT

ACTIONS = (
    ("Week of Action", "Week of Action: burglary hot spots in {ward}"),
    ("Week of Action", "Week of Action: vehicle crime, {ward} car parks"),
    ("Week of Action", "Autumn Nights Week of Action in {ward}"),
    ("DIP/PPO", "DIP arrest referral extended to {ward} custody suite"),
    ("DIP/PPO", "PPO caseload review and re-targeting"),
    ("DIP/PPO", "Drug treatment fast-track for prolific offenders"),
    ("Enforcement", "Operation Nightjar: stolen goods markets in {ward}"),
    ("Enforcement", "Test purchase operation, off-licences in {ward}"),
    ("Enforcement", "Joint licensing patrols, town centre night-time economy"),
    ("Prevention", "Alley-gating scheme, {ward}"),
    ("Prevention", "Target hardening for repeat burglary victims"),
    ("Prevention", "Shop theft prevention with {ward} retailers"),
    ("Prevention", "Street lighting upgrade, {ward} estate"),
    ("Partnership effectiveness", "JATC fortnightly tasking re-launched"),
    ("Partnership effectiveness", "Leadership coaching for the partnership board"),
    ("Partnership effectiveness", "Performance group set up to track delivery groups"),
    ("Communications", "'Lock it or lose it' media campaign"),
    ("Communications", "Student burglary awareness campaign"),
    ("Other", "Mobile CCTV redeployment to {ward}"),
)
WARDS = ("Central", "Riverside", "Northgate", "Eastfield", "Park", "Southside", "Westbrook")
AGENCIES = ("Police", "Local authority", "Probation", "PCT", "Fire and rescue", "DAAT")
ROLES = ("Community Safety Manager", "GO Delivery Manager", "Partnership Analyst")
PROBLEMS = (
    "Serious acquisitive crime in {ward} rose by {n}% over the last six months, driven by "
    "burglary dwelling and theft from vehicles. A problem profile with the police analyst and "
    "the community safety team (SARA method) found a small number of prolific offenders, "
    "poorly secured housing and student lets, and poor lighting on two estates.",
    "Violence against the person in the night-time economy accounts for {n}% of BCS comparator "
    "crime. Analysis of A&E and police data with the licensing team identified four premises "
    "and two late-night transport hubs; the partnership problem-solving group agreed the plan.",
)
RISKS = (
    "Loss of the partnership analyst post in the spring would leave tasking without analysis; "
    "contingency is cover from the police BCU analyst. Non co-operation of two housing "
    "providers on target hardening; escalation through the board chair. To move from amber to "
    "green we need the DIP expansion running by the end of next month.",
    "Police resources are being diverted to a major event, putting the Week of Action at risk; "
    "contingency is to run it a fortnight later with neighbourhood teams. Funding for "
    "alley-gating is not yet confirmed; the council has agreed to underwrite it.",
)


def header(rng: random.Random, entry: dict[str, Any], as_of: date) -> dict[str, Any]:
    """Header values a partnership fills in (the register pre-fills the rest)."""
    ward = rng.choice(WARDS)
    return {
        "completed_by": entry.get(CONTACT_NAME),
        "role": rng.choice(ROLES),
        "agency": rng.choice(("Government Office", "Local authority", "Police")),
        "email": entry.get(CONTACT_EMAIL),
        "telephone": f"0{rng.randrange(1130, 1999)} {rng.randrange(100, 999)} "
        f"{rng.randrange(1000, 9999)}",
        "date_of_update": as_of - timedelta(days=rng.randrange(1, 12)),
        "confidence": rng.choices(("Green", "Amber", "Red"), weights=(40, 45, 15))[0],
        "definition_of_problem": rng.choice(PROBLEMS).format(ward=ward, n=rng.randrange(8, 30)),
        "risks": rng.choice(RISKS),
    }


def actions(rng: random.Random, as_of: date, count: int, needed: int) -> list[dict]:
    """``count`` actions whose statuses agree with their dates at ``as_of``; live estimated
    impact adds up to roughly ``needed`` crimes (sometimes less, as in real plans)."""
    rows = []
    live = max(1, count // 2)
    for n in range(1, count + 1):
        category, text = rng.choice(ACTIONS)
        start = as_of + timedelta(days=rng.randrange(-150, 80))
        length = 7 if category == "Week of Action" else rng.randrange(14, 120)
        end = (
            None
            if category == "Partnership effectiveness" and rng.random() < 0.4
            else (start + timedelta(days=length))
        )
        if end is not None and end < as_of:
            status = rng.choices(("Complete", "Evaluation", "Ongoing"), weights=(60, 25, 15))[0]
        elif start <= as_of:
            status = "Ongoing"
        else:
            status = "Planned"
        impact = max(0, round(needed / live * rng.uniform(0.5, 1.5)))
        rows.append(
            {
                "ref": f"A{n:02d}",
                "action": text.format(ward=rng.choice(WARDS)),
                "category": category,
                "lead_agency": rng.choice(AGENCIES),
                "lead_officer": rng.choice(OFFICERS),
                "start_date": start,
                "end_date": end,
                "status": status,
                "estimated_impact": impact,
                "impact_basis": "Evaluated" if status == "Evaluation" else "Estimated",
                "calendar_event": "Yes"
                if category == "Week of Action" or rng.random() < 0.1
                else None,
                "notes": None,
            }
        )
    return rows


def draft(entry: RegisterEntry, rng: random.Random, as_of: date) -> tuple[dict, list[dict]]:
    """A careful partnership's plan: actions whose impact roughly meets its target."""
    baseline = entry.prefill.get("baseline") or 10000
    needed = round(baseline * (entry.prefill.get("reduction_target") or 6) / 100)
    return header(rng, entry.prefill, as_of), actions(rng, as_of, rng.randrange(6, 15), needed)


def file_name(entry: RegisterEntry, day: date) -> str:
    """What partnerships call their returns."""
    return f"{entry.organisation} action plan {day:%d-%m-%y}.xlsx"


def earlier(r: DemoReturn, rng: random.Random, then: date) -> None:
    """The plan a fortnight before: some recent actions not yet added, later statuses not yet
    reached, and sometimes another confidence."""
    rows = []
    for row in r.rows:
        start, end = row.get("start_date"), row.get("end_date")
        if isinstance(start, date) and start > then - timedelta(days=7) and rng.random() < 0.5:
            continue  # an action added since
        if row.get("status") in ("Complete", "Evaluation") and isinstance(end, date) and end > then:
            row["status"] = "Ongoing"
        elif row.get("status") == "Ongoing" and isinstance(start, date) and start > then:
            row["status"] = "Planned"
        rows.append(row)
    r.rows = rows
    if rng.random() < 0.35:
        ladder = ["Red", "Amber", "Green"]
        step = ladder.index(r.header["confidence"]) + rng.choice((-1, 1))
        r.header["confidence"] = ladder[min(max(step, 0), 2)]


def stranger(rng: random.Random, as_of: date) -> tuple[dict, dict, list[dict]]:
    """A plan from a partnership on no register: its pre-filled values, header and rows."""
    prefill = {"partnership": "Gotham", "region": "GO Nowhere"}
    return prefill, header(rng, {}, as_of), actions(rng, as_of, 5, 300)


# --- mistakes, as partnerships make them ---------------------------------------------------------


def text_dates(r: DemoReturn, rng: random.Random) -> None:
    for n, row in enumerate(r.rows):
        start, end = row.get("start_date"), row.get("end_date")
        if isinstance(start, date):
            row["start_date"] = start.strftime("%d/%m/%y")
        if isinstance(end, date) and n % 3 == 0:
            row["end_date"] = end.strftime("%b %Y")


def no_definition_of_problem(r: DemoReturn, rng: random.Random) -> None:
    r.header["definition_of_problem"] = None


def red_without_risks(r: DemoReturn, rng: random.Random) -> None:
    r.header["confidence"] = "Red"
    r.header["risks"] = None


def formula_text(r: DemoReturn, rng: random.Random) -> None:
    r.rows[0]["notes"] = '=HYPERLINK("http://example.com/evidence","evaluation report")'


def loose_numbers(r: DemoReturn, rng: random.Random) -> None:
    r.rows[0]["estimated_impact"] = f"approx {r.rows[0]['estimated_impact']}"
    r.rows[1]["estimated_impact"] = "TBC"


def status_not_in_list(r: DemoReturn, rng: random.Random) -> None:
    r.rows[-1]["status"] = "On hold"


MISTAKES = {
    "Birmingham": hand_typed_statuses(
        lambda row: [k for k in row if k == "status"],
        {"Complete": "done", "Ongoing": "in progress ", "Planned": "not started"},
    ),
    "Bradford": text_dates,
    "Brent": renamed_sheet,
    "Bristol": no_definition_of_problem,
    "Cardiff": red_without_risks,
    "Coventry": stale(16),  # brought up to date for the last round, not since: stale
    "Derby": formula_text,
    "Hackney": built_by_hand("xlsx", "{organisation} CSP action plan.xlsx"),
    "Haringey": built_by_hand("ods", "{organisation} CSP action plan.ods"),
    "Islington": loose_numbers,
    "Kirklees": status_not_in_list,
    "Lambeth": saved_as_csv,
}


def by_hand(path: Path, values: dict[str, Any], rows: list[dict], kind: str) -> None:
    """A partnership's own sheet built from the field titles: labels in column A, values in
    B, long texts below their label, and the table's columns in another order with some
    titles worded differently."""
    grid: list[list[Any]] = [[f"{values.get('partnership')} Partnership Action Plan"], []]
    long_texts = []
    for f in LAYOUT.header:
        if f.kind.name == "LONG_TEXT":
            long_texts.append(f)
            continue
        grid.append([f.aliases[0] if f.aliases and f.name == "confidence" else f.title,
                     _plain(values.get(f.name))])  # fmt: skip
    for f in long_texts:
        grid += [[], [f.title], [values.get(f.name)]]
    grid.append([])
    order = ["status", "ref", "action", "lead_officer", "start_date", "end_date", "category",
             "estimated_impact", "lead_agency", "notes"]  # fmt: skip
    retitled = {"lead_officer": "Owner", "estimated_impact": "Est. impact (crimes)"}
    grid.append([retitled.get(n, LAYOUT.field(n).title) for n in order])
    grid += [[_plain(row.get(n)) for n in order] for row in rows]
    width = max(len(r) for r in grid)
    grid = [r + [None] * (width - len(r)) for r in grid]
    if kind == "ods":
        import pandas as pd

        pd.DataFrame(grid).to_excel(path, engine="odf", header=False, index=False,
                                    sheet_name=LAYOUT.sheet)  # fmt: skip
        return
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = LAYOUT.sheet
    for row in grid:
        sheet.append(row)
    book.save(path)


def _plain(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


DEMO = LayoutDemo(
    register=shipped_register(__package__),
    draft=draft,
    file_name=file_name,
    earlier=earlier,
    mistakes=MISTAKES,
    stranger=stranger,
    by_hand=by_hand,
    not_returned=frozenset({"Luton", "Newport", "Slough"}),
    sent_twice="Doncaster",  # an early draft, then the real return: the draft is superseded
    saved_twice="Gateshead",  # the same file saved again under another name: a duplicate
    late=frozenset({"Sheffield"}),  # returned the day after the due date
    sent_in_word="Slough",  # its plan typed up in Word: rejected, matched to it by its name
)
