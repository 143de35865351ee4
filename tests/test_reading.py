"""Reading returns: by label and title, whatever the partner did to the layout."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timedelta

import openpyxl
import pandas as pd
import pytest
from builders import AS_OF, action, p44_header, p44_return, task, three_year_return
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.declare import LAYOUTS
from pipeline.declare.severity import AMBER
from pipeline.reading import load
from pipeline.returns import ROW

P44 = LAYOUTS["p44"]


def rows_of(loaded):
    return loaded.rows.drop(columns=[ROW]).to_dict("records")


def without_blanks(row):
    return {k: v for k, v in row.items() if v is not None}


def test_a_filled_template_reads_back_exactly_as_filled(inbox):
    rows = [action("A01"), action("A02", category="Week of Action", calendar_event="Yes",
                                  notes="Evaluated by the analyst")]  # fmt: skip
    loaded = load(p44_return(inbox, rows=rows))
    assert loaded.findings == []
    assert loaded.layout == "p44" and loaded.organisation == "Leeds"
    assert loaded.stamp.organisation == "Leeds"
    for name, value in p44_header().items():
        assert loaded.value(name) == value, name
    assert loaded.value("baseline") == 20000  # pre-filled from the register
    assert [without_blanks(r) for r in rows_of(loaded)] == [without_blanks(r) for r in rows]


action_rows = st.lists(
    st.fixed_dictionaries(
        {
            "action": st.text(st.characters(categories=["L", "N", "Zs"]), min_size=1,
                              max_size=40).map(str.strip).filter(bool),
            "category": st.sampled_from(P44.field("category").choices.values),
            "status": st.sampled_from(P44.field("status").choices.values),
            "start_date": st.dates(date(2000, 1, 1), date(2090, 12, 31)),
            "estimated_impact": st.integers(0, 10**6),
        }
    ),
    min_size=0,
    max_size=8,
)  # fmt: skip


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=action_rows)
def test_property_template_fill_load_gives_back_what_was_filled(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("inbox")
    filled = [{"ref": f"A{n:02d}", "lead_officer": "Jo", **r} for n, r in enumerate(rows, 1)]
    loaded = load(p44_return(folder, rows=filled))
    # a short text is read with its white space tidied: "Week\xa0of  action" -> "Week of action"
    expected = [{**r, "action": " ".join(r["action"].split())} for r in filled]
    assert [without_blanks(r) for r in rows_of(loaded)] == expected
    assert not [f for f in loaded.findings if f.severity is not AMBER]


def test_a_renamed_sheet_is_found_and_named_in_a_warning(inbox):
    path = p44_return(inbox)
    book = openpyxl.load_workbook(path)
    book["Action Plan"].title = "Leeds Nov"
    book.save(path)
    loaded = load(path)
    assert loaded.sheet == "Leeds Nov"
    assert len(loaded.rows) == 2
    renamed = [f for f in loaded.findings if f.rule == "renamed-sheet"]
    assert len(renamed) == 1 and '"Leeds Nov"' in renamed[0].message


def partner_built(path, titles=None, header_rows=None):
    """A partner's own sheet built from DESIGN.md's titles: labels and values laid out their
    own way, columns in another order, no template and no stamp."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Action Plan"
    sheet.append(["Leeds partnership action plan"])
    rows = header_rows or [
        ["Partnership", None, "Leeds"],
        ["Region (Government Office)", "GO Yorkshire and the Humber"],
        ["Completed by", "Jane Doe", "Role", "Analyst"],
        ["Agency: Leeds City Council"],
        ["Email", "jane@leeds.gov.uk", "Telephone", "0113"],
        ["Date of update", datetime(2026, 11, 17)],
        ["Overall confidence (RAG)", "green"],
        ["Reduction target (%)", 6, "Target date", "31/03/2027"],
        ["Definition of problem"],
        ["Burglary in two wards."],
        ["Risks and contingency"],
        ["Loss of the analyst."],
        [],
    ]
    for row in rows:
        sheet.append(row)
    sheet.append(titles or ["Status", "Ref", "Est. impact (crimes)", "Action", "Owner",
                            "Start", "End date", "Category"])  # fmt: skip
    sheet.append(["Ongoing", "A01", 100, "Patrols", "Sgt Hart", datetime(2026, 11, 1), None,
                  "Enforcement"])  # fmt: skip
    sheet.append([None] * 8)
    sheet.append(["done", "A02", "50", "Leaflets", "Jo", "01/10/26", "Oct 2026", "comms"])
    book.save(path)
    return path


def test_a_sheet_built_from_design_md_titles_is_read_without_a_template(inbox):
    loaded = load(partner_built(inbox / "own.xlsx"))
    assert loaded.stamp is None
    assert loaded.layout == "p44" and loaded.organisation == "Leeds"
    assert loaded.value("role") == "Analyst"
    assert loaded.value("agency") == "Leeds City Council"
    assert loaded.value("telephone") == "0113"
    assert loaded.value("confidence") == "Green"
    assert loaded.value("target_date") == date(2027, 3, 31)
    assert loaded.value("definition_of_problem") == "Burglary in two wards."
    assert loaded.value("risks") == "Loss of the analyst."
    rows = rows_of(loaded)
    assert [r["ref"] for r in rows] == ["A01", "A02"]
    assert rows[1] == {**rows[1], "status": "Complete", "estimated_impact": 50,
                       "start_date": date(2026, 10, 1), "end_date": date(2026, 10, 31),
                       "category": "Communications", "lead_officer": "Jo"}  # fmt: skip
    assert loaded.cell_of("status", int(loaded.rows[ROW].iloc[1])) == "A18"
    guesses = " ".join(f.message for f in loaded.findings if f.rule == "guessed-value")
    assert 'read "done" as "Complete"' in guesses
    assert 'read the text "01/10/26" as the date 01/10/2026' in guesses


