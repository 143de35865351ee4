"""The delivery plan's demo leads: what a careful theme lead reports each quarter, how the
plan looked a quarter before (so direction of travel shows), and the mistakes some make (one
row of ``MISTAKES`` each)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from ...declare.quarters import financial_quarter_name, financial_quarter_of
from ...demo.content import OFFICERS
from ...demo.layout_demo import DemoReturn, LayoutDemo, hand_typed_statuses, shipped_register
from ...inbox.registers import RegisterEntry
from . import RAG_STATUS, THEME
from .measures import direction

OBJECTIVES = {
    "Victims": ("Improve the support victims receive", "Reduce repeat victimisation"),
    "Offenders": ("Reduce reoffending", "Manage the most prolific offenders together"),
    "Communities": ("Keep neighbourhoods safe and confident", "Tackle anti-social behaviour"),
    "Transformation": ("Make best use of shared resources", "Share data between partners"),
}
ACTIONS = {
    "Victims": ("Commission an independent domestic violence advocate service",
                "Launch the victims' hub referral pathway", "Survey victims' satisfaction"),
    "Offenders": ("Extend integrated offender management to young adults",
                  "Open a women's centre for diversion", "Review the out-of-court disposals"),
    "Communities": ("Roll out community speed watch", "Agree a shared ASB case system",
                    "Run a rural crime week of action"),
    "Transformation": ("Co-locate the neighbourhood teams", "Agree a joint estates plan",
                       "Build the shared performance dashboard"),
}  # fmt: skip
NEW_THIS_QUARTER = frozenset({"Constabulary", "Victim Services"})
WEIGHTS = {"Red": 10, "Amber": 30, "Green": 45, "Complete": 15}


def quarter_label(day: date) -> str:
    """The financial year and quarter of ``day``, as the Board writes it: ``2017/18 Q3``."""
    return financial_quarter_name(*financial_quarter_of(day))


def draft(entry: RegisterEntry, rng: random.Random, as_of: date) -> tuple[dict, list[dict]]:
    """A careful lead's plan: its statuses now, and (noted for ``earlier``) last quarter's."""
    rows, before = [], {}
    for n in range(1, rng.randrange(5, 10)):
        theme = rng.choice(THEME.values)
        ref = f"{theme[0]}{n:02d}"
        status = rng.choices(RAG_STATUS.values, weights=[WEIGHTS[s] for s in RAG_STATUS.values])[0]
        last = _step(status, rng)
        before[ref] = last
        rows.append({
            "ref": ref, "theme": theme, "shared_outcome": f"{theme}: safer together",
            "objective": rng.choice(OBJECTIVES[theme]), "action": rng.choice(ACTIONS[theme]),
            "lead_organisation": entry.organisation, "lead_officer": rng.choice(OFFICERS),
            "target_date": as_of + timedelta(days=rng.randrange(-20, 300)),
            "rag_status": status, "direction": direction(status, last),
            "commentary": "Delayed by a partner's restructure; a recovery plan is agreed."
            if status in ("Red", "Amber") else "Delivered." if status == "Complete"
            else "On track.",
        })  # fmt: skip
    for row in rows:
        if row["rag_status"] != "Complete" and row["target_date"] < as_of:
            row["target_date"] = as_of + timedelta(days=rng.randrange(30, 200))
    header = {
        "quarter": quarter_label(as_of),
        "date_of_update": as_of - timedelta(days=rng.randrange(1, 20)),
        "_before": before,
    }
    return header, rows


def _step(status: str, rng: random.Random) -> str:
    """What a status was a quarter before: mostly the same, sometimes a step either way."""
    order = list(RAG_STATUS.values)
    if status == "Complete":
        return "Green"
    move = rng.choices((0, -1, 1), weights=(60, 25, 15))[0]
    return order[min(max(order.index(status) + move, 0), 2)]


def file_name(entry: RegisterEntry, day: date) -> str:
    """What leads call their returns: the organisation and the quarter."""
    return f"{entry.organisation} delivery plan {quarter_label(day).replace('/', '-')}.xlsx"


def earlier(r: DemoReturn, rng: random.Random, then: date) -> None:
    """The plan a quarter before: last quarter's statuses, no stated direction yet."""
    before = r.header["_before"]
    r.header["quarter"] = quarter_label(then)
    if r.entry.organisation in NEW_THIS_QUARTER:
        r.rows.pop()  # its last action was added this quarter
    for row in r.rows:
        row["rag_status"] = before[row["ref"]]
        row["direction"] = None


# --- mistakes, as leads make them ----------------------------------------------------------------


def improving_regardless(r: DemoReturn, rng: random.Random) -> None:
    """Every action stated as Improving, though one has slipped a step since last quarter."""
    for row in r.rows:
        row["direction"] = "Improving"
    for row in r.rows:
        last = r.header["_before"][row["ref"]]
        if last in ("Green", "Amber"):
            row["rag_status"] = "Amber" if last == "Green" else "Red"
            row["commentary"] = "Slipped: waiting on a partner's funding decision."
            return


def amber_without_commentary(r: DemoReturn, rng: random.Random) -> None:
    """Red and Amber actions sent with no commentary, the last action newly Red among them."""
    last = r.rows[-1]
    last["rag_status"] = "Red"
    last["direction"] = direction("Red", r.header["_before"][last["ref"]])
    for row in r.rows:
        if row["rag_status"] in ("Red", "Amber"):
            row["commentary"] = None


def missed_target(r: DemoReturn, rng: random.Random) -> None:
    """An action past its target date, still Amber."""
    row = r.rows[0]
    row["rag_status"] = "Amber"
    row["direction"] = direction("Amber", r.header["_before"][row["ref"]])
    row["target_date"] = r.header["date_of_update"] - timedelta(days=40)
    row["commentary"] = "Missed its target: the contract award slipped; a new date is sought."


def no_quarter(r: DemoReturn, rng: random.Random) -> None:
    """The quarter the update is for left blank."""
    r.header["quarter"] = None


MISTAKES = {
    "Youth Offending Service": improving_regardless,
    "Probation Service": amber_without_commentary,
    "Victim Services": missed_target,
    "Fire and Rescue Service": hand_typed_statuses(
        lambda row: [k for k in row if k == "rag_status"],
        {"Green": "g", "Amber": "amber ", "Complete": "completed"},
    ),
    "Combined Authority": no_quarter,
}

DEMO = LayoutDemo(
    register=shipped_register(__package__),
    draft=draft,
    file_name=file_name,
    earlier=earlier,
    mistakes=MISTAKES,
    not_returned=frozenset({"Office of the Police and Crime Commissioner"}),
)
