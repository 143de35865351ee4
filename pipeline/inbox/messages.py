"""Returns that arrive as emails: an ``.eml`` or Outlook ``.msg`` file in the inbox (what a
person gets by dragging a message out of their mail client) is opened, and each spreadsheet
attached to it becomes an inbox entry of its own, read as any file would be.

A message is opened in an isolated worker process (``pipeline.system.isolation``), as a spreadsheet
is read: a hostile message can crash, hang or exhaust only its worker. What comes back is
plain data: who sent it, when, its subject and its attachments' names and bytes. Each
spreadsheet attached is then written into the run's copies through the same size limit as a
file (``inbox.from_bytes``), shown as ``Leeds return.eml › Leeds.xlsx``, and carries the
message's ``Envelope``; every check a file gets (a zip bomb, XML entities, a password) is
made when it is read, as for any file. Messages attached to the message are not opened (one
level is read): they are named when nothing else was attached. The format is told from the
bytes, not the name: an Outlook message named ``.eml`` is still read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path, PurePosixPath
from typing import Any

from ..reading.safety import LIMITS, Limits
from ..reading.workbook import Unreadable
from ..returns import CANNOT_BE_USED, SEPARATOR, Envelope
from ..system.isolation import ISOLATED, Isolation, run_isolated
from .walk import Entry, from_bytes, printable

MESSAGES = (".eml", ".msg")
# attachments read as returns, by extension (a CSV saved from the plan sheet too)
SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
MOST_ATTACHMENTS = 50  # more than any message carrying returns: such a message is not opened
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENVELOPE_MEANS = (
    "For a return that came attached to an email message (an .eml or .msg file in the "
    "inbox, shown as message › attachment): From is the sender's address and Sent when the "
    "message was sent; Sender check says when the sender is not the organisation's contact "
    "on the register."
)
_HEADERS = ("from", "to", "subject", "date", "message-id", "mime-version", "content-type")


@dataclass(frozen=True)
class Attachment:
    """A file attached to a message: its name as the message gives it, and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class ReceivedMessage:
    """A message as opened: who sent it (their address), when (local time), its subject, the
    files attached to it and the names of the messages attached to it (not opened)."""

    sender: str | None
    sent: datetime | None
    subject: str | None
    attachments: tuple[Attachment, ...]
    nested: tuple[str, ...] = ()


def is_message(name: str) -> bool:
    """Whether a file is taken for an email message, from its name's extension."""
    return PurePosixPath(name).suffix.lower() in MESSAGES


def open_message(path: Path) -> ReceivedMessage:
    """The message in the file at ``path``, an Outlook ``.msg`` or an internet ``.eml``
    (told from its bytes); raise ``Unreadable`` with a sentence completing "This file cannot
    be used: …" when it is not a message, or not one a return can come in."""
    path = Path(path)
    with open(path, "rb") as file:
        outlook = file.read(len(_OLE)) == _OLE
    letter = _outlook(path) if outlook else _internet(path.read_bytes())
    if len(letter.attachments) + len(letter.nested) > MOST_ATTACHMENTS:
        raise Unreadable(
            f"it is a message with {len(letter.attachments) + len(letter.nested)} attachments, "
            f"more than the {MOST_ATTACHMENTS} any return needs, so none were read: save the "
            f"spreadsheets from it into the inbox"
        )
    return letter


def open_copy(copy: Path) -> ReceivedMessage | str:
    """``open_message`` as a worker's job: the message, or the sentence why not."""
    try:
        return open_message(copy)
    except Unreadable as err:
        return str(err)


def _failed(job: tuple[Any, ...], reason: str) -> str:
    return reason


def unpack(
    entries: list[Entry],
    copies: Path,
    isolation: Isolation = ISOLATED,
    limits: Limits = LIMITS,
    room: tuple[str, Path] | None = None,
) -> list[Entry]:
    """``entries`` (from ``inbox.walk`` or ``inbox.read_file``) with each message replaced by
    the spreadsheets attached to it, each an entry of its own written into ``copies`` (see
    the module), in the same place; a message that cannot be opened, or has no spreadsheet
    attached, stays one entry with a sentence. ``room`` is as for ``inbox.walk``."""
    letters = [e for e in entries if e.copy is not None and is_message(e.name)]
    if not letters:
        return entries
    opened = run_isolated(open_copy, [(e.copy,) for e in letters], _failed, isolation)
    found = {id(entry): letter for entry, letter in zip(letters, opened)}
    unpacked: list[Entry] = []
    for entry in entries:
        if id(entry) not in found:
            unpacked.append(entry)
            continue
        letter = found[id(entry)]
        if isinstance(letter, str):
            unpacked.append(_not_opened(entry, f"{CANNOT_BE_USED}{letter}."))
        else:
            unpacked.extend(_contents(entry, letter, copies, limits, room))
    return unpacked


def _not_opened(entry: Entry, problem: str, envelope: Envelope | None = None) -> Entry:
    """The message as an entry that is not read (it has no copy or hash of its own: what
    was in it is what the store keeps)."""
    return Entry(entry.path, entry.name, modified=entry.modified, problem=problem,
                 envelope=envelope)  # fmt: skip


