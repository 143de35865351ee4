"""Email messages built in code, as a person gets them by dragging a message out of their
mail client: an internet message (``.eml``) made with the standard library's ``email``
package, and an Outlook message (``.msg``) laid out as MS-OXMSG describes, in a compound file
written by extract-msg's own ``OleWriter`` (the pipeline reads it back through olefile)."""

from __future__ import annotations

import io
import struct
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from pipeline.demo.mail import email_return

SENT = datetime(2026, 11, 17, 9, 30, tzinfo=UTC)


def eml(
    path: Path,
    attachments: list[tuple[str, bytes]],
    sender: str = "Jane Doe <jane.doe@leeds.gov.uk>",
    subject: str = "Our Q3 return",
    sent: datetime = SENT,
    attached_messages: list[EmailMessage] = (),
) -> Path:
    """An internet message from ``sender`` with ``attachments`` (name, bytes), saved at
    ``path``, as the demo's partners send theirs."""
    return email_return(path, attachments, sender, subject, sent, attached_messages)


# --- Outlook ---------------------------------------------------------------------------------

_STRING, _BINARY, _INT, _TIME = 0x001F, 0x0102, 0x0003, 0x0040


def _fixed(pid: int, kind: int, value: bytes) -> bytes:
    """One 16-byte entry of a properties stream: tag, flags (readable, writable), value."""
    return struct.pack("<II", (pid << 16) | kind, 6) + value.ljust(8, b"\0")


class _Storage:
    """Streams and property entries of one storage (the message or an attachment)."""

    def __init__(self, writer, path: list[str]) -> None:
        self.writer, self.path, self.entries = writer, path, []

    def string(self, pid: int, text: str) -> None:
        data = text.encode("utf-16-le")
        self.writer.addEntry([*self.path, f"__substg1.0_{pid:04X}{_STRING:04X}"], data)
        self.entries.append(_fixed(pid, _STRING, struct.pack("<I", len(data) + 2)))

    def binary(self, pid: int, data: bytes) -> None:
        self.writer.addEntry([*self.path, f"__substg1.0_{pid:04X}{_BINARY:04X}"], data)
        self.entries.append(_fixed(pid, _BINARY, struct.pack("<I", len(data))))

    def value(self, pid: int, kind: int, packed: bytes) -> None:
        self.entries.append(_fixed(pid, kind, packed))

    def close(self, header: bytes) -> None:
        stream = [*self.path, "__properties_version1.0"]
        self.writer.addEntry(stream, header + b"".join(self.entries))


def outlook_msg(
    path: Path,
    attachments: list[tuple[str, bytes]],
    sender: str = "jane.doe@leeds.gov.uk",
    subject: str = "Our Q3 return",
    sent: datetime = SENT,
) -> Path:
    """An Outlook message (IPM.Note) as Outlook saves a received one: subject, sender,
    transport headers, the time it was sent, and each attachment by value; saved at
    ``path``."""
    from extract_msg.ole_writer import OleWriter

    writer = OleWriter()
    writer.addEntry(["__nameid_version1.0"], storage=True)  # named properties: none
    for stream in ("00020102", "00030102", "00040102"):
        writer.addEntry(["__nameid_version1.0", f"__substg1.0_{stream}"], b"")
    top = _Storage(writer, [])
    top.string(0x001A, "IPM.Note")
    top.string(0x0037, subject)
    top.string(0x0C1F, sender)
    top.string(0x5D01, sender)
    top.string(0x1000, "Please find our return attached.")
    top.string(0x007D, f"From: {sender}\r\nSubject: {subject}\r\nDate: {format_datetime(sent)}\r\n")
    ticks = int((sent - datetime(1601, 1, 1, tzinfo=UTC)).total_seconds() * 10**7)
    top.value(0x0039, _TIME, struct.pack("<Q", ticks))  # PR_CLIENT_SUBMIT_TIME
    top.value(0x0E07, _INT, struct.pack("<I", 1))  # PR_MESSAGE_FLAGS: read, not unsent
    for number, (name, data) in enumerate(attachments):
        folder = f"__attach_version1.0_#{number:08X}"
        writer.addEntry([folder], storage=True)
        attachment = _Storage(writer, [folder])
        attachment.string(0x3707, name)  # PR_ATTACH_LONG_FILENAME
        attachment.binary(0x3701, data)  # PR_ATTACH_DATA_BIN
        attachment.value(0x3705, _INT, struct.pack("<I", 1))  # PR_ATTACH_METHOD: by value
        attachment.close(bytes(8))
    count = len(attachments)
    top.close(bytes(8) + struct.pack("<IIII", 0, count, 0, count) + bytes(8))
    out = io.BytesIO()
    writer.write(out)
    path.write_bytes(out.getvalue())
    return path
