"""Before the service starts: what it will do, said on the terminal (where it listens, the
address partners reach, whether anyone can sign in); and setting a password."""

from __future__ import annotations

from pathlib import Path

from ..store import Store
from .accounts import TEAM, has_password, set_password
from .links import secret_key
from .settings import ServeSettings


def store_password(store_path: Path, account: str, password: str) -> None:
    """Keep ``account``'s password in the store (as its Argon2 hash)."""
    with Store.open(store_path) as store:
        set_password(store.db, account, password)


def check_ready(settings: ServeSettings) -> list[str]:
    """Open the store (made if new) and the service's key, and say what the service will do:
    where it listens, the address links start with, who can sign in."""
    secret_key(settings.store)
    names = settings.accounts or (TEAM,)
    with Store.open(settings.store) as store:
        unset = [name for name in names if not has_password(store.db, name)]
    lines = [
        f"Serving the round on http://{settings.host}:{settings.port} (Ctrl+C to stop).",
        f"Partners' links start with {settings.base_url}/r/ (`pipeline links` lists them).",
        f"Every upload and sign-in is logged in {settings.log}.",
    ]
    if unset and not settings.accounts:
        lines.append("No team password is set, so no one can sign in: run `pipeline serve "
                     "--set-password` first.")  # fmt: skip
    elif unset:
        lines.append(f"No password is set for {', '.join(unset)}: run `pipeline serve "
                     f"--set-password NAME` for each.")  # fmt: skip
    return lines
