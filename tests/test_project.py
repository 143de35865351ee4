"""A team's project folder: `pipeline init` once, then every command typed short, its settings
from `pipeline.toml` (a flag typed wins), every mistake in the file a sentence naming its line."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import tomllib
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from builders import AS_OF, p44_return, write_registers
from click.testing import CliRunner
from python_calamine import CalamineWorkbook
from workbook_reading import tracker

from pipeline.cli.commands import cli
from pipeline.declare import LAYOUTS
from pipeline.declare.rounds import round_of
from pipeline.inbox.registers import read_register
from pipeline.round.due import DueRule, Dues, due_dates
from pipeline.store.history import find_organisation

SENDER = "performance.team@council.example.gov.uk"
KESTRELS = """partnership,region,contact_name,contact_email
Leeds,GO Yorkshire and the Humber,Jane Doe,jane.doe@leeds.gov.uk
Kestrel Vale CSP,GO North West,Ann Lee,ann.lee@kestrelvale.example.gov.uk
Kestrel Moor CSP,GO North West,Bo Chan,bo.chan@kestrelmoor.example.gov.uk
"""


def invoke(*args, env: dict | None = None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def make_project(folder: Path, monkeypatch, *settings: tuple[str, str], p44: str | None = None):
    """A project made by `pipeline init` in ``folder``, with the p44 register alone (the small
    one of the tests, or ``p44``'s text), the file's lines changed by ``settings`` (each an
    old line and its new text), and the commands run from inside it."""
    assert invoke("init", folder).exit_code == 0
    write_registers(folder / "registers", ("p44",))
    if p44 is not None:
        (folder / "registers" / "p44.csv").write_text(p44, encoding="utf-8")
    file = folder / "pipeline.toml"
    text = file.read_text(encoding="utf-8")
    others = "|".join(name for name in LAYOUTS if name != "p44")
    text = re.sub(rf'^(# [^\n]*\n)?({others}) = "registers/[^"]*"\n', "", text, flags=re.M)
    for old, new in settings:
        assert old in text, old
        text = text.replace(old, new)
    file.write_text(text, encoding="utf-8")
    monkeypatch.chdir(folder)
    return file


# --- init, then one short command ------------------------------------------------------------


def test_init_in_an_empty_folder_then_run_alone_reads_its_registers_into_its_outbox(
    tmp_path, monkeypatch
):
    folder = tmp_path / "community safety"
    made = invoke("init", folder)
    assert made.exit_code == 0, made.output
    assert made.output.splitlines()[:2] == [f"Wrote {folder / 'pipeline.toml'}",
                                            "Folders: inbox/, outbox/, registers/"]  # fmt: skip
    assert {p.name for p in folder.iterdir()} == {"pipeline.toml", "inbox", "outbox", "registers"}
    for name in LAYOUTS:  # each layout's example register, as its package ships it
        [shipped] = resources.files(LAYOUTS.package_of(name)).glob("*register.csv")
        assert (folder / "registers" / f"{name}.csv").read_bytes() == shipped.read_bytes()
    settings = tomllib.loads((folder / "pipeline.toml").read_text(encoding="utf-8"))
    tables = [settings, *(v for v in settings.values() if isinstance(v, dict))]
    assert not [key for table in tables for key in table if "pass" in key]  # never a password

    monkeypatch.chdir(folder / "inbox")  # a folder inside the project: found as git would
    result = invoke("run")
    assert result.exit_code == 0, result.output
    workbook = folder / "outbox" / f"consolidated-{date.today().isoformat()}.xlsx"
    assert result.output.rstrip().endswith(f"Consolidated workbook: {workbook}")
    assert f"Store: {folder / 'outbox' / 'pipeline.sqlite'}" in result.output
    expected = {LAYOUTS[name].title: len(read_register(folder / "registers" / f"{name}.csv")
                                        .entries) for name in LAYOUTS}  # fmt: skip
    assert {title: row["Expected"] for title, row in tracker(workbook).items()} == expected
    overview = CalamineWorkbook.from_path(str(workbook)).get_sheet_by_name("Overview")
    assert "Leeds" in {cell for row in overview.to_python() for cell in row}


def test_init_never_overwrites_a_project_file(tmp_path):
    (tmp_path / "pipeline.toml").write_text('inbox = "returns"\n')
    result = invoke("init", tmp_path)
    assert result.exit_code == 1
    assert result.output == (f"Error: {tmp_path / 'pipeline.toml'} already exists: edit it, or "
                             f"give `pipeline init` another folder.\n")  # fmt: skip
    assert (tmp_path / "pipeline.toml").read_text() == 'inbox = "returns"\n'
    assert not (tmp_path / "registers").exists()


def test_a_commands_table_sets_its_options_and_the_due_rule_gives_each_layouts_date(
    tmp_path, monkeypatch
):
    make_project(tmp_path, monkeypatch, ("[run]\n", "[run]\nas_of = 2026-11-20\n"))
    p44_return(tmp_path / "inbox")
    result = invoke("run")
    assert result.exit_code == 0, result.output
    workbook = tmp_path / "outbox" / "consolidated-2026-11-20.xlsx"
    row = tracker(workbook)[LAYOUTS["p44"].title]
    assert (row["Expected"], row["Received"], row["Missing"]) == (3, 1, 2)
    assert row["Due"].date() == date(2026, 11, 27)  # the Friday of the fortnight's last week


def test_a_flag_typed_wins_over_the_file(tmp_path, monkeypatch):
    make_project(tmp_path, monkeypatch, ("[run]\n", "[run]\nas_of = 2026-11-20\n"))
    p44_return(tmp_path / "inbox")
    result = invoke("run", "--outbox", tmp_path / "elsewhere", "--due", "2026-11-18")
    assert result.exit_code == 0, result.output
    workbook = tmp_path / "elsewhere" / "consolidated-2026-11-20.xlsx"
    assert result.output.rstrip().endswith(f"Consolidated workbook: {workbook}")
    assert f"Store: {tmp_path / 'outbox' / 'pipeline.sqlite'}" in result.output  # the file's
    assert tracker(workbook)[LAYOUTS["p44"].title]["Due"].date() == date(2026, 11, 18)


def test_a_project_file_named_from_anywhere_is_used(tmp_path, monkeypatch):
    file = make_project(tmp_path / "team", monkeypatch)
    monkeypatch.chdir(tmp_path)
    result = invoke("--project", file, "run", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "team" / "outbox" / "consolidated-2026-11-20.xlsx").is_file()


def test_an_option_added_to_any_command_can_be_set_in_the_file(tmp_path, monkeypatch):
    make_project(tmp_path, monkeypatch, ("[run]\n", "[check]\njson = true\n\n[run]\n"))
    path = p44_return(tmp_path / "inbox")
    result = invoke("check", path)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("[\n") and '"organisation": "Leeds"' in result.output


def test_the_readmes_project_file_is_one_the_pipeline_reads(tmp_path, monkeypatch):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    shown = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    write_registers(tmp_path / "registers", ("p44", "three_year"))
    (tmp_path / "pipeline.toml").write_text(shown, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = invoke("run", "--help")  # every setting is read before any command runs
    assert result.exit_code == 0, result.output


# --- a mistake in the file --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ('inbox = "inbox"', 'inbx = "inbox"', 'line 8: "inbx" is not a setting: did you mean '
         '"inbox"?'),
        ('outbox = "outbox"', 'outbox "outbox"', "line 10: this is not a setting TOML can read "
         "(expected '=' after a key in a key/value pair, at column 8); write it as key = "
         '"value".'),
        ('# starttls = true', 'starttls = "yes"', 'starttls must be true or false, not "yes".'),
        ('p44 = "registers/p44.csv"', 'p44 = "registers/p45.csv"', "the register {folder}"
         "/registers/p45.csv does not exist: correct the path, or remove the line."),
        ('default = "Friday of last week"', 'default = "Fryday of last week"',
         "'Fryday of last week' is not a due-date rule: write one such as \"10 days after "
         'start", "2 days before end" or "Friday of last week".'),
        ('# user = "performance.team"', 'password = "s3cret"', "a password is never kept in the "
         "project file: set the environment variable PIPELINE_SMTP_PASSWORD instead."),
        ("[run]\n", "[run]\npak = true\n", '"pak" is not an option of run: did you mean "pack"?'),
    ],
)  # fmt: skip
def test_a_mistake_in_the_file_names_its_line_and_nothing_runs(
    tmp_path, monkeypatch, old, new, said
):
    file = make_project(tmp_path, monkeypatch, (old, new))
    p44_return(tmp_path / "inbox")
    changed = new.splitlines()[-1]
    line = next(n for n, text in enumerate(file.read_text().splitlines(), 1)
                if text.startswith(changed))  # fmt: skip
    result = invoke("run")
    assert result.exit_code == 2
    said = said.format(folder=tmp_path)
    expected = f"Error: {file} {said}" if said.startswith("line") else \
        f"Error: {file} line {line}: {said}"  # fmt: skip
    assert result.output == expected + "\n"
    assert list((tmp_path / "outbox").iterdir()) == []  # nothing ran


# --- mail -------------------------------------------------------------------------------------


MAIL_SETTINGS = (
    ('# from = "performance.team@example.gov.uk"', f'from = "{SENDER}"'),
    ('# smtp = "smtp.example.gov.uk:587"', 'smtp = "SERVER"'),
)


def test_mail_alone_writes_drafts_from_the_projects_sender(tmp_path, monkeypatch):
    make_project(tmp_path, monkeypatch, *MAIL_SETTINGS, ("[run]\n", "[run]\nas_of = 2026-11-20\n"))
    p44_return(tmp_path / "inbox")
    assert invoke("run").exit_code == 0
    result = invoke("mail", env={"PIPELINE_MAIL_FROM": None})
    assert result.exit_code == 0, result.output  # the server in the file is for --send
    drafts = tmp_path / "outbox" / "mail"
    assert result.output.startswith(f"Wrote 3 draft(s) to {drafts}, to open and send:")
    leeds = email.message_from_bytes((drafts / "p44-Leeds.eml").read_bytes(),
                                     policy=email.policy.default)  # fmt: skip
    assert leeds["From"] == SENDER and leeds["To"] == "Jane Doe <jane.doe@leeds.gov.uk>"


class _Mailbox:
    def __init__(self) -> None:
        self.received: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


def test_mail_send_alone_sends_through_the_projects_server(tmp_path, monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = f"127.0.0.1:{port}"
    settings = [(old, new.replace("SERVER", server)) for old, new in MAIL_SETTINGS]
    make_project(tmp_path, monkeypatch, *settings, ("[run]\n", "[run]\nas_of = 2026-11-20\n"))
    assert invoke("run").exit_code == 0
    mailbox = _Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        result = invoke("mail", "--send", env={"PIPELINE_MAIL_FROM": None})
    finally:
        controller.stop()
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Sent 3 message(s) through {server}:")
    assert sorted(to for sender, (to,) in mailbox.received if sender == SENDER) == [
        "jane.doe@leeds.gov.uk", "ruth.adeyemi@salford.gov.uk", "sam.khan@bradford.gov.uk"
    ]  # fmt: skip


# --- templates and history --------------------------------------------------------------------


def test_templates_say_how_many_were_pre_filled_and_warn_when_none_could_be(tmp_path, monkeypatch):
    make_project(tmp_path, monkeypatch, ("[run]\n", "[run]\nas_of = 2026-11-20\n"))
    store, out = tmp_path / "outbox" / "pipeline.sqlite", tmp_path / "outbox" / "templates"
    first = invoke("templates", "--as-of", AS_OF)
    assert first.exit_code == 0, first.output
    assert first.output == (
        f"Wrote 3 Priority 44 Partnership Action Plan template(s) to {out}\n"
        f"Warning: none of the 3 Priority 44 template(s) could be pre-filled from a return: the "
        f"store {store} does not exist yet (`pipeline run` makes it from a round's returns).\n"
    )
    assert sorted(p.name for p in out.iterdir()) == ["p44-Bradford.xlsx", "p44-Leeds.xlsx",
                                                     "p44-Salford.xlsx"]  # fmt: skip
    p44_return(tmp_path / "inbox")
    assert invoke("run").exit_code == 0
    again = invoke("templates", "--as-of", "2026-11-30")
    assert again.exit_code == 0, again.output
    assert again.output.splitlines()[1] == f"1 pre-filled from their latest return in {store}"
    leeds = CalamineWorkbook.from_path(str(out / "p44-Leeds.xlsx")).get_sheet_by_name("Action Plan")
    cells = {cell for row in leeds.to_python() for cell in row}
    assert {"Action A01", "Action A02"} <= cells  # last round's actions, carried forward


def test_history_finds_an_organisation_by_part_of_its_name_or_suggests_one(tmp_path, monkeypatch):
    make_project(tmp_path, monkeypatch, ("[run]\n", "[run]\nas_of = 2026-11-20\n"), p44=KESTRELS)
    assert invoke("run").exit_code == 0
    store = tmp_path / "outbox" / "pipeline.sqlite"
    vale = invoke("history", "vale")
    assert vale.exit_code == 0, vale.output
    assert vale.output.startswith("Kestrel Vale CSP: 1 round(s)\n")
    both = invoke("history", "kestrel")
    assert both.exit_code == 1
    assert both.output == (f"Error: kestrel matches 2 organisations in {store}: Kestrel Moor "
                           f"CSP and Kestrel Vale CSP. Give more of the name.\n")  # fmt: skip
    typo = invoke("history", "Kestral Vale")
    assert typo.exit_code == 1
    assert typo.output == (f"Error: Kestral Vale has no rounds in {store}: did you mean Kestrel "
                           f"Vale CSP?\n")  # fmt: skip


def test_a_name_is_found_whole_before_in_part():
    names = ["Leeds", "Leeds North", "Bradford"]
    assert find_organisation("LEEDS", names) == "Leeds"  # not "matches 2"
    assert find_organisation("north", names) == "Leeds North"
    with pytest.raises(Exception, match="Gotham has no rounds in the store: check the spelling"):
        find_organisation("Gotham", names)


# --- due-date rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "fortnight", "quarter"),
    [
        ("10 days after start", date(2026, 11, 26), date(2026, 10, 11)),
        ("2 days before end", date(2026, 11, 27), date(2026, 12, 29)),
        ("Friday of last week", date(2026, 11, 27), date(2026, 12, 25)),
        ("  monday OF the round's LAST week ", date(2026, 11, 23), date(2026, 12, 28)),
    ],
)
def test_a_due_rule_gives_each_rounds_date(words, fortnight, quarter):
    rounds = {"p44": round_of(LAYOUTS["p44"].cadence, AS_OF),
              "three_year": round_of(LAYOUTS["three_year"].cadence, AS_OF)}  # fmt: skip
    assert due_dates(Dues({"default": DueRule.parse(words)}), rounds) == {
        "p44": fortnight, "three_year": quarter}  # fmt: skip
    own = Dues({"default": DueRule.parse(words), "three_year": date(2026, 12, 18)})
    assert own.dates(rounds)["three_year"] == date(2026, 12, 18)  # a layout's own wins
    assert due_dates(date(2026, 11, 18), rounds) == dict.fromkeys(rounds, date(2026, 11, 18))
