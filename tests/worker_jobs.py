"""Jobs for worker processes in tests, in a module that imports nothing but the reading code
(a spawned worker imports the module its job is defined in)."""

from __future__ import annotations

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
