"""How much a problem matters, said one way everywhere: Red or Amber, in the same two colours,
on the consolidated workbook, the meeting pack, a partner's Fix list and the notes on its
cells (and Red, Amber and Green coloured alike wherever a value is one of them, templates
included).

A gap flag is red or amber; a finding about a file is an error (or a rejection) or a warning.
Each is shown as the level it comes to: an error, a rejection or a red flag is Red (put it
right), a warning or an amber flag is Amber (check it).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Level:
    """One level: its word, what it asks of the reader, and its fill (RGB, no '#')."""

    word: str
    means: str
    fill: str


RED = Level("Red", "Put it right: a value is missing or cannot be read, the file cannot be used, "
            "or the plan is off track.", "F4B6B6")  # fmt: skip
AMBER = Level("Amber", "Check it: we read something by guess, or the plan may be slipping.",
              "FFE199")  # fmt: skip
SEVERITIES = (RED, AMBER)
# Red, Amber and Green, as every report and template colours them (a RAG value, a severity)
RAG_FILLS = {"Red": RED.fill, "Amber": AMBER.fill, "Green": "B7E1B0"}

# every severity the pipeline gives, as the level it comes to
_LEVELS = {"red": RED, "error": RED, "rejected": RED, "must fix": RED,
           "amber": AMBER, "warning": AMBER, "please check": AMBER}  # fmt: skip


def level(severity: object) -> Level:
    """The level a flag's or a finding's severity (``"red"``, ``Severity.ERROR``, ``"must
    fix"``...) comes to."""
    said = str(getattr(severity, "value", severity)).strip().lower()
    return _LEVELS.get(said, RED)


def word(severity: object) -> str:
    """The word shown for a severity: Red or Amber."""
    return level(severity).word
