"""Where things go on a partner's template, and how it prints.

Its plan's columns are narrowed (their texts wrapped) so that the plan prints one page wide at
8 pt or more; or, where even that cannot be (the three-year plan's twelve quarters and impact
assessment), a band at a time across pages (Part 1, then Part 2, then Part 3), each band
narrowed to fit its page beside the columns that name a row (Ref and Task), which every page
repeats. No page across is a strip of a column or two. The header fields go on the first
page, each beside its label (on a plan printed across, within the repeated columns, so that
every page shows them whole), and its long texts in boxes beside them where there is room.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..declare import Field, Kind, Layout, normalise_title
from ..paper import A4_WIDTH, ACROSS_AT, fits, naming_columns, narrowed, on_first_page, points
from ..values import KINDS
from ..values.text import CHARACTERS_PER_WIDTH

BOX_ROW = 2  # the Ready to send box's row: between the note and the header fields
HEADER_TOP = 3  # zero-based row of the first header label
# A long text box goes beside the other header fields where the first printed page has room
# for it: its label to the left of it, the box as many rows tall as its layout's header
# geometry says (``hooks.header_geometry``).
BOX_WIDTH_AT_LEAST = 30  # characters; a narrower box is put below, on a row of its own
LABEL_WIDTH = 14  # characters: a plan printed across has its labels in its first column
NARROWEST = 6  # characters: a column that wraps is narrowed no further (unless its words are)
BOLD = 1.1  # a heading's bold characters are about this much wider
NAMING_SHARE = 0.25  # of a page across, the repeated columns take at most this much


@dataclass(frozen=True)
class TemplatePaper:
    """A template's plan on paper: each column's width (characters), the columns every page
    repeats, and where pages across begin (none: one page wide)."""

    widths: tuple[float, ...]
    naming: int
    breaks: tuple[int, ...] = ()

    @property
    def first_page(self) -> int:
        """How many columns the first page holds."""
        return self.breaks[0] if self.breaks else len(self.widths)


def _wraps(f: Field) -> bool:
    """Whether the template's cell for ``f`` wraps its text (and so may be narrowed)."""
    return KINDS[f.kind].cell_format == "text"


def _floor(f: Field) -> float:
    """How narrow ``f``'s column may be: its title's longest word (bold, beside the filter
    button), and its list's longest word."""
    title = max(map(len, f.title.split()), default=0) * BOLD / CHARACTERS_PER_WIDTH + 3
    values = [w for v in (f.choices.values if f.choices else ()) for w in v.split()]
    value = max(map(len, values), default=0) / CHARACTERS_PER_WIDTH + 1
    return max(NARROWEST, title, value)


def template_paper(layout: Layout) -> TemplatePaper:
    """How ``layout``'s template prints (see the module)."""
    fields = layout.sheet_columns
    declared = [f.width for f in fields]
    wraps, floors = [_wraps(f) for f in fields], [_floor(f) for f in fields]
    if len(fields) > 1:  # the labels, over its first two columns, each on one line
        labels = max((len(f.title) for f in layout.header), default=0) * BOLD
        floors[1] = max(floors[1], labels / CHARACTERS_PER_WIDTH + 1 - declared[0])
    widths = narrowed(declared, wraps, floors)
    named = [f.name for f in fields].index(layout.named_by) if layout.named_by else 0
    if fits([points(w) for w in widths]) or not layout.bands:
        return TemplatePaper(tuple(widths), naming_columns([points(w) for w in widths], named))
    # a band a page, beside the naming columns (narrowed to a quarter of a page at most),
    # printed at the smallest scale (``paper.print_readably``)
    page = A4_WIDTH["landscape"] / ACROSS_AT
    naming = naming_columns([points(w) for w in declared], named)
    widths = [max(declared[0], LABEL_WIDTH), *declared[1:]]  # (the labels are in the first)
    floors[0] = max(floors[0], LABEL_WIDTH)
    widths[:naming] = narrowed(widths[:naming], wraps[:naming], floors[:naming],
                               reserve=page * (1 - NAMING_SHARE), at=ACROSS_AT)  # fmt: skip
    repeated = sum(points(w) for w in widths[:naming])
    names = [f.name for f in fields]
    starts = [names.index(band.first) for band in layout.bands]
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(fields)
        first = max(start, naming)
        widths[first:end] = narrowed(widths[first:end], wraps[first:end], floors[first:end],
                                     reserve=repeated, at=ACROSS_AT)  # fmt: skip
    return TemplatePaper(tuple(widths), naming, tuple(starts[1:]))


