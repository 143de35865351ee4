"""Run risky work on partners' files in worker processes, so no file can crash, hang or
exhaust the run.

Each worker does one job at a time and sends the result back. A worker that dies (a library
aborting its process, the memory cap reached) or takes longer than the time limit is killed
and replaced, and its job gets the caller's ``failed`` result with a sentence saying why; the
other jobs carry on. Two workers on two cores also do the work about twice as fast.

Workers start the platform's way (``children.context``): forked on Linux, in milliseconds
with the pipeline already imported; spawned on Windows and macOS, a fresh interpreter that
imports only the reading code (a fraction of a second, once per worker). Jobs and results
are pickled either way. Workers end with the run, even a run killed outright (see
``children``).

The memory cap: where the system enforces a cap on a process's address space (Linux), each
worker sets one on itself, and a reader that goes past it fails its allocation; elsewhere the
pool looks at each busy worker's memory every ``WATCH_SECONDS`` and ends one that has grown
past its allowance. Either way the file is rejected as too large to read.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any

from .children import context, this_process
from .memory import Memory
from .serving import TOO_LARGE, attempt, quietly, serve

WORKER_MEMORY = 768 * 2**20  # more memory a worker may take: a backstop behind the limits
# Linux enforces a cap on address space (RLIMIT_AS); macOS accepts one and ignores it, and
# Windows has none.
SYSTEM_CAPS_MEMORY = sys.platform.startswith("linux")
NICE = 10  # how much lower a polite worker's priority is (a tenth of a core's share, shared)
AHEAD = 2  # jobs a worker holds at once: the one it works on, and the next
WATCH_SECONDS = 0.05  # how often the pool looks at a busy worker's memory, where it watches


@dataclass(frozen=True)
class Isolation:
    """How many workers, how long one job may take, how much memory a worker may use."""

    workers: int | None = None  # None: one per core; 0: in this process, without isolation
    seconds: float = 60.0
    memory: int = WORKER_MEMORY
    # Whether the pool watches workers' memory (True) or each caps its own (False); by default
    # the system caps it where it can.
    watch_memory: bool = not SYSTEM_CAPS_MEMORY


ISOLATED = Isolation()  # the default: one worker per core, a minute per file


def default_workers() -> int:
    """One worker per core, at least one."""
    return max(1, min(os.cpu_count() or 1, 8))


def run_isolated(
    work: Callable[..., Any],
    jobs: Sequence[tuple[Any, ...]],
    failed: Callable[[tuple[Any, ...], str], Any],
    isolation: Isolation = ISOLATED,
    on_done: Callable[[], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> list[Any]:
    """``work(*job)`` for each job, in worker processes; results in the order of ``jobs``.

    When a job cannot finish, its result is ``failed(job, reason)`` where ``reason`` completes
    "This file cannot be used: ...". ``meanwhile()``, if given, runs in this process while the
    workers work, in a thread (work that can wait, such as an import the caller needs next);
    it has finished when this returns, and what it raises is ignored, to be met again when
    the caller does it for real. It has a core to itself: until it is done, one worker fewer
    reads (at least one), and the last is started when it is.
    """
    if meanwhile is not None and (not jobs or isolation.workers == 0):
        quietly(meanwhile)
    if not jobs:
        return []
    if isolation.workers == 0:
        results = []
        for job in jobs:
            results.append(attempt(work, job, failed))
            if on_done:
                on_done()
        return results
    count = min(isolation.workers or default_workers(), len(jobs))
    return _Pool(work, failed, isolation, count).run(list(jobs), on_done, meanwhile)


class Running:
    """Jobs being done while this process does something else (see ``start_isolated``)."""

    def __init__(self, give_out: Callable[[], list[Any]], in_background: bool,
                 stopping: threading.Event | None = None,
                 pool: _Pool | None = None) -> None:  # fmt: skip
        self.give_out, self.results, self.error, self.pool = give_out, [], None, pool
        self.stopping = stopping or threading.Event()
        self.thread = None
        if in_background:
            self.thread = threading.Thread(target=self._run, name="isolated-jobs", daemon=True)
            self.thread.start()

    def _run(self) -> None:
        try:
            self.results = self.give_out()
        except BaseException as err:  # said by result()
            self.error = err

    def stop(self) -> None:
        """Give out no more jobs (those not given have no result); wait for those given."""
        self.stopping.set()
        with contextlib.suppress(BaseException):
            self.result()

    def result(self) -> list[Any]:
        """Wait for every job; the results in the order of the jobs."""
        if self.thread is None:
            return self.give_out()
        self.thread.join()
        while self.pool is not None and self.pool.ended:  # (waited for here: whatever time
            self.pool.ended.pop().ended()  # they took counts where this is waited for)
        if self.error is not None:
            raise self.error
        return self.results


def start_isolated(
    work: Callable[..., Any],
    jobs: Sequence[tuple[Any, ...]],
    failed: Callable[[tuple[Any, ...], str], Any],
    isolation: Isolation = ISOLATED,
    on_done: Callable[[], None] | None = None,
    busy: threading.Event | None = None,
    ready: Ready | None = None,
) -> Running:
    """``run_isolated``, left to run while this process goes on with other work: the workers
    are started now (from this thread), or are those ``ready`` (``ready_workers``), and given
    the jobs from another. While ``busy`` is set they yield the processor to anything else (a
    lower priority, where the system has one), so they use only a core that would otherwise
    wait; once it is cleared, each is replaced by one at the usual priority when it has
    finished what it holds. ``on_done`` is called from that other thread."""
    if not jobs or isolation.workers == 0:
        if ready is not None:
            ready.stop()
        return Running(lambda: run_isolated(work, jobs, failed, isolation, on_done), False)
    count = min(isolation.workers or default_workers(), len(jobs))
    if ready is not None:
        pool, workers = ready.pool, ready.workers[:count]
        ready.workers, pool.count = ready.workers[count:], len(workers)
        ready.stop()  # (those not needed)
    else:
        pool = _Pool(work, failed, isolation, count)
        workers = [pool._new(niced=busy is not None) for _ in range(pool.count)]
    stopping = threading.Event()
    return Running(lambda: pool.run(list(jobs), on_done, started=workers, polite=busy,
                                    stopping=stopping), True, stopping, pool)  # fmt: skip


@dataclass
class Ready:
    """Workers started before their jobs are known (``ready_workers``), for
    ``start_isolated`` to give them; ``stop`` ends those it did not take."""

    pool: _Pool
    workers: list[_Worker]

    def stop(self) -> None:
        """End the workers (that were not taken)."""
        for worker in self.workers:
            worker.stop()
        self.workers = []


def ready_workers(
    work: Callable[..., Any],
    failed: Callable[[tuple[Any, ...], str], Any],
    isolation: Isolation = ISOLATED,
    prepare: Callable[[], None] | None = None,
) -> Ready | None:
    """Workers for ``work`` started now, at the lower priority, each running ``prepare()``
    (what it raises is ignored) while the jobs are not yet known; None where jobs are done in
    this process. Started while this process is small and a core may wait, they cost it less
    than starting them with their jobs."""
    if isolation.workers == 0:
        return None
    pool = _Pool(work, failed, isolation, isolation.workers or default_workers())
    pool.prepare = prepare
    return Ready(pool, [pool._new(niced=True) for _ in range(pool.count)])


class _Worker:
    def __init__(
        self, work: Callable, failed: Callable, isolation: Isolation, niced: bool = False,
        prepare: Callable[[], None] | None = None,
    ) -> None:  # fmt: skip
        start = context()
        self.conn, child = start.Pipe()
        cap = None if isolation.watch_memory else isolation.memory
        self.niced = niced and hasattr(os, "nice")
        nice = NICE if self.niced else 0
        self.process = start.Process(
            target=serve, args=(child, work, failed, cap, this_process(), nice, prepare),
            daemon=True,
        )  # fmt: skip
        self.process.start()
        child.close()
        self.given: deque[int] = deque()  # the jobs sent and not yet answered, in order
        self.deadline = 0.0
        self.memory = Memory(self.process.pid, 0 if cap else isolation.memory)

    @property
    def job(self) -> int | None:
        """The job it is working on (the first of those given), if any."""
        return self.given[0] if self.given else None

    def give(self, job: int, payload: tuple[Any, ...], seconds: float) -> None:
        """Send it ``payload``, job number ``job``, to be done within ``seconds`` of starting
        it (at once, if it has nothing else to do)."""
        self.memory.start()
        self.conn.send(payload)
        if not self.given:
            self.deadline = time.monotonic() + seconds
        self.given.append(job)

    def answered(self, seconds: float) -> int:
        """Its job is done: the job's number; the next it was given starts now."""
        done = self.given.popleft()
        self.deadline = time.monotonic() + seconds
        return done

    def too_large(self) -> bool:
        """Whether it has grown past its allowance (only where the pool watches memory)."""
        return self.memory.exceeded()

    def stop(self, kill: bool = False, wait: bool = True) -> None:
        """End it (``kill``: at once); ``wait``: until it has ended, else see ``ended``."""
        if kill:
            self.process.kill()
        else:
            with contextlib.suppress(OSError):
                self.conn.send(None)
        if wait:
            self.ended()

    def ended(self) -> None:
        """Wait until it has ended (told to stop), killing it if it has not within seconds."""
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


