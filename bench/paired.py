"""``make bench-paired BASE=DIR``: this checkout against another (an older commit in its own
worktree, with its own ``.venv``), run in turn on the same corpora, and the targets of issue
30 judged from the ratios: a ratio holds across machines where absolute times do not.

Each corpus (BENCH_CORPORA, default S,S+feedback,L) runs BENCH_REPEAT times (default 3) on
each side, alternating (base, ours, base, ours...), so both meet the same weather on a shared
machine; each figure is the median, each ratio the median of the pairs' ratios. Peak memory
is the largest single process's. Beside them, in the same call: the read floor, the zip floor
(our workbook zipped again) and the plain pandas + openpyxl script on the round where every
file has a finding (S+feedback).

Usage: python bench/paired.py BASE_DIR
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import AS_OF, CORPORA, build  # noqa: E402
from bench.run import OUT, measure  # noqa: E402

FLOOR = [sys.executable, "-m", "bench.floors"]
TARGETS = (  # (what, how it is judged, target)
    ("L: ours / base, wall", "at most", 0.6),
    ("L: peak MB of a process", "at most", 400),
    ("S: ours / base, wall", "at most", 0.75),
    ("S+feedback: ours / base's S, wall", "at most", 0.75),
    ("S+feedback: feedback ms of work a copy", "at most", 8.0),
    ("L: feedback ms of work a copy", "at most", 8.0),
    ("L: load / read floor", "at most", 1.5),
    ("L: write / zip floor", "at most", 1.5),
    ("S+feedback: baseline script / ours", "at least", 2.5),
)


def run_command(root: Path, corpus: Path, outbox: Path, timings: Path) -> list[str]:
    """``pipeline run`` of the checkout at ``root`` (with its own interpreter) on ``corpus``."""
    python = root / ".venv" / "bin" / "python"
    return [str(python if python.exists() else sys.executable), "-m", "pipeline", "run",
            "--inbox", str(corpus / "inbox"), "--outbox", str(outbox), "--register",
            str(corpus / "p44.csv"), "--register", str(corpus / "three_year.csv"),
            "--as-of", AS_OF.isoformat(), "--timings", str(timings)]  # fmt: skip


def paired(name: str, base: Path, work: Path, repeat: int) -> dict:
    """Round ``name`` run in turn by the base checkout and this one."""
    folder = build(CORPORA[name], OUT / "corpora")
    sides: dict[str, list[dict]] = {"base": [], "ours": []}
    for _ in range(repeat):
        for side, root in (("base", base), ("ours", ROOT)):
            outbox, timings = work / f"{name}-{side}", work / f"{name}-{side}.json"
            ran = measure(run_command(root, folder, outbox, timings), 1, fresh=outbox,
                          timings=timings, root=root)  # fmt: skip
            sides[side].append(ran)
    ratios = [o["seconds"] / b["seconds"] for b, o in zip(sides["base"], sides["ours"])]
    result = {"corpus": name, "files": CORPORA[name].files, "ratio": statistics.median(ratios)}
    for side, runs in sides.items():
        result[side] = {
            "seconds": statistics.median(r["seconds"] for r in runs),
            "cpu_seconds": statistics.median(r["cpu_seconds"] for r in runs),
            "largest_mb": max(r["largest_mb"] for r in runs),
            "stages": runs[sorted(range(repeat), key=lambda i: runs[i]["seconds"])[repeat // 2]][
                "stages"
            ],
        }
    return result


def floors(name: str, work: Path, repeat: int) -> dict:
    """The read floor, the zip floor of our workbook, and (where every file has a finding)
    the baseline script, on round ``name``."""
    folder = build(CORPORA[name], OUT / "corpora")
    found = {}
    read = [measure([*FLOOR, "read", str(folder / "inbox")], 1) for _ in range(repeat)]
    found["read floor"] = min(float(r["stdout"].split()[-2]) for r in read)
    workbook = next((work / f"{name}-ours").glob("consolidated-*.xlsx"))
    zipped = [measure([*FLOOR, "zip", str(workbook), str(work / "zipped.xlsx")], 1)
              for _ in range(repeat)]  # fmt: skip
    found["zip floor"] = min(float(z["stdout"].split()[-2]) for z in zipped)
    if CORPORA[name].findings:
        script = [*FLOOR, "baseline", str(folder / "inbox"), str(work / "baseline.xlsx")]
        found["baseline"] = statistics.median(measure(script, 1)["seconds"] for _ in range(repeat))
    return found


def judged(results: dict[str, dict], floor: dict[str, dict]) -> list[tuple[str, float, str]]:
    """(target, measured, verdict) for each of ``TARGETS`` measured in this call."""
    found: dict[str, float] = {}
    for name, r in results.items():
        found[f"{name}: ours / base, wall"] = r["ratio"]
        found[f"{name}: peak MB of a process"] = r["ours"]["largest_mb"]
        stages = r["ours"]["stages"]
        copies = stages["counts"].get("feedback copies")
        if copies:
            found[f"{name}: feedback ms of work a copy"] = stages["cpu"]["feedback"] * 1000 / copies
        if name in floor:
            found[f"{name}: load / read floor"] = (
                stages["seconds"]["load"] / floor[name]["read floor"]
            )
            found[f"{name}: write / zip floor"] = (
                stages["seconds"]["write"] / floor[name]["zip floor"]
            )
            if "baseline" in floor[name]:
                found[f"{name}: baseline script / ours"] = (
                    floor[name]["baseline"] / r["ours"]["seconds"]
                )
    if "S" in results and "S+feedback" in results:
        found["S+feedback: ours / base's S, wall"] = (
            results["S+feedback"]["ours"]["seconds"] / results["S"]["base"]["seconds"]
        )
    verdicts = []
    for what, how, target in TARGETS:
        if what in found:
            value = found[what]
            met = value <= target if how == "at most" else value >= target
            verdicts.append((f"{what} ({how} {target:g})", value, "met" if met else "NOT MET"))
    return verdicts


def table(results: dict[str, dict], floor: dict[str, dict], load: float) -> str:
    """The paired figures, each corpus's stages, and the targets."""
    lines = [f"load average when it started: {load:.1f} ({os.cpu_count()} cores)", "",
             f"{'corpus':<12}{'files':>6}{'base s':>9}{'ours s':>9}{'ours/base':>10}"
             f"{'base cpu':>10}{'ours cpu':>10}{'base MB':>9}{'ours MB':>9}"]  # fmt: skip
    for name, r in results.items():
        b, o = r["base"], r["ours"]
        lines.append(f"{name:<12}{r['files']:>6}{b['seconds']:>9.2f}{o['seconds']:>9.2f}"
                     f"{r['ratio']:>10.2f}{b['cpu_seconds']:>10.1f}{o['cpu_seconds']:>10.1f}"
                     f"{b['largest_mb']:>9}{o['largest_mb']:>9}")  # fmt: skip
    lines.append("\nstages of our median run, wall s (processor s):")
    for name, r in results.items():
        seconds, cpu = r["ours"]["stages"]["seconds"], r["ours"]["stages"].get("cpu", {})
        shown = [f"{k} {v:.2f} ({cpu[k]:.2f})" for k, v in seconds.items()
                 if k in cpu and "," not in k]  # fmt: skip
        lines.append(f"  {name}: " + ", ".join(shown))
    for name, f in floor.items():
        lines.append(
            f"  {name} floors (wall s): " + ", ".join(f"{k} {v:.2f}" for k, v in f.items())
        )
    lines.append("\ntarget" + " " * 52 + "measured")
    for what, value, verdict in judged(results, floor):
        lines.append(f"{what:<58}{value:>8.2f}  {verdict}")
    return "\n".join(lines)


def main() -> None:
    base = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else None
    if base is None or not (base / "pipeline").is_dir():
        raise SystemExit("Usage: python bench/paired.py BASE_DIR (a checkout with its .venv)")
    repeat = int(os.environ.get("BENCH_REPEAT", 3))
    names = [n for n in os.environ.get("BENCH_CORPORA", "S,S+feedback,L").split(",") if n]
    for root in (base, ROOT):
        python = root / ".venv" / "bin" / "python"
        subprocess.run([str(python if python.exists() else sys.executable), "-m", "compileall",
                        "-q", str(root / "pipeline")], check=True)  # fmt: skip
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-paired-") as tmp:
        work = Path(tmp)
        results = {name: paired(name, base, work, repeat) for name in names}
        floor = {name: floors(name, work, repeat) for name in names
                 if name in ("L", "S+feedback")}  # fmt: skip
    (OUT / "paired.json").write_text(json.dumps({"base": str(base), "load": load,
                                                 "results": results, "floors": floor},
                                                indent=2))  # fmt: skip
    print(table(results, floor, load))
    print(f"\nWritten to {OUT / 'paired.json'}")


if __name__ == "__main__":
    main()
