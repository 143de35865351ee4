"""``pipeline init``: a project folder, its commented project file, its inbox, outbox and
registers folders, and an example register per layout (the register of each layout's demo
partners, ``hooks.demo``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..declare import LAYOUTS, Layout
from ..errors import PipelineError
from .settings import PROJECT_FILE

FOLDERS = ("inbox", "outbox", "registers")

HEAD = """\
# {file}: this folder's settings for the `pipeline` command.
#
# Every `pipeline` command run in this folder (or a folder inside it) takes its settings from
# here, and an option typed on the command line wins. Paths are relative to this file's folder.
# A mistake here is reported with its line, and nothing runs until it is put right.

# Where partners' returned files are dropped (read, never changed).
inbox = "inbox"
# Where the consolidated workbook, the meeting pack, feedback and mail drafts are written.
outbox = "outbox"
# The store: every return read, kept for history and to pre-fill next round's templates.
store = "outbox/pipeline.sqlite"
# Where partners reach `pipeline serve`, if you serve the round on the web: each
# organisation's upload link starts with it, and `pipeline mail` and the templates give it.
# url = "https://returns.example.gov.uk"

# Who is expected to return: one register (a CSV) per layout. These are examples: put your
# own organisations in them, and remove the layouts you do not use.
[registers]
"""

TAIL = """
# When a round's returns are due, for the tracker, the chase list and the mail. Write
# "N days after start" (from the round's first day: a fortnight starts on a Monday, a quarter
# on 1 April, 1 July, 1 October or 1 January), "N days before end", or "WEEKDAY of last week"
# (that day in the round's last seven days); a date such as 2026-11-18 fixes one. `default` is
# for every layout; a layout's own line wins for it, and `pipeline run --due` for one run.
[due]
default = "Friday of last week"
# {example} = "10 days after start"

# `pipeline mail`: the address messages come from, and the mail server `pipeline mail --send`
# sends through. The password is never written here: set PIPELINE_SMTP_PASSWORD.
[mail]
# from = "performance.team@example.gov.uk"
# smtp = "smtp.example.gov.uk:587"
# starttls = true           # or ssl = true, for a server that expects TLS at once (port 465)
# user = "performance.team"

# `pipeline templates`: where next round's templates are written.
[templates]
out = "outbox/templates"

# `pipeline export`: where the analysts' tables are written, and as what (csv or parquet).
[export]
out = "outbox/export"
format = "csv"

# Any option of any command can be set in a table named after the command, by its long name
# with _ for - (`pipeline run --help` lists run's), for example:
[run]
# pack = true               # also print the meeting pack
# file_times = true         # our rule: a file's own time is when it arrived (see README)

# `pipeline serve`: who may sign in, each with their own password (`pipeline serve
# --set-password NAME`); without accounts, the one team password (`--set-password`).
[serve]
# accounts = ["ana.khan", "raj.patel"]
"""


@dataclass(frozen=True)
class Started:
    """What ``start_project`` wrote: the project file, its folders and example registers."""

    file: Path
    folders: list[Path]
    registers: dict[str, Path]  # layout name -> its example register


def start_project(folder: Path) -> Started:
    """Make ``folder`` a project: write its project file, its folders and an example register
    per layout (one already there is kept). A project file already there is never
    overwritten: a ``PipelineError`` says so, and nothing is written."""
    folder = Path(folder).absolute()
    file = folder / PROJECT_FILE
    if file.exists():
        raise PipelineError(f"{file} already exists: edit it, or give `pipeline init` another "
                            f"folder.")  # fmt: skip
    if folder.exists() and not folder.is_dir():
        raise PipelineError(f"{folder} is a file, not a folder: give `pipeline init` a folder.")
    folders = [folder / name for name in FOLDERS]
    for made in folders:
        made.mkdir(parents=True, exist_ok=True)
    registers = {}
    for name in LAYOUTS:
        example = _example_register(name)
        if example is None:
            continue
        target = folder / "registers" / f"{name}.csv"
        if not target.exists():
            target.write_bytes(example)
        registers[name] = target
    file.write_text(project_text(registers, folder), encoding="utf-8")
    return Started(file, folders, registers)


def _example_register(layout: str) -> bytes | None:
    """The register of the layout's demo partners (None: it has none)."""
    demo = LAYOUTS[layout].hooks.demo()
    return None if demo is None else demo.register.encode("utf-8")


def project_text(registers: dict[str, Path], folder: Path) -> str:
    """The commented project file, naming ``registers`` (relative to ``folder``)."""
    said = [f'# {_described(LAYOUTS[name])}\n{name} = "{path.relative_to(folder).as_posix()}"\n'
            for name, path in registers.items()]  # fmt: skip
    return HEAD.format(file=PROJECT_FILE) + "".join(said) + TAIL.format(example=_example(registers))


def _example(registers: dict[str, Path]) -> str:
    """A layout to show a rule of its own for, in a comment (the last named)."""
    return list(registers)[-1] if registers else "layout"


def _described(layout: Layout) -> str:
    return f"{layout.title}: returned every {layout.cadence.value}"
