"""Every rule, said once: each finding about a file and each gap flag in a plan is of one
``Rule`` with its id, title, severity (``severity``: Red or Amber), when it fires and what to
do, and, for a flag, how it is found in a plan.

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

from .severity import AMBER, RED, Severity


@dataclass(frozen=True)
class Rule:
    """One rule, wherever it is shown: what it is called, how much it matters, when it fires,
    what to do about it; for a gap flag, how it is found in a plan (``find``).

    ``in_template`` is the rule's form inside a template (a check the partner's own workbook
    makes as it is filled in), where it has one; None: it is checked on return only.
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
    in_template: Any = None  # its in-template form (see above); None: checked on return only

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
         "Save the plan again and send it.", rejects=True),
    Rule("unreadable", "Cannot be used", RED,
         "The file is not a spreadsheet we take, is damaged, hostile, too large, or could not "
         "be read from the inbox (the sentence says which).",
         "Do what the sentence says, and send the file again.", rejects=True),
    Rule("no-layout", "Not one of our plans", RED,
         "None of our layouts' labels and columns were found in any sheet.",
         "Fill in the template we sent and send it back.", rejects=True),
    Rule("csv-not-a-plan", "A CSV that is not a plan", RED,
         "A CSV file holds none of our layouts' labels and columns (a CSV holds one sheet's "
         "values only).",
         "Save the workbook itself (.xlsx) and send that.", rejects=True),
    Rule("no-organisation", "No organisation", RED,
         "The plan does not say whose it is.", "Fill in the organisation's name.", rejects=True),
    Rule("not-on-register", "Not on the register", RED,
         "The organisation named is not on the layout's register.",
         "Check the organisation's name against the register, or ask us.", rejects=True),
    Rule("not-this-link", "Another organisation's link", RED,
         "A file uploaded on one organisation's page (its private link) holds another "
         "organisation's plan, or a plan of another kind.",
         "Upload your own plan on your page; another organisation's plan goes on theirs.",
         rejects=True),
    # where things are
    Rule("missing-label", "Label missing", RED,
         "A header field's label is not on the sheet.",
         "Add the label as written in the template, with the value to its right."),
    Rule("missing-column", "Column missing", RED,
         "A column of the table is not in its header row.",
         "Add the column, with its title as written in the template."),
    Rule("missing-table", "Table missing", RED,
         "The table's header row is not on the sheet.",
         "Put back the table's header row from the template."),
    Rule("taken-from-register", "Taken from the register", AMBER,
         "A header field the register also holds (a target date, a baseline, a plan start) "
         "was not on the sheet, or empty: the register's value was used.",
         "Add it as the template has it, to confirm the register's value or correct it."),
    Rule("guessed-label", "Label read by guess", AMBER,
         "A label differs from the template's, and was matched to the nearest one.",
         "Use the label as written in the template."),
    Rule("guessed-column", "Column read by guess", AMBER,
         "A column title differs from the template's, and was matched to the nearest one.",
         "Use the column title as written in the template."),
    Rule("renamed-sheet", "Sheet renamed", AMBER,
         "The plan was found on a sheet with another name than the template's.",
         "Rename the sheet back as it was in the template."),
    Rule("old-template", "Old template", AMBER,
         "The plan is in an earlier version of the template.",
         "Copy your plan into the latest template next time."),
    Rule("wrong-organisation", "Another organisation's template", AMBER,
         "The template was made for one organisation and the plan names another.",
         "Check that this is your own plan."),
    Rule("unsaved-formula", "Formula without its result", RED,
         "A formula cell was saved without its result, so it reads as empty.",
         "Open the file in Excel, let it calculate, save it, and send it again."),
    # values
    Rule("required", "Required value empty", RED,
         "A field the plan must have is empty.", "Fill it in."),
    Rule("too-long", "Text too long for a cell", RED,
         "A text is longer than a spreadsheet cell holds (32,767 characters); it is cut short.",
         "Shorten it to at most 32,767 characters (all a cell can hold)."),
    Rule("guessed-value", "Value read by guess", AMBER,
         "A value was not in the form the template asks for, and was read as the nearest one.",
         "Check that we read it as you meant; use the form in the template next time."),
    Rule("not-text", "Not text", RED, "A text field holds something that is not text.",
         "Type the text."),
    Rule("not-a-date", "Not a date", RED, "A date field holds something not a date.",
         "Type a date, day first: dd/mm/yyyy."),
    Rule("not-a-whole-number", "Not a whole number", RED,
         "A number field holds something not a whole number.",
         "Type a whole number such as 25."),
    Rule("not-a-percentage", "Not a percentage", RED,
         "A percentage field holds something not a number.", "Type a number such as 6 (for 6%)."),
    Rule("not-an-email", "Not an email address", RED,
         "An email field holds something not an email address.",
         "Type an email address such as name@example.gov.uk."),
    Rule("not-in-list", "Not one of the list", RED,
         "A field with a dropdown holds something not in its list.",
         "Choose one from the dropdown list."),
    Rule("not-yes-no", "Not Yes or No", RED, "A Yes/No field holds something else.",
         "Choose Yes or No, or leave it blank."),
    Rule("not-a-quarter", "Not a plan quarter", RED,
         "A quarter field holds something not one of its plan's quarters.",
         "Type the plan quarter: 1 for the plan's first, and so on to its last."),
    Rule("not-a-year", "Not a year", RED, "A year field holds something not a year.",
         "Type the financial year the plan starts: the year its April is in."),
    Rule("not-a-financial-quarter", "Not a financial quarter", RED,
         "A field for a financial year's quarter holds something else.",
         "Type the financial year, then the quarter: yyyy/yy Qn."),
)  # fmt: skip

FINDINGS_BY_ID = {rule.id: rule for rule in FINDINGS}
# the rules whose findings turn a whole file down
TURNING_DOWN = frozenset(rule.id for rule in FINDINGS if rule.rejects)

UNKNOWN = Rule("", "", RED, "", "Correct it and send the file again.")


def finding_rule(rule: str) -> Rule:
    """The rule of a finding, by its id (a plain one for an id with none, which a test
    forbids)."""
    return FINDINGS_BY_ID.get(rule, UNKNOWN)
