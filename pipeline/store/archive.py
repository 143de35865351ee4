"""The archive: every file read, kept once under its SHA-256, so that the original bytes can
be recovered after the inbox is cleaned."""

from __future__ import annotations

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
    this put it there."""
    name = archive_name(sha256, original)
    target = archive / name
    if target.exists():
        return name, False
    with atomic_path(target, scratch=archive) as tmp:
        shutil.copyfile(copy, tmp)
    return name, True
