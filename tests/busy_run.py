"""A run kept busy on purpose, for tests that kill it (``test_killed_runs``).

``main`` starts what a real run starts, each child doing work that lasts: our own work on the
other core (a ``Background``), and two reader workers, one reading a file that takes a minute
and one that has read its file and waits for the next. It prints a line ``<what> <pid>`` as
each child gets busy, and ``idle`` once a worker waits, then waits for ever.

Run it as ``python -c "import busy_run; busy_run.main()" [--from-thread] [--store PATH]``,
with this folder on ``PYTHONPATH``: ``--from-thread`` starts the children from a thread other
than the main one; ``--store`` makes the background work a save into the SQLite database
``PATH`` (a table ``saved`` of one column), a transaction that lasts a minute.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import threading
import time

from pipeline.system.background import Background
from pipeline.system.isolation import Isolation, run_isolated

A_LONG_TIME = 60.0  # longer than any test waits


def say(*words: object) -> None:
    """One line on standard output, at once (the test reads them as they come), in one write:
    lines from children writing at the same moment are not mixed."""
    os.write(1, (" ".join(map(str, words)) + "\n").encode())


def read_slowly(seconds: float) -> str:
    """A reader's job that takes ``seconds``."""
    say("reading", os.getpid())
    time.sleep(seconds)
    return "read"


def unreadable(job: tuple, reason: str) -> str:
    """The result of a job that could not finish."""
    return f"unreadable: {reason}"


def work_slowly() -> None:
    """Our own work, taking a long time."""
    say("background", os.getpid())
    time.sleep(A_LONG_TIME)


def save_slowly(store: str) -> None:
    """A save into ``store`` in one transaction, as the pipeline saves a run: a row written,
    then a long wait before the commit."""
    connection = sqlite3.connect(store)
    connection.execute("INSERT INTO saved VALUES ('from the killed run')")
    say("saving", os.getpid())
    time.sleep(A_LONG_TIME)
    connection.commit()


def start_children(store: str | None) -> None:
    """The background work, then the readers: returns only when all is done (never, here)."""
    background = Background(save_slowly, store) if store else Background(work_slowly)

    def one_done() -> None:  # the quick job is done: its worker waits for another
        say("idle")
        time.sleep(A_LONG_TIME)

    jobs = [(A_LONG_TIME,), (0.0,)]
    run_isolated(read_slowly, jobs, unreadable, Isolation(workers=2, seconds=120), one_done)
    background.result()


def main() -> None:
    """Start the children as the command line says, and wait."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--from-thread", action="store_true")
    parser.add_argument("--store")
    options = parser.parse_args()
    if options.from_thread:
        starter = threading.Thread(target=start_children, args=(options.store,))
        starter.start()
        starter.join()
    else:
        start_children(options.store)
