"""A value as read from a cell, and the shape of a reader."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..declare.model import Field


@dataclass(frozen=True)
class Reading:
    """A value as read: the value to use and, when we had to guess, what we guessed."""

    value: Any
    guess: str | None = None


Reader = Callable[[Any, Field], Reading]
