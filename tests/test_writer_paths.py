"""Two paths write the workbook: the fast one, which relies on xlsxwriter's internals, and a
plain one that uses only its public API (for the day an xlsxwriter release breaks the fast
one). A manager must not be able to tell which wrote the workbook they open."""

from __future__ import annotations

import ast
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from builders import AS_OF, action, p44_return
from click.testing import CliRunner
from workbook_reading import main_table

from pipeline.cli.commands import cli
from pipeline.errors import UsageError
from pipeline.report.engine import ENGINES, ENVIRONMENT, choose
from pipeline.report.workbook import write_consolidated

REPORT = Path(__file__).resolve().parent.parent / "pipeline" / "report"
FAST_PARTS = {"fast.py", "streaming.py", "parallel.py"}  # what relies on xlsxwriter's internals


@pytest.fixture(scope="module")
def demo_consolidation(demo_run):
    """The demo round's consolidation (read again from its inbox, so direction of travel is
    there too)."""
    return demo_run.consolidation


def _both(c: Any, folder: Path, **options: Any) -> dict[str, Path]:
    return {e: write_consolidated(c, folder / f"{e}.xlsx", engine=e, **options) for e in ENGINES}


@pytest.fixture(scope="module")
def demo_written(demo_consolidation, tmp_path_factory) -> dict[str, Path]:
    """The demo round's workbook written by each path: {engine: path}."""
    return _both(demo_consolidation, tmp_path_factory.mktemp("written"))


def what_a_manager_sees(path: Path) -> dict[str, dict[str, Any]]:
    """Each sheet's cell values, merged ranges, links, column widths, row heights, tables,
    frozen panes and conditional formats, read back with openpyxl."""
    book = openpyxl.load_workbook(path)
    seen = {}
    for ws in book.worksheets:
        cells = {c.coordinate: c.value for row in ws.iter_rows() for c in row
                 if c.value is not None}  # fmt: skip
        links = {c.coordinate: (c.hyperlink.target, c.hyperlink.location)
                 for row in ws.iter_rows() for c in row if c.hyperlink}  # fmt: skip
        widths = ws.column_dimensions.items()
        seen[ws.title] = {
            "state": ws.sheet_state,
            "cells": cells,
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "links": links,
            "widths": {k: (d.min, d.max, d.width) for k, d in widths if d.customWidth},
            "heights": {r: d.height for r, d in ws.row_dimensions.items() if d.height},
            "tables": sorted((t.name, t.ref) for t in ws.tables.values()),
            "frozen": ws.freeze_panes,
            "print titles": ws.print_title_rows,
            "conditional": sorted(str(cf.sqref) for cf in ws.conditional_formatting),
        }
    return seen


def assert_same_to_a_manager(fast: Path, plain: Path) -> dict[str, dict[str, Any]]:
    """What a manager sees in both, which is the same; returns it."""
    mine, theirs = what_a_manager_sees(fast), what_a_manager_sees(plain)
    assert list(mine) == list(theirs)
    for sheet, seen in mine.items():
        for what, value in seen.items():
            assert theirs[sheet][what] == value, (sheet, what)
    return theirs


def test_the_demo_rounds_workbook_is_the_same_whichever_path_writes_it(demo_written):
    seen = assert_same_to_a_manager(demo_written["fast"], demo_written["plain"])
    leeds = seen["Leeds"]
    assert leeds["links"] and leeds["tables"] and leeds["heights"]  # (something was compared)


def test_a_large_round_is_the_same_whichever_path_writes_it(demo_consolidation, tmp_path):
    written = _both(demo_consolidation, tmp_path, organisation_sheets=10)
    assert_same_to_a_manager(written["fast"], written["plain"])
    assert "Leeds" not in openpyxl.load_workbook(written["plain"], read_only=True).sheetnames


def test_the_plain_path_keeps_to_xlsxwriters_public_api(demo_written):
    # the fast path writes table texts inline, streamed; the plain one leaves them to
    # xlsxwriter's shared strings
    written = demo_written
    with zipfile.ZipFile(written["fast"]) as fast, zipfile.ZipFile(written["plain"]) as plain:
        assert b't="inlineStr"' in fast.read("xl/worksheets/sheet5.xml")  # (Calendar of Events)
        assert b't="inlineStr"' not in b"".join(
            plain.read(n) for n in plain.namelist() if n.startswith("xl/worksheets/sheet")
        )


def test_ops_choose_the_plain_path_with_an_environment_variable(inbox, registers, tmp_path):
    p44_return(inbox, rows=[action("A01"), action("A02")])
    outbox = tmp_path / "outbox"
    done = CliRunner().invoke(
        cli, ["run", "--inbox", str(inbox), "--outbox", str(outbox), "--register",
              str(registers["p44"]), "--as-of", AS_OF.isoformat()],
        env={ENVIRONMENT: "plain"},
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    [workbook] = outbox.glob("consolidated-*.xlsx")
    with zipfile.ZipFile(workbook) as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any(b't="inlineStr"' in xml for xml in sheets)
    actions = openpyxl.load_workbook(workbook)["Actions"]
    _, top, _, _ = main_table(actions)
    assert [row[1] for row in actions.iter_rows(min_row=top + 1, max_col=2, values_only=True)] == [
        "A01", "A02"
    ]  # fmt: skip


def test_the_writer_is_chosen_by_parameter_then_environment_then_fast(monkeypatch):
    monkeypatch.delenv(ENVIRONMENT, raising=False)
    assert choose().name == "fast"
    monkeypatch.setenv(ENVIRONMENT, "plain")
    assert choose().name == "plain"
    assert choose("fast").name == "fast"
    monkeypatch.setenv(ENVIRONMENT, "quick")
    with pytest.raises(UsageError, match=f"{ENVIRONMENT}.*fast"):
        choose()


def test_only_the_fast_paths_own_modules_touch_xlsxwriters_internals():
    # (the layout code talks to report.writer; only report.engine may reach the fast path)
    for module in sorted(REPORT.glob("*.py")):
        if module.name in FAST_PARTS:
            continue
        tree = ast.parse(module.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                owner = node.value.id if isinstance(node.value, ast.Name) else None
                private = re.match(r"_[a-z]", node.attr) and owner not in ("self", "cls")
                assert not private and node.attr != "constant_memory", (module.name, node.attr)
            if isinstance(node, ast.ImportFrom) and node.level and node.module in (
                "fast", "streaming", "parallel"
            ):  # fmt: skip
                assert module.name == "engine.py", (module.name, node.module)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_workbook_that_cannot_be_written_fails_as_any_failed_write_does(tmp_path, engine):
    # xlsxwriter wraps the OSError in its own FileCreateError; the seam gives back the OSError,
    # which the run turns into a sentence (a full disk: "The outbox ... is full")
    writer = choose(engine, parallel=False)
    book = writer.open(tmp_path / "no such folder" / "book.xlsx", large=False, tmpdir=None)
    writer.sheet(book, "Overview")
    with pytest.raises(FileNotFoundError):
        writer.close(book)
