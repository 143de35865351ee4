"""Make a realistic demo round: registers, templates, and an inbox of returns from 44
partnerships and 14 business units, with the mistakes real people make.

Each mistake is one row of a table (organisation -> what goes wrong), so the demo reads as a
list of the stories it tells. Content is deterministic for a given as-of date.
"""

from __future__ import annotations

import os
import random
import shutil
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import PipelineError
from ..layouts import LAYOUTS, Layout
from ..layouts.quarters import quarter_of
from ..naming import safe_stem
from ..registers import Register, RegisterEntry, read_register
from ..templates import make_templates, write_template
from .content import p44_actions, p44_header, three_year_tasks
from .partner import PartnerWorkbook

DEMO_AS_OF = date(2026, 11, 20)  # the round the shipped demo registers were written for
DUE_DAYS_BEFORE = 2  # a round's returns are due two days before the round's date
MARKER = ".pipeline-demo"  # marks a folder this module made, and so may empty again


@dataclass(frozen=True)
class DemoRound:
    """One round's inbox, its date, the registers to run it with, and when its returns were
    due."""

    inbox: Path
    as_of: date
    registers: list[Path]
    due: date | None = None


@dataclass(frozen=True)
class DemoInbox:
    """Where the demo put things: the rounds before this one, then this round's inbox."""

    earlier: list[DemoRound]
    inbox: Path
    registers: list[Path]
    templates: Path
    store: Path
    files: int
    due: date | None = None  # when this round's returns were due


@dataclass
class _Return:
    """One return being made: its header values and rows, and how it will be saved."""

    layout: Layout
    entry: RegisterEntry
    header: dict[str, Any]
    rows: list[dict[str, Any]]
    name: str
    rename_sheet: str | None = None
    built_by_hand: str | None = None  # "xlsx" or "ods": the partner made their own sheet


# --- mistakes, as partners make them -----------------------------------------------------------


def _hand_typed_statuses(r: _Return, rng: random.Random) -> None:
    typed = {"Complete": "done", "Ongoing": "in progress ", "Planned": "not started",
             "Completed": "Done", "Delayed": "late", "In progress": "on track"}  # fmt: skip
    for row in r.rows[::2]:
        for name in [k for k in row if k == "status" or (k.startswith("q") and k[1:].isdigit())]:
            row[name] = typed.get(row[name], row[name])


def _text_dates(r: _Return, rng: random.Random) -> None:
    for n, row in enumerate(r.rows):
        start, end = row.get("start_date"), row.get("end_date")
        if isinstance(start, date):
            row["start_date"] = start.strftime("%d/%m/%y")
        if isinstance(end, date) and n % 3 == 0:
            row["end_date"] = end.strftime("%b %Y")


def _text_date_of_update(r: _Return, rng: random.Random) -> None:
    day = r.header["date_of_update"]
    r.header["date_of_update"] = f"{day.day}{'th' if day.day not in (1, 2, 3) else 'st'} " + (
        day.strftime("%b %Y")
    )


def _renamed_sheet(r: _Return, rng: random.Random) -> None:
    r.rename_sheet = f"{r.entry.organisation} plan"[:31]


def _no_definition_of_problem(r: _Return, rng: random.Random) -> None:
    r.header["definition_of_problem"] = None


def _red_without_risks(r: _Return, rng: random.Random) -> None:
    r.header["confidence"] = "Red"
    r.header["risks"] = None


def _stale(days: int) -> Callable[[_Return, random.Random], None]:
    def mistake(r: _Return, rng: random.Random) -> None:
        r.header["date_of_update"] = r.header["date_of_update"] - timedelta(days=days)

    return mistake


def _formula_text(r: _Return, rng: random.Random) -> None:
    r.rows[0]["notes"] = '=HYPERLINK("http://example.com/evidence","evaluation report")'


def _loose_numbers(r: _Return, rng: random.Random) -> None:
    r.rows[0]["estimated_impact"] = f"approx {r.rows[0]['estimated_impact']}"
    r.rows[1]["estimated_impact"] = "TBC"


def _status_not_in_list(r: _Return, rng: random.Random) -> None:
    r.rows[-1]["status"] = "On hold"


def _built_by_hand(kind: str) -> Callable[[_Return, random.Random], None]:
    def mistake(r: _Return, rng: random.Random) -> None:
        r.built_by_hand = kind
        r.name = f"{r.entry.organisation} CSP action plan.{kind}"

    return mistake


