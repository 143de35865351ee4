"""The self-assessment's demo partnerships: what a careful partnership writes when it reviews
itself against the Hallmarks, how its review looked a year before (so direction of travel
shows), and the mistakes some make (one row of ``MISTAKES`` each)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from ...demo.content import OFFICERS
from ...demo.layout_demo import (
    DemoReturn,
    LayoutDemo,
    hand_typed_statuses,
    renamed_sheet,
    shipped_register,
    stale,
)
from ...inbox.registers import RegisterEntry
from .measures import GAP, IN_PLACE, STATUTORY, WORKING_TOWARDS
from .requirements import ROWS

WEIGHTS = {STATUTORY: (80, 17, 3), "Advice": (60, 25, 15)}  # In place, Working towards, Gap
POSITIONS = (
    "Agreed by the partnership board ({when}); reviewed every quarter.",
    "In the partnership plan ({when}); the analyst reports on it to each meeting.",
    "Done through the tasking group since {when}.",
    "Covered by the information sharing protocol signed {when}.",
)
PARTLY = "Partly in place: the county arrangements cover it; local work began {when}."
NOT_YET = "Not in place yet: raised at the board in {when}."
ACTIONS = (
    "Add it to the board's forward plan and report progress each quarter.",
    "Ask the analyst to draft the process for the board to agree.",
    "Write it into the refreshed partnership plan.",
    "Agree a lead agency and bring a proposal to the next board.",
    "Commission training for board members and practitioners.",
    "Consult neighbourhood panels and publish what was heard.",
)


def draft(entry: RegisterEntry, rng: random.Random, as_of: date) -> tuple[dict, list[dict]]:
    """A careful partnership's review: every requirement assessed, a position for each, and a
    further action with owner and target date for each gap (and each Statutory requirement
    not yet in place)."""
    reviewed = as_of - timedelta(days=rng.randrange(5, 60))
    when = f"{reviewed:%b %Y}"
    rows, before = [], {}
    for requirement in ROWS:
        statutory = requirement["type"] == STATUTORY
        assessment = rng.choices((IN_PLACE, WORKING_TOWARDS, GAP),
                                 weights=WEIGHTS[requirement["type"]])[0]  # fmt: skip
        position = {WORKING_TOWARDS: PARTLY, GAP: NOT_YET}.get(assessment, rng.choice(POSITIONS))
        row = {"ref": requirement["ref"], "assessment": assessment,
               "position": position.format(when=when)
               if statutory or assessment != GAP or rng.random() < 0.5 else None}  # fmt: skip
        if assessment == GAP or (statutory and assessment == WORKING_TOWARDS):
            row.update(further_action=rng.choice(ACTIONS), owner=rng.choice(OFFICERS),
                       target_date=as_of + timedelta(days=rng.randrange(30, 300)))  # fmt: skip
        rows.append(row)
        before[row["ref"]] = _a_year_before(assessment, rng)
    name = rng.choice(OFFICERS).split(" ", 1)[-1].split()[-2:]
    header = {
        "completed_by": " ".join(name),
        "email": f"{'.'.join(name).lower()}@{entry.organisation.split()[0].lower()}.gov.uk",
        "date_of_review": reviewed,
        "_before": before,
    }
    return header, rows


def _a_year_before(assessment: str, rng: random.Random) -> str:
    """What a requirement was assessed as a year before: mostly the same, sometimes a step
    behind."""
    order = [GAP, WORKING_TOWARDS, IN_PLACE]
    step = rng.choices((0, 1), weights=(70, 30))[0]
    return order[max(order.index(assessment) - step, 0)]


def file_name(entry: RegisterEntry, day: date) -> str:
    """What partnerships call their reviews: the partnership and the year."""
    return f"{entry.organisation} Hallmarks self-assessment {day.year}.xlsx"


def earlier(r: DemoReturn, rng: random.Random, then: date) -> None:
    """The review a year before: each requirement as it was assessed then."""
    before = r.header["_before"]
    for row in r.rows:
        row["assessment"] = before[row["ref"]]
        if "target_date" in row:
            row["target_date"] -= timedelta(days=365)
        elif row["assessment"] != IN_PLACE:  # (what was done about it since)
            row.update(further_action=rng.choice(ACTIONS), owner=rng.choice(OFFICERS),
                       target_date=then + timedelta(days=rng.randrange(60, 300)))  # fmt: skip


# --- mistakes, as partnerships make them ------------------------------------------------------


def statutory_gap_left_open(r: DemoReturn, rng: random.Random) -> None:
    """Two Statutory requirements assessed as a Gap, with nothing said about what will be
    done."""
    statutory = [row for row in r.rows if _type(row) == STATUTORY][:2]
    for row in statutory:
        row.update(assessment=GAP, further_action=None, owner=None, target_date=None)


def actions_without_owners(r: DemoReturn, rng: random.Random) -> None:
    """Further actions written, but no owner or target date given for them."""
    for row in [row for row in r.rows if row.get("further_action")][:3]:
        row.update(owner=None, target_date=None)


def action_past_target(r: DemoReturn, rng: random.Random) -> None:
    """A further action whose target date has passed, the requirement still a Gap."""
    row = next(row for row in r.rows if row["assessment"] == GAP)
    row["target_date"] = r.header["date_of_review"] - timedelta(days=45)


def _type(row: dict) -> str:
    return next(req["type"] for req in ROWS if req["ref"] == row["ref"])


MISTAKES = {
    "Fenland CSP": statutory_gap_left_open,
    "Cambridge City CSP": actions_without_owners,
    "East Cambridgeshire CSP": action_past_target,
    "South Cambridgeshire CSP": hand_typed_statuses(
        lambda row: ["assessment"], {IN_PLACE: "yes", WORKING_TOWARDS: "partly", GAP: "no"}
    ),
    "Peterborough Safer Partnership": stale(400),  # last year's review: not this year's
    "Bedford Borough CSP": renamed_sheet,
}

DEMO = LayoutDemo(
    register=shipped_register(__package__),
    draft=draft,
    file_name=file_name,
    earlier=earlier,
    mistakes=MISTAKES,
    not_returned=frozenset({"Luton CSP"}),
)
