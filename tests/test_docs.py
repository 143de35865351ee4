"""The README says what works, and what it says works."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.cli import cli
from pipeline.layouts import LAYOUTS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def test_the_two_commands_come_first():
    first_block = README.split("```sh", 1)[1].split("```", 1)[0]
    assert [line.split()[0:2] for line in first_block.strip().splitlines()] == [
        ["make", "demo"],
        ["make", "test"],
    ]


def test_every_command_is_in_the_readme():
    for name in cli.commands:
        assert f"pipeline {name}" in README, name


def test_every_make_target_the_readme_names_exists():
    for target in set(re.findall(r"`make (\w+)`", README)) | {"demo", "test"}:
        assert re.search(rf"^{target}:", MAKEFILE, re.MULTILINE), target


def test_register_columns_in_the_readme_are_the_declared_ones():
    for layout in LAYOUTS.values():
        columns = ",".join(f.register_column for f in layout.register_fields)
        assert f"`{columns}`" in README, layout.name


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
