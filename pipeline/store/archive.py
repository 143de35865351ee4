"""The archive: every file read, kept once under its SHA-256, so that the original bytes can
be recovered after the inbox is cleaned."""

from __future__ import annotations

from pathlib import Path

from ..files import atomic_path


def archive_name(sha256: str, original: str) -> str:
    """Where a file lives in the archive, relative to it: ``ab/abcdef….xlsx``."""
    suffix = Path(original).suffix.lower()
    if not suffix[1:].isalnum() or len(suffix) > 8:
        suffix = ""
    return f"{sha256[:2]}/{sha256}{suffix}"


def keep(archive: Path, original: str, sha256: str, data: bytes) -> str:
    """Keep ``data`` (the bytes of the file ``original``, whose SHA-256 is ``sha256``) in
    ``archive`` unless a copy is already there; returns its name in the archive."""
    name = archive_name(sha256, original)
    target = archive / name
    if not target.exists():
        with atomic_path(target, scratch=archive) as tmp:
            tmp.write_bytes(data)
    return name
