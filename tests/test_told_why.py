"""Every partner told why: a file that could not be used is matched to its organisation where
its name, its sender or its contents say which, and that organisation's chase line, Gap Flags
and mail say what was wrong with it, with its Fix list attached.

Each round is run for real; the workbook is read back with openpyxl, the mail (.eml drafts)
with the standard library's ``email`` package, the Fix list with openpyxl."""

from __future__ import annotations

import email
import email.policy
import io
from pathlib import Path

import openpyxl
import pytest
from builders import AS_OF, p44_return
from click.testing import CliRunner
from message_builders import eml
from workbook_reading import sheet_records

from pipeline.cli.commands import cli
from pipeline.demo.mail import word_document
from pipeline.feedback import FIX_LIST
from pipeline.inbox.owners import owner_of
from pipeline.inbox.registers import read_registers
from pipeline.returns import LoadedReturn, SourceFile
from pipeline.run import run
from pipeline.system.isolation import Isolation

REGISTER = """partnership,region,contact_name,contact_email
Leeds,GO Yorkshire and the Humber,Jane Doe,jane.doe@leeds.gov.uk
Leeds North,GO Yorkshire and the Humber,Ali Shah,ali.shah@leedsnorth.gov.uk
Bradford,GO Yorkshire and the Humber,Sam Khan,sam.khan@bradford.gov.uk
Kestrel,GO North West,Kim Lee,kim.lee@kestrel.gov.uk
Salford,GO North West,Ruth Adeyemi,ruth.adeyemi@salford.gov.uk
"""


def half_copied(path: Path, made: Path) -> Path:
    """A workbook cut off half way (a copy that did not finish)."""
    data = made.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def run_round(folder: Path, inbox: Path):
    register = folder / "p44.csv"
    register.write_text(REGISTER, encoding="utf-8")
    outbox = folder / "outbox"
    result = run(inbox, outbox, [("p44", register)], AS_OF, isolation=Isolation(workers=1))
    return result, outbox


@pytest.fixture(scope="module")
def round_told(tmp_path_factory):
    """Kestrel sent its plan as a Word document named after it; Bradford a workbook cut off
    half way, named after it; Leeds North a PDF attached to a message from its contact,
    named "plan.pdf"... as a spreadsheet; Leeds a good return, and also a draft it never
    finished; someone a file naming two partnerships."""
    folder = tmp_path_factory.mktemp("told")
    made, inbox = folder / "made", folder / "inbox"
    made.mkdir()
    inbox.mkdir()
    word_document(inbox / "Kestrel CSP return.docx", "Our plan")
    half_copied(inbox / "Bradford action plan v2.xlsx", p44_return(made, "Bradford"))
    eml(inbox / "Our return.eml", [("plan.xlsx", b"%PDF-1.4 our plan, printed")],
        sender="Ali Shah <ALI.SHAH@leedsnorth.gov.uk>")  # fmt: skip
    p44_return(inbox, name="Leeds.xlsx")
    half_copied(inbox / "Leeds draft.xlsx", p44_return(made, "Leeds", name="draft.xlsx"))
    word_document(inbox / "Leeds and Salford joint notes.docx", "Notes")
    result, outbox = run_round(folder, inbox)
    log = {r["File"]: r for r in sheet_records(result.path, "Returns Log")}
    flags = sheet_records(result.path, "Gap Flags")
    chase = {r["Organisation"]: r for r in sheet_records(result.path, "Returns", "Chase")}
    said = CliRunner().invoke(cli, ["mail", "--outbox", str(outbox)])
    assert said.exit_code == 0, said.output
    return log, flags, chase, outbox / "mail"


def message(mail: Path, name: str):
    return email.message_from_bytes((mail / name).read_bytes(), policy=email.policy.default)


