"""One check a template makes of itself, and the words of the rule it stands for.

A ``Check`` is one rule's in-template form on one field: the formula TRUE where the rule is
broken (``when``, of ``Terms``), what the Ready to send box says then, and where it colours.
Its rule's id, title, level (Red or Amber) and what to do are the pipeline's own: a finding's
from ``catalogue``, a gap flag's from its rule table (``flags.rules_of``), so the template says
what a partner's feedback would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from ..catalogue import FINDINGS_BY_ID, MUST_FIX, Words
from ..flags import Rule, every_rule
from ..layouts import Layout
from ..severity import Level, level
from .terms import Terms

# A return whose own date is before this round is not this round's (``pipeline.periods``):
# not a finding or a flag but the status of its file, so its words are said here.
EARLIER_PERIOD = Words(
    "earlier-period",
    "For an earlier period",
    MUST_FIX,
    "The date of update (or the period the plan says it is for) is before this round, so the "
    "return would be taken as an earlier round's, and the organisation as having sent none.",
    "Bring the plan up to date and give today's date (and this period).",
)


@dataclass(frozen=True)
class Check:
    """One rule's in-template form on one field (``field``: a header field, or a table column
    checked row by row; None for the plan as a whole). With ``at_title``, it colours the
    column's title cell, once, rather than its rows. ``says`` is what is wrong, ``{title}``
    standing for the field's title."""

    rule: str
    field: str | None
    when: Callable[[Terms], str]
    says: str
    at_title: bool = False

    @property
    def words(self) -> Words:
        """Its rule's words."""
        return rule_words(self.rule)

    @property
    def level(self) -> Level:
        """How loud it is: its rule's level (Red or Amber)."""
        return level(self.words.severity)


@cache
def _flag_rules() -> dict[str, Rule]:
    return {rule.id: rule for rule, _ in every_rule()}


def rule_words(rule: str, layout: Layout | None = None) -> Words:
    """The words of rule ``rule``: a finding's, a gap flag's (when it applies said for
    ``layout``, where given), or a return for an earlier period's."""
    if rule == EARLIER_PERIOD.id:
        return EARLIER_PERIOD
    if rule in FINDINGS_BY_ID:
        return FINDINGS_BY_ID[rule]
    flag = _flag_rules()[rule]
    explains = flag.meaning([layout]) if layout is not None else flag.explains
    severity = flag.severity or "red"  # (a required field's own level: findings say it)
    return Words(flag.id, flag.title, severity, explains, flag.to_do)


def catalogue_ids() -> set[str]:
    """Every rule the pipeline checks a return by: each finding's and each gap flag's."""
    return set(FINDINGS_BY_ID) | set(_flag_rules())
