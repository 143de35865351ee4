"""Shared fixtures: an inbox and registers in a temporary folder, the demo round (made once per
test run) and LibreOffice (one profile for all its conversions).

How a test uses what is shared:

- ``demo_round``: the demo, made and run once through the command (``pipeline demo``) for the
  whole test run, shared by the processes ``make test`` runs the tests in:
  ``output, folder, workbook = demo_round``. Read it; never write into ``folder``. A test
  that must change the demo's files copies what it needs
  (``shutil.copytree(folder / "inbox", tmp_path / "inbox")``). Do not make another demo
  round (``make_demo``, ``pipeline demo``) unless running the demo is what is tested.
- ``demo_run``: the same round read again by the library (``pipeline.run.run`` on the demo's
  inbox, with a copy of its store), for a test that needs the ``Consolidation`` itself (to
  write the workbook another way): ``demo_run.consolidation``, ``demo_run.path``.
- ``workbook_reading.saved_book(path)``: a workbook loaded with openpyxl once while the file
  is unchanged (``sheet_records`` uses it): the demo's takes a second or more to load.
- ``libreoffice``: ``libreoffice.convert(paths, "pdf", folder)`` converts several files with
  one start of LibreOffice, with the process's one profile, and gives back the converted
  paths in order; the target is whatever ``soffice --convert-to`` takes (``"ods"``,
  ``"xls"``, ``"xlsx:Calc MS Excel 2007 XML"``). The test is skipped, saying why, where
  LibreOffice is not installed. Convert every file a test (or a module's fixture) needs in
  one call; a module whose tests print the same files converts them in a module-scoped
  fixture (see ``test_print.printed``). ``tests/pdf_pages.py`` measures a PDF's pages
  quickly.
- A test that costs more than a few seconds and proves what a quicker one does not is marked
  ``@pytest.mark.slow``: ``make test`` leaves it out, ``make test-all`` (and CI) runs it.
  Tests using LibreOffice are marked ``libreoffice`` here, so the spawned re-run (which is
  about the pipeline's own processes) leaves them out.
- ``make test`` runs the tests in two processes (pytest-xdist, a file to a process): a
  module-scoped fixture is made once, but a session-scoped one once in each process unless
  it is shared as ``demo_round`` is.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from builders import write_registers
from filelock import FileLock

from pipeline.system import libreoffice as office

LIBREOFFICE_FIXTURES = {"libreoffice", "soffice"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test that starts LibreOffice ``libreoffice``."""
    for item in items:
        if LIBREOFFICE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.libreoffice)


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """An empty inbox folder."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


@pytest.fixture
def registers(tmp_path: Path) -> dict[str, Path]:
    """The p44 and three_year registers (Leeds, Bradford, Salford; Housing, Finance)."""
    return write_registers(tmp_path / "registers")


@pytest.fixture(scope="session")
def soffice() -> str:
    """LibreOffice's command (skips the test, saying why, where it is not installed). Prefer
    ``libreoffice``, which shares one profile and converts files in batches."""
    found = office.find()  # where the pipeline finds it
    if found is None:
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs it")
    return found


# a profile that makes no thumbnail for each document it writes (quicker)
NO_THUMBNAILS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry">
<item oor:path="/org.openoffice.Office.Common/Save/Document">
<prop oor:name="GenerateThumbnail" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


@dataclass(frozen=True)
class LibreOffice:
    """LibreOffice, headless, with one profile for every conversion of the test run."""

    program: str
    profile: Path

    def convert(
        self, paths: list[Path], to: str, folder: Path, seconds: int = 600, infilter: str = ""
    ) -> list[Path]:
        """``paths`` converted to ``to`` (a ``--convert-to`` target: ``"pdf"``, ``"ods"``,
        ``"xlsx:Calc MS Excel 2007 XML"``) in ``folder``, with one start of LibreOffice (read
        with ``infilter``, as ``--infilter`` takes it, where given); the converted files, in
        the order of ``paths`` (a sheet saved as CSV is named ``<name>-<sheet>.csv``)."""
        paths = [Path(p) for p in paths]
        stems = [p.stem for p in paths]
        assert len(set(stems)) == len(stems), f"two files would convert to one name: {stems}"
        folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [self.program, "--headless", f"-env:UserInstallation={self.profile.as_uri()}",
             *([f"--infilter={infilter}"] if infilter else []),
             "--convert-to", to, "--outdir", str(folder), *map(str, paths)],
            capture_output=True, text=True, timeout=seconds,
        )  # fmt: skip
        made = [_converted(folder, stem, to.split(":")[0]) for stem in stems]
        missing = [stem for stem, path in zip(stems, made, strict=True) if path is None]
        assert done.returncode == 0 and not missing, (missing, done.stdout, done.stderr)
        return made


def _converted(folder: Path, stem: str, extension: str) -> Path | None:
    """The file LibreOffice made of ``stem`` in ``folder``, or None."""
    whole = folder / f"{stem}.{extension}"
    if whole.is_file():
        return whole
    sheets = list(folder.glob(f"{glob.escape(stem)}-*.{extension}"))
    return sheets[0] if len(sheets) == 1 else None


@pytest.fixture(scope="session")
def libreoffice(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> LibreOffice:
    """LibreOffice with the test run's one profile (see the module's docstring)."""
    profile = tmp_path_factory.mktemp("libreoffice-profile")
    (profile / "user").mkdir()
    (profile / "user" / "registrymodifications.xcu").write_text(NO_THUMBNAILS)
    return LibreOffice(soffice, profile)


@pytest.fixture(scope="session")
def demo_round(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, Path]:
    """The demo round, made and run once through the command (``pipeline demo``) for the
    whole test run, however many processes run the tests: its output, its folder and its
    consolidated workbook."""
    shared = _run_folder(tmp_path_factory)
    done = shared / "demo-output.txt"
    with FileLock(shared / "demo.lock"):  # the first process to need it makes it
        if not done.exists():
            from click.testing import CliRunner

            from pipeline.cli.commands import cli

            result = CliRunner().invoke(cli, ["demo", "--dir", str(shared / "demo")])
            assert result.exit_code == 0, result.output
            done.write_text(result.output, encoding="utf-8")
    folder = shared / "demo"
    return done.read_text(encoding="utf-8"), folder, folder / "consolidated-2026-11-20.xlsx"


def _run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test run's own temporary folder, shared by every process running its tests (each
    process of pytest-xdist has a folder of its own inside it)."""
    mine = tmp_path_factory.getbasetemp()
    return mine.parent if os.environ.get("PYTEST_XDIST_WORKER") else mine


@pytest.fixture(scope="session")
def demo_run(demo_round, tmp_path_factory):
    """The demo round read again from its inbox by the library, with a copy of its store (so
    direction of travel is there too): a ``RunResult`` with its ``consolidation`` and the
    workbook it wrote (``path``)."""
    from pipeline.run import run

    _, folder, _ = demo_round
    work = tmp_path_factory.mktemp("demo-run")
    shutil.copytree(folder / "store", work / "store")
    registers = sorted((folder / "registers").glob("*.csv"))
    return run(folder / "inbox", work / "outbox", registers, date(2026, 11, 20),
               store_path=work / "store" / "pipeline.sqlite")  # fmt: skip
