"""What the three-year plan answers of the pipeline's questions (``declare.hooks``)."""

from __future__ import annotations

from datetime import date

from ...declare.hooks import LayoutHooks, PlanQuarters, Rows
from ...declare.measures import BASIC, Measure, count
from .progress import QUARTERS


class Hooks(LayoutHooks):
    """Tasks, each with a status for every one of the plan's twelve quarters; the tasks not
    updated this quarter; the Cabinet's sheets; its business units."""

    def rows(self) -> Rows:
        return Rows("task")

    def measures(self):
        return (*BASIC, NOT_UPDATED)

    def rules(self):
        from .rules import RULES

        return RULES

    def report(self):
        from .report import REPORT

        return REPORT

    def quarters(self) -> PlanQuarters:
        return QUARTERS

    def demo(self):
        from .demo import DEMO

        return DEMO

    def samples(self, as_of: date):
        from .samples import samples

        return samples(as_of)


NOT_UPDATED = Measure("not_updated", "Not updated", "Open tasks (not Completed or No longer "
                      "relevant) with no status for the current quarter.", count("not_updated"),
                      alarm=True)  # fmt: skip
