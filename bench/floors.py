"""What a run is compared with, each run as its own process by ``bench/run.py``:

- ``baseline``: what a competent analyst would script without us: ``pandas.read_excel`` with
  openpyxl per file, ``pd.concat``, and ``DataFrame.to_excel`` with openpyxl (no validation,
  no flags);
- ``read``: the read floor: open every file's zip and parse its sheet XML, with no typing;
- ``write``: the write floor: xlsxwriter writing N cells to one sheet, with no logic.

Usage: python -m bench.floors {baseline,read,write} ARG...
"""

from __future__ import annotations

import sys
import time
import zipfile
from pathlib import Path
from xml.parsers import expat


def baseline(inbox: Path, out: Path) -> None:
    """Read every return with pandas and openpyxl, stack them, write them back out."""
    import pandas as pd

    frames = []
    for path in sorted(Path(inbox).glob("*.xlsx")):
        frame = pd.read_excel(path, sheet_name="Action Plan", engine="openpyxl", header=None)
        frame["file"] = path.name
        frames.append(frame)
    combined = pd.concat(frames, ignore_index=True)
    combined.columns = [str(c) for c in combined.columns]
    combined.to_excel(out, engine="openpyxl", index=False)


def read_floor(inbox: Path) -> int:
    """Open each file's zip and run every worksheet and the shared strings through expat."""
    elements = 0

    def start(name, attrs):
        nonlocal elements
        elements += 1

    for path in sorted(Path(inbox).glob("*.xlsx")):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml":
                    parser = expat.ParserCreate()
                    parser.StartElementHandler = start
                    parser.Parse(archive.read(name), True)
    return elements


def write_floor(cells: int, out: Path, columns: int = 20) -> None:
    """Write ``cells`` cells (a mix of text and numbers) to one sheet with xlsxwriter."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    sheet = book.add_worksheet()
    rows = cells // columns
    for r in range(rows):
        for c in range(columns):
            if c % 2:
                sheet.write_number(r, c, r + c)
            else:
                sheet.write_string(r, c, f"text {r}")
    book.close()


if __name__ == "__main__":
    started = time.perf_counter()
    what = sys.argv[1]
    if what == "baseline":
        baseline(Path(sys.argv[2]), Path(sys.argv[3]))
    elif what == "read":
        read_floor(Path(sys.argv[2]))
    elif what == "write":
        write_floor(int(sys.argv[2]), Path(sys.argv[3]))
    print(f"{time.perf_counter() - started:.4f}")
