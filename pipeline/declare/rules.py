"""The words of every rule, said once: each finding about a file and each gap flag in a plan has
one entry here with its id, title, how much it matters, when it fires and what to do.

The finding or flag itself carries the sentence about its own case ("Start date (row 23) is
not a date: ..."); everything said about the rule in general — the title on the Gap Flags
sheet, the "what to do" of a partner's Fix list and cell notes, the rows of the Guidance
sheet, ``check --json`` — is taken from its entry, as a data-quality library's error
catalogue does. A test fails when a rule fires that has no entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from .severity import word


@dataclass(frozen=True)
class Words:
    """What one rule is called and says, wherever it is shown."""

    id: str
    title: str
    severity: str  # a finding: rejected, must fix or please check; a flag: red or amber
    explains: str  # when it fires
    to_do: str  # what the partner does about it

    @property
    def shown_as(self) -> str:
        """How loud it is, as every report says it: Red or Amber (``severity``)."""
        return word(self.severity)


MUST_FIX, CHECK, REJECTED = "must fix", "please check", "rejected"

FINDINGS: tuple[Words, ...] = (
    # the file as a whole
    Words("empty-file", "Empty file", REJECTED, "The file has no bytes at all.",
          "Save the plan again and send it."),
    Words("unreadable", "Cannot be used", REJECTED,
          "The file is not a spreadsheet we take, is damaged, hostile, too large, or could not "
          "be read from the inbox (the sentence says which).",
          "Do what the sentence says, and send the file again."),
    Words("no-layout", "Not one of our plans", REJECTED,
          "None of our layouts' labels and columns were found in any sheet.",
          "Fill in the template we sent and send it back."),
    Words("csv-not-a-plan", "A CSV that is not a plan", REJECTED,
          "A CSV file holds none of our layouts' labels and columns (a CSV holds one sheet's "
          "values only).",
          "Save the workbook itself (.xlsx) and send that."),
    Words("no-organisation", "No organisation", REJECTED,
          "The plan does not say whose it is.", "Fill in the organisation's name."),
    Words("not-on-register", "Not on the register", REJECTED,
          "The organisation named is not on the layout's register.",
          "Check the organisation's name against the register, or ask us."),
    Words("not-this-link", "Another organisation's link", REJECTED,
          "A file uploaded on one organisation's page (its private link) holds another "
          "organisation's plan, or a plan of another kind.",
          "Upload your own plan on your page; another organisation's plan goes on theirs."),
    # where things are
    Words("missing-label", "Label missing", MUST_FIX,
          "A header field's label is not on the sheet.",
          "Add the label as written in the template, with the value to its right."),
    Words("missing-column", "Column missing", MUST_FIX,
          "A column of the table is not in its header row.",
          "Add the column, with its title as written in the template."),
    Words("missing-table", "Table missing", MUST_FIX,
          "The table's header row is not on the sheet.",
          "Put back the table's header row from the template."),
    Words("taken-from-register", "Taken from the register", CHECK,
          "A header field the register also holds (a target date, a baseline, a plan start) "
          "was not on the sheet, or empty: the register's value was used.",
          "Add it as the template has it, to confirm the register's value or correct it."),
    Words("guessed-label", "Label read by guess", CHECK,
          "A label differs from the template's, and was matched to the nearest one.",
          "Use the label as written in the template."),
    Words("guessed-column", "Column read by guess", CHECK,
          "A column title differs from the template's, and was matched to the nearest one.",
          "Use the column title as written in the template."),
    Words("renamed-sheet", "Sheet renamed", CHECK,
          "The plan was found on a sheet with another name than the template's.",
          "Rename the sheet back as it was in the template."),
    Words("old-template", "Old template", CHECK,
          "The plan is in an earlier version of the template.",
          "Copy your plan into the latest template next time."),
    Words("wrong-organisation", "Another organisation's template", CHECK,
          "The template was made for one organisation and the plan names another.",
          "Check that this is your own plan."),
    Words("unsaved-formula", "Formula without its result", MUST_FIX,
          "A formula cell was saved without its result, so it reads as empty.",
          "Open the file in Excel, let it calculate, save it, and send it again."),
    # values
    Words("required", "Required value empty", MUST_FIX,
          "A field the plan must have is empty.", "Fill it in."),
    Words("too-long", "Text too long for a cell", MUST_FIX,
          "A text is longer than a spreadsheet cell holds (32,767 characters); it is cut short.",
          "Shorten it to at most 32,767 characters (all a cell can hold)."),
    Words("guessed-value", "Value read by guess", CHECK,
          "A value was not in the form the template asks for, and was read as the nearest one.",
          "Check that we read it as you meant; use the form in the template next time."),
    Words("not-text", "Not text", MUST_FIX, "A text field holds something that is not text.",
          "Type the text."),
    Words("not-a-date", "Not a date", MUST_FIX, "A date field holds something not a date.",
          "Type a date, day first: dd/mm/yyyy."),
    Words("not-a-whole-number", "Not a whole number", MUST_FIX,
          "A number field holds something not a whole number.",
          "Type a whole number such as 25."),
    Words("not-a-percentage", "Not a percentage", MUST_FIX,
          "A percentage field holds something not a number.", "Type a number such as 6 (for 6%)."),
    Words("not-an-email", "Not an email address", MUST_FIX,
          "An email field holds something not an email address.",
          "Type an email address such as name@example.gov.uk."),
    Words("not-in-list", "Not one of the list", MUST_FIX,
          "A field with a dropdown holds something not in its list.",
          "Choose one from the dropdown list."),
    Words("not-yes-no", "Not Yes or No", MUST_FIX, "A Yes/No field holds something else.",
          "Choose Yes or No, or leave it blank."),
    Words("not-a-quarter", "Not a plan quarter", MUST_FIX,
          "A quarter field holds something not 1 to 12.", "Type the plan quarter, 1 to 12."),
    Words("not-a-year", "Not a year", MUST_FIX, "A year field holds something not a year.",
          "Type the financial year the plan starts: the year its April is in."),
    Words("not-a-financial-quarter", "Not a financial quarter", MUST_FIX,
          "A field for a financial year's quarter holds something else.",
          "Type the financial year, then the quarter: yyyy/yy Qn."),
)  # fmt: skip

FINDINGS_BY_ID = {words.id: words for words in FINDINGS}

UNKNOWN = Words("", "", MUST_FIX, "", "Correct it and send the file again.")


def finding_words(rule: str) -> Words:
    """The entry of a finding's rule (a plain one for a rule with none, which a test forbids)."""
    return FINDINGS_BY_ID.get(rule, UNKNOWN)
