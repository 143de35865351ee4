"""What a template says of its own checks: its sheet "How your plan is checked", and what each
cell says when selected.

The sheet lists every rule a return of the layout is checked by (``checks.rules_for``): those
the template checks as the partner types (each rule with an in-template form), then those
checked only when the return is received, grouped by why (``rules.OnReturn``). It is a sheet
of its own, printed with its own column titles on each page. A cell's input message is its
field's help and the checks watching it; with it, what the cell accepts (a data validation).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..declare import Field, Layout
from ..declare.rules import MANAGERS, finding_rule
from ..paper import points
from ..returns import HOW_CHECKED_SHEET
from ..values import KINDS
from .checks import checks_of, level, rules_for

COLUMNS = ("Check", "When it is checked", "Severity", "What it is",
           "What to do, or why not as you type")  # fmt: skip
WIDTHS = (26, 18, 10, 56, 50)  # one landscape page wide at 8 pt or more, as the Guidance
AS_YOU_TYPE, ON_RETURN = "As you type", "When we receive it"
MESSAGE_LIMIT = 255  # characters an input message holds
TITLE_HEIGHT = 18  # points: the title's row (14 pt)


def _plain(rule: str) -> bool:
    """A finding said in a cell's message only by its kind and whether it is required."""
    return rule in ("required", "no-organisation") or rule.startswith("not-")


def check_rows(layout: Layout, stamped: bool = True) -> list[tuple[str, ...]]:
    """The rules a return of ``layout`` is checked by: one row for each the template checks as
    the partner types (its title, when, how loud, what it is, what to do), Red first; then one
    for each reason others are checked only when the return is received (the reason in short,
    when, their levels, their titles, the reason). The managers' own list of findings (their
    flags) is no partner's."""
    rows = []
    for check in checks_of(layout, stamped):
        rule = check.rule
        row = (rule.title, AS_YOU_TYPE, level(check).word, rule.meaning([layout]), rule.to_do)
        if row not in rows:
            rows.append(row)
    later = [r for r in rules_for(layout) if r.on_return and r.on_return is not MANAGERS]
    for reason in dict.fromkeys(r.on_return for r in later):
        held = [r for r in later if r.on_return is reason]
        levels = " or ".join(dict.fromkeys(r.shown_as for r in held))
        rows.append((reason.heading, ON_RETURN, levels, "; ".join(r.title for r in held),
                     reason.why))  # fmt: skip
    return rows


def write_how_checked(book: Any, layout: Layout, formats: dict[str, Any],
                      fit: Callable[[Any, int, Iterable[tuple[Any, float]]], None],
                      print_setup: Callable[[Any, int, list[float]], None],
                      stamped: bool) -> None:  # fmt: skip
    """The sheet "How your plan is checked": a title, then ``check_rows`` under their column
    titles (``formats``: "title", "heading", "wrap"; ``fit(sheet, row, cells)`` makes a row
    tall enough for its texts; ``print_setup(sheet, heading_row, widths)`` prints it on A4,
    its column titles on each page)."""
    sheet = book.add_worksheet(HOW_CHECKED_SHEET)
    sheet.merge_range(0, 0, 0, len(COLUMNS) - 1, f"{layout.title}: {HOW_CHECKED_SHEET.lower()}",
                      formats["title"])  # fmt: skip
    sheet.set_row(0, TITLE_HEIGHT)
    for col, (title, width) in enumerate(zip(COLUMNS, WIDTHS, strict=True)):
        sheet.set_column(col, col, width)
        sheet.write_string(1, col, title, formats["heading"])
    for r, values in enumerate(check_rows(layout, stamped), start=2):
        for col, value in enumerate(values):
            sheet.write_string(r, col, value, formats["wrap"])
        fit(sheet, r, zip(values, WIDTHS))
    sheet.freeze_panes(2, 0)
    sheet.protect()
    print_setup(sheet, 1, [points(w) for w in WIDTHS])


def input_message(layout: Layout, field: Field) -> str:
    """What a cell of ``field`` says when selected: its help, and the checks watching it
    beyond its kind and whether it is required (by their titles), in 255 characters."""
    watching = [check.rule.title for check in checks_of(layout)
                if check.field == field.name and not _plain(check.rule.id)]  # fmt: skip
    said = f" Checked as you type: {'; '.join(dict.fromkeys(watching))}." if watching else ""
    room = MESSAGE_LIMIT - len(said)
    help_ = field.help if len(field.help) <= room else field.help[: room - 1] + "…"
    return (help_ + said)[:MESSAGE_LIMIT]


def validation(layout: Layout, f: Field, plan_start: int | None) -> dict[str, Any]:
    """What a cell of ``f`` accepts (one of its closed list, else what its kind accepts:
    ``values.KINDS``; anything, where neither says), what to do otherwise (the rule's words)
    and what it says when selected (``input_message``): an xlsxwriter data validation."""
    kind = KINDS[f.kind]
    if f.choices is not None:
        accepts = {"validate": "list", "source": list(f.choices.values)}
        to_do = f"Choose one of: {', '.join(f.choices.values)}."
    elif kind.accepts is not None:
        accepts, to_do = kind.accepts(f, plan_start), finding_rule(kind.rule).to_do
    else:
        accepts, to_do = {"validate": "any"}, ""  # (any: for its input message)
    rule = {**accepts, "input_title": f.title[:32], "input_message": input_message(layout, f)}
    if to_do:
        rule.update({"error_title": f.title[:32], "error_message": to_do[:255],
                     "show_error": True})  # fmt: skip
    return rule
