"""What the store holds of a run, as records: a file it has seen, what a run learned of a file,
an organisation's position in a round, a message sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..inbox.arrival import Arrival
from ..returns import LoadedReturn


class RunAbandoned(Exception):
    """A run was not recorded because its workbook could not be put in place."""


@dataclass(frozen=True)
class StoredFile:
    """A file the store has seen before, and the return read from it."""

    sha256: str
    name: str
    first_seen: datetime
    first_as_of: date
    modified: float | None
    archived: Path
    round: str | None
    checked: LoadedReturn
    arrival: Arrival  # when it arrived, and how that is known, as first found
    status: str = ""  # what became of it in its round
    reason: str | None = None
    layout: str | None = None  # its return's layout, or a rejected file's owner's


@dataclass(frozen=True)
class FileRecord:
    """What a run learned about one file, to be written to the store."""

    path: Path  # where it is now (in the inbox)
    name: str
    sha256: str
    size: int
    modified: float | None
    first_seen: datetime | None  # when the pipeline first saw it (None: now)
    status: str
    reason: str | None
    round: str | None
    checked: LoadedReturn | None  # None for a duplicate: its twin is recorded
    copy: Path | None = None  # the run's copy of its bytes, to archive when new
    arrival: Arrival | None = None  # when it arrived, and how that is known
    # its return's layout, or a rejected file's owner's (``pipeline.inbox.owners``): the
    # layout whose round it belongs to (None: of no layout anyone can tell)
    layout: str | None = None
    # its return's JSON as the store keeps it, made ahead (``store.ahead``; None: not made)
    encoded: str | None = None


@dataclass(frozen=True)
class PlanRecord:
    """One organisation's position in one round, to be written to the store."""

    layout: str
    round: str
    organisation: str
    sha256: str | None
    summary: dict[str, Any]


@dataclass(frozen=True)
class MailRecord:
    """One message sent to an organisation about one round."""

    layout: str
    round: str
    organisation: str
    recipient: str
    subject: str
    message_id: str
    sent_at: datetime
