"""The ``pipeline`` command, thin: each command parses its options, calls the library and
prints (``commands``; ``serve`` and ``links`` in ``serve``, ``mail`` in ``mail``), the kinds
of option value and the options several commands share (``options``), and how it prints
(``console``)."""

from .commands import cli, main

__all__ = ["cli", "main"]
