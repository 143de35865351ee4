"""What is in the inbox: every entry under it, each either read whole at one moment or turned
down with a sentence saying why.

The inbox is a shared folder that anyone may have put anything in. So the walk never follows
a symbolic link (a link could lead anywhere on the machine), opens nothing but regular files
(a named pipe would wait forever), refuses a file from its size alone before reading a byte,
and reads each file once, into a copy of the run's own (in its scratch folder) while hashing
it: the copy is what is then read, archived and marked up, even if the file in the inbox
changes afterwards, and memory holds only one chunk of one file at a time. A file that
changes while it is read was still being copied, and is turned down. Nothing in the inbox is
written to.

Where the system allows it, folders and files are opened relative to the folder already
opened (``dir_fd``), so a folder swapped for a link half-way through the walk is not followed
either.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path

from ..errors import PipelineError
from ..naming import visible
from ..reading.safety import LIMITS, Limits, too_big_to_read
from ..returns import CANNOT_BE_USED, Envelope, SourceFile
from ..system.files import write_problem

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_FILE_FLAGS = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
_DIR_FLAGS = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_DIRECTORY", 0)
_BY_FOLDER = os.open in os.supports_dir_fd and os.scandir in os.supports_fd and bool(_NOFOLLOW)

STILL_COPYING = "it was still being copied when the run read it: run again once it has arrived"
DEEPEST = 32  # folders within folders: deeper ones are listed, not walked (each holds a handle)
_CHUNK = 2**20


@dataclass(frozen=True)
class Entry:
    """One thing found in the inbox: the copy of its bytes and their SHA-256, or why it was
    not read.

    ``name`` is how to show it: relative to the inbox, with anything a terminal or a
    spreadsheet cannot show written out (see ``printable``). ``problem`` is a sentence.
    ``envelope`` is the message a file came attached to (see ``pipeline.inbox.messages``).
    ``uploaded`` is when a file sent through ``pipeline serve`` arrived (its evidence of
    arrival: ``pipeline.inbox.arrival``).
    """

    path: Path
    name: str
    copy: Path | None = None
    sha256: str = ""
    size: int = 0
    modified: float | None = None
    problem: str | None = None
    envelope: Envelope | None = None
    uploaded: datetime | None = None  # when it was uploaded (``pipeline serve``), if it was

    @cached_property  # one object per entry: intake tells identical files apart by identity
    def source(self) -> SourceFile:
        """The file as the rest of the pipeline knows it (no content hash when not read)."""
        return SourceFile(self.path, self.name, self.sha256, self.size, self.envelope)


def printable(name: str) -> str:
    """``name`` as it can be shown anywhere: bytes that are not UTF-8 (as old zip tools
    write names) as ``\\xe9``, control characters (a terminal escape sequence, a line break)
    and invisible formatting characters as ``\\x1b`` or ``\\u202e`` (``naming.visible``)."""
    return visible(name)


def walk(
    inbox: Path,
    copies: Path,
    leave: Iterable[Path] = (),
    limits: Limits = LIMITS,
    room: tuple[str, Path] | None = None,
) -> list[Entry]:
    """Every entry under ``inbox`` in name order, each file copied into the folder
    ``copies`` as it is read, or turned down (see the module).

    Hidden files and folders (``.x``) and Excel's lock files (``~$x.xlsx``) are passed over
    without a word; so is anything in ``leave`` (the pipeline's own outputs: the outbox, the
    store, its archive), wherever it is. Failing to write a copy is a ``PipelineError``
    naming ``room`` (e.g. ``("The outbox", outbox)``, the folder the user knows ``copies`` to
    be in; by default ``copies``)."""
    inbox = Path(inbox)
    left = {_identity(p) for p in leave} - {None}
    found: list[Entry] = []
    try:
        top = _Folder.open_top(inbox)
    except OSError as err:
        return [_folder_problem(inbox, (), err)]
    try:
        found.extend(_walk(top, inbox, (), left, _Reader(Path(copies), limits, room)))
    finally:
        top.close()
    return found


def read_file(path: Path, copies: Path, name: str | None = None, limits: Limits = LIMITS) -> Entry:
    """One file named by the user (``pipeline check FILE``): read as an inbox entry would
    be (copied into ``copies``), but a link the user named is followed."""
    path = Path(path)
    shown = printable(name or path.name)
    try:
        fd = os.open(path, _FILE_FLAGS & ~_NOFOLLOW)
    except OSError as err:
        return _unusable(path, shown, _open_problem(err))
    return _Reader(Path(copies), limits).read(fd, path, shown)


def from_bytes(
    data: bytes,
    path: Path,
    shown: str,
    copies: Path,
    limits: Limits = LIMITS,
    room: tuple[str, Path] | None = None,
) -> Entry:
    """Bytes that came inside the file at ``path`` (an attachment of a message) as an entry
    of their own, shown as ``shown``: refused from their size as a file would be, else
    written to a copy in ``copies`` (named with ``shown``'s extension) and hashed. Failing to
    write the copy is a ``PipelineError`` naming ``room`` (see ``walk``)."""
    too_big = too_big_to_read(len(data), limits)
    if too_big:
        return _unusable(path, shown, too_big)
    reader = _Reader(Path(copies), limits, room)
    copy = reader.new_copy(Path(shown))
    try:
        copy.write_bytes(data)
    except OSError as err:
        copy.unlink(missing_ok=True)
        raise PipelineError(write_problem(err, *reader.room)) from None
    return Entry(path, shown, copy, hashlib.sha256(data).hexdigest(), len(data))


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


class _Folder:
    """An open folder of the inbox: by descriptor where the system allows, else by path."""

    def __init__(self, path: Path, fd: int | None) -> None:
        self.path, self.fd = path, fd

    @classmethod
    def open_top(cls, path: Path) -> _Folder:
        # the inbox itself may be a link (the user chose it); what is inside it is not followed
        return cls(path, os.open(path, _DIR_FLAGS & ~_NOFOLLOW) if _BY_FOLDER else None)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)

    def list(self) -> list[os.DirEntry]:
        with os.scandir(self.path if self.fd is None else self.fd) as listing:
            return list(listing)

    def open(self, name: str, flags: int) -> int:
        if self.fd is None:
            return os.open(self.path / name, flags)
        return os.open(name, flags, dir_fd=self.fd)

    def sub(self, name: str) -> _Folder:
        if self.fd is None:
            return _Folder(self.path / name, None)
        return _Folder(self.path / name, self.open(name, _DIR_FLAGS))


def _walk(
    folder: _Folder, inbox: Path, parts: tuple[str, ...], left: set, reader: _Reader
) -> Iterator[Entry]:
    try:
        listing = folder.list()
    except OSError as err:
        yield _folder_problem(folder.path, parts, err)
        return
    for item in sorted(listing, key=lambda e: (e.name.casefold(), e.name)):
        if item.name.startswith((".", "~$")):
            continue
        path, here = folder.path / item.name, (*parts, item.name)
        shown = printable("/".join(here))
        try:
            st = item.stat(follow_symlinks=False)
        except OSError as err:
            yield _unusable(path, shown, _open_problem(err))
            continue
        if (st.st_dev, st.st_ino) in left:
            continue
        if stat.S_ISLNK(st.st_mode):
            yield Entry(path, shown, problem=f"This link is not followed: {_link(path, inbox)}.")
        elif stat.S_ISDIR(st.st_mode) and len(here) > DEEPEST:
            yield Entry(path, shown + "/", problem=_TOO_DEEP)
        elif stat.S_ISDIR(st.st_mode):
            yield from _walk_into(folder, item.name, inbox, here, left, reader)
        elif not stat.S_ISREG(st.st_mode):
            yield _unusable(path, shown, _not_a_file(st.st_mode))
        elif too_big_to_read(st.st_size, reader.limits):
            yield _unusable(path, shown, too_big_to_read(st.st_size, reader.limits))
        else:
            try:
                fd = folder.open(item.name, _FILE_FLAGS)
            except OSError as err:
                yield _unusable(path, shown, _open_problem(err))
                continue
            yield reader.read(fd, path, shown)


def _walk_into(
    folder: _Folder, name: str, inbox: Path, parts: tuple[str, ...], left: set, reader: _Reader
) -> Iterator[Entry]:
    try:
        sub = folder.sub(name)
    except OSError as err:
        yield _folder_problem(folder.path / name, parts, err)
        return
    try:
        yield from _walk(sub, inbox, parts, left, reader)
    finally:
        sub.close()


_ARCHIVED = "it is a copy the pipeline keeps in its archive, not a return: take it out of the inbox"
_TOO_DEEP = (
    f"This folder is more than {DEEPEST} folders deep in the inbox: its files were not read; "
    f"move them nearer the top."
)


class _Reader:
    """Reads files into copies in one folder, hashing as it goes."""

    def __init__(self, copies: Path, limits: Limits, room: tuple[str, Path] | None = None):
        self.copies, self.limits = copies, limits
        self.room = room or ("The folder", copies)

    def read(self, fd: int, path: Path, shown: str) -> Entry:
        """The file open at ``fd`` (closed here) copied whole, or why not."""
        try:
            return self._read(fd, path, shown)
        finally:
            os.close(fd)

    def _read(self, fd: int, path: Path, shown: str) -> Entry:
        try:
            before = os.fstat(fd)
        except OSError as err:
            return _unusable(path, shown, _read_problem(err))
        if not stat.S_ISREG(before.st_mode):
            return _unusable(path, shown, _not_a_file(before.st_mode))
        if too_big_to_read(before.st_size, self.limits):
            return _unusable(path, shown, too_big_to_read(before.st_size, self.limits))
        copy = self.new_copy(path)
        digest, size = hashlib.sha256(), 0
        try:
            with open(copy, "wb") as out:
                while size <= before.st_size:  # one chunk more shows that it grew
                    try:
                        chunk = os.read(fd, _CHUNK)
                    except OSError as err:
                        out.close()
                        copy.unlink()
                        return _unusable(path, shown, _read_problem(err))
                    if not chunk:
                        break
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            after = os.fstat(fd)
        except OSError as err:  # writing the copy: the outbox's fault, not the file's
            copy.unlink(missing_ok=True)
            raise PipelineError(write_problem(err, *self.room)) from None
        changed = (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns)
        if changed or size != after.st_size:
            copy.unlink()
            return _unusable(path, shown, STILL_COPYING)
        sha256 = digest.hexdigest()
        if path.stem.lower() == sha256:  # named by its own hash: as the store's archive keeps it
            copy.unlink()
            return _unusable(path, shown, _ARCHIVED)
        return Entry(path, shown, copy, sha256, size, after.st_mtime)

    def new_copy(self, path: Path) -> Path:
        """A new, empty copy file for the file ``path``: it keeps the file's extension
        (the readers go by it)."""
        suffix = path.suffix.lower() if path.suffix[1:].isalnum() and len(path.suffix) < 8 else ""
        try:
            fd, name = tempfile.mkstemp(dir=self.copies, suffix=suffix)
        except OSError as err:
            raise PipelineError(write_problem(err, *self.room)) from None
        os.close(fd)
        return Path(name)


_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)


def _unusable(path: Path, shown: str, why: str) -> Entry:
    return Entry(path, shown, problem=f"{CANNOT_BE_USED}{why}.")


def _not_a_file(mode: int) -> str:
    kind = next((what for test, what in _KINDS if test(mode)), "not an ordinary file")
    return f"it is {kind}, not a file: only spreadsheets are read from the inbox"


def _link(path: Path, inbox: Path) -> str:
    """Where a symbolic link leads, in words (it is looked at, never opened)."""
    try:
        os.stat(path)
    except OSError as err:
        if err.errno == errno.ELOOP:
            return "it leads round in a loop: delete it"
        return "it leads to something that is not there: delete it, or copy the file in"
    target = Path(os.path.realpath(path))
    root = Path(os.path.realpath(inbox))
    if target == root or root in target.parents:
        inside = printable(target.relative_to(root).as_posix())
        return f"it leads to {inside} in the inbox, which is read there"
    return "it leads outside the inbox: copy the file itself into the inbox"


def _folder_problem(path: Path, parts: tuple[str, ...], err: OSError) -> Entry:
    shown = printable("/".join(parts) + "/") if parts else printable(f"{path}/")
    why = _open_problem(err)
    return Entry(
        path, shown, problem=f"This folder cannot be read: {why}; none of its files were read."
    )


def _open_problem(err: OSError) -> str:
    if isinstance(err, PermissionError):
        return (
            "the run is not allowed to read it (permission denied): give the account that runs "
            "the pipeline permission to read it, or copy it into the inbox again"
        )
    if err.errno == errno.ELOOP:  # swapped for a link since it was listed
        return "it is a link, and links are not followed: copy the file itself into the inbox"
    if err.errno == errno.ENOENT:
        return "it was moved or deleted while the run was reading the inbox: run again"
    return _read_problem(err)


def _read_problem(err: OSError) -> str:
    why = os.strerror(err.errno) if err.errno else type(err).__name__
    return (
        f"the computer could not read it ({why}): copy it into the inbox again, and if that "
        f"fails ask for it to be sent again"
    )
