"""Load files in worker processes, so that no file can crash, hang or exhaust the run.

Each worker reads one file at a time and sends the loaded return back. A worker that dies
(a reader library aborting its process, the memory cap reached) or takes longer than the time
limit is killed and replaced, and the file it was reading is rejected with a sentence; the
other files carry on. Two workers on two cores also read about twice as fast as one process.

Workers are forked, so they start in milliseconds with the pipeline already imported.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from pathlib import Path

from ..returns import LoadedReturn, SourceFile
from .loader import load
from .safety import LIMITS, Limits

WORKER_MEMORY = 768 * 2**20  # address space per worker: a backstop behind the size limits


def default_workers() -> int:
    """One worker per core, at least one."""
    return max(1, min(os.cpu_count() or 1, 8))


def load_all(
    jobs: list[tuple[Path, str]],
    workers: int | None = None,
    limits: Limits = LIMITS,
    on_done: Callable[[], None] | None = None,
) -> list[LoadedReturn]:
    """Load each (path, name) in worker processes; results in the order of ``jobs``.

    ``workers=0`` loads in this process (no isolation; for debugging).
    """
    if workers == 0:
        results = []
        for path, name in jobs:
            results.append(load(path, name, limits))
            if on_done:
                on_done()
        return results
    count = min(workers or default_workers(), len(jobs))
    return _Pool(count, limits).run(jobs, on_done)


class _Worker:
    def __init__(self, limits: Limits) -> None:
        context = multiprocessing.get_context("fork")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, limits), daemon=True)
        self.process.start()
        child.close()
        self.job: int | None = None
        self.deadline = 0.0

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            with contextlib.suppress(OSError):
                self.conn.send(None)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


class _Pool:
    def __init__(self, count: int, limits: Limits) -> None:
        self.count, self.limits = count, limits

    def run(
        self, jobs: list[tuple[Path, str]], on_done: Callable[[], None] | None
    ) -> list[LoadedReturn]:
        results: list[LoadedReturn | None] = [None] * len(jobs)
        pending = deque(range(len(jobs)))
        workers = [_Worker(self.limits) for _ in range(self.count)]

        def finish(worker: _Worker, result: LoadedReturn) -> None:
            results[worker.job] = result
            worker.job = None
            if on_done:
                on_done()

        try:
            while pending or any(w.job is not None for w in workers):
                for n, w in enumerate(workers):
                    if w.job is None and pending:
                        job = pending.popleft()
                        try:
                            w.conn.send(jobs[job])
                        except OSError:  # it died while idle: a fresh one takes the job
                            pending.appendleft(job)
                            workers[n] = self._replace(w)
                            continue
                        w.job, w.deadline = job, time.monotonic() + self.limits.seconds
                busy = {w.conn: w for w in workers if w.job is not None}
                soonest = min(w.deadline for w in busy.values())
                for conn in wait(list(busy), timeout=max(0.0, soonest - time.monotonic())):
                    w = busy[conn]
                    try:
                        finish(w, conn.recv())
                    except (EOFError, OSError):
                        path, name = jobs[w.job]
                        finish(w, _failed(path, name, "the reader stopped working on it "
                                          "(the file is damaged or far too large)"))  # fmt: skip
                        workers[workers.index(w)] = self._replace(w)
                now = time.monotonic()
                for w in list(workers):
                    if w.job is not None and now > w.deadline:
                        path, name = jobs[w.job]
                        reason = f"it took longer than {self.limits.seconds:g} seconds to read"
                        finish(w, _failed(path, name, reason))
                        workers[workers.index(w)] = self._replace(w)
        finally:
            for w in workers:
                w.stop()
        return results  # type: ignore[return-value]

    def _replace(self, worker: _Worker) -> _Worker:
        worker.stop(kill=True)
        return _Worker(self.limits)


def _failed(path: Path, name: str, reason: str) -> LoadedReturn:
    import hashlib

    try:
        data = Path(path).read_bytes()
    except OSError:
        data = b""
    source = SourceFile(Path(path), name, hashlib.sha256(data).hexdigest(), len(data))
    return LoadedReturn(source).reject("unreadable", f"This file cannot be used: {reason}.")


def _serve(conn: Connection, limits: Limits) -> None:
    """A worker's life: load each file sent, send back what was loaded, until told to stop."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY, WORKER_MEMORY))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        path, name = job
        try:
            result = load(path, name, limits)
        except MemoryError:
            result = _failed(path, name, "it is too large to read")
        except Exception as err:  # a reader library's own bug must cost only this file
            result = _failed(path, name, f"the reader failed on it ({type(err).__name__})")
        try:
            conn.send(result)
        except Exception as err:
            conn.send(_failed(path, name, f"what was read could not be passed on ({err})"))
