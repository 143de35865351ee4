"""A national round: too many organisations for a sheet each, so the workbook is written row
by row (on the fast path, streamed, its plain sheets on two cores). Nothing a manager reads
may differ."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from workbook_reading import sheet_records

from pipeline.demo import make_demo
from pipeline.report.workbook import write_consolidated
from pipeline.report.writer import ENGINES
from pipeline.run import run

SHARED_SHEETS = ("Overview", "Needs attention", "Calendar of Events", "Gap Flags", "Actions",
                 "Tasks", "Council Plan Progress", "Contract Register", "Efficiency",
                 "Returns Log", "Findings")  # fmt: skip


@pytest.fixture(scope="module")
def demo_round(tmp_path_factory):
    """The demo's round (58 organisations, every usual mistake), read as ``make demo`` does."""
    root = tmp_path_factory.mktemp("demo")
    made = make_demo(root)
    for earlier in made.earlier:
        run(earlier.inbox, earlier.inbox.parent, earlier.registers, earlier.as_of,
            store_path=made.store)  # fmt: skip
    return run(made.inbox, root, made.registers, earlier.as_of.__class__(2026, 11, 20),
               store_path=made.store)  # fmt: skip


@pytest.fixture(scope="module", params=ENGINES)
def large(demo_round, tmp_path_factory, request):
    """The same round written as if it were too large for a sheet per organisation, by each
    writer path in turn."""
    path = tmp_path_factory.mktemp(request.param) / "national.xlsx"
    return write_consolidated(demo_round.consolidation, path, organisation_sheets=10,
                              engine=request.param)  # fmt: skip


@pytest.fixture(scope="module")
def streamed(demo_round, tmp_path_factory):
    """The large round written by the fast path, streamed."""
    path = tmp_path_factory.mktemp("streamed") / "national.xlsx"
    return write_consolidated(demo_round.consolidation, path, organisation_sheets=10,
                              engine="fast")  # fmt: skip


def test_a_large_round_has_every_row_a_sheet_per_organisation_round_has(demo_round, large):
    for sheet in SHARED_SHEETS:  # (only where Overview names link to differs)
        assert sheet_records(large, sheet) == sheet_records(demo_round.path, sheet), sheet
    full = CalamineWorkbook.from_path(str(demo_round.path)).sheet_names
    overview = openpyxl.load_workbook(demo_round.path)["Overview"]
    # an organisation's sheet is where its Overview name links (long names are cut to 31)
    own = {c.hyperlink.location.split("!")[0].strip("'") for c in overview["A"]
           if c.hyperlink and "Needs attention" not in c.hyperlink.location}  # fmt: skip
    assert "Leeds" in full and len(own) == len(demo_round.consolidation.plans)
    assert CalamineWorkbook.from_path(str(large)).sheet_names == [
        name for name in full if name not in own
    ]


def test_each_organisation_links_to_its_first_row_when_it_has_no_sheet(large):
    book = openpyxl.load_workbook(large)
    overview = book["Overview"]
    header_row = next(r for r in overview.iter_rows(min_row=1, max_row=12)
                      if r[0].value == "Organisation")  # fmt: skip
    linked = 0
    for row in overview.iter_rows(min_row=header_row[0].row + 1):
        cell = row[0]
        if cell.value is None or cell.hyperlink is None:
            continue
        sheet, address = cell.hyperlink.location.split("!")
        assert book[sheet.strip("'")][address].value == cell.value
        linked += 1
    assert linked >= 50  # every organisation with rows; missing returns have none to link to


@pytest.mark.parametrize("sheets", [10, 100], ids=["all streamed", "organisation sheets"])
def test_sheets_written_on_two_cores_are_byte_for_byte_those_of_one(demo_round, tmp_path, sheets):
    one = write_consolidated(demo_round.consolidation, tmp_path / "one.xlsx",
                             organisation_sheets=sheets, parallel=False, engine="fast")  # fmt: skip
    two = write_consolidated(demo_round.consolidation, tmp_path / "two.xlsx",
                             organisation_sheets=sheets, parallel=True, engine="fast")  # fmt: skip
    with zipfile.ZipFile(one) as a, zipfile.ZipFile(two) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            assert a.read(name) == b.read(name), name
    actions = sheet_records(two, "Actions")
    assert len(actions) == sum(len(p.items) for p in demo_round.consolidation.plans
                               if p.layout.name == "p44")  # fmt: skip
    if sheets == 100:
        leeds = sheet_records(two, "Leeds", table="Actions")
        assert [a["Ref"] for a in leeds] == [a["Ref"] for a in actions
                                             if a["Organisation"] == "Leeds"]  # fmt: skip


@pytest.mark.parametrize("which", ["organisation sheets", "streamed"])
def test_the_workbook_opens_in_libreoffice_with_every_sheet_and_row(demo_round, streamed, which,
                                                                   soffice, tmp_path):  # fmt: skip
    import subprocess

    path = demo_round.path if which == "organisation sheets" else streamed
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
         "ods", "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    ours, theirs = (
        CalamineWorkbook.from_path(str(path)),
        CalamineWorkbook.from_path(str(tmp_path / f"{path.stem}.ods")),
    )
    assert theirs.sheet_names == ours.sheet_names
    for name in ours.sheet_names:
        mine = ours.get_sheet_by_name(name).to_python(skip_empty_area=False)
        seen = theirs.get_sheet_by_name(name).to_python(skip_empty_area=False)
        texts = [[v for v in row if isinstance(v, str) and v] for row in mine]
        assert [[v for v in row if isinstance(v, str) and v] for row in seen] == texts, name
