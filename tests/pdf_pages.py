"""What is on each page of a PDF, read with PDFium (``pypdfium2``, which pdfplumber itself
renders with): each page's first line of text and its smallest character size.

PDFium reads a page in milliseconds where pdfplumber (pdfminer's layout analysis) takes a
fifth of a second, which is minutes over a printed workbook of a few hundred pages. The
first line is put together as pdfplumber's ``extract_text`` does (characters within 3 pt of
the top line's baseline, left to right, a space where a gap is wider than 3 pt), and the sizes
are the ones pdfplumber gives; on the meeting round's printed workbook, pack and Fix list
(148 pages) both give the same lines and sizes.
"""

from __future__ import annotations

import ctypes
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium

TOLERANCE = 3.0  # points, as pdfplumber's x_tolerance and y_tolerance


def pages(pdf: Path) -> list[tuple[str, float]]:
    """Each page's first line of text and its smallest character size, in points (99 for a
    page with no text)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [_page(page) for page in document]
    finally:
        document.close()


def _page(page: pypdfium2.PdfPage) -> tuple[str, float]:
    text = page.get_textpage()
    height = page.get_height()
    box, x, y = pdfium.FS_RECTF(), ctypes.c_double(), ctypes.c_double()
    chars = []  # (down from the top to the baseline, left, right, character)
    sizes = []
    for i in range(text.count_chars()):
        if pdfium.FPDFText_IsGenerated(text.raw, i):
            continue  # a space PDFium adds between words (pdfplumber sees none)
        char = chr(pdfium.FPDFText_GetUnicode(text.raw, i))
        if char in "\r\n":
            continue
        pdfium.FPDFText_GetLooseCharBox(text.raw, i, box)
        pdfium.FPDFText_GetCharOrigin(text.raw, i, x, y)
        chars.append((height - y.value, box.left, box.right, char))
        if char.strip():
            sizes.append(pdfium.FPDFText_GetFontSize(text.raw, i))
    text.close()
    page.close()
    return _first_line(chars), min(sizes, default=99.0)


def _first_line(chars: list[tuple[float, float, float, str]]) -> str:
    shown = [c for c in chars if c[3].strip()]
    if not shown:
        return ""
    top = min(c[0] for c in shown)
    line, right = "", None
    for _, left, ends, char in sorted((c for c in chars if abs(c[0] - top) <= TOLERANCE),
                                      key=lambda c: c[1]):  # fmt: skip
        if right is not None and left - right > TOLERANCE:
            line += " "
        line, right = line + char, ends
    return " ".join(line.split())
