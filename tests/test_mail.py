"""After a round, each partner gets one message: what to fix, what is off track, when returns
are due, with its template for the next round and its feedback attached. Drafts by default;
sent through a real SMTP server (aiosmtpd, on this machine) when asked, and never twice."""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import io
import ipaddress
import shutil
import socket
import sqlite3
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from builders import AS_OF, action, p44_return, write_registers
from click.testing import CliRunner

from pipeline.cli.commands import cli
from pipeline.feedback import FIX_LIST
from pipeline.run import run
from pipeline.system.isolation import Isolation

DUE = "2026-12-04"
P44_REGISTER = """partnership,region,contact_name,contact_email
Leeds,GO Yorkshire and the Humber,Jane Doe,jane.doe@leeds.gov.uk
Bradford,GO Yorkshire and the Humber,Sam Khan,sam.khan@bradford.gov.uk
Bolton,GO North West,Amir Shah,amir.shah@bolton.gov.uk
Salford,GO North West,Ruth Adeyemi,
"""
MAILED = {"jane.doe@leeds.gov.uk", "sam.khan@bradford.gov.uk", "amir.shah@bolton.gov.uk"}
SENDER = "performance@home-office.example.gov.uk"
RUN_DUE = dt.date(2030, 1, 4)  # files arrive today: none is late, whatever today is


@pytest.fixture(scope="module")
def round_made(tmp_path_factory) -> Path:
    """A round, run once: Leeds returned a plan with its risks left empty and an action past
    its end date; Bradford a clean one; Bolton nothing; Salford nothing, and the register has
    no email for it. The three-year register (Housing, Finance) has no contact columns."""
    folder = tmp_path_factory.mktemp("round")
    registers = write_registers(folder / "registers", ("three_year",))
    (folder / "registers" / "p44.csv").write_text(P44_REGISTER, encoding="utf-8")
    inbox = folder / "inbox"
    inbox.mkdir()
    p44_return(inbox, name="leeds.xlsx", risks=None, rows=[
        action("A01"), action("A02", end_date=AS_OF - timedelta(days=10)),
    ])  # fmt: skip
    p44_return(inbox, organisation="Bradford", name="bradford.xlsx", completed_by="Sam Khan",
               email="sam.khan@bradford.gov.uk")  # fmt: skip
    p44 = ("p44", folder / "registers" / "p44.csv")  # its columns would fit hallmarks' too
    run(inbox, folder / "outbox", [p44, registers["three_year"]], AS_OF,
        due=RUN_DUE, isolation=Isolation(workers=0))  # fmt: skip
    return folder / "outbox"


@pytest.fixture
def outbox(round_made, tmp_path) -> Path:
    """This test's own copy of the round's outbox (its store, its feedback)."""
    return Path(shutil.copytree(round_made, tmp_path / "outbox"))


def mail(outbox: Path, *options: str, env: dict | None = None):
    return CliRunner().invoke(cli, ["mail", "--outbox", str(outbox), *options], env=env)


def read(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)


def attached(message) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in message.iter_attachments()}


