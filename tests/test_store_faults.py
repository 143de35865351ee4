"""Runs sharing a store, and stores that cannot be used: each a sentence naming the store and
saying what to do, never a traceback, and "restore from a backup" only for a damaged one."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from builders import AS_OF, p44_return

from pipeline.errors import PipelineError
from pipeline.store import Store
from pipeline.store.schema import SCHEMA_VERSION, version

PIPELINE = str(Path(sys.executable).with_name("pipeline"))
BACKUP = "restore this one from a backup"

# Holds the store's write lock, as a run saving a large round does, until told to let go.
HOLDER = textwrap.dedent(
    """
    import sqlite3, sys
    db = sqlite3.connect(sys.argv[1], isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    db.execute("PRAGMA user_version = " + str(db.execute("PRAGMA user_version").fetchone()[0]))
    print("held", flush=True)
    sys.stdin.readline()
    db.execute("COMMIT")
    """
)


def pipeline(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the ``pipeline`` command as a user would, in ``cwd``."""
    return subprocess.run(
        [PIPELINE, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def start_run(tmp_path: Path, inbox: Path, outbox: str, store: Path) -> subprocess.Popen[str]:
    """Start ``pipeline run`` on ``inbox`` recording in ``store``, without waiting for it."""
    return subprocess.Popen(
        [PIPELINE, "run", "--inbox", str(inbox), "--outbox", outbox, "--store", str(store),
         "--as-of", AS_OF.isoformat()],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    """Wait for a started run: its exit code and everything it printed."""
    out, err = process.communicate(timeout=300)
    return process.returncode, out + err


def hold(store: Path) -> subprocess.Popen[str]:
    """Another process holding ``store``'s write lock (until ``let_go``)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout.readline().strip() == "held", holder.stderr.read()
    return holder


def let_go(holder: subprocess.Popen[str]) -> None:
    holder.stdin.write("\n")
    holder.stdin.close()
    assert holder.wait(timeout=60) == 0, holder.stderr.read()


def inbox_with(folder: Path, organisation: str) -> Path:
    """An inbox holding one good Priority 44 return from ``organisation``."""
    folder.mkdir()
    p44_return(folder, organisation=organisation)
    return folder


def rounds_in(store: Path, organisation: str) -> int:
    with Store.open(store, write=False) as opened:
        return len(opened.history(organisation))


def opening(path: str, start, answers) -> None:
    start.wait()
    try:
        with Store.open(Path(path)) as store:
            answers.put(version(store.db))
    except Exception as err:
        answers.put(f"{type(err).__name__}: {err}")


@pytest.fixture
def make_read_only():
    """Makes a folder (and everything in it) read-only. Root writes anyway whatever the
    permissions say, so as root the folder is mounted over with a read-only view of itself."""
    mounted: list[Path] = []
    changed: list[Path] = []

    def freeze(folder: Path) -> None:
        if os.geteuid() != 0:
            for path in [folder, *folder.rglob("*")]:
                path.chmod(0o555 if path.is_dir() else 0o444)
                changed.append(path)
            return
        bind = subprocess.run(["mount", "--bind", folder, folder], capture_output=True, text=True)
        if bind.returncode != 0:
            pytest.skip(
                "running as root, which writes whatever a file's permissions say, and a "
                f"read-only mount cannot be made here ({bind.stderr.strip()})"
            )
        mounted.append(folder)
        ro = subprocess.run(["mount", "-o", "remount,ro,bind", folder], capture_output=True)
        assert ro.returncode == 0, ro.stderr
        assert not os.access(folder, os.W_OK)

    yield freeze
    for folder in reversed(mounted):
        subprocess.run(["umount", folder], check=True)
    for path in changed:
        path.chmod(0o755 if path.is_dir() else 0o644)


# --- two runs at once -------------------------------------------------------------------------


def test_two_runs_on_one_store_at_once_both_record_their_returns(tmp_path):
    store = tmp_path / "shared" / "pipeline.sqlite"  # not there yet: both runs create it
    leeds = inbox_with(tmp_path / "leeds", "Leeds")
    bradford = inbox_with(tmp_path / "bradford", "Bradford")
    for attempt in range(2):  # a new store, then the same store again
        runs = [start_run(tmp_path, leeds, f"out-leeds-{attempt}", store),
                start_run(tmp_path, bradford, f"out-bradford-{attempt}", store)]  # fmt: skip
        for code, output in map(finish, runs):
            assert code == 0, output
            assert "Traceback" not in output and BACKUP not in output
    assert rounds_in(store, "Leeds") == 1
    assert rounds_in(store, "Bradford") == 1


def test_many_processes_opening_a_new_store_at_the_same_moment_all_get_a_working_store(tmp_path):
    context = multiprocessing.get_context("fork")
    for attempt in range(10):
        path = tmp_path / f"store-{attempt}" / "pipeline.sqlite"
        start, answers = context.Barrier(8), context.Queue()
        processes = [
            context.Process(target=opening, args=(str(path), start, answers)) for _ in range(8)
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout=120)
        assert [answers.get(timeout=10) for _ in processes] == [SCHEMA_VERSION] * 8


def test_a_run_that_finds_another_saving_waits_for_it_and_says_so(tmp_path):
    store = tmp_path / "pipeline.sqlite"
    Store.open(store).close()
    holder = hold(store)
    try:
        run = start_run(tmp_path, inbox_with(tmp_path / "inbox", "Leeds"), "outbox", store)
        time.sleep(4)
        waited = run.poll() is None
    finally:
        let_go(holder)
    code, output = finish(run)
    assert waited and code == 0, output
    assert f"The store {store} is in use by another run: waiting for it to finish" in output
    assert rounds_in(store, "Leeds") == 1


def test_a_store_held_longer_than_a_run_waits_is_in_use_not_damaged(tmp_path):
    store = tmp_path / "pipeline.sqlite"
    Store.open(store).close()
    holder = hold(store)
    try:
        with pytest.raises(PipelineError) as raised:
            Store.open(store, wait=0.5)
        with Store.open(store, write=False, wait=0.5) as reading:  # reading needs no wait
            assert reading.history("Leeds") == []
    finally:
        let_go(holder)
    assert str(raised.value) == (
        f"The store {store} is in use by another run that has not finished: wait for it and "
        f"run again."
    )


# --- stores that cannot be used ---------------------------------------------------------------


def test_a_store_that_is_not_a_database_says_so_and_to_restore_it(tmp_path, inbox):
    p44_return(inbox)
    (tmp_path / "notes.sqlite").write_text("shopping list: eggs, milk\n" * 50)
    result = pipeline("run", "--inbox", inbox, "--store", "notes.sqlite", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        "Error: The store notes.sqlite is not a database or is damaged (file is not a "
        "database): point --store at another file, or restore this one from a backup.\n"
    )


def test_a_damaged_store_says_so_and_to_restore_it(tmp_path, inbox):
    p44_return(inbox)
    assert pipeline("run", "--inbox", inbox, cwd=tmp_path).returncode == 0
    store = tmp_path / "outbox" / "pipeline.sqlite"
    data = bytearray(store.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the table of tables, after the file's header
    store.write_bytes(bytes(data))
    result = pipeline("history", "Leeds", "--store", "outbox/pipeline.sqlite", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        "Error: The store outbox/pipeline.sqlite is not a database or is damaged (database "
        "disk image is malformed): point --store at another file, or restore this one from a "
        "backup.\n"
    )


def test_another_programs_database_is_not_taken_over(tmp_path):
    theirs = tmp_path / "accounts.sqlite"
    db = sqlite3.connect(theirs)
    db.execute("CREATE TABLE ledger (amount)")
    db.commit()
    db.close()
    with pytest.raises(PipelineError) as raised:
        Store.open(theirs)
    assert str(raised.value) == (
        f"The file {theirs} is a database, but not a pipeline store: point --store at another "
        f"file (a new one is created)."
    )
    db = sqlite3.connect(theirs)
    assert db.execute("SELECT name FROM sqlite_master").fetchall() == [("ledger",)]
    db.close()


def test_a_folder_where_the_store_should_be_says_so(tmp_path, inbox):
    p44_return(inbox)
    (tmp_path / "outbox" / "pipeline.sqlite").mkdir(parents=True)
    result = pipeline("run", "--inbox", inbox, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        "Error: The store outbox/pipeline.sqlite is a folder, not a file: point --store at a "
        "file (such as outbox/pipeline.sqlite/pipeline.sqlite), or move the folder away.\n"
    )


def test_a_file_in_the_way_of_the_stores_folder_is_named(tmp_path):
    (tmp_path / "stores").write_text("not a folder")
    path = tmp_path / "stores" / "2026" / "pipeline.sqlite"
    with pytest.raises(PipelineError) as raised:
        Store.open(path)
    assert str(raised.value) == (
        f"The store's folder {path.parent} cannot be created: {tmp_path / 'stores'} is a file, "
        f"not a folder. Move that file away, or point --store at another place."
    )


def test_a_run_on_a_read_only_store_says_so_before_reading_anything(tmp_path, make_read_only):
    leeds = inbox_with(tmp_path / "leeds", "Leeds")
    store = tmp_path / "kept" / "pipeline.sqlite"
    assert finish(start_run(tmp_path, leeds, "first", store))[0] == 0
    before = store.read_bytes()
    make_read_only(store.parent)
    bradford = inbox_with(tmp_path / "bradford", "Bradford")
    result = pipeline("run", "--inbox", bradford, "--outbox", "second", "--store", store,
                      cwd=tmp_path)  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: The store {store} is read-only: make the file and its folder writable, or "
        f"point --store at a file in a writable folder.\n"
    )
    assert not list((tmp_path / "second").glob("consolidated-*"))
    assert store.read_bytes() == before


def test_a_read_only_store_can_still_be_read(tmp_path, make_read_only):
    store = tmp_path / "kept" / "pipeline.sqlite"
    leeds = inbox_with(tmp_path / "leeds", "Leeds")
    assert finish(start_run(tmp_path, leeds, "first", store))[0] == 0
    make_read_only(store.parent)
    with Store.open(store, write=False) as reading:
        assert [r["organisation"] for r in reading.history("Leeds")] == ["Leeds"]


def test_a_new_store_in_a_read_only_folder_says_so(tmp_path, make_read_only):
    folder = tmp_path / "shelf"
    folder.mkdir()
    make_read_only(folder)
    with pytest.raises(PipelineError) as raised:
        Store.open(folder / "pipeline.sqlite")
    assert str(raised.value) == (
        f"The folder {folder} is read-only: the store {folder / 'pipeline.sqlite'} cannot be "
        f"created in it. Make the folder writable, or point --store at a file in a writable "
        f"folder."
    )


def test_reading_a_store_that_is_not_there_creates_nothing(tmp_path):
    path = tmp_path / "nowhere" / "pipeline.sqlite"
    with pytest.raises(PipelineError, match="does not exist: run `pipeline run` first"):
        Store.open(path, write=False)
    assert not path.parent.exists()
