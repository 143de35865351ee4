"""Make a realistic demo round: registers, templates, and an inbox of returns from every
layout's demo partners (44 partnerships, 14 business units, 8 Hallmarks reviews, 7 Police and
Crime Plan leads), with the mistakes real people make.

What each layout's partners write, and which of them makes which mistake, is in its package
(``layouts/<name>/demo.py``: one row of a table per mistake, organisation -> what goes
wrong, so the demo reads as a list of the stories it tells); this module plays every layout
that has demo partners, and adds the round's other files (a plan from no one on the
register, a covering note, a web page saved as .xls, a lock file). Content is deterministic
for a given as-of date.
"""

from __future__ import annotations

import os
import random
import shutil
import zlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from email.utils import formataddr
from pathlib import Path

from ..declare import LAYOUTS, Layout
from ..errors import PipelineError
from ..inbox.registers import Register, RegisterEntry, contact_of, read_register
from ..naming import safe_stem
from ..templates.writer import make_templates, write_template
from .layout_demo import DemoReturn, LayoutDemo, earlier_by
from .mail import email_return, word_document
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


def make_demo(directory: Path, as_of: date = DEMO_AS_OF) -> DemoInbox:
    """Write registers, templates and inboxes of returns under ``directory``: this round's,
    and each layout's previous round (so that direction of travel has something to show).

    Each return reaches the inbox in the days up to the round's due date (``DUE_DAYS_BEFORE``
    days before ``as_of``), or the day after it for those each layout's demo partners send
    ``late``. The demo's team keeps the messages returns came in, and saves the rest in a
    folder named by the day they came (``inbox/2026-11-16/``): so every return's arrival is
    known (``pipeline.inbox.arrival``). The other files of the round lie loose in the inbox."""
    directory = Path(directory)
    inbox, templates, registers_dir = (directory / d for d in ("inbox", "templates", "registers"))
    earlier_dir = directory / "earlier-rounds"
    for folder in (inbox, templates, registers_dir, directory / "store", directory / "feedback",
                   earlier_dir):  # fmt: skip
        _fresh(folder)  # a demo round starts from nothing each time
    store = directory / "store" / "pipeline.sqlite"
    registers = []
    for layout in _played():
        target = registers_dir / f"{layout.name}.csv"
        target.write_text(_demo(layout).register, encoding="utf-8")
        registers.append(target)
    due = _due(as_of)
    count = 0
    # Each layout's round before this one; layouts whose last round fell on the same day (two
    # quarterly ones) are run together, as a team with both would have: a run is every
    # layout's round at its as-of date, so a run of one alone would record the other's round
    # without its register.
    earlier: dict[date, DemoRound] = {}
    for path in registers:
        register = read_register(path)
        rng = _random(as_of, register.layout.name)  # (its story is the same whatever else plays)
        make_templates(register.layout, templates, register, as_of=as_of)
        before = as_of - timedelta(days=register.layout.interval_days)
        previous = earlier.setdefault(
            before, DemoRound(earlier_dir / f"inbox-{before}", before, [], _due(before))
        )
        previous.registers.append(path)
        for entry in register.entries:
            if entry.organisation in _demo(register.layout).not_returned:
                continue
            current = _draft(register, entry, rng, as_of)
            last = _last_round(current, rng, as_of)
            _send(last, templates, previous.inbox, rng, _arrival(last.name, previous.due))
            _make_mistake(current, rng)
            late = entry.organisation in _demo(register.layout).late
            count += _send(current, templates, inbox, rng, _arrival(current.name, due, late))
    count += _extras(inbox, templates, _random(as_of, "extras"), as_of, due)
    return DemoInbox(sorted(earlier.values(), key=lambda r: r.as_of), inbox, registers,
                     templates, store, count, due)  # fmt: skip


def _random(as_of: date, part: str) -> random.Random:
    """The random source for one part of the demo round: the same each time for the same
    date."""
    return random.Random(f"{as_of.isoformat()} {part}")


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


def _played() -> list[Layout]:
    """The layouts whose partners the demo plays."""
    return [layout for layout in LAYOUTS.values() if layout.hooks.demo() is not None]


def _demo(layout: Layout) -> LayoutDemo:
    demo = layout.hooks.demo()
    assert demo is not None  # (only layouts the demo plays get here)
    return demo


def _last_round(current: DemoReturn, rng: random.Random, as_of: date) -> DemoReturn:
    """The same organisation's return a round earlier: the same plan, less far on."""
    layout, demo = current.layout, _demo(current.layout)
    then = as_of - timedelta(days=layout.interval_days)
    header = {**current.header, **earlier_by(current.header, layout, layout.interval_days)}
    rows = [dict(row) for row in current.rows]
    last = DemoReturn(layout, current.entry, header, rows, demo.file_name(current.entry, then))
    demo.earlier(last, rng, then)
    return last


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


