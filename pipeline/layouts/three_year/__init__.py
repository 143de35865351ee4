"""Three-year Action Plan (seed 001): one workbook per business unit per quarter.

This package holds all that is particular to it: the declaration here (fields, table,
cadence, roles, measures), its own flag rules (``rules.py``) and what it adds to the reports
(``report.py``: the Tasks sheet's columns, Council Plan Progress, Contract Register,
Efficiency, its chart).

The three parts of seed 001 (Project Plan, Monitoring Schedule, Impact Assessment) are three
column bands of one table, one row per task, so no part can lose its task.
"""

from __future__ import annotations

from ...declare.model import Band, ClosedList, Completer, Field, Kind, Layout
from ...declare.rounds import Cadence
from ...declare.severity import RED
from .progress import PLAN_QUARTERS, QUARTERS, TaskProgress

TASK_STATUS = ClosedList(
    values=("Completed", "In progress", "Delayed", "Not yet due", "No longer relevant"),
    colours={"Completed": "Green", "Delayed": "Red"},
    synonyms={
        "complete": "Completed",
        "done": "Completed",
        "finished": "Completed",
        "ongoing": "In progress",
        "on going": "In progress",
        "started": "In progress",
        "on track": "In progress",
        "underway": "In progress",
        "late": "Delayed",
        "behind": "Delayed",
        "slipped": "Delayed",
        "behind schedule": "Delayed",
        "not due": "Not yet due",
        "not started": "Not yet due",
        "future": "Not yet due",
        "planned": "Not yet due",
        "n a": "No longer relevant",
        "na": "No longer relevant",
        "not relevant": "No longer relevant",
        "no longer required": "No longer relevant",
        "cancelled": "No longer relevant",
        "dropped": "No longer relevant",
    },
)

PRIORITY_IMPACT = ClosedList(
    values=("Contributes", "Significant"),
    synonyms={
        "c": "Contributes",
        "contributing": "Contributes",
        "contribution": "Contributes",
        "yes": "Contributes",
        "y": "Contributes",
        "x": "Contributes",
        "s": "Significant",
        "sig": "Significant",
        "significant impact": "Significant",
        "orange": "Significant",
    },
)


COUNCIL_PLAN_PRIORITIES = (
    "Resource and Opportunity",
    "Sustainable Communities",
    "Safe and Clean",
    "Learning and Training",
)

HEADER = (
    Field(
        "business_unit",
        "Business unit",
        required=True,
        register_column="business_unit",
        register_required=True,
        locked=True,
        gap=RED,
        aliases=("Business unit name", "Service", "Unit"),
        help="The business unit this plan is for. Pre-filled.",
    ),
    Field(
        "code",
        "Business unit code",
        required=True,
        register_column="code",
        register_required=True,
        locked=True,
        aliases=("BU code", "Unit code", "Code"),
        help="Your pre-set business unit code; every task reference starts with it. Pre-filled.",
    ),
    Field(
        "head_of_service",
        "Head of service",
        register_column="head_of_service",
        aliases=("Head of business unit", "Business unit manager"),
        help="The head of service accountable for this plan.",
    ),
    Field(
        "plan_start",
        "Plan start",
        Kind.YEAR,
        required=True,
        register_column="plan_start",
        locked=True,
        gap=RED,
        aliases=("Plan start year", "Start year", "Financial year"),
        help="The financial year the three-year plan starts, as the year its April is in: "
        "quarter 1 is that April to June, quarter 12 the January to March three years on. "
        "Pre-filled.",
    ),
    Field(
        "updated_by",
        "Updated by",
        required=True,
        aliases=("Completed by", "Name"),
        help="The person who brought the monitoring schedule up to date this quarter.",
    ),
    Field(
        "date_of_update",
        "Date of update",
        Kind.DATE,
        required=True,
        carried=False,
        gap=RED,
        aliases=("Updated", "Date updated", "Last updated"),
        help="The date you last updated the plan. Better still, update it every month.",
    ),
)


def _quarter_status(n: int) -> Field:
    return Field(
        f"q{n}",
        f"Q{n}",
        Kind.CHOICE,
        choices=TASK_STATUS,
        pattern=rf"^(q|quarter) ?{n}(?!\d)",
        width=12,
        help=f"Status of the task in quarter {n}: Completed, In progress, Delayed, Not yet due "
        "or No longer relevant. Fill in the current quarter every quarter.",
    )


def _priority(n: int, name: str) -> Field:
    return Field(
        f"cp{n}",
        f"Council Plan {n}: {name}",
        Kind.CHOICE,
        choices=PRIORITY_IMPACT,
        pattern=rf"^((council plan|cp)( priority)?|priority) ?{n}( |$)|^{name.lower()}$",
        width=14,
        help=f"Council Plan priority {n}, {name}: Contributes if the task contributes to it, "
        "Significant if it has a significant impact (the orange shading: progress is reported "
        "to Cabinet). Leave blank otherwise.",
    )


