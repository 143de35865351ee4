"""What a run is compared with, each run as its own process by ``bench/run.py``:

- ``baseline``: what a competent analyst would script without us: ``pandas.read_excel`` with
  openpyxl per file, ``pd.concat``, and ``DataFrame.to_excel`` with openpyxl (no validation,
  no flags);
- ``read``: the read floor: open every file's zip and parse its sheet XML, with no typing;
- ``write``: xlsxwriter writing N cells to one sheet, with no logic;
- ``zip``: the zip floor: the parts of a workbook the run wrote, zipped again as the run zips
  them (deflate, level 1), from memory: what writing that workbook cannot go below.

Each prints, last, the wall and processor seconds its work took (after imports; the zip floor
after reading the workbook too).

Usage: python -m bench.floors {baseline,read,write,zip} ARG...
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


def zip_floor(workbook: Path, out: Path) -> tuple[float, float]:
    """Zip the parts of ``workbook`` again at the run's level; the (wall, processor) seconds
    that took."""
    with zipfile.ZipFile(workbook) as archive:
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    started, cpu = time.perf_counter(), time.process_time()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as archive:
        for name, data in parts:
            archive.writestr(name, data)
    return time.perf_counter() - started, time.process_time() - cpu


ZIP_LEVEL = 1  # as the pipeline's fast writer zips (report.deflated.ZIP_LEVEL)

if __name__ == "__main__":
    started, cpu = time.perf_counter(), time.process_time()
    what = sys.argv[1]
    if what == "zip":
        print("{:.4f} {:.4f}".format(*zip_floor(Path(sys.argv[2]), Path(sys.argv[3]))))
        raise SystemExit
    if what == "baseline":
        baseline(Path(sys.argv[2]), Path(sys.argv[3]))
    elif what == "read":
        read_floor(Path(sys.argv[2]))
    elif what == "write":
        write_floor(int(sys.argv[2]), Path(sys.argv[3]))
    print(f"{time.perf_counter() - started:.4f} {time.process_time() - cpu:.4f}")
