"""The data dictionary of ``pipeline export``'s tables, made from their declaration
(``columns``) and the writers' forms (``writing.FORMS``), as it stands in the README between
two markers. A test checks the README's is this one; after changing a table or a layout,
write it again with ``python -m pipeline.export.dictionary README.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..declare import LAYOUTS
from .columns import TYPES, tables
from .writing import FORMS

BEGIN = "<!-- data dictionary: made by `python -m pipeline.export.dictionary README.md` -->"
END = "<!-- end of the data dictionary -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def dictionary() -> str:
    """The data dictionary as Markdown: the types, then each table's columns."""
    lines = [BEGIN, "", "| type | in CSV | in Parquet |", "| --- | --- | --- |"]
    lines += [f"| {t} | {_cell(FORMS[t][0])} | {FORMS[t][1]} |" for t in TYPES]
    every = tuple(LAYOUTS)
    for table in tables():
        lines += ["", f"**{table.name}** (`{table.name}.csv`, `{table.name}.parquet`): one row "
                  f"for {table.one_row}.", "", "| column | type | layouts | what it holds |",
                  "| --- | --- | --- | --- |"]  # fmt: skip
        lines += [f"| `{c.name}` | {c.type} | "
                  f"{'all' if c.layouts in ((), every) else ', '.join(c.layouts)} | "
                  f"{_cell(c.means)} |" for c in table.columns]  # fmt: skip
    return "\n".join([*lines, "", END])


def in_readme(text: str) -> str | None:
    """The data dictionary as the README ``text`` has it (None when it has none)."""
    start, end = text.find(BEGIN), text.find(END)
    return text[start : end + len(END)] if start >= 0 and end > start else None


def main(readme: str) -> None:
    """Write the data dictionary into the README at ``readme``, in place of the one there."""
    path = Path(readme)
    text = path.read_text(encoding="utf-8")
    old = in_readme(text)
    if old is None:
        sys.exit(f"{path} has no data dictionary between {BEGIN} and {END}: add the two lines.")
    path.write_text(text.replace(old, dictionary()), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:2] or ["README.md"])