COLUMNS = (
    Field(
        "ref",
        "Ref",
        required=True,
        aliases=("Reference", "Task ref"),
        width=10,
        help="Task reference, starting with your business unit code (e.g. HSG-01).",
    ),
    Field(
        "task",
        "Task",
        required=True,
        aliases=("Tasks", "Key task", "Action"),
        width=40,
        help="A key task for the next three years: core activities, capital schemes, reviews, "
        "consultation, partnership projects, Best Value and equality actions, and so on.",
    ),
    Field(
        "service_team",
        "Service team",
        aliases=("Team",),
        width=16,
        help="If your service is split into teams, which one will carry out this task.",
    ),
    Field(
        "task_officer",
        "Task officer",
        required=True,
        aliases=("Officer", "Lead officer", "Responsible officer"),
        width=18,
        help="The person responsible for carrying out this piece of work.",
    ),
    Field(
        "completion_quarter",
        "Quarter for completion",
        Kind.QUARTER,
        required=True,
        most=PLAN_QUARTERS,
        aliases=("Completion quarter", "Quarter due", "Quarter"),
        width=16,
        help="The plan quarter (1 to 12) in which the task is expected to be completed.",
    ),
    *(_quarter_status(n) for n in range(1, PLAN_QUARTERS + 1)),
    Field(
        "progress_report",
        "Progress report",
        Kind.LONG_TEXT,
        aliases=("Progress", "Progress update", "Update"),
        width=40,
        help="Updates on activity, reasons for delay, why the task is no longer relevant. "
        "Required when the latest status is Delayed or No longer relevant.",
    ),
    Field(
        "outcomes",
        "Outcomes",
        Kind.LONG_TEXT,
        aliases=("Outcome",),
        width=30,
        help="Why you are doing this piece of work, what need it addresses, what you expect to "
        "achieve.",
    ),
    Field(
        "contract",
        "Contract",
        Kind.YES_NO,
        aliases=("Contract (Yes/No)",),
        width=10,
        help="Yes if a third party delivers this under a formal contract (for the Corporate "
        "Contract Register).",
    ),
    Field(
        "statutory",
        "Statutory function",
        Kind.YES_NO,
        aliases=("Statutory",),
        width=10,
        help="Yes if the task is a legislative requirement.",
    ),
    Field(
        "support",
        "Support function",
        Kind.YES_NO,
        aliases=("Support",),
        width=10,
        help="Yes if the task supports colleagues and other business units.",
    ),
    *(_priority(n, name) for n, name in enumerate(COUNCIL_PLAN_PRIORITIES, start=1)),
    Field(
        "efficiency",
        "Efficiency (Gershon)",
        Kind.YES_NO,
        aliases=("Efficiency", "Gershon", "Gershon efficiency"),
        width=11,
        help="Yes if the task will result in a Gershon efficiency (for the Annual Efficiency "
        "Statement).",
    ),
    Field(
        "corporate_improvement_plan",
        "Corporate Improvement Plan",
        Kind.YES_NO,
        aliases=("CIP", "Corporate improvement"),
        width=12,
        help="Yes if the task is an action in the Corporate Improvement Plan.",
    ),
)

LAYOUT = Layout(
    name="three_year",
    short_title="Three-year",
    title="Three-year Action Plan",
    sheet="Action Plan",
    header=HEADER,
    columns=COLUMNS,
    key="business_unit",
    code_key="code",
    reference="ref",
    named_by="task",
    updated="date_of_update",
    completer=Completer("updated_by"),
    contact_fallback="head_of_service",
    cadence=Cadence.QUARTER,
    progress=TaskProgress(
        quarters=QUARTERS,
        completion_quarter="completion_quarter",
        complete=frozenset({"Completed"}),
        finished=frozenset({"Completed", "No longer relevant"}),
        live=frozenset({"In progress", "Delayed", "Not yet due"}),
        delayed=frozenset({"Delayed"}),
        statuses=TASK_STATUS.values,
    ),
    # the directorate each business unit is in, where the register has the column
    register_only=(Field("directorate", "Directorate", register_column="directorate", group=True),),
    bands=(
        Band("Part 1 — Project Plan", "ref", "completion_quarter"),
        Band("Part 2 — Monitoring Schedule", "q1", "progress_report"),
        Band("Part 3 — Impact Assessment", "outcomes", "corporate_improvement_plan"),
    ),
    guidance=(
        "The Action Plan shows how you will deliver your service plan, in three parts: the "
        "Project Plan (key tasks in the next three years, who is responsible and when each is "
        "expected to be completed), the Monitoring Schedule (progress each quarter) and the "
        "Impact Assessment (how each task impacts on the Council priorities). Each quarter, "
        "task officers update the monitoring schedule and heads of service check whether any "
        "further tasks need to be added."
    ),
)