def test_a_word_document_named_after_its_partnership_is_its_partnerships_and_says_why(
    round_told,
):
    log, flags, chase, mail = round_told
    kestrel = log["Kestrel CSP return.docx"]
    assert (kestrel["Status"], kestrel["Organisation"]) == ("rejected", "Kestrel")
    assert kestrel["Matched by"] == "its name"
    assert kestrel["Reason"] == (
        "This file cannot be used: it is a Word document, not a spreadsheet: send the plan's "
        "workbook (.xlsx) itself."
    )
    why = (
        "Kestrel CSP return.docx could not be used: it is a Word document, not a spreadsheet: "
        "send the plan's workbook (.xlsx) itself."
    )
    [flag] = [f for f in flags if f["Organisation"] == "Kestrel"]
    assert (flag["Rule"], flag["Severity"], flag["File"]) == (
        "Return rejected", "Red", "Kestrel CSP return.docx",
    )  # fmt: skip
    assert flag["Message"] == f"{why} Chase Kim Lee <kim.lee@kestrel.gov.uk>."
    assert chase["Kestrel"]["What is missing"] == f"No usable return this round. {why}"
    assert chase["Kestrel"]["Contact email"] == "kim.lee@kestrel.gov.uk"

    kestrel_mail = message(mail, "p44-Kestrel.eml")
    text = kestrel_mail.get_body(("plain",)).get_content()
    assert f"- {why}" in text
    files = {p.get_filename(): p.get_content() for p in kestrel_mail.iter_attachments()}
    assert list(files) == ["p44-Kestrel.xlsx", "Kestrel-CSP-return-feedback.xlsx"]
    assert ("- Kestrel-CSP-return-feedback.xlsx: why a file you sent could not be used, and "
            "what to do about it (its Fix list).") in text  # fmt: skip
    fix_list = openpyxl.load_workbook(io.BytesIO(files["Kestrel-CSP-return-feedback.xlsx"]))
    assert fix_list.sheetnames == [FIX_LIST]
    sheet = fix_list[FIX_LIST]
    assert sheet["A1"].value == "What to fix in Kestrel CSP return.docx"
    assert sheet["D5"].value == "Red"
    assert "it is a Word document, not a spreadsheet" in sheet["E5"].value


def test_a_corrupt_workbook_named_after_its_partnership_is_its_partnerships(round_told):
    log, flags, chase, mail = round_told
    bradford = log["Bradford action plan v2.xlsx"]
    assert (bradford["Organisation"], bradford["Matched by"]) == ("Bradford", "its name")
    assert "damaged or was not fully copied" in chase["Bradford"]["What is missing"]
    assert [f["Rule"] for f in flags if f["Organisation"] == "Bradford"] == ["Return rejected"]
    text = message(mail, "p44-Bradford.eml").get_body(("plain",)).get_content()
    assert ("- Bradford action plan v2.xlsx could not be used: the file is damaged or was not "
            "fully copied: send it again.") in text  # fmt: skip
    assert "Bradford-action-plan-v2-feedback.xlsx" in text


def test_a_file_sent_by_a_contact_is_their_organisations_whatever_it_is_called(round_told):
    log, _, chase, mail = round_told
    pdf = log["Our return.eml › plan.xlsx"]
    assert (pdf["Organisation"], pdf["Matched by"]) == ("Leeds North", "its sender")
    assert "it is a PDF, not a spreadsheet" in pdf["Reason"]
    assert (
        "Our return.eml › plan.xlsx could not be used: it is a PDF"
        in (chase["Leeds North"]["What is missing"])
    )
    leeds_north = message(mail, "p44-Leeds-North.eml")
    # its Fix list, named after the partner's own attachment
    assert [p.get_filename() for p in leeds_north.iter_attachments()][1:] == ["plan-feedback.xlsx"]


def test_a_file_naming_two_partnerships_is_nobodys_and_the_log_says_why(round_told):
    log, flags, chase, _ = round_told
    joint = log["Leeds and Salford joint notes.docx"]
    assert (joint["Status"], joint["Organisation"]) == ("rejected", None)
    assert joint["Matched by"] == (
        "not matched to an organisation: its name could be Leeds or Salford"
    )
    # Salford sent nothing of its own: it is missing, not told of a file that may not be its
    assert [f["Rule"] for f in flags if f["Organisation"] == "Salford"] == ["Return missing"]
    assert chase["Salford"]["What is missing"] == "No usable return this round."


