"""Templates that check themselves as the partner types, by the pipeline's own rules.

Every rule the pipeline checks a return by (each finding's in ``catalogue``, each gap flag's
in ``flags`` and the layouts' ``rules.py``) is here, keyed by its id: either with its
in-template form (``IN_TEMPLATE``: the checks it makes of a template, as formulas), or
declared checked on return only, saying why (``RETURN_ONLY``: it needs the register, the
store, other organisations' files, or the file as it arrives). The template writer
(``sheet.write_checks``) and the Guidance (``guidance.check_rows``) read both.

How a template shows them: each cell a check would flag is coloured by a conditional format,
Red or Amber as its rule is (``severity``); at the top of the plan sheet a Ready to send box
counts what is left to fix (Red) and to check (Amber) and says the first few in words, green
with "Ready to send" when nothing is left. The box's list is worked out on a very hidden,
protected sheet (``returns.CHECKS_SHEET``), one row per check of one cell; the cells a partner
types into stay plain values. No macros; the sheets stay protected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..flags import FROM_FINDINGS, rules_of
from ..layouts import Kind, Layout
from ..values import KINDS
from . import plans, rounds, values
from .checks import EARLIER_PERIOD, Check, catalogue_ids, rule_words

Form = Callable[[Layout, bool], Iterable[Check]]  # (layout, made for an organisation) -> checks

_KIND_RULES = sorted({KINDS[kind].rule for kind in Kind} - {KINDS[Kind.TEXT].rule})

IN_TEMPLATE: dict[str, Form] = {
    "required": values.required_checks,
    "no-organisation": values.organisation,
    **{rule: (lambda layout, _, rule=rule: values.kind_checks(layout, rule))
       for rule in _KIND_RULES},
    "return-stale": lambda layout, _: rounds.stale(layout),
    EARLIER_PERIOD.id: lambda layout, _: rounds.earlier_period(layout),
    **{rule: (lambda layout, _, form=form: form(layout)) for rule, form in plans.FORMS.items()},
}  # fmt: skip

_FILE = "It is about the file as it arrives, not what is typed in it."
_SHEET = ("It is about a sheet changed from the template: the template's labels, titles and "
          "sheet are locked.")  # fmt: skip
_REGISTER = "It needs the register, which the template does not hold."
_STORE = "It needs last round's return, kept in the pipeline's store."
_ROUND = "It is about the round: which organisations sent a return."
_LINK = "It needs the upload page the file came through."
_VERSION = "It compares the file's template with the latest one."
_TOO_LONG = "A cell cannot hold more than that, so a template never has it."
_TEXT = "Whatever is typed into a text cell is text."
_GUESS = ("It is how the reader reads a value not in the template's form (a date typed as "
          "text, a word for one of the list). The template asks for its form: each kind's "
          "check says so.")  # fmt: skip
_MANAGERS = "The managers' list of the findings about values (checked as those are)."
# what the Guidance calls each reason, as a heading for the rules it holds back
REASONS = {_FILE: "The file itself", _SHEET: "A sheet changed", _REGISTER: "The register",
           _STORE: "Last round's return", _ROUND: "The round", _LINK: "The upload page",
           _VERSION: "The template's version", _TOO_LONG: "A text too long",
           _TEXT: "Text", _GUESS: "Values read by guess", _MANAGERS: "For managers"}  # fmt: skip

RETURN_ONLY: dict[str, str] = {
    "empty-file": _FILE,
    "unreadable": _FILE,
    "no-layout": _FILE,
    "csv-not-a-plan": _FILE,
    "unsaved-formula": _FILE,
    "old-template": _VERSION,
    "not-on-register": _REGISTER,
    "taken-from-register": _REGISTER,
    "wrong-organisation": _REGISTER,
    "not-this-link": _LINK,
    "missing-label": _SHEET,
    "missing-column": _SHEET,
    "missing-table": _SHEET,
    "guessed-label": _SHEET,
    "guessed-column": _SHEET,
    "renamed-sheet": _SHEET,
    "too-long": _TOO_LONG,
    "not-text": _TEXT,
    "guessed-value": _GUESS,
    "return-missing": _ROUND,
    "return-rejected": _ROUND,
    "worse-two-quarters": _STORE,
    "direction-contradicted": _STORE,
    # the managers' view of the findings about values, checked as those findings are
    **{rule: _MANAGERS for rule in FROM_FINDINGS},
}  # fmt: skip


_MADE: dict[tuple[str, bool], tuple[Layout, list[Check]]] = {}


def checks_of(layout: Layout, stamped: bool = True) -> list[Check]:
    """Every check a template of ``layout`` makes of itself (``stamped``: made for one
    organisation, whose name it is pre-filled with), Red first (made once for each layout
    registered under its name)."""
    made = _MADE.get((layout.name, stamped))
    if made is None or made[0] is not layout:
        own = {rule.id for rule in rules_of(layout)}
        found = []
        for rule, form in IN_TEMPLATE.items():
            if rule in plans.FORMS and rule not in own:
                continue
            found += form(layout, stamped)
        made = _MADE[(layout.name, stamped)] = (
            layout,
            sorted(found, key=lambda check: check.level.word != "Red"),
        )
    return made[1]


def in_template(rule: str) -> bool:
    """Whether rule ``rule`` has an in-template form."""
    return rule in IN_TEMPLATE


__all__ = ["IN_TEMPLATE", "REASONS", "RETURN_ONLY", "Check", "catalogue_ids", "checks_of",
           "in_template", "rule_words"]  # fmt: skip
