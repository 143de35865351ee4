"""An upload taken in: in a worker process of the service (never the web process), exactly as
a file dropped in the inbox is (``run.take_in``): the bytes read into a copy and hashed,
checked byte by byte and read in an isolated, capped worker, archived by SHA-256 and
recorded in the store with its arrival known from its upload, its feedback written; and the
answer sent back to the page as plain data.

An upload is named in the store as ``uploads/<organisation>/<when> <file name>`` (its name
as the partner's computer gave it, as text only), so that the Returns Log says where it
came from and whose page it was sent on.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from ..feedback import jobs_for
from ..inbox.intake import REJECTED, Receipt, settle
from ..inbox.registers import organisation_key
from ..inbox.walk import printable, read_file
from ..report.terminal import receipt_dict
from ..store.schema import transaction
from .settings import ServeSettings

UPLOADS = "uploads"  # the folder uploads are named in, in the store and the Returns Log
NOT_THIS_LINK = "not-this-link"  # the rule of a finding: another organisation's plan on a page


@dataclass(frozen=True)
class Upload:
    """One file received on an organisation's page: where its bytes are, its name as sent
    (already made safe to show), whose page it came on, from where and when."""

    path: Path
    filename: str
    layout: str
    organisation: str
    round: str
    client: str
    at: datetime

    @property
    def name(self) -> str:
        """Its name in the store and the Returns Log."""
        folder = printable(self.organisation).replace("/", "-")
        return f"{UPLOADS}/{folder}/{self.at:%Y-%m-%d %H.%M.%S} {self.filename}"


@dataclass(frozen=True)
class FixLine:
    """One line of the Fix list, as the page shows it (``feedback.FixItem``'s words)."""

    words: str  # its severity's word: Red or Amber (``pipeline.declare.severity``)
    sheet: str | None
    cell: str | None
    field: str | None
    problem: str
    to_do: str


@dataclass(frozen=True)
class Outcome:
    """What became of an upload: its status and why, the Fix list, what ``check --json``
    says of it, and its feedback workbook's name in the outbox's feedback folder."""

    status: str
    name: str
    sha256: str
    reason: str | None = None
    fix: tuple[FixLine, ...] = ()
    check: list[dict[str, Any]] = field(default_factory=list)
    feedback: str | None = None
    organisation: str | None = None  # as the return names it


def take_in_upload(settings: ServeSettings, upload: Upload) -> Outcome:
    """Take one upload in (see the module); returns what became of it."""
    from ..run import take_in

    def entries(copies: Path):
        entry = read_file(upload.path, copies, name=upload.name)
        return [replace(entry, uploaded=upload.at)]

    def vet(receipts: list[Receipt], registers: dict) -> None:
        for receipt in receipts:
            _only_its_own(receipt, upload, registers)

    taken = take_in(entries, settings.outbox, settings.registers, settings.today(),
                    settings.store, settings.due, vet=vet)  # fmt: skip
    receipt = next((r for r in taken.receipts if r.source.name == upload.name), None)
    if receipt is None:  # a message's attachments: the first spreadsheet in it
        receipt = taken.receipts[0]
    flags = taken.consolidation.flags
    jobs = jobs_for([receipt], settings.outbox / "feedback", flags)
    fix = tuple(
        FixLine(item.words, item.sheet, item.cell, item.field, item.problem, item.to_do)
        for job in jobs[:1]
        for item in job.fix_items()
    )
    written = taken.feedback.get(receipt.source.sha256)
    outcome = Outcome(
        receipt.status, receipt.source.name, receipt.source.sha256, receipt.note, fix,
        [receipt_dict(receipt)], written.name if written else None,
        receipt.loaded.organisation if receipt.loaded else None,
    )  # fmt: skip
    _record(settings, upload, outcome)
    return outcome


def _only_its_own(receipt: Receipt, upload: Upload, registers: dict) -> None:
    """Turn down a return that is not the page's organisation's (another's plan, or a plan
    of another kind), before the round is put together: no one's page takes in another's."""
    loaded = receipt.loaded
    if loaded is None or loaded.rejected or receipt.status == REJECTED:
        return
    same = loaded.layout == upload.layout and organisation_key(
        loaded.organisation
    ) == organisation_key(upload.organisation)
    if same:
        return
    whose = loaded.organisation or "another organisation"
    receipt.checked.reject(
        NOT_THIS_LINK,
        f"This file holds {whose}'s plan, but it was uploaded on {upload.organisation}'s page: "
        f"upload {upload.organisation}'s own plan here (each organisation has its own link).",
    )
    settle([receipt], registers)


def _record(settings: ServeSettings, upload: Upload, outcome: Outcome) -> None:
    """Keep the upload with the page it came on (its organisation's page lists it)."""
    from ..store import Store

    with Store.open(settings.store) as store, transaction(store.db) as db:
        db.execute(
            "INSERT INTO uploads (sha256, layout, organisation, round, name, uploaded_at, "
            "client, status, feedback) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (outcome.sha256, upload.layout, upload.organisation, upload.round, outcome.name,
             upload.at.isoformat(timespec="seconds"), upload.client, outcome.status,
             outcome.feedback),
        )  # fmt: skip
