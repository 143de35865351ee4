"""Opening the store: what is in its way before SQLite tries it, and SQLite's faults on
opening or reading it said as sentences naming the store and what to do."""

from __future__ import annotations

import errno
import functools
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import PipelineError
from .schema import damaged, fault

DEFAULT_STORE = Path("outbox") / "pipeline.sqlite"


def check_place(path: Path, write: bool) -> None:
    """Say what is in the store's way before SQLite tries it: a folder where the file should
    be, or (when writing) a store folder that cannot be made; when only reading, no store."""
    if path.is_dir():
        raise _a_folder(path)
    if not write:
        if not path.exists():
            raise PipelineError(f"The store {path} does not exist: run `pipeline run` first.")
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = next(p for p in (path.parent, *path.parent.parents) if p.exists())
        raise PipelineError(
            f"The store's folder {path.parent} cannot be created: {blocker} is a file, not a "
            f"folder. Move that file away, or point --store at another place."
        ) from None
    except OSError as err:
        if err.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise PipelineError(
                f"The store's folder {path.parent} cannot be created ({err.strerror}): point "
                f"--store at another place."
            ) from None
        raise _read_only_folder(path) from None


def _a_folder(path: Path) -> PipelineError:
    """The store's path is taken by a folder."""
    return PipelineError(
        f"The store {path} is a folder, not a file: point --store at a file (such as "
        f"{path / DEFAULT_STORE.name}), or move the folder away."
    )


def _read_only_folder(path: Path) -> PipelineError:
    """A new store cannot be made: the nearest folder there is is read-only."""
    folder = next(p for p in (path.parent, *path.parent.parents) if p.exists())
    return PipelineError(
        f"The folder {folder} is read-only: the store {path} cannot be created in it. Make the "
        f"folder writable, or point --store at a file in a writable folder."
    )


def open_fault(err: sqlite3.Error, path: Path) -> PipelineError:
    """What SQLite's error on opening the store at ``path`` means, as a sentence."""
    said = fault(err, path)
    if said is not None:
        return said
    if err.sqlite_errorcode & 0xFF == sqlite3.SQLITE_CANTOPEN:
        if path.is_dir():
            return _a_folder(path)
        if not path.exists() and not os.access(path.parent, os.W_OK):
            return _read_only_folder(path)
        if path.exists() and not os.access(path, os.R_OK):
            return PipelineError(
                f"The store {path} cannot be read (permission denied): make it readable by "
                f"this user, or point --store at another file."
            )
    return PipelineError(
        f"The store {path} cannot be opened ({err}): check that it is a file this user can "
        f"read and write, or point --store at another file."
    )


def reading(method: Callable[..., Any]) -> Callable[..., Any]:
    """An SQLite error while reading (damage deep in the file shows only when that part is
    read), or a stored value that cannot be decoded, becomes the store's sentence."""

    @functools.wraps(method)
    def read(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as err:
            problem = fault(err, self.path)
            if problem is None:
                raise
            raise problem from None
        except (ValueError, KeyError, TypeError) as err:  # a stored return that cannot be read
            raise damaged(self.path, err) from None

    return read
