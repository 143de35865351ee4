"""The service's log: every upload and every sign-in, one line each (when, from where, which
organisation or account, what became of it), in ``outbox/serve-log.txt`` and on the
terminal. Names from partners' files are written out (``naming.visible``): no line can be
forged by a file's name."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from ..naming import visible

LOGGER = "pipeline.serve"


def start_log(path: Path) -> logging.Logger:
    """The log, writing to ``path`` and to the terminal (each line once)."""
    log = logging.getLogger(LOGGER)
    log.setLevel(logging.INFO)
    log.propagate = False
    for handler in list(log.handlers):
        log.removeHandler(handler)
        handler.close()
    form = logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%dT%H:%M:%S")
    path.parent.mkdir(parents=True, exist_ok=True)
    for handler in (logging.FileHandler(path, encoding="utf-8"), logging.StreamHandler(sys.stderr)):
        handler.setFormatter(form)
        log.addHandler(handler)
    return log


def _said(*parts: object) -> str:
    return " ".join(visible(str(p)) for p in parts if p is not None and p != "")


def upload(client: str, layout: str, organisation: str, what: str, detail: str = "") -> None:
    """One upload and what became of it (accepted, rejected and why, refused and why)."""
    logging.getLogger(LOGGER).info(
        _said("upload", f"from={client}", f"layout={layout}", f'organisation="{organisation}"',
              f"outcome={what!r}", detail)
    )  # fmt: skip


def sign_in(client: str, account: str, ok: bool, why: str = "") -> None:
    """One sign-in: who tried, from where, and whether they got in."""
    logging.getLogger(LOGGER).info(
        _said("sign-in", f"from={client}", f'account="{account}"',
              "outcome=signed in" if ok else "outcome=refused", why)
    )  # fmt: skip


def event(what: str, client: str, detail: str = "") -> None:
    """Anything else worth keeping: a link not found, a form refused, a page that failed."""
    logging.getLogger(LOGGER).info(_said(what, f"from={client}", detail))
