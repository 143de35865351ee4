"""The vocabulary every layout is declared in, and the registry of layouts.

``model``: fields, closed lists, the layout; ``measures``: the figures every report shows;
``progress``: where each row stands; ``rounds`` and ``quarters``: reporting periods;
``reporting``: what a layout may add to the reports; ``registry``: ``LAYOUTS``. This package
imports nothing of the pipeline above it: the layouts (``pipeline.layouts``) and every feature
import it.
"""

from .model import (
    CONTACT_EMAIL,
    CONTACT_NAME,
    REGISTER_CONTACT,
    Band,
    ClosedList,
    Completer,
    Field,
    FlagLevel,
    Kind,
    Layout,
    normalise_title,
    squash,
)
from .registry import LAYOUTS, Registry, get_layout

__all__ = [
    "CONTACT_EMAIL",
    "CONTACT_NAME",
    "LAYOUTS",
    "REGISTER_CONTACT",
    "Band",
    "ClosedList",
    "Completer",
    "Field",
    "FlagLevel",
    "Kind",
    "Layout",
    "Registry",
    "get_layout",
    "normalise_title",
    "squash",
]
