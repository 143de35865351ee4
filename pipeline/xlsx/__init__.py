"""Editing .xlsx packages directly, part by part: marking cells of a partner's workbook and
adding a sheet to it, quickly and keeping all else as it was (see ``package``)."""

from .marks import KEEP, Mark, mark_sheet
from .package import Package, Unmarkable
from .sheet import Row, worksheet
from .styles import Styles

__all__ = ["KEEP", "Mark", "Package", "Row", "Styles", "Unmarkable", "mark_sheet", "worksheet"]
