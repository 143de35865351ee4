"""Reading returned files: open any spreadsheet, find the layout by its labels, load values."""

from .loader import load

__all__ = ["load"]
