"""The app's pages; each file starts with ``runtime.require_role``."""

from __future__ import annotations

from pathlib import Path

PAGES_DIR = Path(__file__).parent


def page_path(file: str) -> Path:
    """Absolute path of a page file, for ``st.page_link`` and ``st.switch_page`` from any page."""
    return PAGES_DIR / file
