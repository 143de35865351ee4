"""A small round is checked in a process of its own, which imports pandas and pandera while the
run reads its files: the run finds the same, and its own process never imports pandas."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from builders import action, p44_return, task, three_year_return

from pipeline.checker import Checker
from pipeline.checking import check_returns
from pipeline.reading.loader import load_plain
from pipeline.returns import as_frame, records


def _faulty_round(inbox: Path) -> list[Path]:
    return [
        p44_return(inbox, "Leeds", email="jane at leeds",
                   rows=[action("A01", start_date="31/02/2026"), action("A02", status="Paused"),
                         action("A03", estimated_impact=-5)]),
        p44_return(inbox, "Bradford", risks=None, rows=[action("B01")]),
        three_year_return(inbox, "Housing", rows=[task("HSG-01", q7="Stalled")]),
    ]  # fmt: skip


def _as_seen(checked) -> list:
    return [(r.source.name, r.header, records(r.rows), r.findings) for r in checked]


def test_a_small_round_checked_apart_finds_what_the_runs_own_check_finds_cell_for_cell(inbox):
    paths = _faulty_round(inbox)
    here = check_returns([as_frame(load_plain(p)) for p in paths])
    apart = Checker().check([load_plain(p) for p in paths])
    assert _as_seen(apart) == _as_seen(here)
    assert sum(len(r.findings) for r in apart) >= 6
    # the value that failed is blanked in the rows handed back, as in the run's own check
    assert [row["status"] for row in records(apart[0].rows)] == ["Ongoing", None, "Ongoing"]


def test_a_checker_killed_before_the_round_reaches_it_leaves_the_checks_to_the_run(inbox):
    paths = _faulty_round(inbox)
    checker = Checker()
    checker._child._process.kill()
    checker._child._process.join(timeout=10)
    checked = checker.check([load_plain(p) for p in paths])
    assert _as_seen(checked) == _as_seen(check_returns([as_frame(load_plain(p)) for p in paths]))


_RUN = """
import sys
from datetime import date
from pathlib import Path
import pipeline.checker
from pipeline.run import run

inbox, registers = Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]
small = run(inbox, inbox.parent / "small", registers, date(2026, 11, 20))
print("small", "pandas" in sys.modules, len(small.consolidation.receipts))
(inbox / "Bradford return.xlsx").unlink()  # (read by the first run: the store has it)
again = run(inbox, inbox.parent / "small", registers, date(2026, 11, 20))
print("again", "pandas" in sys.modules, len(again.consolidation.receipts))
pipeline.checker.MOST_FILES = 1  # as if the round were large
large = run(inbox, inbox.parent / "large", registers, date(2026, 11, 20))
print("large", "pandas" in sys.modules, len(large.consolidation.receipts))
"""


def test_a_small_rounds_runs_never_import_pandas_and_a_large_ones_checks_in_its_own_process(
    inbox, registers
):
    _faulty_round(inbox)
    said = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_RUN), str(inbox),
         str(registers["p44"]), str(registers["three_year"])],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert said.returncode == 0, said.stderr
    assert said.stdout.split("\n")[:3] == ["small False 3", "again False 3", "large True 2"]
