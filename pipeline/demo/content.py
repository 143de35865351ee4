"""Plausible plan content for the demo and the benchmark: actions, tasks and header text whose
dates and statuses hang together at an as-of date. Deterministic for a given random source."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from ..layouts.quarters import PLAN_QUARTERS

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
OFFICERS = (
    "Insp. Sarah Cole", "PC Dev Mistry", "Jo Fairbairn", "Sgt. Liam Hart", "Ruth Adeyemi",
    "Chris Nolan", "Fatima Rahman", "Pete Lowe", "Anna Kowalska", "Gary Mills",
)  # fmt: skip
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


def p44_header(rng: random.Random, entry: dict[str, Any], as_of: date) -> dict[str, Any]:
    """Header values a partnership fills in (the register pre-fills the rest)."""
    ward = rng.choice(WARDS)
    return {
        "completed_by": entry.get("completed_by"),
        "role": rng.choice(ROLES),
        "agency": rng.choice(("Government Office", "Local authority", "Police")),
        "email": entry.get("email"),
        "telephone": f"0{rng.randrange(1130, 1999)} {rng.randrange(100, 999)} "
        f"{rng.randrange(1000, 9999)}",
        "date_of_update": as_of - timedelta(days=rng.randrange(1, 12)),
        "confidence": rng.choices(("Green", "Amber", "Red"), weights=(40, 45, 15))[0],
        "definition_of_problem": rng.choice(PROBLEMS).format(ward=ward, n=rng.randrange(8, 30)),
        "risks": rng.choice(RISKS),
    }


def p44_actions(rng: random.Random, as_of: date, count: int, needed: int) -> list[dict]:
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


def three_year_tasks(
    rng: random.Random, code: str, unit: str, current_quarter: int, count: int
) -> list[dict]:
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
