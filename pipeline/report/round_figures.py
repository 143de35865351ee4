"""The round's own figures, computed once from a ``Consolidation``: the Returns sheet's
tracker (a column per layout, and their totals) and chase list, each layout's round in words,
and the headline figures the Overview, the meeting pack and the terminal open with.
"""

from __future__ import annotations

from typing import Any

from ..declare import LAYOUTS
from ..inbox.intake import (
    ACCEPTED,
    ALREADY_COUNTED,
    DUPLICATE,
    EARLIER_PERIOD,
    REJECTED,
    SUPERSEDED,
    WITH_FINDINGS,
    layouts_of,
)
from ..round import attention, notices
from ..round.plans import Consolidation
from .columns import EMAIL, INT, LONG, TEXT, Col, Table

FILE_OUTCOMES = (("Accepted", ACCEPTED), ("Accepted with findings", WITH_FINDINGS),
                 ("Rejected", REJECTED), ("Duplicate", DUPLICATE),
                 ("Superseded", SUPERSEDED), ("For an earlier period", EARLIER_PERIOD),
                 ("Counted in an earlier round", ALREADY_COUNTED))  # fmt: skip
TRACKER_ROWS = ("Round", "Due", "Expected", "Received", "Missing", "Late", "Arrival not known",
                "Files", *(title for title, _ in FILE_OUTCOMES))  # fmt: skip
NOT_RECOGNISED = "Not recognised"
ALL_RETURNS = "All"  # the tracker's column of totals


def tracker(c: Consolidation) -> Table:
    """The round's returns, a column per layout: expected, received, missing and late (one
    definition: ``declare.measures``), then what became of the files; files of no known
    layout in a column of their own."""
    layout_of = layouts_of(c.receipts)
    shown: dict[str, dict[str, Any]] = {}
    for name, layout in LAYOUTS.items():
        plans = c.plans_of(name)
        files = [r for r in c.receipts if layout_of(r) == name]
        if not plans and not files:
            continue
        count, round_ = c.returns(name), c.rounds.get(name)
        shown[layout.title] = {
            "Round": round_.label if round_ else None, "Due": c.due_of(name),
            "Expected": count.expected, "Received": count.received, "Missing": count.missing,
            "Late": count.late, "Arrival not known": count.unknown, **_file_outcomes(files),
        }  # fmt: skip
    unknown = [r for r in c.receipts if layout_of(r) is None]
    if unknown:
        shown[NOT_RECOGNISED] = _file_outcomes(unknown)
    if len(shown) > 1:  # people add the columns up: the sum of each count, done once here
        counted = [figure for figure in TRACKER_ROWS if figure not in ("Round", "Due")]
        shown[ALL_RETURNS] = {figure: sum(column.get(figure) or 0 for column in shown.values())
                              for figure in counted}  # fmt: skip
    # (a layout's column holds its round's name too: it wraps, as a long text; the files not
    # recognised and the totals are counts alone)
    columns = [Col("Returns", 22, TEXT, lambda row: row[0])] + [
        Col(title, 14, INT if title in (NOT_RECOGNISED, ALL_RETURNS) else LONG,
            lambda row, title=title: shown[title].get(row[0]))
        for title in shown
    ]  # fmt: skip
    return Table.of("Returns", columns, [(figure,) for figure in TRACKER_ROWS])


def _file_outcomes(files: list[Any]) -> dict[str, int]:
    """How many files, and how many of them ended each way."""
    outcomes = {title: sum(r.status == status for r in files) for title, status in FILE_OUTCOMES}
    return {"Files": len(files), **outcomes}


HEADLINE_GAP = "   ·   "


def headline_figures(c: Consolidation) -> str:
    """The headline figures on one line: ``Red: 15   ·   No return: 7 ...``."""
    return HEADLINE_GAP.join(f"{title}: {n}" for title, n in attention.headlines(c))


def headline_lines(c: Consolidation, first: str, width: int) -> list[str]:
    """The headline figures after ``first``, in lines of at most ``width`` characters (one
    figure longer than that has a line of its own): for a sheet that prints them across a
    page."""
    lines = [first]
    for title, n in attention.headlines(c):
        said = f"{title}: {n}"
        if len(lines[-1]) + len(HEADLINE_GAP) + len(said) > width:
            lines.append(said)
        else:
            lines[-1] += f"{HEADLINE_GAP}{said}"
    return lines


def returns_lines(c: Consolidation) -> list[str]:
    """Each layout's round in words (expected, received, missing, late), for the layouts with
    organisations this round, as the Overview and the terminal summary show it."""
    lines = []
    for name, layout in LAYOUTS.items():
        if not c.plans_of(name):
            continue
        count, round_ = c.returns(name), c.rounds.get(name)
        parts = [f"expected {count.expected}" if count.expected is not None else None,
                 f"received {count.received}",
                 f"missing {count.missing}" if count.missing is not None else None,
                 f"late {count.late}" if count.late is not None else None,
                 # (where lateness is judged and some arrivals cannot be)
                 f"arrival not known {count.unknown}"
                 if count.late is not None and count.unknown else None]  # fmt: skip
        when = f", {round_.label}" if round_ else ""
        lines.append(f"{layout.title}{when}: {', '.join(p for p in parts if p)}")
    return lines


def chase_list(c: Consolidation) -> Table:
    """Who to chase and for what: a line per organisation on a register whose return is
    missing, rejected, late, stale or has something that must be fixed, with whom to write to
    as the mail does (``contacts.recipients``: the register's contact, their email a link
    that starts a message, and whoever completed the return, copied when someone else)."""
    lines = []
    for plan in c.plans:
        if plan.entry is None:
            continue
        wanted = notices.to_fix(c, plan)
        if wanted:
            lines.append((plan, plan.recipients, " ".join(wanted)))
    columns = [
        Col("Organisation", 30, TEXT, lambda line: line[0].organisation),
        Col("Layout", 14, TEXT, lambda line: line[0].layout.short_title),
        Col("Contact name", 24, TEXT, lambda line: line[1].to and line[1].to.name),
        Col("Contact email", 34, EMAIL, lambda line: line[1].to and line[1].to.email),
        Col("Copy to", 34, TEXT, lambda line: line[1].copy and str(line[1].copy)),
        Col("What is missing", 90, LONG, lambda line: line[2]),
    ]
    return Table.of("Chase list", columns, lines)
