"""Our own work done on the other core comes back whole: its result, its error, or word that
it died."""

from __future__ import annotations

import os

import pytest

from pipeline.errors import PipelineError
from pipeline.system.background import Background


def _sum_of(numbers: list[int]) -> int:
    return sum(numbers)


def _fails() -> None:
    raise PipelineError("The store outbox/pipeline.sqlite is read-only: ...")


def _dies() -> None:
    os._exit(3)


def test_the_child_gets_its_arguments_and_sends_back_its_result():
    big = list(range(1_000_000))  # shared by a fork, pickled to a spawned child
    assert Background(_sum_of, big).result() == sum(big)


def test_an_error_in_the_child_is_raised_again_here_with_its_message():
    with pytest.raises(PipelineError, match="read-only"):
        Background(_fails).result()


def test_a_child_that_dies_is_reported_not_waited_for():
    with pytest.raises(PipelineError, match=r"_dies stopped unexpectedly \(exit code 3\)"):
        Background(_dies).result()
