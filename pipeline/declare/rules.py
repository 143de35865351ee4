"""Every rule, said once: each finding about a file and each gap flag in a plan is of one
``Rule`` with its id, title, severity (``severity``: Red or Amber), when it fires and what to
do, and, for a flag, how it is found in a plan.

Each rule says too whether a template checks it as the partner types (``in_template``: its
form, written in ``formulas``; the generic forms are in ``forms``, a layout's beside its flag
rules) or only when the return is received, and why (``on_return``): the Guidance's "How your
plan is checked" is read from it.

The finding or flag itself carries the sentence about its own case ("Start date (row 23) is
not a date: ..."); everything said about the rule in general — the title on the Gap Flags
sheet, the "what to do" of a partner's Fix list and cell notes, the rows of the Guidance
sheet, ``check --json``, the export, the web pages — is taken from its rule, as a
data-quality library's error catalogue does. The findings' rules are here (``FINDINGS``); the
flag rules every layout has are in ``pipeline.round.flags``, and each layout's own in its
package (its ``rules.py``), all of this one type (``round.flags.every_rule`` lists them). A
test fails when a rule fires that has none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import forms
from .formulas import Form
from .model import Kind
from .severity import AMBER, RED, Severity


@dataclass(frozen=True)
class OnReturn:
    """Why a rule is checked only when a return is received, not as the partner types: the
    reason in a few words (the Guidance's heading for the rules it holds back), and in a
    sentence."""

    heading: str
    why: str


FILE = OnReturn("The file itself", "It is about the file as it arrives, not what is typed in it.")
SHEET = OnReturn("A sheet changed", "It is about a sheet changed from the template: the "
                 "template's labels, titles and sheet are locked.")  # fmt: skip
REGISTER = OnReturn("The register", "It needs the register, which the template does not hold.")
STORE = OnReturn("Last round's return", "It needs last round's return, kept in the pipeline's "
                 "store.")  # fmt: skip
ROUND = OnReturn("The round", "It is about the round: which organisations sent a return.")
LINK = OnReturn("The upload page", "It needs the upload page the file came through.")
VERSION = OnReturn("The template's version", "It compares the file's template with the latest "
                   "one.")  # fmt: skip
TOO_LONG = OnReturn("A text too long", "A cell cannot hold more than that, so a template never "
                    "has it.")  # fmt: skip
TEXT = OnReturn("Text", "Whatever is typed into a text cell is text.")
GUESS = OnReturn("Values read by guess", "It is how the reader reads a value not in the "
                 "template's form (a date typed as text, a word for one of the list). The "
                 "template asks for its form: each kind's check says so.")  # fmt: skip
MANAGERS = OnReturn("For managers", "The managers' list of the findings about values (checked "
                    "as those are).")  # fmt: skip


@dataclass(frozen=True)
class Rule:
    """One rule, wherever it is shown: what it is called, how much it matters, when it fires,
    what to do about it; for a gap flag, how it is found in a plan (``find``).

    ``in_template`` is the rule's form inside a template (a check the partner's own workbook
    makes as it is filled in: ``formulas.Form``), where it has one; None: it is checked on
    return only, and ``on_return`` says why (a rule has one or the other).
    """

    id: str
    title: str
    severity: Severity | None  # None: the field's own level (a required field's ``gap``)
    explains: str  # when it fires ("{detail}": what ``detail`` says of each of its layouts)
    to_do: str  # what the partner or organisation does about it
    # a gap flag's: (a plan, the as-of date) -> its flags; None for a finding's rule, which
    # fires where a file is read and checked
    find: Callable[[Any, date], Iterator[Any]] | None = None
    detail: Callable[[Any], str] | None = None  # (a Layout) -> what "{detail}" says of it
    # what the Needs attention list says of a plan with its flags (an amber rule with these
    # words puts an organisation on that list; a red rule's are its title by default)
    brief: Callable[[Any], str] | None = None
    rejects: bool = False  # a finding of it turns the whole file down (its status: rejected)
    in_template: Form | None = None  # its in-template form (see above)
    on_return: OnReturn | None = None  # why it is checked on return only (see above)

    def __post_init__(self) -> None:
        if (self.in_template is None) == (self.on_return is None):
            raise ValueError(f"rule {self.id!r}: give it an in-template form or say why it is "
                             f"checked on return only, not both")  # fmt: skip

    @property
    def shown_as(self) -> str:
        """How loud it is, as every report says it: Red, Amber (or either: the field's)."""
        return self.severity.word if self.severity else "Red or Amber"

    def meaning(self, layouts: Sequence[Any]) -> str:
        """When it fires, for the ``layouts`` it applies to (the Guidance sheet's words)."""
        if self.detail is None:
            return self.explains
        said = "; ".join(f"{layout.short_title}: {self.detail(layout)}" for layout in layouts)
        return self.explains.replace("{detail}", said)


FINDINGS: tuple[Rule, ...] = (
    # the file as a whole
    Rule("empty-file", "Empty file", RED, "The file has no bytes at all.",
         "Save the plan again and send it.", rejects=True, on_return=FILE),
    Rule("unreadable", "Cannot be used", RED,
         "The file is not a spreadsheet we take, is damaged, hostile, too large, or could not "
         "be read from the inbox (the sentence says which).",
         "Do what the sentence says, and send the file again.", rejects=True, on_return=FILE),
    Rule("no-layout", "Not one of our plans", RED,
         "None of our layouts' labels and columns were found in any sheet.",
         "Fill in the template we sent and send it back.", rejects=True, on_return=FILE),
    Rule("csv-not-a-plan", "A CSV that is not a plan", RED,
         "A CSV file holds none of our layouts' labels and columns (a CSV holds one sheet's "
         "values only).",
         "Save the workbook itself (.xlsx) and send that.", rejects=True, on_return=FILE),
    Rule("no-organisation", "No organisation", RED,
         "The plan does not say whose it is.", "Fill in the organisation's name.", rejects=True,
         in_template=forms.organisation),
    Rule("not-on-register", "Not on the register", RED,
         "The organisation named is not on the layout's register.",
         "Check the organisation's name against the register, or ask us.", rejects=True,
         on_return=REGISTER),
    Rule("not-this-link", "Another organisation's link", RED,
         "A file uploaded on one organisation's page (its private link) holds another "
         "organisation's plan, or a plan of another kind.",
         "Upload your own plan on your page; another organisation's plan goes on theirs.",
         rejects=True, on_return=LINK),
    # where things are
    Rule("missing-label", "Label missing", RED,
         "A header field's label is not on the sheet.",
         "Add the label as written in the template, with the value to its right.",
         on_return=SHEET),
    Rule("missing-column", "Column missing", RED,
         "A column of the table is not in its header row.",
         "Add the column, with its title as written in the template.", on_return=SHEET),
    Rule("missing-table", "Table missing", RED,
         "The table's header row is not on the sheet.",
         "Put back the table's header row from the template.", on_return=SHEET),
    Rule("taken-from-register", "Taken from the register", AMBER,
         "A header field the register also holds (a target date, a baseline, a plan start) "
         "was not on the sheet, or empty: the register's value was used.",
         "Add it as the template has it, to confirm the register's value or correct it.",
         on_return=REGISTER),
    Rule("guessed-label", "Label read by guess", AMBER,
         "A label differs from the template's, and was matched to the nearest one.",
         "Use the label as written in the template.", on_return=SHEET),
    Rule("guessed-column", "Column read by guess", AMBER,
         "A column title differs from the template's, and was matched to the nearest one.",
         "Use the column title as written in the template.", on_return=SHEET),
    Rule("renamed-sheet", "Sheet renamed", AMBER,
         "The plan was found on a sheet with another name than the template's.",
         "Rename the sheet back as it was in the template.", on_return=SHEET),
    Rule("old-template", "Old template", AMBER,
         "The plan is in an earlier version of the template.",
         "Copy your plan into the latest template next time.", on_return=VERSION),
    Rule("wrong-organisation", "Another organisation's template", AMBER,
         "The template was made for one organisation and the plan names another.",
         "Check that this is your own plan.", on_return=REGISTER),
    Rule("unsaved-formula", "Formula without its result", RED,
         "A formula cell was saved without its result, so it reads as empty.",
         "Open the file in Excel, let it calculate, save it, and send it again.", on_return=FILE),
    # values
    Rule("required", "Required value empty", RED,
         "A field the plan must have is empty.", "Fill it in.", in_template=forms.required),
    Rule("too-long", "Text too long for a cell", RED,
         "A text is longer than a spreadsheet cell holds (32,767 characters); it is cut short.",
         "Shorten it to at most 32,767 characters (all a cell can hold).", on_return=TOO_LONG),
    Rule("guessed-value", "Value read by guess", AMBER,
         "A value was not in the form the template asks for, and was read as the nearest one.",
         "Check that we read it as you meant; use the form in the template next time.",
         on_return=GUESS),
    Rule("not-text", "Not text", RED, "A text field holds something that is not text.",
         "Type the text.", on_return=TEXT),
    Rule("not-a-date", "Not a date", RED, "A date field holds something not a date.",
         "Type a date, day first: dd/mm/yyyy.", in_template=forms.KindForm(Kind.DATE)),
    Rule("not-a-whole-number", "Not a whole number", RED,
         "A number field holds something not a whole number.",
         "Type a whole number such as 25.", in_template=forms.KindForm(Kind.WHOLE_NUMBER)),
    Rule("not-a-percentage", "Not a percentage", RED,
         "A percentage field holds something not a number.", "Type a number such as 6 (for 6%).",
         in_template=forms.KindForm(Kind.PERCENT)),
    Rule("not-an-email", "Not an email address", RED,
         "An email field holds something not an email address.",
         "Type an email address such as name@example.gov.uk.",
         in_template=forms.KindForm(Kind.EMAIL)),
    Rule("not-in-list", "Not one of the list", RED,
         "A field with a dropdown holds something not in its list.",
         "Choose one from the dropdown list.", in_template=forms.KindForm(Kind.CHOICE)),
    Rule("not-yes-no", "Not Yes or No", RED, "A Yes/No field holds something else.",
         "Choose Yes or No, or leave it blank.", in_template=forms.KindForm(Kind.YES_NO)),
    Rule("not-a-quarter", "Not a plan quarter", RED,
         "A quarter field holds something not one of its plan's quarters.",
         "Type the plan quarter: 1 for the plan's first, and so on to its last.",
         in_template=forms.KindForm(Kind.QUARTER)),
    Rule("not-a-year", "Not a year", RED, "A year field holds something not a year.",
         "Type the financial year the plan starts: the year its April is in.",
         in_template=forms.KindForm(Kind.YEAR)),
    Rule("not-a-financial-quarter", "Not a financial quarter", RED,
         "A field for a financial year's quarter holds something else.",
         "Type the financial year, then the quarter: yyyy/yy Qn.",
         in_template=forms.KindForm(Kind.FY_QUARTER)),
)  # fmt: skip

# A return whose own date is before this round is not this round's (``inbox.periods``): not a
# finding or a flag but the status of its file; its rule says so, and how a template checks it.
EARLIER_PERIOD = Rule(
    "earlier-period", "For an earlier period", RED,
    "The date of update (or the period the plan says it is for) is before this round, so the "
    "return would be taken as an earlier round's, and the organisation as having sent none.",
    "Bring the plan up to date and give today's date (and this period).",
    in_template=forms.earlier_period,
)  # fmt: skip

FINDINGS_BY_ID = {rule.id: rule for rule in FINDINGS}
# the rules whose findings turn a whole file down
TURNING_DOWN = frozenset(rule.id for rule in FINDINGS if rule.rejects)

UNKNOWN = Rule("", "", RED, "", "Correct it and send the file again.", on_return=FILE)


def finding_rule(rule: str) -> Rule:
    """The rule of a finding, by its id (a plain one for an id with none, which a test
    forbids)."""
    return FINDINGS_BY_ID.get(rule, UNKNOWN)
