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
from typing import Any

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


def cut_texts(pdf: Path) -> list[str]:
    """The texts cut short on the pages of ``pdf``: each line of a cell that LibreOffice clips
    at its cell's edge (a text object wider than the clip path it is drawn in; the PDF keeps
    the whole text, so the cut is found by where it is drawn, not by what it says), as
    ``page N: text``."""
    document = pypdfium2.PdfDocument(pdf)
    cut = []
    try:
        for n, page in enumerate(document, start=1):
            text = page.get_textpage()
            for i in range(pdfium.FPDFPage_CountObjects(page.raw)):
                drawn = pdfium.FPDFPage_GetObject(page.raw, i)
                if pdfium.FPDFPageObj_GetType(drawn) != pdfium.FPDF_PAGEOBJ_TEXT:
                    continue
                left, right = _across(drawn)
                clip = _clip_across(drawn)
                if clip and (left < clip[0] - 1 or right > clip[1] + 1):
                    cut.append(f"page {n}: {_text_of(drawn, text)}")
            text.close()
            page.close()
    finally:
        document.close()
    return cut


def _across(drawn: Any) -> tuple[float, float]:
    """Where a page object starts and ends, left to right (points)."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    pdfium.FPDFPageObj_GetBounds(drawn, left, bottom, right, top)
    return left.value, right.value


def _clip_across(drawn: Any) -> tuple[float, float] | None:
    """Where the clip path a page object is drawn in starts and ends, left to right (the
    narrowest of its paths), or None where it has none."""
    clip = pdfium.FPDFPageObj_GetClipPath(drawn)
    if not clip:
        return None
    spans = []
    x, y = ctypes.c_float(), ctypes.c_float()
    for path in range(pdfium.FPDFClipPath_CountPaths(clip)):
        xs = []
        for segment in range(pdfium.FPDFClipPath_CountPathSegments(clip, path)):
            pdfium.FPDFPathSegment_GetPoint(
                pdfium.FPDFClipPath_GetPathSegment(clip, path, segment), x, y
            )
            xs.append(x.value)
        if xs:
            spans.append((min(xs), max(xs)))
    if not spans:
        return None
    return max(s[0] for s in spans), min(s[1] for s in spans)


def _text_of(drawn: Any, text: Any) -> str:
    """A text object's text."""
    size = pdfium.FPDFTextObj_GetText(drawn, text.raw, None, 0)
    buffer = (ctypes.c_ushort * size)()
    pdfium.FPDFTextObj_GetText(drawn, text.raw, buffer, size)
    return bytes(buffer).decode("utf-16-le").rstrip("\x00")


def overrun_texts(pdf: Path) -> list[str]:
    """Where text runs over other text on the pages of ``pdf`` (a wrapped cell taller than
    its row, drawn over the row below), as ``page N: 'a' over 'b'``: two lines of text, each
    a text object, whose boxes overlap by more than a third of a line."""
    document = pypdfium2.PdfDocument(pdf)
    found = []
    try:
        for n, page in enumerate(document, start=1):
            text = page.get_textpage()
            lines = []  # (left, right, bottom, top, object)
            for i in range(pdfium.FPDFPage_CountObjects(page.raw)):
                drawn = pdfium.FPDFPage_GetObject(page.raw, i)
                if pdfium.FPDFPageObj_GetType(drawn) == pdfium.FPDF_PAGEOBJ_TEXT:
                    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
                    pdfium.FPDFPageObj_GetBounds(drawn, left, bottom, right, top)
                    lines.append((left.value, right.value, bottom.value, top.value, drawn))
            lines.sort(key=lambda line: line[0])
            for i, (_, right, bottom, top, drawn) in enumerate(lines):
                for other in lines[i + 1 :]:
                    if other[0] >= right - 1:
                        break
                    down = min(top, other[3]) - max(bottom, other[2])
                    if down > (top - bottom) / 3 and abs(top - other[3]) > 0.5:
                        said = f"{_text_of(drawn, text)!r} over {_text_of(other[4], text)!r}"
                        found.append(f"page {n}: {said}")
            text.close()
            page.close()
    finally:
        document.close()
    return found
