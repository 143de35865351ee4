"""Writing output files so that nobody ever sees half of one, and nothing is left behind.

Every temporary file or folder the pipeline makes is named ``.pipeline-<pid>-…``, after the
process that made it, so that a run killed part-way (even with SIGKILL) leaves only names the
next run recognises and removes (``remove_stale``). Failures to write become one sentence
(``write_problem``).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import PipelineError

_PREFIX = ".pipeline-"
# Custom document properties on the workbooks the pipeline writes, so that a copy of one
# found in an inbox is never read as a return: the consolidated workbook, always; a partner's
# feedback copy only as the pipeline wrote it (its "modified" time is still the one in its
# mark): once the partner has saved it again, from Excel or LibreOffice, it is their return.
OUTPUT_MARK = ("Written by", "pipeline: consolidated workbook")
FEEDBACK_MARK = ("Written by", "pipeline: feedback, saved ")  # + the time it was saved
_OURS = re.compile(r"^\.pipeline-(\d+)-([0-9a-f]{8})-")
# Another machine's (or container's) process numbers mean nothing here: what it left in a
# shared folder is removed only once it is this old.
_FOREIGN_STALE = 24 * 3600


def _machine() -> str:
    """A short tag for this machine (a process number is only unique on one)."""
    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]


def _prefix() -> str:
    return f"{_PREFIX}{os.getpid()}-{_machine()}-"


@contextmanager
def atomic_path(path: Path, scratch: Path | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` (or in ``scratch``, a folder on the same disk);
    when the block succeeds, rename it into place (with the usual permissions), and when it
    fails, remove it and leave ``path`` as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(scratch) if scratch is not None else path.parent
    fd, tmp = tempfile.mkstemp(suffix=path.suffix, dir=folder, prefix=_prefix())
    os.close(fd)
    try:
        yield Path(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@contextmanager
def scratch_folder(near: Path, what: str) -> Iterator[Path]:
    """A temporary folder inside ``near`` (so that what is written there can be renamed into
    ``near`` in one step), removed with all it holds when the block ends. When it cannot be
    made, a ``PipelineError`` says why, calling ``near`` ``what`` ("The outbox")."""
    try:
        Path(near).mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(dir=near, prefix=_prefix()))
    except OSError as err:
        raise PipelineError(write_problem(err, what, Path(near))) from None
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def stale(folder: Path) -> list[Path]:
    """What runs that are no longer running left in ``folder``: their temporary files and
    folders (see the module)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    found = []
    for name in names:
        made_by = _OURS.match(name)
        if made_by is None:
            continue
        pid, machine = int(made_by.group(1)), made_by.group(2)
        path = Path(folder) / name
        if machine == _machine():
            if not _running(pid):
                found.append(path)
        elif _age(path) > _FOREIGN_STALE:
            found.append(path)
    return sorted(found)


def remove_stale(folder: Path) -> int:
    """Remove what runs that are no longer running left in ``folder``; returns how many were
    removed. Nothing else is touched."""
    removed = 0
    for path in stale(folder):
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed += 1
    return removed


def _age(path: Path) -> float:
    try:
        return time.time() - path.lstat().st_mtime
    except OSError:
        return 0.0


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill would end the process there; psutil asks safely
        import psutil

        return psutil.pid_exists(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process: it exists
        return True
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """Whether ``pid`` has ended but not been reaped (where no init process reaps orphans, as
    in some containers, a killed worker stays so): Linux only, else False."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except (OSError, IndexError):
        return False


_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
_READ_ONLY = (errno.EROFS, errno.EACCES, errno.EPERM)


def write_problem(err: OSError, what: str, path: Path, after: str = "nothing was changed") -> str:
    """The sentence for failing to write ``what`` (e.g. "The outbox") at ``path``: what
    happened, what to do, and ``after`` (what state things are left in)."""
    where = f"{what} {path}"
    if err.errno in _FULL:
        return f"{where} is full: free some space and run again; {after}."
    if isinstance(err, PermissionError) or err.errno in _READ_ONLY:
        return (
            f"{where} cannot be written to (it is read-only, or this account may not write "
            f"there): choose another place, or ask for write access, and run again; {after}."
        )
    if isinstance(err, (IsADirectoryError, NotADirectoryError, FileExistsError)):
        return (
            f"{where} cannot be written: {_in_the_way(Path(err.filename or path))} is in the "
            f"way (a folder where a file should be, or a file where a folder should be): move "
            f"it and run again; {after}."
        )
    why = os.strerror(err.errno) if err.errno else str(err)
    return f"{where} could not be written ({why}): run again; {after}."


def _in_the_way(path: Path) -> Path:
    """The file that stops ``path`` being made a folder: itself or the nearest folder above
    it that is a file."""
    for place in (path, *path.parents):
        if place.exists() or place.is_symlink():
            return place
    return path


def need_folder(path: Path, what: str) -> None:
    """Raise a ``PipelineError`` unless ``path`` is a folder or can be made one."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise PipelineError(
            f"{what} {path} is a file, not a folder: move the file, or choose another folder; "
            f"nothing was changed."
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise PipelineError(write_problem(err, what, path)) from None


def need_file_place(path: Path, what: str) -> None:
    """Raise a ``PipelineError`` when ``path``, where a file is to be written, is a folder."""
    if Path(path).is_dir():
        raise PipelineError(
            f"{what} {path} is a folder, where the file should be written: move the folder, or "
            f"choose another outbox; nothing was changed."
        )
