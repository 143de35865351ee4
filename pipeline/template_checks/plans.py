"""The in-template forms of the layouts' own gap-flag rules (each layout's ``rules.py``), keyed
by rule id. Each is its rule's test written as a formula: the same statuses, dates and fields,
read from the layout's declaration where it says them (its progress rule's due date, status
and finished statuses), so that the template flags what the pipeline would.

These forms name the fields their rules name; they are kept here, beside one another, until
they join their rules in the layouts' packages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..layouts import Layout
from ..travel import RANK, RED_SHARE_OVERDUE
from .checks import Check
from .terms import Terms, both, quoted

LOOK_AHEAD_DAYS = 28  # the Priority 44 plan's four weeks (a test holds it to its rule's)
STATUTORY, SIGNIFICANT = "Statutory", "Significant"  # (the words the rules compare with)
Forms = Callable[[Layout], Iterator[Check]]


# --- what a row's status says, by the layout's progress rule ---------------------------------


def _statuses(layout: Layout, which: str) -> tuple[str, ...]:
    """The layout's statuses in one of its progress rule's sets, in their declared order."""
    progress = layout.progress
    chosen = getattr(progress, which)
    return tuple(s for s in progress.statuses if s in chosen)


def overdue(layout: Layout, t: Terms) -> str:
    """TRUE where this row's due date has passed and its status is not a finished one (a
    blank or unreadable status is not)."""
    due, status = t(layout.progress.due_field), layout.progress.status
    finished = t.one_of(status, _statuses(layout, "finished"))
    return f"IF(ISNUMBER({due}),AND({due}<TODAY(),NOT({finished})),FALSE)"


def _overdue(rule: str, says: str) -> Forms:
    def form(layout: Layout) -> Iterator[Check]:
        yield Check(rule, layout.progress.due_field, lambda t: overdue(layout, t), says)

    return form


# --- a plan by quarters: its statuses, quarter by quarter -------------------------------------


def _quarters(layout: Layout) -> list[str]:
    return [f.name for f in layout.columns if f.quarter is not None]


def _start(layout: Layout, t: Terms) -> tuple[str, str]:
    """The defined names of (TRUE where the plan start is a year, the quarter of the plan
    today falls in: 0 where the plan start is not known)."""

    def known(u: Terms) -> str:
        s = u(layout.plan_start or "")
        return f"IF(ISNUMBER({s}),AND({s}=INT({s}),{s}>=1990,{s}<=2100),FALSE)"

    def now(u: Terms) -> str:
        s = u(layout.plan_start or "")
        return f"IF({u.named('known', known)},INT(((YEAR(TODAY())-{s})*12+MONTH(TODAY())-4)/3)+1,0)"

    return t.named("known", known), t.named("now", now)


def latest(layout: Layout, t: Terms) -> str:
    """This row's latest status given, of the quarters up to today's (all twelve where the plan
    start is not known); "" where none is. An unreadable status is not given."""
    quarters = _quarters(layout)
    span = t.span(quarters[0], quarters[-1])

    def upto(u: Terms) -> str:  # the column after the last quarter given so far
        known, now = _start(layout, u)
        n = len(quarters)
        return f"{u.column(quarters[0])}+IF({known},MAX(0,MIN({now},{n})),{n})"

    statuses = t.list_of(layout.progress.statuses)
    return (f"IFERROR(LOOKUP(2,1/(COUNTIF({statuses},TRIM({span}))*(COLUMN({span})<"
            f'{t.named("upto", upto)})),{span}),"")')  # fmt: skip


def _latest_in(layout: Layout, t: Terms, which: str) -> str:
    """TRUE where this row's latest status is one of its progress rule's set ``which``."""
    return f"COUNTIF({t.list_of(_statuses(layout, which))},TRIM({latest(layout, t)}))>0"


def task_overdue(layout: Layout) -> Iterator[Check]:
    """A task whose completion quarter has ended and whose latest status is not finished."""
    q = layout.progress.due_field

    def when(t: Terms) -> str:
        known, now = _start(layout, t)
        due = f"IF(ISNUMBER({t(q)}),AND({t(q)}>=1,{t(q)}<13,INT({t(q)})<{now}),FALSE)"
        return f"AND({known},{due},NOT({_latest_in(layout, t, 'finished')}))"

    yield Check("task-overdue", q, when, "{title} has passed and the task is not finished")


def quarter_not_updated(layout: Layout) -> Iterator[Check]:
    """Open tasks with no status for this quarter: the quarter's title cell, as the flag
    points at it."""
    quarters = _quarters(layout)

    def not_updated(t: Terms) -> str:
        _, now = _start(layout, t)
        this = f"INDEX({t.span(quarters[0], quarters[-1])},{now})"
        given = f"COUNTIF({t.list_of(layout.progress.statuses)},TRIM({this}))>0"
        return (f"IF(AND({now}>=1,{now}<={len(quarters)}),IF(AND({t.used},NOT("
                f"{_latest_in(layout, t, 'finished')}),NOT({given})),1,0),0)")  # fmt: skip

    for n, name in enumerate(quarters, start=1):

        def when(t: Terms, n: int = n) -> str:
            _, now = _start(layout, t)
            return f"AND({now}={n},{t.total('not_updated', not_updated)}>0)"

        yield Check("quarter-not-updated", name, when, "{title} has no status for some open "
                    "tasks", at_title=True)  # fmt: skip


def delayed_without_report(layout: Layout) -> Iterator[Check]:
    """A task Delayed or No longer relevant (delayed, or finished but not complete) with no
    progress report."""
    delayed = _statuses(layout, "delayed")
    closed = tuple(s for s in _statuses(layout, "finished") if s not in layout.progress.complete)

    def when(t: Terms) -> str:
        given = f"COUNTIF({t.list_of(delayed + closed)},TRIM({latest(layout, t)}))>0"
        return both(t.blank("progress_report"), given)

    yield Check(
        "delayed-without-report",
        "progress_report",
        when,
        f"{{title}} is empty while the task is {' or '.join(delayed + closed)}",
    )


def significant_delayed(layout: Layout) -> Iterator[Check]:
    """A Delayed task significant for a Council Plan priority."""
    priorities = [f.name for f in layout.columns if f.name.startswith("cp")]

    def when(t: Terms) -> str:
        marked = (
            f"SUMPRODUCT(--(TRIM({t.span(priorities[0], priorities[-1])})={quoted(SIGNIFICANT)}))>0"
        )
        return both(_latest_in(layout, t, "delayed"), marked)

    yield Check(
        "significant-delayed",
        layout.reference,
        when,
        "is Delayed and significant for a Council Plan priority",
    )


# --- the Priority 44 plan ----------------------------------------------------------------------


def red_without_contingency(layout: Layout) -> Iterator[Check]:
    """Overall confidence Red, and Risks and contingency empty."""
    yield Check("red-without-contingency", "risks",
                lambda t: both(f'TRIM({t("confidence")})="Red"', t.blank("risks")),
                "{title} is empty while the confidence is Red")  # fmt: skip


def _rows(t: Terms) -> str:
    return t.total("rows", lambda u: f"IF({u.used},1,0)")


def confidence_check(layout: Layout) -> Iterator[Check]:
    """A stated confidence better than the actions' own (``travel.delivery``: more than a
    quarter overdue reads as Red, any as Amber)."""

    def when(t: Terms) -> str:
        rows = _rows(t)
        late = t.total("overdue", lambda u: f"IF({overdue(layout, u)},1,0)")
        stated = f"TRIM({t('confidence')})"
        green, amber = (w for w, _ in sorted(RANK.items(), key=lambda i: -i[1])[:2])
        return (f"AND({rows}>0,OR(AND({stated}={quoted(green)},{late}>0),AND({stated}="
                f"{quoted(amber)},{late}>{rows}*{RED_SHARE_OVERDUE})))")  # fmt: skip

    yield Check("confidence-check", "confidence", when,
                "{title} is better than the plan's own actions say")  # fmt: skip


def impact_shortfall(layout: Layout) -> Iterator[Check]:
    """Live and delivered actions' estimated impact short of baseline x reduction target %
    (rounded)."""
    counted = _statuses(layout, "live") + _statuses(layout, "complete")

    def impact(u: Terms) -> str:
        x = u("estimated_impact")
        return (f"IF(AND({u.one_of(layout.progress.status, counted)},"
                f"IF(ISNUMBER({x}),AND({x}>=0,{x}=INT({x})),FALSE)),{x},0)")  # fmt: skip

    def when(t: Terms) -> str:
        b, p = t("baseline"), t("reduction_target")
        total = t.total("impact", impact)
        return (f"IF(AND(ISNUMBER({b}),ISNUMBER({p})),AND({b}>=0,{b}=INT({b}),{p}>0,{p}<=100,"
                f"ROUND({b}*{p}/100,0)>{total}),FALSE)")  # fmt: skip

    yield Check(
        "impact-shortfall",
        "reduction_target",
        when,
        "{title} is more than the actions' estimated impact achieves",
    )


def nothing_planned_ahead(layout: Layout) -> Iterator[Check]:
    """No live action in the next four weeks (a blank or unreadable date reads as open)."""
    live = _statuses(layout, "live")

    def ahead(u: Terms) -> str:
        start, end = u("start_date"), u("end_date")
        return (f"IF(AND({u.one_of(layout.progress.status, live)},IF(ISNUMBER({start}),"
                f"{start}<=TODAY()+{LOOK_AHEAD_DAYS},TRUE),IF(ISNUMBER({end}),{end}>=TODAY(),"
                f"TRUE)),1,0)")  # fmt: skip

    yield Check(
        "nothing-planned-ahead",
        None,
        lambda t: f"{t.total('ahead', ahead)}=0",
        "No Planned or Ongoing action falls in the next four weeks",
    )


# --- the delivery plan ---------------------------------------------------------------------------


def _quarter_index(q: str) -> str:
    return f"LEFT({q},4)*4+RIGHT({q},1)"


def quarter_not_this_round(layout: Layout) -> Iterator[Check]:
    """A Quarter later than today's (an earlier one is an earlier round's: ``rounds``)."""
    from .values import fy_quarter

    def when(t: Terms) -> str:
        q = f"TRIM({t('quarter')})"
        today = "(YEAR(TODAY())-(MONTH(TODAY())<4))*4+INT(MOD(MONTH(TODAY())-4,12)/3)+1"
        return f"IF({fy_quarter(q)},{_quarter_index(q)}>{today},FALSE)"

    yield Check("quarter-not-this-round", "quarter", when, "{title} is later than this quarter")


def rag_without_commentary(layout: Layout) -> Iterator[Check]:
    """A Red or Amber action with no progress commentary."""
    words = ("Red", "Amber")
    yield Check("rag-without-commentary", "commentary",
                lambda t: both(t.one_of(layout.progress.status, words), t.blank("commentary")),
                "{title} is empty while the action is Red or Amber")  # fmt: skip


# --- the Hallmarks self-assessment ---------------------------------------------------------------


def _statutory(t: Terms) -> str:
    return f"TRIM({t('type')})={quoted(STATUTORY)}"


def statutory_gap_without_action(layout: Layout) -> Iterator[Check]:
    """A Statutory requirement assessed, not in place, with no further action."""
    open_ = tuple(s for s in layout.progress.statuses if s not in layout.progress.finished)
    yield Check("statutory-gap-no-action", "further_action",
                lambda t: both(_statutory(t), t.one_of(layout.progress.status, open_),
                               t.blank("further_action")),
                "{title} is empty for a Statutory requirement not in place")  # fmt: skip


def gap_without_action(layout: Layout) -> Iterator[Check]:
    """Another requirement assessed as a Gap with no further action."""
    yield Check("gap-without-action", "further_action",
                lambda t: both(f"NOT({_statutory(t)})", t.one_of(layout.progress.status,
                               ("Gap",)), t.blank("further_action")),
                "{title} is empty for a Gap")  # fmt: skip


def statutory_without_position(layout: Layout) -> Iterator[Check]:
    """A Statutory requirement with no partnership position."""
    yield Check("statutory-without-position", "position",
                lambda t: both(_statutory(t), t.blank("position")),
                "{title} is empty for a Statutory requirement")  # fmt: skip


def action_without_owner(layout: Layout) -> Iterator[Check]:
    """A further action with no owner (said at the owner's cell), else no target date."""
    yield Check("action-without-owner", "owner",
                lambda t: both(t.filled("further_action"), t.blank("owner")),
                "{title} is empty for a further action")  # fmt: skip
    yield Check("action-without-owner", "target_date",
                lambda t: both(t.filled("further_action"), t.filled("owner"),
                               f"NOT({t.is_date('target_date')})"),
                "{title} is not given for a further action")  # fmt: skip


FORMS: dict[str, Forms] = {
    "red-without-contingency": red_without_contingency,
    "confidence-check": confidence_check,
    "action-overdue": _overdue("action-overdue", "{title} has passed and the action is not "
                               "finished"),
    "impact-shortfall": impact_shortfall,
    "nothing-planned-ahead": nothing_planned_ahead,
    "task-overdue": task_overdue,
    "quarter-not-updated": quarter_not_updated,
    "delayed-without-report": delayed_without_report,
    "significant-delayed": significant_delayed,
    "quarter-not-this-round": quarter_not_this_round,
    "rag-without-commentary": rag_without_commentary,
    "past-target-date": _overdue("past-target-date", "{title} has passed and the action is not "
                                 "Complete"),
    "statutory-gap-no-action": statutory_gap_without_action,
    "gap-without-action": gap_without_action,
    "statutory-without-position": statutory_without_position,
    "action-without-owner": action_without_owner,
    "action-past-target": _overdue("action-past-target", "{title} has passed and the "
                                   "requirement is not in place"),
}  # fmt: skip
