"""Everything particular to a layout is in its package: the rest of the pipeline (the demo
too, which plays each layout's partners from their packages) loops over the registry and
never names one."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

from pipeline.declare import LAYOUTS

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _named(name: str) -> list[str]:
    """Where code outside ``name``'s package names it: a string, or an import of it."""
    word = re.compile(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])")
    places = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE).as_posix()
        if where.startswith(f"layouts/{name}/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            text = None
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = None if id(node) in docs else node.value
            elif isinstance(node, ast.ImportFrom):
                text = " ".join([node.module or "", *(a.name for a in node.names)])
            elif isinstance(node, ast.Import):
                text = " ".join(a.name for a in node.names)
            if text is not None and word.search(text.replace(".", " ")):
                places.append(f"{where}:{node.lineno}")
    return places


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_no_module_outside_a_layouts_package_names_it(name):
    assert _named(name) == []


def test_the_scan_finds_a_name_where_code_uses_it():
    # "tables" is no layout, but the workbook imports it and names its sheets' tables: the
    # scan must find both kinds of use, or the test above could not fail
    found = _named("tables")
    assert "report/workbook.py" in " ".join(found) and len(found) > 1


def test_every_layout_is_found_in_the_package_of_its_name():
    for name, layout in LAYOUTS.items():
        assert layout.name == name
        assert (PACKAGE / "layouts" / name / "__init__.py").exists()


def test_a_package_dropped_beside_the_layouts_is_found_and_its_report_loaded_when_needed(
    tmp_path, monkeypatch
):
    from pipeline.declare import Registry

    package = tmp_path / "more_layouts" / "checklist"
    package.mkdir(parents=True)
    (package.parent / "__init__.py").write_text("")
    (package / "__init__.py").write_text(
        "from pipeline.declare import Field, Layout\n"
        "from pipeline.declare.hooks import LayoutHooks, Rows\n"
        "from pipeline.declare.progress import ActionProgress\n"
        "from pipeline.declare.rounds import Cadence\n"
        "class Hooks(LayoutHooks):\n"
        "    def rows(self):\n"
        "        return Rows('item')\n"
        "    def report(self):\n"
        "        from .report import REPORT\n"
        "        return REPORT\n"
        "LAYOUT = Layout(name='checklist', title='Checklist', short_title='Checklist',\n"
        "    sheet='Checklist', hooks=Hooks(),\n"
        "    header=(Field('team', 'Team', register_column='team'),),\n"
        "    columns=(Field('item', 'Item'), Field('done', 'Done')), key='team',\n"
        "    cadence=Cadence.FORTNIGHT, guidance='',\n"
        "    progress=ActionProgress('done', 'item', ('Yes',), frozenset({'Yes'}),\n"
        "                            frozenset({'Yes'}), frozenset()))\n"
    )
    (package / "report.py").write_text(
        "from pipeline.declare.reporting import LayoutReport\n"
        "REPORT = LayoutReport(notes=('Loaded when first asked for.',))\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = Registry("more_layouts", [str(package.parent)])
    assert list(registry) == ["checklist"]
    assert "more_layouts.checklist.report" not in sys.modules
    assert registry["checklist"].hooks.report().notes == ("Loaded when first asked for.",)
    assert "more_layouts.checklist.report" in sys.modules


def test_a_package_beside_the_layouts_that_declares_none_is_named(tmp_path, monkeypatch):
    from pipeline.declare import Registry

    (tmp_path / "odd_layouts" / "notes").mkdir(parents=True)
    (tmp_path / "odd_layouts" / "__init__.py").write_text("")
    (tmp_path / "odd_layouts" / "notes" / "__init__.py").write_text("SOMETHING = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = Registry("odd_layouts", [str(tmp_path / "odd_layouts")])
    with pytest.raises(TypeError, match=r"odd_layouts\.notes must declare LAYOUT"):
        list(registry)
