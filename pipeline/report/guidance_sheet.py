"""The consolidated workbook's Guidance sheet: what each sheet holds, what Red and Amber mean,
every flag rule and finding, what each figure counts, and each layout's fields: for the
layouts in the round only.

Its tables share five columns, so it prints one landscape page wide at 8 pt or more: the
first names the thing, the second (wide) says what it means, the others are short, and the
last (fairly wide) says what to do.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..declare import Layout
from ..declare.measures import RETURN_MEASURES, union
from ..declare.rules import FINDINGS
from ..declare.severity import SEVERITIES
from ..guidance import guidance_rows
from ..inbox.intake import RECEIVED_MEANS
from ..inbox.messages import ENVELOPE_MEANS
from ..round import attention
from ..round.flags import every_rule
from ..round.plans import TRAIL_ROUNDS, Consolidation
from .charts import every_chart
from .sheetwriter import SheetWriter
from .tables import LONG, TEXT, Col, Table

WIDTHS = (26, 60, 14, 14, 40)


def sheet_notes(layouts: list[Layout]) -> list[tuple[str, str]]:
    """(sheet, what it shows) for every sheet of a round of ``layouts``, in the workbook's
    order, for the Guidance."""
    derived = [sheet for layout in layouts for sheet in layout.hooks.report().sheets]
    charts = ", ".join(spec.short for spec, _ in every_chart(layouts))
    plural = list(dict.fromkeys(f"{layout.hooks.rows().noun}s" for layout in layouts)) or ["rows"]
    nouns = " and ".join([", ".join(plural[:-1]), plural[-1]] if len(plural) > 1 else plural)
    return [
        ("Overview", "headline figures, then one row per organisation, trouble coloured; each "
         "name links to its own sheet"),
        ("Needs attention", "who needs attention, most serious first, and why"),
        ("Charts", charts or "nothing to chart this round"),
        ("Returns", "the round's tracker, and the chase list with contacts"),
        *((sheet.name, sheet.shows) for sheet in derived if sheet.first),
        ("Gap Flags", "every flag, red first, pointing at the file, sheet and cell"),
        *((layout.hooks.rows().sheet_name, f"every {layout.hooks.rows().noun} of every "
           f"{layout.short_title} plan, what changed since last round, and its source")
          for layout in layouts),
        *((sheet.name, sheet.shows) for sheet in derived if not sheet.first),
        ("Returns Log, Findings", "every file read and what was found in it"),
        ("one sheet per organisation", f"its return's header, figures and flags, then its "
         f"{nouns} as returned"),
    ]  # fmt: skip


def figure_notes(layouts: list[Layout]) -> Iterator[tuple[str, str, str, str]]:
    """(figure, what it counts, layouts, where it is shown) for the Guidance: every plan
    measure, every returns measure, the progress buckets the charts stack, and what each
    layout adds."""
    for m in union(layout.hooks.measures() for layout in layouts):
        having = [x for x in layouts if x.measure(m.name) is m]
        titles = ", ".join(x.short_title for x in having)
        yield m.heading(having), m.meaning(having), titles, "Overview, organisation sheets"
    every = ", ".join(layout.short_title for layout in layouts)
    yield "Needs attention", attention.means(), every, "Needs attention"
    yield ("Confidence (its own)", "The overall confidence the plan states, Red, Amber or "
           "Green, where its layout asks for one.", every, "Overview")  # fmt: skip
    yield ("Confidence (from its …)", "The confidence its own rows bear out: " +
           "; ".join(f"{x.short_title}: {_judged(x)}" for x in layouts) + ".", every,
           "Overview")  # fmt: skip
    yield (f"Last {TRAIL_ROUNDS} rounds", "The organisation's position round by round, oldest "
           "first, this round last: R, A or G (stated, or as its rows judge it), – for a round "
           "with no return; beside it, how many of its rows were overdue each round.", every,
           "Overview")  # fmt: skip
    for title, means in RETURN_MEASURES:
        yield title, means, every, "Overview, Returns"
    yield "Received (date), Arrival known from", RECEIVED_MEANS, every, "Returns Log"
    yield "From, Sent, Sender check", ENVELOPE_MEANS, every, "Returns Log"
    for spec, layout in every_chart(layouts):
        if spec.stacks_progress:
            means = layout.progress.means(layout.hooks.rows().noun, layout.due_title)
            yield spec.title, means, layout.short_title, "Charts"
    for layout in layouts:
        for figure, shown, means in layout.hooks.report().figures:
            yield figure, means, layout.short_title, shown


def _judged(layout: Layout) -> str:
    """How the confidence a layout's rows bear out is worked out."""
    judgement = layout.hooks.judgement()
    if judgement is not None:
        return judgement.means
    return f"from how many of its {layout.hooks.rows().noun}s are overdue (Confidence check)"


