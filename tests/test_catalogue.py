"""Every rule's words are said once, in the catalogue (findings) or the flag rules' table, and
every place that shows a rule takes them from there: the Fix list, the cell notes, the Gap
Flags sheet and ``check --json``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
from builders import AS_OF, action, p44_return
from click.testing import CliRunner
from workbook_reading import sheet_records

from pipeline.cli.commands import cli
from pipeline.declare.findings import Finding, Flag
from pipeline.declare.rules import FINDINGS, FINDINGS_BY_ID
from pipeline.declare.severity import AMBER, RED
from pipeline.feedback import FIX_LIST
from pipeline.round.flags import every_rule
from pipeline.run import check_files, run
from pipeline.values import KINDS

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"
# where code names the rule of a finding it makes: reject("rule", …), notes.warn("rule", …),
# notes.error("rule", …), Finding(RED, "rule", …), and a constant that names one
_RULE_NAMED = (
    re.compile(r'(?:(?:reject|warn|error)\(\s*|\b(?:RED|AMBER),\s*)"([a-z]+(?:-[a-z]+)*)"'),
    re.compile(r'^[A-Z_]+ = "([a-z-]+)"\s+# the (?:code|rule) of a finding', re.MULTILINE),
)


def test_every_rule_a_finding_can_have_has_one_entry():
    sources = [path.read_text() for path in PACKAGE.rglob("*.py")]
    named = {rule for text in sources for pattern in _RULE_NAMED for rule in pattern.findall(text)}
    named |= {kind.rule for kind in KINDS.values()}
    assert named, "the pattern finds where findings are made"
    assert sorted(named - set(FINDINGS_BY_ID)) == []  # every rule has its words
    assert sorted(set(FINDINGS_BY_ID) - named) == []  # and no words are for a rule gone
    assert len(FINDINGS_BY_ID) == len(FINDINGS)  # no id twice
    for words in FINDINGS:
        assert words.title and words.explains and words.to_do.endswith("."), words.id


def test_every_flag_rule_says_when_it_fires_and_what_to_do():
    rules = [rule for rule, _ in every_rule()]  # (it refuses two rules of one id)
    assert len(rules) > 10
    for rule in rules:
        assert rule.title and rule.explains and rule.to_do.endswith("."), rule.id


def test_the_demo_rounds_findings_all_have_entries(demo_round):
    _, folder, _ = demo_round
    receipts = check_files(sorted((folder / "inbox").rglob("*.*")))
    rules = {f.rule for r in receipts for f in r.findings}
    assert len(rules) > 5 and rules <= set(FINDINGS_BY_ID)


def test_a_partner_is_told_what_to_do_in_the_catalogues_words(tmp_path, inbox):
    path = p44_return(inbox, rows=[action("A01", status="On hold")])
    result = CliRunner().invoke(cli, ["check", str(path), "--json", "--feedback",
                                      str(tmp_path / "feedback")])  # fmt: skip
    [outcome] = json.loads(result.output)
    [finding] = [f for f in outcome["findings"] if f["rule"] == "not-in-list"]
    words = FINDINGS_BY_ID["not-in-list"]
    assert (finding["title"], finding["to_do"]) == (words.title, words.to_do)
    [feedback] = (tmp_path / "feedback").glob("*.xlsx")
    fix_list = openpyxl.load_workbook(feedback)[FIX_LIST]
    texts = {c for row in fix_list.iter_rows(values_only=True) for c in row if c}
    assert words.to_do in texts


def test_the_gap_flags_sheet_says_what_to_do_in_the_rules_words(tmp_path, inbox):
    p44_return(inbox, risks=None, confidence="Red")
    result = run(inbox, tmp_path / "out", as_of=AS_OF)
    rows = sheet_records(result.path, "Gap Flags")
    by_rule = {r["Rule"]: r for r in rows}
    rule = next(rule for rule, _ in every_rule() if rule.id == "red-without-contingency")
    assert by_rule[rule.title]["What to do"] == rule.to_do


def test_a_file_that_cannot_be_used_is_rejected_by_status_and_its_finding_is_red(tmp_path):
    # one scale for everything: Red or Amber; being turned down is what became of the file
    note = tmp_path / "covering note.txt"
    note.write_text("Please find our plan attached.", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(note), "--json"])
    [said] = json.loads(result.output)
    assert result.exit_code == 1 and said["status"] == "rejected"
    [finding] = said["findings"]
    assert (finding["severity"], finding["rule"], finding["title"]) == (
        "red", "unreadable", "Cannot be used")  # fmt: skip
    assert FINDINGS_BY_ID["unreadable"].rejects


def test_a_finding_kept_by_an_older_store_is_read_on_the_one_scale():
    kept = {"error": RED, "rejected": RED, "warning": AMBER, "red": RED, "Amber": AMBER}
    assert {word: Finding(word, "required", "").severity for word in kept} == kept
    assert Finding("error", "required", "", gap="red").gap is RED
    assert Flag("Leeds", "p44", "amber", "return-stale", "").severity is AMBER
