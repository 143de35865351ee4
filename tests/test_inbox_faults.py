"""A shared inbox holds whatever people and their tools put there: unreadable files and
folders, links, pipes, names from old zip tools, files still being copied, files far too big,
the pipeline's own outputs. Each is listed in the Returns Log with a sentence; every other
file is read; nothing outside the inbox is read; nothing is kept that was not read whole."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from builders import AS_OF, p44_return, the_clock_moves_on
from measuring import peak_kib
from workbook_reading import sheet_records

from pipeline.declare import LAYOUTS
from pipeline.demo.partner import PartnerWorkbook
from pipeline.inbox.walk import printable
from pipeline.run import run

ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


def log_of(path: Path) -> dict[str, dict]:
    """The Returns Log's rows by file name."""
    return {r["File"]: r for r in sheet_records(path, "Returns Log")}


def stored_names(store: Path) -> set[str]:
    with sqlite3.connect(store) as db:
        return {name for (name,) in db.execute("SELECT name FROM files")}


def archived(store: Path) -> dict[str, bytes]:
    """Every file in the store's archive, by the name it is kept under."""
    folder = store.parent / "archive"
    return {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def run_round(inbox: Path, out: Path, **kwargs):
    return run(inbox, out, as_of=AS_OF, **kwargs)


@pytest.fixture
def good(inbox: Path) -> Path:
    """A good return beside whatever each test adds: it must always be read."""
    return p44_return(inbox, "Leeds", name="leeds.xlsx")


def assert_good_read(log: dict[str, dict]) -> None:
    assert log["leeds.xlsx"]["Status"] == "accepted"


def test_pipes_sockets_devices_and_broken_links_are_listed_and_the_rest_read(tmp_path, inbox, good):
    os.mkfifo(inbox / "a pipe.xlsx")  # opening it to read would wait for ever
    (inbox / "gone.xlsx").symlink_to(tmp_path / "not there.xlsx")
    (inbox / "loop.xlsx").symlink_to(inbox / "loop.xlsx")
    listening = socket.socket(socket.AF_UNIX)
    short = Path(tempfile.mkdtemp(prefix="sock"))  # a socket's path must be short
    try:
        listening.bind(str(short / "s"))
        os.rename(short / "s", inbox / "a socket.xlsx")
        if ROOT:
            os.mknod(inbox / "a device.xlsx", 0o600 | 0o020000, os.makedev(1, 3))  # /dev/null
        result = run_round(inbox, tmp_path / "out")
    finally:
        listening.close()
        shutil.rmtree(short)
    log = log_of(result.path)
    assert_good_read(log)
    assert "named pipe, not a file" in log["a pipe.xlsx"]["Reason"]
    assert "socket, not a file" in log["a socket.xlsx"]["Reason"]
    assert "leads to something that is not there" in log["gone.xlsx"]["Reason"]
    assert "loop" in log["loop.xlsx"]["Reason"]
    if ROOT:
        assert "device, not a file" in log["a device.xlsx"]["Reason"]
    assert {r["Status"] for name, r in log.items() if name != "leeds.xlsx"} == {"rejected"}
    assert stored_names(result.store) == {"leeds.xlsx"}  # nothing unread is kept


def test_a_link_to_a_file_outside_the_inbox_is_not_followed_and_none_of_it_is_kept(
    tmp_path, inbox, good
):
    secret_folder = tmp_path / "elsewhere"
    secret_folder.mkdir()
    secret = p44_return(secret_folder, "Bradford", name="secret.xlsx", risks="SECRET-7")
    (inbox / "bradford.xlsx").symlink_to(secret)
    (inbox / "linked folder").symlink_to(secret_folder, target_is_directory=True)
    (inbox / "leeds again.xlsx").symlink_to(good)
    result = run_round(inbox, tmp_path / "out")
    log = log_of(result.path)
    assert_good_read(log)
    assert "leads outside the inbox" in log["bradford.xlsx"]["Reason"]
    assert "leads outside the inbox" in log["linked folder"]["Reason"]
    assert (
        "leads to leeds.xlsx in the inbox, which is read there"
        in (log["leeds again.xlsx"]["Reason"])
    )
    secret_bytes = secret.read_bytes()
    assert secret_bytes not in archived(result.store).values()
    assert hashlib.sha256(secret_bytes).hexdigest() not in result.store.read_bytes().decode(
        "latin-1"
    )
    everything = result.path.read_bytes() + result.store.read_bytes()
    for written in (tmp_path / "out").rglob("*.xlsx"):
        everything += written.read_bytes()
    assert b"SECRET-7" not in everything and "Bradford" not in {
        r["Organisation"] for r in log.values()
    }


def test_a_name_that_is_not_utf8_is_read_and_shown_with_its_byte_written_out(tmp_path, inbox, good):
    made = p44_return(tmp_path, "Bradford", name="bradford.xlsx")
    odd = os.path.join(os.fsencode(inbox), b"caf\xe9 bradford.xlsx")  # Latin-1, as old zip tools
    with open(odd, "wb") as file:
        file.write(made.read_bytes())
    result = run_round(inbox, tmp_path / "out")
    log = log_of(result.path)
    assert_good_read(log)
    assert log["caf\\xe9 bradford.xlsx"]["Status"] == "accepted"


def test_a_name_with_terminal_escapes_is_printed_with_them_made_visible(tmp_path, inbox, good):
    shutil.copy(good, inbox / "evil\x1b[2J\x1b]0;owned\x07.xlsx")
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", "--inbox", str(inbox), "--outbox",
         str(tmp_path / "out"), "--as-of", AS_OF.isoformat()],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout + done.stderr and "\x07" not in done.stdout
    shown = "evil\\x1b[2J\\x1b]0;owned\\x07.xlsx"
    assert printable("evil\x1b[2J\x1b]0;owned\x07.xlsx") == shown
    log = log_of(tmp_path / "out" / f"consolidated-{AS_OF.isoformat()}.xlsx")
    assert log[shown]["Status"] == "duplicate"


