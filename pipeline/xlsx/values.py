"""A value as a cell holds it, for both ways a sheet is edited (parsed, or in its bytes)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from ..declare.findings import column_letter

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def letters(column: int) -> str:
    """Column 8 (from 1) as ``H``."""
    return column_letter(column - 1)


def held(value: Any, date1904: bool = False) -> tuple[bool, str]:
    """(whether it is a number, its text) for ``value`` in a cell: a date as its serial day, a
    number as a number, anything else as text (never a formula). Text XML cannot hold is
    refused (ValueError), as the XML library refuses it."""
    if isinstance(value, date):
        start = date(1904, 1, 1) if date1904 else date(1899, 12, 30)
        day = value.date() if isinstance(value, datetime) else value
        return True, str((day - start).days)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True, repr(value)
    text = str(value)
    if _NOT_XML.search(text):
        raise ValueError("All strings must be XML compatible")
    return False, text


def cell_xml(value: Any, date1904: bool = False) -> tuple[str, str]:
    """(the cell's type attribute, its value's XML) for ``value``, as ``held`` says."""
    number, text = held(value, date1904)
    if number:
        return "", f"<v>{text}</v>"
    return ' t="inlineStr"', f'<is><t xml:space="preserve">{escape(text, _CR)}</t></is>'


def text_xml(text: str) -> str:
    """``text`` as an element's text in XML, escaped as lxml writes it; text XML cannot hold
    is refused (ValueError), as lxml refuses it."""
    if _NOT_XML.search(text):
        raise ValueError("All strings must be XML compatible")
    return escape(text, _CR)


_CR = {"\r": "&#13;"}  # (kept as a line end: a bare one is read as a space)
