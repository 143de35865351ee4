"""Shared fixtures: an inbox and registers in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import write_registers

from pipeline import libreoffice


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
    found = libreoffice.find()  # where the pipeline finds it
    if found is None:
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs it")
    return found


@pytest.fixture(scope="session")
def demo_round(tmp_path_factory):
    """The demo round, made and run once through the command (``pipeline demo``): its
    output, its folder and its consolidated workbook."""
    from click.testing import CliRunner

    from pipeline.cli import cli

    folder = tmp_path_factory.mktemp("demo") / "demo"
    result = CliRunner().invoke(cli, ["demo", "--dir", str(folder)])
    assert result.exit_code == 0, result.output
    return result.output, folder, folder / "consolidated-2026-11-20.xlsx"