def _notes(layout: Layout) -> list[str]:
    """What the Guidance says of a layout beyond its fields: its own notes, and where its
    plans state no confidence, how their position is worked out."""
    said = list(layout.hooks.report().notes)
    if layout.confidence_key is None:
        said.append(f"{layout.short_title} plans state no overall confidence: the confidence "
                    f"their {layout.hooks.rows().plural} bear out stands for it (on the Overview, "
                    f"in Last "
                    f"{TRAIL_ROUNDS} rounds and on Needs attention): "
                    f"{_judged(layout)}.")  # fmt: skip
    return said


def write_guidance(w: SheetWriter, sheet: Any, c: Consolidation) -> None:
    """The Guidance sheet for ``c``'s layouts."""
    layouts = c.layouts
    fmt = w.fmt
    for col, width in enumerate(WIDTHS):
        w.width(sheet, col, width)
    w.title(sheet, "About this workbook")
    sheet.write_string(1, 0, "What each sheet holds, what the colours and words mean, every "
                       "rule, and each plan's fields.", fmt["subtitle"])  # fmt: skip
    row = 3

    def section(title: str, table: Table, named: str | None = None) -> None:
        nonlocal row
        sheet.write_string(row, 0, title, fmt["bold"])
        name = w.table_name(named or table.sheet)
        row = w.table(sheet, table, row + 1, name=name, freeze=False, widths=False,
                      wrap_in=WIDTHS) + 1  # fmt: skip

    section("Sheets", Table("Sheets", [Col("Sheet", 26), Col("What it shows", 60, LONG)],
                            sheet_notes(layouts)))  # fmt: skip
    section("Red and Amber: one meaning everywhere", Table(
        "Severity", [Col("Severity", 26, TEXT, colours={s.word: s.word for s in SEVERITIES}),
                     Col("What it means", 60, LONG)],
        [(s.word, s.means) for s in SEVERITIES]))  # fmt: skip
    rules = [(rule, having) for rule, having in every_rule()
             if any(layout in layouts for layout in having)]  # fmt: skip
    section("Gap flag rules", Table(
        "Gap flag rules",
        [Col("Rule", 26, LONG), Col("What it means", 60, LONG), Col("Severity", 14),
         Col("Layouts", 14, LONG), Col("What to do", 40, LONG)],
        [(r.title, r.meaning([x for x in having if x in layouts]),
          r.shown_as,
          ", ".join(x.short_title for x in having if x in layouts), r.to_do)
         for r, having in rules],
    ))  # fmt: skip
    section("What a partner is told about a file", Table(
        "Findings",
        [Col("Finding", 26, LONG), Col("What it means", 60, LONG), Col("Severity", 14),
         Col("Rule id", 14, LONG), Col("What to do", 40, LONG)],
        [(f.title, f.explains, f.shown_as, f.id, f.to_do) for f in FINDINGS],
    ))  # fmt: skip
    section("What each figure counts", Table(
        "Figures",
        [Col("Figure", 26, LONG), Col("What it counts", 60, LONG), Col("Layouts", 14, LONG),
         Col("Shown on", 14, LONG)],
        list(figure_notes(layouts)),
    ))  # fmt: skip
    for note in (note for layout in layouts for note in _notes(layout)):
        sheet.merge_range(row, 0, row, len(WIDTHS) - 1, note, fmt["plain wrapped"])
        sheet.set_row(row, 28)
        row += 1
    for layout in layouts:
        row += 1
        rows = guidance_rows(layout, c.as_of)
        fields = [(title, f"{help_} Where: {where}.", required, kind, allowed)
                  for title, where, required, kind, help_, allowed in rows]  # fmt: skip
        section(f"{layout.title}: fields", Table(
            layout.title,
            [Col("Field", 26, LONG), Col("What to put", 60, LONG), Col("Required", 14, LONG),
             Col("Kind", 14, LONG), Col("Allowed values", 40, LONG)],
            fields,
        ), named=f"Fields {layout.name}")  # fmt: skip
