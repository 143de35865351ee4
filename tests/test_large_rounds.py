"""A national round: too many organisations for a sheet each, so the workbook is written row
by row (on the fast path, streamed, its plain sheets on two cores). Nothing a manager reads
may differ."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from workbook_reading import link_of, saved_book, sheet_records, shown

from pipeline.report.engine import ENGINES
from pipeline.report.workbook import write_consolidated

SHARED_SHEETS = ("Overview", "Needs attention", "Calendar of Events", "Gap Flags", "Actions",
                 "Tasks", "Council Plan Progress", "Contract Register", "Efficiency",
                 "Returns Log", "Findings")  # fmt: skip


@pytest.fixture(scope="module", params=ENGINES)
def large(demo_run, tmp_path_factory, request):
    """The same round written as if it were too large for a sheet per organisation, by each
    writer path in turn."""
    path = tmp_path_factory.mktemp(request.param) / "national.xlsx"
    return write_consolidated(demo_run.consolidation, path, organisation_sheets=10,
                              engine=request.param)  # fmt: skip


@pytest.fixture(scope="module")
def streamed(demo_run, tmp_path_factory):
    """The large round written by the fast path, streamed."""
    path = tmp_path_factory.mktemp("streamed") / "national.xlsx"
    return write_consolidated(demo_run.consolidation, path, organisation_sheets=10,
                              engine="fast")  # fmt: skip


def test_a_large_round_has_every_row_a_sheet_per_organisation_round_has(demo_run, large):
    for sheet in SHARED_SHEETS:  # (only where Overview names link to differs)
        assert sheet_records(large, sheet) == sheet_records(demo_run.path, sheet), sheet
    full = CalamineWorkbook.from_path(str(demo_run.path)).sheet_names
    overview = saved_book(demo_run.path)["Overview"]
    # an organisation's sheet is where its Overview name links (long names are cut to 31)
    own = {link.split("!")[0].strip("'") for link in map(link_of, overview["A"])
           if link and "Needs attention" not in link}  # fmt: skip
    assert "Leeds" in full and len(own) == len(demo_run.consolidation.plans)
    assert CalamineWorkbook.from_path(str(large)).sheet_names == [
        name for name in full if name not in own
    ]


def test_each_organisation_links_to_its_first_row_when_it_has_no_sheet(large):
    book = openpyxl.load_workbook(large)
    overview = book["Overview"]
    header_row = next(r for r in overview.iter_rows(min_row=1, max_row=30)
                      if r[0].value == "Organisation")  # fmt: skip
    linked = 0
    for row in overview.iter_rows(min_row=header_row[0].row + 1):
        cell = row[0]
        if cell.value is None or link_of(cell) is None:
            continue
        sheet, address = link_of(cell).split("!")
        assert book[sheet.strip("'")][address].value == shown(cell.value)
        linked += 1
    assert linked >= 50  # every organisation with rows; missing returns have none to link to


@pytest.mark.parametrize("sheets", [10, 100], ids=["all streamed", "organisation sheets"])
def test_sheets_written_on_two_cores_are_byte_for_byte_those_of_one(demo_run, tmp_path, sheets):
    one = write_consolidated(demo_run.consolidation, tmp_path / "one.xlsx",
                             organisation_sheets=sheets, parallel=False, engine="fast")  # fmt: skip
    two = write_consolidated(demo_run.consolidation, tmp_path / "two.xlsx",
                             organisation_sheets=sheets, parallel=True, engine="fast")  # fmt: skip
    with zipfile.ZipFile(one) as a, zipfile.ZipFile(two) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            assert a.read(name) == b.read(name), name
    actions = sheet_records(two, "Actions")
    assert len(actions) == sum(len(p.items) for p in demo_run.consolidation.plans
                               if p.layout.name == "p44")  # fmt: skip
    if sheets == 100:
        leeds = sheet_records(two, "Leeds", table="Actions")
        assert [a["Ref"] for a in leeds] == [a["Ref"] for a in actions
                                             if a["Organisation"] == "Leeds"]  # fmt: skip


# (LibreOffice takes a minute over the demo's workbook, a sheet per organisation: slow tier)
@pytest.mark.parametrize(
    "which", [pytest.param("organisation sheets", marks=pytest.mark.slow), "streamed"]
)
def test_the_workbook_opens_in_libreoffice_with_every_sheet_and_row(
    demo_round, streamed, which, libreoffice, tmp_path
):
    path = demo_round[2] if which == "organisation sheets" else streamed
    [converted] = libreoffice.convert([path], "ods", tmp_path, seconds=300)
    ours, theirs = (
        CalamineWorkbook.from_path(str(path)),
        CalamineWorkbook.from_path(str(converted)),
    )
    assert theirs.sheet_names == ours.sheet_names
    for name in ours.sheet_names:
        mine = ours.get_sheet_by_name(name).to_python(skip_empty_area=False)
        seen = theirs.get_sheet_by_name(name).to_python(skip_empty_area=False)
        texts = [[v for v in row if isinstance(v, str) and v] for row in mine]
        assert [[v for v in row if isinstance(v, str) and v] for row in seen] == texts, name
