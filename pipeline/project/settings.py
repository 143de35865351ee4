"""A project file read into each command's option defaults, every mistake a sentence naming
its line.

The file's top holds what several commands share (``inbox``, ``outbox``, ``store``, a
``[registers]`` table, a ``[due]`` table); a table named after a command (``[run]``,
``[mail]``) sets that command's options by their long names (``--from`` is ``from``,
``--as-of`` is ``as_of``). Which options there are is told by the caller (``Option``), so an
option added to a command can be set in the file at once. Paths are relative to the file's
folder.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..declare import LAYOUTS
from ..errors import UsageError
from ..round.due import EVERY_LAYOUT, DueRule, Dues
from .lines import line_of, syntax_error

PROJECT_FILE = "pipeline.toml"
PASSWORD_KEYS = {"password", "pass", "smtp_password", "passwd"}


class ProjectError(UsageError):
    """A project file that cannot be used; the message names its line."""


@dataclass(frozen=True)
class Option:
    """One option of a command, as a project file may set it: the parameter it fills, the key
    it is written as (its long name without ``--``, ``-`` as ``_``), and its kind (a key of
    ``READERS``)."""

    name: str
    key: str
    kind: str


class _Mistake(ValueError):
    """A value that cannot be used: the sentence, and the key (in the same table) it is at
    when that is not the setting's own."""

    def __init__(self, said: str, at: str | None = None) -> None:
        super().__init__(said)
        self.at = at


def _path(value: Any, folder: Path) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise _Mistake('must be a path in quotes, such as "inbox"')
    return folder / value


def _paths(value: Any, folder: Path) -> list[Path]:
    if not isinstance(value, list):
        raise _Mistake('must be a list of paths in quotes, such as ["a", "b"]')
    return [_path(v, folder) for v in value]


def _flag(value: Any, folder: Path) -> bool:
    if not isinstance(value, bool):
        raise _Mistake(f"must be true or false, not {_shown(value)}")
    return value


def _text(value: Any, folder: Path) -> str:
    if not isinstance(value, str):
        raise _Mistake(f"must be text in quotes, not {_shown(value)}")
    return value


def _texts(value: Any, folder: Path) -> list[str]:
    if not isinstance(value, list):
        raise _Mistake('must be a list of texts in quotes, such as ["a", "b"]')
    return [_text(v, folder) for v in value]


def _number(value: Any, folder: Path) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Mistake(f"must be a whole number, not {_shown(value)}")
    return value


def _date(value: Any, folder: Path) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _Mistake(f"must be a date such as 2026-11-20, not {_shown(value)}") from None


def _registers(value: Any, folder: Path) -> list[tuple[str, Path]] | list[Path]:
    """``{LAYOUT = "PATH"}`` (or a list of paths, each told by its columns), each file there."""
    given = value.items() if isinstance(value, dict) else [(None, v) for v in _paths(value, folder)]
    found: list = []
    for layout, path in given:
        if layout is not None and layout not in LAYOUTS:
            raise _Mistake(f"{layout} is not a layout: use one of {', '.join(LAYOUTS)}", layout)
        try:
            path = _path(path, folder)
        except _Mistake as err:
            raise _Mistake(f"{layout} {err}", layout) from None
        if not path.is_file():
            raise _Mistake(f"the register {path} does not exist: correct the path, or remove "
                           f"the line", layout)  # fmt: skip
        found.append(path if layout is None else (layout, path))
    return found


def _dues(value: Any, folder: Path) -> Dues:
    """A rule (or date) for every layout, or a table of them by layout (``default``: the
    rest)."""
    table = value if isinstance(value, dict) else {EVERY_LAYOUT: value}
    rules: dict[str, DueRule | date] = {}
    for name, said in table.items():
        if name != EVERY_LAYOUT and name not in LAYOUTS:
            raise _Mistake(f"{name} is not a layout: use one of {EVERY_LAYOUT}, "
                           f"{', '.join(LAYOUTS)}", name)  # fmt: skip
        try:
            rules[name] = said if isinstance(said, date) else DueRule.parse(_text(said, folder))
        except ValueError as err:
            raise _Mistake(str(err).rstrip("."), name) from None
    return Dues(rules)


