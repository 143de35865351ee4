"""Work left to isolated workers while the run does something else (the feedback copies,
while the workbook is written): it waits for a free core while the run is busy, and goes on
at the usual priority once the run is done with its own work."""

from __future__ import annotations

import threading

from worker_jobs import failed_because, priority_and

from pipeline.system.isolation import Isolation, start_isolated


def test_workers_yield_while_the_run_is_busy_and_work_as_usual_after():
    busy = threading.Event()
    busy.set()
    running = start_isolated(priority_and, [(n,) for n in range(40)], failed_because,
                             Isolation(workers=2), busy=busy)  # fmt: skip
    # (the run's own work would happen here)
    busy.clear()
    results = running.result()
    assert [number for _, number in results] == list(range(40))  # every job, in order
    niceness = [lower for lower, _ in results]
    assert niceness[0] > 0 and niceness[-1] == 0, niceness


def test_a_run_that_fails_meanwhile_stops_giving_out_jobs():
    busy = threading.Event()
    busy.set()
    jobs = [(n,) for n in range(500)]
    running = start_isolated(priority_and, jobs, failed_because, Isolation(workers=2), busy=busy)
    running.stop()  # the run failed: nothing more is started, and what was begun has ended
    results = running.result()
    assert results[0] is not None and results[-1] is None
