"""Reading text, email addresses and closed lists (a choice, Yes or No): the spellings people
type for them, and the limit of what a cell holds."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from ..declare.findings import shown
from ..declare.model import ClosedList, Field, Kind, normalise_title
from .reading import Reading

# --- text -----------------------------------------------------------------------------------

CELL_LIMIT = 32_767  # the most text a spreadsheet cell holds (Excel's limit)


def cell_length(text: str) -> int:
    """How long ``text`` is as Excel counts: in UTF-16 units, so an emoji counts as two."""
    if len(text) <= CELL_LIMIT // 2:  # cannot be over the limit: skip the slower count
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def fits_cell(text: str) -> bool:
    """Whether ``text`` fits in one spreadsheet cell."""
    return len(text) <= CELL_LIMIT // 2 or cell_length(text) <= CELL_LIMIT


def fit_cell(text: str) -> str:
    """``text`` cut to fit one spreadsheet cell, ending in "…" when it was cut."""
    if fits_cell(text):
        return text
    if cell_length(text) == len(text):  # no character counts twice
        return text[: CELL_LIMIT - 1] + "…"
    length = 0
    for index, char in enumerate(text):
        length += 2 if ord(char) > 0xFFFF else 1
        if length > CELL_LIMIT - 1:  # room is left for the "…"
            return text[:index] + "…"
    return text  # (not reached: the text does not fit)


# Points per wrapped line (LibreOffice's 11.2, Excel's up to 12.75): a little more than either
# needs, so that no wrapped text is cut off at the foot of its row
LINE_HEIGHT = 12.5
# A text is measured by its characters' own widths (``xl_pixel_width``: Excel's, about Arial
# 10's) and wrapped at its spaces as LibreOffice and Excel wrap it: counting characters had
# "offender management" (m's) on one line of a column that holds 20 characters of prose, and
# the row cut off its last line. Pixels of them a column width unit holds, at the least:
PIXELS_PER_WIDTH = 7.25
# Arial 10 characters in a width unit (about: LibreOffice fits 1.2 of prose, 1.35 of plain
# words), for what is told in characters (a column's width for its longest word)
CHARACTERS_PER_WIDTH = 1.15
# ... and a text no longer than this many characters a width unit surely fits on one line
# (its characters as wide as the widest, W and @, 13 pixels)
SURELY_ONE_LINE = PIXELS_PER_WIDTH / 13


@functools.lru_cache(maxsize=2**16)  # (words come again and again, in every round)
def _pixels(word: str) -> int:
    from xlsxwriter.utility import xl_pixel_width  # (here: a reader never needs it)

    return xl_pixel_width(word)


@functools.cache
def _ascii_pixels() -> bytes:
    """Each ASCII character's width in pixels (``xl_pixel_width``'s), by its code."""
    from xlsxwriter.utility import CHAR_WIDTHS  # (as ``_pixels``)

    return bytes(CHAR_WIDTHS.get(chr(code), 8) for code in range(256))


_PIECES = re.compile(r"[^/-]*[/-]|[^/-]+")  # a line may also break after a slash or a hyphen


def _lines_of(line: str, room: float) -> int:
    """How many lines one line of text takes wrapped in ``room`` pixels: at its spaces, and
    after a slash or a hyphen (``2026-11-14/Leeds action plan 20-11-26.xlsx``), as LibreOffice
    and Excel wrap it; a piece wider than a line broken where it reaches the edge."""
    # A line no wider than the room, all told, is one line (nothing below would break it):
    # its width is summed in C, several times quicker than the walk below (any character
    # past ASCII is 8 pixels wide: it is encoded as "?", and counted again as 8)
    ascii_ = line.encode("ascii", "replace")
    wide = sum(ascii_.translate(_ascii_pixels()))
    if not line.isascii():
        wide += (8 - _ascii_pixels()[63]) * (ascii_.count(b"?") - line.count("?"))
    if wide <= room:
        return 1
    lines, used, space = 1, 0.0, _pixels(" ")
    for word in line.split(" "):
        gap = space if used else 0.0  # (a word's first piece is after a space)
        # (most words have no slash or hyphen: they are one piece, unsplit)
        pieces = (_PIECES.findall(word) or [""]) if "/" in word or "-" in word else (word,)
        for piece in pieces:
            wide = _pixels(piece)
            if used + gap + wide <= room or not used:
                used += gap + wide
            else:
                lines, used = lines + 1, wide
            while used > room:  # (a piece longer than a line goes on over the next)
                lines, used = lines + 1, used - room
            gap = 0.0
    return lines


def lines_in(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` units wide (about: Excel and
    LibreOffice do not set a row's height from wrapped text written by a program). Not
    remembered: ``wrapped_lines`` is, for texts that come again."""
    room = width * PIXELS_PER_WIDTH
    if "\n" not in text:
        return _lines_of(text, room)
    return sum(_lines_of(line, room) for line in text.split("\n"))


