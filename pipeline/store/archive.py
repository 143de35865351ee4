"""The archive: every file read, kept once under its SHA-256, so that the original bytes can
be recovered after the inbox is cleaned."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..system.files import atomic_path


def archive_name(sha256: str, original: str) -> str:
    """Where a file lives in the archive, relative to it: ``ab/abcdef….xlsx``."""
    suffix = Path(original).suffix.lower()
    if not suffix[1:].isalnum() or len(suffix) > 8:
        suffix = ""
    return f"{sha256[:2]}/{sha256}{suffix}"


def keep(archive: Path, original: str, sha256: str, copy: Path) -> tuple[str, bool]:
    """Keep ``copy`` (the bytes of the file ``original``, whose SHA-256 is ``sha256``) in
    ``archive`` unless a copy is already there; returns its name in the archive, and whether
    this put it there.

    The run's copy is never changed once read, so it is kept as it is, under a second name
    (a hard link: one step, whole or not at all, and nothing copied; a large round keeps a
    thousand files). Where the archive is on another disk, or one without hard links, the
    bytes are copied into place instead."""
    name = archive_name(sha256, original)
    target = archive / name
    if target.exists():
        return name, False
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(copy, 0o666 & ~umask)  # (as a file copied into place has)
        os.link(copy, target)
    except FileExistsError:  # another run kept it meanwhile
        return name, False
    except OSError:
        with atomic_path(target, scratch=archive) as tmp:
            shutil.copyfile(copy, tmp)
    return name, True
