"""Each layout's round as a run shows it, as the store keeps it (``store.shown``): the round,
its due date and how many returns were expected, every line of its Returns Log and every gap
flag, made from the run's ``Consolidation``.

A file is listed in its layout's round (its return's layout; a rejected file's owner's; a
duplicate's twin's); a file of no layout that can be told in the round of the run's layout
with the shortest rounds, as the store places such files (``periods.round_for_files``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ..inbox.intake import Receipt, layouts_of
from ..inbox.periods import in_play, round_for_files
from ..inbox.registers import Register
from ..store.shown import LoggedFile, RoundRecord
from .plans import Consolidation


def round_records(c: Consolidation, registers: Mapping[str, Register]) -> Iterator[RoundRecord]:
    """Each layout's round that has organisations or files in this run, as the run shows it
    (``c.rounds``: each layout's round at the run's as-of date)."""
    layout_of = layouts_of(c.receipts)
    playing = in_play(c.rounds, registers)
    unplaced = round_for_files({name: c.rounds[name] for name in playing})[0]
    logged: dict[str, list[LoggedFile]] = {}
    for receipt in c.receipts:
        layout = layout_of(receipt)
        logged.setdefault(layout or unplaced, []).append(logged_file(receipt, layout))
    for name, round_ in c.rounds.items():
        files, plans = logged.get(name, []), c.plans_of(name)
        if not files and not plans:
            continue
        flags = tuple(f for f in c.flags if f.layout == name)
        yield RoundRecord(name, round_, c.as_of, c.due_of(name), c.returns(name).expected,
                          tuple(files), flags)  # fmt: skip


def logged_file(receipt: Receipt, layout: str | None) -> LoggedFile:
    """One file's line of the Returns Log, as the store keeps it."""
    envelope = receipt.source.envelope
    return LoggedFile(
        name=receipt.source.name,
        sha256=receipt.source.sha256 or None,
        status=receipt.status,
        reason=receipt.note,
        layout=layout,
        organisation=receipt.organisation,
        matched=receipt.matched,
        arrival=receipt.arrival,
        sender=envelope.sender if envelope else None,
        sent=envelope.sent if envelope else None,
        sender_note=receipt.sender_note,
        findings=tuple(receipt.findings),
    )
