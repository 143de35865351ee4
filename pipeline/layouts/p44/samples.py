"""Priority 44 returns a partnership might send, for tests (``hooks.samples``): a careful
partnership's, then one with each of the plan's own mistakes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ...declare.hooks import Sample

REGISTER = {"partnership": "Leeds", "region": "GO Yorkshire and the Humber", "baseline": 20000,
            "reduction_target": 6, "target_date": date(2027, 3, 31)}  # fmt: skip


def samples(as_of: date) -> list[Sample]:
    """A careful plan (two live actions whose impact meets the 1,200 crimes its target needs),
    then one for each of its own flag rules."""

    def header(**changed: Any) -> dict[str, Any]:
        return {"completed_by": "Jane Doe", "role": "Community Safety Manager",
                "agency": "Leeds City Council", "email": "jane.doe@leeds.gov.uk",
                "date_of_update": as_of - timedelta(days=3), "confidence": "Amber",
                "definition_of_problem": "Burglary dwelling up 20% in two wards.",
                "risks": "Loss of the analyst post; cover from the BCU analyst.",
                **changed}  # fmt: skip

    def action(ref: str, **changed: Any) -> dict[str, Any]:
        return {"ref": ref, "action": f"Action {ref}", "category": "Enforcement",
                "lead_agency": "Police", "lead_officer": "Insp. Sarah Cole",
                "start_date": as_of - timedelta(days=10), "end_date": as_of + timedelta(days=30),
                "status": "Ongoing", "estimated_impact": 700, "impact_basis": "Estimated",
                **changed}  # fmt: skip

    late = action("A03", end_date=as_of - timedelta(days=7))
    later = {"start_date": as_of + timedelta(days=40), "end_date": as_of + timedelta(days=90),
             "status": "Planned"}  # fmt: skip

    def sample(name: str, fires: set[str], rows: list | None = None, **changed: Any) -> Sample:
        rows = [action("A01"), action("A02")] if rows is None else rows
        return Sample(name, REGISTER, header(**changed), tuple(rows), frozenset(fires))

    return [
        sample("careful", set()),
        sample("red without contingency", {"red-without-contingency"}, confidence="Red",
               risks=None),
        sample("says Green with an action overdue", {"confidence-check", "action-overdue"},
               [action("A01"), action("A02"), late], confidence="Green"),
        sample("an action overdue", {"action-overdue"}, [action("A01"), action("A02"), late],
               confidence="Red"),
        sample("too little impact", {"impact-shortfall"},
               [action("A01", estimated_impact=100), action("A02", estimated_impact=100)]),
        sample("nothing in the next four weeks", {"nothing-planned-ahead"},
               [action("A01", **later), action("A02", **later)]),
    ]  # fmt: skip
