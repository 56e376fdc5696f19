"""Warm a new server: import what the pages import before the first visitor needs it.

A page's first run in a fresh process would otherwise pay for importing Altair, the agreement
metrics, the exporters and the rest (about a second on the Agreement page), and Altair for
compiling its schema validator on the first chart. ``start`` does that work once, in a
background thread, when the server starts; a page run that needs a module meanwhile waits for
the import in progress instead of starting its own.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.util
import logging
import threading
from collections.abc import AsyncIterator
from pathlib import Path

from workbench.ui.pages import PAGES_DIR

log = logging.getLogger(__name__)


def page_imports(folder: Path = PAGES_DIR) -> list[str]:
    """Every module the page files import at their top level, sorted."""
    found: set[str] = set()
    for file in sorted(folder.glob("*.py")):
        for node in ast.parse(file.read_text(encoding="utf-8"), str(file)).body:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module)
                found.update(
                    f"{node.module}.{alias.name}"
                    for alias in node.names
                    if _is_module(f"{node.module}.{alias.name}")
                )
    found.discard("__future__")
    return sorted(found)


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def warm() -> list[str]:
    """Import the pages' modules and draw one chart; the modules imported, in order."""
    names = page_imports()
    for name in names:
        importlib.import_module(name)
    from workbench.ui import charts

    charts.warm()
    return names


def _run() -> None:
    try:
        warm()
    except Exception:  # a warm-up failure must not stop the server; the page will show it
        log.exception("warming the page imports failed")


def start() -> threading.Thread:
    """Warm up in a daemon thread; return it."""
    thread = threading.Thread(target=_run, name="workbench-warmup", daemon=True)
    thread.start()
    return thread


@contextlib.asynccontextmanager
async def lifespan(_app: object) -> AsyncIterator[None]:
    """The served app's lifespan: warm up at start (in the background), nothing at stop."""
    start()
    yield None
