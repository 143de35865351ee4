"""How wide the consolidated workbook's columns are: as wide as their content, their titles
whole, and, where a table's printed columns are too wide for a page at 8 pt, its texts wrapped
in narrower columns (``paper.narrowed``), so that it prints one page wide."""

from __future__ import annotations

import contextlib
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from operator import itemgetter
from typing import Any

from ..paper import narrowed
from ..values import LINE_HEIGHT
from ..values.text import CHARACTERS_PER_WIDTH, SURELY_ONE_LINE, lines_in
from .tables import DATE, EMAIL, INT, LONG, NUMBER, PERCENT, RAG, TEXT, TRAIL, Col

WIDEST = {TEXT: 50, LONG: 70, DATE: 11, INT: 14, NUMBER: 14, PERCENT: 14, RAG: 12, TRAIL: 20,
          EMAIL: 40}  # fmt: skip
FILTER_BUTTON = 3  # characters of a heading's width its filter button covers
NARROWEST = 10  # a text column is narrowed for paper no further (unless its words are longer)
BOLD = 1.1  # a bold heading's characters are about this much wider
# a column width unit holds about this many characters of a bold heading, at the least (its
# capitals are wide: a heading's longest word must fit whole)
HEADING_CHARACTERS = 1.0


def fit_columns(
    columns: list[Col],
    sample: list[tuple[Any, ...]],
    left: int = 0,
    at_least: Mapping[int, float] | None = None,
    printed: int | None = None,
    filters: bool = True,
    reserve: float = 0,
    portrait: bool = False,
) -> tuple[list[float], list[Col]]:
    """Widths (characters) that fit each title (whole words, beside the filter button, or
    without one unless ``filters``) and the longest value of the ``sample`` rows, no narrower
    than ``at_least[col]`` (by the sheet's column, the first being ``left``); long texts wrap
    at their set width (one with no text in the sample is as wide as its title). Where the
    first ``printed`` columns (by default, all) are too wide for a page at 8 pt
    (``portrait``, or landscape; beside others ``reserve`` points wide), their texts are
    wrapped in narrower columns, first as narrow as their columns say. Returns the widths and
    the columns as they are to be written: a text narrowed to fit, or printed and longer
    than its column, is written wrapped (a long text), at its width."""
    at_least = at_least or {}
    printed = len(columns) if printed is None else printed
    longest, words = _longest(columns, sample)
    button = FILTER_BUTTON if filters else 1
    wide, floors = [], []
    for col, (column, length, word) in enumerate(zip(columns, longest, words), start=left):
        title = heading_width(column.title, button)
        whole = heading_width(column.title, button, whole_words_only=True)
        if column.kind == LONG:  # (as wide as it says; an empty one, as its title)
            width = max(column.width if word else min(column.width, title), whole)
        else:  # titles wrap onto two lines or more, whole words, beside the filter button
            width = min(max(length + 2, title, 7 if filters else 3),
                        max(WIDEST[column.kind], title))  # fmt: skip
        wide.append(max(width, at_least.get(col, 0)))
        floors.append(max(NARROWEST, whole, min(word / CHARACTERS_PER_WIDTH + 1, 14),
                          at_least.get(col, 0)))  # fmt: skip
    wrappable = [c.kind in (TEXT, LONG) for c in columns]
    fitted = narrowed(wide[:printed], wrappable[:printed], floors[:printed], portrait, reserve)
    if fitted != wide[:printed]:  # too wide: texts first as narrow as their columns say
        said = [min(w, max(c.width, f)) if c.kind == TEXT else w
                for w, c, f in zip(wide, columns, floors)]  # fmt: skip
        fitted = narrowed(said[:printed], wrappable[:printed], floors[:printed], portrait,
                          reserve)  # fmt: skip
    widths, written = [], []
    for j, column in enumerate(columns):
        width = fitted[j] if j < printed else wide[j]
        # a printed text wider than its column wraps (its longest may be too long even
        # unnarrowed; on screen, one kept for it runs on or is cut)
        cut = column.kind == TEXT and j < printed and longest[j] + 2 > width
        if column.kind == LONG or (wrappable[j] and (width < wide[j] or cut)):
            column = replace(column, kind=LONG, width=width)
        widths.append(width)
        written.append(column)
    return widths, written


