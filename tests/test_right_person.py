"""The right person: an organisation's messages go to its register's contact, copying whoever
completed its return when that is someone else; the chase list names the same two people; next
round's template is pre-filled with one person's details, never a mix; and every register may
carry a contact, the three-year one included.

The round is run for real (``pipeline run`` with its workers), the mail written as .eml drafts
and read back with the standard library's ``email`` package, the workbook and templates with
openpyxl and python-calamine (xlsxwriter wrote them)."""

from __future__ import annotations

import email
import email.policy
import io
from datetime import timedelta
from pathlib import Path

import openpyxl
from builders import AS_OF, p44_return, three_year_return
from click.testing import CliRunner
from message_builders import eml
from python_calamine import CalamineWorkbook
from workbook_reading import sheet_records

from pipeline.cli.commands import cli
from pipeline.declare import LAYOUTS
from pipeline.inbox.registers import read_register
from pipeline.reading.loader import load
from pipeline.run import run
from pipeline.system.isolation import Isolation
from pipeline.templates.writer import write_prefilled

P44_REGISTER = """partnership,region,contact_name,contact_email
Leeds,GO Yorkshire and the Humber,Jane Doe,jane.doe@leeds.gov.uk
Bradford,GO Yorkshire and the Humber,Sam Khan,sam.khan@bradford.gov.uk
"""
THREE_YEAR_REGISTER = """business_unit,code,head_of_service,plan_start,contact_name,contact_email
Housing,HSG,Ian Clarke,2025,Nadia Perez,nadia.perez@council.example.gov.uk
Finance,FIN,Rachel Smith,2025,,
"""
LEEDS_OFFICER = {  # who completed Leeds's return: not the register's contact
    "completed_by": "Tom Ward", "role": "Partnership Analyst", "agency": "West Yorkshire Police",
    "email": "tom.ward@westyorkshire.police.uk", "telephone": "0113 555 0199",
}  # fmt: skip


def registers(folder: Path) -> list:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "p44.csv").write_text(P44_REGISTER, encoding="utf-8")
    (folder / "three_year.csv").write_text(THREE_YEAR_REGISTER, encoding="utf-8")
    # (the p44 register's columns are the Hallmarks one's too: its layout is named)
    return [("p44", folder / "p44.csv"), folder / "three_year.csv"]


def run_round(tmp_path: Path, inbox: Path):
    outbox = tmp_path / "outbox"
    result = run(inbox, outbox, registers(tmp_path / "registers"), AS_OF,
                 isolation=Isolation(workers=1))  # fmt: skip
    return result, outbox


def drafts(outbox: Path) -> dict[str, email.message.EmailMessage]:
    result = CliRunner().invoke(cli, ["mail", "--outbox", str(outbox)])
    assert result.exit_code == 0, result.output
    return {
        path.stem: email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in (outbox / "mail").glob("*.eml")
    }, result.output


def addresses(message, header: str) -> list[str]:
    return [a.addr_spec for a in message[header].addresses] if message[header] else []


def test_a_return_completed_by_someone_else_mails_the_contact_and_copies_the_completer(
    tmp_path, inbox
):
    p44_return(inbox, name="leeds.xlsx", risks=None, **LEEDS_OFFICER)
    p44_return(inbox, organisation="Bradford", name="bradford.xlsx", risks=None,
               completed_by="Sam Khan", email="SAM.KHAN@bradford.gov.uk")  # fmt: skip
    result, outbox = run_round(tmp_path, inbox)

    messages, said = drafts(outbox)
    leeds = messages["p44-Leeds"]
    assert addresses(leeds, "To") == ["jane.doe@leeds.gov.uk"]
    assert addresses(leeds, "Cc") == ["tom.ward@westyorkshire.police.uk"]
    assert leeds["Cc"].addresses[0].display_name == "Tom Ward"
    assert leeds.get_body(("plain",)).get_content().startswith("Dear Jane Doe,")
    assert ("Leeds (Priority 44) to jane.doe@leeds.gov.uk, copying "
            "tom.ward@westyorkshire.police.uk") in said  # fmt: skip
    # the contact completed Bradford's return (the address in another case): no copy
    bradford = messages["p44-Bradford"]
    assert addresses(bradford, "To") == ["sam.khan@bradford.gov.uk"]
    assert bradford["Cc"] is None

    # the chase list names the same two people the mail writes to
    chase = {line["Organisation"]: line for line in chase_list(result.path)}
    assert chase["Leeds"]["Contact name"] == "Jane Doe"
    assert chase["Leeds"]["Contact email"] == "jane.doe@leeds.gov.uk"
    assert chase["Leeds"]["Copy to"] == "Tom Ward <tom.ward@westyorkshire.police.uk>"
    assert chase["Bradford"]["Copy to"] is None


def chase_list(path: Path) -> list[dict]:
    """The Returns sheet's chase list, below its tracker."""
    return sheet_records(path, "Returns", "Chase")


