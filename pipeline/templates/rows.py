"""A template's table rows grow with what a partner types in them.

The writer sets each row of the table as tall as its text needs (``workbook._fit_height``),
and xlsxwriter marks such a row's height as set by hand (``customHeight``), which Excel and
LibreOffice then keep whatever is typed: a partnership's position typed under a requirement of
two lines shows, and prints, its first two lines only. A row whose height is not marked so
keeps the height it was written with when the file opens, and is fitted to its text again
when a cell of it is edited, in both (LibreOffice calls it an optimal height). So the mark is
taken off the table's rows, in the written file's plan sheet (its part rewritten, the others
copied as they are: ``xlsx.archive``).
"""

from __future__ import annotations

import re
from collections.abc import Container
from datetime import datetime
from pathlib import Path

from ..xlsx import archive

_SET_BY_HAND = re.compile(rb'(<row r="(\d+)"[^>]*?) customHeight="1"')


def grow_as_typed(path: Path, sheet: int, rows: Container[int], when: datetime) -> None:
    """Let ``rows`` (zero-based) of the ``sheet``-th worksheet (from 0) of the workbook at
    ``path``, written by xlsxwriter, be fitted to their text as a partner types (see the
    module); the rewritten part dated ``when``."""
    part = f"xl/worksheets/sheet{sheet + 1}.xml"
    members = archive.read(path)
    xml = members[part].data()

    def unmarked(found: re.Match[bytes]) -> bytes:
        return found[1] if int(found[2]) - 1 in rows else found[0]

    members[part] = archive.packed(part, _SET_BY_HAND.sub(unmarked, xml), when, stable=True)
    archive.write(path, list(members.values()))
