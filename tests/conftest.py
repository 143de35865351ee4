"""Shared fixtures: an inbox and registers in a temporary folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from builders import write_registers


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """An empty inbox folder."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


@pytest.fixture
def registers(tmp_path: Path) -> dict[str, Path]:
    """The p44 and three_year registers (Leeds, Bradford, Salford; Housing, Finance)."""
    return write_registers(tmp_path / "registers")


@pytest.fixture
def soffice() -> str:
    """LibreOffice's command, for tests that re-save files as a partner on LibreOffice would."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs it")
    return found
