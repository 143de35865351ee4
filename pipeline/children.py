"""Child processes end with the run that started them.

A run killed outright (``kill -9``, the machine's out-of-memory killer, a closed terminal's
process group) runs none of its own clean-up, so its children would carry on: a reader
waiting for its next file would wait forever (it never sees its pipe close, as other children
hold copies of it), and a child saving the store would finish saving a run that never wrote
its workbook. So every child the pipeline starts calls ``end_with(parent)`` first, with the
``Parent`` its parent recorded (``this_process()``) before starting it, and it ends within a
fraction of a second of its parent, however the parent went:

* on Linux, the kernel kills it the moment its parent goes (``prctl(PR_SET_PDEATHSIG)``), even
  in the middle of a library's C code;
* everywhere, a small thread in the child looks every ``WATCH_SECONDS`` at who its parent is:
  when the parent dies the child is handed to another process, and the child ends itself.

Either way the child ends at once, without clean-up: a store transaction it had not committed
is rolled back by SQLite, as if the child had never started it.

This works however the child was started (forked or spawned), as long as it was started by
the parent itself (not by a fork server, whose children have the server as their parent).
"""

from __future__ import annotations

import functools
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

WATCH_SECONDS = 0.1  # how often a child looks for its parent (where the kernel cannot tell it)
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
ORPHANED = 70  # the exit code of a child that ended because its parent had gone


@dataclass(frozen=True)
class Parent:
    """The process starting a child, as the child is to know it."""

    pid: int
    # Linux sends the parent-death signal when the *thread* that started the child ends, so it
    # is asked for only when that thread is the main one (which ends with its process).
    main_thread: bool


def this_process() -> Parent:
    """This process, as the parent of a child about to be started (call it in the parent)."""
    _prctl()  # looked up once here, so that forked children find it ready
    return Parent(os.getpid(), threading.current_thread() is threading.main_thread())


def end_with(parent: Parent) -> None:
    """Make this child end as soon as ``parent`` does (call it first thing in the child)."""
    if parent.main_thread:
        prctl = _prctl()
        if prctl is not None:  # (where it fails, the thread below is still there)
            prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent.pid:  # it went before this child was listening
        os._exit(ORPHANED)
    watcher = threading.Thread(
        target=_watch, args=(parent.pid,), name="end-with-parent", daemon=True
    )
    watcher.start()


def _watch(pid: int) -> None:
    while True:
        time.sleep(WATCH_SECONDS)
        if os.getppid() != pid:
            os._exit(ORPHANED)


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
