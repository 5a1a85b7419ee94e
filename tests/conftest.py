"""Shared test isolation: every test gets its own casebook, home and terminal settings."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lscp_cli.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"


def case_text(name: str) -> str:
    """A fictional case file from tests/fixtures/cases/ (see the README there)."""
    return (FIXTURES / "cases" / f"{name}.toml").read_text(encoding="utf-8")


# The case most tests start from: just opened, nothing notified yet.
CASE_TEXT = case_text("intake")


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
def casebook_with(casebook_dir: Path) -> Callable[..., Path]:
    """Copy fixture cases into the test's casebook, each under its own id; returns the root."""

    def build(*names: str) -> Path:
        cases = casebook_dir / "cases"
        cases.mkdir(exist_ok=True)
        for name in names:
            text = case_text(name)
            case_id = tomllib.loads(text)["id"]
            (cases / f"{case_id}.toml").write_text(text, encoding="utf-8")
        return casebook_dir

    return build


@pytest.fixture
def run() -> Callable[..., Result]:
    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        runner = CliRunner()
        return runner.invoke(cli, list(args), input=input, env=env, catch_exceptions=False)

    return invoke
