"""An analyst takes every round of the demo (each layout's round and the one before) out of the
store as tidy tables, and finds in them exactly what each round's workbook showed.

The Parquet tables are written by pyarrow and read back here by DuckDB; the workbooks by
xlsxwriter and read by openpyxl; the CSV tables are opened by LibreOffice.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest
from click.testing import CliRunner
from workbook_reading import main_table, shown

from pipeline.cli.commands import cli
from pipeline.declare import LAYOUTS, Field
from pipeline.export import export
from pipeline.export.columns import tables
from pipeline.export.dictionary import dictionary, in_readme
from pipeline.round import travel

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
DUCKDB_TYPES = {"text": "VARCHAR", "date": "DATE", "datetime": "TIMESTAMP",
                "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN"}  # fmt: skip


def store_of(folder: Path) -> Path:
    return folder / "store" / "pipeline.sqlite"


@pytest.fixture(scope="module")
def parquet(demo_round, tmp_path_factory) -> Path:
    """The demo's store exported as Parquet."""
    _, folder, _ = demo_round
    out = tmp_path_factory.mktemp("parquet")
    export(store_of(folder), out, "parquet")
    return out


def read(out: Path, table: str) -> list[dict[str, Any]]:
    """A Parquet table as DuckDB reads it, one dict per row."""
    found = duckdb.sql(f"SELECT * FROM '{out / table}.parquet'")
    names = [d[0] for d in found.description]
    return [dict(zip(names, row)) for row in found.fetchall()]


def workbook_tables(path: Path, sheets: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Each sheet's main table of a consolidated workbook, as dicts of the values shown (the
    workbook opened once)."""
    book = openpyxl.load_workbook(path)
    found = {}
    for sheet in sheets:
        left, top, right, bottom = main_table(book[sheet])
        rows = list(book[sheet].iter_rows(min_row=top, max_row=bottom, min_col=left,
                                          max_col=right, values_only=True))  # fmt: skip
        found[sheet] = [dict(zip(rows[0], map(shown, r))) for r in rows[1:]
                        if any(v is not None for v in r)]  # fmt: skip
    return found


def workbook_of(folder: Path, as_of: date) -> Path:
    """The workbook of the demo's run on ``as_of`` (the rounds before sit in earlier-rounds/)."""
    name = f"consolidated-{as_of.isoformat()}.xlsx"
    here = folder / name
    return here if here.exists() else folder / "earlier-rounds" / name


def _day(value: Any) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def test_every_round_of_the_demo_is_in_the_tables_as_its_workbook_showed_it(demo_round, parquet):
    _, folder, _ = demo_round
    rounds = read(parquet, "rounds")
    assert Counter(r["layout"] for r in rounds) == dict.fromkeys(LAYOUTS, 2)
    tables_ = {name: read(parquet, name) for name in ("returns", "plans", "rows", "flags",
                                                      "findings")}  # fmt: skip
    for as_of in sorted({r["as_of"] for r in rounds}):
        run = {(r["layout"], r["round"]) for r in rounds if r["as_of"] == as_of}
        mine = {name: [x for x in rows if (x["layout"], x["round"]) in run]
                for name, rows in tables_.items()}  # fmt: skip
        layouts = [LAYOUTS[layout] for layout, _ in sorted(run)]
        sheets = ["Overview", "Returns Log", "Findings", "Gap Flags",
                  *(x.hooks.rows().sheet_name for x in layouts)]  # fmt: skip
        shown = workbook_tables(workbook_of(folder, as_of), sheets)
        _same_plans(shown["Overview"], mine["plans"])
        _same_rows(shown, mine["rows"], layouts)
        log = shown["Returns Log"]
        assert Counter((r["File"], r["Status"], r["Organisation"], r["Received"]) for r in log) \
            == Counter((r["file"], r["status"], r["organisation"], r["received"])
                       for r in mine["returns"])  # fmt: skip
        assert Counter((f["Organisation"], f["Severity"], f["Rule"], f["Cell"],
                        f["Message"], f["What to do"]) for f in shown["Gap Flags"]) \
            == Counter((f["organisation"], f["severity"], f["rule_title"], f["cell"],
                        f["message"], f["to_do"]) for f in mine["flags"])  # fmt: skip
        assert Counter((f["File"], f["Cell"], f["Severity"], f["Message"])
                       for f in shown["Findings"]) \
            == Counter((f["file"], f["cell"], f["severity"], f["message"])
                       for f in mine["findings"])  # fmt: skip
    # the demo's stories are there to be found: a late return, a worsening plan, rows that
    # changed since the round before, red flags, and a file rejected but matched to its owner
    assert any(r["late"] for r in rounds if r["late"] is not None)
    assert travel.WORSENING in {p["direction"] for p in tables_["plans"]}
    assert "status changed" in {r["changed"] for r in tables_["rows"]}
    assert {"Red", "Amber"} <= {f["severity"] for f in tables_["flags"]}
    slough = [r for r in tables_["returns"] if r["file"] == "Slough action plan.docx"]
    assert [(r["status"], r["organisation"], r["matched_by"]) for r in slough] == [
        ("rejected", "Slough", "its name")
    ]


