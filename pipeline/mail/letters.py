"""One message per organisation for the round the last run recorded: to the register's
contact, copying whoever completed the return if someone else (``pipeline.round.contacts``), what
is missing or must be fixed, what is off track and when returns are due, with its pre-filled
template for the next round and its feedback workbooks attached.

What to say comes from the notices the run kept in the store (``pipeline.round.notices``); the
templates are written as ``pipeline templates`` writes them, from the register and the
organisation's latest return. Messages are written as ``.eml`` drafts here
(``write_drafts``) or sent by ``pipeline.mail.sending``. These functions take paths and plain
values and never print: the CLI says what they return.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

from ..declare import LAYOUTS
from ..declare.rounds import Round, round_of
from ..errors import PipelineError
from ..inbox.registers import organisation_key
from ..naming import safe_stem
from ..round.due import Dues
from ..round.notices import NOTICE, Notice
from ..system.files import atomic_path, need_folder, write_problem

MAIL_FOLDER = "mail"  # the drafts' folder in the outbox
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
OFF_TRACK_SHOWN = 10  # the off-track lines a message lists; the feedback has them all
MESSAGE_DOMAIN = "pipeline.invalid"  # a Message-ID's domain when no sender is given


@dataclass(frozen=True)
class Letter:
    """One organisation's message, ready to write or send."""

    notice: Notice
    message: EmailMessage

    @property
    def recipient(self) -> str:
        """The address it goes to."""
        return str(self.notice.contact_email)

    @property
    def recipients(self) -> list[str]:
        """Every address it goes to: its recipient, then the one it copies, if any."""
        return [self.recipient, *((self.notice.copy_email,) if self.notice.copy_email else ())]

    @property
    def subject(self) -> str:
        """Its subject line."""
        return str(self.message["Subject"])


@dataclass(frozen=True)
class NotMailed:
    """An organisation left out, and why, in a sentence saying what to do."""

    notice: Notice
    why: str


@dataclass
class MailRound:
    """The round's messages: those to write or send, and the organisations left out."""

    as_of: date  # the as-of date of the run they are about
    letters: list[Letter] = field(default_factory=list)
    not_mailed: list[NotMailed] = field(default_factory=list)


@dataclass(frozen=True)
class _Context:
    """What the rules for leaving an organisation out look at besides its notice."""

    feedback: Path
    sent: dict[tuple[str, str], tuple[str, object]]
    again: bool


def _not_on_register(n: Notice, _: _Context) -> str | None:
    return None if n.on_register else "it is not on a register, so there is no contact to write to"


def _no_email(n: Notice, _: _Context) -> str | None:
    if n.contact_email:
        return None
    return ("no contact email on the register: add it (a contact_email column, which any "
            "register may have) and run `pipeline run` again")  # fmt: skip


def _already_sent(n: Notice, ctx: _Context) -> str | None:
    sent = ctx.sent.get((n.layout, organisation_key(n.organisation)))
    if sent is None or ctx.again:
        return None
    to, at = sent
    return f"already sent to {to} on {at:%d/%m/%Y at %H:%M}: use --again to send it again"


def _feedback_gone(n: Notice, ctx: _Context) -> str | None:
    gone = [name for name in n.feedback if not (ctx.feedback / name).is_file()]
    if not gone:
        return None
    return (f"its feedback workbook {gone[0]} is not in {ctx.feedback}: run `pipeline run` "
            f"again to write it")  # fmt: skip


# Why an organisation is not mailed: the first rule that says something says why.
LEFT_OUT: tuple[Callable[[Notice, _Context], str | None], ...] = (
    _not_on_register, _no_email, _already_sent, _feedback_gone,
)  # fmt: skip