def test_a_partnership_with_a_usable_return_is_not_chased_for_a_draft_that_was_rejected(
    round_told,
):
    log, flags, chase, mail = round_told
    draft = log["Leeds draft.xlsx"]
    assert (draft["Status"], draft["Organisation"], draft["Matched by"]) == (
        "rejected", "Leeds", "its name",
    )  # fmt: skip
    assert "Leeds" not in chase  # ("Leeds North" is a partnership of its own)
    assert not [f for f in flags if f["Organisation"] == "Leeds" and f["Rule"] == "Return rejected"]
    leeds = message(mail, "p44-Leeds.eml")
    assert "Leeds-draft-feedback.xlsx" not in [p.get_filename() for p in leeds.iter_attachments()]


def test_clues_that_disagree_match_nobody(tmp_path, inbox):
    # named after Salford, but sent by Bradford's contact
    eml(inbox / "Fwd.eml", [("Salford.xlsx", b"not a workbook")],
        sender="Sam Khan <sam.khan@bradford.gov.uk>")  # fmt: skip
    result, _ = run_round(tmp_path, inbox)
    [log] = sheet_records(result.path, "Returns Log")
    assert log["Organisation"] is None
    assert log["Matched by"] == (
        "not matched to an organisation: its sender could be Bradford; its name could be "
        "Salford (they do not agree)"
    )


def test_a_workbook_with_its_plan_gone_is_matched_by_the_templates_stamp(tmp_path, inbox):
    path = p44_return(tmp_path, "Salford", name="salford.xlsx")
    book = openpyxl.load_workbook(path)
    del book["Action Plan"]  # the partner pasted their own notes over the plan
    book.create_sheet("Notes")["A1"] = "See attached minutes"
    book.save(inbox / "return.xlsx")
    result, _ = run_round(tmp_path, inbox)
    [log] = sheet_records(result.path, "Returns Log")
    assert (log["Organisation"], log["Matched by"]) == ("Salford", "its contents")
    assert log["Reason"].startswith("This is not one of our action plans")


def test_a_plan_naming_its_partnership_loosely_is_told_it_is_not_on_the_register(tmp_path, inbox):
    path = p44_return(tmp_path, "Salford", name="return.xlsx",
                      partnership="Salford Community Safety")  # fmt: skip
    book = openpyxl.load_workbook(path)
    del book["_pipeline"]  # copied into a workbook of its own: the template's stamp is gone
    book.save(inbox / "return.xlsx")
    result, _ = run_round(tmp_path, inbox)
    [log] = sheet_records(result.path, "Returns Log")
    assert (log["Organisation"], log["Matched by"]) == ("Salford", "its contents")
    [flag] = [f for f in sheet_records(result.path, "Gap Flags") if f["Organisation"] == "Salford"]
    assert flag["Message"].startswith(
        'return.xlsx could not be used: "Salford Community Safety" is not on the Priority 44 '
        "Partnership Action Plan register"
    )


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Leeds North plan.pdf", "Leeds North"),  # the longer name that fits, not Leeds
        ("LEEDS_return_v2.xlsx", "Leeds"),
        ("Kings Lynn & West Norfolk.docx", "King's Lynn and West Norfolk"),
        ("Luton CSP self-assessment.docx", "Luton CSP"),
        (
            "Luton return.docx",
            "not matched to an organisation: its name could be Luton "
            "(Priority 44) or Luton CSP (Hallmarks)",
        ),
        ("Minutes of the board.docx", None),
    ],
)
def test_a_file_name_says_whose_it_is_loosely_but_only_when_it_is_plain(tmp_path, name, said):
    (tmp_path / "p44.csv").write_text(
        "partnership,region\nLeeds,Y\nLeeds North,Y\nLuton,E\nKing's Lynn and West Norfolk,E\n",
        encoding="utf-8",
    )
    (tmp_path / "hallmarks.csv").write_text("partnership,region\nLuton CSP,E\n", encoding="utf-8")
    registers = read_registers([("p44", tmp_path / "p44.csv"),
                                ("hallmarks", tmp_path / "hallmarks.csv")])  # fmt: skip
    data = b"not a plan"
    rejected = LoadedReturn(SourceFile.of(tmp_path / name, name, data)).reject("unreadable", "x")
    matching = owner_of(rejected, registers)
    if matching.owner is not None:
        assert (matching.owner.organisation, matching.said) == (said, "its name")
    else:
        assert matching.said == said
