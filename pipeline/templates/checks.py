"""A template's own checks: every check its rules' in-template forms make of it (``checks_of``:
each ``rules.Rule.in_template`` of the findings, of an earlier period's return and of the
layout's flags, Red first), written into it with xlsxwriter: the conditional formats that
colour each cell a rule would flag, the very hidden checks sheet that lists every check of
every cell and adds them up, and the Ready to send box at the top of the plan sheet.

The checks sheet has one row per check of one cell, Red first, then in the order of the sheet:
whether it fires (A), its level (B: 2 Red, 1 Amber), its rule (C), its cell (D), what the box
says of it (E) and a running count of those firing (F), so that the box finds the first few
firing with MATCH; to the right, the facts some checks add up over the table's rows (a row in
use, an action overdue...) and the closed lists the checks compare with. Every formula is
written with an empty result, so that LibreOffice, which keeps a saved result, works each one
out when it opens the file (Excel works out every formula of a file that says so, as
xlsxwriter's do). Its texts (titles, rules, cells and the closed lists) are formulas too, each
of one string with that string as its result (``literal``): a text cell's words go to the
workbook's shared strings, which every reader of a return reads whole when it opens the file,
where a formula's result stays on its sheet, as Excel and LibreOffice save it again; so a
return's shared strings hold only what its partner sees and types.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..declare import Layout
from ..declare.findings import cell_address, column_letter
from ..declare.formulas import LIMIT, PREFIX, Check, Place, Terms, Workings, quoted
from ..declare.rules import EARLIER_PERIOD, FINDINGS, Rule
from ..declare.severity import RAG_FILLS, RED, SEVERITIES, Severity
from ..returns import CHECKS_SHEET
from ..round.flags import rules_of
from ..values import LINE_HEIGHT, wrapped_lines
from .paper import header_places

SHOWN = 3  # checks the box says in words
LEVEL = {RED: 2}  # (Amber: 1)
ITEMS = ("fires", "level", "rule", "cell", "says", "order")
FIRST_ITEM = 1  # zero-based row of the first check (its titles above it)


def rules_for(layout: Layout) -> tuple[Rule, ...]:
    """Every rule a return of ``layout`` is checked by: the findings', an earlier period's,
    every layout's flags' and its own."""
    return (*FINDINGS, EARLIER_PERIOD, *rules_of(layout))


_MADE: dict[tuple[str, bool], tuple[Layout, list[Check]]] = {}


def checks_of(layout: Layout, stamped: bool = True) -> list[Check]:
    """Every check a template of ``layout`` makes of itself (``stamped``: made for one
    organisation, whose name it is pre-filled with), each with its rule, Red first (made once
    for each layout registered under its name)."""
    made = _MADE.get((layout.name, stamped))
    if made is None or made[0] is not layout:
        found = [replace(check, rule=rule) for rule in rules_for(layout) if rule.in_template
                 for check in rule.in_template(layout, stamped)]  # fmt: skip
        found.sort(key=lambda check: level(check) != RED)
        made = _MADE[(layout.name, stamped)] = (layout, found)
    return made[1]


def level(check: Check) -> Severity:
    """How loud a check is: its rule's severity (a required field's own: Red)."""
    return check.rule.severity or RED


@dataclass(frozen=True)
class Item:
    """One check of one cell: the row of the checks sheet that says whether it fires."""

    check: Check
    row: int | None  # the table row it checks (None: a header field, title or the plan)
    cell: tuple[int, int] | None  # where it colours (None: the plan as a whole)


def place_of(layout: Layout, titles: int, last: int, headings: frozenset[int] = frozenset()
             ) -> Place:  # fmt: skip
    """Where a template of ``layout`` puts its cells: its table's titles on row ``titles``, its
    rows down to row ``last`` and, among them, its heading rows ``headings`` (all
    zero-based)."""
    columns = {f.name: col for col, f in enumerate(layout.sheet_columns)}
    return Place(layout.sheet, header_places(layout), columns, titles, titles + 1, last,
                 headings)  # fmt: skip


def items_of(checks: Sequence[Check], place: Place) -> list[Item]:
    """Every check of every cell, Red first, then in the order of the sheet (the plan's own
    first: it has no cell)."""
    items = []
    for check in checks:
        if check.field is None:
            items.append(Item(check, None, None))
        elif check.at_title:
            items.append(Item(check, None, (place.titles, place.columns[check.field])))
        elif check.field in place.header:
            items.append(Item(check, None, place.header[check.field]))
        else:
            col = place.columns[check.field]
            items += [Item(check, r, (r, col)) for r in place.rows]
    return sorted(items, key=lambda i: (level(i.check) != RED, i.cell or (-1, -1)))


def text(words: str) -> str:
    """``words`` as a formula's text (a literal holds at most 255 characters: longer ones are
    joined)."""
    parts = [quoted(words[i : i + 250]) for i in range(0, len(words), 250)] or ['""']
    return "&".join(parts)


def literal(sheet: Any, row: int, col: int, words: str) -> None:
    """``words`` in a cell of the checks sheet as a formula of that one string, with it as its
    result: kept on the sheet, out of the workbook's shared strings (see the module)."""
    sheet.write_formula(row, col, f"={text(words)}", None, words)