def test_a_file_over_the_size_limit_is_refused_from_its_size_alone(tmp_path, inbox, good):
    huge = inbox / "huge.xlsx"
    with open(huge, "wb") as file:
        file.truncate(4 * 2**30)  # 4 GiB, sparse: nothing is written to the disk
    assert max(peak_kib(inbox, tmp_path / "out")) < 400 * 1024  # a read would need 4 GiB
    log = log_of(tmp_path / "out" / f"consolidated-{AS_OF.isoformat()}.xlsx")
    assert_good_read(log)
    assert "4,096 MB, far larger than any plan" in log["huge.xlsx"]["Reason"]
    assert all(
        len(data) < 2**20 for data in archived(tmp_path / "out" / "pipeline.sqlite").values()
    )


def test_a_file_still_being_copied_is_read_whole_or_turned_down_never_half(tmp_path, inbox, good):
    growing = inbox / "bradford.xlsx"
    made = p44_return(tmp_path, "Bradford", name="bradford.xlsx").read_bytes()
    stop = threading.Event()

    def copy_slowly() -> None:  # as a slow network copy does: a little at a time, for ever
        with open(growing, "wb", buffering=0) as file:
            while not stop.is_set():
                for start in range(0, len(made), 512):
                    file.write(made[start : start + 512])
                    time.sleep(0.001)
                file.truncate(0)
                file.seek(0)

    copier = threading.Thread(target=copy_slowly, daemon=True)
    copier.start()
    try:
        result = run_round(inbox, tmp_path / "out")
    finally:
        stop.set()
        copier.join()
    log = log_of(result.path)
    assert_good_read(log)
    row = log["bradford.xlsx"]
    kept = archived(result.store)
    if "still being copied" in (row["Reason"] or ""):  # (read whole, it may have no reason)
        assert row["Status"] == "rejected" and "bradford.xlsx" not in stored_names(result.store)
    else:  # read whole at one moment: what is kept is exactly what was hashed and read
        assert row["SHA-256"] == hashlib.sha256(kept[f"{row['SHA-256']}.xlsx"]).hexdigest()
    for name, data in kept.items():
        assert name.startswith(hashlib.sha256(data).hexdigest())


def test_the_pipelines_own_outputs_in_the_inbox_are_never_read_as_returns(tmp_path, inbox, good):
    p44_return(inbox, "Bradford", name="bradford.xlsx", risks=None)  # gets feedback
    out = inbox / "reports"  # an outbox inside the inbox
    first = run_round(inbox, out)
    assert first.feedback
    shutil.copy(first.path, inbox / "last fortnight's report.xlsx")
    second = run_round(inbox, out)
    log = log_of(second.path)
    assert set(log) == {"leeds.xlsx", "bradford.xlsx", "last fortnight's report.xlsx"}
    assert (
        "consolidated workbook the pipeline wrote, not a return"
        in (log["last fortnight's report.xlsx"]["Reason"])
    )


def test_a_folder_or_file_the_run_may_not_read_is_listed_and_its_neighbours_read(tmp_path):
    """Root may read anything: as root, the run is made without that power (setpriv drops
    it), on a folder and a file that belong to someone else."""
    inbox = tmp_path / "inbox"
    p44_return(inbox, "Leeds", name="leeds.xlsx")
    closed = inbox / "closed"
    p44_return(closed, "Bradford", name="bradford.xlsx")
    secret = p44_return(inbox, "Salford", name="salford.xlsx")
    os.chmod(closed, 0o700)
    os.chmod(secret, 0o600)
    command = [sys.executable, "-m", "pipeline", "run", "--inbox", str(inbox), "--outbox",
               str(tmp_path / "out"), "--as-of", AS_OF.isoformat()]  # fmt: skip
    if ROOT:
        if shutil.which("setpriv") is None:
            pytest.skip("as root, a file can be refused only without root's powers: no setpriv")
        for path in (closed, secret):
            os.chown(path, 65534, 65534)
        command = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", *command]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    finally:
        os.chmod(closed, 0o755)
    assert done.returncode == 0, done.stderr
    log = log_of(tmp_path / "out" / f"consolidated-{AS_OF.isoformat()}.xlsx")
    assert_good_read(log)
    assert "This folder cannot be read" in log["closed/"]["Reason"]
    assert "none of its files were read" in log["closed/"]["Reason"]
    assert "not allowed to read it (permission denied)" in log["salford.xlsx"]["Reason"]


