"""Self-assessments a partnership might send, for tests (``hooks.samples``): a careful
partnership's, then one with each of the self-assessment's own mistakes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ...declare.hooks import Sample
from .measures import GAP, STATUTORY, WORKING_TOWARDS
from .requirements import ROWS

REGISTER = {"partnership": "Huntingdonshire CSP"}


def samples(as_of: date) -> list[Sample]:
    """A careful review (every requirement In place, with its position), then its own
    mistakes, each on one requirement of the list."""
    header = {"completed_by": "Claire Edwards", "email": "claire.edwards@huntingdonshire.gov.uk",
              "date_of_review": as_of - timedelta(days=20)}  # fmt: skip
    statutory = next(r["ref"] for r in ROWS if r["type"] == STATUTORY)
    advice = next(r["ref"] for r in ROWS if r["type"] != STATUTORY)
    action = {"further_action": "Agree it at the next board.", "owner": "Claire Edwards",
              "target_date": as_of + timedelta(days=60)}  # fmt: skip

    def sample(name: str, fires: set[str], ref: str = "", **changed: Any) -> Sample:
        rows = tuple({**r, "position": "In the partnership plan since April 2025.",
                      "assessment": "In place", **(changed if r["ref"] == ref else {})}
                     for r in ROWS)  # fmt: skip
        return Sample(name, REGISTER, header, rows, frozenset(fires))

    return [
        sample("careful", set()),
        sample("a statutory gap and nothing to be done", {"statutory-gap-no-action"}, statutory,
               assessment=GAP),
        sample("a gap and nothing to be done", {"gap-without-action"}, advice, assessment=GAP),
        sample("a statutory requirement with no position", {"statutory-without-position"},
               statutory, position=None),
        sample("an action with no owner", {"action-without-owner"}, advice,
               assessment=WORKING_TOWARDS, **{**action, "owner": None}),
        sample("an action past its date", {"action-past-target"}, advice,
               assessment=WORKING_TOWARDS, **{**action, "target_date": as_of - timedelta(days=5)}),
    ]  # fmt: skip
