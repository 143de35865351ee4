"""Every figure means one thing everywhere.

A manager who finds one wrong number stops trusting all of them. Here every figure of the
demo's Overview, chart data and Returns tracker is worked out again, by hand, from the rows of
the Actions and Tasks sheets and the Returns Log (read back with openpyxl), using the words of
DESIGN.md and the Guidance sheet, and nothing of the pipeline's own code.
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

import pytest
from workbook_reading import flags, labelled, link_of, saved_book, sheet_records, tracker

from pipeline.layouts.hallmarks.report import SHORT

AS_OF = date(2026, 11, 20)
DONE = {"Complete", "Evaluation"}  # an action complete
CLOSED = DONE | {"Cancelled"}  # an action finished
LIVE = {"Planned", "Ongoing"}
# the Overview's count of rows, titled by the rows of the round's layouts, each once
ROWS = "Requirements / actions / tasks"
# figures that are a partner's own judgement say so in their titles
LIVE_IMPACT = "Impact of live actions (its estimate)"
DELIVERED = "Impact delivered (its estimate)"
NEEDED = "Reduction needed (by its target)"
SHORT_BY = "Short of reduction needed (its estimates)"
GAPS = "Statutory gaps (its assessment)"
TASK_CLOSED = {"Completed", "No longer relevant"}


def day(value):
    return value.date() if isinstance(value, datetime) else value


def action_overdue(a) -> bool:
    end = day(a["End date"])
    return end is not None and end < AS_OF and a["Status"] not in CLOSED


def action_bucket(a) -> str:
    if a["Status"] in DONE:
        return "Complete"
    return "Overdue" if action_overdue(a) else a["Status"] or "No status"


def impact(actions, statuses) -> int:
    return sum(a["Estimated impact"] or 0 for a in actions if a["Status"] in statuses)


def quarter_end(plan_start: int, quarter: int) -> date:
    """The last day of a plan quarter, counted by hand: quarter 1 is April to June."""
    month = 4 + 3 * (quarter - 1) + 2  # the quarter's last month, counted from January
    year, month = plan_start + (month - 1) // 12, (month - 1) % 12 + 1
    after = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(after.toordinal() - 1)


def plan_quarter(plan_start: int) -> int:
    """The plan quarter AS_OF falls in, counted by hand (quarter 1 is April to June)."""
    return ((AS_OF.year - plan_start) * 12 + AS_OF.month - 4) // 3 + 1


def task_statuses(t, plan_start: int) -> tuple[str | None, str | None]:
    """A task's latest status up to this quarter, and its status this quarter, from its Q
    columns."""
    now = plan_quarter(plan_start)
    given = [t[f"Q{n}"] for n in range(1, min(now, 12) + 1)]
    latest = next((s for s in reversed(given) if s), None)
    return latest, t[f"Q{now}"] if 1 <= now <= 12 else None


def task_overdue(t, plan_start: int) -> bool:
    q, (latest, _) = t["Quarter for completion"], task_statuses(t, plan_start)
    return q is not None and quarter_end(plan_start, q) < AS_OF and latest not in TASK_CLOSED


def task_bucket(t, plan_start: int) -> str:
    latest, current = task_statuses(t, plan_start)
    if latest in TASK_CLOSED:
        return latest
    return current or "Not updated"


def register(folder: Path, layout: str) -> dict[str, dict[str, str]]:
    with open(folder / "registers" / f"{layout}.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    key = "partnership" if layout == "p44" else "business_unit"
    return {row[key]: row for row in rows}


def header_values(book, sheet: str) -> dict[str, object]:
    """An organisation sheet's header block and figures: label -> value (``labelled``)."""
    return labelled(book[sheet])


def chart_blocks(path: Path) -> list[list[tuple]]:
    """The hidden Chart Data sheet's tables: each a header row and its rows."""
    sheet = saved_book(path)["Chart Data"]
    blocks, block = [], []
    for row in sheet.iter_rows(values_only=True):
        if row[0] is None:
            if block:
                blocks.append(block)
            block = []
        else:
            block.append(tuple(v for v in row))
    return [*blocks, block] if block else blocks


def as_dicts(block):
    header = [h for h in block[0] if h is not None]
    return {row[0]: dict(zip(header[1:], row[1 : len(header)])) for row in block[1:]}


