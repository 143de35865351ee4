"""What the Hallmarks self-assessment answers of the pipeline's questions
(``declare.hooks``)."""

from __future__ import annotations

from ...declare.hooks import Judgement, LayoutHooks, Rows


class Hooks(LayoutHooks):
    """Requirements, every template starting with the list of them; a position judged from
    the assessments; the Hallmarks matrix; its partnerships."""

    def rows(self) -> Rows:
        return Rows("requirement")

    def judgement(self) -> Judgement:
        from .measures import judged

        return Judgement(judged, "Red when a Statutory requirement is a Gap; Amber when "
                         "another requirement is a Gap, a Statutory one is Working towards or "
                         "one is not assessed; else Green")  # fmt: skip

    def starting_rows(self):
        from .requirements import ROWS

        return ROWS