class _Pool:
    def __init__(self, work: Callable, failed: Callable, isolation: Isolation, count: int):
        self.ended: list[_Worker] = []  # workers told to stop, for the caller to wait for
        self.work, self.failed, self.isolation, self.count = work, failed, isolation, count
        self.meanwhile: threading.Thread | None = None
        self.prepare: Callable[[], None] | None = None  # (only for workers started ready)

    def _new(self, niced: bool = False) -> _Worker:
        # A fork while another thread is inside an import could leave the worker waiting on
        # that import's lock forever: the thread finishes before any worker is forked.
        self._settle()
        prepare = self.prepare
        if not niced and prepare is not None:  # (a replacement, once this process is idle:
            quietly(prepare)  # prepared here once, each worker starts with it)
            prepare = self.prepare = None
        return _Worker(self.work, self.failed, self.isolation, niced, prepare)

    def _busy_meanwhile(self) -> bool:
        return self.meanwhile is not None and self.meanwhile.is_alive()

    def _settle(self) -> None:
        if self.meanwhile is not None:
            self.meanwhile.join()
            self.meanwhile = None

    def _replace(self, worker: _Worker) -> _Worker:
        worker.stop(kill=True)
        return self._new()

    def run(
        self,
        jobs: list[tuple[Any, ...]],
        on_done: Callable[[], None] | None,
        meanwhile: Callable[[], None] | None = None,
        started: list[_Worker] | None = None,
        polite: threading.Event | None = None,
        stopping: threading.Event | None = None,
    ) -> list[Any]:
        results: list[Any] = [None] * len(jobs)
        pending = deque(range(len(jobs)))
        first = max(1, self.count - 1) if meanwhile is not None else self.count
        workers = started or [self._new() for _ in range(first)]
        if meanwhile is not None:
            self.meanwhile = threading.Thread(target=quietly, args=(meanwhile,), daemon=True)
            self.meanwhile.start()

        def finish(worker: _Worker, result: Any) -> None:
            results[worker.answered(self.isolation.seconds)] = result
            if on_done:
                on_done()

        def replace(n: int, worker: _Worker) -> None:
            """A fresh worker in its place; the jobs it was given after the one that ended it
            are given again."""
            pending.extendleft(reversed(worker.given))
            workers[n] = self._replace(worker)

        try:
            while pending or any(w.job is not None for w in workers):
                if len(workers) < self.count and pending and not self._busy_meanwhile():
                    workers.append(self._new())
                if stopping is not None and stopping.is_set():
                    pending.clear()
                if polite is not None and not polite.is_set():  # polite workers not needed now
                    for n, w in enumerate(workers):
                        if w.niced and not w.given:
                            w.stop(wait=False)
                            self.ended.append(w)
                            workers[n] = self._new()
                # Each idle worker a job, then each a job ahead, so that none waits for this
                # process between jobs (but none holds two while another has none).
                for holding, (n, w) in itertools.product(range(AHEAD), enumerate(workers)):
                    retiring = w.niced and polite is not None and not polite.is_set()
                    if len(w.given) == holding and pending and w is workers[n] and not retiring:
                        job = pending.popleft()
                        try:
                            w.give(job, jobs[job], self.isolation.seconds)
                        except OSError:  # it has died: its result says why, if it was busy
                            pending.appendleft(job)
                            if w.job is None:  # (it died idle: a fresh one takes the job)
                                replace(n, w)
                busy = {w.conn: w for w in workers if w.job is not None}
                if not busy:  # every job given was handed back (its worker had died): again
                    continue
                soonest = min(w.deadline for w in busy.values())
                if len(workers) < self.count:  # look in now and then to start the last worker
                    soonest = min(soonest, time.monotonic() + 0.02)
                if self.isolation.watch_memory:
                    soonest = min(soonest, time.monotonic() + WATCH_SECONDS)
                for conn in wait(list(busy), timeout=max(0.0, soonest - time.monotonic())):
                    w = busy[conn]
                    try:
                        finish(w, conn.recv())
                    except (EOFError, OSError):
                        reason = "the reader stopped working on it (it is damaged or too large)"
                        finish(w, self.failed(jobs[w.job], reason))
                        replace(workers.index(w), w)
                now = time.monotonic()
                for n, w in enumerate(workers):
                    if w.job is None or w.conn.poll():  # (its result is in: taken next time)
                        continue
                    if now > w.deadline:
                        reason = f"it took longer than {self.isolation.seconds:g} seconds to read"
                    elif w.too_large():
                        reason = TOO_LARGE
                    else:
                        continue
                    finish(w, self.failed(jobs[w.job], reason))
                    replace(n, w)
        finally:
            for w in workers:  # (workers it was given are waited for by whoever gave them)
                w.stop(wait=started is None)
                if started is not None:
                    self.ended.append(w)
            self._settle()
        return results
