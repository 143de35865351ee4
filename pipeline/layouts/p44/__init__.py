"""Priority 44 Partnership Action Plan (seed 000): one workbook per partnership per fortnight.

This package holds all that is particular to it: the declaration here (fields, table,
cadence, roles), its measures (``measures.py``: impact against the reduction needed), its own
flag rules (``rules.py``), the Calendar of Events and its grid (``calendar.py``) and what it
adds to the reports (``report.py``).
"""

from __future__ import annotations

from ...declare.model import ClosedList, Completer, Field, Kind, Layout
from ...declare.progress import ActionProgress
from ...declare.rounds import Cadence
from ...declare.severity import RED

RAG = ClosedList(
    values=("Red", "Amber", "Green"),
    synonyms={"r": "Red", "a": "Amber", "g": "Green", "amber green": "Amber", "red amber": "Red"},
)

CATEGORY = ClosedList(
    values=(
        "Week of Action",
        "DIP/PPO",
        "Enforcement",
        "Prevention",
        "Partnership effectiveness",
        "Communications",
        "Other",
    ),
    synonyms={
        "woa": "Week of Action",
        "weeks of action": "Week of Action",
        "week of actions": "Week of Action",
        "dip": "DIP/PPO",
        "ppo": "DIP/PPO",
        "dip and ppo": "DIP/PPO",
        "drug intervention programme": "DIP/PPO",
        "prolific and priority offenders": "DIP/PPO",
        "enforcement activity": "Enforcement",
        "crime prevention": "Prevention",
        "partnership": "Partnership effectiveness",
        "comms": "Communications",
        "publicity": "Communications",
        "media": "Communications",
    },
)

STATUS = ClosedList(
    values=("Planned", "Ongoing", "Complete", "Evaluation", "Cancelled"),
    colours={"Complete": "Green", "Evaluation": "Green"},
    synonyms={
        "not started": "Planned",
        "scheduled": "Planned",
        "to do": "Planned",
        "future": "Planned",
        "in progress": "Ongoing",
        "on going": "Ongoing",
        "underway": "Ongoing",
        "under way": "Ongoing",
        "started": "Ongoing",
        "live": "Ongoing",
        "active": "Ongoing",
        "done": "Complete",
        "completed": "Complete",
        "finished": "Complete",
        "closed": "Complete",
        "evaluating": "Evaluation",
        "being evaluated": "Evaluation",
        "under evaluation": "Evaluation",
        "evaluated": "Evaluation",
        "canceled": "Cancelled",
        "dropped": "Cancelled",
        "withdrawn": "Cancelled",
        "abandoned": "Cancelled",
    },
)

IMPACT_BASIS = ClosedList(
    values=("Estimated", "Evaluated"),
    synonyms={"estimate": "Estimated", "predicted": "Estimated", "actual": "Evaluated"},
)

HEADER = (
    Field(
        "partnership",
        "Partnership",
        required=True,
        register_column="partnership",
        register_required=True,
        locked=True,
        gap=RED,
        aliases=("Partnership name", "CDRP", "CSP"),
        help="The crime and disorder reduction partnership this plan is for. Pre-filled.",
    ),
    Field(
        "region",
        "Region (Government Office)",
        required=True,
        register_column="region",
        locked=True,
        group=True,
        report_title="Region",
        aliases=("Region", "Government Office", "GO region"),
        help="The Government Office region the partnership is in. Pre-filled.",
    ),
    Field(
        "completed_by",
        "Completed by",
        required=True,
        aliases=("Name", "Completed by name"),
        help="Name of the person completing the plan, so we can add them to the distribution "
        "list. They must have hands-on, up-to-date knowledge of the partnership's activity.",
    ),
    Field("role", "Role", required=True, help="Role of the person completing the plan."),
    Field(
        "agency",
        "Agency",
        required=True,
        aliases=("Organisation",),
        help="Agency of the person completing the plan, e.g. Government Office, Police.",
    ),
    Field(
        "email",
        "Email",
        Kind.EMAIL,
        required=True,
        aliases=("E-mail", "Email address"),
        help="Email address of the person completing the plan.",
    ),
    Field("telephone", "Telephone", aliases=("Phone", "Tel"), help="A number we can call."),
    Field(
        "date_of_update",
        "Date of update",
        Kind.DATE,
        required=True,
        carried=False,
        gap=RED,
        aliases=("Updated", "Date updated", "Last updated"),
        help="The date you last brought this plan up to date. Plans are reviewed fortnightly.",
    ),
    Field(
        "confidence",
        "Overall confidence (RAG)",
        Kind.CHOICE,
        required=True,
        choices=RAG,
        gap=RED,
        aliases=("Overall confidence", "Confidence", "RAG", "Confidence (RAG)"),
        help="Your confidence that this plan will deliver the target: Red, Amber or Green.",
    ),
    Field(
        "baseline",
        "Baseline (BCS comparator crimes)",
        Kind.WHOLE_NUMBER,
        register_column="baseline_crimes",
        locked=True,
        aliases=("Baseline", "BCS comparator crimes"),
        help="BCS comparator crimes in the baseline year. Pre-filled where known.",
    ),
    Field(
        "reduction_target",
        "Reduction target (%)",
        Kind.PERCENT,
        required=True,
        register_column="reduction_target_pct",
        locked=True,
        aliases=("Reduction target", "Target reduction", "Target (%)"),
        help="The percentage reduction in BCS comparator crime to be achieved, e.g. 6.",
    ),
    Field(
        "target_date",
        "Target date",
        Kind.DATE,
        required=True,
        register_column="target_date",
        locked=True,
        period_end=True,
        help="The date by which the reduction is to be achieved. Pre-filled.",
    ),
    Field(
        "definition_of_problem",
        "Definition of problem",
        Kind.LONG_TEXT,
        required=True,
        gap=RED,
        aliases=("Definition of the problem", "Problem definition", "Problem"),
        help="What the problem is that has been identified in your area, how it is manifest and "
        "to what degree; what problem-solving methodology has been used and who was involved "
        "in reaching this conclusion.",
    ),
    Field(
        "risks",
        "Risks and contingency",
        Kind.LONG_TEXT,
        required=True,
        gap=RED,
        aliases=("Risks", "Risks and contingencies", "Risks contingency"),
        help="The risks to the plan and its delivery (those things that might blow you off "
        "course, such as the loss of key personnel, the lack of a particular skill, the "
        "non co-operation of a key partner) and the contingency plans you have to fight these "
        "risks, including how to move from red to amber to green.",
    ),
)

