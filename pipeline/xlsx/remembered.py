"""A part's XML edited the same way as in an earlier copy of the same template: its bytes
after the edit remembered, so the next copy neither parses nor writes it again.

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
_LOCK = threading.Lock()  # (copies may be written by threads of one process)


def edit_part(package: Any, part: str, edit: Callable[..., None], *args: Hashable) -> None:
    """Apply ``edit(root, *args)`` (a function of the part's XML root and of ``args`` alone) to
    ``part`` of ``package`` (a ``Package``), or put the bytes it gave the same part before."""
    if package.parsed(part):
        edit(package.xml(part), *args)
        return
    step = (part, package.raw(part), edit, args)
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
