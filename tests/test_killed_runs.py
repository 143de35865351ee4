"""A run killed outright (``kill -9``: nothing of it runs any more, not even its clean-up) leaves
nothing running: every process it started ends within about a second, whatever it was doing.

Each test starts a real run in a process of its own, finds the processes it started, kills it
with SIGKILL and watches them end.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest
from builders import AS_OF, p44_return

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="kills runs with SIGKILL, which Windows does not have"
)

HERE = Path(__file__).parent
STARTING = 60.0  # seconds a run may take to get its children busy, on a loaded machine
ENDING = 3.0  # seconds its children may take to end: about one, with room for a loaded machine


def ended(child: psutil.Process) -> bool:
    """Whether the process has ended (a zombie has: it is only waiting to be reaped)."""
    try:
        return not child.is_running() or child.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def children_of(process: subprocess.Popen) -> list[psutil.Process]:
    """Every process ``process`` started, and every process they started, now."""
    return psutil.Process(process.pid).children(recursive=True)


def kill_and_time(process: subprocess.Popen, children: list[psutil.Process]) -> float:
    """Kill ``process`` with SIGKILL; the seconds until every one of ``children`` had ended
    (or a failed test, after ``ENDING`` seconds)."""
    assert children and not any(ended(child) for child in children)
    os.kill(process.pid, signal.SIGKILL)
    killed = time.monotonic()
    process.wait()
    while not all(ended(child) for child in children):
        if time.monotonic() - killed > ENDING:
            running = [child for child in children if not ended(child)]
            for child in running:  # not to be left running by a failed test either
                child.kill()
            pytest.fail(f"still running {ENDING} s after the run was killed: {running}")
        time.sleep(0.005)
    seconds = time.monotonic() - killed
    print(f"every child ended {seconds:.3f} s after the run was killed")
    return seconds


@contextmanager
def cleaned_up(process: subprocess.Popen) -> Iterator[subprocess.Popen]:
    """``process``, which is killed with all it started (if it has not been) when done with,
    so that a failing test leaves nothing running either."""
    try:
        yield process
    finally:
        left = children_of(process) if process.poll() is None else []
        process.kill()
        process.wait()
        for child in left:
            if not ended(child):
                child.kill()


class BusyRun:
    """``busy_run.main`` (see there) in a process of its own, and what it printed."""

    def __init__(self, *options: str) -> None:
        command = [sys.executable, "-c", "import busy_run; busy_run.main()", *options]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), *sys.path])}
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.pids: dict[str, list[int]] = {}

    def _read(self) -> None:
        for line in self.process.stdout:
            self._lines.put(line)

    def wait_until_busy(self) -> dict[str, list[int]]:
        """Wait until every child is busy (and one worker idle); their pids by what they do."""
        deadline = time.monotonic() + STARTING
        while not (len(self.pids.get("reading", [])) == 2 and "idle" in self.pids
                   and ("background" in self.pids or "saving" in self.pids)):  # fmt: skip
            assert self.process.poll() is None, "the busy run ended by itself"
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail(f"the run's children were not busy after {STARTING} s: {self.pids}")
            what, *pid = line.split()
            self.pids.setdefault(what, []).extend(int(p) for p in pid)
        return self.pids


def busy_children(run: BusyRun) -> list[psutil.Process]:
    """The run's children, once busy: every process it started, those it said it started
    among them."""
    said = {pid for pids in run.wait_until_busy().values() for pid in pids}
    children = children_of(run.process)
    assert said <= {child.pid for child in children}
    ours = [child for child in children if not keeps_track(child)]
    assert len(ours) == len(said) == 3  # two readers and the background work
    return children  # (multiprocessing's tracker among them, where processes are spawned)


def keeps_track(child: psutil.Process) -> bool:
    """Whether ``child`` is multiprocessing's resource tracker, which a run that spawns its
    processes starts once (and which ends when the run does, as they all must)."""
    try:
        return "resource_tracker" in " ".join(child.cmdline())
    except psutil.Error:
        return False


def test_a_killed_run_leaves_no_reader_and_no_background_work_behind():
    """One reader is reading, one waits for its next file, our own work runs on the other core:
    the run is killed, and all three end within about a second."""
    run = BusyRun()
    with cleaned_up(run.process):
        assert kill_and_time(run.process, busy_children(run)) < ENDING


def test_children_started_from_a_thread_other_than_the_main_one_end_too():
    """The same, with the children started from another thread of the run (where Linux's own
    way of ending them with their parent does not apply, as on macOS): they end as soon."""
    run = BusyRun("--from-thread")
    with cleaned_up(run.process):
        assert kill_and_time(run.process, busy_children(run)) < ENDING


def test_a_store_being_saved_when_the_run_is_killed_is_left_as_it_was(tmp_path):
    """The run is killed while the store is being saved on the other core: the save stops and
    nothing of it is committed; the store is as it was, and usable at once."""
    store = tmp_path / "pipeline.sqlite"
    with sqlite3.connect(store) as db:
        db.execute("CREATE TABLE saved (what TEXT)")
        db.execute("INSERT INTO saved VALUES ('from an earlier run')")
    db.close()
    run = BusyRun("--store", str(store))
    with cleaned_up(run.process):
        assert kill_and_time(run.process, busy_children(run)) < ENDING
    # no one holds it: it can be written within moments (not the 10 minutes a run would wait
    # for a lock; a loaded machine may take a moment to finish ending the killed child)
    with sqlite3.connect(store, timeout=5) as db:
        assert db.execute("SELECT what FROM saved").fetchall() == [("from an earlier run",)]
        db.execute("INSERT INTO saved VALUES ('from the next run')")
    db.close()


def test_a_child_that_cannot_see_its_parent_go_as_on_windows_still_ends_with_it(tmp_path):
    """On Windows a child's parent id stays the same after its parent has gone, and the kernel
    ends nothing with it: the child must ask ``multiprocessing`` whether its parent is alive."""
    ready = tmp_path / "ready"
    command = [sys.executable, "-c", "import worker_jobs, sys; "
               "worker_jobs.start_a_child_as_on_windows(sys.argv[1])", str(ready)]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), *sys.path])}
    with cleaned_up(subprocess.Popen(command, env=env)) as run:
        deadline = time.monotonic() + STARTING
        while not ready.exists() or not ready.read_text():
            assert run.poll() is None and time.monotonic() < deadline, "the child did not start"
            time.sleep(0.01)
        child = psutil.Process(int(ready.read_text()))
        assert kill_and_time(run, [child]) < ENDING


@pytest.fixture(scope="module")
def large_inbox(tmp_path_factory) -> Path:
    """An inbox of 400 returns, each a different file (they differ in the zip's comment), so
    that every one is read."""
    folder = tmp_path_factory.mktemp("large") / "inbox"
    folder.mkdir()
    one = p44_return(folder, name="Leeds return.xlsx")
    for n in range(1, 400):
        copy = shutil.copy(one, folder / f"Leeds return {n}.xlsx")
        with zipfile.ZipFile(copy, "a") as z:
            z.comment = f"copy {n}".encode()
    return folder


def test_a_pipeline_run_killed_while_reading_a_large_inbox_leaves_nothing_behind(
    large_inbox, tmp_path
):
    """``pipeline run`` on a large inbox is killed while its workers read: every process it
    started ends within about a second, and no workbook is written."""
    outbox = tmp_path / "outbox"
    command = [sys.executable, "-m", "pipeline", "run", "--inbox", str(large_inbox),
               "--outbox", str(outbox), "--as-of", AS_OF.isoformat()]  # fmt: skip
    run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with cleaned_up(run):
        deadline = time.monotonic() + STARTING
        while not children_of(run):  # the workers are started when reading starts
            assert run.poll() is None, "the run ended before it was killed"
            assert time.monotonic() < deadline, f"no worker started in {STARTING} s"
            time.sleep(0.01)
        time.sleep(0.5)  # part-way through reading
        children = children_of(run)
        assert run.poll() is None, "the run ended before it was killed"
        assert kill_and_time(run, children) < ENDING
    assert not list(outbox.glob("*.xlsx"))
