"""The library's entry points that mirror the commands ``check`` and ``run``.

Data flows one way: files -> loaded returns -> checked, matched receipts -> plans with flags ->
the consolidated workbook. These functions take paths and plain values, return plain objects,
and never print: the CLI renders what they return.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .errors import PipelineError
from .intake import Receipt, inbox_files, receive
from .plans import Consolidation, consolidate
from .registers import read_registers


@dataclass
class RunResult:
    """What a run produced: the workbook's path and everything shown in it."""

    path: Path
    consolidation: Consolidation


def check_files(paths: Iterable[Path], register_paths: Iterable[Path] = ()) -> list[Receipt]:
    """Load and check files as a run would, without writing anything."""
    registers = read_registers(list(register_paths))
    return receive([Path(p) for p in paths], registers)


def run(
    inbox: Path,
    outbox: Path,
    register_paths: Iterable[Path] = (),
    as_of: date | None = None,
    on_file: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Read every return in ``inbox`` and write ``outbox/consolidated-<as-of>.xlsx``.

    ``on_file(done, total)`` is called after each file is read (for progress bars). Files in
    the inbox are only read, never changed.
    """
    from .report.workbook import write_consolidated

    as_of = as_of or date.today()
    registers = read_registers(list(register_paths))
    inbox = Path(inbox)
    if not inbox.is_dir():
        raise PipelineError(
            f"The inbox folder {inbox} does not exist: create it and put the returned files in it."
        )
    receipts = receive(inbox_files(inbox), registers, root=inbox, on_file=on_file)
    consolidation = consolidate(receipts, registers, as_of)
    path = write_consolidated(
        consolidation, Path(outbox) / f"consolidated-{as_of.isoformat()}.xlsx"
    )
    return RunResult(path, consolidation)
