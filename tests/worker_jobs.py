"""Jobs for worker processes in tests, in a module that imports nothing but the reading code
(a spawned worker imports the module its job is defined in)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pipeline.reading.workers import load_copy
from pipeline.returns import SourceFile


def modules_after_loading(copy: Path, source: SourceFile) -> list[str]:
    """Load a file as a worker does, then say which top-level modules the worker holds."""
    load_copy(copy, source)
    return sorted({name.split(".")[0] for name in sys.modules})


def failed_because(job: tuple, why: str) -> str:
    """What a job that could not finish comes back as: why."""
    return why


def start_a_child_as_on_windows(ready: str) -> None:
    """Be a run that starts one child the way Windows would have it, then waits to be killed.

    The child is spawned, from a thread other than the main one (so Linux's own way of ending
    it with its parent does not apply), and its parent's process id never changes even when
    the parent has gone (as on Windows, which hands an orphan to no one): it can only learn
    that its parent has gone by asking ``multiprocessing``."""
    import threading
    import time

    from pipeline.system.children import context, this_process

    def start() -> None:
        process = context().Process(target=_wait_as_on_windows, args=(this_process(), ready))
        process.start()

    os.environ["PIPELINE_START_METHOD"] = "spawn"
    threading.Thread(target=start).start()
    time.sleep(600)


def _wait_as_on_windows(parent, ready: str) -> None:
    import time

    from pipeline.system.children import end_with

    first = os.getppid()
    os.getppid = lambda: first  # as on Windows
    end_with(parent)
    Path(ready).write_text(str(os.getpid()))
    time.sleep(600)


def priority_and(number: int) -> tuple[int, int]:
    """How much lower than its parent's this worker's priority is, and ``number`` again."""
    import time

    time.sleep(0.01)
    return os.getpriority(os.PRIO_PROCESS, 0) - os.getpriority(
        os.PRIO_PROCESS, os.getppid()
    ), number
