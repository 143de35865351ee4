"""Write the templates partners fill in, one per organisation on a register, each pre-filled
from the organisation's last return and its register values (the workbook itself is written
by ``workbook.write_template``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

from ..declare import Layout
from ..inbox.registers import Register, RegisterEntry, organisation_key
from ..naming import safe_stem
from ..returns import LoadedReturn
from ..round.contacts import completer_prefill
from .starting import carried_forward
from .workbook import write_template


def make_templates(
    layout: Layout,
    out_dir: Path,
    register: Register | None = None,
    previous: Mapping[str, LoadedReturn] | None = None,
    as_of: date | None = None,
    links: Callable[[str, str, date], str] | None = None,
) -> list[Path]:
    """Write one template per register entry into ``out_dir`` (a blank one with no register).

    ``previous`` (organisation key -> its latest return, from the store) pre-fills next
    round: the header as last returned and every action or task, so that a partner only
    changes what changed. Register values win for the fields the register owns. ``as_of``:
    the day of the round the templates are for (see ``write_template``); ``links(layout,
    organisation, day)``, where given, each organisation's upload link for that round (its
    Guidance names it). Returns the paths written.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if register is None:
        path = out_dir / f"{layout.name}-template.xlsx"
        write_template(path, layout, as_of=as_of)
        return [path]
    previous = previous or {}
    taken: set[str] = set()
    paths = []
    for entry in register.entries:
        last = previous.get(organisation_key(entry.organisation))
        path = out_dir / template_name(layout, entry.organisation, taken)
        link = links(layout.name, entry.organisation, as_of or date.today()) if links else None
        paths.append(write_prefilled(path, layout, entry, last, as_of, link))
    return paths


def template_name(layout: Layout, organisation: str, taken: set[str] | None = None) -> str:
    """The file name of an organisation's template: ``p44-Leeds.xlsx`` (made unique among
    ``taken``)."""
    return f"{layout.name}-{safe_stem(organisation, taken)}.xlsx"


def write_prefilled(
    path: Path,
    layout: Layout,
    entry: RegisterEntry,
    last: LoadedReturn | None = None,
    as_of: date | None = None,
    link: str | None = None,
) -> Path:
    """Write one register entry's template to ``path``, pre-filled from its ``last`` return
    (see ``carried_forward``) and its register values, which win for the fields the register
    owns; whoever completes it is one person, the last return's or the register's contact
    (``contacts.completer_prefill``)."""
    header, rows = carried_forward(layout, last) if last else ({}, [])
    header = {**header, **entry.prefill, **completer_prefill(layout, entry, last)}
    return write_template(path, layout, {k: v for k, v in header.items() if v is not None},
                          rows, entry.organisation, as_of, link)  # fmt: skip
