"""Sending the round's messages over SMTP, each recorded in the store as soon as the mail
server has accepted it, so that nothing is ever sent twice.

A recipient or a message the server refuses is a sentence, and the rest go on; a server that
goes away part-way stops the sending with a sentence naming what was not sent (what had been
accepted is recorded). A server that cannot be reached, or will not let us in, is a
``PipelineError`` before anything is sent. The password is never an option: it comes from
the environment (``PASSWORD_VARIABLE``).
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..errors import PipelineError, UsageError
from .letters import Letter

PASSWORD_VARIABLE = "PIPELINE_SMTP_PASSWORD"
TIMEOUT = 60.0  # seconds to wait for the mail server to answer
CLOSING = 421  # the reply of a server that is shutting the connection


@dataclass(frozen=True)
class Server:
    """Where and how to send: host, port, whether the connection is secured (STARTTLS, or TLS
    from the start), and who to log in as."""

    host: str
    port: int
    starttls: bool = False
    user: str | None = None
    tls: bool = False  # TLS from the start (SMTPS, port 465), rather than STARTTLS
    password: str | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        """``host:port``, as the user gave it."""
        return f"{self.host}:{self.port}"

    @classmethod
    def parse(cls, text: str, **options: object) -> Server:
        """``HOST:PORT`` (e.g. ``smtp.example.org:587``) and the other settings."""
        host, _, port = text.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise UsageError(
                f"--smtp {text!r} is not a mail server's HOST:PORT, such as smtp.example.org:587."
            )
        return cls(host.strip("[]"), int(port), **options)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ServerOptions:
    """How ``pipeline mail`` was told to send: the server (``HOST:PORT``), how to secure the
    connection (STARTTLS, or TLS from the start), who to log in as, and the sender."""

    smtp: str | None = None
    starttls: bool = False
    tls: bool = False
    user: str | None = None
    sender: str | None = None


# Each server option and the flag a user types for it, in the order they are named.
SERVER_FLAGS = {"smtp": "--smtp", "starttls": "--starttls", "tls": "--ssl", "user": "--user"}


def server_for(
    send: bool, options: ServerOptions, typed: Iterable[str] = tuple(SERVER_FLAGS)
) -> Server | None:
    """The mail server to send through (None: write drafts), or a ``UsageError`` saying which
    option is missing or out of place. ``typed`` names the options given on the command line:
    a server option is out of place without ``send`` only there (a project file may hold the
    server for the day the team sends). The password comes from ``PASSWORD_VARIABLE``."""
    if not send:
        typed = set(typed)
        given = [flag for name, flag in SERVER_FLAGS.items()
                 if name in typed and getattr(options, name)]  # fmt: skip
        if given:
            raise UsageError(f"{', '.join(given)} is for sending: add --send, or leave it out.")
        return None
    if not options.smtp:
        raise UsageError("--send needs the mail server: add --smtp HOST:PORT.")
    if not options.sender:
        raise UsageError(
            "--send needs the address messages come from: add --from ADDRESS, or set "
            "PIPELINE_MAIL_FROM."
        )
    password = os.environ.get(PASSWORD_VARIABLE)
    for broken, said in _SERVER_MISTAKES:
        if broken(options, password):
            raise UsageError(said)
    return Server.parse(options.smtp, starttls=options.starttls, tls=options.tls,
                        user=options.user, password=password)  # fmt: skip


# What cannot work with --send, checked in this order.
_SERVER_MISTAKES = (
    (lambda o, password: o.user and not password,
     f"--user needs its password in the environment variable {PASSWORD_VARIABLE}: set it, and "
     f"run again."),
    (lambda o, password: o.starttls and o.tls,
     "--starttls and --ssl are two ways to secure the connection: give one."),
    (lambda o, password: o.user and not (o.starttls or o.tls),
     "--user logs in with a password, which would cross the network in clear: add "
     "--starttls, or --ssl for a server that expects TLS from the start (port 465)."),
)  # fmt: skip


@dataclass
class Sending:
    """What became of each message: sent, refused (why), or not sent because the server went
    away (``stopped`` says so)."""

    sent: list[Letter] = field(default_factory=list)
    refused: list[tuple[Letter, str]] = field(default_factory=list)
    not_sent: list[Letter] = field(default_factory=list)
    stopped: str | None = None


def send(letters: list[Letter], server: Server, sender: str, store_path: Path) -> Sending:
    """Send each letter from ``sender`` through ``server``, recording each the server
    accepts in the store at ``store_path`` at once, in a transaction of its own."""
    from ..store import MailRecord, Store

    outcome = Sending()
    if not letters:
        return outcome
    with Store.open(store_path) as store, _connected(server) as smtp:  # the store is writable
        for n, letter in enumerate(letters):
            try:
                refused = _send_one(smtp, letter, sender)
            except OSError as err:  # the server hung up, or the connection broke
                outcome.not_sent = letters[n:]
                outcome.stopped = _gone(server, err, outcome.not_sent)
                break
            if refused:
                outcome.refused.append((letter, refused))
                continue
            outcome.sent.append(letter)
            try:
                store.record_mail(MailRecord(
                    letter.notice.layout, letter.notice.round, letter.notice.organisation,
                    letter.recipient, letter.subject, str(letter.message["Message-ID"]),
                    datetime.now()))  # fmt: skip
            except PipelineError as err:
                outcome.not_sent = letters[n + 1 :]
                outcome.stopped = (
                    f"{letter.notice.organisation}'s message was sent but could not be "
                    f"recorded ({err}); sending stopped there, so that nothing is sent twice: "
                    f"do not use --again for it."
                )
                break
    return outcome


def _send_one(smtp: smtplib.SMTP, letter: Letter, sender: str) -> str | None:
    """Send one letter: None once the server has accepted it, else why it was refused. A
    server that hangs up or a connection that breaks is raised (``OSError``)."""
    try:
        smtp.send_message(letter.message, from_addr=sender, to_addrs=letter.recipients)
    except smtplib.SMTPRecipientsRefused as err:
        code, said = err.recipients.get(letter.recipient, (None, b""))
        refused = f"the mail server refused {letter.recipient} ({_reply(code, said)})"
    except smtplib.SMTPServerDisconnected:
        raise
    except smtplib.SMTPException as err:  # the message refused (its sender, its data)
        code, said = getattr(err, "smtp_code", None), getattr(err, "smtp_error", str(err))
        refused = f"the mail server refused the message ({_reply(code, said)})"
    else:
        return None
    if code == CLOSING:  # not a refusal: the server is going away
        raise smtplib.SMTPServerDisconnected(_reply(code, said))
    return refused


class _connected:
    """A connection to the mail server, secured and logged in as asked, closed at the end;
    each way it cannot be had is a ``PipelineError`` saying what to do (nothing was sent)."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> smtplib.SMTP:
        server = self.server
        try:
            if server.tls:
                self.smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT,
                                             context=ssl.create_default_context())  # fmt: skip
            else:
                self.smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
            self.smtp.ehlo()
            if server.starttls:
                self.smtp.starttls(context=ssl.create_default_context())
                self.smtp.ehlo()
            if server.user:
                self.smtp.login(server.user, server.password or "")
        except BaseException as err:
            self.__exit__()
            raise _cannot_use(server, err) from None
        return self.smtp

    def __exit__(self, *exc: object) -> None:
        if self.smtp is None:
            return
        try:
            self.smtp.quit()
        except (smtplib.SMTPException, OSError):
            self.smtp.close()


