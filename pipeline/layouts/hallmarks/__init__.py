"""Hallmarks self-assessment (seed 003): a partnership's review of itself against the Home
Office's six Hallmarks of Effective Partnerships, and its own action plan for the gaps. One
workbook per partnership, when reviewed (at least yearly).

This package holds all that is particular to it: the declaration here (fields, table,
cadence, roles), the requirements list every template starts with (``requirements.csv``,
read by ``requirements.py``; how it was transcribed: ``requirements-notes.md``), its measures
and summary (``measures.py``), its own flag rules (``rules.py``) and what it adds to the
reports (``report.py``: the Hallmarks matrix and the further actions).
"""

from __future__ import annotations

from ...declare.model import ClosedList, Completer, Field, Kind, Layout
from ...declare.progress import ActionProgress
from ...declare.rounds import Cadence
from ...declare.severity import RED

HALLMARK = ClosedList(
    values=(
        "Empowered and Effective Leadership",
        "Visible and Constructive Accountability",
        "Intelligence-led Business Processes",
        "Effective and Responsive Delivery Structures",
        "Engaged Communities",
        "Appropriate Skills and Knowledge",
    ),
    synonyms={
        "leadership": "Empowered and Effective Leadership",
        "effective leadership": "Empowered and Effective Leadership",
        "accountability": "Visible and Constructive Accountability",
        "intelligence led": "Intelligence-led Business Processes",
        "business processes": "Intelligence-led Business Processes",
        "delivery structures": "Effective and Responsive Delivery Structures",
        "effective and responsible delivery structures": "Effective and Responsive Delivery "
        "Structures",  # (the seed's own spelling)
        "effective delivery structures": "Effective and Responsive Delivery Structures",
        "community engagement": "Engaged Communities",
        "communities": "Engaged Communities",
        "skills and knowledge": "Appropriate Skills and Knowledge",
        "skills": "Appropriate Skills and Knowledge",
    },
)
TYPE = ClosedList(values=("Statutory", "Advice"), synonyms={"statute": "Statutory",
                  "statutory requirement": "Statutory", "guidance": "Advice"})  # fmt: skip
ASSESSMENT = ClosedList(
    values=("In place", "Working towards", "Gap"),
    colours={"In place": "Green", "Working towards": "Amber", "Gap": "Red"},
    synonyms={
        "yes": "In place",
        "met": "In place",
        "done": "In place",
        "adopted": "In place",
        "partly": "Working towards",
        "partial": "Working towards",
        "partially": "Working towards",
        "partly in place": "Working towards",
        "working toward": "Working towards",
        "in progress": "Working towards",
        "developing": "Working towards",
        "no": "Gap",
        "not in place": "Gap",
        "not met": "Gap",
        "gap identified": "Gap",
    },
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
        aliases=("Partnership name", "CDRP", "Community Safety Partnership"),
        width=30,
        help="The partnership reviewing itself. Pre-filled.",
    ),
    Field(
        "completed_by",
        "Completed by",
        required=True,
        aliases=("Reviewed by", "Name"),
        help="Who led the review, for questions about it.",
    ),
    Field(
        "email",
        "Email",
        Kind.EMAIL,
        required=True,
        aliases=("Email address", "E-mail"),
        help="Their email address.",
    ),
    Field(
        "date_of_review",
        "Date of review",
        Kind.DATE,
        required=True,
        gap=RED,
        carried=False,
        aliases=("Review date", "Date reviewed", "Date of self-assessment"),
        help="The date the partnership reviewed itself against the Hallmarks. Review at least "
        "once a year.",
    ),
)
REGISTER_ONLY = (Field("region", "Region", register_column="region", group=True),)

COLUMNS = (
    Field(
        "ref",
        "Ref",
        required=True,
        locked=True,
        aliases=("Reference", "Item", "No."),
        width=6,
        help="The guidance item's number and letter, e.g. 2c. Pre-filled.",
    ),
    Field(
        "section",
        "Section",
        locked=True,
        aliases=("Heading",),
        width=18,  # (in the managers' workbook, where it is a column)
        heading=True,  # a heading row over its requirements: the plan prints in fewer pages
        help="The guidance heading the requirement sits under. Pre-filled.",
    ),
    Field(
        "type",
        "Type",
        Kind.CHOICE,
        required=True,
        choices=TYPE,
        locked=True,
        aliases=("Statutory or advice",),
        width=9,
        help="Statutory (the partnership must have it in place) or Advice. Pre-filled.",
    ),
    Field(
        "hallmark",
        "Hallmark",
        Kind.CHOICE,
        required=True,
        choices=HALLMARK,
        locked=True,
        width=21,
        help="Which of the six Hallmarks of Effective Partnerships the requirement belongs "
        "to. Pre-filled.",
    ),
    Field(
        "requirement",
        "Requirement",
        Kind.LONG_TEXT,
        required=True,
        locked=True,
        aliases=("Detail", "Question"),
        width=50,
        help="What the guidance asks of the partnership. Pre-filled.",
    ),
    Field(
        "position",
        "Partnership position (and date)",
        Kind.LONG_TEXT,
        aliases=("Partnership position", "Position", "Current position"),
        width=26,
        help="What the partnership does now, and since when. Needed for every Statutory "
        "requirement.",
    ),
    Field(
        "assessment",
        "Assessment",
        Kind.CHOICE,
        required=True,
        choices=ASSESSMENT,
        aliases=("Self-assessment", "Rating", "Status"),
        width=13,
        help="In place, Working towards, or Gap.",
    ),
    Field(
        "further_action",
        "Further action",
        Kind.LONG_TEXT,
        aliases=("Further actions", "Action point", "Action"),
        width=16,
        help="What will be done about the requirement. Needed for every Gap, and for every "
        "Statutory requirement not yet in place.",
    ),
    Field(
        "owner",
        "Owner",
        aliases=("Action owner", "Lead", "Responsible"),
        width=10,
        help="Who owns the further action. Needed with every further action.",
    ),
    Field(
        "target_date",
        "Target date",
        Kind.DATE,
        aliases=("Target", "By when", "Deadline", "Due date"),
        width=11,
        help="When the further action will be done. Needed with every further action.",
    ),
)

LAYOUT = Layout(
    name="hallmarks",
    short_title="Hallmarks",
    title="Hallmarks of Effective Partnerships: Self-Assessment",
    sheet="Self-Assessment",
    header=HEADER,
    columns=COLUMNS,
    key="partnership",
    template_version=2,  # 2: each section a heading row over its requirements (1: a column)
    cadence=Cadence.YEAR,
    reference="ref",
    named_by="requirement",
    updated="date_of_review",
    completer=Completer("completed_by", "email"),
    register_only=REGISTER_ONLY,
    progress=ActionProgress(
        status="assessment",
        due="target_date",
        statuses=ASSESSMENT.values,
        complete=frozenset({"In place"}),
        finished=frozenset({"In place"}),
        live=frozenset({"Working towards", "Gap"}),
    ),
    guidance=(
        "The self-assessment reviews the partnership against every requirement of the Home "
        "Office's six Hallmarks of Effective Partnerships, Statutory and Advice, listed below "
        "as the guidance numbers them. For each, say what the partnership does now (its "
        "position, and since when) and assess it: In place, Working towards, or Gap. For every "
        "Gap, and every Statutory requirement not yet in place, give the further action, its "
        "owner and target date. Review at least once a year."
    ),
)
