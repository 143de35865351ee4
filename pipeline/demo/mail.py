"""A return sent by email as its partner would send it, and saved from the mail client into
the inbox as an ``.eml`` file (what dragging a message out of Thunderbird or Outlook on the
web gives)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
CSV_TYPE = ("text", "csv")
CENTRAL_TEAM = "returns@homeoffice.example.gov.uk"  # where the demo's partners send returns


def email_return(
    path: Path,
    attachments: Sequence[tuple[str, bytes]],
    sender: str,
    subject: str,
    sent: datetime,
    attached_messages: Sequence[EmailMessage] = (),
) -> Path:
    """Save at ``path`` a message from ``sender`` sent at ``sent`` (aware, or local time),
    with ``attachments`` (name, bytes: spreadsheets) and ``attached_messages`` (forwarded)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = CENTRAL_TEAM
    message["Subject"] = subject
    message["Date"] = format_datetime(sent if sent.tzinfo else sent.astimezone())
    message.set_content("Please find our return attached.\n")
    for name, data in attachments:
        kind = CSV_TYPE if name.lower().endswith(".csv") else XLSX_TYPE
        message.add_attachment(data, *kind, filename=name)
    for inner in attached_messages:
        message.add_attachment(inner)
    path.write_bytes(bytes(message))
    return path


def word_document(path: Path, text: str) -> Path:
    """A Word document (.docx) holding ``text``: what a partner sends who typed their plan up
    in Word (its package's parts, enough for anything to tell it is one)."""
    import zipfile

    with zipfile.ZipFile(path, "w") as package:
        package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        package.writestr("word/document.xml",
                         f'<?xml version="1.0"?><document><p>{text}</p></document>')  # fmt: skip
    return path