@pytest.fixture(scope="module")
def demo(demo_round):
    output, folder, path = demo_round
    book = saved_book(path)
    overview = {o["Organisation"]: o for o in sheet_records(path, "Overview")}
    actions, tasks = defaultdict(list), defaultdict(list)
    for a in sheet_records(path, "Actions"):
        actions[a["Organisation"]].append(a)
    for t in sheet_records(path, "Tasks"):
        tasks[t["Organisation"]].append(t)
    links = [link for link in map(link_of, book["Overview"]["A"]) if link]
    sheets = {book[link.split("!")[0].strip("'")]["A1"].value: link.split("!")[0].strip("'")
              for link in links}  # fmt: skip
    return {"output": output, "folder": folder, "path": path, "book": book, "sheets": sheets,
            "overview": overview, "actions": actions, "tasks": tasks}  # fmt: skip


def test_every_partnership_figure_on_the_overview_agrees_with_its_actions(demo):
    partnerships = register(demo["folder"], "p44")
    checked = 0
    for name, o in demo["overview"].items():
        if o["Layout"] != "Priority 44":
            continue
        entry = partnerships[name]
        if o["Received"] == "No":
            assert name not in demo["actions"]
            assert [o[k] for k in (ROWS, "Complete", "Overdue", LIVE_IMPACT, DELIVERED)] == [
                None
            ] * 5
            header = {"Baseline (BCS comparator crimes)": int(entry["baseline_crimes"]),
                      "Reduction target (%)": float(entry["reduction_target_pct"])}  # fmt: skip
        else:
            header = header_values(demo["book"], demo["sheets"][name])
        rows = demo["actions"].get(name, [])
        baseline = header["Baseline (BCS comparator crimes)"]
        target = header["Reduction target (%)"]
        needed = math.floor(baseline * target / 100 + 0.5)  # (halves up, as Excel rounds)
        expected = {NEEDED: needed, "Not updated": None}
        if o["Received"] == "Yes":
            live, delivered = impact(rows, LIVE), impact(rows, DONE)
            expected |= {
                ROWS: len(rows),
                "Complete": sum(a["Status"] in DONE for a in rows),
                "Overdue": sum(map(action_overdue, rows)),
                LIVE_IMPACT: live,
                DELIVERED: delivered,
                SHORT_BY: max(needed - live - delivered, 0),
            }
            assert [a["Overdue"] == "Yes" for a in rows] == list(map(action_overdue, rows))
            checked += 1
        assert {k: o[k] for k in expected} == expected, name
    assert checked >= 40


def test_every_business_unit_figure_on_the_overview_agrees_with_its_tasks(demo):
    units = register(demo["folder"], "three_year")
    checked = 0
    for name, o in demo["overview"].items():
        if o["Layout"] != "Three-year" or o["Received"] == "No":
            continue
        rows = demo["tasks"][name]
        start = header_values(demo["book"], demo["sheets"][name])["Plan start"]
        assert start == int(units[name]["plan_start"])
        expected = {
            ROWS: len(rows),
            "Complete": sum(task_statuses(t, start)[0] == "Completed" for t in rows),
            "Overdue": sum(task_overdue(t, start) for t in rows),
            "Not updated": sum(task_bucket(t, start) == "Not updated" for t in rows),
            LIVE_IMPACT: None, DELIVERED: None, NEEDED: None,
        }  # fmt: skip
        assert {k: o[k] for k in expected} == expected, name
        assert [t["Overdue"] == "Yes" for t in rows] == [task_overdue(t, start) for t in rows]
        shown = [(t["Latest status"], t["Status this quarter"]) for t in rows]
        assert shown == [task_statuses(t, start) for t in rows], name
        checked += 1
    assert checked == 11  # 14 on the register: two sent nothing, one last quarter's plan


def test_each_organisation_sheet_shows_the_overviews_figures(demo):
    figures = ("Complete", "Overdue", "Not updated", LIVE_IMPACT, DELIVERED, NEEDED, SHORT_BY,
               "Red (its rating)", "Improved (its rating)", "Worsened (its rating)",
               GAPS, "Action points")  # fmt: skip
    rows_called = {"Priority 44": "Actions", "Three-year": "Tasks", "PCC delivery": "PCC Actions",
                   "Hallmarks": "Requirements"}  # fmt: skip
    for name, o in demo["overview"].items():
        shown = header_values(demo["book"], demo["sheets"][name])
        rows = rows_called[o["Layout"]]
        assert shown.get(rows) == o[ROWS], name
        for figure in figures:
            if o[figure] is not None:
                assert shown[figure] == o[figure], (name, figure)