def _same_plans(overview: list[dict], plans: list[dict]) -> None:
    """The Overview's row for each organisation says what its plan's row says."""
    assert len(overview) == len(plans)
    short = {x.short_title: x for x in LAYOUTS.values()}
    shown = {row["Layout"] for row in overview}
    in_round = [x for x in LAYOUTS.values() if x.short_title in shown]  # (as titles say)
    mine = {(p["layout"], p["organisation"]): p for p in plans}
    for row in overview:
        layout = short[row["Layout"]]
        plan = mine[(layout.name, row["Organisation"])]
        assert row["Received"] == ("Yes" if plan["returned"] else "No")
        assert _day(row["Date of update"]) == plan["updated"]
        assert row["Days since update"] == plan["days_since_update"]
        assert row["Confidence (its own)"] == plan["stated_confidence"]
        from_rows = next(title for title in row if title.startswith("Confidence (from its"))
        assert row[from_rows] == plan["rows_confidence"]
        assert row["Previous confidence"] == plan["previous_position"]
        assert (row["Direction"] or "").split(" ", 1)[-1] == (plan["direction"] or "")
        assert (row["Red flags"], row["Amber flags"]) == (plan["red_flags"], plan["amber_flags"])
        for measure in layout.hooks.measures():
            title = measure.heading(in_round)
            assert row[title] == plan[measure.name], (row["Organisation"], measure.name)


def _same_rows(shown: dict[str, list[dict]], rows: list[dict], layouts: list) -> None:
    """Each rows sheet (Actions, Tasks, ...) lists the layout's rows of the round, each with
    the status it had last round and what changed, as the rows table has them."""
    for layout in layouts:
        reference = layout.field(layout.reference).reported_as
        sheet = shown[layout.hooks.rows().sheet_name]
        mine = [r for r in rows if r["layout"] == layout.name]
        assert len(sheet) == len(mine) > 0
        said = Counter((r["Organisation"], r[reference], r["Status last round"], r["Changed"],
                        r["Overdue"] == "Yes") for r in sheet)  # fmt: skip
        assert said == Counter((r["organisation"], r["ref"], r["status_last_round"],
                                r["changed"], r["overdue"]) for r in mine)  # fmt: skip


def test_dates_are_dates_and_numbers_are_numbers_in_parquet(parquet):
    for table in tables():
        described = duckdb.sql(f"DESCRIBE SELECT * FROM '{parquet / table.name}.parquet'")
        types = {name: kind for name, kind, *_ in described.fetchall()}
        assert types == {c.name: DUCKDB_TYPES[c.type] for c in table.columns}, table.name
    [round_] = [r for r in read(parquet, "rounds") if r["round"] == "2026-11-16"]
    assert (round_["period_start"], round_["period_end"]) == (date(2026, 11, 16),
                                                              date(2026, 11, 29))  # fmt: skip
    assert round_["due_date"] == date(2026, 11, 18) and round_["expected"] == 44
    targets = [p["reduction_target"] for p in read(parquet, "plans") if p["reduction_target"]]
    assert targets and all(isinstance(t, float) for t in targets)


def test_the_csv_tables_open_in_libreoffice_with_dates_as_dates(demo_round, tmp_path, libreoffice):
    _, folder, _ = demo_round
    out = tmp_path / "csv"
    made = export(store_of(folder), out)
    # the Text Import a person gets in LibreOffice: comma separated, UTF-8 (its BOM says so)
    libreoffice.convert([out / f"{name}.csv" for name in ("rounds", "plans", "rows")], "xlsx",
                        tmp_path / "opened", seconds=300, infilter="CSV:44,34,76,1")  # fmt: skip
    opened = {name: openpyxl.load_workbook(tmp_path / "opened" / f"{name}.xlsx").active
              for name in ("rounds", "plans", "rows")}  # fmt: skip
    counted = {t.table: t.rows for t in made.tables}
    for name, sheet in opened.items():
        header = [c.value for c in sheet[1]]
        assert header == [c.name for c in next(t for t in tables() if t.name == name).columns]
        assert sheet.max_row == counted[name] + 1
        assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"], name
    rounds = _by_name(opened["rounds"])
    assert all(c.is_date for r in rounds for c in (r["period_start"], r["as_of"]))
    assert all(c.data_type == "n" for r in rounds for c in (r["expected"], r["received"]))
    plans = _by_name(opened["plans"])
    received = [p["received"] for p in plans if p["received"].value is not None]
    assert received and all(isinstance(c.value, datetime) for c in received)
    assert {p["returned"].value for p in plans} == {True, False}
    assert any(isinstance(p["reduction_target"].value, float | int) for p in plans)
    # Derby's notes hold a HYPERLINK formula: in the CSV it is text, and stays text
    notes = [r["notes"].value for r in _by_name(opened["rows"])
             if str(r["notes"].value).startswith("'=HYPERLINK(")]  # fmt: skip
    assert notes


