"""The Priority 44 plan's own measures: estimated impact against the reduction its target
needs (seed 000's baseline, reduction target and estimated impact per action)."""

from __future__ import annotations

from collections.abc import Callable

from ...declare.measures import BASIC, Measure, PlanLike
from ...declare.rows import picked


def _impact(key: str) -> Callable[[PlanLike], int | None]:
    def total(plan: PlanLike) -> int | None:
        if not plan.has_rows:
            return None
        return sum(impact for counted, impact in picked(plan.items, (key, "estimated_impact"))
                   if counted and isinstance(impact, int))  # fmt: skip

    return total


def reduction_needed(plan: PlanLike) -> int | None:
    """Crimes the target needs prevented (baseline × target %, halves rounded up, as Excel's
    ROUND and a partner's template round them: 2% of 25 is 1), when both are known."""
    baseline, target = plan.value("baseline"), plan.value("reduction_target")
    if isinstance(baseline, int) and isinstance(target, int | float):
        return int(baseline * target / 100 + 0.5)  # (both are 0 or more)
    return None


live_impact = _impact("live")
delivered_impact = _impact("complete")


def impact_shortfall(plan: PlanLike) -> int | None:
    """How many crimes short of the reduction needed the plan's live and delivered impact
    fall (0 when it is enough; None when it cannot be told)."""
    needed, live, delivered = reduction_needed(plan), live_impact(plan), delivered_impact(plan)
    if needed is None or live is None or delivered is None:
        return None
    return max(needed - live - delivered, 0)


LIVE_IMPACT = "Impact of live actions (its estimate)"
DELIVERED_IMPACT = "Impact delivered (its estimate)"
SHORT_BY = "Short of reduction needed (its estimates)"
MEASURES: tuple[Measure, ...] = (
    *BASIC,
    # (the estimates and the target are the partnership's own: the titles say so)
    Measure("live_impact", LIVE_IMPACT, "Estimated impact (crimes) of live actions, as the "
            "partnership estimates it: those Planned or Ongoing.", live_impact),
    Measure("delivered_impact", DELIVERED_IMPACT, "Estimated impact (crimes) of actions "
            "already delivered, as the partnership estimates it: those Complete or Evaluation.",
            delivered_impact),
    Measure("reduction_needed", "Reduction needed (by its target)", "Crimes the partnership's "
            "target needs prevented: the baseline times the reduction target %, halves rounded "
            "up.", reduction_needed),
    Measure("impact_shortfall", SHORT_BY, "How many crimes the live and delivered "
            "impact together fall short of the reduction needed (0 when they are enough; an "
            "Impact shortfall flag when they are not).", impact_shortfall, alarm=True),
)  # fmt: skip