def test_the_chart_data_counts_what_the_overview_counts(demo):
    blocks = chart_blocks(demo["path"])
    by_title = {(b[0][0], b[0][1]): as_dicts(b) for b in blocks}
    p44 = {n: o for n, o in demo["overview"].items()
           if o["Layout"] == "Priority 44" and o["Received"] == "Yes"}  # fmt: skip
    mix = by_title[("Confidence", "Partnerships")]
    stated = Counter(o["Confidence (its own)"] for o in p44.values())
    assert {rag: mix[rag]["Partnerships"] for rag in mix} == {
        rag: stated[rag] for rag in ("Red", "Amber", "Green")
    }

    progress = next(v for (first, second), v in by_title.items()
                    if first == "Partnership" and second != DELIVERED)  # fmt: skip
    assert set(progress) == set(p44)
    for name, counts in progress.items():
        by_hand = Counter(map(action_bucket, demo["actions"][name]))
        assert {k: v for k, v in counts.items() if v} == dict(by_hand), name
        assert counts.get("Complete", 0) == p44[name]["Complete"]
        assert counts.get("Overdue", 0) == p44[name]["Overdue"]

    impact = by_title[("Partnership", DELIVERED)]
    assert set(impact) == {n for n, o in p44.items() if o[NEEDED]}
    for name, figures in impact.items():
        assert list(figures) == [
            DELIVERED,
            LIVE_IMPACT,
            SHORT_BY,
        ]
        assert figures == {k: p44[name][k] for k in figures}, name

    units = {n: o for n, o in demo["overview"].items()
             if o["Layout"] == "Three-year" and o["Received"] == "Yes"}  # fmt: skip
    status = by_title[next(k for k in by_title if k[0] == "Business unit")]
    assert set(status) == set(units)
    for name, counts in status.items():
        start = header_values(demo["book"], demo["sheets"][name])["Plan start"]
        by_hand = Counter(task_bucket(t, start) for t in demo["tasks"][name])
        assert {k: v for k, v in counts.items() if v} == dict(by_hand), name
        assert counts.get("Not updated", 0) == units[name]["Not updated"]
        assert counts.get("Completed", 0) == units[name]["Complete"]


def test_the_returns_tracker_adds_up_and_agrees_with_the_overview_and_the_log(demo):
    path, folder = demo["path"], demo["folder"]
    counts = tracker(path)
    log = sheet_records(path, "Returns Log")
    layouts = {r["SHA-256"]: r["Layout"] for r in log if r["Layout"]}
    layouts_shown = (("Priority 44 Partnership Action Plan", "Priority 44", "p44"),
                     ("Three-year Action Plan", "Three-year", "three_year"))  # fmt: skip
    for title, short, layout in layouts_shown:
        row, names = counts[title], register(folder, layout)
        rows = [o for o in demo["overview"].values() if o["Layout"] == short]
        received = {o["Organisation"] for o in rows if o["Received"] == "Yes"}
        assert row["Expected"] == len(names) == len(rows)
        assert row["Received"] == len(received) and received <= set(names)
        assert row["Missing"] == sum(o["Received"] == "No" for o in rows)
        assert row["Received"] + row["Missing"] == row["Expected"]
        used = [r for r in log if r["Layout"] == title and r["Status"].startswith("accepted")]
        assert {r["Organisation"] for r in used} == received
        due = day(row["Due"])
        assert row["Late"] == sum(r["Received"].date() > due for r in used)
        mine = [r for r in log if layouts.get(r["SHA-256"]) == title]
        assert row["Files"] == len(mine)
        assert row["Rejected"] == sum(r["Status"] == "rejected" for r in mine)
        assert row["Duplicate"] == sum(r["Status"] == "duplicate" for r in mine)
        line = (f"expected {row['Expected']}, received {row['Received']}, "
                f"missing {row['Missing']}, late {row['Late']}")  # fmt: skip
        block = [c for r in demo["book"]["Overview"].iter_rows(max_row=6, values_only=True)
                 for c in r if c]  # fmt: skip
        assert any(str(c).startswith(title) and str(c).endswith(line) for c in block)
        assert re.search(rf"{re.escape(title)}, .*: {line}", demo["output"])
    assert not any(r["Received"].date() > AS_OF for r in log if r["Received"])


