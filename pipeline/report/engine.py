"""Which path writes the workbook's cells (see ``writer``): chosen here, in one place."""

from __future__ import annotations

import os

from ..errors import UsageError
from .fast import FastWriter
from .writer import Writer

ENGINES = ("fast", "plain")
ENVIRONMENT = "PIPELINE_WRITER"


def choose(engine: str | None = None, parallel: bool = True) -> Writer:
    """The writer named ``engine`` ("fast" or "plain"); without one, the one named by the
    environment variable ``PIPELINE_WRITER``, else fast. ``parallel``: whether the fast writer
    may use a second process."""
    name = engine or os.environ.get(ENVIRONMENT, "").strip().lower() or "fast"
    if name not in ENGINES:
        where = "engine" if engine else ENVIRONMENT
        raise UsageError(f"Unknown workbook writer {name!r} ({where}): use {' or '.join(ENGINES)}.")
    return Writer() if name == "plain" else FastWriter(parallel)
