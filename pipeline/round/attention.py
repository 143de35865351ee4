"""Who needs attention this round, and why, in words: the fortnightly meeting's first question
(seed 002). An organisation is on the list when it sent no usable return, its position is Red,
its direction is worsening, or it has a red flag or a flag of a rule that asks for attention
(a rule with ``brief`` words: an impact shortfall, a confidence its actions do not bear out).
The list is most serious first; each organisation's reasons are most serious first.

Every reason is a row of ``REASONS``: how serious it is and how it is said of a plan (None
where it does not apply). The words come from the plan's own measures and flags, so a figure
said here is the one the Overview shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..declare.severity import RED, Severity
from .flags import NO_RETURN, TURNED_DOWN, every_rule, rules_of
from .plans import Consolidation, Plan
from .travel import WORSENING

SHOWN_REASONS = 3  # reasons given for each organisation (the rest are on its sheet)
SHORT_MESSAGE = 60  # a flag's own sentence up to this long is its reason


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def no_return(plan: Plan) -> str | None:
    """No usable return this round (and why, where its file was turned down, or was last
    period's)."""
    if plan.has_return:
        return None
    if plan.rejected:
        return "no usable return: its file was turned down"
    if plan.out_of_period:
        return f"last period's return only ({plan.out_of_period[0][1]})"
    return "no return"


def red_position(plan: Plan) -> str | None:
    """Its position is Red: stated, or as its rows judge it where it states none."""
    if not plan.has_return or plan.position != "Red":
        return None
    if plan.layout.confidence_key:
        return "says Red"
    return f"its {plan.layout.hooks.rows().noun}s say Red"


def worsening(plan: Plan) -> str | None:
    """Its position is worse than at its last round with a return."""
    if plan.direction != WORSENING:
        return None
    return f"worsening ({plan.previous_position} to {plan.position})"


def flagged(severity: Severity) -> Callable[[Plan], list[str]]:
    """Its flags of each rule of ``severity`` that counts towards attention, in words: the
    rule's ``brief`` where it has one, else its title (with how many); amber rules only when
    they have ``brief`` words."""

    def said(plan: Plan) -> list[str]:
        words = []
        for rule in rules_of(plan.layout):
            if rule.id in (NO_RETURN, TURNED_DOWN):
                continue  # said by no_return
            mine = [f for f in plan.flags if f.rule == rule.id and f.severity == severity]
            if not mine or (severity != RED and rule.brief is None):
                continue
            if rule.brief is not None:
                words.append(rule.brief(plan))
            elif len(mine) == 1 and len(mine[0].message) <= SHORT_MESSAGE:
                words.append(mine[0].message.rstrip("."))  # one flag says it best
            else:
                words.append(rule.title + (f" ({len(mine)})" if len(mine) > 1 else ""))
        return words

    return said


def overdue(plan: Plan) -> str | None:
    """How many of its rows are overdue (a reason given, not one that lists it alone)."""
    n = plan.figure("overdue") if plan.has_return else None
    return f"{_plural(n, plan.layout.hooks.rows().noun)} overdue" if n else None


@dataclass(frozen=True)
class Reason:
    """One reason an organisation needs attention: whether it lists the organisation by
    itself, and its words for a plan (one, several or none). ``REASONS`` are in order of how
    serious they are."""

    lists: bool
    said: Callable[[Plan], str | list[str] | None]

    def of(self, plan: Plan) -> list[str]:
        """Its words for ``plan`` (none where it does not apply)."""
        words = self.said(plan)
        return [] if not words else [words] if isinstance(words, str) else list(words)


REASONS: tuple[Reason, ...] = (
    Reason(True, no_return),
    Reason(True, red_position),
    Reason(True, worsening),
    Reason(True, flagged(RED)),
    Reason(True, flagged("amber")),
    Reason(False, overdue),
)


@dataclass(frozen=True)
class Attention:
    """One organisation on the Needs attention list."""

    plan: Plan
    reasons: tuple[str, ...]  # most serious first
    # how many reasons of each row of ``REASONS`` it has: the list is sorted by these, most
    # serious row first, so that one no-return outranks any number of lesser reasons
    counts: tuple[int, ...] = ()

    @property
    def why(self) -> str:
        """Its main reasons, as one sentence."""
        shown = "; ".join(self.reasons[:SHOWN_REASONS])
        more = len(self.reasons) - SHOWN_REASONS
        return shown + (f"; and {more} more" if more > 0 else "")


def needs_attention(c: Consolidation) -> list[Attention]:
    """Every organisation needing attention this round, in the order the caption
    (``ORDER``) says: by its most serious reason (no return, then Red, worsening, red flags,
    the amber flags that ask for attention, overdue rows), then by how many of each, then by
    name. A Green that is worsening never comes above a Red."""
    found = []
    for plan in c.plans:
        reasons, listed, counts = [], False, []
        for reason in REASONS:
            words = reason.of(plan)
            counts.append(len(words))
            reasons += words
            listed = listed or (reason.lists and bool(words))
        if listed:
            found.append(Attention(plan, tuple(reasons), tuple(counts)))
    return sorted(found, key=lambda a: (tuple(-n for n in a.counts), a.plan.organisation.lower()))


ORDER = (
    "no return, then Red, then worsening, then red flags, then the amber flags that ask "
    "for attention, then overdue rows; within each, the most reasons first, then by name"
)


HEADLINES: tuple[tuple[str, Callable[[Plan], bool]], ...] = (
    ("Red", lambda p: red_position(p) is not None),
    ("No return", lambda p: not p.has_return),
    ("Worsening", lambda p: p.direction == WORSENING),
    ("With overdue {rows}", lambda p: bool(p.has_return and p.figure("overdue"))),
    ("With red flags", lambda p: p.red_flags > 0),
)


def means() -> str:
    """Who is on the Needs attention list, and in what order, for the Guidance sheet."""
    amber = [rule.title for rule, _ in every_rule() if rule.brief and rule.severity != RED]
    also = f", or a flag of {' or '.join(amber)}" if amber else ""
    return (
        "An organisation with no usable return, a Red position (stated, or as its rows judge "
        f"it), a worsening direction, a red flag{also}. Sorted by its most serious reason: "
        f"{ORDER}. Each is shown with its first {SHOWN_REASONS} reasons."
    )


def headlines(c: Consolidation) -> list[tuple[str, int]]:
    """The round's headline figures: how many organisations are Red, sent nothing, are
    worsening, have overdue rows, have red flags, and have flags of each amber rule that asks
    for attention (an impact shortfall)."""
    plurals = list(dict.fromkeys(layout.hooks.rows().plural for layout in c.layouts))
    rows = " or ".join([", ".join(plurals[:-1]), plurals[-1]] if len(plurals) > 1 else plurals)
    figures = [(title.format(rows=rows or "rows"), sum(map(test, c.plans)))
               for title, test in HEADLINES]  # fmt: skip
    for rule, _ in every_rule():
        if rule.brief is not None and rule.severity != RED:
            with_it = {(f.layout, f.organisation) for f in c.flags if f.rule == rule.id}
            figures.append((rule.title, len(with_it)))
    return figures
