"""What the Police and Crime Plan delivery plan answers of the pipeline's questions
(``declare.hooks``)."""

from __future__ import annotations

from datetime import date

from ...declare.hooks import Judgement, LayoutHooks, Rows


class Hooks(LayoutHooks):
    """Actions, on a sheet of their own name beside the Priority 44 plan's; a position judged
    from the actions' RAG; direction of travel and the Board summary; its organisations."""

    def rows(self) -> Rows:
        return Rows("action", sheet="PCC Actions")

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
        from .measures import worst_live

        return Judgement(worst_live, "the worst RAG status among their actions not yet "
                         "Complete (Green when all are)")  # fmt: skip

    def demo(self):
        from .demo import DEMO

        return DEMO

    def samples(self, as_of: date):
        from .samples import samples

        return samples(as_of)