COLUMNS = (
    Field(
        "ref",
        "Ref",
        required=True,
        aliases=("Reference", "Ref no", "Action ref", "No"),
        width=8,
        help="A stable reference for the action (A01, A02, ...). Keep the reference of an action "
        "the same from one update to the next; pre-filled for actions carried forward.",
    ),
    Field(
        "action",
        "Action",
        required=True,
        aliases=("Action / milestone", "Actions", "Action or milestone", "Description"),
        width=40,
        help="A succinct summary of a major action or milestone (not a running commentary).",
    ),
    Field(
        "category",
        "Category",
        Kind.CHOICE,
        required=True,
        choices=CATEGORY,
        aliases=("Type", "Action type"),
        width=22,
        help="What kind of action this is. Weeks of Action always appear in the Calendar of "
        "Events.",
    ),
    Field("lead_agency", "Lead agency", aliases=("Agency",), width=16, help="Agency leading it."),
    Field(
        "lead_officer",
        "Lead officer",
        required=True,
        aliases=("Owner", "Lead", "Action owner"),
        width=18,
        help="The person who owns this action.",
    ),
    Field(
        "start_date",
        "Start date",
        Kind.DATE,
        required=True,
        aliases=("Start", "Date", "Date from"),
        width=12,
        help="When the action starts (or started).",
    ),
    Field(
        "end_date",
        "End date",
        Kind.DATE,
        period_end=True,
        aliases=("End", "Completion date", "Date to", "Due date"),
        width=12,
        help="When the action ends. Leave blank for open-ended work.",
    ),
    Field(
        "status",
        "Status",
        Kind.CHOICE,
        required=True,
        choices=STATUS,
        width=12,
        help="Where the action is now: Planned, Ongoing, Complete, Evaluation or Cancelled.",
    ),
    Field(
        "estimated_impact",
        "Estimated impact (crimes)",
        Kind.WHOLE_NUMBER,
        required=True,
        report_title="Estimated impact",
        aliases=("Estimated impact", "Est impact (crimes)", "Est impact", "Impact"),
        width=12,
        help="How many crimes you expect this action to prevent: 'we are doing A because we "
        "think B will happen'. Once evaluated, the impact you assess it has had.",
    ),
    Field(
        "impact_basis",
        "Impact basis",
        Kind.CHOICE,
        choices=IMPACT_BASIS,
        width=12,
        help="Estimated (predicted) or Evaluated (assessed after the event).",
    ),
    Field(
        "calendar_event",
        "Calendar event",
        Kind.YES_NO,
        aliases=("Calendar", "In calendar"),
        width=10,
        help="Yes for events that belong in the Calendar of Events.",
    ),
    Field(
        "notes",
        "Notes / evaluation",
        Kind.LONG_TEXT,
        aliases=("Notes", "Evaluation", "Comments"),
        width=40,
        help="Anything else: progress, evaluation findings, links to evidence.",
    ),
)

LAYOUT = Layout(
    name="p44",
    short_title="Priority 44",
    title="Priority 44 Partnership Action Plan",
    sheet="Action Plan",
    header=HEADER,
    columns=COLUMNS,
    key="partnership",
    cadence=Cadence.FORTNIGHT,
    confidence_key="confidence",
    reference="ref",
    named_by="action",
    updated="date_of_update",
    completer=Completer("completed_by", "email", ("role", "agency", "telephone")),
    progress=ActionProgress(
        status="status",
        due="end_date",
        statuses=STATUS.values,
        complete=frozenset({"Complete", "Evaluation"}),
        finished=frozenset({"Complete", "Evaluation", "Cancelled"}),
        live=frozenset({"Planned", "Ongoing"}),
    ),
    guidance=(
        "The Partnership Action Plan is a summary of the problem-solving approach taken in "
        "your partnership and the resulting actions and estimated impact. Record the major "
        "actions and milestones only, past and future; once completed fully the first time, "
        "an update may be as simple as adding any new actions and changing the status of "
        "others. Updates are requested every fortnight."
    ),
)