def test_the_next_template_holds_the_last_completers_details_all_together(tmp_path, inbox):
    p44_return(inbox, name="leeds.xlsx", **LEEDS_OFFICER)
    last = load(inbox / "leeds.xlsx")
    entry = read_register(registers(tmp_path / "registers")[0][1]).find("Leeds")
    path = write_prefilled(tmp_path / "p44-Leeds.xlsx", LAYOUTS["p44"], entry, last, AS_OF)

    header = {name: value.value for name, value in load(path).header.items()}
    person = {name: header[name] for name in LEEDS_OFFICER}
    assert person == {**LEEDS_OFFICER, "telephone": "0113 555 0199"}
    # the register's contact is nowhere on the sheet: not beside Tom's role and agency
    cells = template_cells(path)
    assert "Jane Doe" not in cells and "jane.doe@leeds.gov.uk" not in cells


def test_with_no_return_before_the_template_holds_the_registers_contact_and_nobody_elses(
    tmp_path,
):
    entry = read_register(registers(tmp_path / "registers")[0][1]).find("Bradford")
    path = write_prefilled(tmp_path / "p44-Bradford.xlsx", LAYOUTS["p44"], entry, None, AS_OF)
    header = {name: value.value for name, value in load(path).header.items()}
    assert (header["completed_by"], header["email"]) == ("Sam Khan", "sam.khan@bradford.gov.uk")
    assert (header["role"], header["agency"], header["telephone"]) == (None, None, None)


def test_a_last_return_naming_only_its_completer_leaves_the_rest_blank_not_the_registers(
    tmp_path, inbox
):
    p44_return(inbox, name="leeds.xlsx", completed_by="Tom Ward", role=None, agency=None,
               email=None, telephone=None)  # fmt: skip
    last = load(inbox / "leeds.xlsx")
    entry = read_register(registers(tmp_path / "registers")[0][1]).find("Leeds")
    path = write_prefilled(tmp_path / "p44-Leeds.xlsx", LAYOUTS["p44"], entry, last, AS_OF)
    header = {name: value.value for name, value in load(path).header.items()}
    assert header["completed_by"] == "Tom Ward"
    assert header["email"] is None  # not Jane Doe's address beside Tom's name


def template_cells(path: Path) -> set:
    book = CalamineWorkbook.from_path(str(path))
    return {value for name in book.sheet_names
            for row in book.get_sheet_by_name(name).to_python() for value in row}  # fmt: skip


def test_a_three_year_register_with_contact_columns_is_mailed_and_chased(tmp_path, inbox):
    three_year_return(inbox, name="housing.xlsx")
    result, outbox = run_round(tmp_path, inbox)

    messages, said = drafts(outbox)
    housing = messages["three-year-Housing"]
    assert addresses(housing, "To") == ["nadia.perez@council.example.gov.uk"]
    assert housing["To"].addresses[0].display_name == "Nadia Perez"
    assert housing["Cc"] is None  # (the plan asks for no completer's email address)
    assert "Housing (Three-year) to nadia.perez@council.example.gov.uk" in said
    files = {part.get_filename(): part.get_content() for part in housing.iter_attachments()}
    template = openpyxl.load_workbook(io.BytesIO(files["three_year-Housing.xlsx"]))
    values = {c for row in template["Action Plan"].iter_rows(values_only=True) for c in row}
    assert "Ian Clarke" in values  # who updated it last time
    # Finance has no contact on the register: chased through its head of service, not mailed
    assert "Finance: no contact email on the register: add it" in said
    chase = {line["Organisation"]: line for line in chase_list(result.path)}
    assert chase["Finance"]["Contact name"] == "Rachel Smith"
    assert chase["Finance"]["Contact email"] is None


def test_a_three_year_return_mailed_in_by_someone_not_the_contact_gets_a_sender_check(
    tmp_path, inbox
):
    made = three_year_return(tmp_path, name="housing.xlsx")
    eml(inbox / "Housing return.eml", [("housing.xlsx", made.read_bytes())],
        sender="Ian Clarke <ian.clarke@council.example.gov.uk>")  # fmt: skip
    made = three_year_return(tmp_path, organisation="Finance", name="finance.xlsx",
                             date_of_update=AS_OF - timedelta(days=2))  # fmt: skip
    eml(inbox / "Finance return.eml", [("finance.xlsx", made.read_bytes())],
        sender="Rachel Smith <rachel.smith@council.example.gov.uk>")  # fmt: skip
    result, _ = run_round(tmp_path, inbox)
    log = {r["File"]: r for r in sheet_records(result.path, "Returns Log")}
    assert log["Housing return.eml › housing.xlsx"]["Sender check"] == (
        "Sent by ian.clarke@council.example.gov.uk, who is not Housing's contact on the "
        "register (nadia.perez@council.example.gov.uk): check that the return is theirs to send."
    )
    assert log["Finance return.eml › finance.xlsx"]["Sender check"] is None  # no address known


def test_a_missing_returns_red_flag_says_to_chase_the_registers_contact(tmp_path, inbox):
    p44_return(inbox, name="leeds.xlsx", **LEEDS_OFFICER)
    result, _ = run_round(tmp_path, inbox)
    missing = [f for f in sheet_records(result.path, "Gap Flags") if f["Rule"] == "Return missing"]
    said = {f["Organisation"]: f["Message"] for f in missing}
    assert said == {
        "Bradford": "No return received. Chase Sam Khan <sam.khan@bradford.gov.uk>.",
        "Housing": "No return received. Chase Nadia Perez <nadia.perez@council.example.gov.uk>.",
        "Finance": "No return received. Chase Rachel Smith.",  # its head of service
    }
