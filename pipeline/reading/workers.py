"""Load many files, each in an isolated worker process (see ``pipeline.system.isolation``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..returns import CANNOT_BE_USED, LoadedReturn, SourceFile, as_frame
from ..system.isolation import ISOLATED, Isolation, run_isolated
from .loader import load_source


def load_all(
    jobs: list[tuple[Path, SourceFile]],
    isolation: Isolation = ISOLATED,
    on_done: Callable[[], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> list[LoadedReturn]:
    """Load each (copy, source): the run's copy of a file, and the file it came from. A file
    that crashes, hangs or exhausts its worker comes back rejected with a sentence. Results
    are in the order of ``jobs``. ``meanwhile()`` runs here while the workers read (see
    ``run_isolated``)."""
    loaded = run_isolated(load_copy, jobs, unreadable, isolation, on_done, meanwhile)
    return [as_frame(r) for r in loaded]


def load_copy(copy: Path, source: SourceFile) -> LoadedReturn:
    """Load the run's copy of ``source`` (rows left as ``PlainRows``)."""
    return load_source(Path(copy).read_bytes(), source)


def unreadable(job: tuple[Path, SourceFile], reason: str) -> LoadedReturn:
    """A return rejected because reading it failed for ``reason``."""
    return LoadedReturn(job[1]).reject("unreadable", f"{CANNOT_BE_USED}{reason}.")
