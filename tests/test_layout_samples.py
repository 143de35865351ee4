"""Each layout ships sample returns of its own (its ``hooks.samples``): a careful partner's,
then one with each of its own mistakes. The tests loop over the registry, so a layout added
brings its samples with it and is tested here with nothing else changed.

A careful partner's return fires none of the layout's own rules, and filled into a real
template and read back it is accepted with nothing to tell; every other sample fires exactly
the layout's own rules it names."""

from __future__ import annotations

import csv

import pytest
from builders import AS_OF
from plans_in_memory import plan_in_memory

from pipeline.declare import LAYOUTS, Layout
from pipeline.declare.hooks import Sample
from pipeline.demo.partner import PartnerWorkbook
from pipeline.inbox.intake import ACCEPTED
from pipeline.inbox.registers import read_register
from pipeline.run import check_files
from pipeline.templates import make_templates

SAMPLED = [name for name in LAYOUTS if LAYOUTS[name].hooks.samples(AS_OF)]


def _plan(layout: Layout, sample: Sample):
    names = {k: sample.register[k] for k in (layout.key, layout.code_key) if k}
    return plan_in_memory(layout.name, {**names, **sample.header}, sample.rows, AS_OF,
                          register=sample.register)  # fmt: skip


def test_every_layout_ships_samples_a_careful_one_first():
    assert list(LAYOUTS) == SAMPLED
    for name in SAMPLED:
        samples = LAYOUTS[name].hooks.samples(AS_OF)
        assert not samples[0].fires and len(samples) > 1, name
        assert len({s.name for s in samples}) == len(samples), name


@pytest.mark.parametrize("name", SAMPLED)
def test_each_sample_fires_exactly_the_layouts_own_rules_it_names(name):
    layout = LAYOUTS[name]
    own = {rule.id for rule in layout.hooks.rules()}
    careful, *mistakes = layout.hooks.samples(AS_OF)
    assert _plan(layout, careful).flags == []  # (no flag of any rule)
    for sample in mistakes:
        assert sample.fires <= own, sample.name
        fired = {flag.rule for flag in _plan(layout, sample).flags}
        assert fired & own == sample.fires, (sample.name, fired)


@pytest.mark.parametrize("name", SAMPLED)
def test_a_careful_sample_filled_into_its_template_is_accepted_with_nothing_to_tell(name, tmp_path):
    layout = LAYOUTS[name]
    careful = layout.hooks.samples(AS_OF)[0]
    fields = {f.name: f for f in layout.register_fields}
    register = tmp_path / f"{name}.csv"
    with register.open("w", newline="", encoding="utf-8") as out:
        columns = {fields[k].register_column: v for k, v in careful.register.items()}
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerow(v.strftime("%d/%m/%Y") if hasattr(v, "strftime") else v
                        for v in columns.values())  # fmt: skip
    [template] = make_templates(layout, tmp_path / "templates", read_register(register))
    filled = PartnerWorkbook(template, layout).fill_header(careful.header)
    for row in careful.rows:
        filled.put_row(row)
    returned = filled.save(tmp_path / "inbox" / f"{name} return.xlsx")
    [receipt] = check_files([returned], [(name, register)])
    assert (receipt.status, receipt.findings) == (ACCEPTED, []), receipt.findings
