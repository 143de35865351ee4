"""Installed like any Python tool: a wheel built from the package, installed into a fresh
virtual environment, runs from any folder (as an analyst's laptop would have it, with no
source tree and no make)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from email.parser import Parser
from importlib.metadata import Distribution, distribution
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from python_calamine import CalamineWorkbook

from pipeline.declare import LAYOUTS

ROOT = Path(__file__).resolve().parent.parent
BUILD_FROM = ("pyproject.toml", "README.md", "pipeline")  # what a wheel is made of


def _run(command: list, cwd: Path, seconds: int = 900, **env: str) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True,
                          timeout=seconds, env={**os.environ, **env})  # fmt: skip
    assert done.returncode == 0, f"{command}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The scripts folder of a fresh virtual environment with the wheel installed, and beside
    it the packages the wheel says it needs, and theirs, taken from the environment the tests
    run in (as ``--system-site-packages`` would take the system's): nothing is downloaded,
    and a package the wheel needs but does not declare is not there."""
    here = tmp_path_factory.mktemp("wheel")
    source = here / "source"  # a copy, so that building leaves nothing in the repository
    source.mkdir()
    for name in BUILD_FROM:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy2
        copy(ROOT / name, source / name)
    shutil.rmtree(source / "pipeline" / "__pycache__", ignore_errors=True)
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
          "--wheel-dir", here / "dist", source], cwd=here)  # fmt: skip
    [wheel] = (here / "dist").glob("action_plan_returns-*.whl")  # the distribution's name
    venv = here / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=here)
    site = Path(sysconfig.get_path("purelib", vars={"base": venv, "platbase": venv}))
    for dist in _needed(_requires(wheel)):
        _link(dist, site)
    scripts = venv / ("Scripts" if os.name == "nt" else "bin")
    python = scripts / ("python.exe" if os.name == "nt" else "python")
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-index",
          wheel], cwd=here)  # fmt: skip
    return scripts


def _requires(wheel: Path) -> list[str]:
    """What the wheel's metadata says it needs (``Requires-Dist``)."""
    with zipfile.ZipFile(wheel) as z:
        [metadata] = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
        return Parser().parsestr(z.read(metadata).decode()).get_all("Requires-Dist") or []


def _needed(requires: list[str]) -> list[Distribution]:
    """The installed distributions ``requires`` names (without extras), and those they need."""
    found: dict[str, Distribution] = {}
    wanted = [(Requirement(r), "") for r in requires]
    while wanted:
        requirement, extra = wanted.pop()
        if requirement.marker and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        if name not in found:
            found[name] = distribution(requirement.name)
            wanted += [(Requirement(r), e) for r in found[name].requires or ()
                       for e in ("", *requirement.extras)]  # fmt: skip
    return list(found.values())


def _link(dist: Distribution, site: Path) -> None:
    """Make ``dist`` importable from ``site`` by linking its top-level files and folders."""
    tops = {Path(f).parts[0] for f in dist.files or ()} - {"..", "__pycache__"}
    for top in tops:
        target = site / top
        if not target.exists():
            target.symlink_to(Path(dist.locate_file(top)), target_is_directory=True)


def test_the_installed_command_helps_from_any_folder_and_makes_a_project(installed, tmp_path):
    done = _run([installed / "pipeline", "--help"], cwd=tmp_path, seconds=120)
    for command in ("init", "templates", "check", "run", "mail", "history", "demo"):
        assert command in done.stdout
    where = _run([installed / "python", "-c", "import pipeline; print(pipeline.__file__)"],
                 cwd=tmp_path, seconds=120)  # fmt: skip
    assert Path(where.stdout.strip()).is_relative_to(installed.parent)  # not the source tree
    _run([installed / "pipeline", "init", "team"], cwd=tmp_path, seconds=120)
    examples = sorted(p.name for p in (tmp_path / "team" / "registers").iterdir())
    assert examples == sorted(f"{name}.csv" for name in LAYOUTS)  # each package's, in the wheel


@pytest.mark.slow  # a whole demo round, its processes spawned
def test_the_installed_demo_writes_its_workbook_from_another_folder(installed, tmp_path):
    """The demo's registers and the Hallmarks requirements travel inside the wheel. Its
    processes are spawned, as on Windows and macOS (where each worker imports the installed
    ``pipeline`` script's module again)."""
    elsewhere = tmp_path / "somewhere else"
    elsewhere.mkdir()
    done = _run([installed / "pipeline", "demo", "--dir", "round"], cwd=elsewhere,
                PIPELINE_START_METHOD="spawn")  # fmt: skip
    workbook = elsewhere / "round" / "consolidated-2026-11-20.xlsx"
    assert "Consolidated workbook:" in done.stdout and workbook.name in done.stdout
    book = CalamineWorkbook.from_path(str(workbook))
    assert {"Overview", "Requirements", "Delivery Plan", "Leeds"} <= set(book.sheet_names)
    overview = [cell for row in book.get_sheet_by_name("Overview").to_python() for cell in row]
    assert "Leeds" in overview and "Fenland CSP" in overview
