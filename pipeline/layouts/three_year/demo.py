"""The three-year plan's demo business units: what a careful unit writes each quarter, how its
plan looked a quarter earlier, and the mistakes some make (one row of ``MISTAKES`` each)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from ...declare.quarters import quarter_of
from ...demo.content import OFFICERS
from ...demo.layout_demo import (
    DemoReturn,
    LayoutDemo,
    hand_typed_statuses,
    shipped_register,
    stale,
    text_date_of_update,
)
from ...inbox.registers import RegisterEntry
from . import PLAN_QUARTERS

TASKS = (
    "Review of the {unit} strategy",
    "Procure new {unit} service contract",
    "Consultation on {unit} standards with service users",
    "Implement new case management system",
    "Equality impact assessment of {unit} policies",
    "Best Value review action plan",
    "Deliver capital scheme phase {n}",
    "Train staff in the new procedures",
    "Report to Cabinet on {unit} performance",
    "Joint initiative with partners on {unit}",
    "Restructure the service teams",
    "Publish annual {unit} report",
)
TEAMS = ("Operations", "Strategy", "Customer", "Projects", "Support")


def tasks(rng: random.Random, code: str, unit: str, current_quarter: int, count: int) -> list[dict]:
    """``count`` tasks with quarterly statuses filled in up to ``current_quarter``."""
    rows = []
    for n in range(1, count + 1):
        due = rng.randrange(1, PLAN_QUARTERS + 1)
        statuses: dict[str, Any] = {}
        done = False
        for q in range(1, min(current_quarter, PLAN_QUARTERS) + 1):
            if done:
                break
            if q < due:
                statuses[f"q{q}"] = "In progress" if q >= due - 3 else "Not yet due"
            else:
                done = rng.random() < (0.75 if q == due else 0.5)
                statuses[f"q{q}"] = "Completed" if done else "Delayed"
        latest = statuses.get(f"q{min(current_quarter, PLAN_QUARTERS)}")
        task = rng.choice(TASKS).format(unit=unit.lower(), n=rng.randrange(1, 4))
        priorities = rng.sample(range(1, 5), rng.randrange(0, 3))
        significant = priorities[:1] if rng.random() < 0.3 else []
        rows.append(
            {
                "ref": f"{code}-{n:02d}",
                "task": task,
                "service_team": rng.choice(TEAMS),
                "task_officer": rng.choice(OFFICERS),
                "completion_quarter": due,
                **statuses,
                "progress_report": "Waiting on a supplier; revised date agreed with the head "
                "of service."
                if latest == "Delayed"
                else None,
                "outcomes": "Better, cheaper services that residents rate more highly.",
                "contract": "Yes" if task.startswith("Procure") or rng.random() < 0.1 else None,
                "statutory": "Yes" if rng.random() < 0.3 else None,
                "support": "Yes" if rng.random() < 0.2 else None,
                **{
                    f"cp{p}": "Significant" if p in significant else "Contributes"
                    for p in priorities
                },
                "efficiency": "Yes" if rng.random() < 0.15 else None,
                "corporate_improvement_plan": "Yes" if rng.random() < 0.1 else None,
            }
        )
    return rows


def draft(entry: RegisterEntry, rng: random.Random, as_of: date) -> tuple[dict, list[dict]]:
    """A careful business unit's plan, its statuses given up to this quarter."""
    now = quarter_of(entry.prefill["plan_start"], as_of)
    header = {
        "updated_by": entry.prefill.get("head_of_service"),
        "date_of_update": as_of - timedelta(days=rng.randrange(1, 20)),
        "_current_quarter": now,  # (not written: keys starting "_" are the demo's own notes)
    }
    count = rng.randrange(6, 13)
    return header, tasks(rng, entry.code or "", entry.organisation, now, count)


def file_name(entry: RegisterEntry, day: date) -> str:
    """What business units call their returns: their code and the plan quarter."""
    return f"{entry.code} 3-year action plan Q{quarter_of(entry.prefill['plan_start'], day)}.xlsx"


def earlier(r: DemoReturn, rng: random.Random, then: date) -> None:
    """The plan a quarter before: the same tasks, without this quarter's statuses."""
    for row in r.rows:
        row.pop(f"q{r.header['_current_quarter']}", None)


# --- mistakes, as business units make them -------------------------------------------------------


def quarter_not_updated(r: DemoReturn, rng: random.Random) -> None:
    now = r.header["_current_quarter"]
    for row in r.rows:
        row.pop(f"q{now}", None)


def delayed_without_report(r: DemoReturn, rng: random.Random) -> None:
    row = r.rows[0]
    row[f"q{r.header['_current_quarter']}"] = "Delayed"
    row["progress_report"] = None
    row["cp3"] = "Significant"


MISTAKES = {
    "Housing": hand_typed_statuses(
        lambda row: [k for k in row if k.startswith("q") and k[1:].isdigit()],
        {"Completed": "Done", "Delayed": "late", "In progress": "on track"},
    ),
    "Finance": quarter_not_updated,
    "ICT": delayed_without_report,
    "Planning and Building Control": text_date_of_update,
    "Property and Estates": stale(120),  # last quarter's plan: not this quarter's return
}

DEMO = LayoutDemo(
    register=shipped_register(__package__),
    draft=draft,
    file_name=file_name,
    earlier=earlier,
    mistakes=MISTAKES,
    not_returned=frozenset({"Customer Services", "Human Resources"}),
    late=frozenset({"Waste and Street Scene"}),  # returned the day after the due date
)
