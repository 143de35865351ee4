"""The run's new returns put in the store's form (``codec.dumps``) ahead of saving, on a core
that would otherwise wait.

A large round's returns are most of what the store keeps (L: 200,000 rows, some 56 MB of
JSON and 0.6 s of a core to make). Once they are checked the round is put together on one
core while the other idles; the store is saved later, beside the workbook, which is written
on both. So a child started as soon as the returns are checked (they are not changed after)
writes their JSON one after another into a file in the run's scratch folder, and the save
reads each back as it keeps it, one at a time. Where it cannot be done (processes are not
forked, the child failed) the save makes the JSON itself, as it always did: the store holds
the same either way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from pathlib import Path

from ..errors import PipelineError
from ..returns import LoadedReturn
from ..system.background import Background
from ..system.children import forks
from ..system.timing import stage
from . import codec


class Ahead:
    """New returns' JSON being made in a child (``with Ahead(returns, path) as ahead:`` the
    block runs meanwhile, and its end waits for the child), to be read back by the store's
    save (``encoded``)."""

    def __init__(self, returns: Mapping[str, LoadedReturn], path: Path) -> None:
        self.path = path
        self._places: dict[str, tuple[int, int, int]] | None = None
        # (spawned, the child would be sent every return pickled: slower than the JSON itself)
        self._work = Background(_encode, dict(returns), path) if returns and forks() else None

    def __enter__(self) -> Ahead:
        return self

    def __exit__(self, *exc: object) -> None:
        """Wait for the child (it has finished by the time the round is put together), its
        processor time the store's."""
        if self._work is not None:
            with stage("store"), contextlib.suppress(PipelineError, OSError):
                self._places = self._work.result()
            self._work = None

    def encoded(self, sha256: str, checked: LoadedReturn) -> str | None:
        """The JSON of the return ``checked`` (of the file ``sha256``) made ahead, or None
        where it was not (or the return has been given findings since)."""
        place = (self._places or {}).get(sha256)
        if place is None or place[2] != len(checked.findings):
            return None
        try:
            with open(self.path, "rb") as file:
                file.seek(place[0])
                return file.read(place[1]).decode("utf-8")
        except OSError:
            return None


def _encode(returns: dict[str, LoadedReturn], path: Path) -> dict[str, tuple[int, int, int]]:
    """In the child: write each return's JSON to ``path``; where each is (its offset, its
    length, and how many findings its return had)."""
    places = {}
    with open(path, "wb") as file:
        for sha256, checked in returns.items():
            data = codec.dumps(checked).encode("utf-8")
            places[sha256] = (file.tell(), len(data), len(checked.findings))
            file.write(data)
    return places
