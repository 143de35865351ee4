"""Who may sign in to the central team's pages: one team password, or the accounts the
project file lists (``[serve] accounts = ["ana.khan", ...]``), each password set with
``pipeline serve --set-password`` and kept in the store only as an Argon2 hash."""

from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..errors import UsageError
from ..store.schema import transaction

TEAM = "team"  # the account of the one team password
SHORTEST = 10  # characters a password must have at least

_HASHER = PasswordHasher()  # argon2id, the library's recommended parameters


def set_password(db, account: str, password: str) -> None:
    """Keep ``account``'s password (as its Argon2 hash)."""
    if len(password) < SHORTEST:
        raise UsageError(f"A password must have at least {SHORTEST} characters: choose a longer "
                         f"one (a few words together are easy to remember).")  # fmt: skip
    with transaction(db):
        db.execute(
            "INSERT OR REPLACE INTO accounts VALUES (?, ?, ?)",
            (account, _HASHER.hash(password), datetime.now().isoformat(timespec="seconds")),
        )


def has_password(db, account: str) -> bool:
    """Whether ``account`` has a password set."""
    return db.execute("SELECT 1 FROM accounts WHERE name = ?", (account,)).fetchone() is not None


def check_password(db, account: str, password: str) -> bool:
    """Whether ``password`` is ``account``'s. An account with none set never signs in; the
    time taken is about the same either way (a hash is always checked)."""
    row = db.execute("SELECT hash FROM accounts WHERE name = ?", (account,)).fetchone()
    stored = row[0] if row else _UNUSABLE
    try:
        return _HASHER.verify(stored, password) and row is not None
    except (VerificationError, InvalidHashError):
        return False


_UNUSABLE = _HASHER.hash("no account has this password: it is only checked to take the time")
