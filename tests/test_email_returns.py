"""Returns that arrive as emails: the central team drags messages out of Outlook or another
mail client into the inbox, and each spreadsheet attached is read as a return. Each message
is built here in code (``message_builders``), the round is run, and the consolidated
workbook (xlsxwriter wrote it) is read back with openpyxl."""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage

import openpyxl
import pytest
from builders import AS_OF, p44_return, write_registers
from click.testing import CliRunner
from message_builders import SENT, eml, outlook_msg
from openpyxl.utils.cell import range_boundaries
from workbook_reading import sheet_records

from pipeline.cli.commands import cli
from pipeline.inbox.messages import ENVELOPE_MEANS, MOST_ATTACHMENTS, open_message
from pipeline.reading.workbook import Unreadable
from pipeline.run import run

SENT_HERE = SENT.astimezone().replace(tzinfo=None)  # as the Returns Log shows it: local time


def made(tmp_path, organisation, **header) -> bytes:
    """A partner's filled-in return, made outside the inbox (it arrives attached)."""
    folder = tmp_path / "made"
    folder.mkdir(exist_ok=True)
    return p44_return(folder, organisation=organisation, **header).read_bytes()


def log_of(result) -> dict[str, dict]:
    return {r["File"]: r for r in sheet_records(result.path, "Returns Log")}


@pytest.fixture(scope="module")
def mailed_round(tmp_path_factory):
    """A round in which most returns came by email, as the central team saved them: the
    consolidated workbook's Returns Log by file, and the inbox's files as they were."""
    tmp_path = tmp_path_factory.mktemp("mailed")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    registers = write_registers(tmp_path / "registers", ("p44",))
    leeds, bradford = made(tmp_path, "Leeds"), made(tmp_path, "Bradford")
    eml(inbox / "Leeds return.eml", [("Leeds.xlsx", leeds)])
    # Bradford's return came from someone who is not its contact on the register
    outlook_msg(inbox / "Bradford return.msg", [("Bradford.xlsx", bradford)],
                sender="temp.officer@bradford.gov.uk")  # fmt: skip
    eml(inbox / "Minutes.eml", [("minutes.pdf", b"%PDF-1.4 minutes")], subject="Minutes")
    forwarded = EmailMessage()
    forwarded["Subject"] = "Salford Q3"
    forwarded.set_content("see attached")
    forwarded.add_attachment(b"PK", "application", "octet-stream", filename="Salford.xlsx")
    eml(inbox / "Forwarded.eml", [], attached_messages=[forwarded], subject="Fwd: Salford Q3")
    (inbox / "broken.eml").write_bytes(b"\x00\x01\x02 not a message at all \xff\xfe")
    (inbox / "broken.msg").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(3000))
    (inbox / "Leeds copy.xlsx").write_bytes(leeds)  # the same return, also saved on its own
    before = {p.name: p.read_bytes() for p in inbox.iterdir()}
    result = run(inbox, tmp_path / "outbox", list(registers.items()), as_of=AS_OF)
    return log_of(result), before, inbox, result


def test_a_return_attached_to_an_email_is_read_and_the_log_names_the_message(mailed_round):
    log = mailed_round[0]
    row = log["Leeds return.eml › Leeds.xlsx"]
    assert row["Status"] == "accepted" and row["Organisation"] == "Leeds"
    assert row["From"] == "jane.doe@leeds.gov.uk"
    assert row["Sent"] == SENT_HERE
    assert row["Received"] == SENT_HERE  # it arrived when it was sent, not when it was saved
    assert row["Sender check"] is None  # the register's contact sent it


def test_the_guidance_says_what_from_sent_and_sender_check_mean(mailed_round):
    guidance = openpyxl.load_workbook(mailed_round[3].path)["Guidance"]
    figures = range_boundaries(guidance.tables["Figures"].ref)
    left, top, right, bottom = figures
    rows = guidance.iter_rows(min_row=top, max_row=bottom, min_col=left, max_col=right,
                              values_only=True)  # fmt: skip
    header, *rows = list(rows)
    said = {row[0]: row[header.index("What it counts")] for row in rows}
    assert said["From, Sent, Sender check"] == ENVELOPE_MEANS


def test_a_return_in_an_outlook_message_is_read_and_a_stranger_sending_it_is_said(mailed_round):
    row = mailed_round[0]["Bradford return.msg › Bradford.xlsx"]
    assert row["Status"] == "accepted" and row["Organisation"] == "Bradford"
    assert row["From"] == "temp.officer@bradford.gov.uk"
    assert row["Sent"] == SENT_HERE
    check = row["Sender check"]
    assert "temp.officer@bradford.gov.uk" in check
    assert "not Bradford's contact on the register (sam.khan@bradford.gov.uk)" in check


