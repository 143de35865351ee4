"""A value as read from a cell, and the shape of a reader."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from ..declare.model import Field


class Reading(NamedTuple):
    """A value as read: the value to use and, when we had to guess, what we guessed. (A named
    tuple: a large round makes one for each of a few hundred thousand values, and a tuple is
    made faster than a frozen dataclass.)"""

    value: Any
    guess: str | None = None


Reader = Callable[[Any, Field], Reading]