def cells(data: bytes) -> set:
    """Every value in a workbook's sheets."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c}


# --- drafts ------------------------------------------------------------------------------------


def test_each_organisation_gets_a_draft_with_its_template_and_feedback(outbox):
    result = mail(outbox, "--due", DUE)
    assert result.exit_code == 0, result.output
    assert f"Wrote 3 draft(s) to {outbox / 'mail'}" in result.output
    assert "Leeds (Priority 44) to jane.doe@leeds.gov.uk: p44-Leeds.eml" in result.output
    leeds = read((outbox / "mail" / "p44-Leeds.eml").read_bytes())
    assert leeds["X-Unsent"] == "1"  # Outlook opens it as a message to send
    assert leeds["To"].addresses[0].addr_spec == "jane.doe@leeds.gov.uk"
    assert leeds["Subject"] == (
        "Priority 44 Partnership Action Plan: Leeds, fortnight 16/11/2026 to 29/11/2026"
    )
    text = leeds.get_body(("plain",)).get_content()
    assert text.startswith("Dear Jane Doe,")
    assert "Please fill in: Risks and contingency." in text
    off_track = text.split("What is off track:\n")[1].split("\n\n")[0]
    assert "- Action A02 (Action A02) ended 10/11/2026 but is Ongoing." in off_track
    assert "Your next return, for fortnight 30/11/2026 to 13/12/2026, is due by 04/12/2026." in text
    assert "Your return for" not in text  # Leeds' return came: this round's day is not said
    files = attached(leeds)
    assert list(files) == ["p44-Leeds.xlsx", "leeds-feedback.xlsx"]
    assert "- p44-Leeds.xlsx: your template for the next round, with what you told us last time" \
        in text  # fmt: skip
    template = cells(files["p44-Leeds.xlsx"])
    assert {"Leeds", "Action A01", "Action A02"} <= template  # its plan, carried forward
    feedback = openpyxl.load_workbook(io.BytesIO(files["leeds-feedback.xlsx"]))
    assert feedback.sheetnames[0] == FIX_LIST
    assert feedback[FIX_LIST]["A1"].value == "What to fix in leeds.xlsx"


def test_a_missing_return_is_asked_for_and_a_clean_one_thanked(outbox):
    assert mail(outbox).exit_code == 0
    bolton = read((outbox / "mail" / "p44-Bolton.eml").read_bytes())
    text = bolton.get_body(("plain",)).get_content()
    assert "We have no usable Priority 44 Partnership Action Plan return from you" in text
    assert "- No usable return this round." in text
    # the round's day, as the run was told it (RUN_DUE: still to come on the run's day)
    assert (
        f"Your return for fortnight 16/11/2026 to 29/11/2026 is due by {RUN_DUE:%d/%m/%Y}." in text
    )
    assert "Your next return" not in text  # no rule for the next round's day: none is guessed
    assert list(attached(bolton)) == ["p44-Bolton.xlsx"]  # no file, so no feedback
    # it never sent a return: its template holds the register's details, not "what you told us"
    assert "- p44-Bolton.xlsx: your template for the next round, with your details as we hold " \
        "them already filled in." in text  # fmt: skip
    # the team's rule gives the next round's day, beside its template
    assert mail(outbox, "--due", "Friday of last week").exit_code == 0
    text = (
        read((outbox / "mail" / "p44-Bolton.eml").read_bytes()).get_body(("plain",)).get_content()
    )
    assert "Your next return, for fortnight 30/11/2026 to 13/12/2026, is due by 11/12/2026." in text
    bradford = read((outbox / "mail" / "p44-Bradford.eml").read_bytes())
    text = bradford.get_body(("plain",)).get_content()
    assert "Thank you for the Priority 44 Partnership Action Plan return" in text
    assert "Nothing is missing and nothing must be fixed." in text


def test_an_organisation_with_no_email_is_listed_as_not_mailed_with_why(outbox):
    result = mail(outbox)
    assert "Not mailed (3):" in result.output
    assert "Salford: no contact email on the register: add it" in result.output
    assert "Housing: no contact email on the register: add it (a contact_email column, which " \
        "any register may have)" in result.output  # fmt: skip
    assert not (outbox / "mail" / "p44-Salford.eml").exists()


def test_mail_before_any_run_says_to_run_first(tmp_path):
    result = mail(tmp_path / "outbox")
    assert result.exit_code == 1
    assert "does not exist: run `pipeline run` first" in result.output


def test_a_round_recorded_by_an_older_pipeline_says_to_run_again(outbox):
    db = sqlite3.connect(outbox / "pipeline.sqlite")
    with db:  # what a run before mail existed kept of each plan: no notice
        db.execute("UPDATE plans SET summary = json_remove(summary, '$.notice')")
    db.close()
    result = mail(outbox)
    assert result.exit_code == 1
    assert "recorded by an older pipeline" in result.output
    assert "run `pipeline run` again, then mail" in result.output


# --- a real SMTP server --------------------------------------------------------------------------


class Mailbox:
    """An SMTP server's handler that keeps what it accepts; it refuses the recipients in
    ``refuse``, and hangs up instead of accepting message number ``hang_up_at``."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], email.message.EmailMessage, dict]] = []
        self.refuse: set[str] = set()
        self.hang_up_at: int | None = None
        self.closing = False  # at ``hang_up_at``, say 421 (closing) rather than hang up

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.hang_up_at is not None and len(self.received) + 1 >= self.hang_up_at:
            if self.closing:
                return "421 4.3.2 Service shutting down"
            server.transport.close()
            await asyncio.sleep(0)
            return "421 gone"
        secured = server.transport.get_extra_info("ssl_object") is not None  # (TLS at the start)
        said = {"tls": session.ssl is not None or secured, "login": session.authenticated}
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos),
                              read(envelope.original_content), said))  # fmt: skip
        return "250 Message accepted for delivery"

    @property
    def recipients(self) -> list[str]:
        return sorted(to for _, tos, _, _ in self.received for to in tos)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server on this machine: ``(its HOST:PORT, its mailbox)``."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield f"127.0.0.1:{controller.port}", mailbox
    controller.stop()


