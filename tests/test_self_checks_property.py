"""The property: whatever a partner types into a template, the template's own checks, worked
out by LibreOffice, say what the pipeline says of the same file, rule for rule and cell for
cell, with the same count in its Ready to send box (see ``self_checking`` for how each side
is read, and ``test_self_checks`` for fixed plans in which every rule fires).

Each example is a plan of every layout, filled into a template made for an organisation on
its register: every field a partner may type into holds a good value, a blank (or spaces), or
one the pipeline cannot read, in any combination; dates fall either side of today. What the
pipeline would only read by guess (a date typed as text, "done" for Complete) is not drawn:
the template asks for the form it wants there (``declare.forms``). Nor is a date of
update or a Quarter for an earlier round, which sets the return aside
(``test_self_checks``' earlier period's test). LibreOffice works out each example's four
files with one start.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from builders import review
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from self_checking import fill, pipeline_says, recalculated, registers_for_today

from pipeline.declare import LAYOUTS, Field, Kind, Layout
from pipeline.declare.quarters import financial_quarter_name, financial_quarter_of
from pipeline.declare.rounds import LEEWAY, round_before, round_of
from pipeline.inbox.registers import read_register
from pipeline.layouts.hallmarks.requirements import ROWS

TODAY = date.today()
BLANK = st.sampled_from([None, "   "])


def _days(low: int, high: int) -> st.SearchStrategy[date]:
    return st.integers(low, high).map(lambda n: TODAY + timedelta(days=n))


def _quarter(day: date) -> str:
    return financial_quarter_name(*financial_quarter_of(day))


def _earliest(layout: Layout) -> date:
    first = round_of(layout.cadence, TODAY)
    for _ in range(LEEWAY[layout.cadence]):
        first = round_before(layout.cadence, first)
    return first.start


def value(f: Field) -> st.SearchStrategy[Any]:
    """What a partner may type into a cell of ``f``: mostly good, else blank or unreadable."""
    kind = f.kind
    if f.choices is not None:
        good = [*f.choices.values, *(v.lower() for v in f.choices.values)]
        bad: list[Any] = ["zzz"]
    else:
        good, bad = {
            Kind.TEXT: (["Jo Bloggs", "Housing team"], []),
            Kind.LONG_TEXT: (["Patrols in two wards.", "Line one.\nLine two."], []),
            Kind.DATE: ([], ["soon"]),
            Kind.WHOLE_NUMBER: ([0, 2, 25, 700, 1300, 5000], [-5, 2.5, "lots"]),
            Kind.PERCENT: ([2, 6, 5.5, 100], [0, 150, "lots"]),
            Kind.EMAIL: (["jane@leeds.gov.uk", "j@x.uk"],
                         ["jane at leeds", "jane@leeds", "jane@leeds.c0m", "a b@x.uk", "@x.uk"]),
            Kind.YES_NO: (["Yes", "No", "yes"], ["maybe"]),
            Kind.QUARTER: ([1, 3, 5, 7, 7.5, 12], [0, 13, "soon"]),
            Kind.FY_QUARTER: ([_quarter(TODAY), _quarter(TODAY + timedelta(92))],
                              ["Q9", "2026/27 Q5"]),
        }[kind]  # fmt: skip
    typed = st.sampled_from(good) if good else _days(-200, 200)
    return st.one_of(typed, typed, typed, BLANK, st.sampled_from(bad) if bad else BLANK)


def _typed_in(layout: Layout, organisation: str, registers) -> list[Field]:
    """The header fields a partner types into: those the register does not fill and lock."""
    entry = read_register(registers[layout.name]).find(organisation)
    return [f for f in layout.header
            if not (f.locked and entry.prefill.get(f.name) is not None)]  # fmt: skip


@st.composite
def plan(draw, layout: Layout, registers) -> tuple[str, dict, list]:
    """One organisation's plan as a partner might type it."""
    register = read_register(registers[layout.name])
    organisation = draw(st.sampled_from([e.organisation for e in register.entries]))
    header = {f.name: draw(value(f)) for f in _typed_in(layout, organisation, registers)}
    if layout.updated in header:  # (this round's, or undated, or unreadable)
        header[layout.updated] = draw(
            st.one_of(BLANK, st.just("soon"), _days((_earliest(layout) - TODAY).days, 30))
        )
    typed = [f for f in layout.columns if not f.locked]
    if layout.hooks.starting_rows():  # the Hallmarks: some requirements reviewed, the rest listed
        refs = draw(st.lists(st.sampled_from([r["ref"] for r in ROWS]), max_size=8,
                             unique=True))  # fmt: skip
        rows = [{"ref": ref, **{f.name: draw(value(f)) for f in typed}} for ref in refs]
        if draw(st.booleans()):  # the others reviewed as all in place, or left as listed
            rows = review({row["ref"]: row for row in rows})
    else:
        n = draw(st.integers(0, 4))
        rows = [{f.name: draw(value(f)) for f in layout.columns} for _ in range(n)]
        for i, row in enumerate(rows):
            row[layout.reference] = draw(st.sampled_from([f"R{i + 1:02d}", None]))
    return organisation, header, rows


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("self-checks-property")


@pytest.mark.slow
@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])  # fmt: skip
@given(data=st.data())
def test_whatever_is_typed_the_template_says_what_the_pipeline_says(libreoffice, folder, data):
    here = folder / f"example-{len(list(folder.iterdir()))}"
    registers = registers_for_today(here / "registers")
    filled = []
    for name, layout in LAYOUTS.items():
        organisation, header, rows = data.draw(plan(layout, registers), label=name)
        filled.append(fill(here / "inbox", registers, name, organisation, header, rows,
                           f"{name}.xlsx"))  # fmt: skip
    worked = recalculated(libreoffice, filled, here / "worked")
    pipeline = pipeline_says([saved for _, saved in worked], registers, here)
    for name, (template, saved) in zip(LAYOUTS, worked, strict=True):
        said = pipeline[saved.name]
        for rule, _ in said.items:
            event(f"{name}: {rule}")
        assert template.items == said.items, name
        assert template.coloured == said.coloured, name
        red, amber = said.counts
        if red + amber:
            assert template.box.startswith(f"Not ready to send: {red} to fix (red), {amber} "
                                           f"to check (amber)"), (name, template.box)  # fmt: skip
        else:
            assert template.box.startswith("Ready to send"), name