def test_the_same_return_by_email_and_as_a_file_is_counted_once(mailed_round):
    log = mailed_round[0]
    both = ("Leeds return.eml › Leeds.xlsx", "Leeds copy.xlsx")
    statuses = {log[name]["Status"] for name in both}
    assert statuses == {"accepted", "duplicate"}


def test_a_message_with_no_spreadsheet_attached_is_listed_with_a_sentence(mailed_round):
    log = mailed_round[0]
    minutes = log["Minutes.eml"]
    assert minutes["Status"] == "rejected"
    assert minutes["Reason"].startswith("This message has no spreadsheet attached")
    assert "minutes.pdf" in minutes["Reason"]
    assert minutes["From"] == "jane.doe@leeds.gov.uk"
    forwarded = log["Forwarded.eml"]["Reason"]
    assert "no spreadsheet attached" in forwarded and "Salford Q3" in forwarded
    assert "not opened" in forwarded


def test_files_named_as_messages_that_are_not_are_said_and_the_rest_is_read(mailed_round):
    log, before, inbox, result = mailed_round
    assert "is not one" in log["broken.eml"]["Reason"]
    assert "Outlook" in log["broken.msg"]["Reason"]
    for name in ("broken.eml", "broken.msg"):
        assert log[name]["Status"] == "rejected"
        assert "Traceback" not in log[name]["Reason"]
    assert {p.organisation for p in result.consolidation.plans if p.has_return} == {
        "Leeds", "Bradford"}  # fmt: skip
    assert {p.name: p.read_bytes() for p in inbox.iterdir()} == before  # nothing changed


def test_an_attachment_gets_the_checks_a_file_gets(tmp_path, inbox):
    good = made(tmp_path, "Leeds")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zipfile.ZipFile(io.BytesIO(good)).infolist():
            z.writestr(info.filename, zipfile.ZipFile(io.BytesIO(good)).read(info.filename))
        with z.open("xl/media/image1.png", "w", force_zip64=True) as part:
            for _ in range(64):  # 1 GiB of zeros, a megabyte or so packed
                part.write(b"\0" * 2**24)
    eml(inbox / "Returns.eml", [("bomb.xlsx", bomb.getvalue()),
                                ("letter.xlsx", b"Dear all, please find attached"),
                                ("Leeds.xlsx", good)])  # fmt: skip
    log = log_of(run(inbox, tmp_path / "outbox", as_of=AS_OF))
    bombed = log["Returns.eml › bomb.xlsx"]
    assert bombed["Status"] == "rejected" and "zip bomb" in bombed["Reason"]
    assert "it is not a spreadsheet" in log["Returns.eml › letter.xlsx"]["Reason"]
    assert log["Returns.eml › Leeds.xlsx"]["Status"] == "accepted"


def test_a_return_read_by_email_in_an_earlier_run_keeps_its_sender(tmp_path, inbox):
    eml(inbox / "Leeds return.eml", [("Leeds.xlsx", made(tmp_path, "Leeds"))])
    run(inbox, tmp_path / "outbox", as_of=AS_OF)
    (inbox / "Leeds return.eml").unlink()  # the inbox is cleaned; the store remembers
    row = log_of(run(inbox, tmp_path / "outbox", as_of=AS_OF))["Leeds return.eml › Leeds.xlsx"]
    assert row["From"] == "jane.doe@leeds.gov.uk" and row["Sent"] == SENT_HERE


def test_check_reads_the_returns_attached_to_a_message(tmp_path):
    message = outlook_msg(tmp_path / "Leeds return.msg",
                          [("Leeds.xlsx", made(tmp_path, "Leeds", email=None))])  # fmt: skip
    result = CliRunner().invoke(cli, ["check", str(message)])
    assert "Leeds return.msg › Leeds.xlsx" in result.output, result.output
    assert "Traceback" not in result.output


def test_an_outlook_message_saved_with_the_wrong_extension_is_still_read(tmp_path):
    saved = outlook_msg(tmp_path / "Leeds return.eml", [("Leeds.xlsx", b"PK\x03\x04 plan")])
    letter = open_message(saved)
    assert letter.sender == "jane.doe@leeds.gov.uk" and letter.subject == "Our Q3 return"
    assert [(a.name, a.data) for a in letter.attachments] == [("Leeds.xlsx", b"PK\x03\x04 plan")]


def test_a_message_with_more_attachments_than_any_return_needs_is_not_opened(tmp_path):
    many = [(f"part {n}.xlsx", b"PK") for n in range(MOST_ATTACHMENTS + 1)]
    with pytest.raises(Unreadable, match=f"{MOST_ATTACHMENTS + 1} attachments"):
        open_message(eml(tmp_path / "many.eml", many))