def _by_name(sheet: Any) -> list[dict[str, Any]]:
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, row)) for row in sheet.iter_rows(min_row=2)]


def test_the_pipeline_command_writes_parquet_as_the_library_does(demo_round, parquet, tmp_path):
    # The command's own process is told pyarrow is not there (pandas would load it for
    # nothing in every run); export takes it back.
    _, folder, _ = demo_round
    done = subprocess.run([sys.executable, "-m", "pipeline", "export", "--format", "parquet",
                           "--store", str(store_of(folder)), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    for table in tables():
        assert read(tmp_path / "out", table.name) == read(parquet, table.name), table.name


def test_in_a_project_pipeline_export_writes_where_the_project_file_says(demo_round, tmp_path,
                                                                         monkeypatch):  # fmt: skip
    _, folder, _ = demo_round
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(tmp_path / "returns")]).exit_code == 0
    shutil.copy(store_of(folder), tmp_path / "returns" / "outbox" / "pipeline.sqlite")
    monkeypatch.chdir(tmp_path / "returns")
    result = runner.invoke(cli, ["export"])
    assert result.exit_code == 0, result.output
    assert "Exported 8 round(s)" in result.output
    assert sorted(p.name for p in Path("outbox/export").iterdir()) == sorted(
        f"{t.name}.csv" for t in tables()
    )
    last = runner.invoke(cli, ["export", "--format", "parquet", "--rounds", "1"])
    assert last.exit_code == 0, last.output
    rounds = read(Path("outbox/export"), "rounds")
    assert {r["as_of"] for r in rounds} == {date(2026, 11, 20)}
    assert len(rounds) == len(LAYOUTS)
    one = next(iter(LAYOUTS))
    only = runner.invoke(cli, ["export", "--format", "parquet", "--layout", one])
    assert only.exit_code == 0 and {r["layout"] for r in read(Path("outbox/export"), "plans")} \
        == {one}  # fmt: skip


def test_no_store_is_one_sentence(tmp_path):
    result = CliRunner().invoke(cli, ["export", "--store", str(tmp_path / "none.sqlite"),
                                      "--out", str(tmp_path / "out")])  # fmt: skip
    assert result.exit_code == 1
    assert "does not exist: run `pipeline run` first" in result.output
    assert "Traceback" not in result.output


def test_a_file_in_the_way_of_the_export_folder_is_one_sentence_and_is_left_alone(
    demo_round, tmp_path
):
    _, folder, _ = demo_round
    (tmp_path / "tables").write_text("not a folder")
    result = CliRunner().invoke(cli, ["export", "--store", str(store_of(folder)),
                                      "--out", str(tmp_path / "tables" / "2026")])  # fmt: skip
    assert result.exit_code == 1
    assert f"{tmp_path / 'tables'} is in the way" in result.output
    assert "Traceback" not in result.output
    assert (tmp_path / "tables").read_text() == "not a folder"


def test_a_round_recorded_before_the_store_kept_rounds_whole_is_named_and_left_out(
    demo_round, tmp_path
):
    _, folder, _ = demo_round
    store = tmp_path / "pipeline.sqlite"
    shutil.copy(store_of(folder), store)
    db = sqlite3.connect(store)
    layout, round_id = db.execute("SELECT layout, round FROM rounds ORDER BY start").fetchone()
    with db:  # as an earlier version of the pipeline left it: the round's plans, no record
        for table in ("rounds", "round_files", "flags"):
            db.execute(f"DELETE FROM {table} WHERE layout = ? AND round = ?", (layout, round_id))
    db.close()
    result = CliRunner().invoke(cli, ["export", "--store", str(store), "--format", "parquet",
                                      "--out", str(tmp_path / "out")])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Exported 7 round(s)" in result.output
    assert "Not exported: 1 round(s)" in result.output and f"{layout} {round_id}" in result.output
    assert (layout, round_id) not in {(p["layout"], p["round"])
                                      for p in read(tmp_path / "out", "plans")}  # fmt: skip


def test_the_readme_data_dictionary_is_the_declared_one():
    assert in_readme(README) == dictionary(), (
        "the README's data dictionary is not the tables' declaration: write it again with "
        "`python -m pipeline.export.dictionary README.md`"
    )


def test_a_layouts_own_fields_are_columns_and_one_name_has_one_type():
    from test_toy_layout import CHECKLIST

    with LAYOUTS.registered(CHECKLIST):
        rows = next(t for t in tables() if t.name == "rows")
        done = next(c for c in rows.columns if c.name == "done")
        assert (done.type, done.layouts) == ("boolean", (CHECKLIST.name,))
    dated = {f.name for x in LAYOUTS.values() for f in x.columns if f.kind.value == "date"}
    clash = replace(CHECKLIST, columns=(*CHECKLIST.columns, Field(sorted(dated)[0], "When")))
    with LAYOUTS.registered(clash), pytest.raises(ValueError, match="another name"):
        tables()
