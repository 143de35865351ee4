"""``pipeline mail``: the command (thin, as ``commands``'), and what it prints: each draft
written or message sent, the organisations not mailed and why, and the messages the mail
server refused. The mail library is imported inside the command, so that ``pipeline --help``
stays quick."""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.core import ParameterSource

from ..errors import PipelineError
from .console import echo
from .options import Due, date_option, outbox_option, store_option, url_option

if TYPE_CHECKING:
    from ..mail.letters import Letter, MailRound
    from ..mail.sending import Sending
    from ..round.due import Dues


@click.command()
@outbox_option(
    "The run's outbox: its feedback is read from OUTBOX/feedback, drafts go to OUTBOX/mail.",
)
@store_option("The store the run was recorded in (default: OUTBOX/pipeline.sqlite).")
@date_option(
    "--as-of",
    "The day of the round the attached templates are for (default: the first day of the "
    "round after the last run's).",
)
@click.option(
    "--due",
    type=Due(),
    help="When the next round's returns are due, said in each message beside its template: a "
    'date, or a rule such as "Friday of last week" (default: the project\'s [due] rule).',
)
@click.option(
    "--from",
    "sender",
    envvar="PIPELINE_MAIL_FROM",
    metavar="ADDRESS",
    help="The address messages come from (default: $PIPELINE_MAIL_FROM). Needed with --send; "
    "a draft without one is sent from whoever sends it.",
)
@click.option(
    "--send",
    is_flag=True,
    help="Send the messages through the mail server given by --smtp (default: write drafts).",
)
@click.option("--smtp", metavar="HOST:PORT", help="The mail server to send through.")
@click.option(
    "--starttls/--no-starttls", default=False, help="Secure the connection with STARTTLS first."
)
@click.option(
    "--ssl/--no-ssl",
    "tls",
    default=False,
    help="Connect with TLS from the start, for a server that expects it (usually port 465).",
)
@click.option(
    "--user",
    help="Log in to the mail server as this user, with the password in the environment "
    "variable PIPELINE_SMTP_PASSWORD (never an option: it would show in the process list).",
)
@click.option(
    "--again", is_flag=True, help="Mail organisations already sent their message this round."
)
@url_option
def mail(outbox: Path, store: Path | None, as_of: date | None, due: date | Dues | None,
         sender: str | None, send: bool, smtp: str | None, starttls: bool, tls: bool,
         user: str | None, again: bool, url: str | None) -> None:  # fmt: skip
    """One message per organisation for the round the last run recorded.

    Each goes to the register's contact: what is missing or must be fixed, what is off track
    and when returns are due, with the organisation's template for the next round and its
    feedback workbook attached. By default each is written as an .eml draft to OUTBOX/mail
    (Outlook and Thunderbird open it ready to send); with --send they are sent. What was sent
    is recorded in the store, and not sent again unless --again.
    """
    from ..mail.letters import MAIL_FOLDER, prepare, write_drafts
    from ..mail.sending import SERVER_FLAGS, ServerOptions, server_for
    from ..serve.links import link_maker

    ctx = click.get_current_context()
    typed = [n for n in SERVER_FLAGS if ctx.get_parameter_source(n) is ParameterSource.COMMANDLINE]
    server = server_for(send, ServerOptions(smtp, starttls, tls, user, sender), typed)
    store = store or outbox / "pipeline.sqlite"
    with tempfile.TemporaryDirectory(prefix=".pipeline-mail-") as scratch:
        made = prepare(store, outbox, Path(scratch), sender, as_of, due, again,
                       link_maker(store, url))  # fmt: skip
        if server is None:
            paths = write_drafts(made.letters, outbox / MAIL_FOLDER)
            echo(drafts_text(made, paths, outbox / MAIL_FOLDER))
            return
        from ..mail.sending import send as send_all

        outcome = send_all(made.letters, server, str(sender), store)
    echo(sent_text(made, outcome, server.name))
    if outcome.stopped:
        raise PipelineError(outcome.stopped)
    if outcome.refused:
        sys.exit(1)


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
    from ..declare import LAYOUTS

    title = LAYOUTS[letter.notice.layout].short_title
    copy = f", copying {letter.notice.copy_email}" if letter.notice.copy_email else ""
    return f"{letter.notice.organisation} ({title}) to {letter.recipient}{copy}"


def _not_mailed(made: MailRound) -> list[str]:
    if not made.not_mailed:
        return []
    return [f"Not mailed ({len(made.not_mailed)}):"] + [
        f"  {item.notice.organisation}: {item.why}" for item in made.not_mailed
    ]
