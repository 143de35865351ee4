"""``LAYOUTS``, the registry every other part of the pipeline reads.

Each layout is one package of ``pipeline.layouts`` (``p44/``, ``three_year/``): its
``__init__`` declares the ``LAYOUT`` (fields, table, cadence, measures, the roles its fields
play), and its other modules what it adds to the reports (its own flag rules, row table,
derived sheets, charts). The registry finds the packages itself, by importlib (so this
vocabulary imports no layout), and adding a layout is adding a package; a test may
``LAYOUTS.register`` a layout declared in the test alone.

Packages are imported when the registry is first read, not when this module is: the report
modules import the generic parts, which import this registry.
"""

from __future__ import annotations

import copyreg
import importlib
import importlib.util
import pickle
import pkgutil
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date

from ..errors import UsageError
from .model import Layout
from .rounds import Round, round_of


class Registry(Mapping[str, Layout]):
    """The layouts by name, in the order their packages sort, then those registered later."""

    def __init__(self, package: str, path: list[str] | None = None) -> None:
        # (no path: the package's own, found when the registry is first read)
        self._package, self._path = package, path
        self._layouts: dict[str, Layout] | None = None
        self._packages: dict[str, str] = {}  # layout name -> the package declaring it

    def _found(self) -> dict[str, Layout]:
        if self._layouts is None:
            found: dict[str, Layout] = {}
            path = self._path or importlib.import_module(self._package).__path__
            for module in sorted(pkgutil.iter_modules(path), key=lambda m: m.name):
                if module.ispkg:
                    package = importlib.import_module(f"{self._package}.{module.name}")
                    layout = getattr(package, "LAYOUT", None)
                    if not isinstance(layout, Layout) or layout.name != module.name:
                        raise TypeError(f"{package.__name__} must declare LAYOUT, a Layout "
                                        f"called {module.name!r}")  # fmt: skip
                    _attach_hooks(package.__name__, layout)
                    found[layout.name] = layout
                    self._packages[layout.name] = package.__name__
            self._layouts = found
        return self._layouts

    def __getitem__(self, name: str) -> Layout:
        return self._found()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._found())

    def __len__(self) -> int:
        return len(self._found())

    def package_of(self, name: str) -> str | None:
        """The package declaring the layout called ``name``, where its files are (such as
        ``demo-register.csv``); None for a layout registered without one."""
        self._found()
        return self._packages.get(name)

    def rounds_at(self, as_of: date) -> dict[str, Round]:
        """Each layout's round at ``as_of``, by name."""
        return {name: round_of(layout.cadence, as_of) for name, layout in self.items()}

    def register(self, layout: Layout) -> None:
        """Add ``layout`` (its name must be new), in this process and in those it forks.

        A spawned process (every one on Windows and macOS) finds only the packages: a layout
        goes to another process by its name (see ``Layout.__reduce__``), so a worker spawned
        to read a file would not know one registered here. Real layouts are packages."""
        if layout.name in self._found():
            raise ValueError(f"a layout called {layout.name!r} is registered already")
        self._found()[layout.name] = layout

    def unregister(self, name: str) -> None:
        """Take the layout called ``name`` out again."""
        del self._found()[name]

    @contextmanager
    def registered(self, layout: Layout) -> Iterator[Layout]:
        """``layout`` registered for the length of a ``with`` block."""
        self.register(layout)
        try:
            yield layout
        finally:
            self.unregister(layout.name)


def _attach_hooks(package: str, layout: Layout) -> None:
    """Give ``layout`` its package's hooks (``PACKAGE.hooks.Hooks``), where it has some.

    The registry attaches them, not the declaration: the hooks load the package's rules,
    report and demo, which import the declaration, so a declaration importing its hooks
    would import upwards. (A frozen declaration is completed in place, once, as it is
    registered: its package's modules hold the same object.)"""
    if importlib.util.find_spec(f"{package}.hooks") is None:
        return
    hooks = importlib.import_module(f"{package}.hooks").Hooks()
    object.__setattr__(layout, "hooks", hooks)


LAYOUTS = Registry("pipeline.layouts")


def get_layout(name: str) -> Layout:
    """The layout called ``name``, or a UsageError listing the known ones."""
    try:
        return LAYOUTS[name]
    except KeyError:
        known = ", ".join(LAYOUTS)
        raise UsageError(f"Unknown layout {name!r}: use one of {known}.") from None


def _by_name(layout: Layout) -> tuple[Callable[[str], Layout], tuple[str]]:
    # Passed to another process by name (a spawned one looks it up in its own registry): a
    # layout holds functions, which cannot be pickled, and one copy is enough. So only the
    # layout registered under its name may go (not a variant of it).
    if LAYOUTS.get(layout.name) is not layout:
        raise pickle.PicklingError(
            f"the layout {layout.name!r} is not the one registered under that name, so it "
            f"cannot be passed to another process"
        )
    return _registered, (layout.name,)


def _registered(name: str) -> Layout:
    """The layout registered as ``name`` (how a layout comes back from a pickle)."""
    return LAYOUTS[name]


# (said here, where the registry is, rather than on ``Layout``, which the registry imports)
copyreg.pickle(Layout, _by_name)
