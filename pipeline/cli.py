"""The ``pipeline`` command: a thin layer that parses options, calls the library and prints.

Library modules are imported inside each command so that ``pipeline --help`` stays quick.
A ``PipelineError`` becomes its message and exit code; anything unexpected becomes one short
line (the traceback only with ``--debug``). Everything printed goes through ``echo``, which
writes out any control character a partner's file or a register put in a name, so no name
can work the terminal. A reader that stops reading (``pipeline run | head -1``) ends the
command quietly.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import PipelineError
from .naming import visible_lines


class _LayoutChoice(click.Choice):
    """The layouts in the registry, looked up only when needed (``--help`` stays quick)."""

    def __init__(self) -> None:
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        from .layouts import LAYOUTS

        return tuple(LAYOUTS)

    @choices.setter
    def choices(self, _: object) -> None:
        pass


RegisterSource = Path | tuple[str, Path]  # a register, or the layout named for it and it


class _RegisterSource(click.ParamType):
    """``PATH`` (its layout told by its columns) or ``LAYOUT=PATH``, for a register whose
    columns another layout's would fit as well."""

    name = "[LAYOUT=]PATH"

    def convert(self, value: Any, param: Any, ctx: Any) -> RegisterSource:
        text = str(value)
        name, _, rest = text.partition("=")
        if rest and not Path(text).exists():
            layout = _LayoutChoice().convert(name, param, ctx)
            return layout, self._file(rest, param, ctx)
        return self._file(text, param, ctx)

    @staticmethod
    def _file(text: str, param: Any, ctx: Any) -> Path:
        kind = click.Path(exists=True, dir_okay=False, path_type=Path)
        return kind.convert(text, param, ctx)


def echo(message: object = "", err: bool = False) -> None:
    """Print ``message`` (to standard error if ``err``) with every control or invisible
    character written out (``\\x1b``), its line breaks and tabs kept: the one way the
    command prints. Once the reader has gone (``pipeline run | head -1``), the rest goes
    nowhere: the command still does all its work, and ends quietly."""
    stream = sys.stderr if err else sys.stdout
    try:
        click.echo(visible_lines(str(message)), file=stream)
    except BrokenPipeError:
        _to_nowhere(stream)


def _to_nowhere(stream) -> None:
    """Send what is still to be written to ``stream`` nowhere (as Python's documentation
    advises for a closed pipe), so that neither a later line nor the flush at exit fails."""
    with contextlib.suppress(OSError, ValueError):  # ValueError: no descriptor (a test's)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


class _Group(click.Group):
    """Turns library errors into messages and exit codes."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PipelineError as err:
            echo(f"Error: {err}", err=True)
            sys.exit(err.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as err:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            echo(
                f"Error: something went wrong that we did not expect ({type(err).__name__}: "
                f"{err}). Run again with --debug for details, and tell the pipeline's "
                f"maintainers.",
                err=True,
            )
            sys.exit(1)


AS_OF_YEARS = (1990, 2100)  # an as-of or due date outside these years is a typing slip


def _as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD.") from None
    first, last = AS_OF_YEARS
    if not first <= day.year <= last:
        raise click.BadParameter(
            f"{value} is not a date a round could be reported for: give one from {first} to "
            f"{last}, in the form YYYY-MM-DD."
        )
    return day


pack_option = click.option(
    "--pack",
    is_flag=True,
    help="Also print the meeting pack: a PDF of who needs attention, the Overview and a page "
    "per organisation (needs LibreOffice; without it, the pack's workbook).",
)


def _date_option(name: str, help: str):
    return click.option(name, callback=_as_of, metavar="YYYY-MM-DD", help=help)


def _outbox_option(help: str):
    return click.option(
        "--outbox",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("outbox"),
        show_default=True,
        help=help,
    )


def _store_option(help: str):
    return click.option(
        "--store",
        "store",
        type=click.Path(dir_okay=False, path_type=Path),
        help=help,
    )


as_of_option = _date_option(
    "--as-of", "Report as at this date (default: today), for reproducible reports."
)


register_option = click.option(
    "--register",
    "registers",
    multiple=True,
    type=_RegisterSource(),
    help="A register CSV of organisations expected to return (repeat for each layout). Its "
    "layout is told by its columns; write LAYOUT=PATH (a name --layout takes) to say it.",
)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="pipeline")
@click.option("--debug", is_flag=True, help="Show full tracebacks for unexpected errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Action plan returns: templates out, returns in, one consolidated progress workbook."""
    ctx.obj = {"debug": debug}


