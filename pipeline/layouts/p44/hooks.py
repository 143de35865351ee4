"""What the Priority 44 plan answers of the pipeline's questions (``declare.hooks``)."""

from __future__ import annotations

from datetime import date

from ...declare.hooks import HeaderGeometry, LayoutHooks, Rows


class Hooks(LayoutHooks):
    """Actions; impact against the reduction needed; the Calendar of Events; its partners."""

    def rows(self) -> Rows:
        return Rows("action")

    def measures(self):
        from .measures import MEASURES

        return MEASURES

    def rules(self):
        from .rules import RULES

        return RULES

    def report(self):
        from .report import REPORT

        return REPORT

    def follows(self):
        return (("estimated_impact", "impact"),)

    def header_geometry(self) -> HeaderGeometry:
        # its two long texts beside the other twelve fields: seven rows each, as many as its
        # fourteen fields took when every field had a row, so its table starts where it did
        return HeaderGeometry(box_rows=7)

    def demo(self):
        from .demo import DEMO

        return DEMO

    def samples(self, as_of: date):
        from .samples import samples

        return samples(as_of)
