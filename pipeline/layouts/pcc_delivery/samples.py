"""Delivery-plan returns a theme lead might send, for tests (``hooks.samples``): a careful
lead's, then one with each of the plan's own mistakes that one return can show (a RAG status
that fell, or fell twice, takes earlier rounds)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ...declare.hooks import Sample
from ...declare.quarters import financial_quarter_name, financial_quarter_of

REGISTER = {"organisation": "Constabulary", "theme_lead": "ACC Operations"}


def samples(as_of: date) -> list[Sample]:
    """A careful plan (two Green actions due after the round), then its own mistakes."""
    year, quarter = financial_quarter_of(as_of)

    def header(**changed: Any) -> dict[str, Any]:
        return {
            "theme_lead": REGISTER["theme_lead"],
            "quarter": financial_quarter_name(year, quarter),
            "date_of_update": as_of - timedelta(days=4),
            **changed,
        }

    def action(ref: str, **changed: Any) -> dict[str, Any]:
        return {"ref": ref, "theme": "Victims", "shared_outcome": "People feel safe",
                "objective": "Improve the support victims receive", "action": f"Action {ref}",
                "lead_organisation": "Constabulary", "lead_officer": "Supt. Kay Lamb",
                "target_date": as_of + timedelta(days=90), "rag_status": "Green",
                "direction": "No change", "commentary": "On track.", **changed}  # fmt: skip

    def sample(name: str, fires: set[str], *rows: dict[str, Any], **changed: Any) -> Sample:
        rows = rows or (action("V01"), action("O01", theme="Offenders"))
        return Sample(name, REGISTER, header(**changed), rows, frozenset(fires))

    later = financial_quarter_name(*((year, quarter + 1) if quarter < 4 else (year + 1, 1)))
    return [
        sample("careful", set()),
        sample("next quarter's update", {"quarter-not-this-round"}, quarter=later),
        sample("Amber with no commentary", {"rag-without-commentary"}, action("V01"),
               action("O01", rag_status="Amber", commentary=None)),
        sample("an action past its target date", {"past-target-date"}, action("V01"),
               action("O01", target_date=as_of - timedelta(days=10))),
    ]  # fmt: skip
