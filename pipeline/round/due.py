"""When a round's returns are due: a rule said in words, and the date it gives in a round.

A team says its deadline the way it tells partners: "10 days after start" (counted from the
round's first day: a fortnight's Monday, a quarter's 1 April, 1 July, 1 October or
1 January), "2 days before end", or "Friday of last week" (that day in the round's last seven
days). A rule may differ by layout (a fortnightly plan and a quarterly one are due on
different days); ``Dues`` holds one for every layout and one for each named layout.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..declare.rounds import Round

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
EVERY_LAYOUT = "default"  # the key of the rule for every layout not named on its own


def _last_week(weekday: str) -> Callable[[Round], date]:
    def on(round_: Round) -> date:
        last_week = round_.end - timedelta(days=6)
        return last_week + timedelta(days=(WEEKDAYS.index(weekday) - last_week.weekday()) % 7)

    return on


# Each way of saying a due date: the words (any case) and the day they give in a round.
PHRASES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], Callable[[Round], date]]], ...] = (
    (re.compile(r"(\d{1,3}) days? after (?:the round )?starts?"),
     lambda m: lambda r: r.start + timedelta(days=int(m[1]))),
    (re.compile(r"(\d{1,3}) days? before (?:the round )?ends?"),
     lambda m: lambda r: r.end - timedelta(days=int(m[1]))),
    (re.compile(rf"({'|'.join(WEEKDAYS)}) of (?:the round's )?last week"),
     lambda m: _last_week(m[1])),
)  # fmt: skip

SAID = '"10 days after start", "2 days before end" or "Friday of last week"'


@dataclass(frozen=True)
class DueRule:
    """A due-date rule as the team wrote it, and the day it gives in any round."""

    words: str
    day_in: Callable[[Round], date] = field(compare=False, repr=False)

    @classmethod
    def parse(cls, words: str) -> DueRule:
        """The rule ``words`` say, or a ``ValueError`` saying how a rule is written."""
        said = " ".join(str(words).split()).lower()
        for pattern, rule in PHRASES:
            if found := pattern.fullmatch(said):
                return cls(str(words).strip(), rule(found))
        raise ValueError(f"{str(words)!r} is not a due-date rule: write one such as {SAID}.")


@dataclass(frozen=True)
class Dues:
    """When returns are due: a rule or a fixed date for every layout (``EVERY_LAYOUT``) and
    for each layout named on its own."""

    rules: Mapping[str, DueRule | date] = field(default_factory=dict)

    def dates(self, rounds: Mapping[str, Round]) -> dict[str, date]:
        """Each layout's due date in its round (``rounds``: layout name -> round); a layout
        with no rule, and none for every layout, has none."""
        found = {}
        for name, round_ in rounds.items():
            rule = self.rules.get(name, self.rules.get(EVERY_LAYOUT))
            if isinstance(rule, DueRule):
                found[name] = rule.day_in(round_)
            elif isinstance(rule, date):
                found[name] = rule
        return found


def due_dates(due: date | Dues | None, rounds: Mapping[str, Round]) -> dict[str, date]:
    """Each layout's due date in its round: ``due`` a date for every layout, rules, or none."""
    if isinstance(due, Dues):
        return due.dates(rounds)
    return {name: due for name in rounds} if due else {}
