"""The ``pipeline`` commands of the web service: ``serve`` (the round on the web) and
``links`` (each organisation's private upload link). Thin, as ``cli``'s: parse options, call
the library, print."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..errors import PipelineError
from .console import echo
from .options import (
    Due,
    RegisterSource,
    date_option,
    outbox_option,
    register_option,
    store_option,
    url_option,
)

inbox_option = click.option(
    "--inbox", type=click.Path(file_okay=False, path_type=Path), default=Path("inbox"),
    show_default=True, help="Folder of returned files (read recursively, never changed).",
)  # fmt: skip


@click.command()
@inbox_option
@outbox_option("The outbox: the workbook, pack and feedback are written here.")
@register_option
@click.option("--due", type=Due(), help="When this round's returns are due: a date or a rule.")
@store_option("The store uploads are recorded in (default: OUTBOX/pipeline.sqlite).")
@click.option("--file-times", is_flag=True, help="As for `pipeline run`: file times are "
              "arrival times for files saved straight into the inbox.")  # fmt: skip
@date_option("--as-of", "Serve the round of this day (default: each day's own).")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", type=int, default=8000, show_default=True, help="The port to listen on.")
@url_option
@click.option("--max-upload-mb", type=int, default=10, show_default=True,
              help="The largest file a partner may upload, in MB.")  # fmt: skip
@click.option("--accounts", multiple=True, metavar="NAME",
              help="Who may sign in, each with a password of their own (repeat; in the project "
              'file, accounts = ["NAME", ...]); without any, the one team password.')  # fmt: skip
@click.option("--workers", type=int, default=2, show_default=True,
              help="Processes taking in uploads at once.")  # fmt: skip
@click.option("--uploads-per-minute", type=int, default=12, show_default=True,
              help="Uploads one address may make a minute (after a first 20) before it is "
              "slowed.")  # fmt: skip
@click.option("--set-password", "account", is_flag=False, flag_value="team", default=None,
              metavar="[ACCOUNT]", help="Set the team's password (or ACCOUNT's), kept as an "
              "Argon2 hash in the store, and stop. Asked for, or read from "
              "PIPELINE_SERVE_PASSWORD.")  # fmt: skip
def serve(inbox: Path, outbox: Path, registers: tuple[RegisterSource, ...], due, store,
          file_times: bool, as_of: date | None, host: str, port: int, url: str | None,
          max_upload_mb: int, accounts: tuple[str, ...], workers: int,
          uploads_per_minute: int, account: str | None) -> None:  # fmt: skip
    """Serve the round on the web: partners upload their returns and see at once what to fix;
    the team signs in to watch the round.

    Each organisation's private link is given by `pipeline links`, and by `pipeline mail` and
    the templates once --url (or url in the project file) says where partners reach this.
    Listens on 127.0.0.1 unless told otherwise: put it behind a reverse proxy with HTTPS (see
    the README). Every upload and sign-in is logged in OUTBOX/serve-log.txt.
    """
    from ..serve import ServeSettings
    from ..serve import serve as run_service

    settings = ServeSettings.of(outbox, store, inbox=inbox, registers=registers, due=due,
                                file_times=file_times, as_of=as_of, host=host, port=port,
                                url=url, max_upload_mb=max_upload_mb, accounts=accounts,
                                workers=workers, uploads_per_minute=uploads_per_minute)  # fmt: skip
    if account is not None:
        _set_password(settings, account)
        return
    from ..serve.start import check_ready

    for line in check_ready(settings):
        echo(line)
    run_service(settings)


def _set_password(settings, account: str) -> None:
    import os

    from ..serve.accounts import TEAM
    from ..serve.start import store_password

    if account != TEAM and account not in settings.accounts:
        raise PipelineError(f'"{account}" is not one of the accounts the project file lists '
                            f"(accounts under [serve]): add it there first.")  # fmt: skip
    password = os.environ.get("PIPELINE_SERVE_PASSWORD") or click.prompt(
        "New password", hide_input=True, confirmation_prompt=True
    )
    store_password(settings.store, account, password)
    whose = "The team's password" if account == TEAM else f"{account}'s password"
    echo(f"{whose} is set (kept as an Argon2 hash in {settings.store}).")


@click.command()
@register_option
@outbox_option("The outbox whose store the links are kept in.")
@store_option("The store the links are kept in (default: OUTBOX/pipeline.sqlite).")
@url_option
@date_option("--as-of", "The links for the round of this day (default: today).")
@click.option("--next", "following", is_flag=True, help="The links for the round after.")
@click.option(
    "--revoke",
    metavar="ORGANISATION",
    help="End this organisation's link (part of its name will do), make a new one.",
)
def links(registers: tuple[RegisterSource, ...], outbox: Path, store: Path | None,
          url: str | None, as_of: date | None, following: bool,
          revoke: str | None) -> None:  # fmt: skip
    """Each organisation's private upload link for the round, to send them.

    A link works until its round ends, or until it is revoked; the store keeps only a hash
    of it. Send each organisation its own: whoever has it can upload that organisation's
    return.
    """
    from ..inbox.registers import read_registers
    from ..serve.links import round_links
    from ..store import DEFAULT_STORE

    given = read_registers(list(registers))
    if not given:
        raise PipelineError("Give the registers (--register, or a project file's [registers]).")
    base = (url or "http://127.0.0.1:8000").rstrip("/")
    made, new = round_links(store or outbox / DEFAULT_STORE.name, given, as_of or date.today(),
                            revoke, following)  # fmt: skip
    if new is not None:
        echo(f"Revoked {new.organisation}'s link; its new one: {new.url(base)}")
    layout = None
    for link in made:
        if link.layout != layout:
            layout = link.layout
            echo(f"{given[layout].layout.title}, {link.round.label}:")
        echo(f"  {link.organisation}: {link.url(base)}")
    if url is None:
        echo("(No --url given: the links start with http://127.0.0.1:8000; set url in the "
             "project file to give partners the address they reach.)", err=True)  # fmt: skip