def send(outbox: Path, server: str, *more: str, env: dict | None = None):
    return mail(outbox, "--send", "--smtp", server, "--from", SENDER, *more, env=env)


def sent_in_store(outbox: Path) -> list[str]:
    db = sqlite3.connect(outbox / "pipeline.sqlite")
    try:
        return sorted(r[0] for r in db.execute("SELECT recipient FROM mail"))
    finally:
        db.close()


def test_send_delivers_each_message_to_its_contact_with_both_attachments(outbox, smtp_server):
    server, mailbox = smtp_server
    result = send(outbox, server)
    assert result.exit_code == 0, result.output
    assert f"Sent 3 message(s) through {server}:" in result.output
    assert mailbox.recipients == sorted(MAILED)
    by_to = {tos[0]: (sender, message) for sender, tos, message, _ in mailbox.received}
    sender, leeds = by_to["jane.doe@leeds.gov.uk"]
    assert sender == SENDER and leeds["From"] == SENDER and "X-Unsent" not in leeds
    assert leeds["Subject"].startswith("Priority 44 Partnership Action Plan: Leeds")
    files = attached(leeds)
    assert list(files) == ["p44-Leeds.xlsx", "leeds-feedback.xlsx"]
    assert "Leeds" in cells(files["p44-Leeds.xlsx"])
    assert openpyxl.load_workbook(io.BytesIO(files["leeds-feedback.xlsx"])).sheetnames[0] == (
        FIX_LIST
    )
    assert sent_in_store(outbox) == sorted(MAILED)
    assert not (outbox / "mail").exists()  # sent, not drafted


def test_running_again_sends_nothing_twice_unless_again(outbox, smtp_server):
    server, mailbox = smtp_server
    assert send(outbox, server).exit_code == 0
    again = send(outbox, server)
    assert again.exit_code == 0, again.output
    assert "Sent 0 message(s)" in again.output
    assert "Leeds: already sent to jane.doe@leeds.gov.uk on" in again.output
    assert "use --again to send it again" in again.output
    assert len(mailbox.received) == 3
    drafts = mail(outbox)  # nor drafted again, to be sent by hand a second time
    assert "Wrote 0 draft(s)" in drafts.output
    assert send(outbox, server, "--again").exit_code == 0
    assert mailbox.recipients == sorted([*MAILED, *MAILED])


def test_a_refused_recipient_is_said_and_the_others_still_go(outbox, smtp_server):
    server, mailbox = smtp_server
    mailbox.refuse.add("sam.khan@bradford.gov.uk")
    result = send(outbox, server)
    assert result.exit_code == 1
    assert "Bradford: the mail server refused sam.khan@bradford.gov.uk (550 5.1.1 No such " \
           "mailbox here)" in result.output  # fmt: skip
    assert mailbox.recipients == ["amir.shah@bolton.gov.uk", "jane.doe@leeds.gov.uk"]
    assert "Traceback" not in result.output
    mailbox.refuse.clear()  # the mailbox is put right: only Bradford's goes now
    retry = send(outbox, server)
    assert retry.exit_code == 0, retry.output
    assert mailbox.recipients == sorted(MAILED)


@pytest.mark.parametrize("closing", [False, True], ids=["hangs up", "says 421"])
def test_a_server_that_goes_away_half_way_stops_with_a_sentence_and_nothing_goes_twice(
    outbox, smtp_server, closing
):
    server, mailbox = smtp_server
    mailbox.hang_up_at, mailbox.closing = 2, closing
    result = send(outbox, server)
    assert result.exit_code == 1
    assert f"The mail server {server} stopped answering" in result.output
    assert "2 message(s) were not sent" in result.output
    assert "Traceback" not in result.output
    [first] = mailbox.recipients
    assert sent_in_store(outbox) == [first]  # what it accepted is recorded
    mailbox.hang_up_at = None
    retry = send(outbox, server)
    assert retry.exit_code == 0, retry.output
    assert "Sent 2 message(s)" in retry.output
    assert sorted(mailbox.recipients) == sorted(MAILED)  # each once


