"""What the three-year plan answers of the pipeline's questions (``declare.hooks``)."""

from __future__ import annotations

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

    def quarters(self) -> PlanQuarters:
        return QUARTERS


NOT_UPDATED = Measure("not_updated", "Not updated", "Open tasks (not Completed or No longer "
                      "relevant) with no status for the current quarter.", count("not_updated"),
                      alarm=True)  # fmt: skip