def prepare(
    store_path: Path,
    outbox: Path,
    scratch: Path,
    sender: str | None = None,
    as_of: date | None = None,
    due: date | Dues | None = None,
    again: bool = False,
    links: Callable[[str, str, date], str] | None = None,
) -> MailRound:
    """The messages for the round the store's last run recorded, their templates written
    into ``scratch`` as they are attached; the feedback workbooks are read from
    ``outbox/feedback``. ``as_of``: the day of the round the templates are for (default: the
    first day of the round after the run's); ``due``: when the next round's returns are due,
    a date or the team's rule (``pipeline.round.due``; None: not said). With ``again``,
    organisations already sent their message are mailed again. ``links(layout, organisation,
    day)``: each organisation's upload link for the round of the templates (``pipeline
    serve``), said in the message and on the template's Guidance."""
    from ..store import Store

    with Store.open(store_path, write=False) as store:
        run_as_of = store.latest_run()
        if run_as_of is None:
            raise PipelineError(f"The store {store_path} has no run recorded: run `pipeline run`"
                                f" first.")  # fmt: skip
        notices, sent = _round_notices(store, run_as_of)
        context = _Context(Path(outbox) / "feedback", sent, again)
        made = MailRound(run_as_of)
        taken: set[str] = set()
        for notice in notices:
            why = next((said for rule in LEFT_OUT if (said := rule(notice, context))), None)
            if why is not None:
                made.not_mailed.append(NotMailed(notice, why))
                continue
            day = as_of or next_round(notice)
            link = links(notice.layout, notice.organisation, day) if links else None
            template, carried = _template(store, notice, scratch, day, taken, link)
            attachments = [template, *(context.feedback / name for name in notice.feedback)]
            upcoming = Upcoming.of(notice.layout, day, due, carried)
            try:
                message = compose(notice, attachments, sender, upcoming, link)
            except (ValueError, MessageError):  # an address a message cannot carry
                made.not_mailed.append(NotMailed(notice, _unusable(notice)))
                continue
            made.letters.append(Letter(notice, message))
    return made


def _unusable(notice: Notice) -> str:
    if notice.copy_email:
        return (f"the contact email {notice.contact_email} or the address copied "
                f"{notice.copy_email} cannot be written in a message: correct it (on the "
                f"register, or in the return) and run `pipeline run` again")  # fmt: skip
    return (f"the register's contact email {notice.contact_email} cannot be written in a "
            f"message: correct it on the register and run `pipeline run` again")  # fmt: skip


def _round_notices(store, run_as_of: date) -> tuple[list[Notice], dict]:
    """The notices the run at ``run_as_of`` kept, and who was sent what in its rounds."""

    notices, sent, older = [], {}, 0
    for layout, round_ in LAYOUTS.rounds_at(run_as_of).items():
        for _, summary in store.round_summaries(layout, round_.id):
            kept = summary.get(NOTICE)
            if kept is None:
                older += 1
                continue
            notice = Notice.from_stored(kept)
            if notice.as_of == run_as_of:  # not left by an earlier run of the round
                notices.append(notice)
        sent.update({(layout, key): to for key, to in store.mailed(layout, round_.id).items()})
    if older and not notices:
        raise PipelineError(
            f"The last run ({run_as_of:%d/%m/%Y}) was recorded by an older pipeline, which did "
            f"not keep what to tell each organisation: run `pipeline run` again, then mail."
        )
    return notices, sent


def _template(store, notice: Notice, scratch: Path, day: date, taken: set,
              link: str | None = None) -> tuple[Path, bool]:  # fmt: skip
    """Write the organisation's template for the round of ``day`` into ``scratch`` (naming
    its upload ``link`` on its Guidance, where there is one); and whether it carries the
    organisation's last return forward (False: it has sent none, its template holds the
    register's details only)."""
    from ..templates.writer import template_name, write_prefilled

    layout = LAYOUTS[notice.layout]
    entry = store.register_entry(notice.layout, notice.organisation)
    last = store.latest_returns_of(notice.layout, [notice.organisation])
    path = Path(scratch) / template_name(layout, notice.organisation, taken)
    carried = last.get(organisation_key(notice.organisation))
    return write_prefilled(path, layout, entry, carried, day, link), carried is not None


@dataclass(frozen=True)
class Upcoming:
    """The round the attached template is for, and when its returns are due (None: not
    said)."""

    round: Round
    due: date | None
    carried: bool = True  # the template carries the organisation's last return forward

    @classmethod
    def of(cls, layout: str, day: date, due: date | Dues | None, carried: bool = True) -> Upcoming:
        """``layout``'s round of ``day``, due on the date ``due`` gives it."""
        round_ = round_of(LAYOUTS[layout].cadence, day)
        if isinstance(due, Dues):
            return cls(round_, due.dates({layout: round_}).get(layout), carried)
        return cls(round_, due, carried)


def next_round(notice: Notice) -> date:
    """The first day of the round after the notice's."""
    cadence = LAYOUTS[notice.layout].cadence
    return round_of(cadence, round_of(cadence, notice.as_of).end + timedelta(days=1)).start