def table_lines(layout: Layout, rows: Sequence[Mapping[str, Any]]) -> list[str | Mapping[str, Any]]:
    """The lines of a template's table, top to bottom: each of ``rows``, and over each run of
    rows that share a heading (``Layout.heading``: the section of a list), that heading. Only
    the layout's own headings (``Layout.headings``) are written as heading rows, the ones a
    return is read by; a row with another stays under the heading above it."""
    if layout.heading is None:
        return list(rows)
    lines: list[str | Mapping[str, Any]] = []
    above = None
    for row in rows:
        heading = row.get(layout.heading.name)
        if heading != above and normalise_title(heading or "") in layout.headings:
            lines.append(str(heading))
            above = heading
        lines.append(row)
    return lines


def printed(layout: Layout) -> list[float]:
    """How wide each of the table's columns prints, in points (``template_paper``)."""
    return [points(w) for w in template_paper(layout).widths]


def first_page(layout: Layout) -> int:
    """How many of the table's columns the first printed page holds."""
    paper = template_paper(layout)
    return paper.first_page if paper.breaks else on_first_page(printed(layout))


def value_last(layout: Layout) -> int:
    """The last column of a header field's value: on the first printed page, beside its
    label (within the repeated columns, on a plan printed across)."""
    paper = template_paper(layout)
    if paper.breaks:
        return paper.naming - 1
    return min(len(layout.sheet_columns) - 1, 5, first_page(layout) - 1)


def header_columns(layout: Layout) -> tuple[int, int]:
    """The last column of a header field's label, and the first of its value: A:B and C, or
    A and B on a plan printed across (its labels in its first column, widened for them)."""
    return (0, 1) if template_paper(layout).breaks else (1, 2)


def boxes_beside(layout: Layout) -> tuple[int, int] | None:
    """Where long text boxes go beside the other header fields: the column of their labels
    and the last of the box, zero-based; None where the first printed page has no room for
    them (they go below, each on a row of its own)."""
    if not any(f.kind is Kind.LONG_TEXT for f in layout.header):
        return None
    label = value_last(layout) + 1
    last = first_page(layout) - 1
    wide = sum(template_paper(layout).widths[label + 1 : last + 1])
    return (label, last) if last > label + 1 and wide >= BOX_WIDTH_AT_LEAST else None


def box_rows(layout: Layout) -> int:
    """How many rows tall each long text box beside the other header fields is."""
    boxes = sum(f.kind is Kind.LONG_TEXT for f in layout.header)
    return layout.hooks.header_geometry().rows_of_box(len(layout.header) - boxes, boxes)


def header_places(layout: Layout) -> dict[str, tuple[int, int]]:
    """Where a template puts each header field's value: zero-based (row, column). Labels are
    in columns A:B (``header_columns``) from ``HEADER_TOP`` down, each value to the right of
    its label; long text boxes beside them (``boxes_beside``), or below, each on its own
    row."""
    beside = boxes_beside(layout)
    places, row, box_row = {}, HEADER_TOP, HEADER_TOP
    for f in layout.header:
        if beside and f.kind is Kind.LONG_TEXT:
            places[f.name] = (box_row, beside[0] + 1)
            box_row += box_rows(layout)
        else:
            places[f.name] = (row, header_columns(layout)[1])
            row += 1
    return places


def header_rows(layout: Layout) -> int:
    """How many rows a template's header fields take."""
    boxes = sum(f.kind is Kind.LONG_TEXT for f in layout.header) if boxes_beside(layout) else 0
    return max(len(layout.header) - boxes, boxes * box_rows(layout))


def box_place(layout: Layout) -> tuple[int, int, int, int]:
    """Where a template's Ready to send box goes: its top row, left column, bottom row and
    right column, zero-based. Over the first printed page's columns, on its own row between
    the note and the header fields; on a plan printed across, beside the title, the note and
    the header fields, in the first page's columns right of those every page repeats, so that
    it prints whole on the first page and not at all on the others (a box over the repeated
    columns would show its left end on each)."""
    paper = template_paper(layout)
    if paper.breaks and paper.breaks[0] > paper.naming:
        return 0, paper.naming, HEADER_TOP + header_rows(layout) - 1, paper.breaks[0] - 1
    return BOX_ROW, 0, BOX_ROW, first_page(layout) - 1


def heading_row(layout: Layout) -> int:
    """The zero-based row of a template's table's column titles."""
    return HEADER_TOP + header_rows(layout) + (2 if layout.bands else 1)