def _contents(
    entry: Entry,
    letter: ReceivedMessage,
    copies: Path,
    limits: Limits,
    room: tuple[str, Path] | None,
) -> Iterator[Entry]:
    envelope = Envelope(entry.name, letter.sender, letter.sent, letter.subject)
    sheets = [a for a in letter.attachments if PurePosixPath(a.name).suffix.lower() in SPREADSHEETS]
    if not sheets:
        yield _not_opened(entry, _nothing_attached(letter), envelope)
        return
    for attachment in sheets:
        shown = f"{entry.name}{SEPARATOR}{printable(attachment.name)}"
        read = from_bytes(attachment.data, entry.path, shown, copies, limits, room)
        # its file time is the message file's; the message's Sent time is the evidence of
        # when it arrived (``pipeline.inbox.arrival``)
        yield replace(read, modified=entry.modified, envelope=envelope)


def _nothing_attached(letter: ReceivedMessage) -> str:
    what = "nothing is attached to it"
    if letter.attachments:
        names = ", ".join(printable(a.name) for a in letter.attachments[:5])
        more = len(letter.attachments) - 5
        names += f" and {more} more" if more > 0 else ""
        what = f"what is attached is not a spreadsheet ({names})"
    if letter.nested:
        nested = ", ".join(printable(n) for n in letter.nested[:5])
        what += (
            f"; it has a message attached ({nested}), which is not opened: save the return "
            f"from that message into the inbox"
        )
    return (
        f"This message has no spreadsheet attached: {what}. Ask the sender to send the return "
        f"(.xlsx) attached to a message, or save the return into the inbox yourself."
    )


# --- the two formats ------------------------------------------------------------------------


def _internet(data: bytes) -> ReceivedMessage:
    """An internet message (RFC 5322, a ``.eml`` file)."""
    message = BytesParser(policy=policy.default).parsebytes(data)
    if not any(name.lower() in _HEADERS for name in message):
        raise Unreadable(
            "it is named as an email message but is not one: save the message from the mail "
            "client again (File, Save as), or save the spreadsheet attached to it into the "
            "inbox"
        )
    attachments: list[Attachment] = []
    nested: list[str] = []
    for number, part in enumerate(_leaves(message), start=1):
        if part.get_content_type() == "message/rfc822":
            nested.append(part.get_filename() or _nested_subject(part) or f"message {number}")
            continue
        name = _filename(part)
        if name is None:
            continue  # the message's text
        data = part.get_payload(decode=True)
        attachments.append(Attachment(name, data if isinstance(data, bytes) else b""))
    return ReceivedMessage(_address(message.get("From")), _date_of(message.get("Date")),
                           _text(message.get("Subject")), tuple(attachments),
                           tuple(nested))  # fmt: skip


def _leaves(part: Message) -> Iterator[Message]:
    """The parts of a message that are not containers, a message attached to it counted as
    one (not opened)."""
    if part.get_content_type() == "message/rfc822" or not part.is_multipart():
        yield part
        return
    payload = part.get_payload()
    for sub in payload if isinstance(payload, list) else ():
        yield from _leaves(sub)


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except (TypeError, ValueError, LookupError):
        name = None
    return _basename(name) if name else None


def _nested_subject(part: Message) -> str | None:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    subject = _text(inner.get("Subject")) if isinstance(inner, EmailMessage) else None
    return f"{subject}.eml" if subject else None


def _outlook(path: Path) -> ReceivedMessage:
    """An Outlook message (a ``.msg`` file), read with extract-msg."""
    import extract_msg
    from extract_msg.enums import AttachmentType

    for name in ("extract_msg", "olefile"):  # its warnings are about the file: said once here
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    try:
        message = extract_msg.openMsg(str(path))
    except Exception:  # extract-msg and olefile raise many kinds for a file that is not one
        raise Unreadable(
            "it is named as an Outlook message but is not one Outlook can open: save the "
            "message from Outlook again, or save the spreadsheet attached to it into the inbox"
        ) from None
    try:
        attachments: list[Attachment] = []
        nested: list[str] = []
        for number, attachment in enumerate(message.attachments, start=1):
            name = _basename(_text(attachment.name) or f"attachment {number}")
            if attachment.type in (AttachmentType.MSG, AttachmentType.SIGNED_EMBEDDED):
                nested.append(name)
            elif isinstance(attachment.data, bytes):
                attachments.append(Attachment(name, attachment.data))
        sent = message.date if isinstance(message.date, datetime) else None
        if sent is None and message.header is not None:
            sent = _date_of(message.header.get("Date"))
        return ReceivedMessage(_address(message.sender), _local(sent), _text(message.subject),
                               tuple(attachments), tuple(nested))  # fmt: skip
    finally:
        message.close()


# --- values from headers --------------------------------------------------------------------


def _text(value: Any) -> str | None:
    """A header's or property's text, without the nulls and spaces around it, or None."""
    text = str(value).replace("\x00", "").strip() if value is not None else ""
    return text or None


def _basename(name: str) -> str:
    """An attachment's name without any folder a sender's client put before it."""
    plain = _text(name) or ""
    return PurePosixPath(plain.replace("\\", "/")).name or plain


def _address(value: Any) -> str | None:
    """The address in a From header (``Jane Doe <jane@x.gov.uk>`` -> ``jane@x.gov.uk``)."""
    text = _text(value)
    if text is None:
        return None
    return _text(parseaddr(text)[1]) or text


def _date_of(value: Any) -> datetime | None:
    """A Date header as local time, or None when it is missing or not a date."""
    text = _text(value)
    if text is None:
        return None
    try:
        return _local(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _local(moment: datetime | None) -> datetime | None:
    """``moment`` in local time without a time zone, to the second (as ``Received`` is);
    None for a date no message was sent on."""
    if moment is None or moment.year < 1980:
        return None
    try:
        local = moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment
    except (OverflowError, OSError, ValueError):
        return None
    return local.replace(microsecond=0)
