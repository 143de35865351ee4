"""The field-by-field Guidance, derived from a layout declaration.

The same rows go on every template's Guidance sheet and on the consolidated workbook's, so
what a partner is told and what the checker enforces cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from .declare import Field, Kind, Layout
from .declare.quarters import financial_quarter_name, financial_quarter_of
from .values import KINDS, uk

GUIDANCE_COLUMNS = ("Field", "Where", "Required", "Kind", "What to put", "Allowed values")
GUIDANCE_WIDTHS = (24, 18, 12, 12, 60, 34)  # one landscape page wide at 8 pt or more


# The example of a kind of value for a template of the round of a given day (a day, its
# financial quarter, its financial year), where a fixed one would be years away from it.
EXAMPLES_NEAR: dict[Kind, Callable[[date], str]] = {
    Kind.DATE: uk,
    Kind.FY_QUARTER: lambda day: financial_quarter_name(*financial_quarter_of(day)),
    Kind.YEAR: lambda day: str(financial_quarter_of(day)[0]),
}


FREE_TEXT = (Kind.TEXT, Kind.LONG_TEXT)


def allowed_values(field: Field, near: date | None = None) -> str:
    """The closed list, or an example of the kind of value wanted (near the day ``near``,
    where given and the kind has one)."""
    if field.choices is not None:
        return ", ".join(field.choices.values)
    if field.kind is Kind.YES_NO:
        return "Yes, No or blank"
    if near is not None and field.kind in EXAMPLES_NEAR:
        return f"e.g. {EXAMPLES_NEAR[field.kind](near)}"
    if field.kind in FREE_TEXT:  # (an example of "text" tells nobody anything)
        return "Any text"
    return f"e.g. {KINDS[field.kind].example}"


def _where(layout: Layout, field: Field) -> str:
    if field in layout.header:
        return "Top of the sheet, right of its label"
    rows = layout.hooks.rows()
    if field.heading:
        return f"{rows.noun.title()}s table, a heading row over its {rows.plural}"
    for band in layout.bands:
        names = [f.name for f in layout.columns]
        if names.index(band.first) <= names.index(field.name) <= names.index(band.last):
            return f"{rows.noun.title()}s table, {band.title}"
    return f"{rows.noun.title()}s table"


def guidance_rows(layout: Layout, near: date | None = None) -> list[tuple[Any, ...]]:
    """One row per field: title, where it goes, required, kind, help, allowed values (their
    examples near the day ``near``, where given)."""
    rows = []
    quarters = layout.hooks.quarters()
    columns = quarters.columns if quarters else ()
    for f in layout.fields:
        if f.name in columns[1:]:
            continue  # the other quarters read exactly as the first; one row says it for all
        last = layout.field(columns[-1]).title if columns else ""
        title = f"{f.title} … {last}" if columns and f.name == columns[0] else f.title
        rows.append(
            (
                title,
                _where(layout, f),
                f"Yes ({f.gap.value} if empty)" if f.required else "",
                f.kind.value,
                f.help,
                allowed_values(f, near),
            )
        )
    return rows