def test_flags_count_what_the_overview_counts(demo):
    path = demo["path"]
    per = defaultdict(Counter)
    for f in flags(path):
        per[f["Organisation"]][f["Severity"]] += 1
        per[f["Organisation"]][f["Rule"]] += 1
        if f["Rule"] == "Current quarter not updated":
            per[f["Organisation"]]["not updated"] += int(
                re.search(r"no status for (\d+) of", f["Message"])[1]
            )
    for name, o in demo["overview"].items():
        assert (o["Red flags"], o["Amber flags"]) == (per[name]["Red"], per[name]["Amber"])
        if o["Received"] == "No":
            continue
        rule = {"Priority 44": "Action overdue", "Three-year": "Task overdue",
                "PCC delivery": "Past target date",
                "Hallmarks": "Further action past target date"}[o["Layout"]]  # fmt: skip
        assert per[name][rule] == o["Overdue"], name
        if o["Layout"] == "Three-year":
            assert per[name]["not updated"] == o["Not updated"], name
        elif o["Layout"] == "Priority 44":
            short = per[name]["Impact shortfall"]
            assert short == (o[LIVE_IMPACT] + o[DELIVERED] < o[NEEDED])
            assert short == (o[SHORT_BY] > 0)


def test_every_delivery_plan_figure_agrees_with_its_actions_and_the_board_summary(demo):
    rows = sheet_records(demo["path"], "Delivery Plan")
    rank = {"Red": 0, "Amber": 1, "Green": 2, "Complete": 3}
    checked = 0
    for name, o in demo["overview"].items():
        if o["Layout"] != "PCC delivery" or o["Received"] == "No":
            continue
        mine = [r for r in rows if r["Organisation"] == name]
        moved = [rank[r["RAG status"]] - rank[r["Last quarter"]] for r in mine if r["Last quarter"]]
        expected = {
            ROWS: len(mine),
            "Red (its rating)": sum(r["RAG status"] == "Red" for r in mine),
            "Complete": sum(r["RAG status"] == "Complete" for r in mine),
            "Improved (its rating)": sum(m > 0 for m in moved),
            "Worsened (its rating)": sum(m < 0 for m in moved),
        }
        assert {k: o[k] for k in expected} == expected, name  # fmt: skip
        checked += 1
    assert checked == 6
    board = {b["Theme"]: b for b in sheet_records(demo["path"], "Board Summary")}
    total = board.pop("All themes")  # the last line adds the others up
    for theme, b in board.items():
        mine = [r for r in rows if r["Theme"] == theme]
        assert b["Actions"] == len(mine) == sum(b[s] for s in rank)
        assert b["Worsening"] == sum("Worsening" in (r["Direction (from last quarter's RAG)"]
                                                     or "") for r in mine)  # fmt: skip
    for count in total:
        if count != "Theme":
            assert total[count] == sum(b[count] for b in board.values()), count


def test_every_hallmarks_figure_agrees_with_its_requirements_and_the_matrix(demo):
    rows = sheet_records(demo["path"], "Requirements")
    matrix = {m["Partnership"]: m for m in sheet_records(demo["path"], "Hallmarks Matrix")}
    checked = 0
    for name, o in demo["overview"].items():
        if o["Layout"] != "Hallmarks" or o["Received"] == "No":
            continue
        mine = [r for r in rows if r["Organisation"] == name]
        adopted = sum(r["Assessment"] in ("In place", "Working towards") for r in mine)
        points = sum(bool(r["Further action"]) for r in mine)
        expected = {
            ROWS: len(mine),
            "Complete": sum(r["Assessment"] == "In place" for r in mine),
            "Overdue": sum(r["Target date"] is not None and r["Target date"].date() < AS_OF
                           and r["Assessment"] != "In place" for r in mine),
            GAPS: sum(r["Type"] == "Statutory" and r["Assessment"] == "Gap"
                                  for r in mine),
            "Action points": points,
        }  # fmt: skip
        assert {k: o[k] for k in expected} == expected, name
        m = matrix[name]
        assert (m[GAPS], m["Action points"]) == (
            o[GAPS],
            points,
        )
        share = round(100 * adopted / len(mine) + 1e-9)
        assert m["Summary"] == (f"{len(mine)} items, {adopted} in place or working towards "
                                f"({share}%), {points} action points")  # fmt: skip
        for hallmark in {r["Hallmark"] for r in mine}:  # (each headed by a few of its words)
            of = [r for r in mine if r["Hallmark"] == hallmark]
            in_place = sum(r["Assessment"] == "In place" for r in of) / len(of)
            assert m[SHORT[hallmark]] == pytest.approx(in_place), (name, hallmark)
        checked += 1
    assert checked == 6  # 8 on the register: one sent nothing, one last year's review
