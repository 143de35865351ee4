"""A worker process's life (``isolation``): each job sent to it done, its result sent back,
a job that fails costing only its own result, until it is told to stop."""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from .children import Parent, end_with
from .memory import mapped_bytes

TOO_LARGE = "it is too large to read"


def quietly(do: Callable[[], None]) -> None:
    """``do()``, what it raises ignored (to be met again where it matters)."""
    with contextlib.suppress(Exception):
        do()


def attempt(work: Callable[..., Any], job: tuple[Any, ...], failed: Callable) -> Any:
    """``work(*job)``, or ``failed(job, reason)`` where it raises."""
    try:
        return work(*job)
    except MemoryError:
        return failed(job, TOO_LARGE)
    except Exception as err:  # a library's own bug must cost only this job
        return failed(job, f"the reader failed on it ({type(err).__name__})")


def serve(
    conn: Connection, work: Callable, failed: Callable, cap: int | None, parent: Parent,
    nice: int = 0, prepare: Callable[[], None] | None = None,
) -> None:  # fmt: skip
    """A worker's life: do each job sent, send back the result, until told to stop (or until
    the run that started it ends, however it ends). With ``cap``, the system holds it to that
    much more address space than it has now; with ``nice``, it runs at that lower priority;
    ``prepare()`` is run first."""
    end_with(parent)  # first, so that its thread's stack is counted in the memory cap below
    gc.enable()  # (the run may have paused it: ``children.collection_paused``)
    if nice:
        os.nice(nice)
    import faulthandler

    if cap is not None:
        import resource

        # On top of what the worker already has mapped (a fork of a parent that may be large,
        # e.g. after a long session): a fixed cap could starve a healthy worker.
        limit = mapped_bytes() + cap
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # A library dying in here is reported as a sentence about its file; what it prints as it
    # dies (a crash dump, a panic message) must not land on the user's terminal.
    faulthandler.disable()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    if prepare is not None:
        quietly(prepare)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        result = attempt(work, job, failed)
        try:
            conn.send(result)
        except Exception as err:
            conn.send(failed(job, f"what was read could not be passed on ({type(err).__name__})"))
