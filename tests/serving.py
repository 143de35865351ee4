"""A project served for the tests of ``pipeline serve``: registers, an inbox and outbox in a
folder, the service's settings, each organisation's link, and the team's password; the form
token of a page, and what a page says as plain text."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from builders import AS_OF, write_registers

from pipeline.inbox.registers import read_registers
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


def free_port() -> int:
    """A port no one on this machine listens on."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Running:
    """``pipeline serve`` running as the team runs it, in a project folder, on 127.0.0.1."""

    def __init__(self, folder: Path, *args: str) -> None:
        self.folder, self.args = folder, args
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Running:
        import subprocess
        import sys
        import time
        import urllib.request

        command = [sys.executable, "-m", "pipeline", "serve", "--port", str(self.port),
                   "--as-of", AS_OF.isoformat(), *self.args]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=self.folder, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT)  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.process.stdout.read().decode()) from None
                time.sleep(0.2)
        raise RuntimeError("pipeline serve did not start")

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except Exception:
            self.process.kill()
        self.output = self.process.stdout.read().decode()


PROJECT_FILE = """\
inbox = "inbox"
outbox = "outbox"
store = "outbox/pipeline.sqlite"

[registers]
{registers}
"""


def project_folder(root: Path, registers: dict[str, Path]) -> Path:
    """A project folder (its project file naming ``registers``, an inbox, an outbox), with
    the team's password set."""
    import os
    import subprocess
    import sys

    (root / "inbox").mkdir(parents=True, exist_ok=True)
    named = "\n".join(f'{name} = "{path.as_posix()}"' for name, path in registers.items())
    (root / "pipeline.toml").write_text(PROJECT_FILE.format(registers=named))
    subprocess.run([sys.executable, "-m", "pipeline", "serve", "--set-password"], cwd=root,
                   check=True, capture_output=True,
                   env={**os.environ, "PIPELINE_SERVE_PASSWORD": TEAM_PASSWORD})  # fmt: skip
    return root


def links_of(root: Path) -> dict[str, str]:
    """Each organisation's link path (``/r/<token>``), as `pipeline links` lists them."""
    import subprocess
    import sys

    listed = subprocess.run([sys.executable, "-m", "pipeline", "links", "--as-of",
                             AS_OF.isoformat()], cwd=root, check=True, capture_output=True,
                            text=True).stdout  # fmt: skip
    return dict(re.findall(r"^  (.+?): http://[^/]+(/r/\S+)$", listed, re.MULTILINE))


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
