"""``workbench serve``: the address, port and the server options it always passes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from workbench.cli import app
from workbench.config import DATABASE_URL_ENV

runner = CliRunner()


class Replaced(Exception):
    """Raised instead of replacing the test process with the server."""


def _served(monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[list[str], dict[str, str]]:
    seen: list[tuple[list[str], dict[str, str]]] = []

    def fake_execve(path: str, command: list[str], env: dict[str, str]) -> None:
        seen.append((command, env))
        raise Replaced

    monkeypatch.setattr(os, "execve", fake_execve)
    result = runner.invoke(app, list(args))
    assert isinstance(result.exception, Replaced), result.output
    return seen[0]


def _option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_serve_listens_on_localhost_by_default_with_no_deploy_button(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    command, _ = _served(monkeypatch, "serve")
    assert command[1:4] == ["-m", "streamlit", "run"]
    assert (_option(command, "--server.address"), _option(command, "--server.port")) == (
        "localhost",
        "8501",
    )
    assert _option(command, "--client.toolbarMode") == "minimal"
    assert _option(command, "--server.headless") == "true"


def test_serve_address_port_and_database(monkeypatch: pytest.MonkeyPatch) -> None:
    command, env = _served(
        monkeypatch,
        "--db",
        "sqlite:///elsewhere.db",
        "serve",
        "--address",
        "0.0.0.0",
        "--port",
        "8600",
    )
    assert (_option(command, "--server.address"), _option(command, "--server.port")) == (
        "0.0.0.0",
        "8600",
    )
    assert env[DATABASE_URL_ENV] == "sqlite:///elsewhere.db"


def test_make_run_passes_the_address() -> None:
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text(encoding="utf-8")
    assert "ADDRESS ?= localhost" in makefile
    assert "$(WB) serve --port $(PORT) --address $(ADDRESS)" in makefile