def test_a_misspelt_column_title_is_read_with_a_warning(inbox):
    titles = ["Status", "Ref", "Estimated impact (crimes)", "Acton", "Lead oficer", "Start date",
              "End date", "Category"]  # fmt: skip
    loaded = load(partner_built(inbox / "own.xlsx", titles=titles))
    assert rows_of(loaded)[0]["lead_officer"] == "Sgt Hart"
    guessed = [f for f in loaded.findings if f.rule == "guessed-column"]
    assert {f.field for f in guessed} == {"Action", "Lead officer"}
    assert any('"Lead oficer"' in f.message for f in guessed)


def test_a_missing_column_is_one_finding_not_one_per_row(inbox):
    titles = ["Status", "Ref", "Impact estimate (crimes)", "Action", "Owner", "Start date",
              "End date", "Category"]  # fmt: skip
    loaded = load(partner_built(inbox / "own.xlsx", titles=titles))
    missing = [f for f in loaded.findings if f.rule == "missing-column"]
    assert len(missing) == 1
    assert missing[0].field == "Estimated impact (crimes)"
    assert missing[0].cell == "15:15"
    assert 'Did you mean "Impact estimate (crimes)"' in missing[0].message


def test_an_ods_return_is_read(inbox):
    grid = [
        ["Partnership", "Leeds", None, None, None],
        ["Date of update", datetime(2026, 11, 17), None, None, None],
        ["Overall confidence (RAG)", "Amber", None, None, None],
        [None] * 5,
        ["Ref", "Action", "Status", "Start date", "Category"],
        ["A01", "Patrols", "Ongoing", datetime(2026, 11, 1), "Enforcement"],
    ]
    path = inbox / "leeds.ods"
    pd.DataFrame(grid).to_excel(path, engine="odf", header=False, index=False)
    loaded = load(path)
    assert loaded.organisation == "Leeds"
    assert loaded.value("date_of_update") == date(2026, 11, 17)
    assert rows_of(loaded)[0]["start_date"] == date(2026, 11, 1)


def test_an_xlsm_return_is_read(inbox):
    path = p44_return(inbox)
    xlsm = path.with_suffix(".xlsm")
    path.rename(xlsm)
    assert load(xlsm).organisation == "Leeds"


def test_a_three_year_return_reads_its_quarterly_statuses(inbox):
    rows = [task("HSG-01", q7="Delayed", progress_report="Supplier late", cp1="Significant",
                 contract="Yes")]  # fmt: skip
    loaded = load(three_year_return(inbox, rows=rows))
    assert loaded.layout == "three_year" and loaded.organisation == "Housing"
    assert loaded.value("plan_start") == 2025
    row = rows_of(loaded)[0]
    assert row["q1"] == "In progress" and row["q7"] == "Delayed"
    assert row["cp1"] == "Significant" and row["contract"] == "Yes"
    assert loaded.findings == []


def test_a_stamped_plan_is_read_as_its_layout_even_beside_another_layouts_table(inbox):
    # a partner pasted a three-year task table onto a sheet before the plan: it names more
    # columns than the whole Priority 44 plan does, but the template says which plan it is
    path = p44_return(inbox)
    book = openpyxl.load_workbook(path)
    pasted = book.create_sheet("Pasted", 0)
    pasted.append([c.title for c in LAYOUTS["three_year"].columns])
    pasted.append(["HSG-01", "Rough sleeping"])
    book.save(path)
    loaded = load(path)
    assert (loaded.layout, loaded.sheet, loaded.organisation) == ("p44", "Action Plan", "Leeds")
    assert rows_of(loaded)[0]["ref"] == "A01"


def test_the_layout_is_known_from_labels_when_there_is_no_stamp(inbox):
    path = three_year_return(inbox)
    book = openpyxl.load_workbook(path)
    del book["_pipeline"]
    book.save(path)
    loaded = load(path)
    assert loaded.stamp is None and loaded.layout == "three_year"


@pytest.mark.parametrize("target", ["xls", "ods", "xlsx"])
def test_a_return_resaved_by_libreoffice_reads_the_same(inbox, tmp_path, libreoffice, target):
    rows = [action("A01"), action("A02", status="Complete", end_date=AS_OF - timedelta(days=2))]
    original = p44_return(inbox, rows=rows)
    [resaved] = libreoffice.convert([original], target, tmp_path / "converted", seconds=180)
    converted = load(resaved)
    before = load(original)
    assert converted.organisation == before.organisation
    assert {k: v.value for k, v in converted.header.items()} == {
        k: v.value for k, v in before.header.items()
    }
    assert rows_of(converted) == rows_of(before)


def test_a_worker_reads_a_file_without_importing_pandas(inbox):
    """Workers are forked before pandas is imported (it is imported meanwhile, for checking):
    a worker that needed it would import it again, on every core."""
    path = p44_return(inbox)
    code = (
        "import sys; from pipeline.reading.loader import load_plain; r = load_plain(sys.argv[1]);"
        " print('pandas' in sys.modules, type(r.rows).__name__)"
    )
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert done.stdout.split() == ["False", "PlainRows"], done.stderr
