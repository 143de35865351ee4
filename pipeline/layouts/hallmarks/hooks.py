"""What the Hallmarks self-assessment answers of the pipeline's questions
(``declare.hooks``)."""

from __future__ import annotations

from datetime import date

from ...declare.hooks import Judgement, LayoutHooks, Rows


class Hooks(LayoutHooks):
    """Requirements, every template starting with the list of them; a position judged from
    the assessments; the Hallmarks matrix; its partnerships."""

    def rows(self) -> Rows:
        return Rows("requirement")

    def measures(self):
        from .measures import MEASURES

        return MEASURES

    def rules(self):
        from .rules import RULES

        return RULES

    def report(self):
        from .report import REPORT

        return REPORT

    def judgement(self) -> Judgement:
        from .measures import judged

        return Judgement(judged, "Red when a Statutory requirement is a Gap; Amber when "
                         "another requirement is a Gap, a Statutory one is Working towards or "
                         "one is not assessed; else Green")  # fmt: skip

    def starting_rows(self):
        from .requirements import ROWS

        return ROWS

    def demo(self):
        from .demo import DEMO

        return DEMO

    def samples(self, as_of: date):
        from .samples import samples

        return samples(as_of)
