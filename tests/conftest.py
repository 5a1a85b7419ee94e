"""Shared test isolation: every test gets its own casebook, home and terminal settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lscp_cli.cli import cli

# A fictional case used across tests (no real child, family or event).
CASE_TEXT = """\
# Fictional test case.
schema = 1
id = "LSCP-2025-001"
opened = 2025-01-06

[incident]
type = "serious-harm"  # officer's comment on the type
occurred = 2025-01-02
aware = 2025-01-03
location = "Leeds"
in_area = true
abuse_or_neglect = "suspected"
summary = \"\"\"Fictional outline for tests.\"\"\"

[[children]]
initials = "A.B."
date_of_birth = 2024-04-02
looked_after = false
"""


@pytest.fixture(autouse=True)
def isolation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    casebook = tmp_path / "casebook"
    casebook.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("LSCP_DIR", str(casebook))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("LSCP_DEBUG", raising=False)
    monkeypatch.delenv("LSCP_PROMPT", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.chdir(tmp_path)
    return casebook


@pytest.fixture
def casebook_dir(isolation: Path) -> Path:
    return isolation


@pytest.fixture
def write_case(casebook_dir: Path) -> Callable[..., Path]:
    def write(text: str = CASE_TEXT, case_id: str = "LSCP-2025-001") -> Path:
        cases = casebook_dir / "cases"
        cases.mkdir(exist_ok=True)
        path = cases / f"{case_id}.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def run() -> Callable[..., Result]:
    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        runner = CliRunner()
        return runner.invoke(cli, list(args), input=input, env=env, catch_exceptions=False)

    return invoke
