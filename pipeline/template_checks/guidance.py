"""What a template's Guidance says of its checks, and what each cell says when selected.

The Guidance sheet lists every rule a return of the layout is checked by: those the template
checks as the partner types, then those checked only when the return is received, each saying
why (``RETURN_ONLY``). A cell's input message is its field's help and the checks watching it.
"""

from __future__ import annotations

from typing import Any

from ..catalogue import FINDINGS
from ..flags import FROM_FINDINGS, rules_of
from ..layouts import Field, Layout
from ..severity import word
from . import REASONS, RETURN_ONLY, checks_of
from .checks import rule_words

# (written over the Guidance's six columns, Severity over the third and fourth)
CHECK_COLUMNS = ("Check", "When it is checked", "Severity", "What it is",
                 "What to do, or why not as you type")  # fmt: skip
TITLE = "How your plan is checked"
AS_YOU_TYPE, ON_RETURN = "As you type", "When we receive it"
MESSAGE_LIMIT = 255  # characters an input message holds
TITLE_HEIGHT = 18  # points: the title's row (14 pt)


def check_rows(layout: Layout, stamped: bool = True) -> list[tuple[str, ...]]:
    """The rules a return of ``layout`` is checked by: one row for each the template checks as
    the partner types (its title, when, how loud, what it is, what to do), Red first; then one
    for each reason others are checked only when the return is received (the reason in short,
    when, their levels, their titles, the reason)."""
    rows = []
    for rule in dict.fromkeys(check.rule for check in checks_of(layout, stamped)):
        words = rule_words(rule, layout)
        rows.append((words.title, AS_YOU_TYPE, word(words.severity), words.explains,
                     words.to_do))  # fmt: skip
    own = [rule.id for rule in rules_of(layout) if rule.id not in FROM_FINDINGS]
    later = [r for r in dict.fromkeys([w.id for w in FINDINGS] + own) if r in RETURN_ONLY]
    for reason in dict.fromkeys(RETURN_ONLY[r] for r in later):
        rules = [r for r in later if RETURN_ONLY[r] == reason]
        said = [rule_words(r) for r in rules]
        levels = " or ".join(dict.fromkeys(word(w.severity) for w in said))
        rows.append((REASONS[reason], ON_RETURN, levels, "; ".join(w.title for w in said),
                     reason))  # fmt: skip
    return rows


def write_check_rows(sheet: Any, row: int, layout: Layout, formats: dict[str, Any],
                     fit: Any) -> int:  # fmt: skip
    """Write ``check_rows`` on a Guidance sheet from ``row`` (zero-based), under a title and
    the columns' titles (``formats``: "title", "heading", "wrap"; ``fit(sheet, row, cells)``
    makes a row tall enough for its texts); returns the row after the last."""
    from ..guidance import GUIDANCE_WIDTHS

    sheet.merge_range(row, 0, row, len(GUIDANCE_WIDTHS) - 1, TITLE, formats["title"])
    sheet.set_row(row, TITLE_HEIGHT)
    r = row + 1
    for values, fmt in [(CHECK_COLUMNS, formats["heading"]),
                        *((v, formats["wrap"]) for v in check_rows(layout))]:  # fmt: skip
        sheet.merge_range(r, 2, r, 3, "", fmt)
        for col, value in zip((0, 1, 2, 4, 5), values, strict=True):
            sheet.write_string(r, col, value, fmt)
        widths = (GUIDANCE_WIDTHS[0], GUIDANCE_WIDTHS[1], sum(GUIDANCE_WIDTHS[2:4]),
                  *GUIDANCE_WIDTHS[4:])  # fmt: skip
        fit(sheet, r, zip(values, widths))
        r += 1
    return r


def input_message(layout: Layout, field: Field) -> str:
    """What a cell of ``field`` says when selected: its help, and the checks watching it
    beyond its kind and whether it is required (by their titles), in 255 characters."""
    watching = [check.words.title for check in checks_of(layout)
                if check.field == field.name and check.rule not in _PLAIN]  # fmt: skip
    said = f" Checked as you type: {'; '.join(dict.fromkeys(watching))}." if watching else ""
    room = MESSAGE_LIMIT - len(said)
    help_ = field.help if len(field.help) <= room else field.help[: room - 1] + "…"
    return (help_ + said)[:MESSAGE_LIMIT]


_PLAIN = {"required", "no-organisation"} | {w.id for w in FINDINGS if w.id.startswith("not-")}
