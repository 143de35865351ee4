"""How much a problem matters, said one way everywhere: Red or Amber, in the same two colours,
on the consolidated workbook, the meeting pack, a partner's Fix list and the notes on its
cells, ``check``, the export and the web pages (and Red, Amber and Green coloured alike
wherever a value is one of them, templates included).

Every finding about a file and every gap flag in a plan has one of these two: Red (put it
right: a value is missing or cannot be read, the file cannot be used, the plan is off track)
or Amber (check it: something was read by guess, the plan may be slipping). That a file cannot
be used at all is not a third severity but its status (``rejected``): the rules that turn a
file down say so (``rules.Rule.rejects``), and their findings are Red.
"""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """Red or Amber: its word, what it asks of the reader, and its fill."""

    RED = "red"
    AMBER = "amber"

    @property
    def word(self) -> str:
        """How every report says it: Red, Amber."""
        return self.value.title()

    @property
    def means(self) -> str:
        """What it asks of whoever reads it."""
        return _MEANS[self]

    @property
    def fill(self) -> str:
        """Its colour (RGB, no '#'), wherever it is shown."""
        return RAG_FILLS[self.word]

    @classmethod
    def of(cls, said: object) -> Severity:
        """The severity ``said`` names: ``"red"``, ``"Amber"``, or a word an older store kept
        for it (a finding's ``"error"``, ``"rejected"``, ``"warning"``)."""
        text = str(getattr(said, "value", said)).strip().lower()
        return cls(_EARLIER_WORDS.get(text, text))


RED, AMBER = Severity.RED, Severity.AMBER
SEVERITIES = (RED, AMBER)
_MEANS = {
    RED: "Put it right: a value is missing or cannot be read, the file cannot be used, or the "
    "plan is off track.",
    AMBER: "Check it: we read something by guess, or the plan may be slipping.",
}
# Red, Amber and Green, as every report and template colours them (a RAG value, a severity)
RAG_FILLS = {"Red": "F4B6B6", "Amber": "FFE199", "Green": "B7E1B0"}
# what a store written before the one scale kept for a finding's severity
_EARLIER_WORDS = {"error": "red", "rejected": "red", "warning": "amber"}