def _longest(columns: list[Col], sample: list[tuple[Any, ...]]) -> tuple[list[int], list[int]]:
    """How long each column's longest value is when shown, over the ``sample`` rows (0 for
    long texts, which wrap at a set width), and its longest word (for texts)."""
    longest, words = [0] * len(columns), [0] * len(columns)
    for j, (column, values) in enumerate(zip(columns, zip(*sample))):
        shown = [_shown(value) for value in values]
        if column.kind != LONG:
            longest[j] = max(map(len, shown), default=0)
        if column.kind in (TEXT, LONG):
            words[j] = max((len(w) for text in shown for w in text.split()), default=0)
    return longest, words


def heading_width(title: str, button: float = FILTER_BUTTON,
                  whole_words_only: bool = False) -> float:  # fmt: skip
    """How wide a column must be for its title to show whole: its longest word (bold) beside
    the filter button (``button`` characters wide), and (unless ``whole_words_only``, or it
    has no filter button) at most about three lines of it."""
    longest_word = max(map(len, title.split()), default=0)
    whole = longest_word / HEADING_CHARACTERS + button
    if whole_words_only or button < FILTER_BUTTON:
        return whole
    return max(whole, min(len(title) // 3 + 3, 20))


def heading_lines(title: str, width: float, button: float = FILTER_BUTTON) -> int:
    """How many lines a bold heading takes in a column ``width`` wide: wrapped at whole words
    across the column, and a line more where its last line would run under the filter button
    (``button`` characters wide, at the cell's bottom right, on screen)."""
    per_line = max(int(width * HEADING_CHARACTERS), 1)
    lines = textwrap.wrap(title, per_line) or [""]
    under_button = len(lines[-1]) > (width - button) * HEADING_CHARACTERS
    return len(lines) + (button > 1 and under_button)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return "00/00/0000"
    return str(value)


def row_heights(wrap: list[tuple[int, float]]) -> Callable[[tuple[Any, ...]], float | None]:
    """How tall a row must be for its long texts (column ``j`` of ``wrap`` is ``width``
    wide), or None when one line will do: a function of the row. (Hot: it is asked of every
    row of a national round. Each column's texts are measured once and their lines kept,
    ``_KNOWN`` a column, all looked up at once, in C; a text that surely fits one line, the
    usual case, is not measured.)"""
    if not wrap:
        return _one_line
    columns = wrap * 2 if len(wrap) == 1 else wrap  # (one place: itemgetter gives no tuple)
    pick = itemgetter(*(j for j, _ in columns))
    widths = [(width, width * SURELY_ONE_LINE) for _, width in columns]
    known: list[dict[Any, int]] = [{None: 1} for _ in columns]  # lines, by value

    def height(row: tuple[Any, ...]) -> float | None:
        values = pick(row)
        try:
            counts = list(map(_LINES, known, values))
        except TypeError:  # (a value that cannot be kept: measured each time)
            counts = [None] * len(values)
        if None in counts:
            for k, n in enumerate(counts):
                if n is None:
                    counts[k] = _measured(values[k], *widths[k], known[k])
        lines = max(counts)
        return LINE_HEIGHT * lines if lines > 1 else None

    return height


_LINES = dict.get
_KNOWN = 2**14  # values whose lines a row height function keeps, a column


def _one_line(row: tuple[Any, ...]) -> None:
    return None


def _measured(value: Any, width: float, one_line: float, known: dict[Any, int]) -> int:
    """How many lines ``value`` takes in a column ``width`` wide (a text no longer than
    ``one_line`` surely one; anything but a text, one), kept in ``known`` while it has room."""
    lines = 1
    if isinstance(value, str) and (len(value) > one_line or "\n" in value):
        lines = lines_in(value, width)
    if len(known) <= _KNOWN:
        with contextlib.suppress(TypeError):  # (unhashable: not kept)
            known[value] = lines
    return lines
