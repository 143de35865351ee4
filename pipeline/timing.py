"""How long each stage of a run took: for ``pipeline run --timings`` and the benchmark.

Stages record themselves (``with stage("load"): ...``); times add up when a stage runs more
than once. Reading the clock costs nothing worth measuring.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

_SECONDS: dict[str, float] = {}
_COUNTS: dict[str, int] = {}


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time the block as (part of) stage ``name``."""
    started = time.perf_counter()
    try:
        yield
    finally:
        add_seconds(name, time.perf_counter() - started)


def add_seconds(name: str, seconds: float) -> None:
    """Add time measured elsewhere (in another process) to stage ``name``."""
    _SECONDS[name] = _SECONDS.get(name, 0.0) + seconds


def count(name: str, amount: int) -> None:
    """Add to a counter reported beside the times (e.g. cells written)."""
    _COUNTS[name] = _COUNTS.get(name, 0) + amount


def counts() -> dict[str, int]:
    """The counters so far."""
    return dict(_COUNTS)


def report() -> dict[str, dict[str, float | int]]:
    """Seconds per stage and the counters, since the last ``reset``."""
    return {"seconds": {k: round(v, 4) for k, v in _SECONDS.items()}, "counts": dict(_COUNTS)}


def reset() -> None:
    """Start timing afresh."""
    _SECONDS.clear()
    _COUNTS.clear()
