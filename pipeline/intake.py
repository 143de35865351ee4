"""Take in a batch of returned files: find them, recognise repeats, load, check, and match each
to its register entry. The result is one ``Receipt`` per file, in a stable order.

Nothing here writes to the inbox: files are only ever read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .checking import check_returns
from .findings import Finding, Severity
from .layouts import LAYOUTS
from .reading import load
from .registers import Register
from .returns import LoadedReturn, SourceFile

ACCEPTED = "accepted"
WITH_FINDINGS = "accepted with findings"
REJECTED = "rejected"
DUPLICATE = "duplicate"
SUPERSEDED = "superseded"


@dataclass
class Receipt:
    """What became of one file: its status, the return read from it, and why."""

    source: SourceFile
    status: str
    loaded: LoadedReturn | None = None
    note: str | None = None  # the rejection reason, or which file it repeats or gave way to

    @property
    def findings(self) -> list[Finding]:
        """The return's findings (none for a duplicate)."""
        return self.loaded.findings if self.loaded else []


def inbox_files(inbox: Path) -> list[Path]:
    """Every file under ``inbox``, recursively, in name order; lock files (``~$x.xlsx``) and
    hidden files and folders are left alone."""
    inbox = Path(inbox)
    found = []
    for path in inbox.rglob("*"):
        parts = path.relative_to(inbox).parts
        if any(p.startswith(".") for p in parts) or path.name.startswith("~$"):
            continue
        if path.is_file():
            found.append(path)
    return sorted(found, key=lambda p: p.relative_to(inbox).as_posix().lower())


def receive(
    paths: Iterable[Path],
    registers: dict[str, Register] | None = None,
    root: Path | None = None,
    loader: Callable[[Path, str], LoadedReturn] = load,
    on_file: Callable[[int, int], None] | None = None,
) -> list[Receipt]:
    """Load, check and register-match ``paths``; a file identical to an earlier one is a
    duplicate and is not read twice. Names are shown relative to ``root`` when given;
    ``on_file(done, total)`` is called as each file is read."""
    registers = registers or {}
    paths = list(paths)
    receipts: list[Receipt] = []
    first_seen: dict[str, str] = {}
    to_check: list[Receipt] = []
    for done, path in enumerate(paths, start=1):
        name = Path(path).relative_to(root).as_posix() if root else Path(path).name
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        if digest in first_seen:
            source = SourceFile(Path(path), name, digest, Path(path).stat().st_size)
            note = f"identical to {first_seen[digest]}; counted once"
            receipts.append(Receipt(source, DUPLICATE, note=note))
        else:
            first_seen[digest] = name
            loaded = loader(Path(path), name)
            receipt = Receipt(loaded.source, REJECTED, loaded)
            receipts.append(receipt)
            to_check.append(receipt)
        if on_file is not None:
            on_file(done, len(paths))
    checked = check_returns([r.loaded for r in to_check])
    for receipt, loaded in zip(to_check, checked):
        match_register(loaded, registers)
        receipt.loaded = loaded
        receipt.status, receipt.note = _status(loaded)
    return receipts


def _status(loaded: LoadedReturn) -> tuple[str, str | None]:
    if loaded.rejected:
        return REJECTED, loaded.reason
    if loaded.findings:
        return WITH_FINDINGS, None
    return ACCEPTED, None


def match_register(loaded: LoadedReturn, registers: dict[str, Register]) -> None:
    """Give the return its organisation's name as the register spells it, or reject it when
    its layout has a register and the organisation is not on it."""
    if loaded.rejected or loaded.layout not in registers:
        return
    layout = LAYOUTS[loaded.layout]
    register = registers[loaded.layout]
    code = loaded.value(layout.code_key) if layout.code_key else None
    entry = register.find(loaded.organisation, code)
    if entry is None and loaded.stamp and loaded.stamp.organisation:
        entry = register.find(loaded.stamp.organisation)
    if entry is None:
        loaded.reject(
            "not-on-register",
            f'"{loaded.organisation}" is not on the {layout.title} register '
            f"({register.path.name}): check the {layout.key_field.title} against the register, "
            f"or add the organisation to it.",
        )
        return
    if (
        loaded.stamp
        and loaded.stamp.organisation
        and loaded.stamp.organisation != (entry.organisation)
    ):
        stamped = register.find(loaded.stamp.organisation)
        if stamped is not None and stamped is not entry:
            loaded.findings.append(
                Finding(
                    Severity.WARNING,
                    "wrong-organisation",
                    f"This template was made for {loaded.stamp.organisation} but the plan says "
                    f"{entry.organisation}: it has been read as {entry.organisation}'s.",
                    file=loaded.source.name,
                    sheet=loaded.sheet,
                )
            )
    loaded.organisation = entry.organisation
