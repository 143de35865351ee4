"""Libraries a library imports whenever they are installed, which the ``pipeline`` command
does without (``spare``), and takes back where it does need one (``wanted``).

* pandera imports hypothesis (a test-data tool, 0.1 s to import); the pipeline never
  synthesises data.
* pandas 3 imports pyarrow (50 MB and 0.2 to 0.5 s of a core in every run) to keep text
  columns in it; every frame the pipeline makes holds Python objects, so pandas works as it
  does where pyarrow is not installed. ``pipeline export --format parquet`` writes with
  pyarrow itself: it asks for it with ``wanted``.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

SPARED = ("hypothesis", "pyarrow")


def spare() -> None:
    """Tell this process the libraries of ``SPARED`` are not there (an import of one fails as
    if it were not installed), unless one is imported already. Called before anything else is
    imported, by the ``pipeline`` command alone: the library as imported by others is left
    as they have it."""
    for name in SPARED:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


def wanted(name: str) -> ModuleType:
    """Import ``name`` even where ``spare`` said it was not there."""
    if name.partition(".")[0] in SPARED and sys.modules.get(name.partition(".")[0], 0) is None:
        del sys.modules[name.partition(".")[0]]
    return importlib.import_module(name)
