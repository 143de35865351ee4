"""Load many files, each in an isolated worker process (see ``pipeline.isolation``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..isolation import ISOLATED, Isolation, run_isolated
from ..returns import LoadedReturn, SourceFile, as_frame
from .loader import load_bytes


def load_all(
    jobs: list[tuple[bytes, Path, str]],
    isolation: Isolation = ISOLATED,
    on_done: Callable[[], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> list[LoadedReturn]:
    """Load each (bytes, path, name); a file that crashes, hangs or exhausts its worker comes back
    rejected with a sentence. Results are in the order of ``jobs``. ``meanwhile()`` runs here
    while the workers read (see ``run_isolated``)."""
    loaded = run_isolated(load_bytes, jobs, unreadable, isolation, on_done, meanwhile)
    return [as_frame(r) for r in loaded]


def unreadable(job: tuple[bytes, Path, str], reason: str) -> LoadedReturn:
    """A return rejected because reading it failed for ``reason``."""
    data, path, name = job[:3]
    source = SourceFile.of(path, name, data)
    return LoadedReturn(source).reject("unreadable", f"This file cannot be used: {reason}.")