def _quarter_not_updated(r: _Return, rng: random.Random) -> None:
    now = r.header["_current_quarter"]
    for row in r.rows:
        row.pop(f"q{now}", None)


def _delayed_without_report(r: _Return, rng: random.Random) -> None:
    row = r.rows[0]
    row[f"q{r.header['_current_quarter']}"] = "Delayed"
    row["progress_report"] = None
    row["cp3"] = "Significant"


P44_MISTAKES: dict[str, Callable[[_Return, random.Random], None]] = {
    "Birmingham": _hand_typed_statuses,
    "Bradford": _text_dates,
    "Brent": _renamed_sheet,
    "Bristol": _no_definition_of_problem,
    "Cardiff": _red_without_risks,
    "Coventry": _stale(40),
    "Derby": _formula_text,
    "Hackney": _built_by_hand("xlsx"),
    "Haringey": _built_by_hand("ods"),
    "Islington": _loose_numbers,
    "Kirklees": _status_not_in_list,
}
THREE_YEAR_MISTAKES: dict[str, Callable[[_Return, random.Random], None]] = {
    "Housing": _hand_typed_statuses,
    "Finance": _quarter_not_updated,
    "ICT": _delayed_without_report,
    "Planning and Building Control": _text_date_of_update,
    "Property and Estates": _stale(120),
}
NOT_RETURNED = {"Luton", "Newport", "Slough", "Customer Services", "Human Resources"}
SENT_TWICE = "Doncaster"  # an early draft, then the real return: the draft is superseded
SAVED_TWICE = "Gateshead"  # the same file saved again under another name: a duplicate
LATE = {"Sheffield", "Waste and Street Scene"}  # returned the day after the due date


def make_demo(directory: Path, as_of: date = DEMO_AS_OF) -> DemoInbox:
    """Write registers, templates and inboxes of returns under ``directory``: this round's,
    and each layout's previous round (so that direction of travel has something to show).

    Each file's modified time is when it reached the inbox: in the days up to the round's due
    date (``DUE_DAYS_BEFORE`` days before ``as_of``), or the day after it for ``LATE``."""
    directory = Path(directory)
    inbox, templates, registers_dir = (directory / d for d in ("inbox", "templates", "registers"))
    earlier_dir = directory / "earlier-rounds"
    for folder in (inbox, templates, registers_dir, directory / "store", directory / "feedback",
                   earlier_dir):  # fmt: skip
        _fresh(folder)  # a demo round starts from nothing each time
    store = directory / "store" / "pipeline.sqlite"
    registers = []
    for name in LAYOUTS:
        source = resources.files("pipeline.demo").joinpath(f"registers/{name}.csv")
        target = registers_dir / f"{name}.csv"
        target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
        registers.append(target)
    rng = random.Random(as_of.toordinal())
    due = _due(as_of)
    count = 0
    earlier = []
    for path in registers:
        register = read_register(path)
        make_templates(register.layout, templates, register)
        before = as_of - timedelta(days=LAST_ROUND_DAYS[register.layout.name])
        previous = DemoRound(earlier_dir / f"{register.layout.name}-{before}", before, [path],
                             _due(before))  # fmt: skip
        earlier.append(previous)
        for entry in register.entries:
            if entry.organisation in NOT_RETURNED:
                continue
            current = _draft(register, entry, rng, as_of)
            last = _last_round(current, rng, as_of)
            _send(last, templates, previous.inbox, rng, _arrival(last.name, previous.due))
            _make_mistake(current, rng)
            late = entry.organisation in LATE
            count += _send(current, templates, inbox, rng, _arrival(current.name, due, late))
    count += _extras(inbox, templates, rng, as_of, due)
    return DemoInbox(earlier, inbox, registers, templates, store, count, due)


def _due(as_of: date) -> date:
    return as_of - timedelta(days=DUE_DAYS_BEFORE)


