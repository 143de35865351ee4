"""The field-by-field Guidance, derived from a layout declaration.

The same rows go on every template's Guidance sheet and on the consolidated workbook's, so
what a partner is told and what the checker enforces cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from .layouts import Field, Kind, Layout
from .values import KINDS

GUIDANCE_COLUMNS = ("Field", "Where", "Required", "Kind", "What to put", "Allowed values")
GUIDANCE_WIDTHS = (30, 26, 16, 14, 80, 40)


def allowed_values(field: Field) -> str:
    """The closed list, or an example of the kind of value wanted."""
    if field.choices is not None:
        return ", ".join(field.choices.values)
    if field.kind is Kind.YES_NO:
        return "Yes, No or blank"
    return f"e.g. {KINDS[field.kind].example}"


def _where(layout: Layout, field: Field) -> str:
    if field in layout.header:
        return "Top of the sheet, right of its label"
    for band in layout.bands:
        names = [f.name for f in layout.columns]
        if names.index(band.first) <= names.index(field.name) <= names.index(band.last):
            return f"{layout.row_noun.title()}s table, {band.title}"
    return f"{layout.row_noun.title()}s table"


def guidance_rows(layout: Layout) -> list[tuple[Any, ...]]:
    """One row per field: title, where it goes, required, kind, help, allowed values."""
    rows = []
    quarters = [f for f in layout.fields if f.quarter is not None]
    for f in layout.fields:
        if f.quarter is not None and f.quarter > 1:
            continue  # the other quarters read exactly as the first; one row says it for all
        title = f"{f.title} … {quarters[-1].title}" if f.quarter == 1 else f.title
        rows.append(
            (
                title,
                _where(layout, f),
                f"Yes ({f.gap.value} if empty)" if f.required else "",
                f.kind.value,
                f.help,
                allowed_values(f),
            )
        )
    return rows