@cli.command()
@click.option("--layout", type=_LayoutChoice(), required=True, help="Which layout.")
@click.option(
    "--register",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Register CSV: one template per organisation. Without it, one blank template.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write the templates to.",
)
@_store_option(
    "Pre-fill each template from the organisation's latest return in this store "
    "(default: outbox/pipeline.sqlite, when it exists)."
)
@_date_option(
    "--as-of",
    "The day of the round the templates are for (default: today; a blank template has none): "
    "the Guidance's examples are near it, and a three-year plan marks its quarter.",
)
def templates(
    layout: str, register: Path | None, out: Path, store: Path | None, as_of: date | None
) -> None:
    """Write pre-filled templates for everyone on a register.

    With a store, next round's templates already hold everything each partner told us last
    time, so an update may be as simple as adding new actions and changing statuses.
    """
    from .layouts import get_layout
    from .registers import read_register
    from .store import DEFAULT_STORE, Store
    from .templates import make_templates

    chosen = get_layout(layout)
    reg = read_register(register, chosen) if register else None
    store = store or (DEFAULT_STORE if DEFAULT_STORE.exists() else None)
    previous = {}
    if store is not None and reg is not None:
        if not Path(store).exists():
            raise PipelineError(f"The store {store} does not exist: run `pipeline run` first.")
        with Store.open(store, write=False) as opened:
            previous = opened.latest_returns(chosen.name)
    day = as_of or (date.today() if reg is not None else None)
    paths = make_templates(chosen, out, reg, previous, day)
    carried = sum(1 for e in (reg.entries if reg else ()) if _key(e.organisation) in previous)
    echo(f"Wrote {len(paths)} {chosen.title} template(s) to {out}")
    if store is not None and reg is not None:
        echo(f"{carried} pre-filled from their latest return in {store}")


def _key(name: str) -> str:
    from .registers import organisation_key

    return organisation_key(name)


@cli.command()
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@register_option
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option(
    "--feedback",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write each partner's workbook back, marked up, into this folder.",
)
def check(
    files: tuple[Path, ...],
    registers: tuple[RegisterSource, ...],
    as_json: bool,
    feedback: Path | None,
) -> None:
    """Check returned files and print every finding.

    Exits 0 when every file would be accepted, 1 when any would be rejected.
    """
    from . import feedback as marking
    from .intake import REJECTED
    from .report.terminal import findings_json, findings_text
    from .run import check_files

    with tempfile.TemporaryDirectory(prefix=".pipeline-check-") as copies:
        receipts = check_files(files, registers, copies=Path(copies))
        echo(findings_json(receipts) if as_json else findings_text(receipts))
        if feedback is not None:
            written = marking.write_all(marking.jobs_for(receipts, feedback))
            if not as_json:
                echo(f"Feedback for {len(written)} file(s) in {feedback}")
    sys.exit(1 if any(r.status == REJECTED for r in receipts) else 0)


@cli.command()
@click.option(
    "--inbox",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("inbox"),
    show_default=True,
    help="Folder of returned files (read recursively, never changed).",
)
@_outbox_option("Folder to write the consolidated workbook to.")
@register_option
@as_of_option
@_date_option("--due", "When this round's returns were due: later ones show as late.")
@_store_option("The store to record the run in (default: OUTBOX/pipeline.sqlite).")
@click.option(
    "--timings",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write how long each stage took, as JSON, to this file.",
)
@click.option("--quiet", is_flag=True, help="Show no progress while it works (for scripts).")
@pack_option
def run(
    inbox: Path,
    outbox: Path,
    registers: tuple[RegisterSource, ...],
    as_of: date | None,
    due: date | None,
    store: Path | None,
    timings: Path | None,
    quiet: bool,
    pack: bool,
) -> None:
    """Read every return in the inbox and write one consolidated progress workbook.

    Every file read is kept in the store and its archive, so the round's picture includes
    returns from earlier runs even after the inbox is cleaned, and the next round can show
    what changed.
    """
    from .run import run as run_pipeline

    _run_and_report(
        lambda progress: run_pipeline(inbox, outbox, registers, as_of, store_path=store, due=due,
                                      progress=progress),
        pack, quiet,
    )  # fmt: skip
    if timings is not None:
        import json

        from .timing import report

        timings.write_text(json.dumps(report(), indent=2))