def test_a_server_that_is_not_there_is_a_sentence_and_nothing_is_recorded(outbox):
    result = send(outbox, f"127.0.0.1:{free_port()}")
    assert result.exit_code == 1
    assert "could not be reached" in result.output and "nothing was sent" in result.output
    assert "Traceback" not in result.output
    assert sent_in_store(outbox) == []
    assert "Wrote 3 draft(s)" in mail(outbox).output


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--send"], "--send needs the mail server: add --smtp HOST:PORT."),
        (["--send", "--smtp", "localhost:25"], "--send needs the address messages come from"),
        (["--smtp", "localhost:25"], "--smtp is for sending: add --send"),
        (["--send", "--smtp", "localhost", "--from", SENDER], "is not a mail server's HOST:PORT"),
        (["--send", "--smtp", "localhost:25", "--from", SENDER, "--user", "me"],
         "--user needs its password in the environment variable PIPELINE_SMTP_PASSWORD"),
        (["--send", "--smtp", "localhost:25", "--from", SENDER, "--starttls", "--ssl"],
         "--starttls and --ssl are two ways to secure the connection: give one."),
    ],
)  # fmt: skip
def test_options_that_cannot_work_are_said_before_anything_is_sent(outbox, options, said):
    result = mail(outbox, *options, env={"PIPELINE_SMTP_PASSWORD": "", "PIPELINE_MAIL_FROM": ""})
    assert result.exit_code == 2
    assert said in result.output


# --- STARTTLS and a login ------------------------------------------------------------------------


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key, made now."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))  # fmt: skip
    return cert_path, key_path


def test_starttls_and_a_login_with_the_password_from_the_environment(outbox, tmp_path, monkeypatch):
    import ssl

    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (auth_data.login, auth_data.password) == (b"returns-team", b"s3cret")
        return AuthResult(success=ok, handled=False)  # not handled: the server says 535

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(),
                            tls_context=context, require_starttls=True,
                            authenticator=authenticator, auth_required=True)  # fmt: skip
    controller.start()
    try:
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # this computer trusts the server
        server = f"127.0.0.1:{controller.port}"
        login = ("--starttls", "--user", "returns-team")
        wrong = send(outbox, server, *login, env={"PIPELINE_SMTP_PASSWORD": "guess"})
        assert wrong.exit_code == 1
        assert "refused the user name returns-team with the password in " \
               "PIPELINE_SMTP_PASSWORD" in wrong.output  # fmt: skip
        plain = send(outbox, server)  # it insists on STARTTLS and a login
        assert plain.exit_code == 1 and "Traceback" not in plain.output
        assert mailbox.received == [] and sent_in_store(outbox) == []
        right = send(outbox, server, *login, env={"PIPELINE_SMTP_PASSWORD": "s3cret"})
        assert right.exit_code == 0, right.output
        assert mailbox.recipients == sorted(MAILED)
        assert all(said == {"tls": True, "login": True} for *_, said in mailbox.received)
    finally:
        controller.stop()


def test_a_login_is_refused_where_the_password_would_cross_the_network_in_clear(outbox):
    options = ["--send", "--smtp", "localhost:25", "--from", SENDER, "--user", "me"]
    result = mail(outbox, *options, env={"PIPELINE_SMTP_PASSWORD": "s3cret"})
    assert result.exit_code == 2
    assert "would cross the network in clear: add --starttls, or --ssl" in result.output


def test_a_server_expecting_tls_from_the_start_gets_it(outbox, tmp_path, monkeypatch):
    """Port 465's way (SMTPS): with --ssl the connection is TLS before a word is said, and
    the message and its sender's Message-ID are as with any server."""
    import ssl

    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), ssl_context=context)
    controller.start()
    try:
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        server = f"127.0.0.1:{controller.port}"
        named = "Returns Team <returns@homeoffice.example.gov.uk>"
        result = mail(outbox, "--send", "--smtp", server, "--ssl", "--from", named)
        assert result.exit_code == 0, result.output
        assert mailbox.received and all(said["tls"] for *_, said in mailbox.received)
        message = mailbox.received[0][2]
        assert message["Message-ID"].endswith("@homeoffice.example.gov.uk>")
    finally:
        controller.stop()
