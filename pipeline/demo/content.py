"""Plausible names shared by every layout's demo partners (each layout's own plan content is
in its package's ``demo.py``). Deterministic for a given random source."""

from __future__ import annotations

OFFICERS = (
    "Insp. Sarah Cole", "PC Dev Mistry", "Jo Fairbairn", "Sgt. Liam Hart", "Ruth Adeyemi",
    "Chris Nolan", "Fatima Rahman", "Pete Lowe", "Anna Kowalska", "Gary Mills",
)  # fmt: skip