def _run_and_report(start, pack: bool = False, quiet: bool = False) -> None:
    from .progress import Progress
    from .report.terminal import summary_text

    progress = Progress(quiet)  # (shown on a terminal only)
    try:
        result = start(progress)
    finally:
        progress.close()
    echo(summary_text(result.consolidation))
    if result.feedback:
        echo(f"Feedback for partners: {len(result.feedback)} file(s) in "
             f"{result.feedback[0].parent}")  # fmt: skip
    echo(f"Store: {result.store}")
    echo(f"Consolidated workbook: {result.path}")
    if pack:
        _pack(result)
    if result.feedback_unwritten:
        folder = result.feedback_unwritten[0].parent
        raise PipelineError(
            f"Feedback for {len(result.feedback_unwritten)} file(s) could not be written in "
            f"{folder} (it may be full or read-only): make room or give write access, and run "
            f"again; the workbook and the store are complete."
        )


def _pack(result) -> None:
    from .report.pack import write_pack

    echo("Printing the meeting pack (LibreOffice takes a minute)...")
    made = write_pack(result.consolidation, result.path.parent)
    if made.pdf is not None:
        echo(f"Meeting pack: {made.pdf}")
    else:
        echo(f"Meeting pack (to print from Excel): {made.workbook}")
        echo(made.no_pdf, err=True)


@cli.command()
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("outbox/demo"),
    show_default=True,
    help="Folder for the demo's registers, inbox and consolidated workbook.",
)
@click.option(
    "--as-of",
    callback=_as_of,
    metavar="YYYY-MM-DD",
    help="The round's date (default: 2026-11-20, the round the demo registers were made for).",
)
@pack_option
def demo(directory: Path, as_of: date | None, pack: bool) -> None:
    """Make a realistic demo inbox (with the usual mistakes) and run the pipeline on it."""
    from .demo import DEMO_AS_OF, make_demo
    from .run import run as run_pipeline

    as_of = as_of or DEMO_AS_OF
    made = make_demo(directory, as_of)
    for earlier in made.earlier:
        before = run_pipeline(earlier.inbox, earlier.inbox.parent, earlier.registers,
                              earlier.as_of, store_path=made.store, due=earlier.due)  # fmt: skip
        echo(f"Last round ({earlier.as_of:%d/%m/%Y}): {len(before.consolidation.receipts)} "
             f"returns read from {earlier.inbox}")  # fmt: skip
    echo(f"This round: {made.inbox} ({made.files} files)")
    _run_and_report(
        lambda progress: run_pipeline(made.inbox, directory, made.registers, as_of,
                                      store_path=made.store, due=made.due, progress=progress),
        pack,
    )  # fmt: skip


