"""The service's worker processes: they take uploads in, put the round together for the
dashboard and write the workbook and pack, so that the web process only receives bytes and
answers pages.

The workers are started fresh (spawned, not forked from the web process and its threads) and
import the pipeline once; each reads partners' files in isolated, capped workers of its own
(``pipeline.system.isolation``), as a run does. A worker that dies is replaced, and the job it had
is tried once more.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from .settings import ServeSettings


def _warm() -> None:
    """In each new worker: import what every job needs, once."""
    import pipeline.checking
    import pipeline.feedback
    import pipeline.round.consolidation
    import pipeline.serve.intake
    import pipeline.serve.view  # noqa: F401


class Workers:
    """A pool of worker processes, and the jobs sent to it."""

    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        self._pool: ProcessPoolExecutor | None = None
        self.waiting = 0  # jobs sent and not yet done

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.settings.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_warm,
            )
        return self._pool

    def start(self) -> None:
        """Start the workers now (each takes a second to import the pipeline)."""
        pool = self._started()
        for _ in range(self.settings.workers):
            pool.submit(_nothing)

    async def do(self, job: Callable[..., Any], *args: Any) -> Any:
        """``job(settings, *args)`` in a worker; what it returns (or raises)."""
        self.waiting += 1
        try:
            for attempt in (1, 2):
                pool = self._started()
                try:
                    return await asyncio.wrap_future(pool.submit(job, self.settings, *args))
                except BrokenProcessPool:
                    self._replace(pool)
                    if attempt == 2:
                        raise
        finally:
            self.waiting -= 1
        raise AssertionError("unreachable")  # pragma: no cover

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        if self._pool is broken:
            self._pool = None
            broken.shutdown(wait=False, cancel_futures=True)

    def stop(self) -> None:
        """End the workers (jobs still running are left to finish)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _nothing(*_: Any) -> None:
    return None
