"""``make bench``: time the real CLI on synthetic rounds S, M and L, beside a baseline script
and the floors (reading the sheets' XML; zipping the workbook the run wrote; xlsxwriter
writing as many cells), each as its own process, and print one table.

Wall seconds are the median of several runs (BENCH_REPEAT, default 3; BENCH_BASELINE_REPEAT
for the baseline, which takes minutes at L); peak memory is the largest single process's
(the tree's sum is kept too). Results also go to outbox/bench/latest.json. Choose corpora
with BENCH_CORPORA (default S,S+feedback,M,L). Each corpus is also run on the plain writer
(xlsxwriter's public API only: ``PIPELINE_WRITER=plain``), by default for S and M only (L
takes minutes that way): choose with BENCH_PLAIN=S,M,L, or BENCH_PLAIN= for none. And each
is run with its processes spawned, as on Windows and macOS (``PIPELINE_START_METHOD=spawn``),
by default for S only: choose with BENCH_SPAWN=S,M,L, or BENCH_SPAWN= for none. The corpus
S+feedback is S with something to tell every partner (so every file gets a marked-up feedback
copy): it measures what writing feedback costs, and it is the round where every file has a
finding that the baseline script is compared with.
"""

from __future__ import annotations

import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import AS_OF, CORPORA, build  # noqa: E402

OUT = ROOT / "outbox" / "bench"
WRITER = "PIPELINE_WRITER"  # (report.engine.ENVIRONMENT: "fast" or "plain")
START = "PIPELINE_START_METHOD"  # (children.ENVIRONMENT: "spawn" as on Windows and macOS)
PIPELINE = [sys.executable, "-m", "pipeline"]
TARGETS = {  # (what is measured against 4c0be98 is bench/paired.py's: make bench-paired)
    "S seconds": 1.5,
    "feedback ms per file": 8.0,  # the feedback stage's processor time (all its workers'), a copy
    "L feedback ms per file": 8.0,
    "help seconds": 0.3,
    "L seconds": 40.0,
    "L largest process MB": 400,
    "L speed-up over baseline": 2.0,
    "findings round speed-up over baseline": 2.5,  # S+feedback: every file has a finding
    "read stage / read floor": 1.5,
    "write stage / zip floor": 1.5,
    "per-row cost growth": 1.5,
}


