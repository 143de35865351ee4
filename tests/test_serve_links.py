"""Each organisation's private upload link, where the team gives it: `pipeline links` lists
them (and revokes one), `pipeline mail` says it in each message, and each template's Guidance
names it; every one of them leads to its own organisation's page, and nowhere else."""

from __future__ import annotations

import email
import re
from datetime import timedelta

import openpyxl
from builders import AS_OF, p44_return, write_registers
from click.testing import CliRunner

from pipeline.cli.commands import cli
from pipeline.serve.links import resolve, token_hash
from pipeline.store import Store

URL = "https://returns.example.gov.uk"
PROJECT = f"""\
inbox = "inbox"
outbox = "outbox"
store = "outbox/pipeline.sqlite"
url = "{URL}"

[registers]
p44 = "registers/p44.csv"
three_year = "registers/three_year.csv"

[templates]
out = "outbox/templates"
"""


def _project(tmp_path, monkeypatch):
    write_registers(tmp_path / "registers")
    (tmp_path / "inbox").mkdir()
    (tmp_path / "pipeline.toml").write_text(PROJECT)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _links(output: str) -> dict[str, str]:
    return dict(re.findall(r"^  (.+?): (https://\S+)$", output, re.MULTILINE))


def _whose(store, url: str, day=AS_OF):
    token = url.rsplit("/r/", 1)[1]
    with Store.open(store, write=False) as opened:
        link = resolve(opened.db, token, day)
    return link.organisation if link else None


def test_pipeline_links_lists_each_organisations_own_link_and_revokes_one(tmp_path, monkeypatch):
    root = _project(tmp_path, monkeypatch)
    store = root / "outbox" / "pipeline.sqlite"
    listed = CliRunner().invoke(cli, ["links", "--as-of", AS_OF.isoformat()])
    assert listed.exit_code == 0, listed.output
    links = _links(listed.output)
    assert set(links) == {"Leeds", "Bradford", "Salford", "Housing", "Finance"}
    assert all(_whose(store, url) == name for name, url in links.items())
    assert len(set(links.values())) == 5
    again = CliRunner().invoke(cli, ["links", "--as-of", AS_OF.isoformat()])
    assert _links(again.output) == links  # the same links each time
    # only hashes are kept: no token is in the store's file
    saved = store.read_bytes()
    assert not any(url.rsplit("/", 1)[1].encode() in saved for url in links.values())
    assert token_hash(links["Leeds"].rsplit("/", 1)[1]).encode() in saved
    revoked = CliRunner().invoke(cli, ["links", "--as-of", AS_OF.isoformat(), "--revoke", "leed"])
    assert revoked.exit_code == 0, revoked.output
    now = _links(revoked.output)
    assert now["Leeds"] != links["Leeds"] and now["Bradford"] == links["Bradford"]
    assert _whose(store, links["Leeds"]) is None and _whose(store, now["Leeds"]) == "Leeds"


def test_templates_name_each_organisations_link_on_their_guidance(tmp_path, monkeypatch):
    root = _project(tmp_path, monkeypatch)
    made = CliRunner().invoke(cli, ["templates", "--as-of", AS_OF.isoformat()])
    assert made.exit_code == 0, made.output
    book = openpyxl.load_workbook(root / "outbox" / "templates" / "p44-Salford.xlsx")
    said = book["Guidance"]["A3"]
    assert said.value.startswith(f"Send your return by uploading it at {URL}/r/")
    assert said.hyperlink.target.startswith(f"{URL}/r/")
    assert _whose(root / "outbox" / "pipeline.sqlite", said.hyperlink.target) == "Salford"


def test_each_message_carries_its_organisations_link_for_the_next_round(tmp_path, monkeypatch):
    root = _project(tmp_path, monkeypatch)
    p44_return(root / "inbox", "Leeds")
    ran = CliRunner().invoke(cli, ["run", "--as-of", AS_OF.isoformat()])
    assert ran.exit_code == 0, ran.output
    mailed = CliRunner().invoke(cli, ["mail"])
    assert mailed.exit_code == 0, mailed.output
    draft = email.message_from_bytes((root / "outbox" / "mail" / "p44-Leeds.eml").read_bytes())
    text = next(p for p in draft.walk() if p.get_content_type() == "text/plain")
    body = text.get_payload(decode=True).decode()
    url = re.search(rf"{re.escape(URL)}/r/\S+", body).group(0)
    assert "Send your next return by uploading it on your own page" in body
    next_round = AS_OF + timedelta(days=14)
    assert _whose(root / "outbox" / "pipeline.sqlite", url, next_round) == "Leeds"