def _cannot_use(server: Server, err: BaseException) -> BaseException:
    """Why the mail server cannot be used, as a sentence; an unexpected error as it is."""
    where, nothing = f"the mail server {server.name}", "nothing was sent"
    if isinstance(err, smtplib.SMTPNotSupportedError) and server.starttls and not server.user:
        said = f"{where} does not offer STARTTLS: leave out --starttls if it needs none"
    elif isinstance(err, smtplib.SMTPNotSupportedError):
        first = "" if server.starttls else " (it may want --starttls first)"
        said = f"{where} does not offer a login (AUTH){first}: leave out --user if it needs none"
    elif isinstance(err, smtplib.SMTPAuthenticationError):
        said = (f"{where} refused the user name {server.user} with the password in "
                f"{PASSWORD_VARIABLE}: check them")  # fmt: skip
    elif isinstance(err, ssl.SSLError):
        said = (f"{where}'s STARTTLS failed ({getattr(err, 'verify_message', None) or err}): "
                f"check that its certificate is trusted on this computer")  # fmt: skip
    elif isinstance(err, smtplib.SMTPResponseException):
        said = f"{where} would not talk to us ({_reply(err.smtp_code, err.smtp_error)})"
    elif isinstance(err, (smtplib.SMTPException, OSError)):
        said = f"{where} could not be reached ({err or type(err).__name__}): check --smtp"
    else:
        return err
    return PipelineError(f"{said[0].upper()}{said[1:]}; {nothing}.")


def _gone(server: Server, err: BaseException, not_sent: list[Letter]) -> str:
    """The sentence for a server that went away part-way."""
    names = ", ".join(letter.notice.organisation for letter in not_sent)
    return (
        f"The mail server {server.name} stopped answering ({err or type(err).__name__}): "
        f"{len(not_sent)} message(s) were not sent, as far as it told us ({names}). Run "
        f"`pipeline mail --send` again later to send them: what was sent is recorded and is "
        f"not sent again."
    )


def _reply(code: int | None, said: bytes | str) -> str:
    """A server's reply as it said it: ``550 no such mailbox``."""
    text = said.decode(errors="replace") if isinstance(said, bytes) else str(said)
    return " ".join(str(part) for part in (code, text.strip()) if part) or "no reason given"
