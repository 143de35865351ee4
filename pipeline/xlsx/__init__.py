"""Editing .xlsx packages directly, part by part: marking cells of a partner's workbook and
adding a sheet to it, quickly and keeping all else as it was (see ``package``).

Each name is imported from its module when first asked for, so that what needs only
``archive`` (a template's parts written again, ``templates.rows``) does not import lxml
and the rest.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .marks import KEEP, Mark, mark_sheet
    from .package import Package, Unmarkable
    from .sheet import Row, worksheet
    from .styles import Styles

_FROM = {
    **dict.fromkeys(("KEEP", "Mark", "mark_sheet"), "marks"),
    **dict.fromkeys(("Package", "Unmarkable"), "package"),
    **dict.fromkeys(("Row", "worksheet"), "sheet"),
    "Styles": "styles",
}

__all__ = ["KEEP", "Mark", "Package", "Row", "Styles", "Unmarkable", "mark_sheet", "worksheet"]


def __getattr__(name: str) -> Any:
    """One of ``__all__``, imported from its module (once)."""
    if name not in _FROM:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = globals()[name] = getattr(import_module(f".{_FROM[name]}", __name__), name)
    return value
