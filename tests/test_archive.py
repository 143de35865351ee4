"""The archive keeps every file read, once, under its SHA-256: the bytes the run read, as a
file anyone who may read the store may read, whatever becomes of the run's own copy."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from pipeline.store.archive import keep


def test_a_file_read_is_kept_under_its_hash_after_the_runs_copy_is_gone(tmp_path: Path):
    copy = tmp_path / "copies" / "tmp1234.xlsx"
    copy.parent.mkdir()
    copy.write_bytes(b"the bytes a partner sent")
    copy.chmod(0o600)  # (as the run makes its copies)
    sha = hashlib.sha256(copy.read_bytes()).hexdigest()
    archive = tmp_path / "archive"

    name, made = keep(archive, "Leeds Plan.XLSX", sha, copy)

    assert made and name == f"{sha[:2]}/{sha}.xlsx"
    copy.unlink()  # the run's scratch folder is removed when it ends
    kept = archive / name
    assert kept.read_bytes() == b"the bytes a partner sent"
    umask = os.umask(0)
    os.umask(umask)
    assert kept.stat().st_mode & 0o777 == 0o666 & ~umask
    # read again by a later run: kept once, and not this run's to remove
    again = tmp_path / "tmp5678.xlsx"
    again.write_bytes(b"the bytes a partner sent")
    assert keep(archive, "leeds.xlsx", sha, again) == (name, False)
    assert [p for p in archive.rglob("*") if p.is_file()] == [kept]
