"""Fixtures that run the real app (``workbench serve``) and drive it in headless Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.e2e.helpers import PASSWORD, RunningApp
from workbench.db.engine import Database
from workbench.db.migrate import upgrade
from workbench.services.ingest import ingest_paths
from workbench.services.users import create_user

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"
expect.set_options(timeout=20_000)  # a shared 2-core machine can be slow to rerun a page
XSS_TITLE = "Hostile markup test"
XSS_BODY = (
    f"{XSS_TITLE}\n\n"
    "The council said the budget grew by 4% in 2024. "
    "A resident wrote <script>alert(1)</script> in the comment field. "
    "Another posted <img src=x onerror=alert(1)> on the notice board. "
    "Officials did not respond to questions on Friday.\n"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited early:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the app did not answer /_stcore/health:\n{log.read_text()}")


def _workbench_command() -> list[str]:
    script = Path(sys.executable).with_name("workbench")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from workbench.cli import main; main()"]


@pytest.fixture
def serve_app(tmp_path: Path) -> Iterator[Callable[..., RunningApp]]:
    """Factory: a fresh SQLite database with the seeds (+ a hostile article) served on a free port.

    ``accounts`` maps account names to roles; they all get ``PASSWORD``. ``hostile`` adds an
    article whose text holds ``<script>`` and ``<img onerror>``. ``outside`` starts the server
    in a folder without the project's ``.streamlit/config.toml``, so only the options
    ``workbench serve`` passes apply.
    """
    processes: list[subprocess.Popen[bytes]] = []
    databases: list[Database] = []

    def start(
        accounts: dict[str, str] | None = None, *, hostile: bool = True, outside: bool = False
    ) -> RunningApp:
        folder = tmp_path / f"app{len(processes)}"
        folder.mkdir()
        (folder / "hostile.txt").write_text(XSS_BODY, encoding="utf-8")
        db_url = f"sqlite:///{folder / 'workbench.db'}"
        db = Database.from_url(db_url)
        databases.append(db)
        upgrade(db.engine)
        sources = [str(SEEDS)] + ([str(folder / "hostile.txt")] if hostile else [])
        report = ingest_paths(db, sources=sources)
        assert not report.errors, report.errors
        with db.write() as session:
            for name, role in (accounts or {}).items():
                create_user(session, name=name, role=role, password=PASSWORD)
        port = _free_port()
        log = folder / "server.log"
        command = _workbench_command() + ["--db", db_url, "serve", "--port", str(port)]
        env = dict(
            os.environ,
            STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
            STREAMLIT_SERVER_FILE_WATCHER_TYPE="none",  # edits elsewhere must not restart runs
            WORKBENCH_EXPORTS_DIR=str(folder / "exports"),
        )
        with log.open("wb") as out:
            process = subprocess.Popen(
                command,
                cwd=folder if outside else ROOT,
                env=dict(env, PYTHONPATH=str(ROOT)) if outside else env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        processes.append(process)
        url = f"http://localhost:{port}"
        _wait_healthy(url, process, log)
        return RunningApp(url=url, db=db, db_url=db_url)

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
    for db in databases:
        db.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless system Chromium; missing Chromium skips outside CI and fails in CI."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing; end-to-end tests need the system Chromium"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser page (own cookies and storage) 1400x1000 pixels."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()
