"""The command line's kinds of value and shared options, and what a project file may set.

Each kind of value is a click parameter type that also takes the value a project file gave
(already read: a path, a date, rules), so a setting and a flag end the same. ``settable``
tells the project file every command's options and their kinds, from the commands
themselves: an option added to a command can be set in the file with nothing more.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from ..round.due import Dues

AS_OF_YEARS = (1990, 2100)  # an as-of or due date outside these years is a typing slip


class LayoutChoice(click.Choice):
    """The layouts in the registry, looked up only when needed (``--help`` stays quick)."""

    def __init__(self) -> None:
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        from ..declare import LAYOUTS

        return tuple(LAYOUTS)

    @choices.setter
    def choices(self, _: object) -> None:
        pass


RegisterSource = Path | tuple[str, Path]  # a register, or the layout named for it and it


class RegisterPath(click.ParamType):
    """``PATH`` (its layout told by its columns) or ``LAYOUT=PATH``, for a register whose
    columns another layout's would fit as well."""

    name = "[LAYOUT=]PATH"

    def convert(self, value: Any, param: Any, ctx: Any) -> RegisterSource:
        if isinstance(value, tuple):  # (layout, path), from a project file
            return value
        text = str(value)
        name, _, rest = text.partition("=")
        if rest and not Path(text).exists():
            layout = LayoutChoice().convert(name, param, ctx)
            return layout, self._file(rest, param, ctx)
        return self._file(text, param, ctx)

    @staticmethod
    def _file(text: str, param: Any, ctx: Any) -> Path:
        kind = click.Path(exists=True, dir_okay=False, path_type=Path)
        return kind.convert(text, param, ctx)


class Day(click.ParamType):
    """A date in the form YYYY-MM-DD, in the years a round could be reported for."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: Any, ctx: Any) -> date:
        if isinstance(value, date):
            day = value
        else:
            try:
                day = date.fromisoformat(str(value))
            except ValueError:
                self.fail(f"{value!r} is not a date in the form YYYY-MM-DD.", param, ctx)
        first, last = AS_OF_YEARS
        if not first <= day.year <= last:
            self.fail(f"{value} is not a date a round could be reported for: give one from "
                      f"{first} to {last}, in the form YYYY-MM-DD.", param, ctx)  # fmt: skip
        return day


class Due(Day):
    """A due date (YYYY-MM-DD) for every layout, or a rule giving each round's ("Friday of
    last week"); a project file's rules by layout come already read."""

    name = "YYYY-MM-DD|RULE"

    def convert(self, value: Any, param: Any, ctx: Any) -> date | Dues:
        from ..round.due import EVERY_LAYOUT, DueRule, Dues  # (not imported for --help)

        if isinstance(value, Dues):
            return value
        if isinstance(value, date) or (str(value)[:1].isdigit() and "-" in str(value)):
            return super().convert(value, param, ctx)
        try:
            return Dues({EVERY_LAYOUT: DueRule.parse(str(value))})
        except ValueError as err:
            self.fail(str(err), param, ctx)


# The kind a project file reads each type of option as (the first that fits).
KINDS: tuple[tuple[type, str], ...] = (
    (RegisterPath, "registers"), (Due, "due"), (Day, "date"), (click.Path, "path"),
    (click.types.IntParamType, "number"),
)  # fmt: skip


def settable(group: click.Group) -> dict[str, list]:
    """Each command's options, as a project file may set them (``project.Option``)."""
    from ..project import Option

    found: dict[str, list] = {}
    for name, command in group.commands.items():
        found[name] = [
            Option(p.name, _key(p), _kind(p))
            for p in command.params
            if isinstance(p, click.Option) and p.name and any(o.startswith("--") for o in p.opts)
        ]
    return found


def project_defaults(group: click.Group, given: Path | None) -> dict | None:
    """Every command's option defaults from the project file (``given``, or the one found from
    this folder up), for click's ``default_map``; None when there is none."""
    from ..project import find_project, load_project

    found = given or find_project(Path.cwd())
    return None if found is None else load_project(found, settable(group))


def _key(option: click.Option) -> str:
    """``--as-of`` is written ``as_of`` in a project file."""
    return next(o for o in option.opts if o.startswith("--"))[2:].replace("-", "_")


def _kind(option: click.Option) -> str:
    if option.is_flag:
        return "flag"
    kind = next((k for t, k in KINDS if isinstance(option.type, t)), "text")
    return f"{kind}s" if option.multiple and kind in ("path", "text") else kind


def date_option(name: str, help: str):
    """A date option, YYYY-MM-DD."""
    return click.option(name, type=Day(), help=help)


def outbox_option(help: str):
    """``--outbox``, the folder a run writes to."""
    return click.option("--outbox", type=click.Path(file_okay=False, path_type=Path),
                        default=Path("outbox"), show_default=True, help=help)  # fmt: skip


def store_option(help: str):
    """``--store``, the SQLite store."""
    return click.option("--store", "store", type=click.Path(dir_okay=False, path_type=Path),
                        help=help)  # fmt: skip


register_option = click.option(
    "--register",
    "registers",
    multiple=True,
    type=RegisterPath(),
    help="A register CSV of organisations expected to return (repeat for each layout). Its "
    "layout is told by its columns; write LAYOUT=PATH (a name --layout takes) to say it.",
)

pack_option = click.option(
    "--pack/--no-pack",
    default=False,
    help="Also print the meeting pack: a PDF of the figures and who needs attention, a page "
    "per organisation needing it, then those with no return and those with nothing to discuss "
    "(needs LibreOffice; without it, the pack's workbook).",
)
region_option = click.option(
    "--region",
    "group",
    metavar="NAME",
    help="Print the meeting pack for one region alone (or theme, or directorate: the grouping "
    "column of the registers); implies --pack.",
)


def export_options(command):
    """``pipeline export``'s options: what to write, where, and from which rounds."""
    for option in reversed((
        click.option("--format", "format_", type=click.Choice(["csv", "parquet"]),
                      default="csv", show_default=True,
                      help="CSV (for Excel and anything else) or Parquet (typed)."),
        click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
                     help="Folder to write the tables to (an earlier export's are replaced)."),
        store_option("The store to read (default: outbox/pipeline.sqlite)."),
        click.option("--rounds", "last", type=click.IntRange(min=1), metavar="N",
                     help="Only each layout's last N rounds (default: every round)."),
        click.option("--layout", type=LayoutChoice(), help="Only this layout's rounds."),
    )):  # fmt: skip
        command = option(command)
    return command


url_option = click.option(
    "--url",
    metavar="ADDRESS",
    help="The address partners reach `pipeline serve` at, such as https://returns.example.gov.uk: "
    "each organisation's upload link starts with it (for a whole project, url at the top of "
    "the project file).",
)
