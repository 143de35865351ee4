"""One family of errors for everything a user can get wrong; the CLI translates it once.

Problems inside a return are not errors: they are findings (``pipeline.declare.findings``), data
that the run reports and carries on past.
"""

from __future__ import annotations


class PipelineError(Exception):
    """Something the user can put right; the message says what and how."""

    exit_code = 1


class UsageError(PipelineError):
    """A command was asked for something it cannot do (unknown layout, bad option)."""

    exit_code = 2


class RegisterError(PipelineError):
    """A register CSV cannot be used; the message names the file and line."""
