"""Write the consolidated progress workbook with xlsxwriter.

Every table is an Excel table with a frozen header row and filters. Values are written with
typed methods and the workbook is told never to turn strings into formulas or links, so a
partner's ``=HYPERLINK(...)`` arrives as the text it was. The file is written beside its
destination and renamed into place, so a reader never sees half a workbook.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..files import atomic_path
from ..guidance import GUIDANCE_COLUMNS, GUIDANCE_WIDTHS, guidance_rows
from ..layouts import LAYOUTS
from ..naming import safe_sheet_name
from ..plans import Consolidation, Plan
from ..templates import WORKBOOK_OPTIONS
from ..values import uk
from .tables import (
    DATE,
    INT,
    LONG,
    NUMBER,
    RAG,
    TABLES,
    Col,
    Table,
    chase_list,
    field_col,
    plan_flags,
    plan_rows,
    source,
    tracker,
)

RAG_COLOURS = {"Red": "#F4B6B6", "Amber": "#FFE199", "Green": "#B7E1B0"}
SHEET_ORDER_NOTE = (
    "Overview first; then the Calendar of Events, Gap Flags (red first), every action and "
    "task, the Returns Log of every file read, every finding, this Guidance, and one sheet "
    "per organisation."
)


def write_consolidated(c: Consolidation, path: Path) -> Path:
    """Write the consolidated workbook for ``c`` to ``path`` atomically; returns ``path``."""
    import xlsxwriter

    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), WORKBOOK_OPTIONS)
        book.set_properties(
            {
                "title": f"Progress report {uk(c.as_of)}",
                "created": datetime(c.as_of.year, c.as_of.month, c.as_of.day),
            }
        )
        _ConsolidatedWriter(book, c).write()
        book.close()
    return Path(path)


class _ConsolidatedWriter:
    def __init__(self, book: Any, c: Consolidation) -> None:
        self.book, self.c = book, c
        base = {"font_name": "Arial", "font_size": 10, "valign": "top"}
        self.fmt = {
            "plain": book.add_format(base),
            "wrap": book.add_format({**base, "text_wrap": True}),
            DATE: book.add_format({**base, "num_format": "dd/mm/yyyy"}),
            INT: book.add_format({**base, "num_format": "0"}),
            NUMBER: book.add_format({**base, "num_format": "0.##"}),
            "title": book.add_format({**base, "bold": True, "font_size": 14}),
            "bold": book.add_format({**base, "bold": True}),
            "label": book.add_format({**base, "bold": True, "bg_color": "#D9E1F2"}),
            "link": book.add_format({**base, "font_color": "blue", "underline": 1}),
        }
        self.rag = {k: book.add_format({"bg_color": v}) for k, v in RAG_COLOURS.items()}
        self.taken: set[str] = set()
        self.sheet_of: dict[int, str] = {}
        self.table_names: set[str] = set()

    def write(self) -> None:
        tables = [build(self.c) for build in TABLES]
        for table in tables:
            self.taken.add(table.sheet.lower())
        self.taken.update({"guidance", "returns"})
        for plan in self.c.plans:
            self.sheet_of[id(plan)] = safe_sheet_name(plan.organisation, self.taken)
        for table in tables:
            sheet = self.book.add_worksheet(table.sheet)
            self.table(sheet, table, 0)
            if table.sheet == "Overview":
                self._link_organisations(sheet)
                sheet.activate()
                self._returns()
        self._guidance()
        for plan in self.c.plans:
            self._organisation(plan)

    # --- generic tables ----------------------------------------------------------------------

    def value(self, sheet: Any, row: int, col: int, value: Any, kind: str) -> None:
        """Write one value by its type; strings always as text."""
        if value is None or (isinstance(value, float) and value != value):
            return
        if isinstance(value, date):
            day = value if isinstance(value, datetime) else datetime(*value.timetuple()[:3])
            sheet.write_datetime(row, col, day, self.fmt[DATE])
        elif isinstance(value, bool):
            sheet.write_string(row, col, "Yes" if value else "No", self.fmt["plain"])
        elif isinstance(value, int | float):
            sheet.write_number(row, col, value, self.fmt[INT if kind == INT else NUMBER])
        else:
            sheet.write_string(row, col, str(value), self.fmt["wrap" if kind == LONG else "plain"])

    def table(
        self, sheet: Any, table: Table, top: int, name: str | None = None, freeze: bool = True
    ) -> None:
        """Write ``table`` as an Excel table starting at row ``top`` (its header row frozen
        when ``freeze``: the sheet's main table)."""
        for col, column in enumerate(table.columns):
            sheet.set_column(col, col, column.width)
        for r, row in enumerate(table.rows, start=top + 1):
            for col, (value, column) in enumerate(zip(row, table.columns)):
                self.value(sheet, r, col, value, column.kind)
        last = top + max(len(table.rows), 1)
        sheet.add_table(
            top,
            0,
            last,
            len(table.columns) - 1,
            {
                "name": self._table_name(name or table.sheet),
                "style": "Table Style Light 9",
                "columns": [{"header": c.title} for c in table.columns],
            },
        )
        if freeze:
            sheet.freeze_panes(top + 1, 0)
        for col, column in enumerate(table.columns):
            if column.kind == RAG:
                for word, fmt in self.rag.items():
                    sheet.conditional_format(
                        top + 1,
                        col,
                        last,
                        col,
                        {"type": "cell", "criteria": "==", "value": f'"{word}"', "format": fmt},
                    )

    def _table_name(self, wanted: str) -> str:
        """An Excel table name: letters, digits and underscores, unique in the workbook."""
        stem = "".join(ch if ch.isalnum() else "_" for ch in wanted)[:200]
        stem = stem if stem[:1].isalpha() else f"T_{stem}"
        name, n = stem, 1
        while name.lower() in self.table_names:
            n += 1
            name = f"{stem}_{n}"
        self.table_names.add(name.lower())
        return name

    def _returns(self) -> None:
        """The returns tracker: counts for the round, then the chase list."""
        sheet = self.book.add_worksheet("Returns")
        counts = tracker(self.c)
        self.table(sheet, counts, 0, freeze=False)
        top = len(counts.rows) + 3
        chase = chase_list(self.c)
        sheet.write_string(top, 0, "Chase list", self.fmt["bold"])
        self.table(sheet, chase, top + 1, freeze=False)
        for col, column in enumerate(chase.columns):
            sheet.set_column(col, col, max(column.width, counts.columns[col].width))

    def _link_organisations(self, sheet: Any) -> None:
        for r, plan in enumerate(self.c.plans, start=1):
            target = self.sheet_of[id(plan)].replace("'", "''")
            sheet.write_url(
                r, 0, f"internal:'{target}'!A1", self.fmt["link"], string=plan.organisation
            )

    # --- guidance ----------------------------------------------------------------------------

    def _guidance(self) -> None:
        from ..flags import RULES

        sheet = self.book.add_worksheet("Guidance")
        sheet.write_string(0, 0, "About this workbook", self.fmt["title"])
        sheet.write_string(1, 0, SHEET_ORDER_NOTE, self.fmt["plain"])
        rules = Table(
            "Gap flag rules",
            [Col("Rule", 30), Col("Severity", 12), Col("Layouts", 26), Col("What it means", 90)],
            [
                (
                    r.title,
                    (r.severity or "red or amber").title(),
                    ", ".join(LAYOUTS[n].title for n in r.layouts),
                    r.explains,
                )
                for r in RULES
            ],
        )
        sheet.write_string(3, 0, "Gap flag rules", self.fmt["bold"])
        self.table(sheet, rules, 4, freeze=False)
        top = 4 + len(rules.rows) + 3
        for layout in LAYOUTS.values():
            sheet.write_string(top, 0, f"{layout.title}: fields", self.fmt["bold"])
            fields = Table(
                layout.title,
                [Col(t, w, LONG) for t, w in zip(GUIDANCE_COLUMNS, GUIDANCE_WIDTHS)],
                guidance_rows(layout),
            )
            self.table(sheet, fields, top + 1, name=f"Fields {layout.name}", freeze=False)
            top += len(fields.rows) + 4
        for col, width in enumerate(GUIDANCE_WIDTHS):
            sheet.set_column(col, col, max(width, 30 if col == 0 else width))

    # --- one sheet per organisation ----------------------------------------------------------

    def _organisation(self, plan: Plan) -> None:
        sheet = self.book.add_worksheet(self.sheet_of[id(plan)])
        sheet.write_string(0, 0, plan.organisation, self.fmt["title"])
        sheet.write_string(
            1, 0, f"{plan.layout.title} — as of {uk(self.c.as_of)}", self.fmt["plain"]
        )
        sheet.write_url(1, 4, "internal:'Overview'!A1", self.fmt["link"], string="Back to Overview")
        row = 3
        if plan.loaded is None:
            sheet.write_string(row, 0, "No return received this round.", self.fmt["bold"])
            row += 2
        else:
            sheet.write_string(row, 0, f"From {source(plan)}", self.fmt["plain"])
            row += 1
            for f in plan.layout.header:
                sheet.write_string(row, 0, f.title, self.fmt["label"])
                self.value(sheet, row, 1, plan.value(f.name), field_col(f).kind)
                row += 1
            row += 1
        flags = plan_flags(plan)
        sheet.write_string(row, 0, "Flags", self.fmt["bold"])
        self.table(sheet, flags, row + 1, name=f"Flags {plan.organisation}", freeze=False)
        row += len(flags.rows) + 4
        if plan.rows is not None:
            items = plan_rows(plan)
            sheet.write_string(row, 0, items.sheet, self.fmt["bold"])
            self.table(
                sheet, items, row + 1, name=f"{items.sheet} {plan.organisation}", freeze=False
            )
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, 1, 40)
