"""The workbook answers the meeting's first question (seed 002): who is off track and why. The
Overview opens with headline figures, then every organisation, with colour wherever a value
means trouble; the Needs attention sheet beside it lists who needs attention, sorted as its
caption says, each organisation with its main reasons in words and a link to its sheet."""

from __future__ import annotations

from datetime import timedelta

import openpyxl
from builders import AS_OF, action, p44_return
from openpyxl.utils import range_boundaries
from workbook_reading import sheet_records

from pipeline.run import run


def overdue(ref: str) -> dict:
    return action(ref, start_date=AS_OF - timedelta(days=60), end_date=AS_OF - timedelta(days=9))


def test_the_overview_lists_who_needs_attention_most_serious_first_with_reasons_in_words(
    tmp_path, inbox, registers
):
    # Leeds says Red with two actions overdue; Bradford says Green though its actions say
    # Amber; Salford sends nothing, nor do the business units on the three-year register
    p44_return(inbox, confidence="Red", rows=[overdue("A01"), overdue("A02"), action("A03")])
    p44_return(inbox, organisation="Bradford", name="bradford.xlsx", confidence="Green",
               rows=[overdue("B01"), action("B02"), action("B03"), action("B04")])  # fmt: skip
    result = run(inbox, tmp_path / "outbox", list(registers.values()), AS_OF)

    listed = sheet_records(result.path, "Needs attention")
    assert [(a["Organisation"], a["Why"]) for a in listed] == [
        ("Finance", "no return"),
        ("Housing", "no return"),
        ("Salford", "no return"),
        ("Leeds", "says Red; 2 actions overdue"),
        ("Bradford", "says Green, its actions say Amber; 1 action overdue"),
    ]
    # its confidence says whose: a partnership's own, a three-year plan's from its tasks
    assert listed[3]["Confidence (its own, or from its plan)"] == "Red"
    every = sheet_records(result.path, "Overview")
    assert len(every) == 5 and {o["Organisation"] for o in every} >= {"Leeds", "Housing"}

    book = openpyxl.load_workbook(result.path)
    sheet = book["Overview"]
    said = " ".join(str(c.value) for row in sheet.iter_rows(max_row=12) for c in row if c.value)
    assert "Red: 1" in said and "No return: 3" in said and "Confidence check: 1" in said
    links = {c.value: c.hyperlink.location for c in sheet["A"] if c.hyperlink}
    assert links["Leeds"] == "'Leeds'!A1"
    assert book["Leeds"]["A1"].value == "Leeds"


def test_needs_attention_is_sorted_as_its_caption_says_however_many_lesser_reasons(
    tmp_path, inbox, registers
):
    """Bradford leaves its date of update and its confidence empty (two red flags) and has an
    action overdue; Leeds only says Red. Red comes before red flags, whatever their number,
    and a missing return before both: as the caption says."""
    p44_return(inbox, confidence="Red")
    p44_return(inbox, organisation="Bradford", name="bradford.xlsx", confidence=None,
               date_of_update=None, rows=[overdue("B01"), action("B02")])  # fmt: skip
    result = run(inbox, tmp_path / "outbox", [registers["p44"]], AS_OF)

    listed = sheet_records(result.path, "Needs attention")
    assert [a["Organisation"] for a in listed] == ["Salford", "Leeds", "Bradford"]
    sheet = openpyxl.load_workbook(result.path)["Needs attention"]
    caption = sheet["A2"].value
    assert caption.startswith("Sorted by the most serious reason: no return, then Red, then "
                              "worsening, then red flags")  # fmt: skip
    assert sheet.print_title_rows  # its header heads every printed page


def test_values_that_mean_trouble_are_coloured_on_the_overview(tmp_path, inbox, registers):
    p44_return(inbox, rows=[overdue("A01"), action("A02")])
    result = run(inbox, tmp_path / "outbox", list(registers.values()), AS_OF)
    sheet = openpyxl.load_workbook(result.path)["Overview"]
    _, top, _, bottom = range_boundaries(sheet.tables["Overview"].ref)
    title = {c.column: c.value for c in sheet[top] if c.value}
    # conditional formats over the table's rows, by the title of the column they colour
    coloured = {}
    for cf in sheet.conditional_formatting:
        first_col, first_row, last_col, last_row = range_boundaries(str(cf.sqref))
        if (first_row, last_row, first_col) == (top + 1, bottom, last_col):
            coloured[title[first_col]] = [rule.formula for rule in cf.rules]
    for trouble in ("Received", "Direction", "Overdue", "Red flags",
                    "Short of reduction needed (its estimates)",
                    "Confidence (its own)"):  # fmt: skip
        assert trouble in coloured, trouble
    assert "Complete" not in coloured  # more complete actions is no trouble
    assert coloured["Received"] == [['"No"']]
    assert coloured["Overdue"] == [["0"]]  # above zero


def test_each_organisation_shows_its_confidence_and_overdue_actions_round_by_round(
    tmp_path, registers
):
    # Leeds: Amber, then nothing, then Green with one action overdue, then Red with two;
    # Bradford sends only the last round
    outbox = tmp_path / "outbox"
    rounds = [AS_OF - timedelta(days=14 * n) for n in (3, 2, 1, 0)]
    says = {rounds[0]: ("Amber", 0), rounds[2]: ("Green", 1), rounds[3]: ("Red", 2)}
    for day in rounds:
        inbox = tmp_path / f"inbox-{day}"
        inbox.mkdir()
        if day in says:
            confidence, late = says[day]
            rows = [overdue_at(f"A0{n}", day) for n in range(late)] + [action("A09")]
            p44_return(inbox, rows=rows, confidence=confidence,
                       date_of_update=day - timedelta(days=2))  # fmt: skip
        if day == rounds[-1]:
            p44_return(inbox, organisation="Bradford", name="bradford.xlsx")
        result = run(inbox, outbox, [registers["p44"]], day)

    overview = {o["Organisation"]: o for o in sheet_records(result.path, "Overview")}
    assert overview["Leeds"]["Last 6 rounds"] == "A – G R"
    assert overview["Leeds"]["Overdue, last 6 rounds"] == "0 – 1 2"
    assert overview["Bradford"]["Last 6 rounds"] == "– – – A"
    assert overview["Salford"]["Last 6 rounds"] == "– – – –"
    # each letter in its RAG's colour: the cell is rich text, R in red
    sheet = openpyxl.load_workbook(result.path, rich_text=True)["Overview"]
    _, top, _, bottom = range_boundaries(sheet.tables["Overview"].ref)
    title = {c.value: c.column for c in sheet[top]}
    [leeds] = [r for r in range(top + 1, bottom + 1) if sheet.cell(r, 1).value == "Leeds"]
    trail = sheet.cell(leeds, title["Last 6 rounds"]).value
    red = next(block for block in trail if str(block).strip() == "R")
    assert red.font.color.rgb.endswith("C00000")


def overdue_at(ref: str, day) -> dict:
    return action(ref, start_date=day - timedelta(days=30), end_date=day - timedelta(days=3))
