"""A new server imports the pages' modules in the background before the first visitor."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from workbench.ui import warmup


def test_page_imports_lists_every_top_level_import_of_the_pages(tmp_path: Path) -> None:
    (tmp_path / "one.py").write_text(
        "from __future__ import annotations\nimport json\n"
        "from workbench.ui import charts, state\nfrom . import sibling\n"
        "def later():\n    import csv\n",
        encoding="utf-8",
    )
    (tmp_path / "two.py").write_text("import pandas as pd\n", encoding="utf-8")
    assert warmup.page_imports(tmp_path) == [
        "json",
        "pandas",
        "workbench.ui",
        "workbench.ui.charts",
        "workbench.ui.state",
    ]


def test_the_real_pages_heavy_modules_are_warmed() -> None:
    names = warmup.page_imports()
    assert {"workbench.ui.charts", "workbench.services.agreement", "pandas"} <= set(names)
    code = (
        "import sys\nfrom workbench.ui import warmup\nwarmup.warm()\n"
        "print(all(m in sys.modules for m in ('altair', 'workbench.services.agreement', "
        "'workbench.services.export')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    assert done.stdout.strip() == "True", done.stderr


def test_a_failed_warm_up_is_logged_and_does_not_stop_the_server(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> list[str]:
        raise ImportError("no module named 'gone'")

    monkeypatch.setattr(warmup, "warm", broken)
    with caplog.at_level(logging.ERROR, logger="workbench.ui.warmup"):
        warmup.start().join(timeout=30)
    assert "warming the page imports failed" in caplog.text
    assert "no module named 'gone'" in caplog.text


def test_the_served_app_warms_up_in_its_lifespan(monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    from workbench import streamlit_app

    events: list[str] = []

    async def run() -> None:
        async with warmup.lifespan(None):
            events.append("serving")

    monkeypatch.setattr(warmup, "start", lambda: events.append("warm-up started"))
    # A thread of its own: another test of the run may leave an event loop running here.
    runner = threading.Thread(target=asyncio.run, args=(run(),))
    runner.start()
    runner.join(timeout=30)
    assert events == ["warm-up started", "serving"]
    assert streamlit_app.app._user_lifespan is warmup.lifespan
