"""When a file arrived, and how that is known: the only ground on which a return is late.

A file copied into the inbox carries no trustworthy arrival time of its own: an attachment
saved from Outlook on Monday has Monday's file time, however early it was sent. So a return
is judged late only on evidence, the first of ``EVIDENCE`` that the file has: the Sent time
of the email it came attached to, when it was uploaded, the date of the inbox folder the team
saved it in (``inbox/2026-11-21/…``), or its file time where the team's rule is that file
times are arrival times (``pipeline run --file-times``). Without any of these its arrival is
not known: the Returns Log says when the pipeline first saw it, and it is never called late.

The store keeps each file's arrival as first found (``Arrival.stored``), so later runs and
history say the same.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePosixPath

from ..returns import Envelope

EMAIL, UPLOAD, FOLDER, FILE_TIME, FIRST_SEEN = (
    "email",
    "upload",
    "folder",
    "file-time",
    "first-seen",
)

RECEIVED_MEANS = (
    "Received is when the return is known to have arrived: the Sent time of the email it "
    "came attached to, when it was uploaded, the date of the dated inbox folder it was saved "
    "in (such as inbox/2026-11-21), or its file time where the team runs with --file-times "
    "(file times are arrival times). Arrival known from says which. A file with none of these "
    "(saved into the inbox, whose file time is only when it was saved there) has no Received "
    "date and is never counted late; its Arrival known from says when the pipeline first saw it."
)


@dataclass(frozen=True)
class Clues:
    """What a file says of its own arrival: its name in the inbox (with the folders it is
    in), the message it came attached to, its file time (a POSIX timestamp), when it was
    uploaded (a web service's uploads), when the pipeline first saw it, and whether the
    team's rule makes file times arrival times."""

    name: str
    first_seen: datetime
    envelope: Envelope | None = None
    modified: float | None = None
    uploaded: datetime | None = None
    file_times: bool = False


@dataclass(frozen=True)
class Evidence:
    """One kind of evidence of arrival: its key (kept in the store), how the Returns Log
    says it, and where a file's clues give it (when, and a detail such as the folder's name;
    None where the file has none of it). ``judges`` is False for what is no evidence at all
    (when the pipeline first saw the file): such an arrival is never late."""

    key: str
    said: str
    find: Callable[[Clues], tuple[datetime, str | None] | None]
    judges: bool = True


def _sent(clues: Clues) -> tuple[datetime, str | None] | None:
    sent = clues.envelope.sent if clues.envelope else None
    return (sent, None) if sent else None


def _uploaded(clues: Clues) -> tuple[datetime, str | None] | None:
    return (clues.uploaded, None) if clues.uploaded else None


def _dated_folder(clues: Clues) -> tuple[datetime, str | None] | None:
    found = folder_date(clues.name)
    return (datetime.combine(found[0], datetime.min.time()), found[1]) if found else None


def _file_time(clues: Clues) -> tuple[datetime, str | None] | None:
    if not clues.file_times:
        return None
    saved = moment(clues.modified)
    return (saved, None) if saved else None


def _first_seen(clues: Clues) -> tuple[datetime, str | None] | None:
    return clues.first_seen.replace(microsecond=0), None


EVIDENCE: tuple[Evidence, ...] = (  # the first a file has is its arrival
    Evidence(EMAIL, "email sent", _sent),
    Evidence(UPLOAD, "uploaded", _uploaded),
    Evidence(FOLDER, "dated folder", _dated_folder),
    Evidence(FILE_TIME, "file time (team's rule)", _file_time),
    Evidence(FIRST_SEEN, "not known: first seen", _first_seen, judges=False),
)
_BY_KEY = {e.key: e for e in EVIDENCE}


@dataclass(frozen=True)
class Arrival:
    """When a file arrived (``at``, local time, to the second) and how that is known (``how``:
    a key of ``EVIDENCE``; ``detail``: the dated folder's name)."""

    at: datetime
    how: str = FIRST_SEEN
    detail: str | None = None

    @property
    def known(self) -> bool:
        """True when the arrival is evidenced (not only when the pipeline first saw it)."""
        return _BY_KEY[self.how].judges

    @property
    def received(self) -> datetime | None:
        """When the file is known to have arrived (None: not known)."""
        return self.at if self.known else None

    @property
    def said(self) -> str:
        """How the arrival was known, for the Returns Log: "email sent", "dated folder
        2026-11-21", "not known: first seen 24/11/2026"."""
        said = _BY_KEY[self.how].said
        if self.detail:
            return f"{said} {self.detail}"
        return f"{said} {self.at:%d/%m/%Y}" if not self.known else said

    def stored(self) -> tuple[str, str, str | None]:
        """As the store keeps it: when (ISO), how, detail."""
        return self.at.isoformat(timespec="seconds"), self.how, self.detail

    @classmethod
    def from_stored(cls, at: str | None, how: str | None, detail: str | None,
                    first_seen: datetime) -> Arrival:  # fmt: skip
        """An arrival the store kept (``stored``); a file stored before arrivals were kept
        is one whose arrival is not known."""
        if at is None or how not in _BY_KEY:
            return cls(first_seen.replace(microsecond=0))
        return cls(datetime.fromisoformat(at), how, detail)


def arrival_of(clues: Clues) -> Arrival:
    """How a file's arrival is known: the first of ``EVIDENCE`` its clues give."""
    for evidence in EVIDENCE:
        found = evidence.find(clues)
        if found is not None:
            return Arrival(found[0].replace(microsecond=0), evidence.key, found[1])
    raise AssertionError("the last evidence always finds")  # pragma: no cover


def moment(timestamp: float | None) -> datetime | None:
    """A POSIX timestamp as local time without a time zone, to the whole second (rounded
    down); None for none, or one that cannot be a date."""
    if timestamp is None:
        return None
    try:
        return datetime.fromtimestamp(math.floor(timestamp))
    except (OverflowError, OSError, ValueError):
        return None


# --- dated folders ----------------------------------------------------------------------------

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_SEP = r"[-_. ]"
# (year, month, day) groups by name; the folder's whole name is the date (a folder named
# "Round 2026-11-16 to 2026-11-29" or "Due 18-11-2026" says nothing of when a file came)
_FOLDER_DATES = (
    re.compile(rf"(?P<y>\d{{4}}){_SEP}(?P<m>\d{{1,2}}){_SEP}(?P<d>\d{{1,2}})"),
    re.compile(r"(?P<y>20\d{2})(?P<m>\d{2})(?P<d>\d{2})"),
    re.compile(rf"(?P<d>\d{{1,2}}){_SEP}(?P<m>\d{{1,2}}){_SEP}(?P<y>\d{{4}}|\d{{2}})"),
    re.compile(rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)?{_SEP}?(?P<m>{'|'.join(_MONTHS)})[a-z]*"
               rf"{_SEP}?(?P<y>\d{{4}})", re.IGNORECASE),
)  # fmt: skip


def folder_date(name: str) -> tuple[date, str] | None:
    """The date of the nearest folder a file is in whose name is a date (``2026-11-21``,
    ``20261121``, ``21-11-2026``, ``21.11.26``, ``21 Nov 2026``: year first, or UK day
    first; the whole name), with that folder's name; None when no folder's name is a date.
    ``name`` is the file's name relative to the inbox, folders separated by ``/``."""
    for folder in reversed(PurePosixPath(name).parts[:-1]):
        day = date_in(folder)
        if day is not None:
            return day, folder
    return None


def date_in(text: str) -> date | None:
    """The date a folder's name spells (its whole name, spaces around it apart), or None."""
    for pattern in _FOLDER_DATES:
        found = pattern.fullmatch(text.strip())
        if found is None:
            continue
        year, month = found["y"], found["m"]
        number = _MONTHS.index(month[:3].lower()) + 1 if month.isalpha() else int(month)
        try:
            return date(int(year) + (2000 if len(year) == 2 else 0), number, int(found["d"]))
        except ValueError:
            continue
    return None
