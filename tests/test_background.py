"""Our own work done on the other core comes back whole: its result, its error, or word that
it died."""

from __future__ import annotations

import os

import pytest

from pipeline.errors import PipelineError
from pipeline.system.background import Background, Gone, Standby


def _sum_of(numbers: list[int]) -> int:
    return sum(numbers)


def _fails() -> None:
    raise PipelineError("The store outbox/pipeline.sqlite is read-only: ...")


def _dies() -> None:
    os._exit(3)


_READY: list[str] = []


def _get_ready() -> None:
    _READY.append("imported")


def _what_was_ready_and(numbers: list[int]) -> tuple[list[str], int]:
    return list(_READY), sum(numbers)


def test_the_child_gets_its_arguments_and_sends_back_its_result():
    big = list(range(1_000_000))  # shared by a fork, pickled to a spawned child
    assert Background(_sum_of, big).result() == sum(big)


def test_an_error_in_the_child_is_raised_again_here_with_its_message():
    with pytest.raises(PipelineError, match="read-only"):
        Background(_fails).result()


def test_a_child_that_dies_is_reported_not_waited_for():
    with pytest.raises(PipelineError, match=r"_dies stopped unexpectedly \(exit code 3\)"):
        Background(_dies).result()


def test_a_standby_child_gets_ready_first_and_works_on_what_it_is_handed_later():
    child = Standby(_what_was_ready_and, _get_ready)
    numbers = list(range(100_000))  # (more than a pipe holds: sent while the child prepares)
    child.give(numbers)
    assert child.result() == (["imported"], sum(numbers))
    assert _READY == []  # (got ready in the child, not here)


def test_a_standby_child_told_to_stop_ends_without_working():
    child = Standby(_what_was_ready_and, _get_ready)
    child.stop()
    child._process.join(timeout=10)
    assert child._process.exitcode == 0


def test_a_standby_child_that_dies_before_its_work_is_reported_as_gone():
    child = Standby(_what_was_ready_and, _dies)
    child._process.join(timeout=10)
    with pytest.raises(Gone, match=r"_what_was_ready_and stopped unexpectedly \(exit code 3\)"):
        child.give([1, 2])
        child.result()
