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
    Kind,
    Layout,
    normalise_title,
    squash,
)
from .registry import LAYOUTS, Registry, get_layout
from .severity import AMBER, RED, Severity

__all__ = [
    "AMBER",
    "CONTACT_EMAIL",
    "CONTACT_NAME",
    "LAYOUTS",
    "RED",
    "REGISTER_CONTACT",
    "Band",
    "ClosedList",
    "Completer",
    "Field",
    "Kind",
    "Layout",
    "Registry",
    "Severity",
    "get_layout",
    "normalise_title",
    "squash",
]
