"""The README says what works, and what it says works."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import click

from pipeline.cli.commands import cli
from pipeline.declare import LAYOUTS

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


def test_every_command_and_option_has_help_text():
    for name, command in cli.commands.items():
        assert command.help and command.help.strip(), name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help and param.help.strip(), (name, param.name)
    assert all(p.help for p in cli.params if isinstance(p, click.Option))


def test_the_readme_names_nothing_outside_the_repository():
    assert "../" not in README and "shared/" not in README


def test_the_readme_installs_the_distribution_by_its_own_name():
    name = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["name"]
    wheel = name.replace("-", "_")
    assert f"pip install {wheel}-" in README and f"`{name}`" in README
    assert "pipeline" not in re.findall(r"pip install ([\w.-]+)\s", README)  # the other one


def test_every_make_target_the_readme_names_exists():
    for target in set(re.findall(r"`make (\w+)`", README)) | {"demo", "test"}:
        assert re.search(rf"^{target}:", MAKEFILE, re.MULTILINE), target


def test_register_columns_in_the_readme_are_the_declared_ones():
    for layout in LAYOUTS.values():
        columns = ",".join(f.register_column for f in layout.register_fields)
        assert f"`{columns}`" in README, layout.name


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
