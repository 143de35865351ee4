"""The round's checks done in a process of their own, for a small round.

A small round's run waits, between reading its files and checking them, for this process to
import pandas and pandera: about 0.4 s of processor time, nearly half of the run. A
``Checker`` started as the run starts imports them in a child process, on the core that the
run's own start leaves free, while the run scans and reads its inbox; then it is handed the
returns as read, checks them (``checking.check_returns``, unchanged) and hands them back
with their rows plain again, so the run's own process never imports pandas at all.

A large round's reading takes seconds, behind which the import hides, and sending a few
hundred thousand rows to another process and back would cost more than it saves: there the
run checks in its own process, as ``pipeline check`` and the web service always do
(``checker_for`` says which).
"""

from __future__ import annotations

import os
from pathlib import Path

from .returns import LoadedReturn, as_frame, as_plain
from .system.background import Gone, Standby

# Up to this many files in the inbox, the round is checked in a process of its own. Beyond a
# few hundred the reading takes longer than the import, and each row would cross twice.
MOST_FILES = 150


class Checker:
    """A child process importing what the checks need, to be handed the round's returns."""

    def __init__(self) -> None:
        self._child = Standby(_check, _prepare)

    def check(self, returns: list[LoadedReturn]) -> list[LoadedReturn]:
        """``checking.check_returns(returns)``, done in the child: the returns as checked,
        rows left as ``PlainRows``."""
        try:
            self._child.give(returns)
            return self._child.result()
        except Gone:  # it was killed: the checks are done here instead
            return _check(returns)

    def stop(self) -> None:
        """End the child without checking anything (the round had nothing to check)."""
        self._child.stop()


def checker_for(inbox: Path) -> Checker | None:
    """A ``Checker`` for a round whose inbox holds at most ``MOST_FILES`` entries; None for a
    larger one (checked in the run's own process)."""
    try:
        with os.scandir(inbox) as entries:
            many = sum(1 for _ in zip(entries, range(MOST_FILES + 1))) > MOST_FILES
    except OSError:
        return None  # (the run says what is wrong with its inbox itself)
    return None if many else Checker()


def _prepare() -> None:
    import pipeline.checking  # noqa: F401


def _check(returns: list[LoadedReturn]) -> list[LoadedReturn]:
    from .checking import check_returns

    return [as_plain(r) for r in check_returns([as_frame(r) for r in returns])]