def test_a_file_whose_read_fails_with_an_io_error_is_listed_and_the_rest_read(
    tmp_path, inbox, good
):
    """An I/O error is made by mounting a file that cannot be read (another process's memory
    from address 0) over a file in the inbox."""
    if not ROOT or shutil.which("mount") is None:
        pytest.skip("making a file that fails with an I/O error needs root and mount")
    broken = inbox / "broken.xlsx"
    broken.write_bytes(b"")
    sleeper = subprocess.Popen(["sleep", "120"])
    mounted = subprocess.run(["mount", "--bind", f"/proc/{sleeper.pid}/mem", str(broken)],
                             capture_output=True)  # fmt: skip
    try:
        if mounted.returncode != 0:
            pytest.skip(f"this system cannot bind-mount a file: {mounted.stderr.decode()}")
        result = run_round(inbox, tmp_path / "out")
    finally:
        if mounted.returncode == 0:
            subprocess.run(["umount", str(broken)], check=False)
        sleeper.kill()
        sleeper.wait()
    log = log_of(result.path)
    assert_good_read(log)
    reason = log["broken.xlsx"]["Reason"]
    assert "could not read it" in reason and "error" in reason.lower()


def test_folders_nested_too_deep_are_listed_and_the_rest_read(tmp_path, inbox, good):
    deep = inbox.joinpath(*["d"] * 40)
    deep.mkdir(parents=True)
    p44_return(deep, "Bradford", name="bradford.xlsx")
    result = run_round(inbox, tmp_path / "out")
    log = log_of(result.path)
    assert_good_read(log)
    [(name, row)] = [(n, r) for n, r in log.items() if n != "leeds.xlsx"]
    assert name == "/".join(["d"] * 33) + "/" and "more than 32 folders deep" in row["Reason"]


def test_memory_holds_one_file_at_a_time_not_the_whole_inbox(tmp_path, inbox, good):
    for n in range(8):  # 360 MB of files that are not spreadsheets
        (inbox / f"scan {n}.xlsx").write_bytes(os.urandom(45 * 2**20))
    own, _ = peak_kib(inbox, tmp_path / "out")  # (a worker holds the file it reads)
    assert own < 250 * 1024  # the inbox is 360 MB
    log = log_of(tmp_path / "out" / f"consolidated-{AS_OF.isoformat()}.xlsx")
    assert_good_read(log)
    assert all("not a spreadsheet" in log[f"scan {n}.xlsx"]["Reason"] for n in range(8))


def test_an_old_outbox_in_the_inbox_gives_no_returns_and_replaces_none(tmp_path, inbox, good):
    p44_return(inbox, "Bradford", name="bradford.xlsx", risks=None)  # gets feedback
    run_round(inbox, inbox / "last time")
    result = run_round(inbox, tmp_path / "out")  # the old outbox is just a folder now
    log = log_of(result.path)
    assert_good_read(log)
    assert log["bradford.xlsx"]["Status"] == "accepted with findings"  # not superseded
    old = {name: row for name, row in log.items() if name.startswith("last time/")}
    assert old and all(row["Status"] == "rejected" for row in old.values())
    reasons = {name.split("/")[1]: row["Reason"] for name, row in old.items()}
    assert "consolidated workbook the pipeline wrote" in reasons[f"consolidated-{AS_OF}.xlsx"]
    assert "pipeline's own store" in reasons["pipeline.sqlite"]
    assert all("feedback the pipeline wrote for a partner" in r["Reason"] for n, r in old.items()
               if n.startswith("last time/feedback/"))  # fmt: skip
    assert all("copy the pipeline keeps in its archive" in r["Reason"] for n, r in old.items()
               if n.startswith("last time/archive/"))  # fmt: skip


def test_a_partner_who_fixes_their_feedback_copy_and_sends_it_back_sends_a_return(tmp_path, inbox):
    p44_return(inbox, "Bradford", name="bradford.xlsx", risks=None)
    [feedback] = run_round(inbox, tmp_path / "out").feedback
    second = tmp_path / "inbox 2"
    second.mkdir()
    shutil.copy(feedback, second / "feedback as written.xlsx")
    the_clock_moves_on()  # later, the partner fills in the cell marked red and saves
    fixed = PartnerWorkbook(feedback, LAYOUTS["p44"]).set("risks", "Staff turnover; cover agreed")
    fixed.save(second / "bradford fixed.xlsx")
    log = log_of(run_round(second, tmp_path / "out 2").path)
    assert "feedback the pipeline wrote" in log["feedback as written.xlsx"]["Reason"]
    assert log["bradford fixed.xlsx"]["Status"] == "accepted"
