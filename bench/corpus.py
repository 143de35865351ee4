"""Deterministic synthetic rounds for the benchmark, made with the demo's content generator and
our own template writer (a pre-filled template is exactly what a partner sends back)."""

from __future__ import annotations

import csv
import random
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from pipeline.declare import LAYOUTS
from pipeline.declare.quarters import quarter_of
from pipeline.layouts.p44.demo import actions as p44_actions
from pipeline.layouts.p44.demo import header as p44_header
from pipeline.layouts.three_year.demo import tasks as three_year_tasks
from pipeline.templates.writer import write_template

AS_OF = date(2026, 11, 20)
PLAN_START = 2025
VERSION = 2  # bump when the corpus or the templates it fills change: cached corpora are rebuilt


@dataclass(frozen=True)
class Corpus:
    """A named round: how many returns of each layout, and rows in each; with ``findings``,
    every return has something to tell its partner (its date of update typed as text, which
    is read, and written back in its feedback copy)."""

    name: str
    p44: int
    p44_rows: int
    three_year: int
    three_year_rows: int
    findings: bool = False

    @property
    def files(self) -> int:
        return self.p44 + self.three_year

    @property
    def rows(self) -> int:
        return self.p44 * self.p44_rows + self.three_year * self.three_year_rows


CORPORA = {
    "S": Corpus("S", 44, 60, 12, 40),
    "S+feedback": Corpus("S+feedback", 44, 60, 12, 40, findings=True),
    "M": Corpus("M", 125, 100, 125, 100),
    "L": Corpus("L", 500, 200, 500, 200),
}


def build(corpus: Corpus, root: Path) -> Path:
    """Write the corpus under ``root/<name>`` (inbox/ and registers/) unless already there."""
    folder = root / corpus.name
    stamp = folder / f".version-{VERSION}"
    if stamp.exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    inbox = folder / "inbox"
    inbox.mkdir(parents=True)
    rng = random.Random(f"{corpus.name}-{VERSION}")
    p44, three = LAYOUTS["p44"], LAYOUTS["three_year"]
    with (folder / "p44.csv").open("w", newline="") as out:
        register = csv.DictWriter(out, [f.register_column for f in p44.register_fields])
        register.writeheader()
        for n in range(corpus.p44):
            name = f"Partnership {n + 1:04d}"
            baseline = rng.randrange(6000, 40000)
            contact = {"contact_name": "Jo Bloggs", "contact_email": f"jo{n}@example.gov.uk"}
            register.writerow({"partnership": name, "region": "GO Region", **contact,
                               "baseline_crimes": baseline, "reduction_target_pct": 6,
                               "target_date": "31/03/2027"})  # fmt: skip
            entry = {"partnership": name, "region": "GO Region", **contact, "baseline": baseline,
                     "reduction_target": 6, "target_date": date(2027, 3, 31)}  # fmt: skip
            header = _typed_as_text({**entry, **p44_header(rng, entry, AS_OF)}, corpus)
            rows = p44_actions(rng, AS_OF, corpus.p44_rows, baseline * 6 // 100)
            write_template(inbox / f"p44-{n + 1:04d}.xlsx", p44, header, rows, name)
    now = quarter_of(PLAN_START, AS_OF)
    with (folder / "three_year.csv").open("w", newline="") as out:
        register = csv.DictWriter(out, [f.register_column for f in three.register_fields])
        register.writeheader()
        for n in range(corpus.three_year):
            name, code = f"Business unit {n + 1:04d}", f"B{n + 1:04d}"
            register.writerow({"business_unit": name, "code": code,
                               "head_of_service": "Head of Service",
                               "plan_start": PLAN_START})  # fmt: skip
            header = {"business_unit": name, "code": code, "head_of_service": "Head of Service",
                      "plan_start": PLAN_START, "updated_by": "Officer",
                      "date_of_update": AS_OF - timedelta(days=rng.randrange(1, 40))}  # fmt: skip
            header = _typed_as_text(header, corpus)
            rows = three_year_tasks(rng, code, name, now, corpus.three_year_rows)
            write_template(inbox / f"three_year-{n + 1:04d}.xlsx", three, header, rows, name)
    stamp.write_text("complete\n")
    return folder


def _typed_as_text(header: dict, corpus: Corpus) -> dict:
    """The header, with its date of update typed as text where the corpus has findings."""
    if not corpus.findings or not isinstance(header.get("date_of_update"), date):
        return header
    return {**header, "date_of_update": f"{header['date_of_update']:%d %B %Y}"}