@cli.command()
@_outbox_option(
    "The run's outbox: its feedback is read from OUTBOX/feedback, drafts go to OUTBOX/mail.",
)
@_store_option("The store the run was recorded in (default: OUTBOX/pipeline.sqlite).")
@_date_option(
    "--as-of",
    "The day of the round the attached templates are for (default: the first day of the "
    "round after the last run's).",
)
@_date_option(
    "--due", "When returns are due, said in each message (default: the due date of the run)."
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
@click.option("--starttls", is_flag=True, help="Secure the connection with STARTTLS first.")
@click.option(
    "--ssl",
    "tls",
    is_flag=True,
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
def mail(
    outbox: Path,
    store: Path | None,
    as_of: date | None,
    due: date | None,
    sender: str | None,
    send: bool,
    smtp: str | None,
    starttls: bool,
    tls: bool,
    user: str | None,
    again: bool,
) -> None:
    """One message per organisation for the round the last run recorded.

    Each goes to the register's contact: what is missing or must be fixed, what is off track
    and when returns are due, with the organisation's template for the next round and its
    feedback workbook attached. By default each is written as an .eml draft to OUTBOX/mail
    (Outlook and Thunderbird open it ready to send); with --send they are sent. What was sent
    is recorded in the store, and not sent again unless --again.
    """
    from .mailing import MAIL_FOLDER, prepare, write_drafts

    server = _mail_server(send, smtp, starttls, tls, user, sender)
    store = store or outbox / "pipeline.sqlite"
    with tempfile.TemporaryDirectory(prefix=".pipeline-mail-") as scratch:
        made = prepare(store, outbox, Path(scratch), sender, as_of, due, again)
        if server is None:
            paths = write_drafts(made.letters, outbox / MAIL_FOLDER)
            echo(f"Wrote {len(paths)} draft(s) to {outbox / MAIL_FOLDER}, to open and send:")
            for letter, path in zip(made.letters, paths):
                echo(f"  {_mailed(letter)}: {path.name}")
            _not_mailed(made.not_mailed)
            return
        from .sending import send as send_all

        outcome = send_all(made.letters, server, str(sender), store)
    echo(f"Sent {len(outcome.sent)} message(s) through {server.name}:")
    for letter in outcome.sent:
        echo(f"  {_mailed(letter)}")
    _not_mailed(made.not_mailed)
    if outcome.refused:
        echo(f"Refused by the mail server ({len(outcome.refused)}), not recorded as sent:")
        for letter, why in outcome.refused:
            echo(f"  {letter.notice.organisation}: {why}")
    if outcome.stopped:
        raise PipelineError(outcome.stopped)
    if outcome.refused:
        sys.exit(1)


def _mail_server(send: bool, smtp: str | None, starttls: bool, tls: bool, user: str | None,
                 sender: str | None):  # fmt: skip
    """The mail server to send through (None: write drafts), or a usage error saying which
    option is missing or out of place."""
    from .errors import UsageError
    from .sending import PASSWORD_VARIABLE, Server

    if not send:
        given = [name for name, value in (("--smtp", smtp), ("--starttls", starttls),
                                          ("--ssl", tls), ("--user", user)) if value]  # fmt: skip
        if given:
            raise UsageError(f"{', '.join(given)} is for sending: add --send, or leave it out.")
        return None
    if not smtp:
        raise UsageError("--send needs the mail server: add --smtp HOST:PORT.")
    if not sender:
        raise UsageError(
            "--send needs the address messages come from: add --from ADDRESS, or set "
            "PIPELINE_MAIL_FROM."
        )
    password = os.environ.get(PASSWORD_VARIABLE)
    if user and not password:
        raise UsageError(
            f"--user needs its password in the environment variable {PASSWORD_VARIABLE}: set "
            f"it, and run again."
        )
    if starttls and tls:
        raise UsageError("--starttls and --ssl are two ways to secure the connection: give one.")
    if user and not (starttls or tls):
        raise UsageError(
            "--user logs in with a password, which would cross the network in clear: add "
            "--starttls, or --ssl for a server that expects TLS from the start (port 465)."
        )
    return Server.parse(smtp, starttls=starttls, tls=tls, user=user, password=password)


def _mailed(letter) -> str:
    """``Leeds (Priority 44 Partnership Action Plan) to jane.doe@leeds.gov.uk``."""
    from .layouts import LAYOUTS

    title = LAYOUTS[letter.notice.layout].short_title
    return f"{letter.notice.organisation} ({title}) to {letter.recipient}"


def _not_mailed(left_out) -> None:
    if left_out:
        echo(f"Not mailed ({len(left_out)}):")
        for item in left_out:
            echo(f"  {item.notice.organisation}: {item.why}")


@cli.command()
@click.argument("organisation")
@_store_option("The store to read (default: outbox/pipeline.sqlite).")
def history(organisation: str, store: Path | None) -> None:
    """Print an organisation's rounds: date, file, status, confidence, counts and flags."""
    from .report.terminal import history_text
    from .store import DEFAULT_STORE, Store

    store = store or DEFAULT_STORE
    if not Path(store).exists():
        raise PipelineError(f"The store {store} does not exist: run `pipeline run` first.")
    with Store.open(store, write=False) as opened:
        rounds = opened.history(organisation)
    if not rounds:
        raise PipelineError(f"{organisation} has no rounds in {store}: check the spelling.")
    echo(history_text(rounds))


def main() -> None:
    """Entry point of the ``pipeline`` console script."""
    # pandera imports hypothesis (a test-data tool, 0.1 s to import) whenever it is installed;
    # the command never synthesises data, so it is told hypothesis is not there.
    sys.modules.setdefault("hypothesis", None)  # type: ignore[arg-type]
    try:
        cli(prog_name="pipeline")  # click ends quietly if its own printing finds no reader
        code = 0
    except SystemExit as done:
        if done.code is not None and not isinstance(done.code, int):
            echo(done.code, err=True)
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    # Everything is written, closed and flushed by now. Tearing down pandas, numpy and the
    # rest would take Python another 0.2 s, so the process ends at once.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError):  # e.g. the reader of a pipe has gone
            stream.flush()
    os._exit(code)