def compose(
    notice: Notice,
    attachments: list[Path],
    sender: str | None,
    upcoming: Upcoming | None,
    link: str | None = None,
) -> EmailMessage:
    """The message to one organisation, with ``attachments`` (its template first) and its
    upload ``link``, where it has one."""
    layout = LAYOUTS[notice.layout]
    message = EmailMessage()
    message["Subject"] = one_line(f"{layout.title}: {notice.organisation}, {notice.round_label}")
    message["To"] = Address(one_line(notice.contact_name or ""), addr_spec=notice.contact_email)
    if notice.copy_email:  # whoever completed the return, when not the register's contact
        message["Cc"] = Address(one_line(notice.copy_name or ""), addr_spec=notice.copy_email)
    if sender:
        message["From"] = sender
    message["Date"] = formatdate(localtime=True)
    address = parseaddr(sender)[1] if sender else ""
    domain = address.rpartition("@")[2] if "@" in address else MESSAGE_DOMAIN
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(body(notice, [p.name for p in attachments], upcoming, link))
    for path in attachments:
        message.add_attachment(path.read_bytes(), *XLSX, filename=path.name)
    return message


def one_line(text: str) -> str:
    """Text for a header: a register's value may hold line breaks, which no header can."""
    return " ".join(text.split())


def body(notice: Notice, attached: list[str], upcoming: Upcoming | None,
         link: str | None = None) -> str:  # fmt: skip
    """The message's text: what is missing or must be fixed, what is off track, when this
    round's missing return was due and the next round's is (``upcoming``), where to upload
    the next return (``link``), and what is attached (``attached``: the template first, then
    the feedback)."""
    title = LAYOUTS[notice.layout].title
    if notice.has_return:
        opening = f"Thank you for the {title} return for {notice.round_label}."
    else:
        opening = f"We have no usable {title} return from you for {notice.round_label}."
    lines = [f"Dear {notice.contact_name or notice.organisation},", "", opening, ""]
    lines += ["What is missing or must be fixed:", *(f"- {s}" for s in notice.to_fix), ""] \
        if notice.to_fix else ["Nothing is missing and nothing must be fixed.", ""]  # fmt: skip
    if notice.off_track:
        shown = notice.off_track[:OFF_TRACK_SHOWN]
        more = len(notice.off_track) - len(shown)
        lines += ["What is off track:", *(f"- {s}" for s in shown)]
        lines += [f"- and {more} more: see the feedback workbook."] if more else []
        lines.append("")
    lines += _when_due(notice, upcoming)
    if link is not None:
        lines += ["Send your next return by uploading it on your own page (keep this link to "
                  "yourselves):", link, "You will see at once whether it is accepted and what "
                  "to fix, and you may upload it again until it is right.", ""]  # fmt: skip
    template, *feedback = attached
    carried = upcoming is None or upcoming.carried
    lines += ["Attached:",
              f"- {template}: your template for the next round, with what you told us last "
              f"time already filled in." if carried else f"- {template}: your template for the "
              f"next round, with your details as we hold them already filled in."]  # fmt: skip
    lines += [f"- {name}: why a file you sent could not be used, and what to do about it "
              f"(its Fix list)." if name in notice.turned_down else
              f"- {name}: your return with each thing to fix or check marked on it, listed "
              f"on its first sheet (Fix list)." for name in feedback]  # fmt: skip
    return "\n".join(lines) + "\n"


def _when_due(notice: Notice, upcoming: Upcoming | None) -> list[str]:
    """When returns are due: this round's, to an organisation with no usable return (as past
    when the run was after the day), and the next round's, the attached template's."""
    lines = []
    if notice.due is not None and not notice.has_return:
        was = "was" if notice.due < notice.as_of else "is"
        lines.append(f"Your return for {notice.round_label} {was} due by {notice.due:%d/%m/%Y}.")
    if upcoming is not None and upcoming.due is not None:
        lines.append(f"Your next return, for {upcoming.round.label}, is due by "
                     f"{upcoming.due:%d/%m/%Y}.")  # fmt: skip
    return [*lines, ""] if lines else []


def draft_name(notice: Notice, taken: set[str]) -> str:
    """The file name of an organisation's draft: ``p44-Leeds.eml``."""
    return f"{safe_stem(f'{notice.layout}-{notice.organisation}', taken)}.eml"


def write_drafts(letters: list[Letter], folder: Path) -> list[Path]:
    """Write each message as an ``.eml`` draft into ``folder`` (marked unsent, so that
    Outlook opens it ready to send); returns the paths, in the letters' order."""
    folder = Path(folder)
    need_folder(folder, "The mail folder")
    taken: set[str] = set()
    paths = []
    for letter in letters:
        draft = copy.deepcopy(letter.message)
        draft["X-Unsent"] = "1"
        path = folder / draft_name(letter.notice, taken)
        try:
            with atomic_path(path) as tmp:
                tmp.write_bytes(draft.as_bytes())
        except OSError as err:
            done = f"{len(paths)} of the {len(letters)} drafts were written"
            raise PipelineError(write_problem(err, "The mail folder", folder, done)) from None
        paths.append(path)
    return paths
