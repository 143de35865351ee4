"""Running the pipeline in a process of its own and measuring what it took."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

_RUN_AND_MEASURE = (
    "import resource, sys\n"
    "from datetime import date\n"
    "from pathlib import Path\n"
    "from pipeline.run import run\n"
    "run(Path(sys.argv[1]), Path(sys.argv[2]), as_of=date(2026, 11, 20))\n"
    # VmHWM, not ru_maxrss: that is inherited from the (large) test process that started it
    "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
    "own = int(hwm[0].split()[1]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "print(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def peak_kib(inbox: Path, out: Path) -> tuple[int, int]:
    """Run the pipeline on ``inbox`` in a new process; (its own peak memory, the largest of
    its worker processes' peaks), in KiB."""
    done = subprocess.run(
        [sys.executable, "-c", _RUN_AND_MEASURE, str(inbox), str(out)],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    own, workers = done.stdout.split()[-2:]
    return int(own), int(workers)
