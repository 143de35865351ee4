"""Child processes: how they start, and that they end with the run that started them.

They start the platform's way (``context``): spawned on Windows and macOS (a fresh
interpreter, to which the work and its arguments are pickled), forked on Linux (a copy of the
parent, ready at once). ``PIPELINE_START_METHOD=spawn`` makes Linux start them as Windows
does, which is how the tests prove the pipeline works there.

A run killed outright (``kill -9``, the machine's out-of-memory killer, a closed terminal's
process group) runs none of its own clean-up, so its children would carry on: a reader
waiting for its next file would wait forever (it never sees its pipe close, as other children
hold copies of it), and a child saving the store would finish saving a run that never wrote
its workbook. So every child the pipeline starts calls ``end_with(parent)`` first, with the
``Parent`` its parent recorded (``this_process()``) before starting it, and it ends within a
fraction of a second of its parent, however the parent went:

* on Linux, the kernel kills it the moment its parent goes (``prctl(PR_SET_PDEATHSIG)``), even
  in the middle of a library's C code;
* everywhere, a small thread in the child looks every ``WATCH_SECONDS`` at its parent: on
  POSIX, when the parent dies the child is handed to another process; a spawned child also
  asks ``multiprocessing`` whether its parent is alive (Windows never hands a child on, so
  there this is the only way to know); and when the parent has gone, the child ends itself.

Either way the child ends at once, without clean-up: a store transaction it had not committed
is rolled back by SQLite, as if the child had never started it.

This works however the child was started (forked or spawned), as long as it was started by
the parent itself (not by a fork server, whose children have the server as their parent).
"""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.context import BaseContext

from ..errors import PipelineError

WATCH_SECONDS = 0.1  # how often a child looks for its parent (where the kernel cannot tell it)
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
ORPHANED = 70  # the exit code of a child that ended because its parent had gone
ENVIRONMENT = "PIPELINE_START_METHOD"
# A fork server's children have the server as their parent, so they could not end with ours.
NOT_OURS = "forkserver"


def start_method() -> str:
    """How child processes start: ``PIPELINE_START_METHOD`` if set, else the platform's default
    (fork on Linux, spawn on Windows and macOS; never a fork server)."""
    usable = [m for m in multiprocessing.get_all_start_methods() if m != NOT_OURS]
    chosen = os.environ.get(ENVIRONMENT, "").strip().lower()
    if not chosen:
        return usable[0]  # (the first is the platform's default)
    if chosen not in usable:
        raise PipelineError(
            f"{ENVIRONMENT}={chosen} is not a way this system can start the pipeline's "
            f"processes: set it to {' or '.join(usable)}, or leave it unset."
        )
    return chosen


def context() -> BaseContext:
    """The ``multiprocessing`` context every child process is started with."""
    return multiprocessing.get_context(start_method())


def forks() -> bool:
    """Whether children start as copies of this process (so may share its objects unpickled)."""
    return start_method() == "fork"


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Within the block, what this process holds now is left out of garbage collection (and
    given back to it after): a round's rows are a few million objects that live until the
    run ends, and each full collection would walk them all again, and each forked child would
    copy every page it walked."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@dataclass(frozen=True)
class Parent:
    """The process starting a child, as the child is to know it."""

    pid: int
    # Linux sends the parent-death signal when the *thread* that started the child ends, so it
    # is asked for only when that thread is the main one (which ends with its process).
    main_thread: bool
    spawned: bool = False  # the child is a fresh interpreter (see ``_gone``)


def this_process() -> Parent:
    """This process, as the parent of a child about to be started (call it in the parent)."""
    _prctl()  # looked up once here, so that forked children find it ready
    return Parent(os.getpid(), threading.current_thread() is threading.main_thread(), not forks())


def end_with(parent: Parent) -> None:
    """Make this child end as soon as ``parent`` does (call it first thing in the child).

    And a forked child never collects what it inherited: Python's cyclic garbage collector
    would walk the parent's whole heap (a large round's rows, a million objects) each time it
    ran in the child, and touching each object copies its page; frozen, it walks the child's
    own objects alone."""
    gc.freeze()
    if parent.main_thread:
        prctl = _prctl()
        if prctl is not None:  # (where it fails, the thread below is still there)
            prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if _gone(parent):  # it went before this child was listening
        os._exit(ORPHANED)
    watcher = threading.Thread(target=_watch, args=(parent,), name="end-with-parent", daemon=True)
    watcher.start()


def _watch(parent: Parent) -> None:
    while True:
        time.sleep(WATCH_SECONDS)
        if _gone(parent):
            os._exit(ORPHANED)


def _gone(parent: Parent) -> bool:
    """Whether the child's parent has ended."""
    if os.getppid() != parent.pid:  # handed on to another process (POSIX)
        return True
    # A spawned child holds a pipe or handle its parent keeps until it ends (a forked one may
    # share its copy with siblings, so asks only the question above).
    known = multiprocessing.parent_process() if parent.spawned else None
    return known is not None and not known.is_alive()


@functools.cache
def _prctl() -> Callable[..., int] | None:
    """Linux's ``prctl``, or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
