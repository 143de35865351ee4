"""Receiving an upload form: its bytes streamed to a file of the service's own (named by the
service, never by the sender), counted as they come, and refused the moment they pass the
limit, the file removed: nothing over the limit is kept, and nothing is parsed but the form's
own envelope (python-multipart). The file's name as sent is kept as text to show, never as a
path."""

from __future__ import annotations

import contextlib
import os
import tempfile
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath

from python_multipart.multipart import MultipartParser, parse_options_header

from ..naming import visible

FIELD_BYTES = 4096  # a form field other than the file (its token) is small
PARTS = 4  # parts a form may have
DRAIN = 100 * 2**20  # read and dropped after a refusal, so the sender sees the answer
NAME_LENGTH = 120  # characters of a file's name kept to show


class Refused(Exception):
    """The form was refused while it was read: ``too_large`` (the file passed the limit) or a
    form that is not one (the sentence says what)."""

    def __init__(self, said: str, too_large: bool = False) -> None:
        super().__init__(said)
        self.too_large = too_large


@dataclass
class Form:
    """A form as received: its small fields, and its file (where the service wrote it, the
    name it was sent with, its size)."""

    fields: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    filename: str = ""
    size: int = 0

    def discard(self) -> None:
        """Remove the file received."""
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None


def shown_name(sent: str) -> str:
    """A file's name as sent, as text safe to show and to keep: only its last part (a
    browser may send a whole path), control and invisible characters written out, at most
    ``NAME_LENGTH`` characters (the extension kept)."""
    name = PureWindowsPath(sent.replace("/", "\\")).name.strip().lstrip(".")
    name = visible(unicodedata.normalize("NFC", name))
    if len(name) > NAME_LENGTH:
        _, dot, ext = name.rpartition(".")
        keep = ext[:10] if dot and len(ext) <= 10 else ""
        name = name[: NAME_LENGTH - len(keep) - 1].rstrip() + ("." + keep if keep else "")
    return name or "upload"


async def receive_form(
    content_type: str, chunks: AsyncIterator[bytes], limit: int, folder: Path, declared: int | None
) -> Form:
    """Read a ``multipart/form-data`` body from ``chunks`` into a ``Form``, its one file
    written into ``folder``. Refused (``Refused``) when the file passes ``limit`` bytes (said
    at once from a declared length that does; else the moment it does), or when the body is
    not such a form; the file is removed then, and the rest of the body read and dropped."""
    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise Refused("The form was not sent as a file upload: use the page's form.")
    if declared is not None and declared > limit + PARTS * FIELD_BYTES + 4096:
        if declared <= DRAIN:  # (beyond that the connection is closed unread)
            await _drain(chunks)
        raise Refused(_too_large(limit), too_large=True)
    reading = _Reading(folder, limit)
    parser = MultipartParser(boundary, reading.callbacks())
    try:
        async for chunk in chunks:
            parser.write(chunk)
            if reading.refused:
                break
        if not reading.refused:
            parser.finalize()
    except Exception as err:  # a body that is not a well-formed form
        reading.form.discard()
        reading.close()
        if isinstance(err, Refused):
            raise
        raise Refused("The form could not be read: choose the file again and upload it.") from None
    reading.close()
    if reading.refused:
        reading.form.discard()
        await _drain(chunks)
        raise Refused(reading.refused, too_large=reading.too_large)
    return reading.form


async def _drain(chunks: AsyncIterator[bytes]) -> None:
    """Read what is left of the body and drop it (up to ``DRAIN``), so that the sender reads
    the answer rather than a broken connection."""
    dropped = 0
    with contextlib.suppress(Exception):
        async for chunk in chunks:
            dropped += len(chunk)
            if dropped > DRAIN:
                break


def _too_large(limit: int) -> str:
    return f"The selected file must be smaller than {limit // 2**20} MB"


class _Reading:
    """The parser's callbacks: headers of each part, its data to a file or a field."""

    def __init__(self, folder: Path, limit: int) -> None:
        self.folder, self.limit = folder, limit
        self.form = Form()
        self.refused: str | None = None
        self.too_large = False
        self.parts = 0
        self._header, self._headers = b"", {}
        self._name: str | None = None
        self._file: int | None = None
        self._value = bytearray()

    def callbacks(self) -> dict:
        return {
            "on_part_begin": self._begin, "on_header_field": self._field,
            "on_header_value": self._header_value, "on_header_end": self._header_end,
            "on_headers_finished": self._headers_done, "on_part_data": self._data,
            "on_part_end": self._end,
        }  # fmt: skip

    def _begin(self) -> None:
        self.parts += 1
        if self.parts > PARTS:
            self._refuse("The form has more parts than the page's: use the page's form.")
        self._headers, self._name, self._value = {}, None, bytearray()
        self._current_field = b""

    def _field(self, data: bytes, start: int, end: int) -> None:
        self._current_field += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._header += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._current_field.lower()] = self._header
        self._current_field, self._header = b"", b""

    def _headers_done(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in options and self._name == "file" and self.form.path is None:
            self.form.filename = options[b"filename"].decode("utf-8", "replace")
            fd, name = tempfile.mkstemp(dir=self.folder, prefix="upload-")
            self._file, self.form.path = fd, Path(name)

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self.refused:
            return
        piece = data[start:end]
        if self._file is not None:
            self.form.size += len(piece)
            if self.form.size > self.limit:
                self._refuse(_too_large(self.limit), too_large=True)
                return
            os.write(self._file, piece)
        else:
            self._value += piece
            if len(self._value) > FIELD_BYTES:
                self._refuse("A field of the form is too long: use the page's form.")

    def _end(self) -> None:
        if self._file is not None:
            os.close(self._file)
            self._file = None
        elif self._name and not self.refused:
            self.form.fields[self._name] = self._value.decode("utf-8", "replace")

    def _refuse(self, said: str, too_large: bool = False) -> None:
        self.refused = self.refused or said
        self.too_large = self.too_large or too_large

    def close(self) -> None:
        if self._file is not None:
            os.close(self._file)
            self._file = None
