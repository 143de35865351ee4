"""What a layout may answer, each question with its default: the protocol every layout plugs
into the pipeline by.

A layout's declaration (``model.Layout``) says what its plan is: its header fields and table
columns, the roles its fields play, its cadence, how a row stands (``progress``). Everything
else it may add or change is a hook here, in the spirit of pluggy's hook specifications with
defaults: a layout answers by subclassing ``LayoutHooks`` and overriding the hooks it cares
about, and the host calls every hook of every layout and never tests for an attribute. A
method a subclass defines that is no hook is refused when the class is made (as pluggy refuses
an implementation of no specification), so a misspelt hook cannot be silently ignored.

Hooks that name the reports' types (charts, tables, flag rules, demo partners) are typed
loosely here, below those modules; the layout's own modules are where they are built. Five
hooks answer by the package's modules of that name, loaded when first asked (the registry
gives the hooks their package): ``measures.MEASURES``, ``rules.RULES``, ``report.REPORT``,
``demo.DEMO`` and ``samples.samples``; a package without the module takes the default.
"""

from __future__ import annotations

import importlib
import importlib.util
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import ModuleType
from typing import Any

from .measures import BASIC, Measure
from .quarters import quarter_label, quarter_of
from .reporting import LayoutReport


@dataclass(frozen=True)
class Rows:
    """What a layout's rows are called: the noun in a sentence ("3 actions overdue", "The
    requirement in row 23"), and the sheet of every row (by default the noun's plural)."""

    noun: str = "row"
    sheet: str | None = None

    @property
    def plural(self) -> str:
        """The noun, more than one: actions, tasks."""
        return f"{self.noun}s"

    @property
    def sheet_name(self) -> str:
        """Its rows sheet's name: Actions, Tasks (or the one it gives)."""
        return self.sheet or self.plural.title()


@dataclass(frozen=True)
class HeaderGeometry:
    """Where a template puts the header's long texts beside its other fields: each box this
    many rows tall (None: as many as share the other fields' rows between the boxes)."""

    box_rows: int | None = None

    def rows_of_box(self, others: int, boxes: int) -> int:
        """How tall each of ``boxes`` long text boxes is beside ``others`` fields."""
        return self.box_rows or max(1, math.ceil(others / max(boxes, 1)))


@dataclass(frozen=True)
class PlanQuarters:
    """A plan counted in quarters from the April of a start year (seed 001's three-year plan:
    twelve), each with a status column. ``start`` names the header field giving that year;
    ``columns`` the status column of quarter 1, 2, ... in order."""

    start: str
    columns: tuple[str, ...]

    @property
    def count(self) -> int:
        """How many quarters the plan runs for."""
        return len(self.columns)

    def number(self, column: str) -> int | None:
        """Which quarter ``column`` is the status of (None: it is no quarter's)."""
        return self.columns.index(column) + 1 if column in self.columns else None

    def now(self, start_year: Any, day: date | None) -> int | None:
        """The quarter of the plan ``day`` falls in (None without a start year or a day)."""
        if not isinstance(start_year, int) or day is None:
            return None
        return quarter_of(start_year, day)

    def label(self, start_year: int, quarter: int) -> str:
        """A quarter's months as partners write them: ``Apr–Jun 06``."""
        return quarter_label(start_year, quarter)


@dataclass(frozen=True)
class Judgement:
    """How a plan that states no position of its own is judged from its rows (``judge``:
    the rows -> Red, Amber, Green or None), and what the Guidance says of it."""

    judge: Callable[[list[dict[str, Any]]], str | None]
    means: str


@dataclass(frozen=True)
class Sample:
    """A return a partner might send, for tests: the organisation's register values, its header
    values and rows (by field name, as typed), and the rules it should fire (none: a careful
    partner's)."""

    name: str
    register: Mapping[str, Any]
    header: Mapping[str, Any]
    rows: tuple[Mapping[str, Any], ...] = ()
    fires: frozenset[str] = frozenset()


# each layout module, once looked for (None: there is none): the reports ask the layouts'
# hooks thousands of times, and looking for a module is a search of the package each time
_FOUND: dict[str, ModuleType | None] = {}


def _loaded(module: str) -> ModuleType | None:
    """The module called ``module``, imported, or None where there is none."""
    if module not in _FOUND:
        found = importlib.util.find_spec(module) is not None
        _FOUND[module] = importlib.import_module(module) if found else None
    return _FOUND[module]


class LayoutHooks:
    """Every question the pipeline may ask a layout, with the answer it takes by default.
    ``package``: the layout's package, whose modules answer the hooks named after them."""

    def __init__(self, package: str | None = None) -> None:
        self._package = package

    def _module(self, name: str, attribute: str, default: Any) -> Any:
        """``attribute`` of the package's module ``name`` (loaded now), else ``default``."""
        if not self._package:
            return default
        module = _loaded(f"{self._package}.{name}")
        return default if module is None else getattr(module, attribute)

    def rows(self) -> Rows:
        """What its rows are called (default: rows)."""
        return Rows()

    def measures(self) -> tuple[Measure, ...]:
        """The plan measures its reports show, in that order (its ``measures.MEASURES``;
        default: how many rows, complete, overdue)."""
        return self._module("measures", "MEASURES", BASIC)

    def rules(self) -> tuple[Any, ...]:
        """Its own gap-flag rules (``rules.Rule``), beside those every layout has (its
        ``rules.RULES``; default: none)."""
        return self._module("rules", "RULES", ())

    def report(self) -> LayoutReport:
        """What it adds to the reports: its rows sheet's columns, derived sheets, charts and
        what the Guidance says of them (its ``report.REPORT``; default: nothing)."""
        return self._module("report", "REPORT", LayoutReport())

    def judgement(self) -> Judgement | None:
        """How a plan is judged from its rows where it states no position (default: None, the
        pipeline's own rule, by how many rows are overdue)."""
        return None

    def follows(self) -> tuple[tuple[str, str], ...]:
        """Columns whose change since last round is reported, each with the word that says so
        (default: none beyond the status and the due date)."""
        return ()

    def quarters(self) -> PlanQuarters | None:
        """Its plan's quarters, where it is counted in quarters with a status column each
        (default: None)."""
        return None

    def header_geometry(self) -> HeaderGeometry:
        """How its template's header places long texts (default: boxes sharing the rows of the
        other fields)."""
        return HeaderGeometry()

    def starting_rows(self) -> tuple[dict[str, Any], ...]:
        """The rows every template of it starts with, whatever was returned before (default:
        none; the Hallmarks have their requirements list)."""
        return ()

    def demo(self) -> Any:
        """Its demo partners (a ``demo.layout_demo.LayoutDemo``: its ``demo.DEMO``; default:
        None, the demo has none of its returns)."""
        return self._module("demo", "DEMO", None)

    def samples(self, as_of: date) -> Sequence[Sample]:
        """Returns a partner might send for the round of ``as_of``, for tests: a careful
        partner's, then one with each of its own mistakes (its ``samples.samples``; default:
        none)."""
        made = self._module("samples", "samples", None)
        return made(as_of) if made else ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        unknown = [name for name in vars(cls) if not name.startswith("_") and callable(
            vars(cls)[name]) and not hasattr(LayoutHooks, name)]  # fmt: skip
        if unknown:
            raise TypeError(f"{cls.__qualname__} answers no hook called {', '.join(unknown)}: "
                            f"the hooks are those of LayoutHooks")  # fmt: skip


HOOKS = tuple(name for name in vars(LayoutHooks) if not name.startswith("_"))
