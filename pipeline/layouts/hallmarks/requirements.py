"""The requirements list every Hallmarks template starts with: one row per numbered guidance
item of seed 003 (its Ref, Section, Type, Hallmark and Requirement), read from
``requirements.csv``. How the list was transcribed, and the judgement calls made, are in
``requirements-notes.md``; the items the seed has lost the text of, in
``requirements-missing.csv``."""

from __future__ import annotations

import csv
import io
from importlib import resources
from typing import Any


def read_requirements() -> tuple[dict[str, Any], ...]:
    """The shipped requirements list, in the guidance's order."""
    text = resources.files(__package__).joinpath("requirements.csv").read_text("utf-8")
    return tuple(dict(row) for row in csv.DictReader(io.StringIO(text)))


ROWS = read_requirements()
