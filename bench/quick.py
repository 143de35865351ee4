"""``make bench-quick``: what a change costs, in a minute or so, before every stop that touches
``pipeline/``. Not a test, and not in CI: a shared machine is too noisy for a verdict there.

Rounds S, S+feedback and M each run the real ``pipeline run`` (median of BENCH_REPEAT, 3)
beside their floors, measured in the same call, so that each figure is a ratio to work the
machine did just now (a slower or busier machine slows both):

- ``run / floors``: the run's processor seconds (all its processes) over the read floor's and
  the zip floor's together;
- ``load / read floor``: the load stage's processor seconds over the read floor's;
- ``write / zip floor``: the write stage's processor seconds over the zip floor's (the run's own
  workbook zipped again);
- ``feedback per copy / read floor per file`` (S+feedback): the feedback stage's processor
  seconds per copy over the read floor's per file.

Each is compared with ``bench/reference.json`` and its change printed; the command exits 1 when
any is more than 15% worse. ``python bench/quick.py --update`` writes the reference anew from
this call (commit it deliberately, saying why, with the machine it was measured on).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import AS_OF, CORPORA, build  # noqa: E402
from bench.run import OUT, PIPELINE, measure  # noqa: E402

ROUNDS = ("S", "S+feedback", "M")
REFERENCE = ROOT / "bench" / "reference.json"
WORSE = 1.15  # a ratio more than 15% above its reference fails the call
FLOOR = [sys.executable, "-m", "bench.floors"]
FLOOR_RUNS = 7


def figures(name: str, work: Path, repeat: int) -> dict[str, float]:
    """Round ``name``'s ratios to its floors (see the module), and its wall seconds."""
    corpus = CORPORA[name]
    folder = build(corpus, OUT / "corpora")
    outbox, timings = work / f"{name}-out", work / f"{name}-timings.json"
    command = [*PIPELINE, "run", "--inbox", str(folder / "inbox"), "--outbox", str(outbox),
               "--register", str(folder / "p44.csv"), "--register",
               str(folder / "three_year.csv"), "--as-of", AS_OF.isoformat(),
               "--timings", str(timings), "--quiet"]  # fmt: skip
    ran = measure(command, repeat, fresh=outbox, timings=timings)
    cpu = ran["stages"]["cpu"]
    read = _floor(["read", str(folder / "inbox")], repeat)
    workbook = next(outbox.glob("consolidated-*.xlsx"))
    zipped = _floor(["zip", str(workbook), str(work / f"{name}-zipped.xlsx")], repeat)
    found = {
        f"{name} run / floors": ran["cpu_seconds"] / (read + zipped),
        f"{name} load / read floor": cpu["load"] / read,
        f"{name} write / zip floor": cpu["write"] / zipped,
    }
    if corpus.findings:
        copies = ran["stages"]["counts"].get("feedback copies") or 1
        found[f"{name} feedback per copy / read floor per file"] = (
            cpu["feedback"] / copies / (read / corpus.files)
        )
    return {k: round(v, 3) for k, v in found.items()} | {f"{name} wall s": ran["seconds"]}


def _floor(arguments: list[str], repeat: int) -> float:
    """A floor's processor seconds of work, the least of several runs (at least ``FLOOR_RUNS``:
    a small round's floors take hundredths of a second, which a busy machine easily doubles)."""
    runs = [measure([*FLOOR, *arguments], 1)["stdout"].split()[-1]
            for _ in range(max(repeat, FLOOR_RUNS))]  # fmt: skip
    return min(float(cpu) for cpu in runs)


def compare(found: dict[str, float], reference: dict[str, float]) -> tuple[str, bool]:
    """The table of figures against the reference, and whether every ratio is within
    ``WORSE`` of it (wall seconds are shown, never judged)."""
    lines = [f"{'figure':<52}{'now':>9}{'reference':>11}{'change':>9}"]
    worse = False
    for name, value in found.items():
        before = reference.get(name)
        change = f"{(value / before - 1) * 100:+.0f}%" if before else "new"
        judged = not name.endswith("wall s")
        flag = ""
        if judged and before and value > before * WORSE:
            flag, worse = "  WORSE", True
        lines.append(f"{name:<52}{value:>9.3f}{before or float('nan'):>11.3f}{change:>9}{flag}")
    return "\n".join(lines), not worse


def main() -> int:
    """Measure, print, and say whether every ratio held (0) or one got worse (1)."""
    update = "--update" in sys.argv[1:]
    repeat = int(os.environ.get("BENCH_REPEAT", 3))
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "pipeline")], check=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-quick-") as tmp:
        found: dict[str, float] = {}
        for name in ROUNDS:
            found |= figures(name, Path(tmp), repeat)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores"
    print(f"bench-quick: {time.perf_counter() - started:.0f} s on {machine}, load {load:.1f}")
    reference = json.loads(REFERENCE.read_text())["figures"] if REFERENCE.exists() else {}
    text, held = compare(found, reference)
    print(text)
    if update:
        REFERENCE.write_text(json.dumps({"machine": machine, "load": round(load, 1),
                                         "figures": found}, indent=2) + "\n")  # fmt: skip
        print(f"Reference written to {REFERENCE.relative_to(ROOT)}: commit it, saying why.")
        return 0
    if not held:
        print(f"A ratio is more than {WORSE - 1:.0%} worse than bench/reference.json.")
    return 0 if held else 1


if __name__ == "__main__":
    raise SystemExit(main())
