"""Gap flags: what a manager should look at, each pointing at the exact place to fix.

Every rule is one row of a table (``declare.rules.Rule``, the type every finding's rule is
too): an id, a title, a severity, a sentence for the Guidance sheet, what to do, and a
function from one organisation's plan to its flags. ``RULES`` here are the rules every layout
has; a layout's own are in its package (``LayoutReport.rules``). Adding a rule is adding a
row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

from ..declare import LAYOUTS, Layout
from ..declare.findings import REQUIRED
from ..declare.forms import stale
from ..declare.rules import FINDINGS_BY_ID, MANAGERS, ROUND, Rule
from ..declare.severity import AMBER, RED, Severity
from ..returns import ROW
from ..values import uk
from .plans import Flag, Plan

# The flags that put a file's findings before managers (a partner's feedback has the findings
# themselves), and the one about a return that never came (there is no file to mark up).
FROM_FINDINGS = frozenset({"required-empty", "invalid-value"})
NO_RETURN = "return-missing"
TURNED_DOWN = "return-rejected"  # no usable return: a file of its own came but could not be used
STALE = "return-stale"  # a plan not brought up to date in time
_MISSING_PARTS = {REQUIRED, "missing-label", "missing-column", "missing-table"}


def flag(plan: Plan, rule: str, severity: Severity, message: str, cell: str | None = None) -> Flag:
    """A flag of rule ``rule`` (its id) on ``plan``, saying ``message``, pointing at
    ``cell``, with the rule's words."""
    loaded = plan.loaded
    words = next(r for r in rules_of(plan.layout) if r.id == rule)
    return Flag(
        plan.organisation,
        plan.layout.name,
        severity,
        rule,
        message,
        file=loaded.source.name if loaded else None,
        sheet=loaded.sheet if loaded else None,
        cell=cell,
        rule_title=words.title,
        to_do=words.to_do,
    )


def row_ref(row: dict[str, Any], plan: Plan) -> str:
    """How a sentence starts about one row: ``Action A03``, or ``The action in row 23``."""
    ref = row.get(plan.layout.reference or "")
    noun = plan.layout.hooks.rows().noun
    return f"{noun.title()} {ref}" if ref else f"The {noun} in row {row[ROW] + 1}"


# --- the rules -------------------------------------------------------------------------------


def required_empty(plan: Plan, as_of: date) -> Iterator[Flag]:
    # (only the rows a finding is in: a large round has hundreds of thousands, few of them)
    rows = {f.row for f in plan.findings if f.gap and f.rule in _MISSING_PARTS}
    refs = {row[ROW]: row_ref(row, plan) for row in plan.items if row[ROW] in rows}
    for finding in plan.findings:
        if finding.gap and finding.rule in _MISSING_PARTS:
            what = f"{finding.field or 'A required part'} is missing"
            if finding.row is not None and finding.row in refs:
                what = f"{refs[finding.row]}: {finding.field} is empty"
            elif finding.rule == "missing-table":
                what = f"No {plan.layout.hooks.rows().noun}s table was found"
            elif finding.rule == "missing-label":  # (it says where to add it)
                what = f"{finding.field} is not on the sheet. {finding.message.rstrip('.')}"
            yield flag(plan, "required-empty", finding.gap, f"{what}.", finding.cell)


def invalid_value(plan: Plan, as_of: date) -> Iterator[Flag]:
    for finding in plan.findings:
        if finding.gap and finding.rule not in _MISSING_PARTS:
            yield flag(plan, "invalid-value", AMBER, finding.message, finding.cell)


def _chase(plan: Plan) -> str:
    contact = plan.contact
    return f" Chase {contact}." if contact else ""


def return_missing(plan: Plan, as_of: date) -> Iterator[Flag]:
    if plan.has_return or plan.rejected:
        return
    earlier = "; ".join(why.rstrip(".") for why in plan.out_of_period_said)
    what = f"No return for this round: {earlier}." if earlier else "No return received."
    yield flag(plan, NO_RETURN, RED, f"{what}{_chase(plan)}")


def return_rejected(plan: Plan, as_of: date) -> Iterator[Flag]:
    if plan.has_return:
        return
    for turned_down in plan.rejected:
        said = flag(plan, TURNED_DOWN, RED, f"{turned_down.sentence}{_chase(plan)}")
        yield replace(said, file=turned_down.file)


def return_stale(plan: Plan, as_of: date) -> Iterator[Flag]:
    updated = plan.updated
    interval = plan.layout.interval_days
    if updated is not None and (as_of - updated).days > interval:
        yield flag(
            plan,
            STALE,
            AMBER,
            f"Last updated {uk(updated)}, {(as_of - updated).days} days before {uk(as_of)}; "
            f"updates are due every {interval} days.",
            plan.cell(plan.layout.updated or ""),
        )


def _red_fields(layout: Layout) -> str:
    red = [f.title for f in layout.fields if f.required and f.gap is RED]
    return ", ".join(red) or "none"


RULES: tuple[Rule, ...] = (
    Rule(NO_RETURN, "Return missing", RED,
         "On the register, but no return came this round.",
         "Send this round's return.", return_missing, on_return=ROUND),
    Rule(TURNED_DOWN, "Return rejected", RED,
         "On the register, but the only files of its this round could not be used at all "
         "(each named, with why). A file is its organisation's where its name, its sender or "
         "its contents say so (the Returns Log says how it was matched).",
         "Do what the sentence says, and send the return again.", return_rejected,
         on_return=ROUND),
    Rule("required-empty", "Required field empty", None,
         "A required field, column or table is empty or missing: red for the fields that "
         "matter most ({detail}), amber for the rest.",
         "Fill in what is missing, and send the plan again.", required_empty, _red_fields,
         on_return=MANAGERS),
    Rule("invalid-value", "Value not readable", AMBER,
         "A value could not be read as what the field needs (a date, a number, one of "
         "the list) and has been left out of the counts.",
         "Correct the value in the form the template asks for.", invalid_value,
         on_return=MANAGERS),
    Rule(STALE, "Return stale", AMBER,
         "The date of update is older than the reporting interval ({detail}).",
         "Update the plan and its date of update, and send it.", return_stale,
         lambda layout: f"{layout.interval_days} days", in_template=stale),
)  # fmt: skip


def rules_of(layout: Layout) -> tuple[Rule, ...]:
    """The rules a plan of ``layout`` is checked by: every layout's, then its own."""
    return (*RULES, *layout.hooks.rules())


def every_rule() -> list[tuple[Rule, list[Layout]]]:
    """Every rule once, in the order flags are sorted, with the layouts it applies to."""
    found: dict[str, tuple[Rule, list[Layout]]] = {}
    for layout in LAYOUTS.values():
        for rule in rules_of(layout):
            known, layouts = found.setdefault(rule.id, (rule, []))
            if known is not rule or rule.id in FINDINGS_BY_ID:
                raise ValueError(f"two rules are called {rule.id!r}: give one another id")
            layouts.append(layout)
    return list(found.values())


def flags_for(plan: Plan, as_of: date) -> list[Flag]:
    """Every flag the rules raise for one organisation's plan."""
    return [flag for rule in rules_of(plan.layout) for flag in rule.find(plan, as_of)]


def sort_flags(flags: list[Flag]) -> list[Flag]:
    """Red first, then by rule, organisation and place."""
    order = {rule.id: n for n, (rule, _) in enumerate(every_rule())}
    return sorted(
        flags,
        key=lambda f: (f.severity != RED, order[f.rule], f.organisation.lower(), f.cell or ""),
    )
