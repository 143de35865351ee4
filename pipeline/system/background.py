"""Our own work done on the other core: started in a child process now, its result collected
later.

A run is CPU-bound in one process for most of its length (writing the workbook, saving the
store), while a second core waits. ``Background(work, *args)`` starts a child at once. Where
processes fork (Linux) the child starts with everything the parent has, nothing pickled;
where they are spawned (Windows, macOS) ``work`` and ``args`` are pickled to it (a generator
among the arguments, run in a forked child, is run here first: it cannot be pickled). Either way it
sends back only the result, or the exception it met, which ``result()`` raises again here.
Unlike ``isolation`` this is for the pipeline's own trusted work, so there is no time or memory
limit. The child ends with its parent, even a parent killed outright (see
``children``).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from types import GeneratorType
from typing import Any

from ..errors import PipelineError
from .children import Parent, context, end_with, forks, this_process


class Background:
    """``work(*args)`` running in a child process."""

    def __init__(self, work: Callable[..., Any], *args: Any) -> None:
        if not forks():
            args = tuple(list(a) if isinstance(a, GeneratorType) else a for a in args)
        start = context()
        self._conn, child = start.Pipe(duplex=False)
        self._process = start.Process(
            target=_serve, args=(child, work, args, this_process()), daemon=True
        )
        self._process.start()
        child.close()
        self._name = getattr(work, "__name__", "work")

    def result(self) -> Any:
        """Wait for the child; its result, or the exception it raised raised here."""
        try:
            outcome, value = self._conn.recv()
        except EOFError:
            outcome, value = "died", None
        finally:
            self._conn.close()
            self._process.join()
        if outcome == "ok":
            return value
        if outcome == "raised":
            raise value
        raise PipelineError(
            f"The pipeline's own {self._name} stopped unexpectedly (exit code "
            f"{self._process.exitcode}); run again, and tell the maintainers if it happens again."
        )


def _serve(conn: Any, work: Callable[..., Any], args: tuple[Any, ...], parent: Parent) -> None:
    # A child whose parent is killed ends at once, so that e.g. a store being saved is left
    # as it was: its transaction uncommitted, rolled back (see ``children``).
    end_with(parent)
    try:
        outcome = ("ok", work(*args))
    except BaseException as err:  # sent to the parent, which raises it again
        err.__notes__ = [*getattr(err, "__notes__", []), traceback.format_exc()]
        outcome = ("raised", err)
    try:
        conn.send(outcome)
    except Exception as err:  # the result or the exception could not be pickled
        conn.send(("raised", PipelineError(f"{type(err).__name__} in background work: {err}")))
    conn.close()
