"""Someone watching a long run on a terminal sees which stage it is in and how far along; a
script (or anything reading the output through a pipe) sees no progress lines, and nor does
``--quiet``."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios

from builders import action, p44_return, three_year_return

RUN = [sys.executable, "-m", "pipeline", "run", "--as-of", "2026-11-20"]


def on_a_terminal(command: list[str], cwd) -> str:
    """What ``command`` shows on a terminal 100 columns wide, carriage returns as new lines."""
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=child,
                               stderr=child)  # fmt: skip
    os.close(child)
    shown = bytearray()
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:  # the run has ended and closed the terminal
            break
        if not data:
            break
        shown.extend(data)
    assert process.wait() == 0, shown.decode(errors="replace")
    os.close(main)
    return shown.decode(errors="replace").replace("\r", "\n")


def a_round(tmp_path, inbox, registers) -> list[str]:
    p44_return(inbox, rows=[action("A01", status="On hold")])  # (something to feed back)
    three_year_return(inbox)
    return [*RUN, "--inbox", str(inbox), "--outbox", str(tmp_path / "outbox"), "--register",
            str(registers["p44"]), "--register", str(registers["three_year"])]  # fmt: skip


def test_a_run_on_a_terminal_shows_reading_writing_and_feedback_with_counts(
    tmp_path, inbox, registers
):
    shown = on_a_terminal(a_round(tmp_path, inbox, registers), tmp_path)
    assert "Reading returns" in shown and "/2 [" in shown  # files read, of two
    assert "Writing the workbook" in shown and " cells" in shown
    assert "Writing feedback" in shown and "/1 [" in shown  # one copy to write
    assert "Consolidated workbook:" in shown


def test_quiet_shows_no_progress_and_a_pipe_sees_none(tmp_path, inbox, registers):
    command = a_round(tmp_path, inbox, registers)
    shown = on_a_terminal([*command, "--quiet"], tmp_path)
    assert "Consolidated workbook:" in shown
    assert "Reading returns" not in shown and "Writing" not in shown
    piped = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=True)
    assert "Consolidated workbook:" in piped.stdout
    assert "Reading returns" not in piped.stdout + piped.stderr
