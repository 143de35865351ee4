"""How the ``pipeline`` command speaks: every line printed, the progress bar, and errors turned
into one sentence and an exit code.

Everything printed goes through ``echo``, which writes out any control character a partner's
file or a register put in a name, so no name can work the terminal. A reader that stops
reading (``pipeline run | head -1``) ends the command quietly. A ``PipelineError`` becomes its
message and exit code; anything unexpected becomes one short line (the traceback only with
``--debug``).
"""

from __future__ import annotations

import contextlib
import os
import sys

import click

from ..errors import PipelineError
from ..naming import visible_lines
from ..system.imports import spare


def echo(message: object = "", err: bool = False) -> None:
    """Print ``message`` (to standard error if ``err``) with every control or invisible
    character written out (``\\x1b``), its line breaks and tabs kept: the one way the
    command prints. Once the reader has gone (``pipeline run | head -1``), the rest goes
    nowhere: the command still does all its work, and ends quietly."""
    stream = sys.stderr if err else sys.stdout
    try:
        click.echo(visible_lines(str(message)), file=stream)
    except BrokenPipeError:
        _to_nowhere(stream)


def _to_nowhere(stream) -> None:
    """Send what is still to be written to ``stream`` nowhere (as Python's documentation
    advises for a closed pipe), so that neither a later line nor the flush at exit fails."""
    with contextlib.suppress(OSError, ValueError):  # ValueError: no descriptor (a test's)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


class Group(click.Group):
    """A click group that turns library errors into messages and exit codes."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PipelineError as err:
            echo(f"Error: {err}", err=True)
            sys.exit(err.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as err:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            echo(
                f"Error: something went wrong that we did not expect ({type(err).__name__}: "
                f"{err}). Run again with --debug for details, and tell the pipeline's "
                f"maintainers.",
                err=True,
            )
            sys.exit(1)


@contextlib.contextmanager
def run_to_the_end(command: click.Command) -> None:
    """Run ``command`` as the ``pipeline`` process, and end the process at once when it is
    done, with its exit code."""
    spare()  # libraries other libraries import whenever they are installed, never needed here
    try:
        command(prog_name="pipeline")  # click ends quietly if its own printing finds no reader
        code = 0
    except SystemExit as done:
        if done.code is not None and not isinstance(done.code, int):
            echo(done.code, err=True)
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    # Everything is written, closed and flushed by now. Tearing down pandas, numpy and the
    # rest would take Python another 0.2 s, so the process ends at once.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError):  # e.g. the reader of a pipe has gone
            stream.flush()
    os._exit(code)
