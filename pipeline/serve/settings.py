"""What ``pipeline serve`` is told: the project's folders, registers and due dates (as
``pipeline run`` takes them), where it listens and how partners reach it, and its limits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..store import DEFAULT_STORE

MEGABYTE = 2**20


@dataclass(frozen=True)
class ServeSettings:
    """Everything the web service and its workers need (plain values: it is sent to the
    worker processes)."""

    inbox: Path
    outbox: Path
    store: Path
    registers: tuple[Any, ...] = ()  # as ``--register`` gives them
    due: Any = None  # a date or ``due.Dues``
    file_times: bool = False
    as_of: date | None = None  # a fixed day for the round (the demo's, tests'); None: today
    host: str = "127.0.0.1"
    port: int = 8000
    url: str | None = None  # the address partners reach it at (default: http://host:port)
    max_upload_mb: int = 10
    accounts: tuple[str, ...] = ()  # named accounts; none: one team password
    workers: int = 2  # processes taking in uploads and putting the round together
    uploads_per_minute: int = 12  # from one address, before it is slowed
    burst: int = 20  # requests one address may make at once before the rate counts

    @classmethod
    def of(cls, outbox: Path, store: Path | None, **given: Any) -> ServeSettings:
        """Settings with the store defaulting to the outbox's, as ``pipeline run``'s does."""
        outbox = Path(outbox)
        return cls(outbox=outbox, store=Path(store) if store else outbox / DEFAULT_STORE.name,
                   **given)  # fmt: skip

    def today(self) -> date:
        """The day whose round is served."""
        return self.as_of or date.today()

    @property
    def base_url(self) -> str:
        """The address partners' links start with."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return (self.url or f"http://{host}:{self.port}").rstrip("/")

    @property
    def secure(self) -> bool:
        """Whether partners reach it over HTTPS (cookies are then sent over HTTPS only)."""
        return self.base_url.startswith("https://")

    @property
    def max_upload(self) -> int:
        """The largest upload taken, in bytes."""
        return self.max_upload_mb * MEGABYTE

    @property
    def uploads(self) -> Path:
        """Where uploads are streamed to before they are taken in (a hidden folder of the
        outbox: never read as returns, and emptied as each is taken in)."""
        return self.outbox / ".serve-uploads"

    @property
    def log(self) -> Path:
        """The log of every upload and sign-in."""
        return self.outbox / "serve-log.txt"

    @property
    def built(self) -> Path:
        """Where the workbook and pack the team downloads are written."""
        return self.outbox