# How each kind of option's value is read from the file (a _Mistake says why it cannot be).
READERS: dict[str, Callable[[Any, Path], Any]] = {
    "path": _path, "paths": _paths, "flag": _flag, "text": _text, "texts": _texts,
    "number": _number,
    "date": _date, "registers": _registers, "due": _dues,
}  # fmt: skip

# The settings at the top of the file: the option each sets, in every command where that
# option is of the same kind.
SHARED = {"inbox": Option("inbox", "inbox", "path"), "outbox": Option("outbox", "outbox", "path"),
          "store": Option("store", "store", "path"),
          "registers": Option("registers", "register", "registers"),
          "due": Option("due", "due", "due"), "url": Option("url", "url", "text")}  # fmt: skip


def _shown(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value).lower()


class _Reading:
    """One project file being read: its text, for finding lines, and its folder."""

    def __init__(self, path: Path, text: str) -> None:
        self.path, self.text, self.folder = path, text, path.parent

    def mistake(self, table: tuple[str, ...], key: str | None, said: str) -> ProjectError:
        """The error for ``said`` about ``key`` in ``table``, naming the key's line (or its
        table's, or where the table is set, for a table written inline)."""
        places = [(table, key), (table[:-1], table[-1])] if table else [(table, key)]
        line = next((n for t, k in places if (n := line_of(self.text, t, k))), 1)
        return ProjectError(f"{self.path} line {line}: {said.rstrip('.')}"
                            f"{'' if said.endswith('?') else '.'}")  # fmt: skip

    def value(self, table: tuple[str, ...], key: str, option: Option, value: Any) -> Any:
        try:
            return READERS[option.kind](value, self.folder)
        except _Mistake as err:
            if err.at is not None:
                raise self.mistake((*table, key), err.at, str(err)) from None
            raise self.mistake(table, key, f"{key} {err}") from None

    def unknown(self, table: tuple[str, ...], key: str, known: Iterable[str], what: str):
        if key.lower() in PASSWORD_KEYS:
            said = ("a password is never kept in the project file: set the environment variable "
                    "PIPELINE_SMTP_PASSWORD instead")  # fmt: skip
            return self.mistake(table, key, said)
        close = difflib.get_close_matches(key, list(known), n=1)
        hint = f': did you mean "{close[0]}"?' if close else f" (it has {', '.join(known)})"
        return self.mistake(table, key, f'"{key}" is not {what}{hint}')


def load_project(path: Path, commands: Mapping[str, Iterable[Option]]) -> dict[str, dict]:
    """The project file at ``path`` read into each command's option defaults (command ->
    parameter -> value), for the commands and options ``commands`` names. A ``ProjectError``
    names the line of the first mistake: TOML syntax, a key no option has, a value of the
    wrong kind, a register file that does not exist."""
    path = Path(path).absolute()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise ProjectError(f"{path}: cannot read the project file ({err}).") from None
    reading = _Reading(path, text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        line, said = syntax_error(text, str(err))
        raise ProjectError(f"{path} line {line}: this is not a setting TOML can read ({said}); "
                           f"write it as key = \"value\".") from None  # fmt: skip
    options = {command: {o.key: o for o in given} for command, given in commands.items()}
    defaults: dict[str, dict[str, Any]] = {command: {} for command in options}
    for key, value in data.items():
        if key in SHARED:
            shared = SHARED[key]
            read = reading.value((), key, shared, value)
            for command, known in options.items():
                mine = known.get(shared.key)
                if mine is not None and mine.kind == shared.kind:
                    defaults[command][mine.name] = read
        elif key in options and isinstance(value, dict):
            for name, setting in value.items():
                option = options[key].get(name)
                if option is None:
                    raise reading.unknown((key,), name, options[key], f"an option of {key}")
                defaults[key][option.name] = reading.value((key,), name, option, setting)
        elif key in options:
            raise reading.mistake((), key, f"{key} must be a table of its options, [{key}]")
        else:
            raise reading.unknown((), key, [*SHARED, *options], "a setting")
    return {command: found for command, found in defaults.items() if found}


def find_project(start: Path) -> Path | None:
    """The project file in ``start`` or the nearest folder above it that has one, as git finds
    its repository; None when there is none."""
    start = Path(start).absolute()
    for folder in (start, *start.parents):
        candidate = folder / PROJECT_FILE
        if candidate.is_file():
            return candidate
    return None
