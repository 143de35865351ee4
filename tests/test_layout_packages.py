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


# Words a layout declares that generic code (everything outside pipeline/layouts/) may say too,
# each with the reason it is not that layout's particular. Anything else a layout's package
# declares (a field's title, a word of its closed lists, a sheet's name, its progress buckets)
# named in generic code is a layout particular that has leaked out of its package.
SHARED_WORDS = {
    "Red": "the pipeline's own severity and RAG scale (declare.severity, declare.model.RAG), "
    "which layouts' closed lists reuse",
    "Amber": "the pipeline's own severity and RAG scale, as Red",
    "Green": "the pipeline's own RAG scale, as Red",
    "Complete": "a progress bucket every layout has (declare.progress.COMPLETE)",
    "Overdue": "a progress bucket every layout has (declare.progress.OVERDUE)",
    "No status": "a progress bucket every layout has (declare.progress.NO_STATUS)",
    "Worsening": "the direction of travel every plan is given since its last round "
    "(round.travel.WORSENING); a layout's own direction column may use the same words",
    "Organisation": "the heading every sheet gives its organisation column, whatever a "
    "layout calls its organisations",
    "Date of update": "the heading every sheet gives a plan's date of update "
    "(Layout.updated), whatever field a layout keeps it in",
    "Status": "the heading of a row's status now (status_now) and of a file's status",
    "Email": "the heading of the meeting pack's contact email, from the register",
}
# A word said in one place for a reason of its own, not a layout's.
SHARED_PLACES = {
    ("Type", "xlsx/package_parts.py"): "the Type attribute of an Office package relationship",
}


def _words(layout) -> set[str]:
    """What a layout's package declares that a reader sees: its titles, its fields' titles and
    closed lists' words, its sheets' names and its progress buckets."""
    fields = (*layout.fields, *layout.register_only)
    return {
        layout.title, layout.short_title, layout.sheet, layout.hooks.rows().sheet_name,
        *(f.title for f in fields), *(f.report_title for f in fields if f.report_title),
        *(v for f in fields if f.choices for v in f.choices.values),
        *(s.name for s in layout.hooks.report().sheets), *layout.progress.buckets,
    }  # fmt: skip


def _said(words: set[str]) -> list[str]:
    """Where generic code says one of ``words`` in a string (not a docstring): the whole string
    for a single word, anywhere in it for a phrase."""
    phrases = {w: re.compile(rf"(?<![A-Za-z0-9]){re.escape(w)}(?![A-Za-z0-9])") for w in words}
    places = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE).as_posix()
        if where.startswith("layouts/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
                continue
            if id(node) in docs:
                continue
            for word, phrase in phrases.items():
                said = node.value.strip() == word if " " not in word else phrase.search(node.value)
                if said and (word, where) not in SHARED_PLACES:
                    places.append(f"{word!r} at {where}:{node.lineno}")
    return places


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_no_generic_module_says_a_layouts_titles_statuses_or_sheet_names(name):
    assert _said(_words(LAYOUTS[name]) - set(SHARED_WORDS)) == []


def test_the_word_scan_finds_a_layouts_words_where_generic_code_says_them():
    # the words every layout shares are said in the reports: the scan must find them (a
    # single word as a whole string, a phrase within one), or the test above could not fail
    assert _said({"Red"}) and _said({"Date of update"})
    assert any("report/" in place for place in _said(set(SHARED_WORDS)))


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
        "from pipeline.declare.progress import ActionProgress\n"
        "from pipeline.declare.rounds import Cadence\n"
        "LAYOUT = Layout(name='checklist', title='Checklist', short_title='Checklist',\n"
        "    sheet='Checklist',\n"
        "    header=(Field('team', 'Team', register_column='team'),),\n"
        "    columns=(Field('item', 'Item'), Field('done', 'Done')), key='team',\n"
        "    cadence=Cadence.FORTNIGHT, guidance='',\n"
        "    progress=ActionProgress('done', 'item', ('Yes',), frozenset({'Yes'}),\n"
        "                            frozenset({'Yes'}), frozenset()))\n"
    )
    (package / "hooks.py").write_text(  # attached by the registry: the declaration has none
        "from pipeline.declare.hooks import LayoutHooks, Rows\n"
        "class Hooks(LayoutHooks):\n"
        "    def rows(self):\n"
        "        return Rows('item')\n"
        "    def report(self):\n"
        "        from .report import REPORT\n"
        "        return REPORT\n"
    )
    (package / "report.py").write_text(
        "from pipeline.declare.reporting import LayoutReport\n"
        "REPORT = LayoutReport(notes=('Loaded when first asked for.',))\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = Registry("more_layouts", [str(package.parent)])
    assert list(registry) == ["checklist"]
    assert "more_layouts.checklist.report" not in sys.modules
    assert registry["checklist"].hooks.rows().noun == "item"
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
