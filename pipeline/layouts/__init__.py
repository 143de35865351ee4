"""The return layouts, each declared once; ``LAYOUTS`` is the registry the rest reads."""

from __future__ import annotations

from ..errors import UsageError
from .model import Band, ClosedList, Field, FlagLevel, Kind, Layout, normalise_title, squash
from .p44 import P44
from .three_year import THREE_YEAR

LAYOUTS: dict[str, Layout] = {layout.name: layout for layout in (P44, THREE_YEAR)}


def get_layout(name: str) -> Layout:
    """The layout called ``name``, or a UsageError listing the known ones."""
    try:
        return LAYOUTS[name]
    except KeyError:
        known = ", ".join(LAYOUTS)
        raise UsageError(f"Unknown layout {name!r}: use one of {known}.") from None


__all__ = [
    "LAYOUTS",
    "Band",
    "ClosedList",
    "Field",
    "FlagLevel",
    "Kind",
    "Layout",
    "get_layout",
    "normalise_title",
    "squash",
]
