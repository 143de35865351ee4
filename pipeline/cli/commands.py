"""The ``pipeline`` command: a thin layer that parses options, calls the library and prints.

Library modules are imported inside each command so that ``pipeline --help`` stays quick.
Every line is printed by ``console.echo``, and errors become sentences there too. Inside a
project folder, the project file's settings are every option's default (click's
``default_map``), so a flag typed wins.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import __version__
from ..errors import PipelineError
from .console import Group, echo, run_to_the_end
from .options import (
    Due,
    LayoutChoice,
    RegisterSource,
    date_option,
    export_options,
    outbox_option,
    pack_option,
    project_defaults,
    region_option,
    register_option,
    store_option,
    url_option,
)

if TYPE_CHECKING:
    from ..round.due import Dues


@click.group(cls=Group)
@click.version_option(__version__, prog_name="pipeline")
@click.option("--debug", is_flag=True, help="Show full tracebacks for unexpected errors.")
@click.option(
    "--project",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The project file to take settings from (default: pipeline.toml in this folder or the "
    "nearest folder above it that has one).",
)
@click.pass_context
def cli(ctx: click.Context, debug: bool, project: Path | None) -> None:
    """Action plan returns: templates out, returns in, one consolidated progress workbook.

    Inside a project folder (see `pipeline init`) every command takes its settings from the
    project file, pipeline.toml; an option typed on the command line wins.
    """
    ctx.obj = {"debug": debug}
    if ctx.invoked_subcommand != "init":
        ctx.default_map = project_defaults(cli, project)


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
def init(folder: Path) -> None:
    """Make FOLDER (default: this one) a project folder for the round.

    Writes a commented project file, pipeline.toml (folders, store, a register per layout,
    when returns are due, the mail sender and server; never a password), and the folders
    inbox/, outbox/ and registers/, with an example register per layout. An existing project
    file is never overwritten.
    """
    from ..project import start_project

    started = start_project(folder)
    echo(f"Wrote {started.file}")
    echo(f"Folders: {', '.join(f'{f.name}/' for f in started.folders)}")
    for name, path in started.registers.items():
        echo(f"  example {name} register: {path.relative_to(started.file.parent)}")
    echo("Next: put your own organisations in the registers, say in pipeline.toml when returns "
         "are due and how mail is sent;\nthen `pipeline templates`, and once returns are in "
         "inbox/, `pipeline run`.")  # fmt: skip


@cli.command()
@click.option(
    "--layout",
    type=LayoutChoice(),
    help="Only this layout's templates; with no register, one blank template of it.",
)
@register_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write the templates to.",
)
@store_option(
    "Pre-fill each template from the organisation's latest return in this store "
    "(default: outbox/pipeline.sqlite, when it exists)."
)
@date_option(
    "--as-of",
    "The day of the round the templates are for (default: today; a blank template has none): "
    "the Guidance's examples are near it, and a three-year plan marks its quarter.",
)
@url_option
def templates(layout: str | None, registers: tuple[RegisterSource, ...], out: Path,
              store: Path | None, as_of: date | None, url: str | None) -> None:  # fmt: skip
    """Write pre-filled templates for everyone on the registers.

    With a store, next round's templates already hold everything each partner told us last
    time, so an update may be as simple as adding new actions and changing statuses. Says how
    many were pre-filled, and warns when none could be.
    """
    from ..serve.links import link_maker
    from ..templates.prefill import write_round_templates

    links = link_maker(store, url)
    for made in write_round_templates(out, registers, layout, store, as_of, links):
        echo(f"Wrote {len(made.paths)} {made.layout.title} template(s) to {out}")
        if made.prefilled:
            echo(f"{made.prefilled} pre-filled from their latest return in {made.store}")
        if made.none_prefilled:
            echo(f"Warning: {made.none_prefilled}", err=True)


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
    from .. import feedback as marking
    from ..inbox.intake import REJECTED
    from ..report.terminal import findings_json, findings_text
    from ..run import check_files

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
@outbox_option("Folder to write the consolidated workbook to.")
@register_option
@date_option("--as-of", "Report as at this date (default: today), for reproducible reports.")
@click.option(
    "--due",
    type=Due(),
    help="When this round's returns were due (later ones show as late): a date, or a rule "
    'such as "Friday of last week" or "10 days after start".',
)
@store_option("The store to record the run in (default: OUTBOX/pipeline.sqlite).")
@click.option(
    "--file-times",
    is_flag=True,
    help="The team's rule that a file's own time is when it arrived (files saved straight "
    "into the inbox as they come), so it can make a return late. Without it only an email's "
    "Sent time or a dated inbox folder (inbox/2026-11-21/) can.",
)
@click.option(
    "--timings",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write how long each stage took, as JSON, to this file.",
)
@click.option("--quiet", is_flag=True, help="Show no progress while it works (for scripts).")
@pack_option
@region_option
def run(
    inbox: Path,
    outbox: Path,
    registers: tuple[RegisterSource, ...],
    as_of: date | None,
    due: date | Dues | None,
    store: Path | None,
    file_times: bool,
    timings: Path | None,
    quiet: bool,
    pack: bool,
    group: str | None,
) -> None:
    """Read every return in the inbox and write one consolidated progress workbook.

    Every file read is kept in the store and its archive, so the round's picture includes
    returns from earlier runs even after the inbox is cleaned, and the next round can show
    what changed.
    """
    from ..run import run as run_pipeline

    _run_and_report(
        lambda progress: run_pipeline(inbox, outbox, registers, as_of, store_path=store, due=due,
                                      progress=progress, file_times=file_times),
        pack or group is not None, group, quiet,
    )  # fmt: skip
    if timings is not None:
        import json

        from ..system.timing import report

        timings.write_text(json.dumps(report(), indent=2))


def _run_and_report(start, pack: bool = False, group: str | None = None,
                    quiet: bool = False) -> None:  # fmt: skip
    from ..report.terminal import summary_text
    from ..system.progress import Progress

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
        _pack(result, group)
    if result.feedback_unwritten:
        folder = result.feedback_unwritten[0].parent
        raise PipelineError(
            f"Feedback for {len(result.feedback_unwritten)} file(s) could not be written in "
            f"{folder} (it may be full or read-only): make room or give write access, and run "
            f"again; the workbook and the store are complete."
        )


def _pack(result, group: str | None = None) -> None:
    from ..report.pack import write_pack

    echo("Printing the meeting pack (LibreOffice takes a minute)...")
    made = write_pack(result.consolidation, result.path.parent, group)
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
@date_option(
    "--as-of",
    "The round's date (default: 2026-11-20, the round the demo registers were made for).",
)
@pack_option
def demo(directory: Path, as_of: date | None, pack: bool) -> None:
    """Make a realistic demo inbox (with the usual mistakes) and run the pipeline on it."""
    from ..demo import DEMO_AS_OF, make_demo
    from ..run import run as run_pipeline
    from ..run import run_rounds

    as_of = as_of or DEMO_AS_OF
    made = make_demo(directory, as_of)
    for earlier, before in run_rounds(made.earlier, made.store):
        echo(f"Last round ({earlier.as_of:%d/%m/%Y}): {len(before.consolidation.receipts)} "
             f"returns read from {earlier.inbox}")  # fmt: skip
    echo(f"This round: {made.inbox} ({made.files} files)")
    _run_and_report(
        lambda progress: run_pipeline(made.inbox, directory, made.registers, as_of,
                                      store_path=made.store, due=made.due, progress=progress),
        pack,
    )  # fmt: skip


@cli.command()
@click.argument("organisation")
@store_option("The store to read (default: outbox/pipeline.sqlite).")
def history(organisation: str, store: Path | None) -> None:
    """Print an organisation's rounds: date, file, status, confidence, counts and flags.

    ORGANISATION may be part of the name, in any case ("kestrel" for Kestrel Vale CSP): when
    several match they are listed, and when none does the closest names are suggested.
    """
    from ..report.terminal import history_text
    from ..store import DEFAULT_STORE
    from ..store.history import organisation_history

    echo(history_text(organisation_history(store or DEFAULT_STORE, organisation)))


@cli.command()
@export_options
def export(format_: str, out: Path, store: Path | None, last: int | None, layout: str | None):
    """Write every round in the store as tidy tables for analysts, CSV or Parquet: rounds,
    returns, plans, rows, flags and findings, one row each (the README's data dictionary)."""
    from .. import export as exporting

    made = exporting.export(store, out, format_, layout=layout, rounds=last)
    echo(exporting.exported_text(made))


# (commands kept in modules of their own, added here, below the group they join)
from .mail import mail  # noqa: E402
from .serve import links, serve  # noqa: E402

cli.add_command(mail)
cli.add_command(serve)
cli.add_command(links)


def main() -> None:
    """Entry point of the ``pipeline`` console script."""
    run_to_the_end(cli)