def _draft(register: Register, entry: RegisterEntry, rng: random.Random, as_of: date) -> DemoReturn:
    demo = _demo(register.layout)
    header, rows = demo.draft(entry, rng, as_of)
    return DemoReturn(register.layout, entry, header, rows, demo.file_name(entry, as_of))


def _make_mistake(r: DemoReturn, rng: random.Random) -> None:
    """What goes wrong with this organisation's return, if anything (see each layout's
    ``MISTAKES``)."""
    mistake = _demo(r.layout).mistakes.get(r.entry.organisation)
    if mistake is not None:
        mistake(r, rng)


def _send(r: DemoReturn, templates: Path, inbox: Path, rng: random.Random, when: datetime) -> int:
    """Save a return into the inbox as its partner would, arriving ``when``; returns how many
    files it made."""
    header = {k: v for k, v in r.header.items() if not k.startswith("_")}
    by_email = rng.random() < 0.3
    target = _dated(inbox, when) / r.name
    target.parent.mkdir(parents=True, exist_ok=True)
    by_hand = _demo(r.layout).by_hand
    if r.built_by_hand and by_hand is not None:
        by_hand(target, {**r.entry.prefill, **header}, r.rows, r.built_by_hand)
        _arrived(target, when)
        return 1
    org = r.entry.organisation
    template = _template_for(templates, r.layout, org)
    filled = PartnerWorkbook(template, r.layout).fill_header(header)
    for row in r.rows:
        filled.put_row(row)
    if r.rename_sheet:
        filled.rename_sheet(r.rename_sheet)
    if r.saved_as_csv:
        filled.save_csv(target)
    else:
        filled.save(target)
    _arrived(target, when)
    made = 1
    demo = _demo(r.layout)
    if org == demo.saved_twice:  # copied in Windows Explorer, which keeps the modified time
        shutil.copy2(target, target.with_name(f"Copy of {target.name}"))
        made += 1
    if org == demo.sent_twice:  # a draft, made and sent a few days before the plan
        days = 3
        draft = PartnerWorkbook(template, r.layout).fill_header(
            {**header, **earlier_by(header, r.layout, days=days)}
        )
        for row in r.rows[: len(r.rows) // 2]:
            draft.put_row(row)
        first = when - timedelta(days=days)
        folder = _dated(inbox, first)
        folder.mkdir(exist_ok=True)
        _arrived(draft.save(folder / f"DRAFT {target.name}"), first)
        made += 1
    if by_email and made == 1:
        _as_email(target, r, when, inbox / "from-email")
    return made


def _dated(inbox: Path, when: datetime) -> Path:
    """The inbox's folder for the day ``when``, as the demo's team names it."""
    return inbox / f"{when:%Y-%m-%d}"


def _as_email(path: Path, r: DemoReturn, when: datetime, folder: Path) -> None:
    """The return at ``path`` sent by email instead, and the message saved in its place (as
    ``.eml``, in ``folder``) a little after it arrived. One partner in five sends it from a
    shared office address, not the register's contact. A layout without contact emails sends
    files."""
    layout = r.layout
    name, address = contact_of(layout, r.entry)
    if not address or "@" not in address:
        return
    name = name or ""
    if zlib.crc32(r.entry.organisation.encode()) % 5 == 0:
        name, address = "Partnership office", f"office@{address.split('@', 1)[1]}"
    folder.mkdir(exist_ok=True)
    message = folder / path.with_suffix(".eml").name
    email_return(message, [(path.name, path.read_bytes())], formataddr((name, address)),
                 f"{layout.title}: {r.entry.organisation}", when)  # fmt: skip
    path.unlink()
    _arrived(message, when + timedelta(minutes=10))


def _template_for(templates: Path, layout: Layout, organisation: str) -> Path:
    return templates / f"{layout.name}-{safe_stem(organisation)}.xlsx"


def _extras(inbox: Path, templates: Path, rng: random.Random, as_of: date, due: date) -> int:
    """The files that are not anyone's proper return, arriving before ``due``."""
    made = 2
    for layout in [x for x in _played() if _demo(x).stranger is not None][:1]:
        stranger = _demo(layout).stranger
        assert stranger is not None
        prefill, header, rows = stranger(rng, as_of)
        organisation = str(prefill[layout.key])
        path = templates.parent / "stranger-template.xlsx"
        write_template(path, layout, prefill, organisation=organisation)
        filled = PartnerWorkbook(path, layout).fill_header(header)
        for row in rows:
            filled.add_row(row)
        filled.save(inbox / f"{organisation} action plan.xlsx")
        _arrived(inbox / f"{organisation} action plan.xlsx", _arrival(organisation, due))
        path.unlink()
        made += 1
    for layout in _played():
        org = _demo(layout).sent_in_word
        if org is not None:  # its plan typed up in Word: rejected, and told why
            word = word_document(inbox / f"{org} action plan.docx", f"{org}: our action plan")
            _arrived(word, _arrival(org, due))
            made += 1
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
    return made
