"""What ``pipeline mail`` prints: each draft written or message sent, the organisations not
mailed and why, and the messages the mail server refused."""

from __future__ import annotations

from pathlib import Path

from ..declare import LAYOUTS
from ..mail.letters import Letter, MailRound
from ..mail.sending import Sending


def drafts_text(made: MailRound, paths: list[Path], folder: Path) -> str:
    """``pipeline mail``'s drafts: each organisation's, then those not mailed and why."""
    lines = [f"Wrote {len(paths)} draft(s) to {folder}, to open and send:"]
    lines += [f"  {_mailed(letter)}: {path.name}" for letter, path in zip(made.letters, paths)]
    return "\n".join(lines + _not_mailed(made))


def sent_text(made: MailRound, outcome: Sending, server: str) -> str:
    """``pipeline mail --send``'s messages: those sent, those not mailed and why, and those
    the mail server refused."""
    lines = [f"Sent {len(outcome.sent)} message(s) through {server}:"]
    lines += [f"  {_mailed(letter)}" for letter in outcome.sent] + _not_mailed(made)
    if outcome.refused:
        lines.append(f"Refused by the mail server ({len(outcome.refused)}), not recorded as sent:")
        lines += [f"  {letter.notice.organisation}: {why}" for letter, why in outcome.refused]
    return "\n".join(lines)


def _mailed(letter: Letter) -> str:
    """``Leeds (Priority 44 Partnership Action Plan) to jane.doe@leeds.gov.uk``."""
    title = LAYOUTS[letter.notice.layout].short_title
    copy = f", copying {letter.notice.copy_email}" if letter.notice.copy_email else ""
    return f"{letter.notice.organisation} ({title}) to {letter.recipient}{copy}"


def _not_mailed(made: MailRound) -> list[str]:
    if not made.not_mailed:
        return []
    return [f"Not mailed ({len(made.not_mailed)}):"] + [
        f"  {item.notice.organisation}: {item.why}" for item in made.not_mailed
    ]
