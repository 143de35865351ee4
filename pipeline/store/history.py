"""An organisation's rounds from the store (``pipeline history``), found by part of its name.

People type "Kestrel" for "Kestrel Vale CSP", or "Kestral": the name is matched ignoring
case, spacing and punctuation (as registers match names), the whole name first, then part of
it; several matches are listed to choose from, and none gets the closest names suggested.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import PipelineError
from ..inbox.registers import organisation_key

SUGGESTED = 3  # close names suggested at most
CLOSE = 0.7  # how alike (difflib's ratio) a name or one of its words must be to be suggested


def find_organisation(wanted: str, names: Iterable[str], where: str = "the store") -> str:
    """The one name of ``names`` that ``wanted`` means: the same name, else the only one
    holding it. A ``PipelineError`` lists the choices when several hold it, and suggests close
    names when none does (``where`` says where the names are, for the sentence)."""
    names = list(dict.fromkeys(names))
    key = organisation_key(wanted)
    same = [n for n in names if organisation_key(n) == key]
    holding = same or [n for n in names if key and key in organisation_key(n)]
    if len(holding) == 1:
        return holding[0]
    if holding:
        raise PipelineError(f"{wanted} matches {len(holding)} organisations in {where}: "
                            f"{_listed(holding)}. Give more of the name.")  # fmt: skip
    close = _close(wanted, names)
    hint = f"did you mean {_listed(close, 'or')}?" if close else "check the spelling."
    raise PipelineError(f"{wanted} has no rounds in {where}: {hint}")


def _close(wanted: str, names: list[str]) -> list[str]:
    """The names most like ``wanted``, whole or by one of their words, best first."""
    typed = wanted.casefold().strip()
    scores: dict[str, float] = {}
    for name in names:
        parts = [name.casefold(), *name.casefold().split()]
        scores[name] = max(difflib.SequenceMatcher(None, typed, p).ratio() for p in parts)
    alike = sorted((n for n, s in scores.items() if s >= CLOSE), key=lambda n: -scores[n])
    return alike[:SUGGESTED]


def _listed(names: list[str], last: str = "and") -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {last} {names[-1]}"


def organisation_history(store_path: Path, wanted: str) -> list[dict[str, Any]]:
    """The rounds of the organisation ``wanted`` names (see ``find_organisation``), oldest
    first, from the store at ``store_path``."""
    from . import Store

    if not Path(store_path).exists():
        raise PipelineError(f"The store {store_path} does not exist: run `pipeline run` first.")
    with Store.open(store_path, write=False) as store:
        return store.history(find_organisation(wanted, store.organisations(), str(store_path)))
