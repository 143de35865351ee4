"""How much memory a worker process holds, for the isolated workers' limits (``isolation``)."""

from __future__ import annotations

import os
from typing import Any


class Memory:
    """A worker's memory as the pool watches it: it may hold ``allowance`` bytes more than it
    held when given its first job (a fixed ceiling, as the system's cap is where there is one).
    With no allowance (the system caps the worker), nothing is watched."""

    def __init__(self, pid: int, allowance: int) -> None:
        self.pid, self.allowance = pid, allowance
        self.limit: int | None = None
        self.process: Any = None

    def _held(self) -> int:
        """What it holds: its private memory on Windows (which trims a process's working set
        whenever it likes), its resident memory elsewhere; 0 once it has ended."""
        import psutil

        try:
            if self.process is None:
                self.process = psutil.Process(self.pid)
            held = self.process.memory_info()
        except psutil.Error:  # it has ended: the pool hears so from its pipe
            return 0
        return held.vms if os.name == "nt" else held.rss

    def start(self) -> None:
        """A job starts: the ceiling is set, if this is the first."""
        if self.allowance and self.limit is None:
            self.limit = self._held() + self.allowance

    def exceeded(self) -> bool:
        """Whether it holds more than it is allowed."""
        return self.limit is not None and self._held() > self.limit


def mapped_bytes() -> int:
    """This process's virtual size (Linux), or 0 where it cannot be read."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0