def _arrival(name: str, due: date, late: bool = False) -> datetime:
    """When a file reached the inbox: in working hours on one of the five days up to ``due``,
    or on the day after it when it came ``late``; the same for the same name every time."""
    spread = zlib.crc32(name.encode())
    day = due + timedelta(days=1) if late else due - timedelta(days=spread % 5)
    return datetime.combine(day, time(9)) + timedelta(minutes=spread // 5 % (8 * 60))


def _arrived(path: Path, when: datetime) -> None:
    """Give a file the modified time of its arrival (local time)."""
    stamp = when.timestamp()
    os.utime(path, (stamp, stamp))


LAST_ROUND_DAYS = {"p44": 14, "three_year": 91}


def _last_round(current: _Return, rng: random.Random, as_of: date) -> _Return:
    """The same organisation's return a round earlier: the same plan, less far on."""
    days = LAST_ROUND_DAYS[current.layout.name]
    then = as_of - timedelta(days=days)
    header = {**current.header, "date_of_update": current.header["date_of_update"] -
              timedelta(days=days)}  # fmt: skip
    rows = []
    for row in current.rows:
        row = dict(row)
        start, end = row.get("start_date"), row.get("end_date")
        if isinstance(start, date) and start > then - timedelta(days=7) and rng.random() < 0.5:
            continue  # an action added since
        if row.get("status") in ("Complete", "Evaluation") and isinstance(end, date) and end > then:
            row["status"] = "Ongoing"
        elif row.get("status") == "Ongoing" and isinstance(start, date) and start > then:
            row["status"] = "Planned"
        now = header.get("_current_quarter")
        if now:
            row.pop(f"q{now}", None)
        rows.append(row)
    if "confidence" in header and rng.random() < 0.35:
        ladder = ["Red", "Amber", "Green"]
        step = ladder.index(header["confidence"]) + rng.choice((-1, 1))
        header["confidence"] = ladder[min(max(step, 0), 2)]
    name = _file_name(current.layout, current.entry, then)
    return _Return(current.layout, current.entry, header, rows, name)


def _file_name(layout: Layout, entry: RegisterEntry, day: date) -> str:
    """What partners call their returns."""
    if layout.name == "p44":
        return f"{entry.organisation} action plan {day:%d-%m-%y}.xlsx"
    return f"{entry.code} 3-year action plan Q{quarter_of(entry.prefill['plan_start'], day)}.xlsx"


def _fresh(folder: Path) -> None:
    """Empty a folder the demo made before; refuse to touch one it did not make."""
    if folder.exists() and any(folder.iterdir()):
        if not (folder / MARKER).exists():
            raise PipelineError(
                f"{folder} already holds files the demo did not make: choose another --dir."
            )
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("made by `pipeline demo`; emptied each time it runs\n")


def _draft(register: Register, entry: RegisterEntry, rng: random.Random, as_of: date) -> _Return:
    layout = register.layout
    org = entry.organisation
    if layout.name == "p44":
        baseline = entry.prefill.get("baseline") or 10000
        needed = round(baseline * (entry.prefill.get("reduction_target") or 6) / 100)
        header = p44_header(rng, entry.prefill, as_of)
        rows = p44_actions(rng, as_of, rng.randrange(6, 15), needed)
        r = _Return(layout, entry, header, rows, _file_name(layout, entry, as_of))
    else:
        now = quarter_of(entry.prefill["plan_start"], as_of)
        header = {
            "updated_by": entry.prefill.get("head_of_service"),
            "date_of_update": as_of - timedelta(days=rng.randrange(1, 20)),
            "_current_quarter": now,
        }
        rows = three_year_tasks(rng, entry.code or "", org, now, rng.randrange(6, 13))
        r = _Return(layout, entry, header, rows, _file_name(layout, entry, as_of))
    return r


def _make_mistake(r: _Return, rng: random.Random) -> None:
    """What goes wrong with this organisation's return, if anything (see the tables above)."""
    mistakes = P44_MISTAKES if r.layout.name == "p44" else THREE_YEAR_MISTAKES
    mistake = mistakes.get(r.entry.organisation)
    if mistake is not None:
        mistake(r, rng)


def _send(r: _Return, templates: Path, inbox: Path, rng: random.Random, when: datetime) -> int:
    """Save a return into the inbox as its partner would, arriving ``when``; returns how many
    files it made."""
    header = {k: v for k, v in r.header.items() if not k.startswith("_")}
    target = inbox / ("from-email" if rng.random() < 0.3 else "") / r.name
    target.parent.mkdir(parents=True, exist_ok=True)
    if r.built_by_hand:
        _write_by_hand(target, r.layout, {**r.entry.prefill, **header}, r.rows, r.built_by_hand)
        _arrived(target, when)
        return 1
    org = r.entry.organisation
    template = _template_for(templates, r.layout, org)
    filled = PartnerWorkbook(template, r.layout).fill_header(header)
    for row in r.rows:
        filled.add_row(row)
    if r.rename_sheet:
        filled.rename_sheet(r.rename_sheet)
    filled.save(target)
    _arrived(target, when)
    made = 1
    if org == SAVED_TWICE:  # copied in Windows Explorer, which keeps the modified time
        shutil.copy2(target, target.with_name(f"Copy of {target.name}"))
        made += 1
    if org == SENT_TWICE:
        draft = PartnerWorkbook(template, r.layout).fill_header(
            {**header, "date_of_update": header["date_of_update"] - timedelta(days=9)}
        )
        for row in r.rows[: len(r.rows) // 2]:
            draft.add_row(row)
        _arrived(draft.save(target.with_name(f"DRAFT {target.name}")), when - timedelta(days=3))
        made += 1
    return made


def _template_for(templates: Path, layout: Layout, organisation: str) -> Path:
    return templates / f"{layout.name}-{safe_stem(organisation)}.xlsx"


def _write_by_hand(
    path: Path, layout: Layout, header: dict[str, Any], rows: list[dict], kind: str
) -> None:
    """A partner's own sheet built from the field titles: labels in column A, values in B,
    long texts below their label, and the table's columns in another order with some titles
    worded differently."""
    grid: list[list[Any]] = [[f"{header.get('partnership')} Partnership Action Plan"], []]
    long_texts = []
    for f in layout.header:
        if f.kind.name == "LONG_TEXT":
            long_texts.append(f)
            continue
        grid.append([f.aliases[0] if f.aliases and f.name == "confidence" else f.title,
                     _plain(header.get(f.name))])  # fmt: skip
    for f in long_texts:
        grid += [[], [f.title], [header.get(f.name)]]
    grid.append([])
    order = ["status", "ref", "action", "lead_officer", "start_date", "end_date", "category",
             "estimated_impact", "lead_agency", "notes"]  # fmt: skip
    retitled = {"lead_officer": "Owner", "estimated_impact": "Est. impact (crimes)"}
    grid.append([retitled.get(n, layout.field(n).title) for n in order])
    grid += [[_plain(row.get(n)) for n in order] for row in rows]
    width = max(len(r) for r in grid)
    grid = [r + [None] * (width - len(r)) for r in grid]
    if kind == "ods":
        import pandas as pd

        pd.DataFrame(grid).to_excel(path, engine="odf", header=False, index=False,
                                    sheet_name="Action Plan")  # fmt: skip
        return
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Action Plan"
    for row in grid:
        sheet.append(row)
    book.save(path)


def _plain(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


def _extras(inbox: Path, templates: Path, rng: random.Random, as_of: date, due: date) -> int:
    """The files that are not anyone's proper return, arriving before ``due``."""
    layout = LAYOUTS["p44"]
    stranger = RegisterEntry("Gotham", None, {"partnership": "Gotham", "region": "GO Nowhere"}, 0)
    path = templates.parent / "stranger-template.xlsx"
    write_template(path, layout, stranger.prefill, organisation="Gotham")
    filled = PartnerWorkbook(path, layout).fill_header(p44_header(rng, {}, as_of))
    for row in p44_actions(rng, as_of, 5, 300):
        filled.add_row(row)
    filled.save(inbox / "Gotham action plan.xlsx")
    _arrived(inbox / "Gotham action plan.xlsx", _arrival("Gotham", due))
    path.unlink()
    (inbox / "covering note.txt").write_text(
        "Hi, please find attached our updated action plan. Regards, Salford CSP\n"
    )
    (inbox / "Salford plan (web page).xls").write_text(
        "<html><body><table><tr><td>Partnership</td><td>Salford</td></tr></table></body></html>"
    )
    for name in ("covering note.txt", "Salford plan (web page).xls"):  # one email's attachments
        _arrived(inbox / name, _arrival("Salford", due))
    lock = inbox / "~$Leeds action plan.xlsx"
    lock.write_bytes(b"\x0bpartner  ")  # an Excel lock file left behind: to be ignored
    os.utime(lock, (0, 0))
    return 3
