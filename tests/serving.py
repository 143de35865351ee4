"""A project served for the tests of ``pipeline serve``: registers, an inbox and outbox in a
folder, the service's settings, each organisation's link, and the team's password; the form
token of a page, and what a page says as plain text."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from builders import AS_OF, write_registers

from pipeline.registers import read_registers
from pipeline.serve import ServeSettings
from pipeline.serve.links import Link, round_links
from pipeline.serve.start import store_password

TEAM_PASSWORD = "correct horse battery staple"


@dataclass
class Served:
    """A project ready to serve."""

    root: Path
    settings: ServeSettings
    links: dict[str, Link]  # by organisation
    registers: dict[str, Path]

    def url(self, organisation: str) -> str:
        """The path of the organisation's page."""
        return f"/r/{self.links[organisation].token}"


def served_project(root: Path, **settings) -> Served:
    """A project of the p44 and three-year registers (Leeds, Bradford, Salford; Housing,
    Finance) served for the round of ``AS_OF``, with the team's password set."""
    registers = write_registers(root / "registers")
    (root / "inbox").mkdir(parents=True, exist_ok=True)
    given = {"inbox": root / "inbox", "registers": tuple(registers.values()), "as_of": AS_OF,
             "workers": 1, **settings}  # fmt: skip
    made = ServeSettings.of(root / "outbox", None, **given)
    links, _ = round_links(made.store, read_registers(list(registers.values())), AS_OF)
    store_password(made.store, "team", TEAM_PASSWORD)
    return Served(root, made, {link.organisation: link for link in links}, registers)


def form_token(page: str) -> str:
    """The form token a page's form carries."""
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def text_of(page: str) -> str:
    """A page's words, as a person reads them."""
    words = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", words))).strip()