def said(layout: Layout, check: Check) -> str:
    """What the box says of ``check`` firing, but for the row it is in: ``"End date has
    passed ...: update the action ..."``."""
    title = layout.field(check.field).title if check.field else ""
    rule, to_do = check.rule.title, check.rule.to_do
    says = check.says.format(title=title, rule=rule[:1].lower() + rule[1:])
    return f"{says}: {to_do[:1].lower()}{to_do[1:]}"


def sentence(layout: Layout, check: Check, t: Terms | None) -> str:
    """What the box says of ``check`` firing (``t``: at its cell in a table row), as a
    formula: ``"Action A03: End date has passed ...: update the action ..."``."""
    said_ = said(layout, check)
    if t is None or t.row is None:
        return text(said_)
    ref = t(layout.reference) if layout.reference else None
    noun = layout.hooks.rows().noun
    row = f'"The {noun} in row "&ROW({t(check.field or "")})'
    who = f'IF(LEN(TRIM({ref})),"{noun.title()} "&TRIM({ref}),{row})' if ref else row
    return f'{who}&": "&{text(said_)}'


class ChecksWriter:
    """Writes one template's checks (see the module)."""

    def __init__(self, book: Any, sheet: Any, layout: Layout, place: Place,
                 stamped: bool) -> None:  # fmt: skip
        self.book, self.sheet, self.layout, self.place = book, sheet, layout, place
        self.workings = Workings()
        self.checks = checks_of(layout, stamped)
        self.items = items_of(self.checks, place)
        self.fills = {s: book.add_format({"bg_color": f"#{s.fill}"}) for s in SEVERITIES}
        self.long = 0  # checks whose formula is longer than a conditional format takes

    def colour(self) -> None:
        """The conditional formats, Red first (the first that holds colours the cell): written
        before any other on the sheet, so that a check's colour shows over a RAG value's."""
        for check in self.checks:
            if check.field is None:
                continue
            if check.at_title:
                runs = [(self.place.titles, self.place.titles)]
            elif check.field in self.place.header:
                runs = [(self.place.header[check.field][0],) * 2]
            else:
                runs = self.place.runs()  # (a table's rows but its headings)
            col = (self.place.header[check.field][1] if check.field in self.place.header
                   else self.place.columns[check.field])  # fmt: skip
            top, bottom = runs[0]
            row = top if check.field in self.place.columns and not check.at_title else None
            formula = check.when(Terms(self.place, self.workings, row))
            if len(formula) > LIMIT:
                formula = self._named_check(check, row)
            where = (
                {
                    "multi_range": " ".join(
                        f"{cell_address(a, col)}:{cell_address(b, col)}" for a, b in runs
                    )
                }
                if len(runs) > 1
                else {}
            )
            self.sheet.conditional_format(top, col, bottom, col, {
                "type": "formula", "criteria": f"={formula}",
                "format": self.fills[level(check)], **where,
            })  # fmt: skip

    def _named_check(self, check: Check, row: int | None) -> str:
        """A check too long for a conditional format, as a defined name (of a cell that does
        not move: a header field's or a title's)."""
        if row is not None:
            raise ValueError(f"{check.rule.id} on {check.field}: a check of a table's rows must "
                             f"fit a conditional format ({LIMIT} characters)")  # fmt: skip
        self.long += 1
        name = f"{PREFIX}check{self.long}"
        qualified = check.when(Terms(self.place, self.workings, None, qualified=True))
        self.book.define_name(name, f"={qualified}")
        return name

    def write(self, box: tuple[int, int, int, int], font: dict[str, Any]) -> None:
        """The checks sheet, its defined names and the box (over ``box``: its top row, left
        column, bottom row and right column; in ``font``)."""
        book, place, layout = self.book, self.place, self.layout
        sheet = book.add_worksheet(CHECKS_SHEET)
        for col, title in enumerate(ITEMS):
            literal(sheet, 0, col, title)
        ref = f"'{CHECKS_SHEET}'!"
        for n, item in enumerate(self.items, start=FIRST_ITEM):
            t = Terms(place, self.workings, item.row, qualified=True)
            sheet.write_formula(n, 0, f"={item.check.when(t)}", None, "")
            sheet.write_number(n, 1, LEVEL.get(level(item.check), 1))
            literal(sheet, n, 2, item.check.rule.id)
            if item.cell:  # (the plan's own: no cell)
                literal(sheet, n, 3, cell_address(*item.cell))
            sheet.write_formula(n, 4, f"={sentence(layout, item.check, t)}", None, "")
            above = f"F{n}" if n > FIRST_ITEM else "0"
            sheet.write_formula(n, 5, f"={above}+IF(A{n + 1},1,0)", None, "")
        last = FIRST_ITEM + len(self.items)  # one-based row of the last check

        def column(c: str) -> str:
            return f"{ref}${c}${FIRST_ITEM + 1}:${c}${max(last, FIRST_ITEM + 1)}"

        fires, levels = column("A"), column("B")
        book.define_name(f"{PREFIX}red", f"=SUMPRODUCT(({fires})*({levels}=2))")
        book.define_name(f"{PREFIX}amber", f"=SUMPRODUCT(({fires})*({levels}=1))")
        book.define_name(f"{PREFIX}says", f"={column('E')}")
        book.define_name(f"{PREFIX}order", f"={column('F')}")
        self._facts_and_names(sheet, ref, len(ITEMS) + 1)
        sheet.protect()
        sheet.very_hidden()
        fmt = {**font, "bold": True, "text_wrap": True, "valign": "top", "border": 1}
        self._box(box, self.book.add_format(fmt))

    def _facts_and_names(self, sheet: Any, ref: str, col: int) -> None:
        """The facts added up over the table's rows, the plan-wide formulas and the closed
        lists the checks named (each may name more: written until none is new)."""
        book, place, workings = self.book, self.place, self.workings
        done_facts: set[str] = set()
        done_named: set[str] = set()
        while set(workings.facts) - done_facts or set(workings.named) - done_named:
            for fact in [f for f in workings.facts if f not in done_facts]:
                done_facts.add(fact)
                literal(sheet, 0, col, fact)
                for n, r in enumerate(range(place.first, place.last + 1), start=1):
                    if r in place.headings:  # (a heading row is no row of the plan)
                        sheet.write_number(n, col, 0)
                        continue
                    t = Terms(place, workings, r, qualified=True)
                    sheet.write_formula(n, col, f"={workings.facts[fact](t)}", None, "")
                letter = column_letter(col)
                book.define_name(f"{PREFIX}{fact}", f"=SUM({ref}${letter}$2:${letter}$"
                                 f"{place.last - place.first + 2})")  # fmt: skip
                col += 1
            for key in [k for k in workings.named if k not in done_named]:
                done_named.add(key)
                t = Terms(place, workings, None, qualified=True)
                book.define_name(f"{PREFIX}{key}", f"={workings.named[key](t)}")
        for values, name in workings.lists.items():
            for n, words in enumerate((name, *values)):
                literal(sheet, n, col, words)
            letter = column_letter(col)
            book.define_name(name, f"={ref}${letter}$2:${letter}${len(values) + 1}")
            col += 1

    def _box(self, box: tuple[int, int, int, int], fmt: Any) -> None:
        """The Ready to send box over ``box``: the count, the first few checks in words, its
        colour (as tall as ``box_height`` says: its rows are made so)."""
        red, amber, says, order = (f"{PREFIX}{n}" for n in ("red", "amber", "says", "order"))
        total = f"{red}+{amber}"
        lines = "".join(f'&IFERROR(CHAR(10)&"• "&INDEX({says},MATCH({k},{order},0)),"")'
                        for k in range(1, SHOWN + 1))  # fmt: skip
        formula = (
            f'=IF({total}=0,"Ready to send: nothing to fix and nothing to check.",'
            f'"Not ready to send: "&{red}&" to fix (red), "&{amber}&" to check (amber), each '
            f'cell coloured. "&IF({total}>{SHOWN},"The first {SHOWN}:","")'
            f"{lines})"
        )
        sheet, (top, left, bottom, right) = self.sheet, box
        if (top, left) != (bottom, right):
            sheet.merge_range(top, left, bottom, right, "", fmt)
        sheet.write_formula(top, left, formula, fmt, "")
        for test, colour in ((f"{total}=0", RAG_FILLS["Green"]), (f"{red}>0", RED.fill),
                             ("TRUE", RAG_FILLS["Amber"])):  # fmt: skip
            sheet.conditional_format(top, left, bottom, right, {
                "type": "formula", "criteria": f"={test}",
                "format": self.book.add_format({"bg_color": f"#{colour}"}), "stop_if_true": True,
            })  # fmt: skip


def box_height(layout: Layout, stamped: bool, wide: float) -> float:
    """How tall a template's Ready to send box must be, ``wide`` characters across, in points:
    its count, and its three longest sentences (each with the row it is in: "Action A03: ")."""
    noun, ref = layout.hooks.rows().noun, "X" * 8
    head = ("Not ready to send: 99 to fix (red), 99 to check (amber), each cell coloured. "
            f"The first {SHOWN}:")  # fmt: skip
    lines = sorted((wrapped_lines(f"• {noun} {ref}: {said(layout, c)}", wide)
                    for c in checks_of(layout, stamped)), reverse=True)  # fmt: skip
    return LINE_HEIGHT * (wrapped_lines(head, wide) + sum(lines[:SHOWN])) + 4
