"""When the pipeline cannot write where it must (a full disk, a read-only outbox, a folder
where the workbook goes, a file where a folder goes), the user gets one sentence and a
non-zero exit, never a traceback; the store and the workbook agree (a run is recorded if and
only if its workbook was written); and no temporary file is left behind. A run killed
part-way leaves things the next run tidies and completes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from builders import AS_OF, action, p44_return

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
WORKBOOK = f"consolidated-{AS_OF.isoformat()}.xlsx"


def pipeline_run(inbox: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    """``pipeline run`` as a user types it, in its own process."""
    command = [sys.executable, "-m", "pipeline", "run", "--inbox", str(inbox), "--outbox",
               str(out), "--as-of", AS_OF.isoformat(), *extra]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


def assert_said_plainly(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    for word in words:
        assert word in done.stderr, done.stderr
    for noise in ("Traceback", "Exception ignored", "went wrong that we did not expect"):
        assert noise not in done.stdout + done.stderr


def recorded_runs(store: Path) -> int:
    """How many files the store has recorded (0 for a store never written)."""
    if not store.exists():
        return 0
    with sqlite3.connect(store) as db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'files'").fetchone():
            return 0  # made, but killed before its tables were
        return db.execute("SELECT count(*) FROM files").fetchone()[0]


def leftovers(*folders: Path) -> list[Path]:
    """Temporary files and folders of the pipeline's left in ``folders`` (recursively)."""
    found = []
    for folder in folders:
        if folder.exists():
            found += [p for p in folder.rglob(".pipeline-*")]
    return found


@pytest.fixture
def small_disk(tmp_path):
    """Make a small disk (a tmpfs of a given size in KiB) mounted at a new folder."""
    mounted: list[Path] = []

    def make(name: str, kib: int, read_only: bool = False) -> Path:
        if not ROOT:
            pytest.skip("mounting a small disk needs root")
        place = tmp_path / name
        place.mkdir()
        options = f"size={kib}k" + (",ro" if read_only else "")
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(place)],
                              capture_output=True, text=True)  # fmt: skip
        if done.returncode != 0:
            pytest.skip(f"this system cannot mount a small disk: {done.stderr.strip()}")
        mounted.append(place)
        return place

    yield make
    for place in mounted:
        if subprocess.run(["umount", str(place)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "--lazy", str(place)], check=False)  # busy a moment more


@pytest.fixture
def round_inbox(inbox: Path) -> Path:
    p44_return(inbox, "Leeds", name="leeds.xlsx")
    p44_return(inbox, "Bradford", name="bradford.xlsx", risks=None)  # gets feedback
    return inbox


def test_a_full_outbox_is_said_and_the_store_records_nothing(tmp_path, round_inbox, small_disk):
    out = small_disk("full outbox", 24)  # room for the scratch folder, not for the workbook
    store = tmp_path / "store" / "pipeline.sqlite"
    done = pipeline_run(round_inbox, out, "--store", str(store))
    assert_said_plainly(done, f"The outbox {out} is full: free some space", "nothing was changed")
    assert recorded_runs(store) == 0
    assert not (out / WORKBOOK).exists()
    assert leftovers(out, store.parent) == []
    assert pipeline_run(round_inbox, tmp_path / "roomy", "--store", str(store)).returncode == 0
    assert recorded_runs(store) == 2  # the run records everything once there is room


def test_a_full_store_disk_is_said_and_no_workbook_is_written(tmp_path, round_inbox, small_disk):
    disk = small_disk("full store", 64)
    store = disk / "pipeline.sqlite"
    out = tmp_path / "out"
    done = pipeline_run(round_inbox, out, "--store", str(store))
    assert_said_plainly(done, "is full: free some space")
    assert not (out / WORKBOOK).exists()
    assert recorded_runs(store) == 0
    assert leftovers(out, disk) == []


def test_a_read_only_outbox_is_said_before_anything_is_read(tmp_path, round_inbox, small_disk):
    out = small_disk("read-only outbox", 64, read_only=True)
    store = tmp_path / "store" / "pipeline.sqlite"
    done = pipeline_run(round_inbox, out, "--store", str(store))
    assert_said_plainly(done, f"The outbox {out} cannot be written to", "nothing was changed")
    assert recorded_runs(store) == 0


@pytest.mark.parametrize(
    "in_the_way, words",
    [
        (WORKBOOK, "is a folder, where the file should be written"),
        ("feedback", "is a file, not a folder"),
        ("archive", "is a file, not a folder"),
    ],
)
def test_a_folder_or_file_in_the_way_of_an_output_is_said_and_nothing_recorded(
    tmp_path, round_inbox, in_the_way, words
):
    out = tmp_path / "out"
    out.mkdir()
    if in_the_way == WORKBOOK:
        (out / in_the_way).mkdir()
    else:
        (out / in_the_way).write_text("someone's notes")
    done = pipeline_run(round_inbox, out)
    assert_said_plainly(done, words, "nothing was changed")
    assert recorded_runs(out / "pipeline.sqlite") == 0
    assert leftovers(out) == []


