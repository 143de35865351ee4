"""LibreOffice, where it is installed: the one program here that turns a workbook into a PDF.

It is found on ``PATH`` (``soffice``, ``libreoffice``), else where its installers put it on
Windows and macOS. Each conversion runs headless with a profile of its own, so a copy of
LibreOffice the user has open does not get in its way.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import PipelineError
from .files import atomic_path


def installed_at() -> tuple[Path, ...]:
    """Where LibreOffice's installers put its program: Windows (64- and 32-bit), then macOS
    (for everyone, then for this user alone)."""
    places = [
        Path(os.environ.get("PROGRAMFILES", r"C:\Program Files")),
        Path(os.environ.get("PROGRAMFILES(X86)", r"C:\Program Files (x86)")),
    ]
    found = [place / "LibreOffice" / "program" / "soffice.exe" for place in places]
    mac = Path("LibreOffice.app", "Contents", "MacOS", "soffice")
    found.append(Path("/Applications") / mac)
    with contextlib.suppress(RuntimeError):  # no home folder can be found
        found.append(Path.home() / "Applications" / mac)
    return tuple(found)


CONVERSION_SECONDS = 600
MISSING = (
    "it is printed by LibreOffice, which is not installed. Install it (libreoffice.org; on "
    "Debian or Ubuntu, apt-get install libreoffice-calc-nogui) and run again, or print the "
    "workbook from Excel"
)


def find(installed: tuple[Path, ...] | None = None) -> str | None:
    """The LibreOffice program to run (on ``PATH``, else the first of ``installed``, by default
    ``installed_at()``, there is), or None when it is not installed."""
    on_path = shutil.which("soffice") or shutil.which("libreoffice")
    if on_path:
        return on_path
    return next((str(p) for p in installed or installed_at() if p.is_file()), None)


def to_pdf(workbook: Path, pdf: Path) -> Path:
    """Print ``workbook`` to the PDF file ``pdf`` (written whole or not at all); returns
    ``pdf``. A ``PipelineError`` says why when it cannot be made."""
    program = find()
    if program is None:
        raise PipelineError(f"No PDF of {workbook.name}: {MISSING}.")
    with tempfile.TemporaryDirectory(prefix="pipeline-pdf-") as folder:
        profile = Path(folder, "profile").as_uri()
        command = [program, "--headless", f"-env:UserInstallation={profile}", "--convert-to",
                   "pdf", "--outdir", folder, str(workbook)]  # fmt: skip
        try:
            done = subprocess.run(command, capture_output=True, text=True,
                                  timeout=CONVERSION_SECONDS)  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as err:
            raise PipelineError(
                f"LibreOffice could not print {workbook.name} to PDF ({err}): run again, or "
                f"print the workbook from Excel."
            ) from None
        made = Path(folder, f"{workbook.stem}.pdf")
        if not made.is_file():
            said = (done.stderr or done.stdout).strip().splitlines()
            raise PipelineError(
                f"LibreOffice could not print {workbook.name} to PDF"
                f"{f' ({said[-1]})' if said else ''}: run again, or print the workbook from Excel."
            )
        with atomic_path(pdf) as tmp:
            shutil.copyfile(made, tmp)
    return pdf
