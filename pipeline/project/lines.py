"""Where a setting is written in a project file, so that a mistake names its line.

``tomllib`` says where the file's syntax breaks, but not on which line a key it read was
written: that is found in the text, table header then key, as a person would look for it.
"""

from __future__ import annotations

import re

_TABLE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
_KEY = re.compile(r"""^\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*[=.]""")
_AT = re.compile(r"\(at line (\d+), column (\d+)\)$")


def line_of(text: str, table: tuple[str, ...], key: str | None = None) -> int | None:
    """The line (from 1) where ``key`` is set in the table ``table`` (``()``: the top of the
    file), or the table's own header when ``key`` is None or not found there; None when not
    even the table is found (a setting written some rarer way TOML allows, such as an inline
    table)."""
    current: tuple[str, ...] = ()
    header = None
    for number, line in enumerate(text.splitlines(), start=1):
        if found := _TABLE.match(line):
            current = tuple(part.strip().strip("\"'") for part in found[1].split("."))
            if current == table and header is None:
                header = number
            continue
        found = _KEY.match(line) if key is not None and current == table else None
        if found and key in found.groups():
            return number
    return header


def syntax_error(text: str, said: str) -> tuple[int, str]:
    """The line of a ``tomllib`` syntax error and its words without the place: ``said`` ends
    "(at line 3, column 6)", or "(at end of document)" for the last line."""
    if found := _AT.search(said):
        words = said[: found.start()].strip()
        return int(found[1]), f"{words[:1].lower()}{words[1:]}, at column {found[2]}"
    words = said.replace("(at end of document)", "").strip()
    return max(1, len(text.splitlines())), f"{words[:1].lower()}{words[1:]}, at the end"
