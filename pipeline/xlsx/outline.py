"""What comes before and after a worksheet's cells, read from its bytes: the namespace its
relationships are named in, its legacy drawing, its columns' styles and its stated extent.
What comes before the cells is the same for every copy of a template, so what was read there
is remembered by those bytes: reading it took a third of finding a copy's cells to mark."""

from __future__ import annotations

import functools
import re

from .names import DOC_REL, MAIN

ROOT = re.compile(rb"<worksheet\b([^>]*)>")
_LEGACY = re.compile(rb"<legacyDrawing\b([^>]*)>")
_COL = re.compile(rb"<col\b([^>]*)>")
_DIMENSION = re.compile(rb"""(<dimension\b[^>]*\bref=["'])([^"']*)(["'])""")
_ATTRIBUTE = re.compile(rb"""\s([\w:]+)=["']([^"']*)["']""")

Outline = tuple[
    bytes | None,  # the prefix the root gives the relationships namespace
    str | None,  # the id its legacy drawing has, if it has one
    tuple[tuple[int, int, bytes | None], ...],  # each <col>: first, last, style
    tuple[int, int, bytes] | None,  # where the extent's reference is, and what it says
]


def outline(head: bytes, tail: bytes) -> Outline | None:
    """The outline of a sheet whose bytes are ``head`` (up to its ``<sheetData>``), its cells,
    then ``tail`` (from its ``</sheetData>``); None where it is not written the usual way (its
    cells in the main namespace, the default; at most one legacy drawing, its id in a namespace
    declared)."""
    found = _head(head)
    if found is None:
        return None
    prefix, declared, columns, dimension = found
    drawings = _LEGACY.findall(tail)
    if b"AlternateContent" in tail or len(drawings) > 1 or tail.count(b"<legacyDrawing") > 1:
        return None
    legacy = None
    if drawings:  # its id, the attribute in the relationships' namespace declared here
        declared = {**declared, **dict(_namespaces(drawings[0]))}
        named = dict(_ATTRIBUTE.findall(b" " + drawings[0]))
        ids = [v for p, u in declared.items() if u == DOC_REL.encode() and p
               for k, v in named.items() if k == p + b":id"]  # fmt: skip
        if len(ids) != 1:
            return None
        legacy = ids[0].decode()
    return prefix, legacy, columns, dimension


@functools.lru_cache(maxsize=64)  # (what follows the cells differs from copy to copy: not this)
def _head(head: bytes) -> tuple | None:
    """What ``outline`` reads before the cells: the relationships' prefix, the namespaces the
    root declares, the columns and the extent (None: the cells are not in the main namespace,
    the default)."""
    root = ROOT.search(head, 0, 4096)
    if root is None:
        return None
    declared = dict(_namespaces(root.group(1)))
    if declared.get(b"") != MAIN.encode():
        return None
    prefix = next((p for p, uri in declared.items() if uri == DOC_REL.encode() and p), None)
    columns = []
    for col in _COL.finditer(head, root.end()):
        attributes = dict(_ATTRIBUTE.findall(col.group(1)))
        columns.append((int(attributes.get(b"min", b"0")), int(attributes.get(b"max", b"0")),
                        attributes.get(b"style")))  # fmt: skip
    found = _DIMENSION.search(head, root.end())
    dimension = (found.start(2), found.end(2), found.group(2)) if found else None
    return prefix, declared, tuple(columns), dimension


def _namespaces(attributes: bytes) -> list[tuple[bytes, bytes]]:
    """(prefix, namespace) of each declaration among ``attributes`` ("" the default)."""
    return [(name.partition(b":")[2] if b":" in name else b"", value)
            for name, value in _ATTRIBUTE.findall(b" " + attributes)
            if name == b"xmlns" or name.startswith(b"xmlns:")]  # fmt: skip
