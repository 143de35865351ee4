"""What a long run shows while it works: a line per stage (reading the returns, writing the
workbook, writing feedback) with what it has done, on a terminal only.

A round of a thousand files takes most of a minute; whoever watches it sees which stage it is
in and how far along. Nothing is shown when the output is not a terminal (a script, a pipe,
a log), nor when asked to be quiet. The stages report through ``timing.count`` and the
callbacks the library already takes, so the library itself never prints.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from . import timing

READING, WRITING, FEEDBACK = "Reading returns", "Writing the workbook", "Writing feedback"
UNITS = {READING: " files", WRITING: " cells", FEEDBACK: " files"}


class Progress:
    """A progress line for each stage of a run, shown on a terminal unless ``quiet``."""

    def __init__(self, quiet: bool = False) -> None:
        # (as tqdm would be, where its lines would go to no terminal: not even imported then)
        self.quiet = quiet or not _on_a_terminal()
        self._bar: Any = None
        self._stage: str | None = None
        # Feedback is written while the workbook is: its copies are told once that is done.
        self._lock = threading.Lock()
        self._writing = False
        self._held = 0
        self._copies: int | None = None

    def step(self, stage: str, done: int = 1, total: int | None = None) -> None:
        """``done`` more of ``stage`` (of ``total``, where known)."""
        if self.quiet:
            return
        if stage != self._stage:
            self.close()
            from tqdm import tqdm

            tqdm.monitor_interval = 0  # no monitor thread: workers are forked meanwhile
            self._stage = stage
            self._bar = tqdm(desc=stage, unit=UNITS.get(stage, "it"), total=total,
                             disable=None, leave=False, unit_scale=stage == WRITING)  # fmt: skip
        if total is not None:
            self._bar.total = total
        self._bar.update(done)

    def close(self) -> None:
        """End the stage shown, if any."""
        if self._bar is not None:
            self._bar.close()
        self._bar = self._stage = None

    def on_file(self, done: int, total: int) -> None:
        """A file read (``done`` of ``total``): as ``run`` calls back."""
        self.step(READING, 1, total)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Show the cells written while the block writes the workbook."""
        with self._lock:
            self._writing = True
        timing.watch("cells", lambda amount: self.step(WRITING, amount))
        try:
            yield
        finally:
            timing.watch("cells", None)
            with self._lock:
                self._writing = False
                self.close()
                if self._held:
                    self.step(FEEDBACK, self._held, self._copies)
                    self._held = 0

    def feedback(self, total: int) -> Any:
        """A callback for each feedback copy written, of ``total`` (from any thread)."""
        self._copies = total

        def done() -> None:
            with self._lock:
                if self._writing:
                    self._held += 1
                else:
                    self.step(FEEDBACK, 1, total)

        return done


def _on_a_terminal() -> bool:
    """Whether standard error, where the progress lines go, is a terminal."""
    try:
        return sys.stderr is not None and sys.stderr.isatty()
    except (AttributeError, ValueError):  # (replaced by an object without one, or closed)
        return False
