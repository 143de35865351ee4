"""The pipeline runs where central teams work: Windows laptops and Macs as well as Linux.

A Linux machine cannot be Windows, but it can start processes as Windows does (spawned, not
forked: ``PIPELINE_START_METHOD=spawn``, with which CI runs the reading, checking, run and
hostile-file tests a second time), watch a worker's memory as it must where the system caps
none, write only names Windows can hold, and find LibreOffice where its installers put it.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from builders import AS_OF, action, fill_return, p44_return, pcc_action
from click.testing import CliRunner
from worker_jobs import failed_because, modules_after_loading

from pipeline.cli.commands import cli
from pipeline.reading.workers import load_all
from pipeline.returns import SourceFile
from pipeline.system import libreoffice
from pipeline.system.children import ENVIRONMENT, start_method
from pipeline.system.isolation import Isolation, run_isolated

HEAVY = ("pandas", "numpy", "pandera", "xlsxwriter", "pyarrow", "matplotlib")

# --- how child processes start ------------------------------------------------------------------


def test_children_start_the_platforms_way_unless_the_environment_says(monkeypatch):
    monkeypatch.delenv(ENVIRONMENT, raising=False)
    # forked only on Linux, up to Python 3.13 (from 3.14 its default is a fork server, whose
    # children are not the run's own: the pipeline spawns there too)
    forked = sys.platform.startswith("linux") and sys.version_info < (3, 14)
    assert start_method() == ("fork" if forked else "spawn")
    monkeypatch.setenv(ENVIRONMENT, " Spawn ")
    assert start_method() == "spawn"


def test_a_start_method_the_system_lacks_gets_a_sentence_before_anything_is_read(tmp_path, inbox):
    p44_return(inbox)
    env = {**os.environ, ENVIRONMENT: "threads"}
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", "--inbox", str(inbox), "--outbox",
         str(tmp_path / "out"), "--as-of", AS_OF.isoformat()],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    assert "PIPELINE_START_METHOD=threads is not a way this system can start" in done.stderr
    assert "spawn" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out" / "consolidated-2026-11-20.xlsx").exists()


def test_a_spawned_worker_reads_a_file_without_importing_anything_heavy(monkeypatch, inbox):
    """As on Windows: each worker is a fresh interpreter, and imports only the reading code
    (the parent's pandas is not copied into it, as a fork would)."""
    monkeypatch.setenv(ENVIRONMENT, "spawn")
    path = p44_return(inbox, rows=[action("A01")])
    source = SourceFile(path=path, name=path.name, sha256="x", size=path.stat().st_size)
    jobs = [(path, source)]
    [loaded] = load_all(jobs, Isolation(workers=1), meanwhile=None)
    assert not loaded.rejected and loaded.organisation == "Leeds"
    [imported] = run_isolated(modules_after_loading, jobs, failed_because, Isolation(workers=1))
    assert isinstance(imported, list), imported
    assert not set(imported) & set(HEAVY), imported


# --- names as Windows has them ------------------------------------------------------------------

WINDOWS_DEVICES = re.compile(r"^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$", re.IGNORECASE)


def windows_refuses(name: str) -> str | None:
    """Why Windows could not hold a file called ``name``, or None."""
    if set(name) & set('<>:"/\\|?*') or any(ord(c) < 32 for c in name):
        return "a character Windows forbids"
    if name.endswith((".", " ")):
        return "a trailing dot or space"
    if WINDOWS_DEVICES.match(name):
        return "a device name"
    if len(name) > 255:
        return "too long"
    return None


AWKWARD = ["Leeds", "CON", "Aux.", 'North <East>: "A|B"?*', "Trailing dot.", "Trailing space ",
           "../Up", "Über-Stadt", "lpt1"]  # fmt: skip


def test_every_file_written_has_a_name_windows_can_hold_and_no_two_differ_only_by_case(tmp_path):
    registers = tmp_path / "registers"
    registers.mkdir()
    (registers / "p44.csv").write_text("partnership\n" + "\n".join(f'"{n}"' for n in AWKWARD))
    (registers / "pcc.csv").write_text("organisation\nLEEDS\nnul\n")  # Leeds, in capitals
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    # partners' own file names, as a Linux or Mac inbox may hold them
    files = {"leeds.xlsx": "Leeds", "Leeds!.xlsx": "CON", "CON.xlsx": "Aux.", "a:b?.xlsx": "lpt1",
             "x. .xlsx": "Über-Stadt"}  # fmt: skip
    if os.name == "nt":  # names Windows itself would not let a partner save
        files = {name: org for name, org in files.items() if windows_refuses(name) is None}
    for name, partnership in files.items():  # each with a status typed by hand: feedback
        p44_return(inbox, name=name, partnership=partnership,
                   rows=[action("A01", status="Sort of")])  # fmt: skip
    police = {"organisation": "LEEDS", "quarter": "2026/27 Q3", "date_of_update": AS_OF}
    fill_return(inbox, "pcc_delivery", "Constabulary", police, [pcc_action("V01")], "police.xlsx")
    out = tmp_path / "out"
    runner = CliRunner()
    for layout, register in (("p44", "p44.csv"), ("pcc_delivery", "pcc.csv")):
        made = runner.invoke(cli, ["templates", "--layout", layout, "--register",
                                   str(registers / register), "--out",
                                   str(out / "templates")])  # fmt: skip
        assert made.exit_code == 0, made.output
    ran = runner.invoke(cli, ["run", "--inbox", str(inbox), "--outbox", str(out), "--register",
                              f"p44={registers / 'p44.csv'}", "--register",
                              f"pcc_delivery={registers / 'pcc.csv'}", "--as-of",
                              AS_OF.isoformat()])  # fmt: skip
    assert ran.exit_code == 0, ran.output

    written = [p for p in out.rglob("*") if ".pipeline-" not in str(p)]
    assert len(list((out / "templates").iterdir())) == len(AWKWARD) + 2
    assert len(list((out / "feedback").iterdir())) == len(files)
    for path in written:
        assert windows_refuses(path.name) is None, (path.name, windows_refuses(path.name))
    for folder in {p.parent for p in written}:
        names = [p.name.lower() for p in folder.iterdir()]
        assert len(names) == len(set(names)), folder
    sheets = openpyxl.load_workbook(out / "consolidated-2026-11-20.xlsx").sheetnames
    assert len({s.lower() for s in sheets}) == len(sheets)
    assert {"Leeds", "LEEDS (2)"} <= set(sheets), sheets


# Where the code puts a "/" into text, and why that is not a path Windows would misread.
SLASHES_ALLOWED = {
    "walk.py": "names shown to people: sub/file.xlsx, as the Returns Log has them",
    "safety.py": "names inside a workbook's zip, which always uses /",
    "package.py": "part names and XPath steps inside a workbook's package, which use /",
    "package_parts.py": "XPath steps inside a workbook's package parts, which use /",
    "grid.py": "XPath steps inside a workbook's sheet, which use /",
    "messages.py": "an attachment's name as a mail client gave it, either separator its own",
    "archive.py": "a key under the archive folder, joined to it with pathlib (which takes /)",
    "zips.py": "a name inside a zip, which always uses /: one holding the system's own separator "
    "is left to zipfile",
    "intake.py": "an upload's name shown to people, uploads/Leeds/..., as the inbox's names are",
    "receiving.py": "a file name as a browser sent it, either separator, cut to its last part",
    "rounds.py": "a financial year as people write it: 2025/26",
    "quarters.py": "a financial year as people write it: 2025/26",
}
PATH_BY_HAND = re.compile(r'"/"\.join|\.r?split\("/"|\+ "/"|"/" \+|f"[^"]*\}/\{|os\.sep|"\\\\"')


def test_no_path_is_made_by_joining_text_with_a_slash():
    """Paths are made with pathlib, so a Windows path (``C:\\Users\\...``) works the same."""
    package = Path(__file__).resolve().parent.parent / "pipeline"
    found = {
        source.name
        for source in package.rglob("*.py")
        for line in source.read_text(encoding="utf-8").splitlines()
        if PATH_BY_HAND.search(line.split("  #")[0])
    }
    assert found <= set(SLASHES_ALLOWED), sorted(found - set(SLASHES_ALLOWED))


# --- LibreOffice where its installers put it ----------------------------------------------------


def test_libreoffice_is_found_where_its_installer_put_it_when_it_is_not_on_the_path(
    tmp_path, monkeypatch
):
    program = tmp_path / "LibreOffice.app" / "Contents" / "MacOS" / "soffice"
    program.parent.mkdir(parents=True)
    program.write_text("#!/bin/sh\n")
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    assert libreoffice.find(installed=(tmp_path / "missing" / "soffice.exe", program)) == str(
        program
    )
    assert libreoffice.find(installed=(tmp_path / "missing" / "soffice.exe",)) is None


# --- what goes between processes ---------------------------------------------------------------


def test_a_layout_goes_to_another_process_by_its_name_and_a_variant_of_it_does_not():
    import dataclasses
    import pickle

    from pipeline.declare import LAYOUTS

    p44 = LAYOUTS["p44"]
    assert pickle.loads(pickle.dumps(p44)) is p44
    assert len(pickle.dumps(p44)) < 200  # its name, not its fields and functions
    variant = dataclasses.replace(p44, title="Something else")
    with pytest.raises(pickle.PicklingError, match="not the one registered under that name"):
        pickle.dumps(variant)
