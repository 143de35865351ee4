"""Police and Crime Plan delivery plan (seed 004): the actions behind a Police and Crime Plan,
one workbook per theme lead or partner organisation per quarter, reported to the Board with a
RAG delivery status and its direction of travel (the Panel asked for it).

This package holds all that is particular to it: the declaration here (fields, table,
cadence, roles), its measures and direction of travel (``measures.py``), its own flag rules
(``rules.py``) and what it adds to the reports (``report.py``: the Delivery Plan by theme and
the Board summary).
"""

from __future__ import annotations

from ...declare.model import ClosedList, Field, Kind, Layout
from ...declare.progress import ActionProgress
from ...declare.rounds import Cadence
from ...declare.severity import RED

THEME = ClosedList(
    values=("Victims", "Offenders", "Communities", "Transformation"),
    synonyms={
        "victim": "Victims",
        "offender": "Offenders",
        "community": "Communities",
        "transform": "Transformation",
    },
)
RAG_STATUS = ClosedList(
    values=("Red", "Amber", "Green", "Complete"),
    colours={"Complete": "Green"},
    synonyms={
        "r": "Red",
        "a": "Amber",
        "g": "Green",
        "completed": "Complete",
        "done": "Complete",
        "c": "Complete",
        "blue": "Complete",
    },
)
DIRECTION = ClosedList(
    values=("Improving", "No change", "Worsening"),
    colours={"Improving": "Green", "Worsening": "Red"},
    synonyms={
        "up": "Improving",
        "better": "Improving",
        "improved": "Improving",
        "same": "No change",
        "unchanged": "No change",
        "stable": "No change",
        "static": "No change",
        "down": "Worsening",
        "worse": "Worsening",
        "deteriorating": "Worsening",
        "↑": "Improving",
        "↓": "Worsening",
        "→": "No change",
    },
)

HEADER = (
    Field(
        "organisation",
        "Organisation",
        required=True,
        register_column="organisation",
        register_required=True,
        locked=True,
        gap=RED,
        aliases=("Partner organisation", "Organisation name"),
        width=30,
        help="The theme lead's or partner organisation this delivery plan is for. Pre-filled.",
    ),
    Field(
        "theme_lead",
        "Theme lead",
        required=True,
        register_column="theme_lead",
        aliases=("Lead", "Theme owner"),
        help="Who leads this organisation's part of the Plan, and answers for it to the Board.",
    ),
    Field(
        "quarter",
        "Quarter",
        Kind.FY_QUARTER,
        required=True,
        aliases=("Reporting quarter", "Period"),
        help="The financial year and quarter this update is for, as the Board writes it.",
    ),
    Field(
        "date_of_update",
        "Date of update",
        Kind.DATE,
        required=True,
        gap=RED,
        carried=False,
        aliases=("Updated", "Date updated", "Last updated"),
        help="The date you brought the delivery plan up to date. Updates go to the Board every "
        "quarter.",
    ),
)
# where a register has one
REGISTER_ONLY = (Field("theme", "Theme", register_column="theme", group=True),)

COLUMNS = (
    Field(
        "ref",
        "Ref",
        required=True,
        aliases=("Reference", "ID", "Action ref"),
        width=8,
        help="A stable reference for the action (V01, O02, ...). Keep it the same from one "
        "quarter to the next; pre-filled for actions carried forward.",
    ),
    Field(
        "theme",
        "Theme",
        Kind.CHOICE,
        required=True,
        choices=THEME,
        width=14,
        help="The Plan's theme the action serves: Victims, Offenders, Communities or "
        "Transformation.",
    ),
    Field(
        "shared_outcome",
        "Shared outcome",
        aliases=("Outcome",),
        width=24,
        help="The theme's shared outcome the action contributes to.",
    ),
    Field(
        "objective",
        "Objective",
        required=True,
        aliases=("Objective or priority for action", "Priority for action", "Priority"),
        width=28,
        help="The objective or priority for action the action delivers.",
    ),
    Field("action", "Action", required=True, width=40, help="What is being done."),
    Field(
        "lead_organisation",
        "Lead organisation",
        required=True,
        aliases=("Lead agency", "Lead org"),
        width=18,
        help="The organisation leading the action.",
    ),
    Field(
        "lead_officer",
        "Lead officer",
        required=True,
        aliases=("Owner", "Lead"),
        width=18,
        help="The person who owns the action.",
    ),
    Field(
        "target_date",
        "Target date",
        Kind.DATE,
        required=True,
        aliases=("Target", "Due date", "Deadline"),
        width=12,
        help="When the action is to be delivered.",
    ),
    Field(
        "rag_status",
        "RAG status",
        Kind.CHOICE,
        required=True,
        choices=RAG_STATUS,
        aliases=("RAG", "Status", "Delivery status", "RAG delivery status"),
        width=10,
        help="Where delivery stands: Red, Amber, Green, or Complete once delivered.",
    ),
    Field(
        "direction",
        "Direction of travel",
        Kind.CHOICE,
        choices=DIRECTION,
        aliases=("Direction", "DoT", "Trend"),
        width=12,
        help="How the RAG status has moved since last quarter, as you see it: Improving, No "
        "change or Worsening. The pipeline also works it out from last quarter's return.",
    ),
    Field(
        "commentary",
        "Progress commentary",
        Kind.LONG_TEXT,
        aliases=("Commentary", "Progress", "Comments", "Update"),
        width=40,
        help="What has happened this quarter. Needed for every Red or Amber action: why, and "
        "what is being done about it.",
    ),
)

LAYOUT = Layout(
    name="pcc_delivery",
    short_title="PCC delivery",
    title="Police and Crime Plan Delivery Plan",
    sheet="Delivery Plan",
    header=HEADER,
    columns=COLUMNS,
    key="organisation",
    cadence=Cadence.QUARTER,
    reference="ref",
    named_by="action",
    updated="date_of_update",
    period="quarter",
    contact_fallback="theme_lead",
    register_only=REGISTER_ONLY,
    progress=ActionProgress(
        status="rag_status",
        due="target_date",
        statuses=RAG_STATUS.values,
        complete=frozenset({"Complete"}),
        finished=frozenset({"Complete"}),
        live=frozenset({"Red", "Amber", "Green"}),
    ),
    guidance=(
        "The delivery plan captures the activity that delivers the Police and Crime Plan, "
        "theme by theme: for each action, its objective, who leads it, its target date, its "
        "RAG delivery status and the direction of travel of that status since last quarter. "
        "Give a progress commentary for every Red or Amber action. Updates go to the Business "
        "Co-ordination Board every quarter."
    ),
)