@functools.lru_cache(maxsize=2**14)  # (a round's messages say the same things many times)
def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` units wide (``lines_in``,
    remembered)."""
    return lines_in(text, width)


def read_text(raw: Any, field: Field) -> Reading:
    """Text, its spacing tidied (long text keeps its line breaks): two spaces running, or a
    tab, newline or nbsp, become one space."""
    if type(raw) is str:  # the usual case, first
        if field.kind is Kind.LONG_TEXT:
            return Reading(raw.strip())
        return Reading(" ".join(raw.split()))  # (faster than looking for untidy spacing first)
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        return Reading(raw.strftime("%d/%m/%Y"))
    text = str(raw).strip()
    return Reading(text if field.kind is Kind.LONG_TEXT else " ".join(text.split()))


def is_text(value: Any) -> bool:
    """True for text."""
    return isinstance(value, str)


# --- email -----------------------------------------------------------------------------------

_EMAIL = re.compile(r"^[^@\s<>(),;:\"]+@[^@\s<>(),;:\"]+\.[a-z]{2,}$", re.IGNORECASE)


def read_email(raw: Any, field: Field) -> Reading:
    """An email address (a mailto: link read as its address)."""
    text = str(raw).strip()
    if text.lower().startswith("mailto:"):
        address = text[7:].strip()
        return Reading(address, f'read "{shown(text)}" as {shown(address)}')
    return Reading(text)


def is_email(value: Any) -> bool:
    """True for something shaped like an email address."""
    return isinstance(value, str) and _EMAIL.match(value) is not None


# --- closed lists ----------------------------------------------------------------------------

_YES = {"yes", "y", "x", "true", "1", "ticked", "tick", "✓", "✔", "√"}
_NO = {"no", "n", "false", "0", "none"}


def choose(text: str, choices: ClosedList) -> Reading:
    """The closed-list value a text means: exact (ignoring case), a synonym, or a near miss."""
    key = normalise_title(text)
    exact, synonyms = choices.exact, choices.folded_synonyms
    if key in exact:
        return Reading(exact[key])
    if key in synonyms:
        return Reading(synonyms[key], f'read "{text}" as "{synonyms[key]}"')
    close = difflib.get_close_matches(key, [*exact, *synonyms], n=1, cutoff=0.8)
    if close:
        value = exact.get(close[0]) or synonyms[close[0]]
        return Reading(value, f'read "{text}" as "{value}"')
    return Reading(text)


def read_choice(raw: Any, field: Field) -> Reading:
    """One of the field's closed list, from the spellings people type for it."""
    assert field.choices is not None  # guaranteed by Field.__post_init__
    return choose(read_text(raw, field).value, field.choices)


def read_yes_no(raw: Any, field: Field) -> Reading:
    """Yes or No, from the ways people tick a box."""
    if isinstance(raw, bool):
        return Reading("Yes" if raw else "No")
    text = read_text(raw, field).value
    folded = text.strip().lower()
    if folded in _YES:
        return Reading("Yes", None if folded == "yes" else f'read "{text}" as "Yes"')
    if folded in _NO:
        return Reading("No", None if folded == "no" else f'read "{text}" as "No"')
    return Reading(text)


def in_list(field: Field) -> Callable[[Any], bool]:
    """The test that a value is one of the field's closed list."""
    assert field.choices is not None
    allowed = frozenset(field.choices.values)
    return allowed.__contains__
