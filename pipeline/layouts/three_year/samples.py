"""Three-year returns a business unit might send, for tests (``hooks.samples``): a careful
unit's, then one with each of the plan's own mistakes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ...declare.hooks import Sample
from . import QUARTERS

REGISTER = {"business_unit": "Housing", "code": "HSG", "head_of_service": "Ian Clarke",
            "plan_start": 2025}  # fmt: skip


def samples(as_of: date) -> list[Sample]:
    """A careful plan (every open task has this quarter's status), then one for each of its
    own flag rules (but a task's status fell since last quarter, which takes two rounds)."""
    now = QUARTERS.now(REGISTER["plan_start"], as_of) or 1
    header = {"updated_by": "Ian Clarke", "date_of_update": as_of - timedelta(days=5)}

    def task(ref: str, upto: int = now, **changed: Any) -> dict[str, Any]:
        return {"ref": ref, "task": f"Task {ref}", "service_team": "Operations",
                "task_officer": "Jo Fairbairn", "completion_quarter": QUARTERS.count,
                **{f"q{q}": "In progress" for q in range(1, upto + 1)},
                "outcomes": "Better services.", **changed}  # fmt: skip

    def sample(name: str, fires: set[str], *rows: dict[str, Any]) -> Sample:
        rows = rows or (task("HSG-01"), task("HSG-02"))
        return Sample(name, REGISTER, header, rows, frozenset(fires))

    delayed = {f"q{now}": "Delayed"}
    return [
        sample("careful", set()),
        sample("a task past its quarter", {"task-overdue"}, task("HSG-01"),
               task("HSG-02", completion_quarter=max(now - 2, 1))),
        sample("this quarter left blank", {"quarter-not-updated"}, task("HSG-01"),
               task("HSG-02", upto=now - 1)),
        sample("delayed with no word why", {"delayed-without-report"}, task("HSG-01"),
               task("HSG-02", **delayed)),
        sample("a Council Plan task delayed", {"significant-delayed"}, task("HSG-01"),
               task("HSG-02", **delayed, cp1="Significant",
                    progress_report="Waiting on the contractor.")),
    ]  # fmt: skip