def test_feedback_that_cannot_be_written_is_said_after_a_complete_run(tmp_path, round_inbox):
    out = tmp_path / "out"
    (out / "feedback").mkdir(parents=True)
    (out / "feedback" / "bradford-feedback.xlsx").mkdir()  # a folder where the file goes
    done = pipeline_run(round_inbox, out)
    assert_said_plainly(done, "Feedback for 1 file(s) could not be written", "store are complete")
    assert (out / WORKBOOK).exists() and recorded_runs(out / "pipeline.sqlite") == 2


def writing(out: Path) -> bool:
    """Whether a run is writing its workbook: its scratch folder holds something besides the
    copies of the files it read (the workbook's temporary files)."""
    return any(
        folder.is_dir() and any(p.name != "copies" for p in folder.iterdir())
        for folder in leftovers(out)
    )


def test_a_run_killed_while_writing_leaves_nothing_the_next_run_does_not_tidy(
    tmp_path, round_inbox
):
    # enough rows that writing takes a while on a fast machine too
    p44_return(round_inbox, "Salford", name="salford.xlsx",
               rows=[action(f"A{r:03d}") for r in range(400)])  # fmt: skip
    for attempt in range(5):  # kill it as soon as it is seen writing; try again if it finished
        out = tmp_path / f"out-{attempt}"
        command = [sys.executable, "-m", "pipeline", "run", "--inbox", str(round_inbox),
                   "--outbox", str(out), "--as-of", AS_OF.isoformat()]  # fmt: skip
        killed = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while killed.poll() is None and not writing(out):
            time.sleep(0.001)
        if killed.poll() is None:
            break
        killed.wait()
    else:
        pytest.fail("five runs in a row finished before they could be seen writing")
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert leftovers(out), "the run was killed with its scratch folder in place"
    assert (out / WORKBOOK).exists() == (recorded_runs(out / "pipeline.sqlite") > 0)
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert leftovers(out, out / "archive") == []
    assert (out / WORKBOOK).exists() and recorded_runs(out / "pipeline.sqlite") == 3


def dead_process_number() -> int:
    """The number of a process that has ended (as a killed run's has)."""
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    return ended.pid


def stale_scratch(out: Path) -> Path:
    """A scratch folder as a run killed part-way would leave it, named as ours are."""
    from pipeline.system.files import _prefix

    folder = out / _prefix().replace(str(os.getpid()), str(dead_process_number()))
    folder = folder.with_name(folder.name + "killed")
    folder.mkdir()
    return folder


def test_a_workbook_a_killed_run_finished_and_recorded_is_put_in_place_by_the_next(
    tmp_path, round_inbox
):
    """Killed between committing the store and renaming the workbook: the store has the run,
    the scratch folder the finished workbook; the next run puts it in place."""
    out = tmp_path / "out"
    assert pipeline_run(round_inbox, out).returncode == 0
    finished = out / WORKBOOK
    recorded = finished.read_bytes()
    os.replace(finished, stale_scratch(out) / WORKBOOK)
    unrecorded = stale_scratch(out)  # and one whose run was never recorded
    (unrecorded / "consolidated-2026-12-04.xlsx").write_bytes(recorded + b"changed")
    command = [sys.executable, "-m", "pipeline", "run", "--inbox", str(round_inbox), "--outbox",
               str(out), "--as-of", "2026-12-04"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert finished.read_bytes() == recorded  # put in place, byte for byte
    assert (out / "consolidated-2026-12-04.xlsx").read_bytes() != recorded + b"changed"
    assert leftovers(out) == []


def test_a_run_abandoned_for_a_full_outbox_leaves_nothing_new_in_the_archive(
    tmp_path, round_inbox, small_disk
):
    out = small_disk("full outbox", 56)  # room for copies of the returns, not the workbook
    store = tmp_path / "store" / "pipeline.sqlite"
    done = pipeline_run(round_inbox, out, "--store", str(store))
    assert_said_plainly(done, "is full")
    archive = store.parent / "archive"
    assert not archive.exists() or not [p for p in archive.rglob("*") if p.is_file()]


def test_a_store_with_a_damaged_return_says_so_instead_of_failing(tmp_path, round_inbox):
    out = tmp_path / "out"
    assert pipeline_run(round_inbox, out).returncode == 0
    with sqlite3.connect(out / "pipeline.sqlite") as db:
        db.execute("UPDATE returns SET loaded = 'garbage'")
    done = pipeline_run(round_inbox, out)
    assert_said_plainly(done, "is not a database or is damaged", "restore this one from a backup")


def test_a_killed_runs_workbook_older_than_the_one_in_place_is_not_put_back(tmp_path, round_inbox):
    """Run A is killed after recording its workbook; run B records a newer one of the same
    name and puts it in place; the run after must not put A's back."""
    out = tmp_path / "out"
    assert pipeline_run(round_inbox, out).returncode == 0
    older = (out / WORKBOOK).read_bytes()
    p44_return(round_inbox, "Salford", name="salford.xlsx")
    assert pipeline_run(round_inbox, out).returncode == 0
    newer = (out / WORKBOOK).read_bytes()
    assert newer != older
    (stale_scratch(out) / WORKBOOK).write_bytes(older)
    command = [sys.executable, "-m", "pipeline", "run", "--inbox", str(round_inbox), "--outbox",
               str(out), "--as-of", "2026-12-04"]  # fmt: skip
    assert subprocess.run(command, capture_output=True, timeout=600).returncode == 0
    assert (out / WORKBOOK).read_bytes() == newer
    assert leftovers(out) == []
