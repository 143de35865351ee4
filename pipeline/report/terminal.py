"""What the commands print: findings per file, a run's summary, and the same as JSON; an
organisation's history."""

from __future__ import annotations

import json
from typing import Any

from ..declare.findings import Finding
from ..declare.rules import finding_rule
from ..declare.severity import RED
from ..inbox.intake import (
    ACCEPTED,
    ALREADY_COUNTED,
    DUPLICATE,
    EARLIER_PERIOD,
    REJECTED,
    SUPERSEDED,
    WITH_FINDINGS,
    Receipt,
)
from ..round.attention import needs_attention
from ..round.plans import Consolidation
from .round_figures import returns_lines


def receipt_dict(receipt: Receipt) -> dict[str, Any]:
    """One file's outcome as plain data."""
    loaded = receipt.loaded
    return {
        "file": receipt.source.name,
        "sha256": receipt.source.sha256,
        "status": receipt.status,
        "organisation": loaded.organisation if loaded else None,
        "layout": loaded.layout if loaded else None,
        "reason": receipt.note,
        "findings": [_finding_dict(f) for f in receipt.findings],
    }


def _finding_dict(finding: Finding) -> dict[str, Any]:
    """A finding as plain data, with its rule's title and what to do (``catalogue``)."""
    words = finding_rule(finding.rule)
    return {**finding.as_dict(), "title": words.title, "to_do": words.to_do}


def findings_json(receipts: list[Receipt]) -> str:
    """Every file's outcome and findings as JSON."""
    return json.dumps([receipt_dict(r) for r in receipts], indent=2, default=str)


def findings_text(receipts: list[Receipt]) -> str:
    """Every file's outcome, then each finding on its own line: severity, place, sentence."""
    lines = []
    for receipt in receipts:
        head = f"{receipt.source.name}: {receipt.status}"
        loaded = receipt.loaded
        if loaded and loaded.organisation and receipt.status != REJECTED:
            head += f" ({loaded.organisation})"
        lines.append(head)
        if receipt.status in (REJECTED, DUPLICATE) and receipt.note:
            lines.append(f"  {receipt.note}")
        for f in receipt.findings:
            if f.message == receipt.note:
                continue
            place = f"{f.location}: " if f.location else ""
            lines.append(f"  {f.severity.word:<7} {place}{f.message}")
    return "\n".join(lines)


def summary_text(c: Consolidation) -> str:
    """A short summary of a run: files by outcome, who is missing, flags."""
    flags = c.flags
    red = sum(f.severity is RED for f in flags)
    amber = len(flags) - red
    # (said only when there are any: most runs have none)
    rarer = [f"  {status}: {n}" for status in (EARLIER_PERIOD, ALREADY_COUNTED)
             if (n := c.count(status))]  # fmt: skip
    lines = [
        f"Files read: {len(c.receipts)}  accepted: {c.count(ACCEPTED)}  "
        f"accepted with findings: {c.count(WITH_FINDINGS)}  rejected: {c.count(REJECTED)}  "
        f"duplicate: {c.count(DUPLICATE)}  superseded: {c.count(SUPERSEDED)}" + "".join(rarer),
        f"Organisations: {len(c.plans)}  missing a return: {len(c.missing)}",
        *(f"  {line}" for line in returns_lines(c)),
        f"Flags: {red} red, {amber} amber",
    ]
    rejected = [r for r in c.receipts if r.status == REJECTED]
    if rejected:
        lines.append("Rejected:")
        lines += [f"  {r.source.name}: {r.note}" for r in rejected]
    earlier = [r for r in c.receipts if r.status == EARLIER_PERIOD]
    if earlier:
        lines.append("For an earlier period (not this round's):")
        lines += [f"  {r.source.name}: {r.note}" for r in earlier]
    if c.missing:
        names = ", ".join(p.organisation.replace("\n", " ") for p in c.missing[:10])
        more = f" and {len(c.missing) - 10} more" if len(c.missing) > 10 else ""
        lines.append(f"Missing: {names}{more}")
    worried = [a for a in needs_attention(c) if a.plan.has_return]
    if worried:
        lines.append(f"Needs attention (beside those missing): {len(worried)}, most serious:")
        lines += [f"  {a.plan.organisation.replace(chr(10), ' ')}: {a.why}" for a in worried[:5]]
    return "\n".join(lines)


def history_text(rounds: list[dict[str, Any]]) -> str:
    """An organisation's rounds, one line each."""
    lines = [f"{rounds[0]['organisation']}: {len(rounds)} round(s)"]
    for r in rounds:
        counts = (
            f"{r['rows_total']} rows, {r['complete']} complete, {r['overdue']} overdue"
            if r.get("file")
            else "no return"
        )
        lines.append(
            f"  {r['round']:<12} {r.get('date_of_update') or '-':<10}  "
            f"{r.get('position') or '-':<6} {r['status']:<22} {counts}; "
            f"flags {r['red_flags']} red, {r['amber_flags']} amber"
            + (f"  [{r['file']}]" if r.get("file") else "")
        )
    return "\n".join(lines)
