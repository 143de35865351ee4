"""How long each stage of a run took: for ``pipeline run --timings`` and the benchmark.

Stages record themselves (``with stage("load"): ...``); times add up when a stage runs more
than once. Reading the clock costs nothing worth measuring. Beside each stage's wall seconds,
the processor seconds spent in it: this process's, and its children's that ended in it (the
pool's workers end with the stage that used them), which a shared machine's load changes far
less than the wall clock.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

_SECONDS: dict[str, float] = {}
_CPU: dict[str, float] = {}
_COUNTS: dict[str, int] = {}
_WATCHERS: dict[str, tuple[int, Callable[[int], Any]]] = {}  # by counter: (process, callback)


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time the block as (part of) stage ``name``."""
    started, cpu = time.perf_counter(), _cpu()
    try:
        yield
    finally:
        add_seconds(name, time.perf_counter() - started)
        _CPU[name] = _CPU.get(name, 0.0) + _cpu() - cpu


def _cpu() -> float:
    """Processor seconds of this process and of its children that have ended."""
    used = os.times()
    return used.user + used.system + used.children_user + used.children_system


def add_seconds(name: str, seconds: float) -> None:
    """Add time measured elsewhere (in another process) to stage ``name``."""
    _SECONDS[name] = _SECONDS.get(name, 0.0) + seconds


def count(name: str, amount: int) -> None:
    """Add to a counter reported beside the times (e.g. cells written)."""
    _COUNTS[name] = _COUNTS.get(name, 0) + amount
    watcher = _WATCHERS.get(name)
    if watcher is not None and watcher[0] == os.getpid():  # (not in a forked child)
        watcher[1](amount)


def watch(name: str, callback: Callable[[int], Any] | None) -> None:
    """Call ``callback(amount)`` whenever counter ``name`` grows in this process (None: stop)."""
    if callback is None:
        _WATCHERS.pop(name, None)
    else:
        _WATCHERS[name] = (os.getpid(), callback)


def counts() -> dict[str, int]:
    """The counters so far."""
    return dict(_COUNTS)


def report() -> dict[str, dict[str, float | int]]:
    """Seconds per stage (wall and processor) and the counters, since the last ``reset``."""
    return {"seconds": {k: round(v, 4) for k, v in _SECONDS.items()},
            "cpu": {k: round(v, 4) for k, v in _CPU.items()}, "counts": dict(_COUNTS)}  # fmt: skip


def reset() -> None:
    """Start timing afresh."""
    _SECONDS.clear()
    _CPU.clear()
    _COUNTS.clear()
