"""A part's XML edited, or read, the same way as in an earlier copy of the same template: its
bytes after the edit, or what was read, remembered, so the next copy neither parses nor writes
it again.

An edit here is a function of the part's XML and of the arguments it is given (a time, say)
and of nothing else: the same bytes edited by the same function with the same arguments come
out the same.
A part already parsed (edited by other code before) is edited in its tree, as ever."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

# (the part's name, its bytes before, the edit, its arguments) -> its bytes after
_DONE: OrderedDict[tuple[str, bytes, Callable, tuple[Hashable, ...]], bytes] = OrderedDict()
_KEPT = 256  # edits remembered (each of a part of a kilobyte or so)
# (the part's name, its bytes, the reading) -> what it read (a tuple, say: shared, not changed)
_READ: OrderedDict[tuple[str, bytes, Callable], Any] = OrderedDict()
_LOCK = threading.Lock()  # (copies may be written by threads of one process)


def edit_part(package: Any, part: str, edit: Callable[..., None], *args: Hashable) -> None:
    """Apply ``edit(root, *args)`` (a function of the part's XML root and of ``args`` alone) to
    ``part`` of ``package`` (a ``Package``), or put the bytes it gave the same part before."""
    if package.parsed(part):
        edit(package.xml(part), *args)
        return
    try:
        step = (part, package.raw(part), edit, args)
    except KeyError:  # (missing: refused by parsing it, as ever)
        edit(package.xml(part), *args)
        return
    with _LOCK:
        after = _DONE.get(step)
        if after is not None:
            _DONE.move_to_end(step)
    if after is not None:
        package.put(part, after)
        return
    edit(package.xml(part), *args)  # (refuses a part that is not XML, as ever)
    after = package.raw(part)
    with _LOCK:
        _DONE[step] = after
        if len(_DONE) > _KEPT:
            _DONE.popitem(last=False)


def read_part(package: Any, part: str, reader: Callable[[Any], Hashable]) -> Any:
    """``reader(root)`` (a function of the part's XML root alone, giving what no one changes)
    of ``part`` of ``package``, without keeping the part parsed (a part only read is saved as
    it was): what it gave the same bytes before, where it did."""
    if package.parsed(part):
        return reader(package.xml(part))
    try:
        step = (part, package.raw(part), reader)
    except KeyError:  # (missing: refused by parsing it, as ever)
        return reader(package.parse(part))
    with _LOCK:
        if step in _READ:
            _READ.move_to_end(step)
            return _READ[step]
    found = reader(package.parse(part))  # (refuses a part that is not XML, as ever)
    with _LOCK:
        _READ[step] = found
        if len(_READ) > _KEPT:
            _READ.popitem(last=False)
    return found
