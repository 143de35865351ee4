"""Whom an organisation's messages go to, said once: the chase list and the mail both ask here.

A message goes to the register's contact (its ``contact_name`` and ``contact_email``, which any
register may carry), copying whoever completed the return when that is someone else (told by
their email address). Next round's template is pre-filled with one person's details: all of
what the last return said of whoever completed it, or else the register's contact's, never a
mix of the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..declare import CONTACT_EMAIL, CONTACT_NAME, Layout
from ..inbox.registers import RegisterEntry, contact_of

if TYPE_CHECKING:
    from ..returns import LoadedReturn


@dataclass(frozen=True)
class Person:
    """Someone to write to: a name, an email address, or both."""

    name: str | None = None
    email: str | None = None

    def __str__(self) -> str:
        """``Jane Doe <jane.doe@leeds.gov.uk>``, or whichever is known."""
        parts = [self.name, self.email and f"<{self.email}>"]
        return " ".join(p for p in parts if p)

    def is_(self, other: Person | None) -> bool:
        """Whether ``other`` is this person: the same email address (ignoring case)."""
        mine, theirs = self.email, other.email if other else None
        return bool(mine and theirs) and mine.casefold() == theirs.casefold()


def _person(name: Any, email: Any) -> Person | None:
    name = str(name).strip() if name else None  # (a line break in a name is kept)
    email = str(email).strip() if email else None
    return Person(name, email) if name or email else None


@dataclass(frozen=True)
class Recipients:
    """Whom one organisation's messages go to: ``to``, the register's contact (None when the
    register names nobody); ``copy``, whoever completed its return, when that is someone else
    with an email address."""

    to: Person | None = None
    copy: Person | None = None

    @property
    def chase(self) -> Person | None:
        """The one person to chase: the register's contact, else whoever completed it."""
        return self.to or self.copy


def register_contact(layout: Layout, entry: RegisterEntry | None) -> Person | None:
    """The organisation's contact as its register gives it (``registers.contact_of``)."""
    return _person(*contact_of(layout, entry))


def completer(layout: Layout, loaded: LoadedReturn | None) -> Person | None:
    """Whoever completed the return, as it says (None without a return, or where the layout
    asks nobody's name)."""
    person = layout.completer
    if loaded is None or person is None:
        return None
    return _person(loaded.value(person.name), loaded.value(person.email) if person.email else None)


def recipients(layout: Layout, entry: RegisterEntry | None, loaded: LoadedReturn | None
               ) -> Recipients:  # fmt: skip
    """Whom an organisation's messages go to: its register's contact, copying whoever
    completed its return (``loaded``) when that is someone else with an email address. Used
    by the chase list and the mail alike."""
    to, done_by = register_contact(layout, entry), completer(layout, loaded)
    if done_by is None or not done_by.email or done_by.is_(to):
        return Recipients(to)
    return Recipients(to, done_by)


def completer_prefill(layout: Layout, entry: RegisterEntry | None,
                      last: LoadedReturn | None) -> dict[str, Any]:  # fmt: skip
    """The completer's fields of next round's template, as one person: every one as the last
    return gave it, where it names anyone; else the register's own contact (its
    ``contact_name`` and ``contact_email``: a fallback such as a head of service is whom to
    write to, not who fills the plan in), the other fields left blank."""
    person = layout.completer
    if person is None:
        return {}
    if last is not None and any(last.value(name) is not None for name in person.fields):
        return {name: last.value(name) for name in person.fields}
    values = dict.fromkeys(person.fields)
    prefill = entry.prefill if entry is not None else {}
    contact = _person(prefill.get(CONTACT_NAME), prefill.get(CONTACT_EMAIL))
    if contact is not None:
        values[person.name] = contact.name
        if person.email:
            values[person.email] = contact.email
    return values
