"""What the Police and Crime Plan delivery plan answers of the pipeline's questions
(``declare.hooks``)."""

from __future__ import annotations

from ...declare.hooks import Judgement, LayoutHooks, Rows


class Hooks(LayoutHooks):
    """Actions, on a sheet of their own name beside the Priority 44 plan's; a position judged
    from the actions' RAG; direction of travel and the Board summary; its organisations."""

    def rows(self) -> Rows:
        return Rows("action", sheet="PCC Actions")

    def judgement(self) -> Judgement:
        from .measures import worst_live

        return Judgement(worst_live, "the worst RAG status among their actions not yet "
                         "Complete (Green when all are)")  # fmt: skip
