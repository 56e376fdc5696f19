"""Fixtures of the page tests: run one page file as a signed-in account on the test database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from workbench.config import DATABASE_URL_ENV
from workbench.db.engine import Database
from workbench.domain.labels import Role
from workbench.ui import state
from workbench.ui.runtime import SignedIn

PAGES = Path(__file__).resolve().parents[2] / "workbench" / "ui" / "pages"
APP = Path(__file__).resolve().parents[2] / "workbench" / "streamlit_app.py"
ARTICLE = "000_b5ddb462525d61c6"


@pytest.fixture
def signed_in_page(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[str, SignedIn], AppTest]]:
    """Factory: run ``workbench/ui/pages/<page>`` as ``user``; caches are cleared around it."""
    monkeypatch.setenv(DATABASE_URL_ENV, database_url)
    st.cache_resource.clear()
    st.cache_data.clear()

    def _open(page: str, user: SignedIn) -> AppTest:
        at = AppTest.from_file(str(PAGES / page), default_timeout=60)
        at.session_state[state.USER] = user
        return at.run()

    yield _open
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def open_article(
    seeded_db: Database, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., AppTest]]:
    """Factory: a reviewer's browser session on the annotate page of one article."""
    monkeypatch.setenv(DATABASE_URL_ENV, database_url)
    st.cache_resource.clear()
    st.cache_data.clear()

    def _open(
        user_id: int, name: str = "ana", article: str = ARTICLE, sentence: int | None = None
    ) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=30)
        at.session_state["wb_user"] = SignedIn(user_id, name, Role.REVIEWER)
        at.run()  # the router registers the pages; then the annotate URL resolves
        at.switch_page("ui/pages/annotate.py")
        at.query_params["article"] = article
        if sentence is not None:
            at.query_params["sentence"] = str(sentence)
        return at.run()

    yield _open
    st.cache_resource.clear()
    st.cache_data.clear()
