"""A round's templates, as ``pipeline templates`` writes them: one per organisation on each
register, pre-filled from its latest return in the store, and how many could be.

A partner whose template holds everything they told us last time only changes what changed,
so a round whose templates could not be pre-filled (no store yet, or a store that holds no
return from anyone on the register) is said, not passed over.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..declare import Layout, get_layout
from ..errors import UsageError
from ..inbox.registers import organisation_key, read_registers
from .writer import make_templates


@dataclass(frozen=True)
class TemplatesWritten:
    """One layout's templates: the files, how many organisations the register names, how
    many of them were pre-filled from a return, and the store looked in (None: no store was
    found, and ``store_exists`` is False)."""

    layout: Layout
    paths: list[Path]
    organisations: int  # 0: one blank template, with no register
    prefilled: int
    store: Path | None
    store_exists: bool

    @property
    def none_prefilled(self) -> str | None:
        """Why none of the register's organisations could be pre-filled from a return, as a
        sentence (None when some were, or when there is no register)."""
        if not self.organisations or self.prefilled:
            return None
        many = f"none of the {self.organisations} {self.layout.short_title} template(s)"
        if self.store is None:
            return (f"{many} could be pre-filled from a return: no store was given (give "
                    f"--store, or run inside a project folder).")  # fmt: skip
        if not self.store_exists:
            return (f"{many} could be pre-filled from a return: the store {self.store} does "
                    f"not exist yet (`pipeline run` makes it from a round's returns).")  # fmt: skip
        return (f"{many} could be pre-filled from a return: {self.store} holds none from "
                f"anyone on the register (a first round, or a register whose names differ "
                f"from the returns').")  # fmt: skip


def write_round_templates(
    out: Path,
    registers: Iterable[Path | tuple[str, Path]] = (),
    layout: str | None = None,
    store: Path | None = None,
    as_of: date | None = None,
    links: Callable[[str, str, date], str] | None = None,
) -> list[TemplatesWritten]:
    """Write the templates for everyone on ``registers`` (each a path, or a layout name and a
    path) into ``out``, pre-filled from each organisation's latest return in ``store`` (by
    default ``outbox/pipeline.sqlite`` in this folder, where there is one).

    ``layout`` reads an unnamed register as that layout and leaves out the others' registers;
    with no register it writes one blank template of ``layout``. ``as_of`` is the day of the
    round the templates are for (default today; a blank template has none). ``links(layout,
    organisation, day)``: each organisation's upload link, named on its Guidance."""
    store = store if store is not None else _default_store()
    given = list(registers)
    if not given:
        if layout is None:
            raise UsageError("Say which templates: give --register (one per layout), or "
                             "--layout for a blank template.")  # fmt: skip
        chosen = get_layout(layout)
        return [TemplatesWritten(chosen, make_templates(chosen, out, None, {}, as_of), 0, 0,
                                 store, store is not None and Path(store).exists())]  # fmt: skip
    if layout is not None:
        get_layout(layout)  # an unknown one is said first
        given = [g if isinstance(g, tuple) else (layout, g) for g in given]
        given = [g for g in given if g[0] == layout]
        if not given:
            raise UsageError(f"No {layout} register was given: add --register {layout}=PATH.")
    exists = store is not None and Path(store).exists()
    written = []
    for name, register in read_registers(given).items():
        previous = _latest_returns(store, name) if exists else {}
        paths = make_templates(register.layout, out, register, previous, as_of or date.today(),
                               links)  # fmt: skip
        carried = sum(organisation_key(e.organisation) in previous for e in register.entries)
        written.append(TemplatesWritten(register.layout, paths, len(register.entries), carried,
                                        store, exists))  # fmt: skip
    return written


def _default_store() -> Path | None:
    from ..store import DEFAULT_STORE

    return DEFAULT_STORE if DEFAULT_STORE.exists() else None


def _latest_returns(store: Path, layout: str) -> dict:
    from ..store import Store

    with Store.open(store, write=False) as opened:
        return opened.latest_returns(layout)