def measure(command: list[str], repeat: int, fresh: Path | None = None,
            timings: Path | None = None, env: dict | None = None,
            root: Path = ROOT) -> dict:  # fmt: skip
    """Run ``command`` ``repeat`` times (with ``env`` added to the environment, in ``root``);
    median wall and processor seconds (the whole tree's), peak RSS in MB (of the whole tree,
    and of its largest process), and the stage times (``--timings``) of the median run."""
    walls, cpus, peak, largest, stages = [], [], 0, 0, []
    for _ in range(repeat):
        if fresh is not None:
            shutil.rmtree(fresh, ignore_errors=True)
        used = _children_cpu()
        started = time.perf_counter()
        process = psutil.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               cwd=root, env={**os.environ, **(env or {}),
                                              "PYTHONPATH": str(root)})  # fmt: skip
        while process.poll() is None:
            try:
                sizes = [p.memory_info().rss for p in [process, *process.children(True)]]
                peak, largest = max(peak, sum(sizes)), max(largest, *sizes)
            except psutil.Error:
                pass
            time.sleep(0.02)
        walls.append(time.perf_counter() - started)
        out, err = process.communicate()
        cpus.append(_children_cpu() - used)
        if process.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{err.decode()[-2000:]}")
        if timings is not None:
            stages.append(json.loads(timings.read_text()))
    median = sorted(range(len(walls)), key=walls.__getitem__)[len(walls) // 2]
    return {"seconds": round(statistics.median(walls), 3), "runs": [round(w, 3) for w in walls],
            "cpu_seconds": round(statistics.median(cpus), 3), "peak_mb": round(peak / 2**20),
            "largest_mb": round(largest / 2**20), "stdout": out.decode(),
            "stages": stages[median] if stages else None}  # fmt: skip


def _children_cpu() -> float:
    """Processor seconds of this process's finished children (and theirs)."""
    used = os.times()
    return used.children_user + used.children_system


def bench_corpus(name: str, work: Path, repeat: int, plain: bool, spawn: bool) -> dict:
    corpus = CORPORA[name]
    folder = build(corpus, OUT / "corpora")
    inbox = folder / "inbox"
    result = {"corpus": name, "files": corpus.files, "rows": corpus.rows}
    outbox, timings = work / f"{name}-out", work / f"{name}-timings.json"
    command = [*PIPELINE, "run", "--inbox", str(inbox), "--outbox", str(outbox), "--register",
               str(folder / "p44.csv"), "--register", str(folder / "three_year.csv"), "--as-of",
               AS_OF.isoformat(), "--timings", str(timings)]  # fmt: skip
    ours = measure(command, repeat, fresh=outbox, timings=timings, env={WRITER: "fast"})
    stages = ours["stages"]
    result["pipeline"] = {k: v for k, v in ours.items() if k != "stdout"}
    if plain:
        slow = measure(command, repeat, fresh=outbox, timings=timings, env={WRITER: "plain"})
        result["plain writer"] = {k: v for k, v in slow.items() if k != "stdout"}
    if spawn:
        spawned = measure(command, repeat, fresh=outbox, timings=timings,
                          env={WRITER: "fast", START: "spawn"})  # fmt: skip
        result["spawned"] = {k: v for k, v in spawned.items() if k != "stdout"}
    cells = stages["counts"]["cells"]
    floor = [sys.executable, "-m", "bench.floors"]
    # the baseline takes minutes at L: BENCH_BASELINE_REPEAT=1 for a quicker look
    base_repeat = max(1, int(os.environ.get("BENCH_BASELINE_REPEAT", repeat)))
    result["baseline"] = _strip(
        measure([*floor, "baseline", str(inbox), str(work / f"{name}-baseline.xlsx")], base_repeat)
    )
    if corpus.findings:  # (the same files as a corpus without: its floors too)
        return result
    workbook = next(outbox.glob("consolidated-*.xlsx"))
    result["zip floor"] = _strip(
        measure([*floor, "zip", str(workbook), str(work / f"{name}-zipped.xlsx")], repeat),
        inner=True,
    )
    result["read floor"] = _strip(measure([*floor, "read", str(inbox)], repeat), inner=True)
    result["write floor"] = _strip(
        measure([*floor, "write", str(cells), str(work / f"{name}-floor.xlsx")], repeat),
        inner=True,
    )
    return result


def _strip(measured: dict, inner: bool = False) -> dict:
    """Keep the timings; for the floors, the time spent inside the work (no start-up)."""
    kept = {k: v for k, v in measured.items() if k not in ("stdout", "stages")}
    if inner:
        wall, cpu = measured["stdout"].split()[-2:]
        kept["work_seconds"], kept["work_cpu_seconds"] = float(wall), float(cpu)
    return kept


def main() -> None:
    repeat = int(os.environ.get("BENCH_REPEAT", 3))
    chosen = os.environ.get("BENCH_CORPORA", "S,S+feedback,M,L")
    names = [n.strip() for n in chosen.split(",") if n.strip()]
    plain = {n.strip() for n in os.environ.get("BENCH_PLAIN", "S,M").split(",")}
    spawn = {n.strip() for n in os.environ.get("BENCH_SPAWN", "S").split(",")}
    OUT.mkdir(parents=True, exist_ok=True)
    # Measured as installed: pip byte-compiles what it installs, but this editable install is
    # compiled here (PYTHONDONTWRITEBYTECODE may be set, and every start would compile it).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "pipeline")], check=True)
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        help_time = measure([*PIPELINE, "--help"], max(repeat, 5))
        results = [bench_corpus(name, work, repeat, name in plain, name in spawn)
                   for name in names]  # fmt: skip
    report = {"as_of": AS_OF.isoformat(), "cores": os.cpu_count(), "repeat": repeat,
              "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores,"
                         f" load {os.getloadavg()[0]:.1f} at the end",
              "help_seconds": help_time["seconds"], "corpora": results}  # fmt: skip
    report["checks"] = checks(report)
    (OUT / "latest.json").write_text(json.dumps(report, indent=2))
    print(table(report))
    print(f"\nWritten to {OUT / 'latest.json'}")


def checks(report: dict) -> dict:
    """Each target, what was measured, and whether it was met."""
    by = {r["corpus"]: r for r in report["corpora"]}
    found = {"help seconds": report["help_seconds"]}
    if "S" in by:
        found["S seconds"] = by["S"]["pipeline"]["seconds"]
    for name, figure in (("S+feedback", "feedback ms per file"), ("L", "L feedback ms per file")):
        stages = by[name]["pipeline"]["stages"] if name in by else None
        if stages and stages["counts"].get("feedback copies"):
            work = stages["cpu"]["feedback"]
            found[figure] = round(work * 1000 / stages["counts"]["feedback copies"], 1)
    if "S+feedback" in by:
        findings = by["S+feedback"]
        found["findings round speed-up over baseline"] = round(
            findings["baseline"]["seconds"] / findings["pipeline"]["seconds"], 2
        )
    if "L" in by:
        found["L seconds"] = by["L"]["pipeline"]["seconds"]
        found["L largest process MB"] = by["L"]["pipeline"]["largest_mb"]
        found["L speed-up over baseline"] = round(
            by["L"]["baseline"]["seconds"] / by["L"]["pipeline"]["seconds"], 2
        )
    biggest = by.get("L") or by.get("M") or by.get("S")
    if biggest:
        stages = biggest["pipeline"]["stages"]["seconds"]
        found["read stage / read floor"] = round(
            stages["load"] / biggest["read floor"]["work_seconds"], 2
        )
        found["write stage / zip floor"] = round(
            stages["write"] / biggest["zip floor"]["work_seconds"], 2
        )
    per_row = [by[n]["pipeline"]["seconds"] / by[n]["rows"] for n in ("S", "M", "L") if n in by]
    if len(per_row) >= 2:
        growth = [later / earlier for earlier, later in itertools.pairwise(per_row)]
        found["per-row cost growth"] = round(max(growth), 2)
    out = {}
    for name, value in found.items():
        target = TARGETS[name]
        higher_is_better = "speed-up" in name
        met = value >= target if higher_is_better else value <= target
        out[name] = {"measured": value, "target": target, "met": met}
    return out


def table(report: dict) -> str:
    lines = [f"{'corpus':<11}{'files':>6}{'rows':>9}  {'what':<14}{'wall s':>8}{'peak MB':>9}"
             f"  ratio"]  # fmt: skip
    by = {r["corpus"]: r for r in report["corpora"]}
    for r in report["corpora"]:
        ours = r["pipeline"]["seconds"]
        for what in ("pipeline", "spawned", "plain writer", "baseline", "read floor",
                     "zip floor", "write floor"):  # fmt: skip
            m = r.get(what)
            if m is None:
                continue
            if what == "pipeline":
                ratio = f"stages {_stages(m['stages']['seconds'])}"
                plain_round = by.get(r["corpus"].removesuffix("+feedback"))
                if r["corpus"].endswith("+feedback") and plain_round:
                    more = ours - plain_round["pipeline"]["seconds"]
                    ratio = f"{more:+.2f}s with feedback for every file; {ratio}"
            elif what == "spawned":
                ratio = (f"+{m['seconds'] - ours:.2f}s for spawning (as on Windows, macOS); "
                         f"stages {_stages(m['stages']['seconds'])}")  # fmt: skip
            elif what == "plain writer":
                write = m["stages"]["seconds"]["write"], r["pipeline"]["stages"]["seconds"]["write"]
                ratio = (f"pipeline is {m['seconds'] / ours:.1f}x faster; write stage "
                         f"{write[0]:.2f}s (pipeline's {write[1]:.2f}s)")  # fmt: skip
            elif what == "baseline":
                ratio = f"pipeline is {m['seconds'] / ours:.1f}x faster"
            else:
                stage = "load" if what == "read floor" else "write"
                if what == "write floor":  # (xlsxwriter writing as many cells, no logic)
                    ratio = f"work {m['work_seconds']:.2f}s: xlsxwriter writing as many cells"
                else:
                    ratio = (
                        f"work {m['work_seconds']:.2f}s; our {stage} stage "
                        f"{r['pipeline']['stages']['seconds'][stage] / m['work_seconds']:.2f}x"
                    )
            lines.append(f"{r['corpus']:<11}{r['files']:>6}{r['rows']:>9}  {what:<14}"
                         f"{m['seconds']:>8.2f}{m['largest_mb']:>9}  {ratio}")  # fmt: skip
    lines.append(f"\npipeline --help: {report['help_seconds']:.2f}s")
    lines.append("\ntarget                          measured   target  met")
    for name, c in report["checks"].items():
        lines.append(f"{name:<32}{c['measured']:>9}{c['target']:>9}  {'yes' if c['met'] else 'NO'}")
    return "\n".join(lines)


def _stages(seconds: dict) -> str:
    return " ".join(f"{k} {v:.2f}" for k, v in seconds.items())


if __name__ == "__main__":
    main()
